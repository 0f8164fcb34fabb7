// The resource tree of the Allegro API: OPTIONS on any node lists its children
// ({"subResources": [...]}, parameter nodes as ":name"), GET answers JSON (or CSV with csv=true).
import { canonicalIp, canonicalMac } from '../model/ip';
import type { Connection, Host } from '../model/types';
import type { RequestContext } from '../shared/server';
import {
  ApiError, aggregate, boolParam, history, hostFields, pageOf, param, toCsv, viewConnections,
  type Aggregate, type CounterBlock, type KeyOf, type Side, type TimeContext, type View,
} from './views';

export interface ApiRequest {
  method: string;
  /** The HTTP exchange, for handlers that stream or read bodies. */
  raw: RequestContext;
  user: { name: string; role: 'admin' | 'stats' | 'pcap' };
  view: View;
  time: TimeContext;
  query: URLSearchParams;
  params: Record<string, string>;
}

export type ApiResult =
  | { status?: number; json: unknown }
  | { status?: number; csv: string; fileName?: string }
  | { handled: true };

export type Handler = (r: ApiRequest) => ApiResult | Promise<ApiResult>;

export interface RouteNode {
  children: Map<string, RouteNode>;
  param?: { name: string; node: RouteNode };
  get?: Handler;
  post?: Handler;
}

/** Builds a node: keys starting with ":" are parameter nodes. */
export function node(handlers: { get?: Handler; post?: Handler } = {}, children: Record<string, RouteNode> = {}): RouteNode {
  const n: RouteNode = { children: new Map(), ...handlers };
  for (const [k, v] of Object.entries(children)) {
    if (k.startsWith(':')) n.param = { name: k, node: v };
    else n.children.set(k, v);
  }
  return n;
}

export function subResources(n: RouteNode): string[] {
  return [...n.children.keys(), ...(n.param ? [n.param.name] : [])];
}

