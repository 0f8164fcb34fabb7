// GET /API/data/modules/capture: a pcap (or pcapng) stream of the packets that match
// `expression` in a time window, from the ring buffer and/or live until the client disconnects.
//
// Parameters (names case-insensitive): expression, startTime / endTime (µs since the epoch;
// endTime=now with timespan in seconds), snapPacketLength, fromCaptureBuffer,
// captureBufferSlotId, captureToMedia, mm-id. Simulator extension: `format=pcapng` (or
// `pcapng=true`, or a `fileName`/`filename` ending in .pcapng) answers pcapng instead of pcap.
import type { CaptureSegment } from '../model/capture';
import type { TrafficSource } from '../model/source';
import { writeChunk, sleep } from '../shared/respond';
import type { RequestContext } from '../shared/server';
import { compileExpression, ExpressionError } from './expression';
import { ApiError, boolParam, param } from './views';
import type { VaryingCaptureOptions } from './varying-capture';

const WRITE_SLICE = 1 << 20;

export interface RingBuffer {
  /** Times (µs) when the buffer did not record: [from, to); `to` Infinity while suspended. */
  gaps: { fromUs: number; toUs: number }[];
}

export interface CaptureRequest {
  ctx: RequestContext;
  source: TrafficSource;
  live: boolean;
  nowMs: number;
  ring: RingBuffer;
  slotName: string;
  /** Current time for live pacing. */
  clock: () => number;
}

function timeParam(query: URLSearchParams, name: string): number | 'now' | undefined {
  const v = param(query, name);
  if (v === undefined || v === '') return undefined;
  if (v.toLowerCase() === 'now') return 'now';
  if (!/^\d+$/.test(v)) throw new ApiError(400, `${name} must be microseconds since 1970 or "now", got "${v}"`);
  return Number(v);
}

/** Subtracts gaps from [from, to). */
function minus(from: number, to: number, gaps: { fromUs: number; toUs: number }[]): CaptureSegment[] {
  let parts: CaptureSegment[] = [{ fromUs: from, toUs: to }];
  for (const g of gaps) {
    parts = parts.flatMap((p) => {
      if (g.toUs <= p.fromUs || g.fromUs >= p.toUs) return [p];
      const out: CaptureSegment[] = [];
      if (g.fromUs > p.fromUs) out.push({ fromUs: p.fromUs, toUs: g.fromUs });
      if (g.toUs < p.toUs) out.push({ fromUs: g.toUs, toUs: p.toUs });
      return out;
    });
  }
  return parts.filter((p) => p.toUs > p.fromUs);
}

export interface CapturePlan {
  segments: CaptureSegment[];
  format: 'pcap' | 'pcapng';
  snapLength: number;
  filter: ReturnType<typeof compileExpression>;
  fileName: string;
  toMedia: boolean;
}

