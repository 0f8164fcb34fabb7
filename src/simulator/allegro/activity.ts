// When the simulated Allegro's connections send. The shared TrafficModel gives every connection a
// fixed pattern of packets per second; here that pattern becomes bursty and variable:
//  - each connection sends its packets of a second as one burst, [burstStart, burstStart + spread)
//    of the second (bulk transfers spread over most of it, DNS answers follow their query within
//    milliseconds), at a place of the second that differs between connections;
//  - every second of the day has a send window, a part of the second [startUs, startUs + widthUs)
//    taken cyclically, and a connection sends exactly those packets of its burst that fall into the
//    window. The width follows a daily wave, two slower waves, per-second jitter, bursts and lulls;
//    the start moves at random. So the total follows the waves, each host's traffic goes up and
//    down on its own, and hosts with small flows have idle seconds;
//  - voice (RTP) is steady: 50 packets a second whatever the window.
// Everything is a pure function of (seed, connection, second): same seed, same time, same traffic.
// Because all bursty connections share the window, the packets of one second are one or two runs
// of a time-sorted minute block plus a few voice packets, which keeps capture generation
// zero-copy (./varying-capture.ts).
import { hash32 } from '../model/rng';
import { frameLength } from '../model/traffic';
import type { Connection, Direction, TrafficKind } from '../model/types';

export const DAY = 86_400;
export const SECOND_US = 1_000_000;
const TWO_PI = 2 * Math.PI;

/** Second of the UTC day (0..86399) of an epoch second. */
export function secondOfDay(second: number): number {
  return ((second % DAY) + DAY) % DAY;
}

/** The send windows of one seed: day-periodic, so one table of a day serves every day. */
export class SendWindows {
  private static readonly bySeed = new Map<number, SendWindows>();
  /** Window start (µs within the second) and width (µs, 1..1e6) by second of the day; read-only. */
  readonly starts = new Int32Array(DAY);
  readonly widths = new Int32Array(DAY);

  /** The (shared, immutable) windows of a seed. */
  static of(seed: number): SendWindows {
    let w = SendWindows.bySeed.get(seed >>> 0);
    if (!w) {
      if (SendWindows.bySeed.size >= 32) SendWindows.bySeed.clear();
      SendWindows.bySeed.set(seed >>> 0, (w = new SendWindows(seed >>> 0)));
    }
    return w;
  }

  private constructor(readonly seed: number) {
    const u = (a: number, b = 0) => hash32(seed, 0x5e17, a, b) / 4294967296;
    const wave1 = u(1) * TWO_PI;
    const wave2 = u(2) * TWO_PI;
    let burst = false;
    let lull = false;
    for (let t = 0; t < DAY; t++) {
      if (t % 6 === 0) burst = u(4, t / 6) < 0.04; // bursts of six seconds
      if (t % 4 === 0) lull = u(5, t / 4) < 0.03; // lulls of four seconds
      // busiest at 14:00 UTC, quietest at 02:00; a 24-minute and an 8-minute wave on top
      let level = 0.62 + 0.24 * Math.cos(TWO_PI * (t / DAY - 14 / 24)) + 0.07 * Math.sin((TWO_PI * t) / 1440 + wave1) + 0.05 * Math.sin((TWO_PI * t) / 480 + wave2);
      level *= 0.85 + 0.3 * u(3, t);
      if (burst) level *= 1.7;
      if (lull) level *= 0.3;
      this.widths[t] = Math.round(Math.min(1, Math.max(0.03, level)) * SECOND_US);
      this.starts[t] = Math.floor(u(6, t) * SECOND_US);
    }
  }

  startUs(second: number): number {
    return this.starts[secondOfDay(second)]!;
  }

  widthUs(second: number): number {
    return this.widths[secondOfDay(second)]!;
  }
}

/**
 * What one direction of a connection sends in a full second, and when: packet j goes out at
 * floor((j * spread + phase) / packets) µs into the second. Sums of frame bytes and payload bytes
 * of the first j packets are prefix arrays.
 */
export interface SendPlan {
  readonly c: Connection;
  readonly dir: Direction;
  readonly windows: SendWindows;
  readonly packets: number;
  /** Length of the burst (µs). */
  readonly spread: number;
  /** Where the burst starts, times `packets`, plus this direction's shift within the burst. */
  readonly phase: number;
  /** Sends its whole pattern every second, whatever the window (voice). */
  readonly steady: boolean;
  readonly bytesBefore: Float64Array;
  readonly payloadBefore: Float64Array;
  /**
   * Cumulative [packets, bytes, payload] at each minute boundary of the connection's life, or of
   * the day for a connection without end; filled on first use.
   */
  minutes?: Float64Array;
}

/** Burst length by kind of traffic: shortest and longest (µs). */
const SPREAD_US: Record<TrafficKind, [number, number]> = {
  bulk: [350_000, 900_000],
  web: [40_000, 400_000],
  quic: [40_000, 400_000],
  ssh: [20_000, 300_000],
  dns: [1_000, 20_000],
  ntp: [1_000, 20_000],
  dhcp: [1_000, 20_000],
  rtp: [SECOND_US, SECOND_US],
};

