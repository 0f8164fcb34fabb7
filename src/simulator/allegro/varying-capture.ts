// Fast capture streams of a VaryingSource. As in ../model/capture.ts, all packets of one minute are
// laid out once as ready-made capture records sorted by their offset within the second (a minute
// block). A second's send window selects one range of that block, or two when it wraps around the
// end of the second; the voice packets outside the window come from a second, small record set of
// the voice packets alone. So a second is a patch of contiguous ranges in place (zero-copy) or one
// copy per range. The patched fields follow what was really sent: TCP sequence and acknowledgement
// numbers count the payload sent before (no gaps for Wireshark to flag), RTP sequence numbers the
// packets sent before, RTP timestamps the wall clock.
import {
  LARGE_RANGE, emptyLayout, firstRecordAtOrAfter, layoutMinute, streamSeconds,
  TWO32 as IMPORTED_TWO32, patchCounters as importedPatchCounters, stampRecord as importedStampRecord,
  type Allocate, type CaptureStreamOptions, type RecordLayout, type RenderedPart,
} from '../model/capture';
import { PatchKind } from '../model/frames';
import { recordDataOffset } from '../model/pcap';
import { SECOND_US, addSecond, offsetUs, sentBefore, sentRuns, type SendPlan } from './activity';
import type { VaryingSource } from './varying-source';

// Plain values for the per-packet loops: an imported binding is read through a module getter on
// every use (as tsx runs this), which costs more than the loops' own work.
const TWO32: number = IMPORTED_TWO32;
const stampRecord = importedStampRecord;
const patchCounters = importedPatchCounters;
const NONE: number = PatchKind.None;
const TCP: number = PatchKind.Tcp;
const RTP: number = PatchKind.Rtp;

interface Group {
  plan: SendPlan;
  kind: number;
  /** Index in VaryingBlock.tracked of this plan and (TCP) of the opposite direction's plan. */
  self: number;
  peer: number;
  /** TCP initial sequence numbers of this and the opposite direction; RTP first sequence number. */
  origin: number;
  peerOrigin: number;
}

/** Capture records sorted by their offset within the second, with what patching them here needs. */
export interface RecordSet extends RecordLayout {
  /** Group (connection direction) of record i. */
  group: Int32Array;
  /** TCP: payload bytes before this packet within a full second; RTP: its index within the second. */
  before: Float64Array;
  /** RTP timestamp of the packet in the connection's first second, and its advance per second. */
  tsBase: Float64Array;
  tsDelta: Float64Array;
}

/** The records of every second of one minute, before per-second selection and patching. */
export interface VaryingBlock extends RecordSet {
  minute: number;
  /** Second copy of `buffer` for in-place rendering while the previous render is still being sent. */
  spare?: Buffer;
  flip?: boolean;
  /** The steady (voice) records alone: those outside the window are sent from here. */
  voice: RecordSet;
  groups: Group[];
  /** Plans whose sends so far the patched fields follow; their totals before second `at`. */
  tracked: SendPlan[];
  startPackets: Float64Array;
  startPayload: Float64Array;
  at: number;
  packets: Float64Array;
  payload: Float64Array;
  /** Per group, for the prepared second: the sequence base of run one and run two, the TCP ack. */
  prepared: number;
  base1: Float64Array;
  base2: Float64Array;
  ack: Float64Array;
}

/** The records `indices` (ascending) of a set, as a set of their own. */
function subset(from: RecordSet, indices: number[]): RecordSet {
  const rs = from.recordStart;
  let bytes = 0;
  for (const i of indices) bytes += rs[i + 1]! - rs[i]!;
  const n = indices.length;
  const out: RecordSet = {
    ...emptyLayout(from.format, n, bytes),
    group: new Int32Array(n), before: new Float64Array(n), tsBase: new Float64Array(n), tsDelta: new Float64Array(n),
  };
  let at = 0;
  indices.forEach((i, k) => {
    out.recordStart[k] = at;
    from.buffer.copy(out.buffer, at, rs[i]!, rs[i + 1]!);
    at += rs[i + 1]! - rs[i]!;
    out.usec[k] = from.usec[i]!; out.patch[k] = from.patch[i]!; out.l4Offset[k] = from.l4Offset[i]!; out.capLen[k] = from.capLen[i]!;
    out.checksumBase[k] = from.checksumBase[i]!; out.group[k] = from.group[i]!; out.before[k] = from.before[i]!;
    out.tsBase[k] = from.tsBase[i]!; out.tsDelta[k] = from.tsDelta[i]!; out.connectionStart[k] = from.connectionStart[i]!;
  });
  out.recordStart[n] = at;
  return out;
}

