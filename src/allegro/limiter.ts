// A counting semaphore: at most `max` tasks run at once, the rest wait in order.
// The tree puts every request to one device through one limiter so that user expansions,
// Find and Export together never exceed the device's concurrency limit.
import { AbortedError } from '../http/errors';

export class Limiter {
  private active = 0;
  private peakActive = 0;
  private readonly waiting: Array<{ start: () => void; abort: () => void }> = [];

  constructor(readonly max: number, private readonly deviceName = 'device') {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${max}`);
  }

  /** Highest number of tasks that ran at the same time. */
  get peak(): number {
    return this.peakActive;
  }

  get running(): number {
    return this.active;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal, what = ''): Promise<T> {
    await this.acquire(signal, what);
    try {
      if (signal?.aborted) throw new AbortedError(this.deviceName, what);
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal | undefined, what: string): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortedError(this.deviceName, what));
    if (this.active < this.max) {
      this.take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          this.take();
          resolve();
        },
        abort: () => reject(new AbortedError(this.deviceName, what)),
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        entry.abort();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private take(): void {
    this.active++;
    if (this.active > this.peakActive) this.peakActive = this.active;
  }

  private release(): void {
    this.active--;
    const next = this.waiting.shift();
    if (next) next.start();
  }
}
