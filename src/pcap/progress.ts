// Download progress accounting: bytes, rate, and percent / time left where something bounds
// the transfer (a Content-Length, an export estimate, or a capture end time).
import { formatBytes, formatDuration } from './summary';

export interface ProgressSnapshot {
  bytes: number;
  /** Bytes per second over the recent window (0 until two samples exist). */
  rate: number;
  /** 0..100 when known. */
  percent?: number;
  /** Seconds left when known. */
  etaSeconds?: number;
  elapsedSeconds: number;
  /** Seconds since the last byte arrived, once that is 5 s or more (a quiet device, a live filter that matches nothing yet, a stalled disk). */
  quietSeconds?: number;
  /** Human line for a progress notification: "12.0 MiB at 3.1 MiB/s, 40%, 9 s left". */
  message: string;
}

export interface ProgressBounds {
  /** Exact size (Content-Length) or an estimate (PREPARE estimated_bytes). */
  totalBytes?: number;
  totalIsEstimate?: boolean;
  /** Wall-clock end of a time-bound capture (live N seconds, end time in the future), ms since epoch. */
  endsAtMs?: number;
  startsAtMs?: number;
}

export class ProgressMeter {
  private bytes = 0;
  private readonly samples: Array<[number, number]> = [];
  private readonly started: number;
  private bounds: ProgressBounds;
  /** When the byte count last grew (the start until the first byte). */
  private lastGrowth: number;
  private lastBytes = 0;

  constructor(
    bounds: ProgressBounds = {},
    private readonly now: () => number = Date.now,
    private readonly windowMs = 3000,
  ) {
    this.bounds = { ...bounds };
    this.started = now();
    this.lastGrowth = this.started;
    this.samples.push([this.started, 0]);
  }

  setBounds(bounds: ProgressBounds): void {
    this.bounds = { ...this.bounds, ...bounds };
  }

  add(n: number): void {
    this.bytes += n;
  }

  get total(): number {
    return this.bytes;
  }

  snapshot(): ProgressSnapshot {
    const t = this.now();
    this.samples.push([t, this.bytes]);
    while (this.samples.length > 2 && t - this.samples[0]![0] > this.windowMs) this.samples.shift();
    const [t0, b0] = this.samples[0]!;
    const rate = t > t0 ? ((this.bytes - b0) * 1000) / (t - t0) : 0;
    const elapsedSeconds = (t - this.started) / 1000;
    const snap: ProgressSnapshot = { bytes: this.bytes, rate, elapsedSeconds, message: '' };
    if (this.bytes !== this.lastBytes) {
      this.lastBytes = this.bytes;
      this.lastGrowth = t;
    } else if (t - this.lastGrowth >= QUIET_MS) snap.quietSeconds = Math.floor((t - this.lastGrowth) / 1000);
    const { totalBytes, endsAtMs } = this.bounds;
    if (totalBytes && totalBytes > 0) {
      snap.percent = Math.min(100, (this.bytes / totalBytes) * 100);
      if (rate > 0) snap.etaSeconds = Math.max(0, (totalBytes - this.bytes) / rate);
    } else if (endsAtMs !== undefined) {
      const startsAt = this.bounds.startsAtMs ?? this.started;
      const span = endsAtMs - startsAt;
      if (span > 0) snap.percent = Math.max(0, Math.min(100, ((t - startsAt) / span) * 100));
      snap.etaSeconds = Math.max(0, (endsAtMs - t) / 1000);
    }
    snap.message = describe(snap, this.bounds.totalIsEstimate === true);
    return snap;
  }
}

/** How long without a byte before the progress line says so. */
const QUIET_MS = 5000;

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

export function formatEta(seconds: number): string {
  return `${formatDuration(Math.round(seconds))} left`;
}

function describe(s: ProgressSnapshot, estimate: boolean): string {
  const parts = [`${formatBytes(s.bytes)} at ${formatRate(s.rate)}`];
  if (s.percent !== undefined) parts.push(`${estimate ? '~' : ''}${s.percent.toFixed(0)}%`);
  if (s.etaSeconds !== undefined) parts.push(formatEta(s.etaSeconds));
  if (s.quietSeconds !== undefined) parts.push(`nothing received for ${formatDuration(s.quietSeconds)}`);
  return parts.join(', ');
}
