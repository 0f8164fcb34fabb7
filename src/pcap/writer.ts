// Streams a capture to disk: `name.pcap.part` while bytes arrive (gathered into large batches,
// written with backpressure, then validated, counted and hashed by a CaptureDigest, on a worker
// thread for big files), then `commit()` renames it to its final, never-overwriting
// name only when the source ended correctly and the bytes are a complete pcap/pcapng; otherwise
// `discard()` removes (or, on request, keeps) the partial file and says which. A download stopped
// early on purpose (a live capture) ends with `commitCompletePackets()`, which keeps every
// complete packet and cuts off the incomplete one at the end.
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { CaptureScanner, type CaptureFormat, type ScanResult } from './scanner';
import { createCaptureDigest, DigestCore, type CaptureDigest, type DigestOptions, type DigestResult } from './digest';
import { candidateName, exists, firstFreeName, insideFolder, sanitizeBaseName, splitName } from './naming';
import { formatBytes, isoFromNs } from './summary';
import type { BodySink } from '../http/types';
import type { StoppedEarly } from './sidecar';

/** Where the bytes go; the default writes a file. Tests inject failures (disk full) here. */
export interface FileSink {
  write(chunks: Buffer[]): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Opens `filePath` for writing, failing with EEXIST when it exists (exclusive create). */
export type OpenSink = (filePath: string) => Promise<FileSink>;

export const openFileSink: OpenSink = async (filePath) => {
  const fh = await fs.open(filePath, 'wx', 0o644);
  return {
    async write(chunks) {
      let total = 0;
      for (const c of chunks) total += c.length;
      let { bytesWritten } = await fh.writev(chunks);
      // writev may write less than asked (rare, e.g. signals): finish the rest.
      while (bytesWritten < total) {
        const rest = Buffer.concat(chunks).subarray(bytesWritten);
        bytesWritten += (await fh.write(rest)).bytesWritten;
      }
    },
    sync: () => fh.sync(),
    close: () => fh.close(),
  };
};

export interface CaptureWriterOptions {
  folder: string;
  /** File name stem; sanitized. */
  stem: string;
  /** Expected format, used for the `.part` name; the final extension follows the bytes received. */
  extension?: CaptureFormat;
  openSink?: OpenSink;
  /** Keep a failed download as `name.pcap.part` instead of deleting it. */
  keepPartial?: boolean;
  /** Called after each batch is written, with its size (progress accounting). */
  onBytes?: (n: number) => void;
  /** Where the bytes are scanned and hashed (default: the shared worker thread when it can run). */
  digest?: DigestOptions;
}

/**
 * Bytes are copied into slots of this size in one shared memory block: one write and one
 * digest message per slot. A slot is reused once it is on disk and digested; when every slot is
 * busy the writer stops taking bytes (backpressure), so memory stays at SLOTS x SLOT_BYTES.
 */
const SLOT_BYTES = 512 * 1024;
const SLOTS = 16;
/** The most a writer holds in memory: its slots plus the stream's own buffer (one slot's worth). */
export const WRITER_MEMORY_BYTES = (SLOTS + 1) * SLOT_BYTES;
/** A batch that is not full is written after this long, so slow streams show progress. */
const PARTIAL_FLUSH_MS = 100;
/**
 * While a big file is written, it is flushed to the disk every this many bytes, in the
 * background, so the flush before the rename at the end has little left to do.
 */
const SYNC_EVERY_BYTES = 64 * 1024 * 1024;
/** The first bytes are checked here, at once, so an error page fails at its first chunk. */
const PROBE_BYTES = 64;

export interface CommittedCapture {
  path: string;
  format: CaptureFormat;
  size: number;
  packetCount: number;
  sha256: string;
  linkTypes: number[];
  firstPacketTime?: string;
  lastPacketTime?: string;
  scan: ScanResult;
  /**
   * commitCompletePackets: the bytes received before the incomplete end was cut off (`size` is
   * what was kept).
   */
  receivedBytes?: number;
  /** The download was stopped early by the user (set by saveCaptureStream). */
  stoppedEarly?: StoppedEarly;
}

export interface PartialOutcome {
  /** The partial file's path (whether or not it still exists). */
  partPath: string;
  kept: boolean;
  bytes: number;
  packets: number;
  /** For the user: what happened to the partial file. */
  message: string;
}

/** The download ended but the bytes are not a complete capture. */
export class IncompleteCaptureError extends Error {
  constructor(readonly problem: string, readonly scan: ScanResult) {
    super(`the download is not a complete capture: ${problem}`);
    this.name = 'IncompleteCaptureError';
  }
}

/** The download ended correctly, but the capture holds no packet (and an empty file was not wanted). */
export class NoPacketsError extends Error {
  constructor(readonly scan: ScanResult) {
    super('the capture holds no packets');
    this.name = 'NoPacketsError';
  }
}

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EINVAL']);

export class CaptureFileWriter extends Writable {
  private readonly free: number[] = [];
  private slotFreed: (() => void) | undefined;
  /** The slot being filled, and how many bytes it holds. */
  private slot = -1;
  private fill = 0;
  /** The sink writes, in order. */
  private tail: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private syncedAt = 0;
  /** A background flush that failed: the disk may have dropped bytes, so the file is not trusted. */
  private syncError: Error | undefined;
  private probe: CaptureScanner | undefined = new CaptureScanner();
  private state: 'open' | 'committed' | 'discarded' = 'open';
  private discarded: Promise<PartialOutcome> | undefined;
  private written = 0;
  private sinkClosed = false;
  /** All the slots, for copies. */
  private readonly bytes: Buffer;
  /** The part of a chunk given to `feed.write` that did not fit yet, and the wait for a slot. */
  private pending: { chunk: Buffer; off: number } | undefined;
  private space: Promise<void> | undefined;