const plans = new WeakMap<Connection, { c2s: SendPlan; s2c: SendPlan }>();

/** The send plans of a connection under these windows (cached per connection). */
export function sendPlans(c: Connection, windows: SendWindows): { c2s: SendPlan; s2c: SendPlan } {
  let p = plans.get(c);
  if (!p || p.c2s.windows !== windows) plans.set(c, (p = { c2s: makePlan(c, 'c2s', windows), s2c: makePlan(c, 's2c', windows) }));
  return p;
}

function makePlan(c: Connection, dir: Direction, windows: SendWindows): SendPlan {
  const profile = c[dir];
  const n = profile.packets;
  const bytesBefore = new Float64Array(n + 1);
  const payloadBefore = new Float64Array(n + 1);
  for (let j = 0; j < n; j++) {
    const payload = profile.payloads[j]!;
    bytesBefore[j + 1] = bytesBefore[j]! + frameLength(c.client.family, c.l4, c.vlan, payload);
    payloadBefore[j + 1] = payloadBefore[j]! + payload;
  }
  const steady = c.kind === 'rtp';
  let spread: number;
  let phase: number;
  if (steady) {
    // evenly over the second, at the model's phase (../model/capture.ts packetOffsetUs)
    spread = SECOND_US;
    phase = (((c.id * 2654435761 + (dir === 'c2s' ? 0 : 7919)) >>> 0) % 1000) * 1000;
  } else {
    const [shortest, longest] = SPREAD_US[c.kind];
    const u = (k: number) => hash32(windows.seed, 0xb0257, c.id, k) / 4294967296;
    spread = shortest + Math.floor(u(1) * (longest - shortest + 1));
    const burstStart = Math.floor(u(2) * (SECOND_US - spread + 1));
    // the answering direction sends half a packet gap later
    phase = burstStart * n + (dir === 'c2s' ? 0 : Math.floor(spread / 2));
  }
  return { c, dir, windows, packets: n, spread, phase, steady, bytesBefore, payloadBefore };
}

/** Microsecond offset within its second of packet j. */
export function offsetUs(p: SendPlan, j: number): number {
  return Math.floor((j * p.spread + p.phase) / p.packets);
}

/** Packets of a full second sent before offset `us` (0..1e6). Exact integer arithmetic. */
export function countBefore(p: SendPlan, us: number): number {
  const d = us * p.packets - p.phase;
  if (d <= 0) return 0;
  return Math.min(p.packets, Math.floor((d - 1) / p.spread) + 1);
}

/**
 * The packets sent in `second` as up to two runs of packet indexes, in time order:
 * out = [a0, a1, b0, b1], run one j in [a0, a1), run two j in [b0, b1). Two runs when the window
 * wraps around the end of the second: its early part (from 0) comes first. Steady plans send
 * [0, n) as run one. Does not check the connection's life time.
 */
export function sentRuns(p: SendPlan, second: number, out: Int32Array): void {
  runsAt(p, secondOfDay(second), out);
}

/** sentRuns by second of the day: the hot loop of counters and tables, so written out by hand. */
function runsAt(p: SendPlan, tod: number, out: Int32Array): void {
  const n = p.packets;
  if (p.steady) {
    out[0] = 0; out[1] = n; out[2] = n; out[3] = n;
    return;
  }
  const start = p.windows.starts[tod]!;
  const end = start + p.windows.widths[tod]!;
  const q = p.phase;
  const spread = p.spread;
  // countBefore, inlined
  if (end <= SECOND_US) {
    let d = start * n - q;
    out[0] = d <= 0 ? 0 : Math.min(n, Math.floor((d - 1) / spread) + 1);
    d = end * n - q;
    out[1] = d <= 0 ? 0 : Math.min(n, Math.floor((d - 1) / spread) + 1);
    out[2] = n; out[3] = n;
  } else {
    out[0] = 0;
    let d = (end - SECOND_US) * n - q;
    out[1] = d <= 0 ? 0 : Math.min(n, Math.floor((d - 1) / spread) + 1);
    d = start * n - q;
    out[2] = d <= 0 ? 0 : Math.min(n, Math.floor((d - 1) / spread) + 1);
    out[3] = n;
  }
}

const runs = new Int32Array(4);

/** Adds what the plan sends in `second` (ignoring the connection's life) to acc = [packets, bytes, payload]. */
export function addSecond(p: SendPlan, second: number, acc: Float64Array): void {
  if (p.packets > 0) addAt(p, secondOfDay(second), acc);
}

function addAt(p: SendPlan, tod: number, acc: Float64Array): void {
  runsAt(p, tod, runs);
  const a0 = runs[0]!, a1 = runs[1]!, b0 = runs[2]!, b1 = runs[3]!;
  const bb = p.bytesBefore;
  const pb = p.payloadBefore;
  acc[0] += a1 - a0 + b1 - b0;
  acc[1] += bb[a1]! - bb[a0]! + bb[b1]! - bb[b0]!;
  acc[2] += pb[a1]! - pb[a0]! + pb[b1]! - pb[b0]!;
}

