// The LIVE_STREAM framing of npm.packet_export: every message is
//   magic (2 bytes, 0xF0CA) | type (2 bytes) | data length (4 bytes) | data
// big-endian (network order). DATA carries pcap bytes in the configured output format, NODATA is a
// keepalive, EOF ends the stream, ERROR carries a text and the connection closes.
// Pure: used by the pcap downloader (parsing) and by the simulator (encoding).
import { Transform, type TransformCallback } from 'node:stream';

export const LIVE_STREAM_MAGIC = 0xf0ca;
export const LIVE_STREAM_HEADER_BYTES = 8;

export enum LiveStreamType {
  DATA = 0,
  EOF = 1,
  NODATA = 2,
  ERROR = 3,
}

export interface LiveStreamFrame {
  type: LiveStreamType;
  data: Buffer;
}

export class LiveStreamProtocolError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`LIVE_STREAM: ${message} at byte ${offset}`);
    this.name = 'LiveStreamProtocolError';
  }
}

/** The device ended the stream with an ERROR frame. */
export class LiveStreamRemoteError extends Error {
  constructor(readonly text: string) {
    super(`LIVE_STREAM: the device reported an error: ${text}`);
    this.name = 'LiveStreamRemoteError';
  }
}

/** One encoded frame (header + data). */
export function encodeLiveStreamFrame(type: LiveStreamType, data: Uint8Array = Buffer.alloc(0)): Buffer {
  const header = Buffer.allocUnsafe(LIVE_STREAM_HEADER_BYTES);
  header.writeUInt16BE(LIVE_STREAM_MAGIC, 0);
  header.writeUInt16BE(type, 2);
  header.writeUInt32BE(data.length, 4);
  return data.length ? Buffer.concat([header, data]) : header;
}

export interface LiveStreamParserOptions {
  /** Refuse frames larger than this (default 64 MiB): a corrupt length must not exhaust memory. */
  maxFrameBytes?: number;
}

/**
 * Incremental frame parser: feed it any chunking of the byte stream, it returns complete frames.
 * Shared by the Transform below and by callers that hold their own loop.
 */
export class LiveStreamParser {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private consumed = 0;
  private ended = false;
  private readonly maxFrameBytes: number;

  constructor(options: LiveStreamParserOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? 64 * 1024 * 1024;
  }

  /** True once an EOF or ERROR frame was parsed. */
  get done(): boolean {
    return this.ended;
  }

  /** Bytes waiting for the rest of their frame. */
  get buffered(): number {
    return this.pendingBytes;
  }

  push(chunk: Uint8Array): LiveStreamFrame[] {
    if (chunk.length) {
      this.pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
      this.pendingBytes += chunk.length;
    }
    const frames: LiveStreamFrame[] = [];
    while (!this.ended && this.pendingBytes >= LIVE_STREAM_HEADER_BYTES) {
      const head = this.peek(LIVE_STREAM_HEADER_BYTES);
      const magic = head.readUInt16BE(0);
      if (magic !== LIVE_STREAM_MAGIC) throw new LiveStreamProtocolError(`bad magic 0x${magic.toString(16)}`, this.consumed);
      const type = head.readUInt16BE(2);
      if (type > LiveStreamType.ERROR) throw new LiveStreamProtocolError(`unknown frame type ${type}`, this.consumed + 2);
      const length = head.readUInt32BE(4);
      if (length > this.maxFrameBytes) throw new LiveStreamProtocolError(`frame of ${length} bytes exceeds ${this.maxFrameBytes}`, this.consumed + 4);
      if (this.pendingBytes < LIVE_STREAM_HEADER_BYTES + length) break;
      this.take(LIVE_STREAM_HEADER_BYTES);
      const data = this.take(length);
      frames.push({ type, data });
      if (type === LiveStreamType.EOF || type === LiveStreamType.ERROR) this.ended = true;
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if (this.pending[0].length >= n) return this.pending[0].subarray(0, n);
    const joined = Buffer.concat(this.pending);
    this.pending = [joined];
    return joined.subarray(0, n);
  }

  private take(n: number): Buffer {
    this.consumed += n;
    this.pendingBytes -= n;
    if (n === 0) return Buffer.alloc(0);
    const first = this.pending[0];
    if (first.length > n) {
      this.pending[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    if (first.length === n) {
      this.pending.shift();
      return first;
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const head = this.pending[0];
      const part = Math.min(head.length, n - at);
      head.copy(out, at, 0, part);
      at += part;
      if (part === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(part);
    }
    return out;
  }
}

export interface LiveStreamDecoderOptions extends LiveStreamParserOptions {
  /** Called for every frame (keepalives included), e.g. to show liveness. */
  onFrame?: (type: LiveStreamType, length: number) => void;
}

/**
 * Transform: LIVE_STREAM bytes in, the DATA payloads (the pcap stream) out, with backpressure.
 * NODATA frames are dropped; EOF ends the output; an ERROR frame fails the stream with
 * LiveStreamRemoteError; a stream that ends without EOF fails with LiveStreamProtocolError.
 */
export class LiveStreamDecoder extends Transform {
  private readonly parser: LiveStreamParser;
  private readonly onFrame?: (type: LiveStreamType, length: number) => void;
  private sawEof = false;

  constructor(options: LiveStreamDecoderOptions = {}) {
    super();
    this.parser = new LiveStreamParser(options);
    this.onFrame = options.onFrame;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.parser.done) return callback();
    let frames: LiveStreamFrame[];
    try {
      frames = this.parser.push(chunk);
    } catch (error) {
      return callback(error as Error);
    }
    for (const frame of frames) {
      this.onFrame?.(frame.type, frame.data.length);
      if (frame.type === LiveStreamType.DATA) {
        if (frame.data.length) this.push(frame.data);
      } else if (frame.type === LiveStreamType.ERROR) {
        return callback(new LiveStreamRemoteError(frame.data.toString('utf8') || 'unknown error'));
      } else if (frame.type === LiveStreamType.EOF) {
        this.sawEof = true;
      }
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (!this.sawEof) return callback(new LiveStreamProtocolError('stream ended without an EOF frame', -1));
    callback();
  }
}
