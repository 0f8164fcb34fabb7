// A traffic source is what one appliance slot analyses: the live model, a recorded window of a
// model (a parallel pcap analysis slot), or the packets of an uploaded capture file. The REST
// views work only through this interface, so every slot answers the same way.
import { captureStream, packetOffsetUs, type CaptureSegment, type CaptureStreamOptions } from './capture';
import { fileHeader, recordDataOffset, recordSize, writeRecordHeader, type CapturedPacket } from './pcap';
import { formatIp } from './ip';
import { activeSeconds, type TrafficModel } from './traffic';
import type { Connection, DirectionProfile, FlowCounters, Host, L4Protocol } from './types';

export interface TrafficSource {
  readonly hosts: readonly Host[];
  host(ip: string): Host | undefined;
  /** First second with data (epoch seconds): allTime counters and the ring buffer start here. */
  readonly startedAt: number;
  /** Second after the last one with data for a recording; undefined while live. */
  readonly endedAt: number | undefined;
  /** Connections with packets in [t0, t1) (epoch seconds). */
  connections(t0: number, t1: number): Connection[];
  flowCounters(c: Connection, t0: number, t1: number): FlowCounters;
  /** Times (µs) of the first and last packet of a connection within [t0, t1), if any. */
  activity(c: Connection, t0: number, t1: number): { firstUs: number; lastUs: number } | undefined;
  /** Capture file bytes for the segments (already limited to data this source holds). */
  capture(options: CaptureStreamOptions): AsyncGenerator<Buffer>;
}

/** The model itself, live (endedAt undefined) or as a recording of [startedAt, endedAt). */
export class ModelSource implements TrafficSource {
  constructor(readonly model: TrafficModel, readonly startedAt: number = model.startedAt, readonly endedAt: number | undefined = undefined) {}
  get hosts(): readonly Host[] { return this.model.hosts; }
  host(ip: string): Host | undefined { return this.model.host(ip); }
  connections(t0: number, t1: number): Connection[] { return this.model.connections(t0, t1); }
  flowCounters(c: Connection, t0: number, t1: number): FlowCounters { return this.model.flowCounters(c, t0, t1); }
  activity(c: Connection, t0: number, t1: number): { firstUs: number; lastUs: number } | undefined {
    if (activeSeconds(c, t0, t1) === 0) return undefined;
    const first = Math.max(t0, c.start);
    const last = Math.min(t1, c.end) - 1;
    let firstOff = Infinity;
    let lastOff = -1;
    for (const dir of ['c2s', 's2c'] as const) {
      const n = c[dir].packets;
      if (!n) continue;
      firstOff = Math.min(firstOff, packetOffsetUs(c, dir, 0, n));
      lastOff = Math.max(lastOff, packetOffsetUs(c, dir, n - 1, n));
    }
    return { firstUs: first * 1e6 + firstOff, lastUs: last * 1e6 + lastOff };
  }
  capture(options: CaptureStreamOptions): AsyncGenerator<Buffer> {
    return captureStream(this.model, options);
  }
}

interface FlowPackets {
  /** Packet times (µs) and frame lengths of each direction, in time order. */
  times: { c2s: number[]; s2c: number[] };
  bytesPrefix: { c2s: number[]; s2c: number[] };
}

/** The packets of an uploaded capture file, analysed as the appliance would. */
export class PacketListSource implements TrafficSource {
  readonly hosts: Host[] = [];
  readonly startedAt: number;
  readonly endedAt: number;
  private readonly byIp = new Map<string, Host>();
  private readonly flows: Connection[] = [];
  private readonly flowPackets = new Map<Connection, FlowPackets>();
  /** Index of each packet's connection and direction (undefined for non TCP/UDP packets). */
  private readonly packetFlow: ({ c: Connection; dir: 'c2s' | 's2c' } | undefined)[] = [];

