// Fast packet streams from the traffic model. All packets of one minute are laid out once as
// ready-made capture records (a "minute block", sorted by their offset within the second); each
// second of that minute is then one memory copy plus a few patched fields per record (timestamp,
// TCP sequence/ack, RTP sequence/timestamp, checksum). This keeps generation far above 500 MB/s.
// The block layout (layoutMinute), the per-record stamping and patching and the stream walk
// (streamSeconds) also serve the Allegro simulator's varying traffic (../allegro/varying-capture.ts).
import { fileHeader, recordDataOffset, recordSize, type CaptureFormat } from './pcap';
import { PatchKind, frameTemplate, type FrameTemplate } from './frames';
import { sleep } from '../shared/respond';
import type { TrafficModel } from './traffic';
import type { Connection, Direction } from './types';

/** Chooses which directions of which connections a capture keeps (the capture filter). */
export type ConnectionFilter = (c: Connection, dir: Direction) => boolean;

export interface BlockOptions {
  filter?: ConnectionFilter;
  /** Bytes kept of each frame (default 65535 = whole frame). */
  snapLength?: number;
  format?: CaptureFormat;
}

/** Gives a buffer of exactly `bytes` bytes, contents undefined. */
export type Allocate = (bytes: number) => Buffer;

/** Capture records sorted by their offset within the second, with what stamping and patching them needs. */
export interface RecordLayout {
  format: CaptureFormat;
  count: number;
  buffer: Buffer;
  /** Byte offset of record i; recordStart[count] = buffer length. */
  recordStart: Int32Array;
  /** Microsecond offset of record i within its second (non-decreasing). */
  usec: Int32Array;
  patch: Uint8Array;
  l4Offset: Int32Array;
  capLen: Int32Array;
  checksumBase: Int32Array;
  connectionStart: Float64Array;
}

/** The records of every second of one minute, before per-second patching. */
export interface MinuteBlock extends RecordLayout {
  minute: number;
  base1: Float64Array;
  delta1: Float64Array;
  base2: Float64Array;
  delta2: Float64Array;
  /** Packets and frame bytes (orig length) of one second of this block. */
  packetsPerSecond: number;
  bytesPerSecond: number;
  /** Second copy of `buffer` for in-place rendering while the previous render is still being sent. */
  spare?: Buffer;
  /** Which of buffer / spare the last in-place render used. */
  flip?: boolean;
}

/** Offset (µs within the second) of packet `index` of `count` sent by one direction. */
export function packetOffsetUs(c: Connection, dir: Direction, index: number, count: number): number {
  const phase = ((c.id * 2654435761 + (dir === 'c2s' ? 0 : 7919)) >>> 0) % 1000 / 1000;
  return Math.floor(((index + phase) * 1e6) / count);
}

/** Room for `count` records of `bytes` bytes in all, arrays zero; a pcapng buffer is zeroed too (padding, reserved fields). */
export function emptyLayout(format: CaptureFormat, count: number, bytes: number, allocate: Allocate = Buffer.allocUnsafe): RecordLayout {
  const buffer = allocate(bytes);
  if (format === 'pcapng') buffer.fill(0);
  return {
    format, count, buffer,
    recordStart: new Int32Array(count + 1), usec: new Int32Array(count), patch: new Uint8Array(count), l4Offset: new Int32Array(count),
    capLen: new Int32Array(count), checksumBase: new Int32Array(count), connectionStart: new Float64Array(count),
  };
}

/** One kept direction of a connection in a minute layout. */
export interface LaidOutFlow {
  c: Connection;
  dir: Direction;
  /** Frame template of packet j (of a second's pattern). */
  templates: FrameTemplate[];
  /** Payload bytes of packets 0 .. j-1. */
  prefix: number[];
}

/** The records of one minute's packets and where each came from. */
export interface MinuteLayout {
  records: RecordLayout;
  /** The kept directions of the minute's connections, in connection order, c2s before s2c. */
  flows: LaidOutFlow[];
  /** Flow (index into flows) and packet number within the second's pattern of record i. */
  flow: Int32Array;
  packet: Int32Array;
  /** Frame bytes (orig length) of all records. */
  frameBytes: number;
}

