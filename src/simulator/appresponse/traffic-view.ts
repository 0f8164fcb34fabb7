// How AppResponse sees the shared traffic model: per-connection records with key values (IPs,
// ports, application, host group, DNS name) and metric contributions for a time window. Every report
// source is computed from these records, so reports agree with the packets and with the Allegro view.
import { frameLength, type TrafficModel } from '../model/traffic';
import { packetOffsetUs } from '../model/capture';
import type { Connection, Host } from '../model/types';
import { hash32 } from '../model/rng';

/** A metric contribution: summed over records, then finalised by the column's operation. */
export interface Contribution {
  sum: number;
  n: number;
  max: number;
}

/** What a record is about: a whole flow, one of its hosts (host-centric keys), or one direction. */
export type Perspective = 'flow' | 'cli' | 'srv' | 'c2s' | 's2c';

export interface TrafficRecord {
  conn: Connection;
  perspective: Perspective;
  packets: number;
  bytes: number;
  /** Active seconds of the connection inside the window. */
  seconds: number;
  c2sPackets: number;
  s2cPackets: number;
  c2sBytes: number;
  s2cBytes: number;
}

const HOST_GROUPS: [number, string, (h: Host) => boolean][] = [
  [1, 'Default-10.x.x.x', (h) => h.family === 4 && h.ipBytes[0] === 10],
  [3, 'Default-172.x.x.x', (h) => h.family === 4 && h.ipBytes[0] === 172 && (h.ipBytes[1] & 0xf0) === 16],
  [4, 'Default-192.168.x.x', (h) => h.family === 4 && h.ipBytes[0] === 192 && h.ipBytes[1] === 168],
  [2, 'Default-Internet', (h) => !h.local && h.ip !== '255.255.255.255'],
];

export function hostGroupOf(host: Host): { id: number; name: string } {
  for (const [id, name, test] of HOST_GROUPS) if (test(host)) return { id, name };
  return { id: 0, name: 'Other Group' };
}

const APP_IDS: Record<string, number> = { HTTP: 10, TLS: 11, QUIC: 12, DNS: 20, NTP: 21, DHCP: 22, SSH: 30, SMB: 40, AFP: 41, MySQL: 50, LDAP: 60, RTP: 70 };
export function appIdOf(app: string): number {
  return APP_IDS[app] ?? 1000 + (hash32(...Buffer.from(app)) % 1000);
}

const PORT_NAMES: Record<number, string> = { 22: 'ssh', 53: 'domain', 67: 'bootps', 68: 'bootpc', 80: 'http', 123: 'ntp', 389: 'ldap', 443: 'https', 445: 'microsoft-ds', 548: 'afpovertcp', 3306: 'mysql' };
export function portNameOf(port: number, l4: string): string {
  return PORT_NAMES[port] ?? `${l4.toLowerCase()}/${port}`;
}

/** Reverse DNS: most hosts resolve; every seventh does not (#N/D), like a real network. */
export function dnsNameOf(host: Host): string | undefined {
  if (host.ip === '255.255.255.255') return undefined;
  return host.index % 7 === 3 ? undefined : host.hostName;
}

/** Deterministic per-server characteristics (response times, loss), stable across queries. */
export interface ServerTraits { responseTime: number; rtt: number; errorRate: number; retransC2s: number; retransS2c: number; dnsTime: number }
const traitsCache = new WeakMap<Host, ServerTraits>();

export function serverTraits(server: Host): ServerTraits {
  let traits = traitsCache.get(server);
  if (!traits) traitsCache.set(server, (traits = computeTraits(server)));
  return traits;
}