  /**
   * The direct feed of an HTTP body (StreamResponse.pipeTo): chunks are copied into the slots as
   * the parser produces them, with no stream machinery per chunk; when every slot is busy the
   * body waits for one. End the writer (`end()`) once the body completed.
   */
  readonly feed: BodySink = {
    write: (chunk) => this.accept(chunk),
    wait: (resume) => this.waitForSpace(resume),
  };

  private constructor(
    readonly partPath: string,
    private readonly reserved: string,
    private readonly sink: FileSink,
    /** The slots: SLOTS x SLOT_BYTES, shared with the digest worker. */
    private readonly memory: SharedArrayBuffer,
    private readonly digest: CaptureDigest,
    private readonly options: CaptureWriterOptions,
  ) {
    super({ highWaterMark: SLOT_BYTES });
    this.bytes = Buffer.from(memory);
    for (let i = SLOTS - 1; i >= 0; i--) this.free.push(i);
    // A framing error found by the digest (wherever it runs) fails the download at once.
    void digest.failure.then((err) => {
      if (this.state === 'open' && !this.destroyed) this.destroy(err);
    });
  }

  /** Reserves a free name (`stem.pcap.part`, exclusive create) in the folder. */
  static async create(options: CaptureWriterOptions): Promise<CaptureFileWriter> {
    const open = options.openSink ?? openFileSink;
    const ext = options.extension ?? 'pcap';
    await fs.mkdir(options.folder, { recursive: true });
    for (let attempt = 0; attempt < 100; attempt++) {
      const reserved = await firstFreeName(options.folder, options.stem, ext);
      const partPath = `${reserved}.part`;
      let sink: FileSink;
      try {
        sink = await open(partPath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        // Someone took the name between the check and the create: try the next one.
        continue;
      }
      try {
        const memory = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
        const digest = await createCaptureDigest(memory, options.digest);
        return new CaptureFileWriter(partPath, reserved, sink, memory, digest, options);
      } catch (err) {
        await sink.close().catch(() => undefined);
        await fs.unlink(partPath).catch(() => undefined);
        throw err;
      }
    }
    throw new Error(`could not reserve a file name for ${options.stem} in ${options.folder}`);
  }

  get bytesWritten(): number {
    return this.written;
  }

  /** Packets validated so far (the digest may lag the bytes written by a batch or two). */
  get packetsSeen(): number {
    return this.digest.progress.packets;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    // The common case (a 16 KiB network chunk, a free slot) allocates nothing.
    let off: number;
    try {
      this.check(chunk);
      off = this.take(chunk, 0);
    } catch (err) {
      cb(err as Error);
      return;
    }
    if (off === chunk.length) cb();
    else this.takeRest(chunk, off, cb);
  }

  /** Every slot is busy: wait for one (backpressure), then copy the rest of the chunk. */
  private takeRest(chunk: Buffer, off: number, cb: (err?: Error | null) => void): void {
    this.nextFreeSlot().then(() => {
      if (this.destroyed) return; // failed or discarded while waiting: nothing more goes to the file
      try {
        off = this.take(chunk, off);
      } catch (err) {
        cb(err as Error);
        return;
      }
      if (off === chunk.length) cb();
      else this.takeRest(chunk, off, cb);
    }, (err: Error) => cb(err));
  }

  /** `feed.write`: copies what fits; false when the rest waits for a slot (then `wait`). */
  private accept(chunk: Buffer): boolean {
    if (this.destroyed) throw this.errored ?? new Error('the capture file was closed');
    if (this.pending) throw new Error('capture writer: write before the previous chunk was taken');
    this.check(chunk);
    const off = this.take(chunk, 0);
    if (off === chunk.length) return true;
    this.pending = { chunk, off };
    return false;
  }

  /** `feed.wait`: takes the rest of the pending chunk as slots free up, then resumes the body. */
  private waitForSpace(resume: () => void): void {
    const fill = async () => {
      while (this.pending) {
        await this.nextFreeSlot();
        if (this.destroyed) {
          this.pending = undefined; // failed or discarded: the body is aborted, not resumed
          return;
        }
        const { chunk, off } = this.pending;
        const next = this.take(chunk, off);
        this.pending = next === chunk.length ? undefined : { chunk, off: next };
      }
    };
    this.space = fill().then(() => {
      if (!this.destroyed) resume();
    });
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.destroyed) return cb(this.errored ?? new Error('the capture file was closed'));
    if (this.pending) {
      // The body ended while a chunk still waited for a slot (end() called early): finish it first.
      void this.space!.then(() => this._final(cb));
      return;
    }
    this.flushPartial();
    // Wait until every byte is on disk and digested, so a framing error fails the download.
    this.tail
      .then(() => this.digest.drained())
      .then(() => cb(), (err: Error) => cb(err));
  }

