// Streams a capture to disk: `name.pcap.part` while bytes arrive (validated, counted and hashed
// on the way, with backpressure), then `commit()` renames it to its final, never-overwriting
// name only when the source ended correctly and the bytes are a complete pcap/pcapng; otherwise
// `discard()` removes (or, on request, keeps) the partial file and says which.
import { createHash, type Hash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { CaptureScanner, type CaptureFormat, type ScanResult } from './scanner';
import { candidateName, exists, firstFreeName, insideFolder, sanitizeBaseName, splitName } from './naming';
import { formatBytes, isoFromNs } from './summary';

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
  /** Called after each chunk is written, with its size (progress accounting). */
  onBytes?: (n: number) => void;
}

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

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EINVAL']);

export class CaptureFileWriter extends Writable {
  private readonly scanner = new CaptureScanner();
  private readonly hash: Hash = createHash('sha256');
  private inflight: Promise<void> = Promise.resolve();
  private state: 'open' | 'committed' | 'discarded' = 'open';
  private written = 0;
  private sinkClosed = false;

  private constructor(
    readonly partPath: string,
    private readonly reserved: string,
    private readonly sink: FileSink,
    private readonly options: CaptureWriterOptions,
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  /** Reserves a free name (`stem.pcap.part`, exclusive create) in the folder. */
  static async create(options: CaptureWriterOptions): Promise<CaptureFileWriter> {
    const open = options.openSink ?? openFileSink;
    const ext = options.extension ?? 'pcap';
    await fs.mkdir(options.folder, { recursive: true });
    for (let attempt = 0; attempt < 100; attempt++) {
      const reserved = await firstFreeName(options.folder, options.stem, ext);
      const partPath = `${reserved}.part`;
      try {
        const sink = await open(partPath);
        return new CaptureFileWriter(partPath, reserved, sink, options);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        // Someone took the name between the check and the create: try the next one.
      }
    }
    throw new Error(`could not reserve a file name for ${options.stem} in ${options.folder}`);
  }

  get bytesWritten(): number {
    return this.written;
  }

  get packetsSeen(): number {
    return this.scanner.packetsSeen;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this._writev([{ chunk }], cb);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    const bufs = chunks.map((c) => c.chunk);
    try {
      for (const b of bufs) {
        this.scanner.push(b); // throws on bytes that cannot be a capture (e.g. an HTML error page)
        this.hash.update(b);
      }
    } catch (err) {
      cb(err as Error);
      return;
    }
    const p = this.sink.write(bufs).then(() => {
      let n = 0;
      for (const b of bufs) n += b.length;
      this.written += n;
      this.options.onBytes?.(n);
    });
    this.inflight = p.catch(() => undefined);
    p.then(() => cb(), (err: Error) => cb(err));
  }

  /**
   * Call after the source ended correctly (pipeline resolved, EOF frame seen). Validates the
   * capture, flushes it to disk and renames it to a free final name. Throws
   * IncompleteCaptureError when the bytes are not a complete capture; call discard() then.
   */
  async commit(): Promise<CommittedCapture> {
    if (this.state !== 'open') throw new Error(`capture writer already ${this.state}`);
    await this.inflight;
    const scan = this.scanner.end();
    if (!scan.complete || !scan.format) throw new IncompleteCaptureError(scan.problem ?? 'unknown format', scan);
    await this.sink.sync();
    await this.closeSink();
    const { stem } = splitName(this.reserved);
    const final = await this.linkToFreeName(stem, scan.format);
    await fs.unlink(this.partPath).catch(() => undefined);
    this.state = 'committed';
    const result: CommittedCapture = {
      path: final,
      format: scan.format,
      size: this.written,
      packetCount: scan.packetCount,
      sha256: this.hash.digest('hex'),
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
    if (!this.destroyed) this.destroy();
    await this.inflight;
    const packets = this.scanner.packetsSeen;
    const bytes = this.written;
    if (this.state === 'discarded') return this.outcome(this.options.keepPartial === true && bytes > 0, bytes, packets);
    this.state = 'discarded';
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