function computeTraits(server: Host): ServerTraits {
  const h = hash32(server.index, 0x5e7);
  const unit = (k: number) => (hash32(h, k) % 10_000) / 10_000;
  const rtt = server.local ? 0.0004 + unit(1) * 0.002 : 0.01 + unit(1) * 0.09;
  return {
    responseTime: Math.round((0.002 + unit(2) * 0.25) * 1e6) / 1e6,
    rtt: Math.round(rtt * 1e6) / 1e6,
    errorRate: unit(3) * 0.002,
    retransC2s: Math.round(unit(4) * 0.03 * 1e4) / 1e4,
    retransS2c: Math.round(unit(5) * 0.03 * 1e4) / 1e4,
    dnsTime: Math.round((0.0008 + unit(6) * 0.05) * 1e6) / 1e6,
  };
}

/**
 * Records of [t0, t1) (epoch seconds, fractions allowed: counters are spread evenly over each second).
 * `mode` says how connections are split: per flow, per host (both ends) or per direction.
 */
export function trafficRecords(model: TrafficModel, t0: number, t1: number, mode: 'flow' | 'host' | 'dir'): TrafficRecord[] {
  const out: TrafficRecord[] = [];
  for (const conn of model.connections(Math.floor(t0), Math.ceil(t1))) {
    const seconds = Math.max(0, Math.min(t1, conn.end) - Math.max(t0, conn.start));
    if (seconds <= 0) continue;
    const c2sPackets = seconds * conn.c2s.packets;
    const s2cPackets = seconds * conn.s2c.packets;
    const c2sBytes = seconds * conn.c2s.bytes;
    const s2cBytes = seconds * conn.s2c.bytes;
    pushRecords(out, conn, seconds, c2sPackets, c2sBytes, s2cPackets, s2cBytes, mode);
  }
  return out;
}

function record(conn: Connection, perspective: Perspective, seconds: number, c2sPackets: number, c2sBytes: number, s2cPackets: number, s2cBytes: number): TrafficRecord {
  return { conn, perspective, seconds, c2sPackets, c2sBytes, s2cPackets, s2cBytes, packets: c2sPackets + s2cPackets, bytes: c2sBytes + s2cBytes };
}

function pushRecords(out: TrafficRecord[], conn: Connection, seconds: number, c2sPackets: number, c2sBytes: number, s2cPackets: number, s2cBytes: number, mode: 'flow' | 'host' | 'dir'): void {
  if (mode === 'dir') {
    if (c2sPackets > 0) out.push(record(conn, 'c2s', seconds, c2sPackets, c2sBytes, 0, 0));
    if (s2cPackets > 0) out.push(record(conn, 's2c', seconds, 0, 0, s2cPackets, s2cBytes));
  } else if (mode === 'host') {
    out.push(record(conn, 'cli', seconds, c2sPackets, c2sBytes, s2cPackets, s2cBytes), record(conn, 'srv', seconds, c2sPackets, c2sBytes, s2cPackets, s2cBytes));
  } else {
    out.push(record(conn, 'flow', seconds, c2sPackets, c2sBytes, s2cPackets, s2cBytes));
  }
}

/**
 * Records of consecutive sub-second bins [start + k·bin, ...) up to end (µs), exact to the packet:
 * each packet is placed at the offset the capture writer gives it, so the bins add up to the pcap.
 * Returns one record list per bin.
 */
export function subSecondRecords(model: TrafficModel, startUs: number, endUs: number, binUs: number, mode: 'flow' | 'host' | 'dir'): TrafficRecord[][] {
  const bins = Math.max(0, Math.ceil((endUs - startUs) / binUs));
  const perBin: Map<Connection, [number, number, number, number]>[] = Array.from({ length: bins }, () => new Map());
  const firstSecond = Math.floor(startUs / 1e6);
  const lastSecond = Math.ceil(endUs / 1e6);
  for (let sec = firstSecond; sec < lastSecond; sec++) {
    for (const conn of model.connectionsInMinute(Math.floor(sec / 60))) {
      if (sec < conn.start || sec >= conn.end) continue;
      for (const dir of ['c2s', 's2c'] as const) {
        const profile = conn[dir];
        const n = profile.packets;
        for (let j = 0; j < n; j++) {
          const t = sec * 1e6 + packetOffsetUs(conn, dir, j, n);
          if (t < startUs || t >= endUs) continue;
          const b = Math.floor((t - startUs) / binUs);
          let acc = perBin[b].get(conn);
          if (!acc) perBin[b].set(conn, (acc = [0, 0, 0, 0]));
          const len = frameLength(conn.client.family, conn.l4, conn.vlan, profile.payloads[j]);
          if (dir === 'c2s') { acc[0]++; acc[1] += len; } else { acc[2]++; acc[3] += len; }
        }
      }
    }
  }
  const seconds = binUs / 1e6;
  return perBin.map((m) => {
    const out: TrafficRecord[] = [];
    for (const [conn, [c2sPackets, c2sBytes, s2cPackets, s2cBytes]] of m) pushRecords(out, conn, seconds, c2sPackets, c2sBytes, s2cPackets, s2cBytes, mode);
    return out;
  });
}