/** Finds the node of a path; fills `params`. */
export function resolve(root: RouteNode, segments: string[], params: Record<string, string>): RouteNode | undefined {
  let n: RouteNode | undefined = root;
  for (const seg of segments) {
    if (!n) return undefined;
    const child: RouteNode | undefined = n.children.get(seg);
    if (child) n = child;
    else if (n.param) {
      params[n.param.name.slice(1)] = seg;
      n = n.param.node;
    } else return undefined;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// list helpers

const json = (value: unknown): ApiResult => ({ json: value });

function itemCounters(a: Aggregate<unknown>, r: ApiRequest): CounterBlock & { firstSeen: number; lastSeen: number; history?: unknown } {
  const out: CounterBlock & { firstSeen: number; lastSeen: number; history?: unknown } = { ...a.counters, firstSeen: a.firstSeen, lastSeen: a.lastSeen };
  if (param(r.query, 'values') !== undefined) out.history = history(r.view, r.time, a.flows);
  return out;
}

interface ListSpec<K> {
  keyOf: KeyOf<K>;
  only?: (c: Connection, r: ApiRequest) => boolean;
  item: (a: Aggregate<K>, r: ApiRequest) => Record<string, unknown>;
  tie: (k: K) => string;
  csv?: { header: string[]; row: (item: Record<string, unknown>, a: Aggregate<K>) => (string | number)[] };
}

function listItems<K>(spec: ListSpec<K>, r: ApiRequest, keepIdle = false) {
  return aggregate(r.view, r.time, spec.keyOf, spec.only && ((c) => spec.only!(c, r)), keepIdle).map((a) => ({ a, item: spec.item(a, r), counters: a.counters, tie: spec.tie(a.key) }));
}

const DEFAULT_CSV = {
  header: ['Name', 'Received packets', 'Received bytes', 'Transmitted packets', 'Transmitted bytes', 'Total bytes'],
  row: (item: Record<string, unknown>, a: Aggregate<unknown>) => [String(item.name ?? item.ip ?? item.mac ?? item.port ?? a.key), ...a.counters.interval, a.counters.interval[1]! + a.counters.interval[3]!],
};

/** A *_paged list handler (sort, reverse, page, count; csv=true answers every item as CSV). */
function paged<K>(spec: ListSpec<K>): Handler {
  return (r) => {
    const items = listItems(spec, r);
    if (boolParam(r.query, 'csv')) {
      const csv = spec.csv ?? DEFAULT_CSV;
      const all = pageOf(items.map((e) => ({ ...e, item: e })), r.query, true).displayedItems;
      return { csv: toCsv(csv.header, all.map((e) => csv.row(e.item, e.a as Aggregate<K> & Aggregate<unknown>))) };
    }
    return json(pageOf(items, r.query));
  };
}

function details<K>(spec: ListSpec<K>, keyFromParams: (r: ApiRequest) => K, what: string): Handler {
  return (r) => {
    const key = keyFromParams(r);
    // One object: found even when idle in the interval (its interval counters are then zero).
    const found = listItems(spec, r, true).find((e) => e.a.key === key);
    if (!found) throw new ApiError(404, `${what} not found`);
    return json({ ...found.item, history: history(r.view, r.time, found.a.flows) });
  };
}

const endpoints: KeyOf<Host> = (c) => [[c.client, 'client'], [c.server, 'server']];
const flowKey = <K>(f: (c: Connection) => K): KeyOf<K> => (c) => [[f(c), 'flow']];

function hostParam(r: ApiRequest): Host {
  const ip = canonicalIp(r.params.ip ?? '');
  if (!ip) throw new ApiError(400, `"${r.params.ip}" is not an IP address`);
  const h = r.view.source.host(ip);
  if (!h) throw new ApiError(404, `IP ${ip} not found`);
  return h;
}

const ipItem = (a: Aggregate<Host>, r: ApiRequest) => ({ ...hostFields(a.key), ...itemCounters(a, r) });
const ipList: ListSpec<Host> = {
  keyOf: endpoints,
  item: ipItem,
  tie: (h) => h.ip,
  csv: {
    header: ['IP', 'Hostname', 'MAC', 'Country', 'Received packets', 'Received bytes', 'Transmitted packets', 'Transmitted bytes', 'Total bytes'],
    row: (_i, a) => [a.key.ip, a.key.hostName, a.key.mac, a.key.countryCode, ...a.counters.interval, a.counters.interval[1]! + a.counters.interval[3]!],
  },
};

/** Connections of the view as the appliance lists them (globalConnections, ips/<ip>/connections). */
export function connectionItems(r: ApiRequest, filter?: (c: Connection) => boolean) {
  const rtpOnly = (param(r.query, 'mode') ?? '').toLowerCase() === 'rtpstats';
  const w = r.time.explicit ? r.time.interval : r.time.allTime;
  const out: { item: Record<string, unknown>; counters: CounterBlock; tie: string }[] = [];
  for (const c of viewConnections(r.view, w)) {
    if (filter && !filter(c)) continue;
    if (rtpOnly && c.app !== 'RTP') continue;
    const act = r.view.source.activity(c, w.t0, w.t1);
    if (!act) continue;
    const f = r.view.source.flowCounters(c, w.t0, w.t1);
    const counters: CounterBlock = {
      interval: [f.s2cPackets, f.s2cBytes, f.c2sPackets, f.c2sBytes],
      allTime: [f.s2cPackets, f.s2cBytes, f.c2sPackets, f.c2sBytes],
      lastSecond: [0, 0, 0, 0],
      intervalPerSecond: [0, 0, 0, 0],
    };
    const item: Record<string, unknown> = {
      id: c.id,
      clientIp: c.client.ip,
      clientPort: c.clientPort,
      clientMac: c.client.mac,
      serverIp: c.server.ip,
      serverPort: c.serverPort,
      serverMac: c.server.mac,
      vlan: c.vlan,
      l4ProtocolShortName: c.l4,
      dpiProtocol: c.app,
      connectionStart: Math.floor(act.firstUs / 1000),
      lastActivity: Math.floor(act.lastUs / 1000),
      clientToServerPackets: f.c2sPackets,
      clientToServerBytes: f.c2sBytes,
      serverToClientPackets: f.s2cPackets,
      serverToClientBytes: f.s2cBytes,
      bytes: f.c2sBytes + f.s2cBytes,
    };
    if (c.app === 'RTP') {
      const j = (c.ssrc % 400) / 100;
      item.rtp = { codec: 'G.711 PCMU', packetLoss: 0, jitterMs: Math.round(j * 100) / 100, mos: Math.round((4.4 - j / 10) * 100) / 100, ssrc: c.ssrc };
    }
    out.push({ item, counters, tie: String(c.id).padStart(12, '0') });
  }
  return out;
}

export const CONNECTION_CSV_HEADER = ['Client IP', 'Client port', 'Server IP', 'Server port', 'L4 protocol', 'DPI protocol', 'Connection start', 'Last activity', 'Client to server bytes', 'Server to client bytes'];
export function connectionCsv(items: Record<string, unknown>[]): string {
  return toCsv(CONNECTION_CSV_HEADER, items.map((i) => [i.clientIp, i.clientPort, i.serverIp, i.serverPort, i.l4ProtocolShortName, i.dpiProtocol, i.connectionStart, i.lastActivity, i.clientToServerBytes, i.serverToClientBytes] as (string | number)[]));
}

// ---------------------------------------------------------------------------------------------
// one IP's sub-resources (the eleven of the document, in its order)

function ofHost(r: ApiRequest) {
  const h = hostParam(r);
  return { h, only: (c: Connection) => c.client === h || c.server === h, mySide: (c: Connection): Side => (c.client === h ? 'client' : 'server') };
}

const emptyList = (): Handler => () => json({ displayedItems: [], numberOfItems: 0, numberOfPages: 0, itemsPerPage: 20, page: 0 });

function ipNode(): RouteNode {
  const peerList: ListSpec<Host> = {
    keyOf: () => [],
    item: (a, r) => ({ ...hostFields(a.key), ...itemCounters(a, r) }),
    tie: (h) => h.ip,
  };
  const peers: Handler = (r) => {
    const { h, only, mySide } = ofHost(r);
    return paged<Host>({ ...peerList, only, keyOf: (c) => [[c.client === h ? c.server : c.client, mySide(c)]] })(r);
  };
  interface PeerPort { peer: Host; port: number; l4: string; role: 'client' | 'server' }
  const peerPortKeys = new Map<string, PeerPort>();
  const peerPortKey = (p: PeerPort) => {
    const k = `${p.peer.ip}|${p.port}|${p.l4}|${p.role}`;
    if (!peerPortKeys.has(k)) peerPortKeys.set(k, p);
    return peerPortKeys.get(k)!;
  };
  const peersPorts: Handler = (r) => {
    const { h, only, mySide } = ofHost(r);
    return paged<PeerPort>({
      only,
      keyOf: (c) => [[peerPortKey({ peer: c.client === h ? c.server : c.client, port: c.serverPort, l4: c.l4, role: c.client === h ? 'server' : 'client' }), mySide(c)]],
      item: (a, r2) => ({ ip: a.key.peer.ip, hostName: a.key.peer.hostName, port: a.key.port, l4Protocol: a.key.l4, role: a.key.role, ...itemCounters(a, r2) }),
      tie: (k) => `${k.peer.ip}|${String(k.port).padStart(5, '0')}|${k.role}`,
      csv: {
        header: ['IP', 'Port', 'Protocol', 'Received bytes', 'Transmitted bytes', 'Last activity', 'Role'],
        row: (i, a) => [a.key.peer.ip, a.key.port, a.key.l4, a.counters.interval[1]!, a.counters.interval[3]!, Number(i.lastSeen), a.key.role],
      },
    })(r);
  };
  const ports: Handler = (r) => {
    const { h, only, mySide } = ofHost(r);
    return paged<string>({
      only,
      keyOf: (c) => [[`${c.serverPort}|${c.l4}|${c.client === h ? 'client' : 'server'}`, mySide(c)]],
      item: (a, r2) => { const [port, l4, role] = a.key.split('|'); return { port: Number(port), l4Protocol: l4, role, ...itemCounters(a, r2) }; },
      tie: (k) => k,
    })(r);
  };
  const protocols: Handler = (r) => {
    const { only, mySide } = ofHost(r);
    return paged<string>({ only, keyOf: (c) => [[c.app, mySide(c)]], item: (a, r2) => ({ name: a.key, ...itemCounters(a, r2) }), tie: (k) => k })(r);
  };
  const macs: Handler = (r) => {
    const { h, only, mySide } = ofHost(r);
    return paged<string>({ only, keyOf: (c) => [[h.mac, mySide(c)]], item: (a, r2) => ({ mac: a.key, ...itemCounters(a, r2) }), tie: (k) => k })(r);
  };
  const qos: Handler = (r) => {
    const { only, mySide } = ofHost(r);
    return paged<string>({ only, keyOf: (c) => [[c.app === 'RTP' ? 'EF' : 'BE', mySide(c)]], item: (a, r2) => ({ dscp: a.key, ...itemCounters(a, r2) }), tie: (k) => k })(r);
  };
  const connections: Handler = (r) => {
    const { only } = ofHost(r);
    const items = connectionItems(r, only);
    if (boolParam(r.query, 'csv')) return { csv: connectionCsv(pageOf(items, r.query, true).displayedItems) };
    return json(pageOf(items, r.query));
  };
  const tcpStats: Handler = (r) => {
    const { only } = ofHost(r);
    const tcp = viewConnections(r.view, r.time.interval).filter((c) => only(c) && c.l4 === 'TCP');
    const rtt = tcp.map((c) => 0.2 + (c.isnC2s % 5000) / 100);
    return json({
      connections: tcp.length,
      retransmissions: [0, 0, 0, 0],
      zeroWindows: [0, 0, 0, 0],
      handshakeRttMs: { min: rtt.length ? Math.min(...rtt) : 0, avg: rtt.length ? rtt.reduce((s, v) => s + v, 0) / rtt.length : 0, max: rtt.length ? Math.max(...rtt) : 0 },
    });
  };
  const details: Handler = (r) => {
    const { h } = ofHost(r);
    // Found even when idle in the interval: its interval counters are then zero.
    const a = aggregate(r.view, r.time, endpoints, (c) => c.client === h || c.server === h, true).find((x) => x.key === h);
    if (!a) throw new ApiError(404, `IP ${h.ip} has no traffic`);
    const peers = new Set(a.flows.map((f) => (f.c.client === h ? f.c.server : f.c.client)));
    return json({ ...hostFields(h), ...a.counters, firstSeen: a.firstSeen, lastSeen: a.lastSeen, connections: a.flows.length, peers: peers.size, history: history(r.view, r.time, a.flows) });
  };
  return node({ get: details }, {
    sip_request_responses: node({ get: emptyList() }),
    peers_ports: node({ get: peersPorts }),
    sip_responses: node({ get: emptyList() }),
    sip_requests: node({ get: emptyList() }),
    qos: node({ get: qos }),
    ports: node({ get: ports }),
    connections: node({ get: connections }),
    protocols: node({ get: protocols }),
    macs: node({ get: macs }),
    peers: node({ get: peers }),
    tcpStats: node({ get: tcpStats }),
  });
}

// ---------------------------------------------------------------------------------------------
// modules

/** A module whose entities are aggregated from connections: list, *_paged, details by key. */
function entityModule<K>(spec: ListSpec<K> & { listName: string; pagedName: string; param: string; parse: (s: string) => K | undefined; label: (k: K) => string | number }, extra: Record<string, RouteNode> = {}, detailChildren: Record<string, RouteNode> = {}): RouteNode {
  const keyFrom = (r: ApiRequest) => {
    const k = spec.parse(r.params[spec.param.slice(1)] ?? '');
    if (k === undefined) throw new ApiError(400, `bad ${spec.param.slice(1)} "${r.params[spec.param.slice(1)]}"`);
    return k;
  };
  return node({}, {
    [spec.listName]: node({ get: (r) => json(listItems(spec, r).map((e) => spec.label(e.a.key))) }, { [spec.param]: node({ get: details(spec, keyFrom, spec.param.slice(1)) }, detailChildren) }),
    [spec.pagedName]: node({ get: paged(spec) }),
    ...extra,
  });
}

function serverModule(apps: string[]): RouteNode {
  const spec: ListSpec<Host> = {
    keyOf: (c) => [[c.server, 'server']],
    only: (c) => apps.includes(c.app),
    item: (a, r) => ({ ...hostFields(a.key), application: apps.join('/'), ...itemCounters(a, r) }),
    tie: (h) => h.ip,
  };
  return node({ get: (r) => json({ servers: listItems(spec, r).length }) }, {
    servers: node({ get: (r) => json(listItems(spec, r).map((e) => e.a.key.ip)) }, {
      ':ip': node({ get: details(spec, (r) => hostParam(r), 'server') }),
    }),
    servers_paged: node({ get: paged(spec) }),
    clients_paged: node({ get: paged({ ...spec, keyOf: (c) => [[c.client, 'client']] }) }),
  });
}

function genericModule(name: string): RouteNode {
  return node({ get: () => json({ module: name, active: true }) }, {
    stats: node({ get: () => json({ interval: [0, 0, 0, 0], allTime: [0, 0, 0, 0], lastSecond: [0, 0, 0, 0], intervalPerSecond: [0, 0, 0, 0] }) }),
    entries_paged: node({ get: emptyList() }),
    entries: node({ get: () => json([]) }, { ':id': node({ get: (r) => { throw new ApiError(404, `${name} entry ${r.params.id} not found`); } }) }),
  });
}

/** Module names of /API/stats/modules, in the document's order. */
export const MODULES = [
  'pppoe', 'lldp', 'groups', 'mpls', 'opc_ua', 'quality', 'ipsec', 'profinet', 'multicast', 'burst_analysis', 'global_incidents',
  'ptp', 'ntp', 'icmp', 'stp', 'sip', 'smb', 'dpa', 'l4_ports', 'netbios', 'crt', 'dpi', 'http', 'ssl', 'dns', 'dhcp', 'location',
  'qos', 'ip', 'mac_protocols', 'vlan', 'arp', 'packet_size', 'mac', 'capture',
] as const;

/** Subresources of /API/stats, in the document's order. */
export const STATS_CHILDREN = ['modules', 'reports', 'incidentReporting', 'time', 'ringBufferReplay', 'pcap', 'reset', 'interfacesError', 'interfaces', 'load', 'processing'] as const;

export interface StatsTreeHooks {
  /** ip/globalConnections: starts the asynchronous job. */
  globalConnections: Handler;
  /** stats/modules/capture: ring buffer status. */
  captureStatus: Handler;
  /** stats/pcap: analysis slots. */
  pcapSlots: Handler;
  /** stats/reset: POST. */
  reset: Handler;
}

export function statsTree(hooks: StatsTreeHooks): RouteNode {
  const ip = node({ get: (r) => json({ ips: listItems(ipList, r).length }) }, {
    ips: node({ get: (r) => json(listItems(ipList, r).sort((a, b) => a.a.key.index - b.a.key.index).map((e) => e.a.key.ip)) }, {
      protocol: node({ get: (r) => paged<string>({ keyOf: (c) => [[c.client.family === 4 ? 'IPv4' : 'IPv6', 'flow']], item: (a, r2) => ({ protocol: a.key, ...itemCounters(a, r2) }), tie: (k) => k })(r) }, {
        ':protocol': node({ get: (r) => json(listItems(ipList, r).filter((e) => (e.a.key.family === 4 ? 'ipv4' : 'ipv6') === (r.params.protocol ?? '').toLowerCase()).map((e) => e.a.key.ip)) }),
      }),
      ':ip': ipNode(),
    }),
    ips_paged: node({ get: paged(ipList) }),
    globalConnections: node({ get: hooks.globalConnections }, {
      csv: node({ get: (r) => ({ csv: connectionCsv(pageOf(connectionItems(r), r.query, true).displayedItems) }) }),
    }),
  });

  const macSpec = {
    keyOf: (c: Connection): [string, Side][] => (c.client.mac === c.server.mac ? [[c.client.mac, 'client']] : [[c.client.mac, 'client'], [c.server.mac, 'server']]),
    item: (a: Aggregate<string>, r: ApiRequest) => ({ mac: a.key, ips: ipsOfMac(a), ...itemCounters(a, r) }),
    tie: (k: string) => k,
    listName: 'macs', pagedName: 'mac_paged', param: ':mac', parse: (s: string) => canonicalMac(s), label: (k: string) => k,
  };
  const ipsOfMac = (a: Aggregate<string>) => [...new Set(a.flows.map((f) => (f.side === 'client' ? f.c.client : f.c.server)).filter((h) => h.mac === a.key).map((h) => h.ip))].slice(0, 20);

  const modules: Record<string, RouteNode> = {};
  for (const m of MODULES) modules[m] = genericModule(m);
  Object.assign(modules, {
    ip,
    mac: entityModule(macSpec, {}, {
      ips: node({ get: (r) => json(listItems(macSpec, r).find((e) => e.a.key === canonicalMac(r.params.mac ?? ''))?.item.ips ?? []) }),
    }),
    vlan: entityModule<number>({ keyOf: flowKey((c) => c.vlan), item: (a, r) => ({ vlan: a.key, ...itemCounters(a, r) }), tie: (k) => String(k).padStart(4, '0'), listName: 'vlans', pagedName: 'vlans_paged', param: ':vlan', parse: (s) => (/^\d+$/.test(s) ? Number(s) : undefined), label: (k) => k }),
    dpi: entityModule<string>({ keyOf: flowKey((c) => c.app), item: (a, r) => ({ name: a.key, ...itemCounters(a, r) }), tie: (k) => k, listName: 'protocols', pagedName: 'dpi_paged', param: ':protocol', parse: (s) => s, label: (k) => k }),
    location: entityModule<string>({
      keyOf: (c) => [[c.client.countryCode, 'client'], [c.server.countryCode, 'server']],
      item: (a, r) => ({ countryCode: a.key, countryName: countryName(a), ...itemCounters(a, r) }),
      tie: (k) => k, listName: 'countries', pagedName: 'countries_paged', param: ':country', parse: (s) => s.toUpperCase(), label: (k) => k,
    }),
    qos: entityModule<string>({ keyOf: flowKey((c) => (c.app === 'RTP' ? 'EF' : 'BE')), item: (a, r) => ({ dscp: a.key, ...itemCounters(a, r) }), tie: (k) => k, listName: 'dscp', pagedName: 'dscp_paged', param: ':dscp', parse: (s) => s.toUpperCase(), label: (k) => k }),
    mac_protocols: entityModule<string>({ keyOf: flowKey((c) => (c.client.family === 4 ? 'IPv4' : 'IPv6')), item: (a, r) => ({ name: a.key, ...itemCounters(a, r) }), tie: (k) => k, listName: 'protocols', pagedName: 'protocols_paged', param: ':protocol', parse: (s) => s, label: (k) => k }),
    l4_ports: node({ get: (r) => json({ tcpPorts: listItems(portsSpec('TCP'), r).length, udpPorts: listItems(portsSpec('UDP'), r).length }) }, {
      tcp_ports: node({ get: (r) => json(listItems(portsSpec('TCP'), r).map((e) => e.a.key)) }, { ':port': node({ get: details(portsSpec('TCP'), (r) => Number(r.params.port), 'TCP port') }) }),
      tcp_ports_paged: node({ get: paged(portsSpec('TCP')) }),
      udp_ports: node({ get: (r) => json(listItems(portsSpec('UDP'), r).map((e) => e.a.key)) }, { ':port': node({ get: details(portsSpec('UDP'), (r) => Number(r.params.port), 'UDP port') }) }),
      udp_ports_paged: node({ get: paged(portsSpec('UDP')) }),
    }),
    dns: serverModule(['DNS']),
    http: serverModule(['HTTP']),
    ssl: serverModule(['TLS']),
    ntp: serverModule(['NTP']),
    dhcp: serverModule(['DHCP']),
    smb: serverModule(['SMB']),
    sip: serverModule(['SIP']),
    arp: node({ get: (r) => json({ entries: arpEntries(r).length }) }, {
      entries: node({ get: (r) => json(arpEntries(r)) }, { ':ip': node({ get: (r) => { const e = arpEntries(r).find((x) => x.ip === canonicalIp(r.params.ip ?? '')); if (!e) throw new ApiError(404, 'ARP entry not found'); return json(e); } }) }),
      entries_paged: node({ get: (r) => { const all = arpEntries(r); const count = Math.min(100, Number(param(r.query, 'count') ?? 20) || 20); const page = Number(param(r.query, 'page') ?? 0) || 0; return json({ displayedItems: all.slice(page * count, page * count + count), numberOfItems: all.length, numberOfPages: Math.ceil(all.length / count), itemsPerPage: count, page }); } }),
    }),
    packet_size: node({ get: (r) => json(packetSizes(r)) }, { distribution: node({ get: (r) => json(packetSizes(r)) }) }),
    capture: node({ get: hooks.captureStatus }, { buffers: node({ get: hooks.captureStatus }, { ':id': node({ get: hooks.captureStatus }) }), status: node({ get: hooks.captureStatus }) }),
  });

  const everything = (r: ApiRequest) => aggregate(r.view, r.time, () => [['all', 'flow']])[0];
  const totals = (r: ApiRequest) => everything(r)?.counters ?? { interval: [0, 0, 0, 0], allTime: [0, 0, 0, 0], lastSecond: [0, 0, 0, 0], intervalPerSecond: [0, 0, 0, 0] };
  /** eth2 carries all traffic, eth3 is idle; each with its counters and its history. */
  const interfaceEntries = (r: ApiRequest) => {
    const all = everything(r);
    const idle = { interval: [0, 0, 0, 0], allTime: [0, 0, 0, 0], lastSecond: [0, 0, 0, 0], intervalPerSecond: [0, 0, 0, 0] };
    return [0, 1].map((id) => ({
      id, name: `eth${id + 2}`, link: true, speedMbps: 10000,
      ...(id === 0 && all ? all.counters : idle),
      history: history(r.view, r.time, id === 0 && all ? all.flows : []),
    }));
  };
  return node({}, {
    modules: node({ get: () => json({ modules: [...MODULES] }) }, modules),
    reports: node({ get: () => json({ reports: [] }) }),
    incidentReporting: node({ get: () => json({ incidents: [], enabled: false }) }),
    time: node({ get: (r) => json({ time: r.view.now * 1000, processingStart: r.view.source.startedAt * 1000, timezone: 'UTC' }) }),
    ringBufferReplay: node({ get: () => json({ active: false }) }),
    pcap: node({ get: hooks.pcapSlots }),
    reset: node({ get: () => json({}), post: hooks.reset }),
    interfacesError: node({ get: () => json({ interfaces: [0, 1].map((id) => ({ id, name: `eth${id + 2}`, rxErrors: 0, crcErrors: 0, drops: 0 })) }) }),
    interfaces: node({ get: (r) => json({ interfaces: interfaceEntries(r) }) }),
    load: node({ get: (r) => { const t = totals(r); return json({ cpuLoad: [12, 9, 15, 11], memoryUsage: 0.42, packetsPerSecond: t.lastSecond[0]! + t.lastSecond[2]!, bytesPerSecond: t.lastSecond[1]! + t.lastSecond[3]! }); } }),
    processing: node({ get: (r) => json({ running: true, startTime: r.view.source.startedAt * 1000, ...totals(r) }) }),
  });
}

function countryName(a: Aggregate<string>): string {
  const f = a.flows[0];
  if (!f) return '';
  return (f.side === 'client' ? f.c.client : f.c.server).countryName;
}

function portsSpec(l4: 'TCP' | 'UDP'): ListSpec<number> & { keyOf: KeyOf<number> } {
  return { keyOf: flowKey((c) => c.serverPort), only: (c) => c.l4 === l4, item: (a, r) => ({ port: a.key, l4Protocol: l4, ...itemCounters(a, r) }), tie: (k) => String(k).padStart(5, '0') };
}

function arpEntries(r: ApiRequest) {
  const seen = new Map<string, { ip: string; mac: string; vlan: number }>();
  for (const c of viewConnections(r.view, r.time.allTime)) {
    for (const h of [c.client, c.server]) if (h.local && h.family === 4 && h.ip !== '255.255.255.255') seen.set(h.ip, { ip: h.ip, mac: h.mac, vlan: h.vlan });
  }
  return [...seen.values()].sort((a, b) => (a.ip < b.ip ? -1 : 1));
}

function packetSizes(r: ApiRequest) {
  const bounds = [63, 127, 255, 511, 1023, 1518, 65535];
  const buckets = bounds.map(() => 0);
  for (const c of viewConnections(r.view, r.time.interval)) {
    const f = r.view.source.flowCounters(c, r.time.interval.t0, r.time.interval.t1);
    for (const [packets, bytes] of [[f.c2sPackets, f.c2sBytes], [f.s2cPackets, f.s2cBytes]] as const) {
      if (!packets) continue;
      const avg = bytes / packets;
      buckets[bounds.findIndex((b) => avg <= b)] += packets;
    }
  }
  return { buckets: bounds.map((b, i) => ({ from: i ? bounds[i - 1]! + 1 : 0, to: b, packets: buckets[i] })) };
}