/** Validates the parameters and works out what to stream. Throws ApiError (400/404). */
export function planCapture(r: CaptureRequest): CapturePlan {
  const q = r.ctx.query;
  let filter;
  try {
    filter = compileExpression(param(q, 'expression') ?? '');
  } catch (e) {
    if (e instanceof ExpressionError) throw new ApiError(400, `invalid capture expression: ${e.message}`);
    throw e;
  }
  const snapText = param(q, 'snapPacketLength');
  let snapLength = 65535;
  if (snapText !== undefined && snapText !== '') {
    if (!/^\d+$/.test(snapText) || Number(snapText) < 1 || Number(snapText) > 65535) throw new ApiError(400, `snapPacketLength must be 1..65535, got "${snapText}"`);
    snapLength = Number(snapText);
  }
  const slotId = param(q, 'captureBufferSlotId');
  if (slotId !== undefined && slotId !== '' && slotId !== '0') throw new ApiError(404, `no capture buffer with id ${slotId}`);
  const fileNameParam = param(q, 'fileName') ?? '';
  const format = (param(q, 'format') ?? '').toLowerCase() === 'pcapng' || boolParam(q, 'pcapng') || /\.pcapng$/i.test(fileNameParam) ? 'pcapng' : 'pcap';
  const nowUs = Math.floor(r.nowMs * 1000);
  const startParam = timeParam(q, 'startTime');
  const endParam = timeParam(q, 'endTime');
  const timespan = Number(param(q, 'timespan') ?? 60);
  if (!Number.isFinite(timespan) || timespan < 0) throw new ApiError(400, 'timespan must be a number of seconds');
  const dataStart = r.source.startedAt * 1e6;
  let segments: CaptureSegment[];
  if (!r.live) {
    const dataEnd = (r.source.endedAt ?? r.source.startedAt) * 1e6;
    let end = endParam === 'now' || endParam === undefined ? dataEnd : endParam;
    let start = startParam === 'now' ? dataEnd : startParam ?? (endParam === 'now' ? dataEnd - timespan * 1e6 : dataStart);
    start = Math.max(start, dataStart);
    end = Math.min(end, dataEnd);
    segments = end > start ? [{ fromUs: start, toUs: end }] : [];
  } else {
    const end = endParam === 'now' ? nowUs : endParam ?? Infinity;
    let start = startParam === 'now' ? nowUs : startParam ?? (endParam === 'now' ? nowUs - timespan * 1e6 : nowUs);
    const fromBuffer = boolParam(q, 'fromCaptureBuffer') || endParam === 'now';
    if (!fromBuffer) start = Math.max(start, nowUs);
    const pastEnd = Math.min(end, nowUs);
    const past = start < pastEnd ? minus(Math.max(start, dataStart), pastEnd, r.ring.gaps.map((g) => ({ fromUs: g.fromUs, toUs: Math.min(g.toUs, nowUs) }))) : [];
    const livePart = end > nowUs ? [{ fromUs: Math.max(start, nowUs), toUs: end }] : [];
    segments = [...past, ...livePart].filter((s) => s.toUs > s.fromUs);
  }
  const stamp = new Date(r.nowMs).toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return {
    segments, format, snapLength, filter,
    fileName: fileNameParam || `${r.slotName}-${stamp}.${format}`,
    toMedia: boolParam(q, 'captureToMedia'),
  };
}

/** Streams the capture; returns once the stream ended or the client went away. */
export async function streamCapture(r: CaptureRequest, plan: CapturePlan): Promise<void> {
  const { res, signal } = r.ctx;
  const faults = r.ctx.plan;
  res.writeHead(200, {
    'Content-Type': plan.format === 'pcap' ? 'application/vnd.tcpdump.pcap' : 'application/x-pcapng',
    'Content-Disposition': `attachment; filename="${plan.fileName}"`,
    'Cache-Control': 'no-store',
  });
  let sent = 0;
  const inflight: Promise<void>[] = [];
  // resolved once every write has finished or failed: the stream may then reuse its buffers
  let settle!: () => void;
  const options: VaryingCaptureOptions = {
    segments: plan.segments,
    filter: plan.filter,
    snapLength: plan.snapLength,
    format: plan.format,
    now: r.clock,
    reuseBuffers: true,
    signal,
    settled: new Promise<void>((resolve) => (settle = resolve)),
  };
  const stream = r.source.capture(options);
  try {
    for await (const chunk of stream) {
      if (signal.aborted || res.destroyed) return;
      if (faults.resetMidBody && sent + chunk.length > 65536) {
        await writeChunk(res, chunk.subarray(0, Math.max(0, 65536 - sent)));
        res.socket?.resetAndDestroy?.();
        res.destroy();
        return;
      }
      if (faults.slowBodyBytesPerSecond > 0) {
        const step = Math.max(1, Math.floor(faults.slowBodyBytesPerSecond / 10));
        for (let o = 0; o < chunk.length && !signal.aborted; o += step) {
          await writeChunk(res, Buffer.from(chunk.subarray(o, o + step)));
          await sleep(100, signal);
        }
      } else {
        // Writes of at most 1 MiB (a TLS write of a whole block costs far more kernel time), two
        // in flight at most: the stream reuses a block buffer once the one before it is sent.
        for (let o = 0; o < chunk.length; o += WRITE_SLICE) {
          const write = writeChunk(res, chunk.subarray(o, o + WRITE_SLICE));
          // Marked handled at once: after a client disconnect the loop may return before awaiting it.
          write.catch(() => undefined);
          inflight.push(write);
          if (inflight.length >= 2) await inflight.shift();
        }
      }
      sent += chunk.length;
    }
    await Promise.all(inflight);
    res.end();
  } catch {
    res.destroy();
  } finally {
    await stream.return(undefined);
    void Promise.allSettled(inflight).then(settle);
  }
}
