// Counters, time windows, lists and CSV of the Allegro API, computed from a traffic source.
import type { TrafficSource } from '../model/source';
import type { Connection, FlowCounters, Host, HostCounters } from '../model/types';

/** [t0, t1) in epoch seconds. */
export interface Window { t0: number; t1: number }

/** What one request sees: a slot's traffic, restricted to a link group. */
export interface View {
  source: TrafficSource;
  /** Link group filter (undefined = group 0, everything). */
  group?: (c: Connection) => boolean;
  /** Current time of the slot in whole seconds (the end of the last complete second). */
  now: number;
}

export interface TimeContext {
  interval: Window;
  allTime: Window;
  lastSecond: Window;
  /** Whether starttime/endtime were given. */
  explicit: boolean;
  /** History resolution in seconds and number of points. */
  timespan: number;
  values: number;
  skipHistoryData: boolean;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Reads a query parameter case-insensitively (the document spells starttime and startTime). */
export function param(query: URLSearchParams, name: string): string | undefined {
  const direct = query.get(name);
  if (direct !== null) return direct;
  const lower = name.toLowerCase();
  for (const [k, v] of query) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export function boolParam(query: URLSearchParams, name: string, fallback = false): boolean {
  const v = param(query, name);
  if (v === undefined || v === '') return fallback;
  return /^(true|1|yes)$/i.test(v);
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = param(query, name);
  if (v === undefined || v === '') return undefined;
  // leading digits count, as the device's parser does (the document's own example has "count=9999×pan=60")
  const m = /^-?\d+(\.\d+)?/.exec(v);
  if (!m) throw new ApiError(400, `parameter ${name} must be a number, got "${v}"`);
  return Math.floor(Number(m[0]));
}

export function timeContext(view: View, query: URLSearchParams): TimeContext {
  const start = view.source.startedAt;
  const now = view.now;
  const allTime = { t0: start, t1: Math.max(start, now) };
  const lastSecond = { t0: Math.max(start, now - 1), t1: Math.max(start, now) };
  const st = intParam(query, 'starttime');
  const et = intParam(query, 'endtime');
  let interval = lastSecond;
  const explicit = st !== undefined || et !== undefined;
  if (explicit) {
    if (st !== undefined && et !== undefined && et < st) throw new ApiError(400, 'endtime is before starttime');
    // What the device has of [starttime, endtime): clamped to the processing start and now, and
    // empty (zero counters) when it lies wholly before the start or after now.
    const t0 = Math.min(now, Math.max(start, st ?? start));
    const t1 = Math.max(t0, Math.min(now, et ?? now));
    interval = { t0, t1 };
  }
  const values = Math.min(1000, Math.max(1, intParam(query, 'values') ?? 60));
  const span = interval.t1 - interval.t0;
  const timespan = Math.max(1, intParam(query, 'timespan') ?? (explicit ? Math.ceil(span / values) : 1));
  return { interval, allTime, lastSecond, explicit, timespan, values, skipHistoryData: boolParam(query, 'skiphistorydata') };
}

/** Which side of a connection an aggregated key stands for. */
export type Side = 'client' | 'server' | 'flow';
export type KeyOf<K> = (c: Connection) => [K, Side][];

export function viewConnections(view: View, w: Window): Connection[] {
  const all = view.source.connections(w.t0, w.t1);
  return view.group ? all.filter(view.group) : all;
}

function zero(): HostCounters {
  return { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0 };
}

export function addFlow(into: HostCounters, f: FlowCounters, side: Side): void {
  if (side === 'server') {
    into.rxPackets += f.c2sPackets; into.rxBytes += f.c2sBytes; into.txPackets += f.s2cPackets; into.txBytes += f.s2cBytes;
  } else {
    into.txPackets += f.c2sPackets; into.txBytes += f.c2sBytes; into.rxPackets += f.s2cPackets; into.rxBytes += f.s2cBytes;
  }
}

/** Counter array as the appliance sends it: rx packets, rx bytes, tx packets, tx bytes. */
export function counterArray(h: HostCounters): number[] {
  return [h.rxPackets, h.rxBytes, h.txPackets, h.txBytes];
}

function perSecond(h: HostCounters, w: Window): number[] {
  const s = Math.max(1, w.t1 - w.t0);
  return counterArray(h).map((v) => Math.round((v / s) * 100) / 100);
}

/** The counters block of one entity: interval, allTime, lastSecond, intervalPerSecond. */
export interface CounterBlock {
  interval: number[];
  allTime: number[];
  lastSecond: number[];
  intervalPerSecond: number[];
}

export interface Aggregate<K> {
  key: K;
  counters: CounterBlock;
  /** The connections (and the key's side) behind the entity, over allTime. */
  flows: { c: Connection; side: Side }[];
  firstSeen: number;
  lastSeen: number;
}

/**
 * Aggregates connections by key into counter blocks for the three windows. With an explicit
 * interval a list holds what was active in it; `keepIdle` keeps every entity seen since the start
 * (one object asked by its key: its `interval` counters are zero when it was idle, as the document
 * says the interval counters follow the interval).
 */
export function aggregate<K>(view: View, time: TimeContext, keyOf: KeyOf<K>, only?: (c: Connection) => boolean, keepIdle = false): Aggregate<K>[] {
  const conns = viewConnections(view, time.allTime).filter((c) => !only || only(c));
  const map = new Map<K, { i: HostCounters; a: HostCounters; l: HostCounters; flows: { c: Connection; side: Side }[]; first: number; last: number }>();
  for (const c of conns) {
    const fi = view.source.flowCounters(c, time.interval.t0, time.interval.t1);
    const fa = view.source.flowCounters(c, time.allTime.t0, time.allTime.t1);
    const fl = view.source.flowCounters(c, time.lastSecond.t0, time.lastSecond.t1);
    const act = view.source.activity(c, time.allTime.t0, time.allTime.t1);
    for (const [key, side] of keyOf(c)) {
      let e = map.get(key);
      if (!e) map.set(key, (e = { i: zero(), a: zero(), l: zero(), flows: [], first: Infinity, last: 0 }));
      addFlow(e.i, fi, side);
      addFlow(e.a, fa, side);
      addFlow(e.l, fl, side);
      e.flows.push({ c, side });
      if (act) {
        e.first = Math.min(e.first, Math.floor(act.firstUs / 1000));
        e.last = Math.max(e.last, Math.floor(act.lastUs / 1000));
      }
    }
  }
  // with an explicit interval, a list holds what was active in it; otherwise what was ever seen
  const entries = [...map].filter(([, e]) => keepIdle || !time.explicit || e.i.rxPackets + e.i.txPackets > 0);
  return entries.map(([key, e]) => ({
    key,
    counters: { interval: counterArray(e.i), allTime: counterArray(e.a), lastSecond: counterArray(e.l), intervalPerSecond: perSecond(e.i, time.interval) },
    flows: e.flows,
    firstSeen: Number.isFinite(e.first) ? e.first : 0,
    lastSeen: e.last,
  }));
}

/** A history object: `values` points of `timespan` seconds ending at the interval end. */
export function history(view: View, time: TimeContext, flows: { c: Connection; side: Side }[]) {
  const end = time.interval.t1;
  const points = Math.min(time.values, Math.max(1, Math.ceil((end - view.source.startedAt) / time.timespan)));
  const data: number[][] = [];
  let min = Infinity;
  let max = 0;
  let sum = 0;
  for (let p = points - 1; p >= 0; p--) {
    const t1 = end - p * time.timespan;
    const t0 = Math.max(view.source.startedAt, t1 - time.timespan);
    const h = zero();
    for (const { c, side } of flows) if (c.start < t1 && c.end > t0) addFlow(h, view.source.flowCounters(c, t0, t1), side);
    const bytesPerSecond = (h.rxBytes + h.txBytes) / Math.max(1, t1 - t0);
    min = Math.min(min, bytesPerSecond);
    max = Math.max(max, bytesPerSecond);
    sum += bytesPerSecond;
    data.push([t1 * 1000, ...counterArray(h)]);
  }
  const out: Record<string, unknown> = {
    rows: ['rxPackets', 'rxBytes', 'txPackets', 'txBytes'],
    timespan: time.timespan,
    dataAge: 0,
    intervalAMM: { min: Number.isFinite(min) ? min : 0, count: points, avg: points ? sum / points : 0, max },
  };
  if (!time.skipHistoryData) out.data = data;
  return out;
}

export const SORT_KEYS = ['bytes', 'rxbytes', 'txbytes', 'bps', 'rxbps', 'txbps', 'packets'] as const;

/**
 * The value a list is sorted by. The document: bytes criteria count "either in selected time
 * interval or since start", per-second criteria "either average per second value of the selected
 * time interval or last second, if no interval is specified".
 */
function sortValue(c: CounterBlock, sort: string, explicit: boolean): number {
  const total = explicit ? c.interval : c.allTime;
  switch (sort) {
    case 'rxbytes': return total[1]!;
    case 'txbytes': return total[3]!;
    case 'bps': return c.intervalPerSecond[1]! + c.intervalPerSecond[3]!;
    case 'rxbps': return c.intervalPerSecond[1]!;
    case 'txbps': return c.intervalPerSecond[3]!;
    case 'packets': return total[0]! + total[2]!;
    default: return total[1]! + total[3]!;
  }
}

export const MAX_PAGE_COUNT = 100;

export interface PagedList<T> {
  displayedItems: T[];
  numberOfItems: number;
  numberOfPages: number;
  itemsPerPage: number;
  page: number;
}

/** Sorts (sort, reverse) and pages (page, count; count clamped to 100) a list. */
export function pageOf<T>(
  items: { item: T; counters: CounterBlock; tie: string }[],
  query: URLSearchParams,
  all = false,
): PagedList<T> {
  const sort = (param(query, 'sort') ?? 'bytes').toLowerCase();
  if (!(SORT_KEYS as readonly string[]).includes(sort)) throw new ApiError(400, `unknown sort criterion "${sort}"; use one of ${SORT_KEYS.join(', ')}`);
  const reverse = boolParam(query, 'reverse', true);
  const explicit = intParam(query, 'starttime') !== undefined || intParam(query, 'endtime') !== undefined;
  const sorted = [...items].sort((a, b) => {
    const d = sortValue(a.counters, sort, explicit) - sortValue(b.counters, sort, explicit);
    return (reverse ? -d : d) || (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0);
  });
  const requested = intParam(query, 'count') ?? 20;
  const count = all ? Math.max(1, sorted.length) : Math.min(MAX_PAGE_COUNT, Math.max(1, requested));
  const page = all ? 0 : Math.max(0, intParam(query, 'page') ?? 0);
  return {
    displayedItems: sorted.slice(page * count, page * count + count).map((e) => e.item),
    numberOfItems: sorted.length,
    numberOfPages: Math.ceil(sorted.length / count),
    itemsPerPage: count,
    page,
  };
}

/** CSV text: a header line, then one line per row; fields quoted when needed. */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  const q = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(q).join(',')).join('\r\n') + '\r\n';
}

/** Host fields shared by IP list items and IP details. */
export function hostFields(h: Host) {
  return {
    ip: h.ip,
    hostName: h.hostName,
    mac: h.mac,
    vlan: h.vlan,
    protocol: h.family === 4 ? 'IPv4' : 'IPv6',
    countryCode: h.countryCode,
    countryName: h.countryName,
    isLocal: h.local,
  };
}