  /** The first bytes are checked at once, so an error page fails at its first chunk. */
  private check(chunk: Buffer): void {
    if (!this.probe) return;
    this.probe.push(chunk.subarray(0, PROBE_BYTES - this.probe.bytesSeen));
    if (this.probe.bytesSeen >= PROBE_BYTES) this.probe = undefined;
  }

  /** Copies from `off` into slots while one is free; returns how far it got. */
  private take(chunk: Buffer, off: number): number {
    if (this.destroyed) return chunk.length; // dropped: the download already failed
    while (off < chunk.length) {
      if (this.slot < 0) {
        const slot = this.free.pop();
        if (slot === undefined) return off;
        this.slot = slot;
        this.fill = 0;
      }
      const start = this.slot * SLOT_BYTES + this.fill;
      const n = Math.min(chunk.length - off, SLOT_BYTES - this.fill);
      this.copy(n === chunk.length ? chunk : chunk.subarray(off, off + n), start);
      off += n;
      this.fill += n;
      if (this.fill === SLOT_BYTES) this.enqueue();
    }
    if (this.fill > 0) this.flushTimer ??= setTimeout(() => this.flushPartial(), PARTIAL_FLUSH_MS).unref();
    return off;
  }

  /**
   * Copies into the shared slots. `TypedArray#set` into shared memory is V8's relaxed copy (word
   * by word, byte by byte when source and target are not at the same offset within a word, about
   * 10x slower than memcpy); `Buffer#fill` with a Buffer value of the range's length is one native
   * memcpy whatever the alignment.
   */
  private copy(src: Uint8Array, start: number): void {
    if (src.length > 0) this.bytes.fill(src, start, start + src.length);
  }

  private nextFreeSlot(): Promise<void> {
    return new Promise<void>((resolve) => (this.slotFreed = resolve));
  }