/** The host a host-centric record is about; for flows and directions, the sender. */
export function perspectiveHost(r: TrafficRecord): Host {
  return r.perspective === 'srv' || r.perspective === 's2c' ? r.conn.server : r.conn.client;
}

/** Value of a key column for a record, as the device would print it; undefined when not applicable. */
export function keyValue(r: TrafficRecord, column: string): string | undefined {
  const c = r.conn;
  switch (column) {
    case 'ip.addr':
    case 'tcp.ip':
      return r.perspective === 'flow' ? undefined : perspectiveHost(r).ip;
    case 'tcp.dns':
      return r.perspective === 'flow' ? undefined : dnsNameOf(perspectiveHost(r)) ?? '#N/D';
    case 'host_group.id':
      return String(hostGroupOf(perspectiveHost(r)).id);
    case 'host_group.name':
      return hostGroupOf(perspectiveHost(r)).name;
    case 'src_ip.addr':
      return r.perspective === 's2c' ? c.server.ip : c.client.ip;
    case 'dst_ip.addr':
      return r.perspective === 's2c' ? c.client.ip : c.server.ip;
    case 'cli_tcp.ip':
    case 'web.client_ip':
      return c.client.ip;
    case 'srv_tcp.ip':
    case 'web.server_ip':
      return c.server.ip;
    case 'cli_tcp.port':
      return String(c.clientPort);
    case 'srv_tcp.port':
      return String(c.serverPort);
    case 'srv_tcp.port_name':
      return portNameOf(c.serverPort, c.l4);
    case 'ip.protocol.type_name':
      return c.l4;
    case 'app.name':
      return c.app;
    case 'app.id':
      return String(appIdOf(c.app));
    case 'tcp.error_type':
      return c.l4 === 'TCP' ? String(hash32(c.id, 0xe7) % 5) : undefined;
    case 'tcp.error_type_name':
      return c.l4 === 'TCP' ? ['Retransmission', 'Reset', 'Zero Window', 'Out Of Order', 'Syn Timeout'][hash32(c.id, 0xe7) % 5] : undefined;
    case 'web.page.family.id':
      return String(hash32(c.server.index, 0xfa) % 50);
    case 'web.page.family.name':
      return `${c.server.hostName}/${['index', 'login', 'search', 'api', 'static'][hash32(c.server.index, 0xfa) % 5]}`;
    case 'web.url':
      return `${c.app === 'HTTP' ? 'http' : 'https'}://${c.server.hostName}/${['index.html', 'login', 'search?q=probe', 'api/v1/items', 'static/app.js'][hash32(c.id, 0xfb) % 5]}`;
    case 'dns.query.name':
      return c.client.index % 2 ? c.server.hostName : `host${hash32(c.id, 0xd1) % 200}.example.com`;
    case 'dns.query.type':
      return c.client.family === 6 ? '28' : '1';
    case 'dns.query.type_name':
      return c.client.family === 6 ? 'AAAA' : 'A';
    case 'dns.is_success':
      return hash32(c.id, 0xd2) % 17 === 0 ? 'false' : 'true';
    case 'rtp.media_type':
      return '1';
    case 'rtp.media_type_name':
      return 'Audio';
    case 'db.instance':
      return c.server.hostName.split('.')[0];
    case 'db.process_name':
      return 'mysqld';
    default:
      return undefined;
  }
}

