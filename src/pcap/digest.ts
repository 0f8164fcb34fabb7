// What the capture writer learns from the bytes it saves: the framing check (CaptureScanner:
// format, packet count, first/last time, "is it complete?") and the SHA-256 for the sidecar.
// Both cost CPU per byte (SHA-256 alone about 1 s/GB), so for a big download they run on a
// worker thread, beside the thread that receives the bytes; small captures, and hosts where a
// worker cannot start, digest on the calling thread. Either way the result is the same.
import { createHash, type Hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CaptureFormatError, CaptureScanner, type ScanResult } from './scanner';

export interface DigestResult {
  scan: ScanResult;
  sha256: string;
}

/** Progress as the digest sees it (it may lag the bytes received by a batch or two). */
export interface DigestProgress {
  bytes: number;
  packets: number;
}

export interface CaptureDigest {
  /** Where the digest runs. */
  readonly kind: 'worker' | 'inline';
  /**
   * Digests `length` bytes at `offset` of the shared batch memory, in file order; `release` is
   * called once those bytes are no longer needed (the writer reuses their slot).
   */
  push(offset: number, length: number, release: () => void): void;
  /** Resolves when every byte pushed so far is digested (or the digest failed). */
  drained(): Promise<void>;
  readonly progress: DigestProgress;
  /** The first framing error (e.g. an HTML page instead of a pcap), once it is known. */
  readonly failure: Promise<Error>;
  /** No more bytes: the scan result and the hash. Rejects if the digest itself failed. */
  end(): Promise<DigestResult>;
  /** Stops digesting (a failed or cancelled download); pending releases still happen. */
  abort(): void;
}

/** Scanner plus hash in one object: what both the inline digest and the worker run. */
export class DigestCore {
  private readonly scanner = new CaptureScanner();
  private readonly hash: Hash = createHash('sha256');
  /** Feeds bytes; throws CaptureFormatError on bytes that cannot be a capture. */
  update(bytes: Uint8Array): void {
    this.scanner.push(bytes);
    this.hash.update(bytes);
  }
  get packets(): number {
    return this.scanner.packetsSeen;
  }
  get bytes(): number {
    return this.scanner.bytesSeen;
  }
  finish(): DigestResult {
    return { scan: this.scanner.end(), sha256: this.hash.digest('hex') };
  }
}

/** Digests on the calling thread, synchronously (small captures, or no worker available). */
export class InlineDigest implements CaptureDigest {
  readonly kind = 'inline';
  private readonly core = new DigestCore();
  private error: Error | undefined;
  private failed!: (err: Error) => void;
  readonly failure = new Promise<Error>((resolve) => (this.failed = resolve));

  constructor(private readonly memory: SharedArrayBuffer) {}

