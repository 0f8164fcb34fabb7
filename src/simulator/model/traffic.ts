// The deterministic traffic model: a fixed host population plus conversations that start at
// minute boundaries and send a fixed packet pattern every second while active. Everything is a
// pure function of (seed, time), so any two views of the same window agree exactly.
import { generateHosts, service } from './hosts';
import { Rng } from './rng';
import type { Connection, DirectionProfile, FlowCounters, Host, HostCounters, L4Protocol, Service, TrafficKind } from './types';

export interface TrafficModelOptions {
  seed: number;
  /** Processing start of the appliance (epoch seconds). Defaults to one hour before now, whole minute. */
  startedAt?: number;
}

/** Longest conversation of a minute slot, in minutes: bounds how far back active connections start. */
export const MAX_DURATION_MINUTES = 120;
const ETH = 14;
const VLAN_TAG = 4;

/** Frame length on the wire (no FCS, padded to the 60-byte Ethernet minimum). */
export function frameLength(family: 4 | 6, l4: L4Protocol, vlan: number, payload: number): number {
  const len = ETH + (vlan ? VLAN_TAG : 0) + (family === 4 ? 20 : 40) + (l4 === 'TCP' ? 20 : 8) + payload;
  return Math.max(60, len);
}

export class TrafficModel {
  readonly seed: number;
  readonly hosts: readonly Host[];
  /** Processing start (epoch seconds): allTime counters and the ring buffer begin here. */
  readonly startedAt: number;
  private readonly byIp = new Map<string, Host>();
  private readonly slots = new Map<number, Connection[]>();
  private readonly permanent: Connection[];
  private readonly pools: Pools;

  constructor(options: TrafficModelOptions) {
    this.seed = options.seed >>> 0;
    this.startedAt = options.startedAt ?? Math.floor(Date.now() / 60_000) * 60 - 3600;
    this.hosts = generateHosts(this.seed);
    for (const h of this.hosts) this.byIp.set(h.ip, h);
    this.pools = buildPools(this.hosts);
    this.permanent = this.buildPermanent();
  }

  /** The host with this canonical address text. */
  host(ip: string): Host | undefined {
    return this.byIp.get(ip);
  }

  /** Connections active during minute `minute` (epoch seconds / 60), ordered by id. */
  connectionsInMinute(minute: number): Connection[] {
    const out = [...this.permanent];
    for (let m = minute - MAX_DURATION_MINUTES + 1; m <= minute; m++) {
      for (const c of this.slot(m)) if (c.end > minute * 60) out.push(c);
    }
    return out;
  }

  /** Connections with at least one active second in [t0, t1) (epoch seconds), ordered by id. */
  connections(t0: number, t1: number): Connection[] {
    if (t1 <= t0) return [];
    const first = Math.floor(t0 / 60);
    const last = Math.floor((t1 - 1) / 60);
    const out = [...this.permanent];
    for (let m = first - MAX_DURATION_MINUTES + 1; m <= last; m++) {
      for (const c of this.slot(m)) if (c.end > t0 && c.start < t1) out.push(c);
    }
    return out;
  }

  /** Packets and bytes a connection sent in [t0, t1) (epoch seconds, whole seconds counted). */
  flowCounters(c: Connection, t0: number, t1: number): FlowCounters {
    const seconds = activeSeconds(c, t0, t1);
    return {
      c2sPackets: seconds * c.c2s.packets,
      c2sBytes: seconds * c.c2s.bytes,
      s2cPackets: seconds * c.s2c.packets,
      s2cBytes: seconds * c.s2c.bytes,
    };
  }

  /** Counters of every host with traffic in [t0, t1). */
  hostCounters(t0: number, t1: number): Map<Host, HostCounters> {
    const out = new Map<Host, HostCounters>();
    const get = (h: Host) => {
      let v = out.get(h);
      if (!v) out.set(h, (v = { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0 }));
      return v;
    };
    for (const c of this.connections(t0, t1)) {
      const f = this.flowCounters(c, t0, t1);
      const cl = get(c.client);
      const sv = get(c.server);
      cl.txPackets += f.c2sPackets; cl.txBytes += f.c2sBytes; cl.rxPackets += f.s2cPackets; cl.rxBytes += f.s2cBytes;
      sv.rxPackets += f.c2sPackets; sv.rxBytes += f.c2sBytes; sv.txPackets += f.s2cPackets; sv.txBytes += f.s2cBytes;
    }
    return out;
  }