  private releaseSlot(slot: number): void {
    this.free.push(slot);
    const wake = this.slotFreed;
    this.slotFreed = undefined;
    wake?.();
  }

  /** Writes (and digests) the bytes of a slot that is not full, so slow streams show progress. */
  private flushPartial(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.slot >= 0 && this.fill > 0) this.enqueue();
  }

  /** Sends the current slot to the sink and the digest; the slot is free again after both. */
  private enqueue(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const slot = this.slot;
    const length = this.fill;
    const offset = slot * SLOT_BYTES;
    this.slot = -1;
    this.fill = 0;
    let holds = 2;
    const done = () => {
      if (--holds === 0) this.releaseSlot(slot);
    };
    this.digest.push(offset, length, done);
    const write = this.tail.then(async () => {
      await this.sink.write([Buffer.from(this.memory, offset, length)]);
      this.written += length;
      this.options.onBytes?.(length);
      if (!this.syncing && this.written - this.syncedAt >= SYNC_EVERY_BYTES) {
        this.syncedAt = this.written;
        // Alongside the next writes, not in their way. A failure is not retried: after a failed
        // fsync the kernel may have dropped the pages, so the download fails at once.
        this.syncing = this.sink.sync().then(
          () => void (this.syncing = undefined),
          (err: Error) => {
            this.syncing = undefined;
            this.syncError ??= err;
            if (!this.destroyed) this.destroy(err);
          },
        );
      }
    });
    this.tail = write;
    write.then(done, (err: Error) => {
      // The slot stays busy: nothing more is written after a failed write.
      if (!this.destroyed) this.destroy(err);
    });
  }

  /**
   * Call after the source ended correctly (pipeline resolved, EOF frame seen). Validates the
   * capture, flushes it to disk and renames it to a free final name. Throws
   * IncompleteCaptureError when the bytes are not a complete capture, and NoPacketsError when
   * they hold no packet unless `keepEmpty` is true (an empty capture is not kept by default,
   * as saveCaptureStream does); call discard() then.
   */
  async commit(options: { keepEmpty?: boolean } = {}): Promise<CommittedCapture> {
    if (this.state !== 'open') throw new Error(`capture writer already ${this.state}`);
    await this.tail;
    const { scan, sha256 } = await this.digest.end();
    if (!scan.complete || !scan.format) throw new IncompleteCaptureError(scan.problem ?? 'unknown format', scan);
    // A header without packets is a valid file that only looks like a result: not kept unless asked.
    if (scan.packetCount === 0 && options.keepEmpty !== true) throw new NoPacketsError(scan);
    return this.finish(scan, sha256, this.written);
  }

