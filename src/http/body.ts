// A streamed response read straight from undici's parser. Until a sink is attached the body is an
// ordinary Readable with backpressure (what a LIVE_STREAM parser or an error-body reader wants);
// `pipeTo(sink)` then hands every further chunk to the sink as the parser produces it, with no
// stream machinery per chunk: on a 2 GB capture the Readable path costs about as much CPU as TLS.
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { BodySink } from './types';

export interface StreamStart {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: ResponseBody;
}

/** Sends a request whose body is read by a ResponseBody; resolves when the headers arrived. */
export function requestBody(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions & { signal?: AbortSignal },
  /** Makes a transport error typed (device, path, timeouts). */
  typed: (error: Error) => Error,
): Promise<StreamStart> {
  return new Promise((resolve, reject) => {
    const { signal, ...dispatch } = options;
    dispatcher.dispatch(dispatch, new BodyHandler(resolve, reject, typed, signal));
  });
}

/** Undici's handler for one streamed request: feeds the ResponseBody, or the attached sink. */
class BodyHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private body: ResponseBody | undefined;
  private readonly onAbort = () => this.controller?.abort(this.signal?.reason ?? new Error('aborted'));

  constructor(
    private readonly started: (start: StreamStart) => void,
    private readonly failedToStart: (error: Error) => void,
    private readonly typed: (error: Error) => Error,
    private readonly signal: AbortSignal | undefined,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (!this.signal) return;
    if (this.signal.aborted) this.onAbort();
    else this.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // informational (100 Continue): the final answer follows
    this.body = new ResponseBody(controller, this.typed);
    this.started({ statusCode, headers, body: this.body });
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.body?.deliver(chunk);
  }

  onResponseEnd(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    this.body?.complete();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    if (this.body) this.body.fail(error);
    else this.failedToStart(error);
  }
}

/** The body of a streamed response: a Readable, or (after pipeTo) a direct feed into a sink. */
export class ResponseBody extends Readable {
  private sink: BodySink | undefined;
  private attaching = false;
  /** The transfer is over: completed or failed. */
  private over = false;
  private completed = false;
  private piped: { resolve(): void; reject(error: Error): void } | undefined;

  constructor(
    private readonly controller: Dispatcher.DispatchController,
    private readonly typed: (error: Error) => Error,
  ) {
    super({ highWaterMark: 64 * 1024 });
  }

  /**
   * Hands the rest of the body (and whatever this stream buffered) to `sink`, straight from the
   * parser. Resolves when the body ended completely; rejects with a typed error when the transfer
   * fails, or with the error of `destroy(error)`. Destroy the body to abort the transfer.
   */
  pipeTo(sink: BodySink): Promise<void> {
    if (this.sink || this.attaching) return Promise.reject(new Error('the body is already piped'));
    if (this.readableFlowing) return Promise.reject(new Error('the body is already being read'));
    if (this.errored) return Promise.reject(this.errored);
    if (this.destroyed) return Promise.reject(new Error('the body was closed before it was read'));
    // Failures are reported by the promise, not as 'error' events nobody listens to.
    this.on('error', ignore);
    return new Promise<void>((resolve, reject) => {
      this.piped = { resolve, reject };
      // What the Readable holds goes first; no data can arrive meanwhile (the parser only runs
      // from the event loop or from resume(), which _read does not call while attaching).
      this.attaching = true;
      const buffered = this.readableLength > 0 ? (this.read() as Buffer | null) : null;
      this.attaching = false;
      this.sink = sink;
      if (buffered) this.offer(buffered);
      this.proceed();
    });
  }

  /** A chunk from the parser. */
  deliver(chunk: Buffer): void {
    if (this.sink) {
      this.offer(chunk);
    } else if (!this.push(chunk)) {
      this.controller.pause();
    }
  }

  /** The body ended completely. */
  complete(): void {
    this.over = true;
    this.completed = true;
    if (this.sink) this.proceed();
    else if (!this.attaching) this.push(null);
  }

  /** The transfer failed (reset, timeout, abort). */
  fail(error: Error): void {
    this.over = true;
    const failure = this.typed(error);
    if (this.piped) {
      const { reject } = this.piped;
      this.piped = undefined;
      this.destroy();
      reject(failure);
    } else {
      // Stored as `errored` for whoever reads later (a pipeline, an iterator), never uncaught
      // when nobody reads yet: the capture file may still be being created.
      this.on('error', ignore);
      this.destroy(failure);
    }
  }

  override _read(): void {
    if (!this.attaching) this.controller.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The caller's own error (a full disk, a framing error) is what pipeTo reports: settle it
    // before the abort below reaches fail(), which would report it as a network error.
    const piped = this.piped;
    this.piped = undefined;
    piped?.reject(error ?? new Error('the response body was closed before it ended'));
    // A consumer's destroy aborts the transfer (a no-op once it completed or failed).
    if (!this.over && !this.controller.aborted) this.controller.abort(error ?? new Error('the response body was closed'));
    callback(error);
  }

  /** Chunks that arrived while the sink waited (the parser stops at the next chunk, not at once). */
  private readonly held: Buffer[] = [];
  private waiting = false;

  /** Gives a chunk to the sink, or holds it while the sink waits; pauses the parser then. */
  private offer(chunk: Buffer): void {
    if (this.waiting) {
      this.held.push(chunk);
      this.controller.pause();
      return;
    }
    try {
      if (this.sink!.write(chunk)) return;
      this.waiting = true;
      this.controller.pause();
      this.sink!.wait(this.resumeSink);
    } catch (error) {
      this.destroy(error as Error);
    }
  }

  /** The sink can take more: held chunks first, then the end or the parser. */
  private readonly resumeSink = (): void => {
    if (!this.waiting || this.destroyed) return;
    this.waiting = false;
    while (this.held.length > 0 && !this.waiting && !this.destroyed) this.offer(this.held.shift()!);
    this.proceed();
  };

  /** After the sink took everything offered: finish when the body is complete, else read on. */
  private proceed(): void {
    if (this.waiting || this.destroyed) return;
    if (this.completed) this.finish();
    else this.controller.resume();
  }

  private finish(): void {
    const piped = this.piped;
    this.piped = undefined;
    this.destroy(); // 'close': the concurrency slot is released
    piped?.resolve();
  }
}

function ignore(): void {}
