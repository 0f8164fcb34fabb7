// Output side of packet export: turns the model's capture stream (pcap or pcapng, microseconds)
// into the requested output_format (PCAP_US, PCAP_NS, PCAPNG_US, PCAPNG_NS), counts packets and
// bytes, and stops cleanly at a record boundary when a stop_rule limit is reached.
import { Transform, type TransformCallback } from 'node:stream';
import type { ExportFormat } from '../../appresponse/types';

export function baseFormatOf(format: ExportFormat): 'pcap' | 'pcapng' {
  return format.startsWith('PCAPNG') ? 'pcapng' : 'pcap';
}

export interface OutputLimits {
  packetLimit?: number;
  sizeLimit?: number;
}

export interface OutputCounters {
  packets: number;
  bytes: number;
  /** Frame bytes before snapping (what was on the wire). */
  wireBytes: number;
  truncated: boolean;
}

/**
 * Rewrites and meters a capture stream record by record. The input is what captureStream yields
 * (file header first); the output is the same capture in `format` (nanosecond variants rewrite
 * the magic / interface resolution and scale timestamps by 1000).
 */
export class CaptureRewriter extends Transform {
  readonly counters: OutputCounters = { packets: 0, bytes: 0, wireBytes: 0, truncated: false };
  private pending: Buffer = Buffer.alloc(0);
  private headerDone = false;
  private stopped = false;
  private readonly ng: boolean;
  private readonly nano: boolean;

  constructor(format: ExportFormat, private readonly limits: OutputLimits = {}, private readonly onLimit?: () => void) {
    super();
    this.ng = baseFormatOf(format) === 'pcapng';
    this.nano = format.endsWith('_NS');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    if (this.stopped) return callback();
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    let at = 0;
    const p = this.pending;
    if (!this.headerDone) {
      const headerLen = this.ng ? 48 : 24;
      if (p.length < headerLen) return callback();
      out.push(this.header(p.subarray(0, headerLen)));
      at = headerLen;
      this.headerDone = true;
    }
    while (!this.stopped) {
      const size = this.recordSizeAt(p, at);
      if (size === undefined || at + size > p.length) break;
      const record = p.subarray(at, at + size);
      if ((this.limits.packetLimit !== undefined && this.counters.packets >= this.limits.packetLimit) ||
          (this.limits.sizeLimit !== undefined && this.counters.bytes + out.reduce((s, b) => s + b.length, 0) + size > this.limits.sizeLimit)) {
        this.stopped = true;
        this.counters.truncated = true;
        break;
      }
      const rewritten = this.nano ? this.toNano(record) : record;
      this.counters.packets++;
      this.counters.wireBytes += this.ng ? record.readUInt32LE(24) : record.readUInt32LE(12);
      out.push(rewritten);
      at += size;
    }
    this.pending = this.stopped ? Buffer.alloc(0) : p.subarray(at);
    const data = out.length === 1 ? out[0] : Buffer.concat(out);
    this.counters.bytes += data.length;
    if (data.length) this.push(data);
    if (this.stopped) this.onLimit?.();
    callback();
  }

  private recordSizeAt(p: Buffer, at: number): number | undefined {
    if (this.ng) return p.length >= at + 8 ? p.readUInt32LE(at + 4) : undefined;
    return p.length >= at + 16 ? 16 + p.readUInt32LE(at + 8) : undefined;
  }

  private header(h: Buffer): Buffer {
    if (!this.nano) return Buffer.from(h);
    if (!this.ng) {
      const out = Buffer.from(h);
      out.writeUInt32LE(0xa1b23c4d, 0);
      return out;
    }
    // Section header (28) + interface description (20 → 32 with an if_tsresol option of 9 = ns).
    const shb = h.subarray(0, 28);
    const idb = Buffer.alloc(32);
    h.copy(idb, 0, 28, 28 + 16);
    idb.writeUInt32LE(32, 4);
    idb.writeUInt16LE(9, 16); // if_tsresol
    idb.writeUInt16LE(1, 18);
    idb.writeUInt8(9, 20);
    idb.writeUInt16LE(0, 24); // opt_endofopt
    idb.writeUInt16LE(0, 26);
    idb.writeUInt32LE(32, 28);
    return Buffer.concat([shb, idb]);
  }

  /** Nanosecond capture hardware: the sub-microsecond part is a deterministic function of the packet. */
  private subMicro(us: number, capLen: number): number {
    return (Math.imul(us % 1_000_003, 7) + capLen * 13) % 1000;
  }

  private toNano(record: Buffer): Buffer {
    const out = Buffer.from(record);
    if (!this.ng) {
      const us = record.readUInt32LE(4);
      out.writeUInt32LE(us * 1000 + this.subMicro(us, record.readUInt32LE(8)), 4);
      return out;
    }
    const us = record.readUInt32LE(12) * 0x100000000 + record.readUInt32LE(16);
    const ns = BigInt(us) * 1000n + BigInt(this.subMicro(us % 1_000_000, record.readUInt32LE(20)));
    out.writeUInt32LE(Number(ns >> 32n), 12);
    out.writeUInt32LE(Number(ns & 0xffffffffn), 16);
    return out;
  }
}