  /**
   * Call after a download was stopped early on purpose (the user ended a live capture) and the
   * writer ended: keeps every complete packet. The bytes after the last complete packet record
   * (or pcapng block) are cut off, the kept bytes are scanned and hashed again from the disk (the
   * running hash covered the cut-off bytes too), and the file is committed like commit(). Throws
   * IncompleteCaptureError when not one complete packet arrived or the bytes are not a capture,
   * and the write error after a failed write; call discard() then.
   */
  async commitCompletePackets(): Promise<CommittedCapture> {
    if (this.state !== 'open') throw new Error(`capture writer already ${this.state}`);
    if (this.errored) throw this.errored;
    await this.tail;
    const digested = await this.digest.end();
    let { scan, sha256 } = digested;
    const received = this.written;
    if (!scan.complete) {
      if (scan.corrupt || !scan.format) throw new IncompleteCaptureError(scan.problem ?? 'unknown format', scan);
      await this.syncing;
      if (this.syncError) throw this.syncError;
      await this.closeSink();
      const fh = await fs.open(this.partPath, 'r+');
      try {
        await fh.truncate(scan.completeBytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      ({ scan, sha256 } = await digestFile(this.partPath));
      if (!scan.complete || !scan.format) throw new IncompleteCaptureError(scan.problem ?? 'unknown format', scan);
    }
    if (scan.packetCount === 0) throw new IncompleteCaptureError('not one complete packet was received', scan);
    const capture = await this.finish(scan, sha256, scan.bytes);
    capture.receivedBytes = received;
    return capture;
  }

  /** Flushes the (complete) file to disk and links it to a free final name. */
  private async finish(scan: ScanResult, sha256: string, size: number): Promise<CommittedCapture> {
    const format = scan.format!;
    await this.syncing;
    if (this.syncError) throw this.syncError;
    if (!this.sinkClosed) {
      await this.sink.sync();
      await this.closeSink();
    }
    const { stem } = splitName(this.reserved);
    const final = await this.linkToFreeName(stem, format);
    await fs.unlink(this.partPath).catch(() => undefined);
    this.state = 'committed';
    const result: CommittedCapture = {
      path: final,
      format,
      size,
      packetCount: scan.packetCount,
      sha256,
      linkTypes: scan.linkTypes,
      scan,
    };
    if (scan.firstTimestampNs !== undefined) result.firstPacketTime = isoFromNs(scan.firstTimestampNs);
    if (scan.lastTimestampNs !== undefined) result.lastPacketTime = isoFromNs(scan.lastTimestampNs);
    return result;
  }

  /** After a failure or cancel: closes and deletes the partial file (or keeps it when asked). */
  async discard(): Promise<PartialOutcome> {
    if (this.state === 'committed') throw new Error('capture already committed');
    this.discarded ??= this.runDiscard();
    return this.discarded;
  }

  private async runDiscard(): Promise<PartialOutcome> {
    this.state = 'discarded';
    if (!this.destroyed) this.destroy();
    this.slotFreed = undefined;
    // Bytes received but still in the slot being filled are written too: a kept file has them,
    // and the counts in the message include them.
    this.flushPartial();
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.tail.catch(() => undefined);
    await this.syncing;
    await this.digest.drained(); // the packet count includes what was written (quick: writes are done)
    this.digest.abort();
    const packets = this.digest.progress.packets;
    const bytes = this.written;
    await this.closeSink().catch(() => undefined);
    const keep = this.options.keepPartial === true && bytes > 0;
    if (!keep) await fs.unlink(this.partPath).catch(() => undefined);
    return this.outcome(keep, bytes, packets);
  }

  private outcome(kept: boolean, bytes: number, packets: number): PartialOutcome {
    const what = `${formatBytes(bytes)}, ${packets} packet${packets === 1 ? '' : 's'}`;
    const message = kept
      ? `The partial download (${what}) was kept as ${path.basename(this.partPath)}; it is not a complete capture.`
      : bytes > 0
        ? `The partial download (${what}) was deleted; no capture file was created.`
        : 'Nothing was received; no capture file was created.';
    return { partPath: this.partPath, kept, bytes, packets, message };
  }

  private async closeSink(): Promise<void> {
    if (this.sinkClosed) return;
    this.sinkClosed = true;
    await this.sink.close();
  }

  /** Hard-links the part to the first free final name (link fails instead of overwriting). */
  private async linkToFreeName(stem: string, ext: CaptureFormat): Promise<string> {
    const safeStem = sanitizeBaseName(stem);
    for (let n = 0; n < 10_000; n++) {
      const final = insideFolder(this.options.folder, candidateName(safeStem, ext, n));
      if (await exists(`${final}.json`)) continue;
      if (final !== this.reserved && (await exists(`${final}.part`))) continue;
      try {
        await fs.link(this.partPath, final);
        return final;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (code === 'EEXIST') continue;
        if (!LINK_UNSUPPORTED.has(code)) throw err;
        // File systems without hard links: check, then rename (a tiny window remains).
        if (await exists(final)) continue;
        await fs.rename(this.partPath, final);
        return final;
      }
    }
    throw new Error(`no free file name for ${safeStem}.${ext}`);
  }
}

/** Scans and hashes a file from the disk (a capture cut short on purpose). */
async function digestFile(filePath: string): Promise<DigestResult> {
  const core = new DigestCore();
  try {
    for await (const chunk of createReadStream(filePath, { highWaterMark: 1024 * 1024 })) core.update(chunk as Buffer);
  } catch (err) {
    if ((err as Error).name !== 'CaptureFormatError') throw err;
    // The scan reports the framing error as its problem.
  }
  return core.finish();
}