  constructor(readonly packets: CapturedPacket[]) {
    packets.sort((a, b) => a.timeUs - b.timeUs);
    const byKey = new Map<string, Connection>();
    for (const p of packets) {
      const d = dissect(p.data);
      if (!d) { this.packetFlow.push(undefined); continue; }
      const src = this.hostFor(d.src, d.srcMac, d.vlan);
      const dst = this.hostFor(d.dst, d.dstMac, d.vlan);
      const fwd = `${d.l4}|${src.ip}|${d.srcPort}|${dst.ip}|${d.dstPort}`;
      const rev = `${d.l4}|${dst.ip}|${d.dstPort}|${src.ip}|${d.srcPort}`;
      let c = byKey.get(fwd);
      let dir: 'c2s' | 's2c' = 'c2s';
      if (!c) {
        c = byKey.get(rev);
        dir = 's2c';
      }
      if (!c) {
        // the client is the side with the higher (ephemeral) port; on a tie, the first sender
        const reversed = d.srcPort < d.dstPort;
        dir = reversed ? 's2c' : 'c2s';
        c = reversed
          ? newFlow(this.flows.length + 1, dst, src, d.dstPort, d.srcPort, d.l4, d.vlan, p.timeUs)
          : newFlow(this.flows.length + 1, src, dst, d.srcPort, d.dstPort, d.l4, d.vlan, p.timeUs);
        byKey.set(reversed ? rev : fwd, c);
        this.flows.push(c);
        this.flowPackets.set(c, { times: { c2s: [], s2c: [] }, bytesPrefix: { c2s: [0], s2c: [0] } });
      }
      const fp = this.flowPackets.get(c)!;
      fp.times[dir].push(p.timeUs);
      const prefix = fp.bytesPrefix[dir];
      prefix.push(prefix[prefix.length - 1]! + p.origLen);
      c.end = Math.floor(p.timeUs / 1e6) + 1;
      this.packetFlow.push({ c, dir });
    }
    this.startedAt = packets.length ? Math.floor(packets[0]!.timeUs / 1e6) : Math.floor(Date.now() / 1000);
    this.endedAt = packets.length ? Math.floor(packets[packets.length - 1]!.timeUs / 1e6) + 1 : this.startedAt;
    for (const c of this.flows) {
      const fp = this.flowPackets.get(c)!;
      const seconds = Math.max(1, c.end - c.start);
      for (const dir of ['c2s', 's2c'] as const) {
        const n = fp.times[dir].length;
        const bytes = fp.bytesPrefix[dir][n]!;
        c[dir] = { payloads: [], packets: n / seconds, bytes: bytes / seconds, payloadBytes: 0 };
      }
    }
  }

  host(ip: string): Host | undefined { return this.byIp.get(ip); }

  connections(t0: number, t1: number): Connection[] {
    return this.flows.filter((c) => {
      const fp = this.flowPackets.get(c)!;
      return count(fp.times.c2s, t0, t1) + count(fp.times.s2c, t0, t1) > 0;
    });
  }

  flowCounters(c: Connection, t0: number, t1: number): FlowCounters {
    const fp = this.flowPackets.get(c);
    if (!fp) return { c2sPackets: 0, c2sBytes: 0, s2cPackets: 0, s2cBytes: 0 };
    const side = (dir: 'c2s' | 's2c') => {
      const lo = lowerBound(fp.times[dir], t0 * 1e6);
      const hi = lowerBound(fp.times[dir], t1 * 1e6);
      return [hi - lo, fp.bytesPrefix[dir][hi]! - fp.bytesPrefix[dir][lo]!] as const;
    };
    const [c2sPackets, c2sBytes] = side('c2s');
    const [s2cPackets, s2cBytes] = side('s2c');
    return { c2sPackets, c2sBytes, s2cPackets, s2cBytes };
  }

  activity(c: Connection, t0: number, t1: number): { firstUs: number; lastUs: number } | undefined {
    const fp = this.flowPackets.get(c);
    if (!fp) return undefined;
    let first = Infinity;
    let last = -Infinity;
    for (const dir of ['c2s', 's2c'] as const) {
      const t = fp.times[dir];
      const lo = lowerBound(t, t0 * 1e6);
      const hi = lowerBound(t, t1 * 1e6);
      if (hi > lo) { first = Math.min(first, t[lo]!); last = Math.max(last, t[hi - 1]!); }
    }
    return Number.isFinite(first) ? { firstUs: first, lastUs: last } : undefined;
  }

  async *capture(options: CaptureStreamOptions): AsyncGenerator<Buffer> {
    const format = options.format ?? 'pcap';
    const snap = options.snapLength ?? 65535;
    if (options.header !== false) yield fileHeader(format, snap);
    const times = this.packets.map((p) => p.timeUs);
    for (const seg of options.segments as CaptureSegment[]) {
      const chunks: Buffer[] = [];
      let size = 0;
      for (let i = lowerBound(times, seg.fromUs); i < this.packets.length && this.packets[i]!.timeUs < seg.toUs; i++) {
        if (options.signal?.aborted) return;
        const flow = this.packetFlow[i];
        if (options.filter && (!flow || !options.filter(flow.c, flow.dir))) continue;
        const p = this.packets[i]!;
        const capLen = Math.min(p.data.length, snap);
        const rec = Buffer.alloc(recordSize(format, capLen));
        writeRecordHeader(format, rec, 0, p.timeUs, capLen, p.origLen);
        p.data.copy(rec, recordDataOffset(format), 0, capLen);
        chunks.push(rec);
        size += rec.length;
        if (size >= 1 << 20) { yield Buffer.concat(chunks); chunks.length = 0; size = 0; }
      }
      if (size) yield Buffer.concat(chunks);
    }
  }