/**
 * When the packets of a kept direction are sent: packet j of the second's pattern goes out
 * offset(j) µs into the second. Called once per direction.
 */
export type SendOffsets = (c: Connection, dir: Direction) => (j: number) => number;

/**
 * Lays out every packet of the connections of `minute` that pass the filter as a capture record
 * (header and template bytes; the timestamp's second and the patched fields are left to the render,
 * as whatever `allocate` gave in pcap, zero in pcapng), sorted by
 * when `sendOffsets` says it is sent within the second. Both the model's minute block and the
 * varying Allegro block are built on this.
 */
export function layoutMinute(model: TrafficModel, minute: number, options: BlockOptions, sendOffsets: SendOffsets, allocate?: Allocate): MinuteLayout {
  const format = options.format ?? 'pcap';
  const snap = options.snapLength ?? 65535;
  const dataAt = recordDataOffset(format);
  const flows: LaidOutFlow[] = [];
  const firsts: number[] = [];
  let total = 0;
  for (const c of model.connectionsInMinute(minute)) {
    for (const dir of ['c2s', 's2c'] as const) {
      const n = c[dir].packets;
      if (n === 0 || (options.filter && !options.filter(c, dir))) continue;
      const templates: FrameTemplate[] = new Array(n);
      const prefix: number[] = new Array(n);
      let sum = 0;
      for (let j = 0; j < n; j++) {
        templates[j] = j > 0 && c[dir].payloads[j] === c[dir].payloads[j - 1] ? templates[j - 1]! : frameTemplate(c, dir, j);
        prefix[j] = sum;
        sum += c[dir].payloads[j]!;
      }
      flows.push({ c, dir, templates, prefix });
      firsts.push(total);
      total += n;
    }
  }
  // Sort by (offset within the second, entry number): one numeric key per packet.
  const count = total;
  const keys = new Float64Array(count);
  const owner = new Int32Array(count);
  for (let f = 0; f < flows.length; f++) {
    const { c, dir } = flows[f]!;
    const first = firsts[f]!;
    const offset = sendOffsets(c, dir);
    for (let j = 0, n = c[dir].packets; j < n; j++) {
      keys[first + j] = offset(j) * 4194304 + first + j;
      owner[first + j] = f;
    }
  }
  keys.sort();
  const flow = new Int32Array(count);
  const packet = new Int32Array(count);
  const sizes = new Int32Array(count);
  let bytes = 0;
  let frameBytes = 0;
  for (let i = 0; i < count; i++) {
    const entry = keys[i]! % 4194304;
    const f = owner[entry]!;
    flow[i] = f;
    packet[i] = entry - firsts[f]!;
    const len = flows[f]!.templates[packet[i]!]!.bytes.length;
    frameBytes += len;
    sizes[i] = recordSize(format, Math.min(len, snap));
    bytes += sizes[i]!;
  }
  const records = emptyLayout(format, count, bytes, allocate);
  const { buffer: b, recordStart } = records;
  for (let i = 0, at = 0; i < count; at += sizes[i]!, i++) {
    const { c, templates } = flows[flow[i]!]!;
    const t = templates[packet[i]!]!;
    const usec = Math.floor(keys[i]! / 4194304);
    const origLen = t.bytes.length;
    const capLen = Math.min(origLen, snap);
    recordStart[i] = at;
    if (format === 'pcap') {
      b.writeUInt32LE(usec, at + 4);
      b.writeUInt32LE(capLen, at + 8);
      b.writeUInt32LE(origLen, at + 12);
    } else {
      const size = sizes[i]!;
      b.writeUInt32LE(6, at);
      b.writeUInt32LE(size, at + 4);
      b.writeUInt32LE(capLen, at + 20);
      b.writeUInt32LE(origLen, at + 24);
      b.writeUInt32LE(size, at + size - 4);
    }
    t.bytes.copy(b, at + dataAt, 0, capLen);
    records.usec[i] = usec;
    records.patch[i] = t.patch;
    records.l4Offset[i] = t.l4Offset;
    records.capLen[i] = capLen;
    records.checksumBase[i] = t.checksumBase;
    records.connectionStart[i] = c.start;
  }
  recordStart[count] = bytes;
  return { records, flows, flow, packet, frameBytes };
}

