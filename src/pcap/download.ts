// One download, start to finish: a source stream piped with backpressure into a
// CaptureFileWriter, committed only when the source ended correctly, the sidecar written
// beside it; on any failure or cancel the partial file is discarded and the error says so.
// A live capture the user stops ("Stop and keep") ends the transfer early instead and keeps
// every complete packet received until then.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StreamResponse } from '../http/types';
import { CaptureFileWriter, IncompleteCaptureError, NoPacketsError, type CaptureWriterOptions, type CommittedCapture, type PartialOutcome } from './writer';
import { writeSidecar, type CaptureSidecar } from './sidecar';

export class CaptureDownloadError extends Error {
  constructor(
    message: string,
    /** What happened to the partial file (undefined when nothing was reserved yet). */
    readonly partial: PartialOutcome | undefined,
    readonly cancelled: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CaptureDownloadError';
  }
}

/**
 * The device sent a complete capture without one packet, and an empty file was not wanted: no file
 * was kept. `explanation` says why a capture may be empty (set by the capture flows, which know the
 * filter, the time range and the source).
 */
export class EmptyCaptureError extends CaptureDownloadError {
  explanation: string | undefined;

  constructor(partial: PartialOutcome | undefined, options?: { cause?: unknown }) {
    super('The capture holds no packets; no file was kept.', partial, false, options);
    this.name = 'EmptyCaptureError';
  }

  /** Says why (likely reasons first) and keeps "no file was kept". */
  explain(explanation: string): this {
    this.explanation = explanation;
    this.message = `${explanation} No file was kept.`;
    return this;
  }
}

export interface SavedCapture {
  capture: CommittedCapture;
  sidecarPath: string;
  sidecar: CaptureSidecar;
}

export interface SaveCaptureOptions {
  writer: CaptureWriterOptions;
  /** Cancel: the transfer is aborted and nothing that looks complete is left. */
  signal?: AbortSignal;
  /**
   * Stop and keep (live captures): the transfer is ended early, every complete packet received
   * is kept (the incomplete last one cut off) and committed, with `stoppedEarly` in the capture.
   */
  stop?: AbortSignal;
  /** Builds the sidecar once the capture is committed. */
  sidecar: (capture: CommittedCapture) => CaptureSidecar;
  /**
   * Keep a capture that holds no packet (a valid header only). By default it is not kept: the
   * download fails with EmptyCaptureError and leaves no file.
   */
  keepEmpty?: boolean;
}

/**
 * Streams `source` into `name.pcap.part`, commits and writes the sidecar. `source` is an HTTP
 * response (its body is fed to the file straight from the parser when the client offers that) or
 * a stream; it must end only when the transfer completed (an HTTP body errors on reset; a
 * LIVE_STREAM parser errors when no EOF frame came).
 */
export async function saveCaptureStream(source: Readable | StreamResponse, options: SaveCaptureOptions): Promise<SavedCapture> {
  const stream = source instanceof Readable ? source : source.body;
  // The source may fail while the file is being created: keep that error for the pipeline
  // (which reports a stream's stored error) instead of letting it escape as an uncaught event.
  const early = () => undefined;
  stream.on('error', early);
  let writer: CaptureFileWriter;
  try {
    writer = await CaptureFileWriter.create(options.writer);
  } catch (err) {
    stream.destroy();
    throw new CaptureDownloadError(`could not create the capture file: ${(err as Error).message}`, undefined, false, { cause: err });
  }
  let capture: CommittedCapture;
  let stopped = false;
  try {
    stream.off('error', early);
    if (!(source instanceof Readable) && source.pipeTo) {
      stopped = await feed(source as Required<StreamResponse>, writer, options.signal, options.stop);
    } else {
      const gate = options.stop ? new StopGate(stream, options.stop) : undefined;
      await pipeline(gate ?? stream, writer, ...(options.signal ? [{ signal: options.signal }] : []));
      stopped = gate?.stopped === true;
    }
    if (stopped) {
      const at = new Date().toISOString();
      capture = await writer.commitCompletePackets();
      capture.stoppedEarly = { by: 'user', at, receivedBytes: capture.receivedBytes ?? capture.size, droppedBytes: (capture.receivedBytes ?? capture.size) - capture.size };
    } else {
      capture = await writer.commit({ keepEmpty: options.keepEmpty === true });
    }
  } catch (err) {
    const partial = await writer.discard();
    if (err instanceof NoPacketsError) throw new EmptyCaptureError(partial, { cause: err });
    const cancelled = options.signal?.aborted === true;
    const why = cancelled ? 'cancelled'
      : stopped ? `stopped with nothing to keep: ${err instanceof IncompleteCaptureError ? err.problem : (err as Error).message}`
      : err instanceof IncompleteCaptureError ? `incomplete: ${err.problem}` : `failed: ${(err as Error).message}`;
    throw new CaptureDownloadError(`Download ${why}. ${partial.message}`, partial, cancelled || stopped, { cause: err });
  }
  const sidecar = options.sidecar(capture);
  try {
    const sidecarPath = await writeSidecar(capture.path, sidecar);
    return { capture, sidecarPath, sidecar };
  } catch (err) {
    throw new CaptureDownloadError(`The capture was saved as ${capture.path}, but its metadata file could not be written: ${(err as Error).message}`, undefined, false, { cause: err });
  }
}