export function buildVaryingBlock(source: VaryingSource, minute: number, options: CaptureStreamOptions, allocate?: Allocate): VaryingBlock {
  // every packet of the plans is laid out at its time in a full second; the window picks at render
  const { records: laid, flows, flow, packet } = layoutMinute(source.model, minute, options, (c, dir) => {
    const plan = source.plans(c)[dir];
    return (j) => offsetUs(plan, j);
  }, allocate);
  const groups: Group[] = [];
  const tracked: SendPlan[] = [];
  const trackedIndex = new Map<SendPlan, number>();
  const track = (p: SendPlan) => {
    let i = trackedIndex.get(p);
    if (i === undefined) { trackedIndex.set(p, (i = tracked.length)); tracked.push(p); }
    return i;
  };
  for (const { c, dir, templates } of flows) {
    const plans = source.plans(c);
    const kind: number = templates[0]!.patch;
    const plan = plans[dir];
    const ssrc = dir === 'c2s' ? c.ssrc : (c.ssrc ^ 0x5a5a5a5a) >>> 0;
    groups.push({
      plan, kind,
      self: kind === NONE ? -1 : track(plan),
      peer: kind === TCP ? track(plans[dir === 'c2s' ? 's2c' : 'c2s']) : -1,
      origin: kind === TCP ? (dir === 'c2s' ? c.isnC2s : c.isnS2c) : ssrc & 0xffff,
      peerOrigin: dir === 'c2s' ? c.isnS2c : c.isnC2s,
    });
  }
  const count = laid.count;
  // a record's group is its flow: groups and flows correspond one to one
  const records: RecordSet = { ...laid, group: flow, before: new Float64Array(count), tsBase: new Float64Array(count), tsDelta: new Float64Array(count) };
  const voice: number[] = [];
  for (let i = 0; i < count; i++) {
    const g = flow[i]!;
    const j = packet[i]!;
    if (groups[g]!.plan.steady) voice.push(i);
    const kind = laid.patch[i]!;
    if (kind === TCP) records.before[i] = flows[g]!.prefix[j]!;
    else if (kind === RTP) {
      const { c, dir } = flows[g]!;
      const ssrc = dir === 'c2s' ? c.ssrc : (c.ssrc ^ 0x5a5a5a5a) >>> 0;
      records.before[i] = j;
      records.tsBase[i] = (ssrc >>> 8) + j * 160;
      records.tsDelta[i] = c[dir].packets * 160;
    }
  }
  const block: VaryingBlock = {
    ...records, minute, voice: subset(records, voice), groups, tracked,
    startPackets: new Float64Array(tracked.length), startPayload: new Float64Array(tracked.length),
    at: minute * 60, packets: new Float64Array(tracked.length), payload: new Float64Array(tracked.length),
    prepared: NaN, base1: new Float64Array(groups.length), base2: new Float64Array(groups.length), ack: new Float64Array(groups.length),
  };
  for (let k = 0; k < tracked.length; k++) {
    const [packets, payload] = sentBefore(tracked[k]!, minute * 60);
    block.startPackets[k] = block.packets[k] = packets;
    block.startPayload[k] = block.payload[k] = payload;
  }
  return block;
}

const acc = new Float64Array(3);
const runs = new Int32Array(4);

/** Brings the tracked totals to the start of `second` (within the block's minute). */
function advance(block: VaryingBlock, second: number): void {
  if (second < block.at) {
    block.packets.set(block.startPackets);
    block.payload.set(block.startPayload);
    block.at = block.minute * 60;
  }
  for (; block.at < second; block.at++) {
    for (let k = 0; k < block.tracked.length; k++) {
      const p = block.tracked[k]!;
      if (block.at < p.c.start || block.at >= p.c.end) continue;
      acc.fill(0);
      addSecond(p, block.at, acc);
      block.packets[k] += acc[0]!;
      block.payload[k] += acc[2]!;
    }
  }
}

/** Per-group sequence bases of `second`: run one, run two, and the TCP acknowledgement. */
function prepare(block: VaryingBlock, second: number): void {
  if (block.prepared === second) return;
  advance(block, second);
  const { groups, base1, base2, ack, packets, payload } = block;
  for (let g = 0; g < groups.length; g++) {
    const { plan, kind, self, peer, origin, peerOrigin } = groups[g]!;
    if (kind === NONE) continue;
    sentRuns(plan, second, runs);
    const a0 = runs[0]!, a1 = runs[1]!, b0 = runs[2]!;
    if (kind === TCP) {
      const pb = plan.payloadBefore;
      const o = origin + payload[self]!;
      base1[g] = o - pb[a0]!;
      base2[g] = o + pb[a1]! - pb[a0]! - pb[b0]!;
      ack[g] = peerOrigin + payload[peer]!;
    } else {
      const o = origin + packets[self]!;
      base1[g] = o - a0;
      base2[g] = o + a1 - a0 - b0;
    }
  }
  block.prepared = second;
}