  private hostFor(ipBytes: Buffer, mac: string, vlan: number): Host {
    const ip = formatIp(ipBytes);
    let h = this.byIp.get(ip);
    if (!h) {
      const local = isPrivate(ipBytes);
      h = {
        index: this.hosts.length, ip, ipBytes: Buffer.from(ipBytes), family: ipBytes.length === 4 ? 4 : 6, mac, vlan,
        hostName: '', countryCode: '--', countryName: local ? 'Private network' : 'Unknown', local, services: [],
      };
      this.hosts.push(h);
      this.byIp.set(ip, h);
    }
    return h;
  }
}

function newFlow(id: number, client: Host, server: Host, clientPort: number, serverPort: number, l4: L4Protocol, vlan: number, timeUs: number): Connection {
  const empty: DirectionProfile = { payloads: [], packets: 0, bytes: 0, payloadBytes: 0 };
  const app = guessApp(l4, Math.min(clientPort, serverPort), serverPort);
  return {
    id, client, server, clientPort, serverPort, l4, app, kind: 'web', vlan,
    start: Math.floor(timeUs / 1e6), end: Math.floor(timeUs / 1e6) + 1,
    c2s: { ...empty }, s2c: { ...empty }, isnC2s: 0, isnS2c: 0, ssrc: 0,
  };
}

const WELL_KNOWN: Record<string, string> = {
  'TCP80': 'HTTP', 'TCP443': 'TLS', 'UDP443': 'QUIC', 'UDP53': 'DNS', 'TCP53': 'DNS', 'UDP123': 'NTP', 'TCP22': 'SSH',
  'TCP445': 'SMB', 'TCP548': 'AFP', 'TCP3306': 'MySQL', 'TCP389': 'LDAP', 'UDP67': 'DHCP', 'UDP68': 'DHCP', 'UDP5060': 'SIP',
};

function guessApp(l4: L4Protocol, lowPort: number, serverPort: number): string {
  return WELL_KNOWN[`${l4}${serverPort}`] ?? WELL_KNOWN[`${l4}${lowPort}`] ?? (l4 === 'UDP' && serverPort >= 16384 && serverPort % 2 === 0 ? 'RTP' : 'unknown');
}

function isPrivate(ip: Buffer): boolean {
  if (ip.length === 4) return ip[0] === 10 || (ip[0] === 172 && (ip[1]! & 0xf0) === 16) || (ip[0] === 192 && ip[1] === 168) || ip[0] === 255;
  return (ip[0]! & 0xfe) === 0xfc || (ip[0] === 0xfe && (ip[1]! & 0xc0) === 0x80);
}

function count(times: number[], t0: number, t1: number): number {
  return lowerBound(times, t1 * 1e6) - lowerBound(times, t0 * 1e6);
}

function lowerBound(a: number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Dissected { src: Buffer; dst: Buffer; srcMac: string; dstMac: string; vlan: number; l4: L4Protocol; srcPort: number; dstPort: number }

/** Ethernet (+802.1Q) / IPv4 / IPv6 / TCP / UDP headers of a frame, or undefined. */
export function dissect(f: Buffer): Dissected | undefined {
  if (f.length < 14) return undefined;
  const mac = (o: number) => Array.from(f.subarray(o, o + 6), (b) => b.toString(16).padStart(2, '0')).join(':');
  let o = 12;
  let vlan = 0;
  let type = f.readUInt16BE(o);
  while ((type === 0x8100 || type === 0x88a8) && f.length >= o + 6) {
    if (!vlan) vlan = f.readUInt16BE(o + 2) & 0x0fff;
    o += 4;
    type = f.readUInt16BE(o);
  }
  o += 2;
  let proto: number;
  let src: Buffer;
  let dst: Buffer;
  let l4: number;
  if (type === 0x0800 && f.length >= o + 20) {
    proto = f[o + 9]!;
    src = f.subarray(o + 12, o + 16);
    dst = f.subarray(o + 16, o + 20);
    l4 = o + (f[o]! & 0x0f) * 4;
  } else if (type === 0x86dd && f.length >= o + 40) {
    proto = f[o + 6]!;
    src = f.subarray(o + 8, o + 24);
    dst = f.subarray(o + 24, o + 40);
    l4 = o + 40;
  } else return undefined;
  if ((proto !== 6 && proto !== 17) || f.length < l4 + 4) return undefined;
  return { src, dst, srcMac: mac(6), dstMac: mac(0), vlan, l4: proto === 6 ? 'TCP' : 'UDP', srcPort: f.readUInt16BE(l4), dstPort: f.readUInt16BE(l4 + 2) };
}
