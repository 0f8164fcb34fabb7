// BPF, WIRESHARK and STEELFILTER packet filters of the simulated packet export.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePacketFilter, type PacketTuple } from '../../src/simulator/appresponse/packet-filters';

const web: PacketTuple = { srcIp: '10.1.2.3', dstIp: '93.184.216.34', srcPort: 51000, dstPort: 443, l4: 'TCP', app: 'TLS' };
const reply: PacketTuple = { srcIp: '93.184.216.34', dstIp: '10.1.2.3', srcPort: 443, dstPort: 51000, l4: 'TCP', app: 'TLS' };
const dns: PacketTuple = { srcIp: '10.1.2.3', dstIp: '10.0.54.254', srcPort: 53211, dstPort: 53, l4: 'UDP', app: 'DNS' };
const v6: PacketTuple = { srcIp: 'fd00:10::100', dstIp: 'fd00:54::254', srcPort: 50123, dstPort: 443, l4: 'TCP', app: 'TLS' };

function check(type: string, text: string, expected: [PacketTuple, boolean][]) {
  const f = compilePacketFilter(type, text);
  for (const [t, want] of expected) assert.equal(f(t), want, `${type} "${text}" on ${t.srcIp}:${t.srcPort} → ${t.dstIp}:${t.dstPort}`);
}

describe('packet filters', () => {
  it('BPF: host, src/dst host, net, port, portrange, protocols, and/or/not, parentheses', () => {
    check('BPF', 'host 10.1.2.3', [[web, true], [reply, true], [v6, false]]);
    check('BPF', 'src host 10.1.2.3', [[web, true], [reply, false]]);
    check('BPF', 'dst net 10.0.0.0/8', [[web, false], [reply, true], [dns, true]]);
    check('BPF', 'tcp port 443', [[web, true], [reply, true], [dns, false], [v6, true]]);
    check('BPF', 'udp and port 53', [[dns, true], [web, false]]);
    check('BPF', 'portrange 50000-52000 and not udp', [[web, true], [dns, false]]);
    check('BPF', '(host 10.0.54.254 or host 93.184.216.34) and tcp', [[web, true], [dns, false]]);
    check('BPF', 'ip6', [[v6, true], [web, false]]);
    check('BPF', 'tcp', [[web, true], [dns, false]]);
  });

  it('WIRESHARK: ip.addr/src/dst with CIDR, tcp/udp ports, protocol names, && || !', () => {
    check('WIRESHARK', 'ip.src==192.168.0.0/16 and ip.dst==192.168.0.0/16', [[web, false]]);
    check('WIRESHARK', 'ip.addr == 10.1.2.3 && tcp.port == 443', [[web, true], [reply, true], [dns, false]]);
    check('WIRESHARK', 'udp.dstport == 53', [[dns, true], [web, false]]);
    check('WIRESHARK', 'dns || tls', [[dns, true], [web, true]]);
    check('WIRESHARK', '!(ip.dst == 10.0.54.254)', [[dns, false], [web, true]]);
    check('WIRESHARK', 'ipv6.addr == fd00:10::100', [[v6, true], [web, false]]);
    check('WIRESHARK', 'tcp.srcport > 1024', [[web, true], [reply, false]]);
  });

  it('STEELFILTER on IP addresses (either end), CIDR and wildcards', () => {
    check('STEELFILTER', "ip.addr == '10.1.2.3'", [[web, true], [reply, true], [v6, false]]);
    check('STEELFILTER', "ip.addr == '10.0.0.0/8' and srv_tcp.port == 53", [[dns, true], [web, false]]);
    check('STEELFILTER', "src_ip.addr == '93.184.*'", [[reply, true], [web, false]]);
    check('STEELFILTER', '', [[web, true]]);
  });

  it('refuses what it does not understand instead of matching nothing', () => {
    for (const [type, text] of [['BPF', 'host'], ['BPF', 'host 10.1.2.3 and'], ['WIRESHARK', 'frame.len > 10'], ['WIRESHARK', 'ip.addr == nonsense'], ['STEELFILTER', "ip.addr =="], ['BPF', 'port 70000']]) {
      assert.throws(() => compilePacketFilter(type, text), `${type}: ${text}`);
    }
  });
});
