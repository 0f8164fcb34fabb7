// Fast packet streams from the traffic model. All packets of one minute are laid out once as
// ready-made capture records (a "minute block", sorted by their offset within the second); each
// second of that minute is then one memory copy plus a few patched fields per record (timestamp,
// TCP sequence/ack, RTP sequence/timestamp, checksum). This keeps generation far above 500 MB/s.
import { fileHeader, recordDataOffset, recordSize, type CaptureFormat } from './pcap';
import { PatchKind, frameTemplate, fold } from './frames';
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

/** The records of every second of one minute, before per-second patching. */
export interface MinuteBlock {
  minute: number;
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
  base1: Float64Array;
  delta1: Float64Array;
  base2: Float64Array;
  delta2: Float64Array;
  checksumBase: Int32Array;
  connectionStart: Float64Array;
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

export function buildMinuteBlock(model: TrafficModel, minute: number, options: BlockOptions = {}): MinuteBlock {
  const format = options.format ?? 'pcap';
  const snap = options.snapLength ?? 65535;
  const dataAt = recordDataOffset(format);
  interface Entry { c: Connection; dir: Direction; j: number; usec: number }
  const entries: Entry[] = [];
  for (const c of model.connectionsInMinute(minute)) {
    for (const dir of ['c2s', 's2c'] as const) {
      const n = c[dir].packets;
      if (n === 0 || (options.filter && !options.filter(c, dir))) continue;
      for (let j = 0; j < n; j++) entries.push({ c, dir, j, usec: packetOffsetUs(c, dir, j, n) });
    }
  }
  entries.sort((a, b) => a.usec - b.usec || a.c.id - b.c.id || (a.dir === b.dir ? a.j - b.j : a.dir === 'c2s' ? -1 : 1));
  const count = entries.length;
  const recordStart = new Int32Array(count + 1);
  const templates = entries.map((e) => frameTemplate(e.c, e.dir, e.j));
  let total = 0;
  let bytesPerSecond = 0;
  for (let i = 0; i < count; i++) {
    recordStart[i] = total;
    const len = templates[i]!.bytes.length;
    bytesPerSecond += len;
    total += recordSize(format, Math.min(len, snap));
  }
  recordStart[count] = total;
  const block: MinuteBlock = {
    minute, format, count, buffer: Buffer.alloc(total), recordStart,
    usec: new Int32Array(count), patch: new Uint8Array(count), l4Offset: new Int32Array(count), capLen: new Int32Array(count),
    base1: new Float64Array(count), delta1: new Float64Array(count), base2: new Float64Array(count), delta2: new Float64Array(count),
    checksumBase: new Int32Array(count), connectionStart: new Float64Array(count), packetsPerSecond: count, bytesPerSecond,
  };
  for (let i = 0; i < count; i++) {
    const { c, dir, j, usec } = entries[i]!;
    const t = templates[i]!;
    const at = recordStart[i]!;
    const origLen = t.bytes.length;
    const capLen = Math.min(origLen, snap);
    const size = recordStart[i + 1]! - at;
    const b = block.buffer;
    if (format === 'pcap') {
      b.writeUInt32LE(usec, at + 4);
      b.writeUInt32LE(capLen, at + 8);
      b.writeUInt32LE(origLen, at + 12);
    } else {
      b.writeUInt32LE(6, at);
      b.writeUInt32LE(size, at + 4);
      b.writeUInt32LE(capLen, at + 20);
      b.writeUInt32LE(origLen, at + 24);
      b.writeUInt32LE(size, at + size - 4);
    }
    t.bytes.copy(b, at + dataAt, 0, capLen);
    block.usec[i] = usec;
    block.patch[i] = t.patch;
    block.l4Offset[i] = t.l4Offset;
    block.capLen[i] = capLen;
    block.checksumBase[i] = t.checksumBase;
    block.connectionStart[i] = c.start;
    const mine = c[dir];
    const other = c[dir === 'c2s' ? 's2c' : 'c2s'];
    if (t.patch === PatchKind.Tcp) {
      let prefix = 0;
      for (let k = 0; k < j; k++) prefix += mine.payloads[k]!;
      block.base1[i] = (dir === 'c2s' ? c.isnC2s : c.isnS2c) + prefix;
      block.delta1[i] = mine.payloadBytes;
      block.base2[i] = dir === 'c2s' ? c.isnS2c : c.isnC2s;
      block.delta2[i] = other.payloadBytes;
    } else if (t.patch === PatchKind.Rtp) {
      const ssrc = dir === 'c2s' ? c.ssrc : (c.ssrc ^ 0x5a5a5a5a) >>> 0;
      block.base1[i] = (ssrc & 0xffff) + j;
      block.delta1[i] = mine.packets;
      block.base2[i] = (ssrc >>> 8) + j * 160;
      block.delta2[i] = mine.packets * 160;
    }
  }
  return block;
}

/** First record index whose offset within the second is >= usec. */
export function firstRecordAtOrAfter(block: MinuteBlock, usec: number): number {
  let lo = 0;
  let hi = block.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (block.usec[mid]! < usec) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const TWO32 = 0x100000000;
const LARGE_RANGE = 256 * 1024;

/**
 * Records [from, to) of the block as they are in second `second` (epoch seconds), as a new buffer,
 * or (inPlace) as a view of the block patched in place: valid only until the next render.
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
  for (let i = from; i < to; i++) {
    const at = block.recordStart[i]! - shift;
    if (pcap) out.writeUInt32LE(second, at);
    else {
      const ts = usBase + block.usec[i]!;
      out.writeUInt32LE(Math.floor(ts / TWO32), at + 12);
      out.writeUInt32LE(ts % TWO32, at + 16);
    }
    const kind = block.patch[i]!;
    if (kind === PatchKind.None) continue;
    const k = second - block.connectionStart[i]!;
    const v1 = (block.base1[i]! + k * block.delta1[i]!) % TWO32;
    const v2 = (block.base2[i]! + k * block.delta2[i]!) % TWO32;
    const l4 = at + dataAt + block.l4Offset[i]!;
    const end = at + dataAt + block.capLen[i]!;
    if (kind === PatchKind.Tcp) {
      const sum = fold(block.checksumBase[i]! + Math.floor(v1 / 65536) + (v1 & 0xffff) + Math.floor(v2 / 65536) + (v2 & 0xffff));
      if (l4 + 8 <= end) out.writeUInt32BE(v1, l4 + 4);
      if (l4 + 12 <= end) out.writeUInt32BE(v2, l4 + 8);
      if (l4 + 18 <= end) out.writeUInt16BE(~sum & 0xffff, l4 + 16);
    } else {
      const seq = v1 % 65536;
      const sum = fold(block.checksumBase[i]! + seq + Math.floor(v2 / 65536) + (v2 & 0xffff));
      const csum = ~sum & 0xffff;
      if (l4 + 8 <= end) out.writeUInt16BE(csum === 0 ? 0xffff : csum, l4 + 6);
      if (l4 + 12 <= end) out.writeUInt16BE(seq, l4 + 10);
      if (l4 + 16 <= end) out.writeUInt32BE(v2, l4 + 12);
    }
  }
  return inPlace ? out.subarray(block.recordStart[from]!, block.recordStart[to]!) : out;
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
 * The capture file as an async sequence of buffers: the header, then every packet of the
 * model in the segments that passes the filter, in time order. Past data comes as fast as the
 * consumer reads; the live part follows the clock.
 */
export async function* captureStream(model: TrafficModel, options: CaptureStreamOptions): AsyncGenerator<Buffer> {
  const now = options.now ?? Date.now;
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const poll = options.livePollMs ?? 100;
  const format = options.format ?? 'pcap';
  if (options.header !== false) yield fileHeader(format, options.snapLength ?? 65535);
  let block: MinuteBlock | undefined;
  const blockFor = (minute: number) => {
    if (!block || block.minute !== minute) block = buildMinuteBlock(model, minute, options);
    return block;
  };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return out;
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
      const secondEndUs = (second + 1) * 1e6;
      const stopUs = Math.min(limit, secondEndUs);
      const b = blockFor(Math.floor(second / 60));
      const from = firstRecordAtOrAfter(b, cursor - second * 1e6);
      const to = stopUs === secondEndUs ? b.count : firstRecordAtOrAfter(b, stopUs - second * 1e6);
      if (to > from) {
        const size = b.recordStart[to]! - b.recordStart[from]!;
        if (options.reuseBuffers && size >= LARGE_RANGE) {
          if (pendingBytes) yield flush();
          yield renderSecond(b, second, from, to, true);
        } else {
          const buf = renderSecond(b, second, from, to);
          pending.push(buf);
          pendingBytes += buf.length;
          if (pendingBytes >= chunkBytes) yield flush();
        }
      }
      cursor = stopUs;
    }
  }
  if (pendingBytes) yield flush();
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