const noContribution: Contribution | undefined = undefined;

function c(sum: number, n = 1, max = sum): Contribution {
  return { sum, n, max };
}

/** Contribution of a record to a metric column; undefined = not applicable (#N/A). */
export function metricContribution(r: TrafficRecord, column: string): Contribution | undefined {
  const conn = r.conn;
  const tcp = conn.l4 === 'TCP';
  const traits = serverTraits(conn.server);
  const vlanOverhead = conn.vlan ? 18 : 14;
  switch (column) {
    case 'sum_traffic.total_bytes': return c(r.bytes);
    case 'sum_traffic.packets':
    case 'sum_ip.total_packets_psg': return c(r.packets);
    case 'sum_traffic.network_bytes': return c(r.bytes - vlanOverhead * r.packets);
    case 'avg_traffic.total_bytes_ps': return c(r.bytes);
    case 'sum_tcp.total_bytes': return c(tcp ? r.bytes : 0);
    case 'sum_udp.total_bytes': return c(tcp ? 0 : r.bytes);
    case 'avg_frame.total_bytes': return c(r.bytes, r.packets);
    case 'avg_tcp.srv_response_time': return tcp && conn.kind !== 'bulk' ? c(traits.responseTime * r.seconds, r.seconds) : noContribution;
    case 'avg_tcp.user_response_time': return tcp ? c((traits.responseTime + traits.rtt) * r.seconds, r.seconds) : noContribution;
    case 'avg_tcp.network_time_c2s': return tcp ? c((traits.rtt / 2) * r.seconds, r.seconds) : noContribution;
    case 'sum_tcp.errors': return tcp ? c(Math.floor(r.packets * traits.errorRate)) : noContribution;
    case 'sum_tcp.payload_packets_c2s': return tcp ? c(r.seconds * conn.c2s.payloads.filter((p) => p > 0).length) : noContribution;
    case 'sum_tcp.payload_packets_s2c': return tcp ? c(r.seconds * conn.s2c.payloads.filter((p) => p > 0).length) : noContribution;
    case 'avg_tcp.retrans_ratio_c2s': return tcp ? c(traits.retransC2s * r.c2sPackets, r.c2sPackets) : noContribution;
    case 'avg_tcp.retrans_ratio_s2c': return tcp ? c(traits.retransS2c * r.s2cPackets, r.s2cPackets) : noContribution;
    case 'sum_web.pages': return conn.kind === 'web' ? c(r.seconds) : c(0);
    case 'avg_web.traffic_bytes_ps': return conn.kind === 'web' ? c(r.bytes) : noContribution;
    case 'sum_dns.query.count': return conn.kind === 'dns' ? c(r.seconds * conn.c2s.packets) : c(0);
    case 'avg_dns.response_time': return conn.kind === 'dns' ? c(traits.dnsTime * r.seconds, r.seconds) : noContribution;
    case 'max_traffic.microburst_1ms_bytes': {
      const biggest = Math.max(conn.c2s.bytes, conn.s2c.bytes);
      return c(0, 1, Math.min(biggest, 1518 * 8));
    }
    case 'sum_rtp.packets': return conn.kind === 'rtp' ? c(r.packets) : noContribution;
    case 'sum_rtp.traffic_bytes': return conn.kind === 'rtp' ? c(r.bytes) : noContribution;
    case 'avg_db.active_sessions': return conn.app === 'MySQL' ? c(r.seconds, r.seconds) : noContribution;
    case 'avg_sql.duration': return conn.app === 'MySQL' ? c(traits.responseTime * r.seconds, r.seconds) : noContribution;
    default: return noContribution;
  }
}