/**
 * Patches records [from, to) of a set for `second` in `out`, where record i sits at
 * recordStart[i] - shift; `base` holds the sequence bases of the run these records belong to.
 * The loop writes bytes directly (no Buffer helpers): it runs once per packet of the capture.
 */
function render(set: RecordSet, ack: Float64Array, out: Buffer, shift: number, second: number, from: number, to: number, base: Float64Array): void {
  const pcap = set.format === 'pcap';
  const dataAt = recordDataOffset(set.format);
  const usBase = second * 1e6;
  const { recordStart, usec, patch, group, before, tsBase, tsDelta, connectionStart, checksumBase, l4Offset, capLen } = set;
  for (let i = from; i < to; i++) {
    const at = recordStart[i]! - shift;
    stampRecord(out, at, pcap, second, usBase + usec[i]!);
    const kind = patch[i]!;
    if (kind === NONE) continue;
    const g = group[i]!;
    let v1 = base[g]! + before[i]!;
    v1 -= Math.floor(v1 / TWO32) * TWO32;
    let v2 = kind === TCP ? ack[g]! : tsBase[i]! + (second - connectionStart[i]!) * tsDelta[i]!;
    v2 -= Math.floor(v2 / TWO32) * TWO32;
    const l4 = at + dataAt + l4Offset[i]!;
    const room = at + dataAt + capLen[i]! - l4;
    patchCounters(out, l4, room, kind, v1, v2, checksumBase[i]!);
  }
}

/** Records [from, to) of one set sent in a second, with the sequence bases of their run. */
interface Piece { set: RecordSet; from: number; to: number; base: Float64Array }

/**
 * What `second` sends between offsets [fromUs, toUs) of the second, in time order: the send window
 * [start, start + width) of the block as one range or (wrapping) two, and the voice records in the
 * parts of the second outside the window.
 */
function pieces(block: VaryingBlock, source: VaryingSource, second: number, fromUs: number, toUs: number): Piece[] {
  const start = source.windows.startUs(second);
  const end = start + source.windows.widthUs(second);
  const { base1, base2, voice } = block;
  // [from µs, to µs, records, base]; a voice group's two bases are equal
  const spans: [number, number, RecordSet, Float64Array][] = end <= SECOND_US
    ? [[0, start, voice, base1], [start, end, block, base1], [end, SECOND_US, voice, base1]]
    : [[0, end - SECOND_US, block, base1], [end - SECOND_US, start, voice, base1], [start, SECOND_US, block, base2]];
  const out: Piece[] = [];
  for (const [lo, hi, set, base] of spans) {
    const from = firstRecordAtOrAfter(set, Math.max(lo, fromUs));
    const to = firstRecordAtOrAfter(set, Math.min(hi, toUs));
    if (to > from) out.push({ set, from, to, base });
  }
  return out;
}

export interface VaryingCaptureOptions extends CaptureStreamOptions {
  /**
   * Resolves once the consumer no longer needs any buffer it was given (all writes done or
   * failed). Then the stream's large block buffers go to a pool for later streams; without it
   * they are left to the garbage collector.
   */
  settled?: Promise<void>;
}

/**
 * Large buffers of finished streams, for the blocks of later streams: a fresh 20 MB buffer costs
 * page faults and garbage-collector pressure every minute of traffic. Emptied when unused for a while.
 */
class BufferPool {
  private free: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly max: number, private readonly idleMs: number) {}

  /** The smallest pooled buffer of at least `bytes`, if any. */
  take(bytes: number): Buffer | undefined {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      if (this.free[i]!.length >= bytes && (best < 0 || this.free[i]!.length < this.free[best]!.length)) best = i;
    }
    return best < 0 ? undefined : this.free.splice(best, 1)[0];
  }

  give(buffers: Buffer[]): void {
    this.free.push(...buffers);
    this.free.sort((a, b) => b.length - a.length);
    this.free.length = Math.min(this.free.length, this.max);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.free = []; }, this.idleMs);
    this.timer.unref();
  }
}

const pool = new BufferPool(4, 30_000);
/** Large buffers get room to spare, so that one fits the blocks of other minutes. */
const POOLED_MIN = 1 << 20;

/**
 * The large buffers of one stream. With reuseBuffers the consumer may still be writing the last
 * chunk it was given when it asks for the next, so a buffer the stream stops rendering into is
 * reused once a later chunk went out if the last chunk came from it, at once otherwise.
 */
class StreamBuffers {
  private yields = 0;
  /** The block buffer behind the last chunk given out, if that chunk was a view of it. */
  private lastFrom: Buffer | undefined;
  private readonly retired: { buffer: Buffer; safeAt: number }[] = [];
  private readonly all: Buffer[] = [];
  private readonly parent = new WeakMap<Buffer, Buffer>();