/**
 * Feeds an HTTP body into the writer straight from the parser; settles once every byte is
 * written and digested. A failed writer (disk, framing) or a cancel aborts the transfer. A stop
 * aborts it too, but ends the writer with what it took: resolves true then (false when the body
 * ended by itself first).
 */
function feed(response: Required<StreamResponse>, writer: CaptureFileWriter, signal: AbortSignal | undefined, stop: AbortSignal | undefined): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    let stopped = false;
    let ended = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      writer.off('error', settle);
      writer.off('finish', done);
      signal?.removeEventListener('abort', cancel);
      stop?.removeEventListener('abort', halt);
      if (!err) return resolve(stopped);
      response.body.destroy(); // aborts the transfer if it is still running
      reject(err);
    };
    const done = () => settle();
    const cancel = () => settle(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
    const end = () => {
      if (ended) return;
      ended = true;
      writer.end();
    };
    // The chunks the writer took stay; the transfer stops, and its abort is not a failure.
    const halt = () => {
      if (settled || ended) return;
      stopped = true;
      response.body.destroy();
    };
    writer.once('error', settle);
    writer.once('finish', done);
    if (signal?.aborted) return cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    stop?.addEventListener('abort', halt, { once: true });
    response.pipeTo(writer.feed).then(end, (err: Error) => (stopped ? end() : settle(err)));
    if (stop?.aborted) halt();
  });
}

/**
 * Passes a stream through until `stop` fires; then it forwards what the stream already holds,
 * ends normally (so the writer finishes instead of failing) and destroys the stream, whose
 * error after the stop does not count. `stopped` says whether the stop cut the stream short.
 */
export class StopGate extends Readable {
  stopped = false;

  constructor(private readonly source: Readable, private readonly stop: AbortSignal) {
    super({ highWaterMark: 64 * 1024 });
    source.on('data', this.onData);
    source.once('end', this.onEnd);
    source.on('error', this.onError);
    if (stop.aborted) queueMicrotask(this.halt);
    else stop.addEventListener('abort', this.halt, { once: true });
  }

  private readonly onData = (chunk: Buffer) => {
    if (!this.push(chunk)) this.source.pause();
  };

  private readonly onEnd = () => {
    this.stop.removeEventListener('abort', this.halt);
    this.push(null);
  };

  private readonly onError = (err: Error) => {
    if (!this.stopped) this.destroy(err);
  };

  private readonly halt = () => {
    if (this.stopped || this.readableEnded || this.destroyed || this.source.readableEnded) return;
    this.stopped = true;
    this.source.off('data', this.onData);
    this.source.off('end', this.onEnd);
    this.source.pause();
    // What the stream already decoded and holds is part of what was received: keep it.
    for (let chunk = this.source.read() as Buffer | null; chunk !== null; chunk = this.source.read() as Buffer | null) this.push(chunk);
    this.push(null);
    this.source.destroy();
  };

  override _read(): void {
    if (!this.stopped) this.source.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stop.removeEventListener('abort', this.halt);
    if (!this.stopped) this.source.destroy(error ?? undefined);
    callback(error);
  }
}

/** Why a failure happened, for a user: the cancel, the device error, and the partial file. */
export function describeFailure(err: unknown): string {
  if (err instanceof CaptureDownloadError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
