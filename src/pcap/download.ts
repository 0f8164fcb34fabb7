// One download, start to finish: a source stream piped with backpressure into a
// CaptureFileWriter, committed only when the source ended correctly, the sidecar written
// beside it; on any failure or cancel the partial file is discarded and the error says so.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StreamResponse } from '../http/types';
import { CaptureFileWriter, IncompleteCaptureError, type CaptureWriterOptions, type CommittedCapture, type PartialOutcome } from './writer';
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

export interface SavedCapture {
  capture: CommittedCapture;
  sidecarPath: string;
  sidecar: CaptureSidecar;
}

export interface SaveCaptureOptions {
  writer: CaptureWriterOptions;
  signal?: AbortSignal;
  /** Builds the sidecar once the capture is committed. */
  sidecar: (capture: CommittedCapture) => CaptureSidecar;
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
  try {
    stream.off('error', early);
    if (!(source instanceof Readable) && source.pipeTo) await feed(source as Required<StreamResponse>, writer, options.signal);
    else await pipeline(stream, writer, ...(options.signal ? [{ signal: options.signal }] : []));
    capture = await writer.commit();
  } catch (err) {
    const partial = await writer.discard();
    const cancelled = options.signal?.aborted === true;
    const why = cancelled ? 'cancelled' : err instanceof IncompleteCaptureError ? `incomplete: ${err.problem}` : `failed: ${(err as Error).message}`;
    throw new CaptureDownloadError(`Download ${why}. ${partial.message}`, partial, cancelled, { cause: err });
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
 * written and digested. A failed writer (disk, framing) or a cancel aborts the transfer.
 */
function feed(response: Required<StreamResponse>, writer: CaptureFileWriter, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      writer.off('error', settle);
      writer.off('finish', done);
      signal?.removeEventListener('abort', cancel);
      if (!err) return resolve();
      response.body.destroy(); // aborts the transfer if it is still running
      reject(err);
    };
    const done = () => settle();
    const cancel = () => settle(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
    writer.once('error', settle);
    writer.once('finish', done);
    if (signal?.aborted) return cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    response.pipeTo(writer.feed).then(() => writer.end(), settle);
  });
}

/** Why a failure happened, for a user: the cancel, the device error, and the partial file. */
export function describeFailure(err: unknown): string {
  if (err instanceof CaptureDownloadError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