  allocate: Allocate = (bytes) => {
    if (bytes < POOLED_MIN) return Buffer.allocUnsafe(bytes);
    let whole: Buffer | undefined;
    const i = this.retired.findIndex((r) => r.safeAt <= this.yields && r.buffer.length >= bytes);
    if (i >= 0) whole = this.retired.splice(i, 1)[0]!.buffer;
    else {
      whole = pool.take(bytes) ?? Buffer.allocUnsafe(Math.ceil((bytes * 1.25) / POOLED_MIN) * POOLED_MIN);
      this.all.push(whole);
    }
    const view = whole.subarray(0, bytes);
    this.parent.set(view, whole);
    return view;
  };

  /** Notes a chunk given to the consumer (`from`: the block buffer it is a view of). */
  emit(chunk: Buffer, from?: Buffer): Buffer {
    this.yields++;
    this.lastFrom = from;
    return chunk;
  }

  /** A block's buffers are no longer rendered into. */
  retire(...views: (Buffer | undefined)[]): void {
    for (const v of views) {
      const whole = v && this.parent.get(v);
      if (whole) this.retired.push({ buffer: whole, safeAt: this.yields + (v === this.lastFrom ? 1 : 0) });
    }
  }

  /** All large buffers of the stream go to the pool once the consumer is done with them. */
  finish(settled: Promise<void> | undefined): void {
    const all = this.all.splice(0);
    if (settled && all.length) void settled.then(() => pool.give(all), () => undefined);
  }
}

/**
 * The capture file as an async sequence of buffers: the header, then every packet the source sends
 * in the segments that passes the filter, in time order. Past data comes as fast as the consumer
 * reads; the live part follows the clock. With `reuseBuffers`, large ranges come as views of the
 * block (two buffers alternate per second): keep at most one earlier write in flight when asking
 * for more.
 */
export async function* varyingCaptureStream(source: VaryingSource, options: VaryingCaptureOptions): AsyncGenerator<Buffer> {
  const buffers = new StreamBuffers();
  let block: VaryingBlock | undefined;
  const blockFor = (minute: number) => {
    if (!block || block.minute !== minute) {
      if (block) buffers.retire(block.buffer, block.spare);
      block = buildVaryingBlock(source, minute, options, buffers.allocate);
    }
    return block;
  };
  const size = (p: Piece) => p.set.recordStart[p.to]! - p.set.recordStart[p.from]!;
  /** Copies a piece into `out` at `at` and patches it there. */
  const copy = (b: VaryingBlock, p: Piece, second: number, out: Buffer, at: number) => {
    const from = p.set.recordStart[p.from]!;
    p.set.buffer.copy(out, at, from, p.set.recordStart[p.to]!);
    render(p.set, b.ack, out, from - at, second, p.from, p.to, p.base);
  };
  function* renderSpan(second: number, fromUs: number, toUs: number): Generator<RenderedPart> {
    const b = blockFor(Math.floor(second / 60));
    const parts = pieces(b, source, second, fromUs, toUs);
    if (!parts.length) return;
    prepare(b, second);
    let windowBytes = 0;
    for (const p of parts) if (p.set === b) windowBytes += size(p);
    if (options.reuseBuffers && windowBytes >= LARGE_RANGE) {
      // the window's ranges as views of the block, patched in place; voice records copied
      b.flip = !b.flip;
      const out = b.flip ? b.buffer : (b.spare ??= clone(b.buffer, buffers.allocate));
      for (const p of parts) {
        if (p.set !== b) {
          const piece = Buffer.allocUnsafe(size(p));
          copy(b, p, second, piece, 0);
          yield { chunk: piece };
          continue;
        }
        render(b, b.ack, out, 0, second, p.from, p.to, p.base);
        yield { chunk: out.subarray(b.recordStart[p.from]!, b.recordStart[p.to]!), of: out };
      }
    } else {
      let total = 0;
      for (const p of parts) total += size(p);
      const out = Buffer.allocUnsafe(total);
      let at = 0;
      for (const p of parts) {
        copy(b, p, second, out, at);
        at += size(p);
      }
      yield { chunk: out };
    }
  }
  try {
    yield* streamSeconds(options, renderSpan, (chunk, of) => buffers.emit(chunk, of));
  } finally {
    buffers.finish(options.settled);
  }
}

/** A copy of a buffer (Buffer.from(buffer) copies element by element, far slower than this memcpy). */
function clone(buffer: Buffer, allocate: Allocate): Buffer {
  const out = allocate(buffer.length);
  buffer.copy(out);
  return out;
}