export function buildMinuteBlock(model: TrafficModel, minute: number, options: BlockOptions = {}): MinuteBlock {
  const offsets: SendOffsets = (c, dir) => {
    const n = c[dir].packets;
    return (j) => packetOffsetUs(c, dir, j, n);
  };
  // pcap zeroed, so that a record's second reads zero until a render stamps it (pcapng is zeroed anyway)
  const zeroed = (options.format ?? 'pcap') === 'pcap' ? (bytes: number) => Buffer.alloc(bytes) : undefined;
  const { records, flows, flow, packet, frameBytes } = layoutMinute(model, minute, options, offsets, zeroed);
  const count = records.count;
  const block: MinuteBlock = {
    ...records, minute,
    base1: new Float64Array(count), delta1: new Float64Array(count), base2: new Float64Array(count), delta2: new Float64Array(count),
    packetsPerSecond: count, bytesPerSecond: frameBytes,
  };
  for (let i = 0; i < count; i++) {
    const kind = records.patch[i]!;
    if (kind === PatchKind.None) continue;
    const { c, dir, prefix } = flows[flow[i]!]!;
    const j = packet[i]!;
    if (kind === PatchKind.Tcp) {
      const mine = c[dir];
      const other = c[dir === 'c2s' ? 's2c' : 'c2s'];
      block.base1[i] = (dir === 'c2s' ? c.isnC2s : c.isnS2c) + prefix[j]!;
      block.delta1[i] = mine.payloadBytes;
      block.base2[i] = dir === 'c2s' ? c.isnS2c : c.isnC2s;
      block.delta2[i] = other.payloadBytes;
    } else if (kind === PatchKind.Rtp) {
      const ssrc = dir === 'c2s' ? c.ssrc : (c.ssrc ^ 0x5a5a5a5a) >>> 0;
      block.base1[i] = (ssrc & 0xffff) + j;
      block.delta1[i] = c[dir].packets;
      block.base2[i] = (ssrc >>> 8) + j * 160;
      block.delta2[i] = c[dir].packets * 160;
    }
  }
  return block;
}