/** Ranges up to this many seconds are summed second by second; longer ones use the minute table. */
const DIRECT_SECONDS = 120;

/**
 * Adds what the plan sends in the seconds [t0, t1) to acc = [packets, bytes, payload], within the
 * connection's life [start, end).
 */
export function addRange(p: SendPlan, t0: number, t1: number, acc: Float64Array): void {
  const a = Math.max(t0, p.c.start);
  const b = Math.min(t1, p.c.end);
  if (b <= a || p.packets === 0) return;
  if (b - a <= DIRECT_SECONDS) {
    for (let s = a, tod = secondOfDay(a); s < b; s++, tod = tod + 1 === DAY ? 0 : tod + 1) addAt(p, tod, acc);
    return;
  }
  const hi = cumulative(p, b);
  const lo = cumulative(p, a);
  for (let i = 0; i < 3; i++) acc[i] += hi[i]! - lo[i]!;
}

/**
 * [packets, bytes, payload] a plan sent before `second` (epoch seconds, within its life or at its
 * end): counted from the connection's start, or from the epoch for one without end (the window is
 * day-periodic, so a table of one day serves them).
 */
function cumulative(p: SendPlan, second: number): [number, number, number] {
  const minute = Math.floor(second / 60);
  const acc = new Float64Array(3);
  const tod = secondOfDay(minute * 60);
  for (let t = tod; t < tod + second - minute * 60; t++) addAt(p, t, acc);
  let base: number;
  let table: Float64Array;
  if (Number.isFinite(p.c.end)) {
    table = (p.minutes ??= minuteTable(p, p.c.start / 60, (p.c.end - p.c.start) / 60));
    base = (minute - p.c.start / 60) * 3;
  } else {
    table = (p.minutes ??= minuteTable(p, 0, DAY / 60));
    const days = Math.floor(minute / 1440);
    base = (minute - days * 1440) * 3;
    for (let i = 0; i < 3; i++) acc[i] += days * table[1440 * 3 + i]!;
  }
  return [table[base]! + acc[0]!, table[base + 1]! + acc[1]!, table[base + 2]! + acc[2]!];
}

/** Cumulative [packets, bytes, payload] at each of `minutes` + 1 minute boundaries from minute `first`. */
function minuteTable(p: SendPlan, first: number, minutes: number): Float64Array {
  const table = new Float64Array((minutes + 1) * 3);
  const acc = new Float64Array(3);
  for (let m = 0; m < minutes; m++) {
    const tod = secondOfDay((first + m) * 60);
    for (let t = tod; t < tod + 60; t++) addAt(p, t, acc);
    table[(m + 1) * 3] = acc[0]!; table[(m + 1) * 3 + 1] = acc[1]!; table[(m + 1) * 3 + 2] = acc[2]!;
  }
  return table;
}

/**
 * [packets, payload] a plan sent from its connection's start up to `second` (exclusive): the
 * TCP sequence space and RTP sequence numbers it used. Connections without end count from the epoch.
 */
export function sentBefore(p: SendPlan, second: number): [number, number] {
  if (p.packets === 0 || second <= p.c.start) return [0, 0];
  const [packets, , payload] = cumulative(p, Math.min(second, p.c.end));
  return [packets, payload];
}

/** Whether the plan sends any packet in [t0, t1) (epoch seconds). */
export function sendsIn(p: SendPlan, t0: number, t1: number): boolean {
  const a = Math.max(t0, p.c.start);
  const b = Math.min(t1, p.c.end);
  if (b <= a || p.packets === 0) return false;
  if (p.steady) return true;
  for (let s = a, tod = secondOfDay(a); s < b; s++, tod = tod + 1 === DAY ? 0 : tod + 1) {
    runsAt(p, tod, runs);
    if (runs[1]! > runs[0]! || runs[3]! > runs[2]!) return true;
  }
  return false;
}

/** Time (µs) of the first and last packet the plan sends in [t0, t1) (epoch seconds), if any. */
export function firstAndLast(p: SendPlan, t0: number, t1: number): { firstUs: number; lastUs: number } | undefined {
  const a = Math.max(t0, p.c.start);
  const b = Math.min(t1, p.c.end);
  if (b <= a || p.packets === 0) return undefined;
  const r = new Int32Array(4);
  let firstUs = -1;
  for (let s = a; s < b; s++) {
    sentRuns(p, s, r);
    const j = r[1]! > r[0]! ? r[0]! : r[3]! > r[2]! ? r[2]! : -1;
    if (j >= 0) { firstUs = s * SECOND_US + offsetUs(p, j); break; }
  }
  if (firstUs < 0) return undefined;
  for (let s = b - 1; s >= a; s--) {
    sentRuns(p, s, r);
    const j = r[3]! > r[2]! ? r[3]! - 1 : r[1]! > r[0]! ? r[1]! - 1 : -1;
    if (j >= 0) return { firstUs, lastUs: s * SECOND_US + offsetUs(p, j) };
  }
  return undefined;
}