  private slot(m: number): Connection[] {
    let list = this.slots.get(m);
    if (!list) {
      list = this.generateSlot(m);
      this.slots.set(m, list);
    }
    return list;
  }

  private generateSlot(m: number): Connection[] {
    const rng = new Rng(this.seed, 0xc0, m);
    const count = 30 + rng.int(0, 15);
    const out: Connection[] = [];
    for (let i = 0; i < count; i++) {
      const kind = rng.weighted<TrafficKind>([['web', 40], ['quic', 10], ['dns', 15], ['ntp', 2], ['bulk', 8], ['ssh', 5], ['rtp', 10], ['dhcp', 2]]);
      const pair = this.pickPair(rng, kind);
      const minutes = durationMinutes(rng, kind);
      const id = m * 100 + i;
      out.push(makeConnection(rng, id, kind, pair.client, pair.server, pair.service, m * 60, (m + minutes) * 60));
    }
    return out;
  }

  private pickPair(rng: Rng, kind: TrafficKind): { client: Host; server: Host; service: Service } {
    const p = this.pools;
    if (kind === 'rtp') {
      const client = rng.pick(p.phones);
      let server = rng.chance(0.5) ? p.byKind.rtp4.find((h) => h.ip === '10.0.54.20')! : rng.pick(p.phones);
      if (server === client) server = p.byKind.rtp4.find((h) => h.ip === '10.0.54.20')!;
      return { client, server, service: service('rtp') };
    }
    if (kind === 'dhcp') return { client: rng.pick(p.clients4), server: this.byIp.get('255.255.255.255')!, service: service('dhcp') };
    const v6Servers = p.byKind[`${kind}6`] ?? [];
    const v6 = v6Servers.length > 0 && (kind === 'web' || kind === 'quic' || kind === 'dns') && rng.chance(0.15);
    const client = rng.pick(v6 ? p.clients6 : p.clients4);
    const server = rng.pick(v6 ? v6Servers : p.byKind[`${kind}4`]!);
    const offered = server.services.filter((s) => s.kind === kind);
    return { client, server, service: rng.pick(offered) };
  }

  /** Long-lived conversations of the document's examples, active at every second. */
  private buildPermanent(): Connection[] {
    const h = (ip: string) => this.byIp.get(ip)!;
    const rng = new Rng(this.seed, 0x9e);
    const phones = this.pools.phones;
    const fixed: [Host, number, Host, Service][] = [
      [h('10.1.2.3'), 62887, h('10.1.2.100'), service('afp')],
      [h('10.1.2.3'), 51034, h('10.54.0.254'), service('https')],
      [h('10.1.2.3'), 53211, h('10.0.54.254'), service('dns')],
      [phones[0]!, 16400, phones[1]!, service('rtp')],
      [phones[2]!, 16402, h('10.0.54.20'), service('rtp')],
      [phones[3]!, 68, h('255.255.255.255'), service('dhcp')],
      [h('fd00:10::100'), 50123, h('fd00:54::254'), service('https')],
    ];
    return fixed.map(([client, port, server, svc], i) => {
      const c = makeConnection(rng, i + 1, svc.kind, client, server, svc, 0, Infinity);
      c.clientPort = port;
      if (svc.kind === 'rtp') c.serverPort = 16500 + i * 2;
      return c;
    });
  }
}

/** Whole seconds of [t0, t1) in which the connection is active. */
export function activeSeconds(c: Connection, t0: number, t1: number): number {
  return Math.max(0, Math.min(t1, c.end) - Math.max(t0, c.start));
}

interface Pools {
  clients4: Host[];
  clients6: Host[];
  phones: Host[];
  byKind: Record<string, Host[]>;
}