  push(offset: number, length: number, release: () => void): void {
    try {
      if (!this.error) this.core.update(new Uint8Array(this.memory, offset, length));
    } catch (err) {
      this.error = err as Error;
      this.failed(this.error);
    } finally {
      release();
    }
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  get progress(): DigestProgress {
    return { bytes: this.core.bytes, packets: this.core.packets };
  }
  end(): Promise<DigestResult> {
    // A framing error is not a digest failure: the scan result carries it as `problem`.
    return Promise.resolve(this.core.finish());
  }
  abort(): void {}
}

// ---- the worker side of the protocol ----

export type ToWorker =
  | { t: 'open'; id: number; memory: SharedArrayBuffer }
  | { t: 'data'; id: number; offset: number; length: number }
  | { t: 'end'; id: number }
  | { t: 'abort'; id: number };

export type FromWorker =
  | { t: 'ready' }
  | { t: 'ack'; id: number; bytes: number; packets: number }
  | { t: 'format'; id: number; message: string; offset: number }
  | { t: 'done'; id: number; result: DigestResult }
  | { t: 'failed'; id: number; message: string };

/** Where the worker script is: beside the bundle (dist/digestWorker.js) or the source (tsx). */
export function digestWorkerScript(dir: string = __dirname): string | undefined {
  for (const name of ['digestWorker.js', 'digestWorker.ts']) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The bundled script runs as is; the TypeScript source (tests, benches under tsx) through tsx. */
function startWorker(script: string): Worker {
  const options = { name: 'probe-explorer capture digest', stdout: false, stderr: false };
  if (!script.endsWith('.ts')) return new Worker(script, options);
  const loader = createRequire(script).resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(loader)}); require(${JSON.stringify(script)});`, { ...options, eval: true });
}

/** How long a new worker may take to say it is ready (it loads one small script). */
const WORKER_START_MS = 10_000;

interface Pending {
  onMessage(message: FromWorker): void;
  onWorkerGone(error: Error): void;
}

/**
 * One long-lived worker shared by every download (threads are not free to start). It keeps the
 * process alive only while a digest is open.
 */
class DigestWorkerHost {
  private worker: Worker | undefined;
  private ready: Promise<boolean> | undefined;
  private readonly open = new Map<number, Pending>();
  private nextId = 1;
  private broken = false;

  constructor(readonly script: string, private readonly startMs = WORKER_START_MS) {}

  /** Starts the worker (once); false when it cannot run here. */
  start(): Promise<boolean> {
    if (this.broken) return Promise.resolve(false);
    if (this.ready) return this.ready;
    this.ready = new Promise<boolean>((resolve) => {
      let worker: Worker;
      try {
        worker = startWorker(this.script);
      } catch {
        this.broken = true;
        resolve(false);
        return;
      }
      this.worker = worker;
      worker.unref();
      let started = false;
      // A worker that loads but never answers must not hold up the download: digest inline.
      const startup = setTimeout(() => {
        if (started) return;
        this.broken = true;
        resolve(false);
        void worker.terminate();
      }, this.startMs);
      startup.unref();
      worker.on('message', (message: FromWorker) => {
        if (message.t === 'ready') {
          clearTimeout(startup);
          started = true;
          resolve(true);
          return;
        }
        this.open.get(message.id)?.onMessage(message);
      });
      const gone = (error: Error) => {
        // A worker that never started cannot run here (e.g. no loader for its script): digest
        // inline from now on. One that died later is started again for the next download.
        clearTimeout(startup);
        if (!started) this.broken = true;
        resolve(false);
        if (this.worker !== worker) return;
        this.worker = undefined;
        this.ready = undefined;
        const open = [...this.open.values()];
        this.open.clear();
        for (const pending of open) pending.onWorkerGone(error);
      };
      worker.on('error', (err) => gone(new Error(`the capture digest worker failed: ${err.message}`)));
      worker.on('exit', (code) => gone(new Error(`the capture digest worker stopped (exit code ${code})`)));
    });
    return this.ready;
  }

  attach(pending: Pending, memory: SharedArrayBuffer): number {
    const id = this.nextId++;
    this.open.set(id, pending);
    if (this.open.size === 1) this.worker?.ref();
    this.post({ t: 'open', id, memory });
    return id;
  }

  detach(id: number): void {
    if (!this.open.delete(id)) return;
    if (this.open.size === 0) this.worker?.unref();
  }

  post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  /** Stops the thread; digests still open fail (the 'exit' handler tells them). */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }
}

/** Digests on the shared worker, which reads the batches in place from the shared memory. */
class WorkerDigest implements CaptureDigest {
  readonly kind = 'worker';
  private readonly id: number;
  /** Releases of the batches sent, in order (the worker acknowledges them in order). */
  private readonly releases: Array<() => void> = [];
  private seen: DigestProgress = { bytes: 0, packets: 0 };
  private idle: Array<() => void> = [];
  private result: { resolve: (r: DigestResult) => void; reject: (e: Error) => void } | undefined;
  private error: Error | undefined;
  private failed!: (err: Error) => void;
  readonly failure = new Promise<Error>((resolve) => (this.failed = resolve));
  private ended = false;

  constructor(private readonly host: DigestWorkerHost, memory: SharedArrayBuffer) {
    this.id = host.attach({ onMessage: (m) => this.onMessage(m), onWorkerGone: (e) => this.fail(e) }, memory);
  }

  get progress(): DigestProgress {
    return this.seen;
  }

  push(offset: number, length: number, release: () => void): void {
    if (this.error || this.ended) {
      release();
      return;
    }
    this.releases.push(release);
    this.host.post({ t: 'data', id: this.id, offset, length });
  }

  drained(): Promise<void> {
    if (this.releases.length === 0 || this.error) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  end(): Promise<DigestResult> {
    if (this.error) return Promise.reject(this.error);
    this.ended = true;
    return new Promise<DigestResult>((resolve, reject) => {
      this.result = { resolve, reject };
      this.host.post({ t: 'end', id: this.id });
    });
  }

  abort(): void {
    if (this.error) return;
    this.host.post({ t: 'abort', id: this.id });
    this.host.detach(this.id);
    this.error = new Error('digest aborted');
    this.releaseAll();
  }

  private onMessage(message: FromWorker): void {
    switch (message.t) {
      case 'ack':
        this.seen = { bytes: message.bytes, packets: message.packets };
        this.releases.shift()?.();
        if (this.releases.length === 0) this.wakeIdle();
        return;
      case 'format':
        // Not fatal for the digest: end() still reports the scan, with this as its problem.
        this.failed(new CaptureFormatError(message.message.replace(/ \(at byte \d+\)$/, ''), message.offset));
        return;
      case 'done':
        this.host.detach(this.id);
        this.result?.resolve(message.result);
        return;
      case 'failed':
        this.fail(new Error(message.message));
        return;
    }
  }

  private fail(error: Error): void {
    if (this.error) return;
    this.error = error;
    this.host.detach(this.id);
    this.failed(error);
    this.result?.reject(error);
    this.releaseAll();
  }

  private releaseAll(): void {
    for (const release of this.releases.splice(0)) release();
    this.wakeIdle();
  }

  private wakeIdle(): void {
    for (const wake of this.idle.splice(0)) wake();
  }
}

let sharedHost: DigestWorkerHost | undefined;

export interface DigestOptions {
  /** Digest on the calling thread (tests; tiny files). */
  inline?: boolean;
  /** The worker script (default: found beside this module). */
  workerScript?: string;
  /** How long a new worker may take to start before the digest runs inline (default 10 s). */
  workerStartMs?: number;
}

/**
 * A digest for one capture, reading its bytes from `memory` (the writer's batch slots): on the
 * shared worker when it can run, else inline.
 */
export async function createCaptureDigest(memory: SharedArrayBuffer, options: DigestOptions = {}): Promise<CaptureDigest> {
  if (options.inline) return new InlineDigest(memory);
  const script = options.workerScript ?? digestWorkerScript();
  if (!script) return new InlineDigest(memory);
  if (!sharedHost || sharedHost.script !== script) {
    void sharedHost?.terminate(); // another script (tests): the old thread goes
    sharedHost = new DigestWorkerHost(script, options.workerStartMs);
  }
  const host = sharedHost;
  return (await host.start()) ? new WorkerDigest(host, memory) : new InlineDigest(memory);
}

/** Stops the shared worker (tests; extension deactivation). */
export async function stopDigestWorker(): Promise<void> {
  const host = sharedHost;
  sharedHost = undefined;
  await host?.terminate();
}