/** First record index whose offset within the second is >= usec. */
export function firstRecordAtOrAfter(set: RecordLayout, usec: number): number {
  if (usec >= 1e6) return set.count;
  let lo = 0;
  let hi = set.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (set.usec[mid]! < usec) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const TWO32 = 0x100000000;
/** Ranges at least this large go out as views of the block (reuseBuffers), smaller ones as copies. */
export const LARGE_RANGE = 256 * 1024;

/** Writes a record's timestamp: the second (pcap: the microseconds stay in the template) or, in
 * pcapng, the whole microsecond time `us`. */
export function stampRecord(out: Buffer, at: number, pcap: boolean, second: number, us: number): void {
  if (pcap) {
    out[at] = second & 0xff; out[at + 1] = (second >>> 8) & 0xff; out[at + 2] = (second >>> 16) & 0xff; out[at + 3] = second >>> 24;
    return;
  }
  const hi = Math.floor(us / TWO32);
  const lo = us - hi * TWO32;
  out[at + 12] = hi & 0xff; out[at + 13] = (hi >>> 8) & 0xff; out[at + 14] = (hi >>> 16) & 0xff; out[at + 15] = hi >>> 24;
  out[at + 16] = lo & 0xff; out[at + 17] = (lo >>> 8) & 0xff; out[at + 18] = (lo >>> 16) & 0xff; out[at + 19] = lo >>> 24;
}

/**
 * Writes a frame's two running counters and fixes its checksum from the template's partial sum:
 * TCP seq `v1` and ack `v2`; RTP sequence (low 16 bits of `v1`) and timestamp `v2`. `l4` is where
 * the transport header starts in `out`, `room` how much of it the (snapped) record holds.
 * Bytes are written directly: this runs once per packet of a capture.
 */
export function patchCounters(out: Buffer, l4: number, room: number, kind: PatchKind, v1: number, v2: number, checksumBase: number): void {
  const v1hi = Math.floor(v1 / 65536), v1lo = v1 - v1hi * 65536;
  const v2hi = Math.floor(v2 / 65536), v2lo = v2 - v2hi * 65536;
  if (kind === PatchKind.Tcp) {
    let sum = checksumBase + v1hi + v1lo + v2hi + v2lo;
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = (sum & 0xffff) + (sum >>> 16);
    const c = ~sum & 0xffff;
    if (room >= 18) {
      out[l4 + 4] = v1hi >>> 8; out[l4 + 5] = v1hi & 0xff; out[l4 + 6] = v1lo >>> 8; out[l4 + 7] = v1lo & 0xff;
      out[l4 + 8] = v2hi >>> 8; out[l4 + 9] = v2hi & 0xff; out[l4 + 10] = v2lo >>> 8; out[l4 + 11] = v2lo & 0xff;
      out[l4 + 16] = c >>> 8; out[l4 + 17] = c & 0xff;
    } else {
      if (room >= 8) out.writeUInt32BE(v1, l4 + 4);
      if (room >= 12) out.writeUInt32BE(v2, l4 + 8);
    }
  } else {
    const seq = v1lo;
    let sum = checksumBase + seq + v2hi + v2lo;
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = (sum & 0xffff) + (sum >>> 16);
    const c = ~sum & 0xffff || 0xffff;
    if (room >= 16) {
      out[l4 + 6] = c >>> 8; out[l4 + 7] = c & 0xff;
      out[l4 + 10] = seq >>> 8; out[l4 + 11] = seq & 0xff;
      out[l4 + 12] = v2hi >>> 8; out[l4 + 13] = v2hi & 0xff; out[l4 + 14] = v2lo >>> 8; out[l4 + 15] = v2lo & 0xff;
    } else {
      if (room >= 8) out.writeUInt16BE(c, l4 + 6);
      if (room >= 12) out.writeUInt16BE(seq, l4 + 10);
    }
  }
}

/**
 * Records [from, to) of the block as they are in second `second` (epoch seconds), as a new buffer,
 * or (inPlace) as a view of the block patched in place: valid only until the render after next.
 * The loop writes bytes directly (no Buffer helpers): it runs once per packet of the capture.
 */
export function renderSecond(block: MinuteBlock, second: number, from = 0, to = block.count, inPlace = false): Buffer {
  const shift = inPlace ? 0 : block.recordStart[from]!;
  let out: Buffer;
  if (inPlace) {
    block.flip = !block.flip;
    out = block.flip ? block.buffer : (block.spare ??= Buffer.from(block.buffer));
  } else {
    out = Buffer.allocUnsafe(block.recordStart[to]! - shift);
    block.buffer.copy(out, 0, shift, block.recordStart[to]!);
  }
  const pcap = block.format === 'pcap';
  const dataAt = recordDataOffset(block.format);
  const usBase = second * 1e6;
  const { recordStart, usec, patch, connectionStart, base1, delta1, base2, delta2, checksumBase, l4Offset, capLen } = block;
  for (let i = from; i < to; i++) {
    const at = recordStart[i]! - shift;
    stampRecord(out, at, pcap, second, usBase + usec[i]!);
    const kind = patch[i]!;
    if (kind === PatchKind.None) continue;
    const k = second - connectionStart[i]!;
    let v1 = base1[i]! + k * delta1[i]!;
    v1 -= Math.floor(v1 / TWO32) * TWO32;
    let v2 = base2[i]! + k * delta2[i]!;
    v2 -= Math.floor(v2 / TWO32) * TWO32;
    const l4 = at + dataAt + l4Offset[i]!;
    const room = at + dataAt + capLen[i]! - l4;
    patchCounters(out, l4, room, kind, v1, v2, checksumBase[i]!);
  }
  return inPlace ? out.subarray(recordStart[from]!, recordStart[to]!) : out;
}

/** A time range [fromUs, toUs) of packets to stream; toUs may be Infinity (until cancelled). */
export interface CaptureSegment {
  fromUs: number;
  toUs: number;
}

export interface CaptureStreamOptions extends BlockOptions {
  /** Ranges to stream, in order. Parts later than `now()` are streamed as time passes (live). */
  segments: CaptureSegment[];
  /** Current time in ms (defaults to Date.now): decides what is already in the past. */
  now?: () => number;
  /** Emit chunks of at least this many bytes when catching up on the past (default 1 MiB). */
  chunkBytes?: number;
  /** Live polling period in ms (default 100). */
  livePollMs?: number;
  signal?: AbortSignal;
  /** Include the file header first (default true). */
  header?: boolean;
  /**
   * Yield large ranges as views of the internal block instead of copies (zero-copy). Two such
   * views alternate between two buffers, so a yielded buffer stays valid until the consumer asks
   * for the second-next one: keep at most one earlier write in flight when asking for more.
   */
  reuseBuffers?: boolean;
}

/**
 * Part of a second as rendered: a copy, batched with others into chunks of about chunkBytes, or a
 * view of a block buffer (`of`, the buffer it is a view of), sent alone at once.
 */
export interface RenderedPart {
  chunk: Buffer;
  of?: Buffer;
}

/**
 * Renders µs [fromUs, toUs) of epoch second `second`, part by part, in time order. Lazily (a
 * generator): a part is rendered once the parts before it went out, which in-place views rely on.
 */
export type RenderSpan = (second: number, fromUs: number, toUs: number) => Iterable<RenderedPart>;

/**
 * The capture file of any renderer of seconds, as an async sequence of buffers: the header, then
 * the segments one second (or part of one) at a time. Past data comes as fast as the consumer
 * reads; the live part follows the clock. `sent` sees each chunk as it goes out.
 */
export async function* streamSeconds(
  options: CaptureStreamOptions, render: RenderSpan, sent: (chunk: Buffer, of?: Buffer) => Buffer = (chunk) => chunk,
): AsyncGenerator<Buffer> {
  const now = options.now ?? Date.now;
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const poll = options.livePollMs ?? 100;
  const format = options.format ?? 'pcap';
  if (options.header !== false) yield sent(fileHeader(format, options.snapLength ?? 65535));
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return sent(out);
  };
  for (const seg of options.segments) {
    let cursor = seg.fromUs;
    while (cursor < seg.toUs) {
      if (options.signal?.aborted) return;
      const nowUs = Math.floor(now() * 1000);
      const limit = Math.min(seg.toUs, nowUs);
      if (cursor >= limit) {
        if (pendingBytes) yield flush();
        await sleep(poll, options.signal);
        continue;
      }
      const second = Math.floor(cursor / 1e6);
      const stopUs = Math.min(limit, (second + 1) * 1e6);
      for (const { chunk, of } of render(second, cursor - second * 1e6, stopUs - second * 1e6)) {
        if (!of) {
          pending.push(chunk);
          pendingBytes += chunk.length;
          continue;
        }
        if (pendingBytes) yield flush();
        yield sent(chunk, of);
      }
      if (pendingBytes >= chunkBytes) yield flush();
      cursor = stopUs;
    }
  }
  if (pendingBytes) yield flush();
}

/**
 * The capture file as an async sequence of buffers: the header, then every packet of the
 * model in the segments that passes the filter, in time order.
 */
export function captureStream(model: TrafficModel, options: CaptureStreamOptions): AsyncGenerator<Buffer> {
  let block: MinuteBlock | undefined;
  return streamSeconds(options, function* (second, fromUs, toUs) {
    if (!block || block.minute !== Math.floor(second / 60)) block = buildMinuteBlock(model, Math.floor(second / 60), options);
    const b = block;
    const from = firstRecordAtOrAfter(b, fromUs);
    const to = firstRecordAtOrAfter(b, toUs);
    if (to <= from) return;
    if (options.reuseBuffers && b.recordStart[to]! - b.recordStart[from]! >= LARGE_RANGE) {
      const chunk = renderSecond(b, second, from, to, true);
      yield { chunk, of: b.flip ? b.buffer : b.spare! };
    } else yield { chunk: renderSecond(b, second, from, to) };
  });
}
