// The host population of a site: local clients in a few VLANs, local servers, internet servers
// with countries, a handful of IPv6 hosts and the broadcast address. Fixed hosts from the API
// document's examples (10.1.2.3, 10.1.2.100, 10.0.54.254, 10.54.0.254) are always present.
import { Rng } from './rng';
import { formatIp, parseIp } from './ip';
import type { Host, Service } from './types';

export const GATEWAY_MAC = '00:1a:a1:0c:00:01';
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

const COUNTRIES: readonly (readonly [code: string, name: string, firstOctets: number[]])[] = [
  ['US', 'United States', [23, 52, 104, 151, 198]],
  ['DE', 'Germany', [46, 78, 85, 88]],
  ['GB', 'United Kingdom', [51, 81, 86]],
  ['FR', 'France', [37, 90, 92]],
  ['NL', 'Netherlands', [31, 145]],
  ['JP', 'Japan', [133, 153]],
  ['IE', 'Ireland', [34, 54]],
  ['SE', 'Sweden', [83, 194]],
  ['CH', 'Switzerland', [178, 195]],
  ['CA', 'Canada', [99, 142]],
];

const SERVICES = {
  http: { port: 80, l4: 'TCP', app: 'HTTP', kind: 'web' },
  https: { port: 443, l4: 'TCP', app: 'TLS', kind: 'web' },
  quic: { port: 443, l4: 'UDP', app: 'QUIC', kind: 'quic' },
  dns: { port: 53, l4: 'UDP', app: 'DNS', kind: 'dns' },
  ntp: { port: 123, l4: 'UDP', app: 'NTP', kind: 'ntp' },
  dhcp: { port: 67, l4: 'UDP', app: 'DHCP', kind: 'dhcp' },
  ssh: { port: 22, l4: 'TCP', app: 'SSH', kind: 'ssh' },
  smb: { port: 445, l4: 'TCP', app: 'SMB', kind: 'bulk' },
  afp: { port: 548, l4: 'TCP', app: 'AFP', kind: 'bulk' },
  mysql: { port: 3306, l4: 'TCP', app: 'MySQL', kind: 'bulk' },
  ldap: { port: 389, l4: 'TCP', app: 'LDAP', kind: 'web' },
  rtp: { port: 16384, l4: 'UDP', app: 'RTP', kind: 'rtp' },
} as const satisfies Record<string, Service>;

export type ServiceName = keyof typeof SERVICES;
export function service(name: ServiceName): Service {
  return { ...SERVICES[name] };
}

const OUIS = ['00:1b:21', '3c:22:fb', '00:50:56', 'f4:8e:38', '00:0e:c6', 'a4:83:e7', 'd8:9e:f3', '00:04:f2'];

export function generateHosts(seed: number): Host[] {
  const rng = new Rng(seed, 0x4057);
  const hosts: Host[] = [];
  const seen = new Set<string>();
  const add = (ip: string, partial: Partial<Host> & { local: boolean; vlan?: number; hostName: string; services?: Service[] }): Host | undefined => {
    const bytes = parseIp(ip)!;
    const canonical = formatIp(bytes);
    if (seen.has(canonical)) return undefined;
    seen.add(canonical);
    const local = partial.local;
    const mac = partial.mac ?? (local ? `${rng.pick(OUIS)}:${hex(rng.int(0, 255))}:${hex(rng.int(0, 255))}:${hex(hosts.length & 0xff)}` : GATEWAY_MAC);
    const host: Host = {
      index: hosts.length,
      ip: canonical,
      ipBytes: bytes,
      family: bytes.length === 4 ? 4 : 6,
      mac,
      vlan: partial.vlan ?? 0,
      hostName: partial.hostName,
      countryCode: partial.countryCode ?? '--',
      countryName: partial.countryName ?? 'Private network',
      local,
      services: partial.services ?? [],
    };
    hosts.push(host);
    return host;
  };

  // Fixed hosts of the document's examples.
  add('10.1.2.3', { local: true, hostName: 'ws-analyst.corp.example' });
  add('10.1.2.100', { local: true, hostName: 'files.corp.example', services: [service('afp'), service('smb')] });
  add('10.0.54.254', { local: true, hostName: 'ns1.corp.example', services: [service('dns'), service('ntp'), service('dhcp')] });
  add('10.54.0.254', { local: true, hostName: 'intranet.corp.example', services: [service('https'), service('http')] });
  add('255.255.255.255', { local: true, hostName: 'broadcast', mac: 'ff:ff:ff:ff:ff:ff' });

  // Local servers.
  const serverKinds: ServiceName[][] = [['ssh', 'mysql'], ['https', 'ldap'], ['smb'], ['ssh'], ['https', 'http'], ['mysql'], ['ldap', 'dns']];
  for (let i = 0; i < 12; i++) {
    const kinds = serverKinds[i % serverKinds.length]!;
    add(`10.0.54.${10 + i * 7}`, { local: true, hostName: `srv${String(i + 1).padStart(2, '0')}.corp.example`, services: kinds.map(service) });
  }
  add('10.0.54.20', { local: true, hostName: 'mediagw.corp.example', services: [service('rtp')] });

  // Local clients by VLAN: untagged office, two tagged office VLANs, a voice VLAN.
  const clientNets: [net: string, vlan: number, count: number, prefix: string][] = [
    ['10.1.2', 0, 40, 'ws'],
    ['10.1.10', 10, 60, 'pc'],
    ['10.1.20', 20, 50, 'lap'],
    ['10.1.100', 100, 20, 'phone'],
  ];
  for (const [net, vlan, count, prefix] of clientNets) {
    for (let made = 0; made < count; ) {
      const last = rng.int(4, 250);
      const host = add(`${net}.${last}`, { local: true, vlan, hostName: `${prefix}-${net.split('.')[2]}-${String(last).padStart(3, '0')}.corp.example`, services: prefix === 'phone' ? [service('rtp')] : [] });
      if (host) made++;
    }
  }

  // Local IPv6.
  add('fd00:54::254', { local: true, hostName: 'ns1-v6.corp.example', services: [service('dns'), service('https')] });
  for (let i = 0; i < 12; i++) add(`fd00:10::${(0x100 + i * 17).toString(16)}`, { local: true, vlan: 10, hostName: `pc6-${i + 1}.corp.example` });

  // Internet servers.
  for (let made = 0; made < 70; ) {
    const [code, name, octets] = rng.pick(COUNTRIES);
    const ip = `${rng.pick(octets)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    const services = rng.chance(0.4) ? [service('https'), service('quic')] : rng.chance(0.3) ? [service('https'), service('http')] : [service('https')];
    const host = add(ip, { local: false, countryCode: code, countryName: name, hostName: `edge-${ip.replace(/\./g, '-')}.${code.toLowerCase()}.cdn.example.net`, services });
    if (host) made++;
  }
  const v6Countries = [['DE', 'Germany', '2a00:1450:4001'], ['US', 'United States', '2607:f8b0:4004'], ['NL', 'Netherlands', '2a02:26f0:12']] as const;
  for (let i = 0; i < 8; i++) {
    const [code, name, prefix] = v6Countries[i % v6Countries.length]!;
    add(`${prefix}::${(0x20 + i * 3).toString(16)}`, { local: false, countryCode: code, countryName: name, hostName: `v6-edge-${i + 1}.${code.toLowerCase()}.cdn.example.net`, services: [service('https'), service('quic')] });
  }
  return hosts;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