function buildPools(hosts: readonly Host[]): Pools {
  const byKind: Record<string, Host[]> = {};
  for (const h of hosts) {
    for (const s of h.services) {
      const key = `${s.kind}${h.family}`;
      (byKind[key] ??= []).includes(h) || byKind[key]!.push(h);
    }
  }
  const isClient = (h: Host) => h.local && h.services.length === 0 && h.ip !== '255.255.255.255';
  return {
    clients4: hosts.filter((h) => isClient(h) && h.family === 4),
    clients6: hosts.filter((h) => isClient(h) && h.family === 6),
    phones: hosts.filter((h) => h.vlan === 100),
    byKind,
  };
}

function durationMinutes(rng: Rng, kind: TrafficKind): number {
  switch (kind) {
    case 'web': return rng.int(1, 8);
    case 'quic': return rng.int(1, 6);
    case 'dns': return rng.int(1, 2);
    case 'ntp': return rng.int(30, 120);
    case 'bulk': return rng.int(2, 12);
    case 'ssh': return rng.int(5, 60);
    case 'rtp': return rng.int(1, 12);
    case 'dhcp': return 1;
  }
}

function makeConnection(rng: Rng, id: number, kind: TrafficKind, client: Host, server: Host, svc: Service, start: number, end: number): Connection {
  const mss = client.family === 4 ? 1460 : 1440;
  let c2s: number[];
  let s2c: number[];
  switch (kind) {
    case 'web': {
      c2s = [rng.int(200, 700), rng.int(100, 400), ...zeros(rng.int(2, 8))];
      const n = rng.int(6, 24);
      s2c = [...Array<number>(n - 1).fill(mss), rng.int(100, mss)];
      break;
    }
    case 'bulk': {
      const n = id < 100 ? 120 : rng.int(100, 800);
      s2c = Array<number>(n).fill(mss);
      c2s = [120, ...zeros(Math.ceil(n / 2) - 1)];
      break;
    }
    case 'dns': {
      const n = rng.int(1, 3);
      const q = dnsQueryLength(server.hostName);
      c2s = Array<number>(n).fill(q);
      s2c = Array<number>(n).fill(q + (client.family === 4 ? 16 : 28));
      break;
    }
    case 'ntp': c2s = [48]; s2c = [48]; break;
    case 'rtp': c2s = Array<number>(50).fill(172); s2c = Array<number>(50).fill(172); break;
    case 'quic': {
      c2s = Array.from({ length: rng.int(3, 12) }, () => rng.int(40, 1200));
      s2c = Array<number>(rng.int(8, 40)).fill(1252);
      break;
    }
    case 'ssh': {
      c2s = Array.from({ length: rng.int(2, 6) }, () => 36 + 16 * rng.int(0, 8));
      s2c = Array.from({ length: rng.int(2, 6) }, () => 36 + 16 * rng.int(0, 8));
      break;
    }
    case 'dhcp': c2s = [300]; s2c = []; break;
  }
  const clientPort = kind === 'dhcp' ? 68 : kind === 'rtp' ? 2 * rng.int(8192, 16383) : rng.int(49152, 65535);
  const serverPort = kind === 'rtp' ? 2 * rng.int(8192, 16383) : svc.port;
  const vlan = client.vlan;
  return {
    id,
    client,
    server,
    clientPort,
    serverPort,
    l4: svc.l4,
    app: svc.app,
    kind,
    vlan,
    start,
    end,
    c2s: profile(client.family, svc.l4, vlan, c2s),
    s2c: profile(client.family, svc.l4, vlan, s2c),
    isnC2s: rng.int(0, 0xffffffff),
    isnS2c: rng.int(0, 0xffffffff),
    ssrc: rng.int(1, 0xffffffff),
  };
}

function zeros(n: number): number[] {
  return Array<number>(n).fill(0);
}

function profile(family: 4 | 6, l4: L4Protocol, vlan: number, payloads: number[]): DirectionProfile {
  return {
    payloads,
    packets: payloads.length,
    bytes: payloads.reduce((s, p) => s + frameLength(family, l4, vlan, p), 0),
    payloadBytes: payloads.reduce((s, p) => s + p, 0),
  };
}

/** Length of a DNS query for an A/AAAA record of `name` (header + question). */
export function dnsQueryLength(name: string): number {
  return 12 + name.split('.').reduce((s, label) => s + 1 + label.length, 1) + 4;
}
