// Packet export handles of npm.packet_export 1.3 in every mode (LEGACY, LIVE_STREAM, BUFFER_STREAM,
// STREAM_TO_FILE, PREPARE) with the documented state machines, stop rules, output formats, filters,
// time intervals, stats/progress and timeouts. Packets come from the shared traffic model.
import { Readable, type Writable } from 'node:stream';
import type { ExportConfig, ExportFormat, ExportHandle, ExportMode, ExportState, ExportStats } from '../../appresponse/types';
import type { FilterSpec } from '../../report/types';
import { captureStream, type CaptureSegment } from '../model/capture';
import type { TrafficModel } from '../model/traffic';
import type { Connection, Direction } from '../model/types';
import { encodeLiveStreamFrame, LiveStreamType } from '../../appresponse/livestream';
import { badRequest, notFound, ApiError } from './router';
import { compilePacketFilter, type PacketTuple } from './packet-filters';
import { CaptureRewriter, baseFormatOf } from './pcap-output';
import type { Inventory, PacketSource } from './inventory';
import { parseEpochNs } from './time';

export interface ExportKnobs {
  /** Time each setup state takes (UNINITIALIZED / INITIALIZING). */
  stepMs: number;
  /** How long a STREAM_TO_FILE handle stays visible after DONE when handle_timeout_msec is 0. */
  doneGraceMs: number;
  /** Keepalive period of LIVE_STREAM (a NODATA frame when no packets flowed meanwhile). */
  keepaliveMs: number;
  /** Default time span exported when the config gives no time at all (seconds, ending at the source's end). */
  defaultSpanSec: number;
  /** Largest BUFFER_STREAM / STREAM_TO_FILE result kept in memory; beyond it the export is truncated. */
  maxStoredBytes: number;
}

export interface ExportFaults {
  /** Every export ends in ERRORS (after setup, or mid-stream). */
  exportErrors: boolean;
  /** LIVE_STREAM sends an ERROR frame after this many DATA frames (undefined = never). */
  liveStreamErrorAfterFrames?: number;
}

const MODES: ExportMode[] = ['LEGACY', 'LIVE_STREAM', 'BUFFER_STREAM', 'STREAM_TO_FILE', 'PREPARE'];
const FORMATS: ExportFormat[] = ['PCAP_US', 'PCAP_NS', 'PCAPNG_US', 'PCAPNG_NS'];
const CONFIG_PROPS = new Set(['path', 'mode', 'start_time', 'end_time', 'time_intervals', 'filters', 'stop_rule', 'snap_length', 'output_format', 'output_filename', 'connection_timeout_msec', 'handle_timeout_msec']);
const PUT_PROPS = new Set(['mode', 'snap_length', 'output_format', 'output_filename', 'stop_rule']);

interface Handle {
  id: string;
  owner: string;
  config: ExportConfig;
  mode: ExportMode;
  state: ExportState;
  createdMs: number;
  /** When the current setup phase ends (ms); undefined when not in setup. */
  readyAtMs?: number;
  progress: number;
  stats: ExportStats;
  error?: { error_id: string; error_text: string };
  source: PacketSource;
  segments: CaptureSegment[];
  filter: (c: Connection, dir: Direction) => boolean;
  buffer?: Buffer;
  timers: NodeJS.Timeout[];
  streaming: boolean;
  deleted: boolean;
  /** Aborted when the handle is destroyed: stops background work (buffering, writing files, waiting for live packets). */
  gone: AbortController;
}

export interface ExportEnv {
  model: TrafficModel;
  inventory: Inventory;
  clock: () => number;
  knobs: ExportKnobs;
  faults: ExportFaults;
  resolveName: (name: string) => string | undefined;
}

export class ExportService {
  private readonly handles = new Map<string, Handle>();
  private nextId = 0x11;

  constructor(private readonly env: ExportEnv) {}

  get count(): number {
    return this.handles.size;
  }

  list(): ExportHandle[] {
    return [...this.handles.values()].map((h) => this.json(h));
  }

  create(body: unknown, owner: string): ExportHandle {
    const config = validateConfig(body, this.env.inventory, this.env.clock());
    const mode = config.mode ?? 'LEGACY';
    const source = this.env.inventory.source(config.path, this.env.clock())!;
    let filter: (c: Connection, dir: Direction) => boolean;
    try {
      filter = this.compileFilters(config.filters, source);
    } catch (error) {
      throw badRequest(`config.filters: ${(error as Error).message}`);
    }
    const id = (this.nextId++).toString(16).padStart(8, '0');
    const h: Handle = {
      id, owner, config: { ...config, mode }, mode, state: 'UNINITIALIZED', createdMs: this.env.clock(), progress: 0,
      stats: { exported_packets: 0, exported_bytes: 0, total_bytes: 0, processed_packets: 0 },
      source, segments: this.segments(config, source), filter, timers: [], streaming: false, deleted: false, gone: new AbortController(),
    };
    this.handles.set(id, h);
    this.enterMode(h, mode);
    return this.json(h);
  }

  private compileFilters(filters: FilterSpec[] | undefined, source: PacketSource): (c: Connection, dir: Direction) => boolean {
    const tests = (filters ?? []).map((f) => compilePacketFilter(f.type ?? 'STEELFILTER', f.value, this.env.resolveName));
    return (c, dir) => {
      if (source.filter && !source.filter(c, dir)) return false;
      if (!tests.length) return true;
      const t: PacketTuple = dir === 'c2s'
        ? { srcIp: c.client.ip, dstIp: c.server.ip, srcPort: c.clientPort, dstPort: c.serverPort, l4: c.l4, app: c.app }
        : { srcIp: c.server.ip, dstIp: c.client.ip, srcPort: c.serverPort, dstPort: c.clientPort, l4: c.l4, app: c.app };
      return tests.every((test) => test(t));
    };
  }

  private segments(config: ExportConfig, source: PacketSource): CaptureSegment[] {
    const now = this.env.clock();
    const srcStart = source.startUs(now);
    const srcEnd = source.endUs(now);
    const us = (text: string) => Number(parseEpochNs(text)! / 1000n);
    let ranges: [number, number][];
    if (config.time_intervals?.length) ranges = config.time_intervals.map((t) => [us(t.start_time), us(t.end_time)]);
    else if (config.start_time || config.end_time) {
      const end = config.end_time ? us(config.end_time) : srcEnd;
      const start = config.start_time ? us(config.start_time) : Math.max(srcStart, end - this.env.knobs.defaultSpanSec * 1e6);
      ranges = [[start, end]];
    } else ranges = [[Math.max(srcStart, srcEnd - this.env.knobs.defaultSpanSec * 1e6), srcEnd]];
    if (config.stop_rule?.time_limit !== undefined) {
      let left = config.stop_rule.time_limit * 1e6;
      ranges = ranges.map(([a, b]) => {
        const len = Math.max(0, Math.min(b - a, left));
        left -= len;
        return [a, a + len] as [number, number];
      }).filter(([a, b]) => b > a);
    }
    // Recorded sources end where their data ends; live sources (vifgs, jobs) may reach into the future.
    const live = source.path.startsWith('vifgs/') || source.path.startsWith('jobs/');
    return ranges
      .map(([a, b]) => ({ fromUs: Math.max(a, srcStart), toUs: live ? b : Math.min(b, srcEnd) }))
      .filter((s) => s.toUs > s.fromUs)
      .sort((x, y) => x.fromUs - y.fromUs);
  }

  /** Estimates from the model's counters: what the export would hold (before snapping and limits). */
  private estimate(h: Handle): { packets: number; bytes: number; totalBytes: number; totalPackets: number } {
    let packets = 0;
    let bytes = 0;
    let totalBytes = 0;
    let totalPackets = 0;
    const nowUs = this.env.clock() * 1000;
    for (const seg of h.segments) {
      const t0 = Math.floor(seg.fromUs / 1e6);
      const t1 = Math.ceil(Math.min(seg.toUs, nowUs) / 1e6);
      if (t1 <= t0) continue;
      for (const c of this.env.model.connections(t0, t1)) {
        const f = this.env.model.flowCounters(c, t0, t1);
        totalBytes += f.c2sBytes + f.s2cBytes;
        totalPackets += f.c2sPackets + f.s2cPackets;
        if (h.filter(c, 'c2s')) { packets += f.c2sPackets; bytes += f.c2sBytes; }
        if (h.filter(c, 's2c')) { packets += f.s2cPackets; bytes += f.s2cBytes; }
      }
    }
    return { packets, bytes, totalBytes, totalPackets };
  }

  private later(h: Handle, ms: number, work: () => void): void {
    const t = setTimeout(() => {
      h.timers = h.timers.filter((x) => x !== t);
      if (!h.deleted) work();
    }, Math.max(0, ms));
    t.unref?.();
    h.timers.push(t);
  }

  private fail(h: Handle, text = 'Export failed: packet storage read error (simulated)'): void {
    h.state = 'ERRORS';
    h.error = { error_id: 'EXPORT_FAILED', error_text: text };
  }

  private enterMode(h: Handle, mode: ExportMode): void {
    const step = this.env.knobs.stepMs;
    h.mode = mode;
    h.config.mode = mode;
    const toFile = mode === 'STREAM_TO_FILE' || (mode === 'LEGACY' && !!h.config.output_filename);
    switch (mode) {
      case 'LEGACY':
      case 'STREAM_TO_FILE':
        h.state = 'UNINITIALIZED';
        this.later(h, step, () => {
          if (this.env.faults.exportErrors && !toFile) return this.fail(h);
          h.state = 'RUNNING';
          if (toFile) void this.writeFile(h);
          else this.armConnectionTimeout(h);
        });
        break;
      case 'LIVE_STREAM':
        h.state = 'INITIALIZING';
        this.later(h, step, () => {
          if (this.env.faults.exportErrors && this.env.faults.liveStreamErrorAfterFrames === undefined) return this.fail(h);
          this.setEstimates(h);
          h.state = 'READY';
          this.armConnectionTimeout(h);
        });
        break;
      case 'PREPARE':
        h.state = 'INITIALIZING';
        this.later(h, step, () => {
          if (this.env.faults.exportErrors) return this.fail(h);
          this.setEstimates(h);
          h.progress = 100;
          h.state = 'READY';
          this.armConnectionTimeout(h);
        });
        break;
      case 'BUFFER_STREAM':
        h.state = 'INITIALIZING';
        void this.fillBuffer(h);
        break;
    }
  }

  private setEstimates(h: Handle): void {
    const e = this.estimate(h);
    const snap = h.config.snap_length ?? 65535;
    const perRecord = baseFormatOf(h.config.output_format ?? 'PCAP_US') === 'pcap' ? 16 : 32;
    h.stats.estimated_packets = e.packets;
    h.stats.estimated_bytes = snap >= 65535 ? e.bytes + perRecord * e.packets : Math.min(e.bytes, snap * e.packets) + perRecord * e.packets;
    h.stats.total_bytes = e.totalBytes;
  }

  private armConnectionTimeout(h: Handle): void {
    const ms = h.config.connection_timeout_msec ?? 180_000;
    const armedAt = this.env.clock();
    this.later(h, ms, () => {
      if (!h.streaming && h.stats.exported_packets === 0 && this.env.clock() - armedAt >= ms - 5 && (h.state === 'READY' || h.state === 'RUNNING')) this.destroy(h);
    });
  }

  /** After the stream: keep the handle handle_timeout_msec (default 0 = remove now). */
  private afterStream(h: Handle, minimumMs = 0): void {
    const keep = Math.max(h.config.handle_timeout_msec ?? 0, minimumMs);
    if (keep <= 0) this.destroy(h);
    else this.later(h, keep, () => this.destroy(h));
  }

  private destroy(h: Handle): void {
    h.deleted = true;
    h.gone.abort();
    for (const t of h.timers) clearTimeout(t);
    h.timers = [];
    this.handles.delete(h.id);
  }

  /** The capture bytes of this export in its output format, as a Readable with the rewriter's counters. */
  private capture(h: Handle, signal: AbortSignal, onLimit?: () => void): { stream: Readable; rewriter: CaptureRewriter } {
    const format = h.config.output_format ?? 'PCAP_US';
    signal = AbortSignal.any([signal, h.gone.signal]);
    const gen = captureStream(this.env.model, {
      segments: h.segments,
      filter: h.filter,
      snapLength: h.config.snap_length ?? 65535,
      format: baseFormatOf(format),
      now: this.env.clock,
      chunkBytes: 256 * 1024,
      livePollMs: 20,
      signal,
    });
    const rewriter = new CaptureRewriter(format, { packetLimit: h.config.stop_rule?.packet_limit, sizeLimit: h.config.stop_rule?.size_limit }, onLimit);
    const stream = Readable.from(gen).pipe(rewriter);
    return { stream, rewriter };
  }

  private totalUs(h: Handle): number {
    return h.segments.reduce((s, x) => s + (Number.isFinite(x.toUs) ? x.toUs - x.fromUs : 0), 0) || 1;
  }

  private async collect(h: Handle): Promise<Buffer> {
    const ac = new AbortController();
    const limit = h.config.stop_rule?.size_limit;
    const capped = { ...h, config: { ...h.config, stop_rule: { ...h.config.stop_rule, size_limit: Math.min(limit ?? Infinity, this.env.knobs.maxStoredBytes) } } };
    const { stream, rewriter } = this.capture(capped, ac.signal, () => ac.abort());
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
      if (h.deleted) {
        ac.abort();
        break;
      }
      chunks.push(chunk as Buffer);
      this.meter(h, rewriter);
    }
    this.meter(h, rewriter);
    return Buffer.concat(chunks);
  }

  private meter(h: Handle, rewriter: CaptureRewriter): void {
    h.stats.exported_packets = rewriter.counters.packets;
    h.stats.exported_bytes = rewriter.counters.bytes;
    h.stats.processed_packets = Math.max(h.stats.processed_packets, rewriter.counters.packets);
    if (rewriter.counters.truncated) h.stats.truncated = true;
  }

  private async fillBuffer(h: Handle): Promise<void> {
    await new Promise((r) => setTimeout(r, this.env.knobs.stepMs));
    if (h.deleted) return;
    this.setEstimates(h);
    const bytes = await this.collect(h);
    if (h.deleted) return;
    if (this.env.faults.exportErrors) return this.fail(h);
    h.buffer = bytes;
    h.progress = 100;
    h.stats.processed_packets = Math.max(h.stats.processed_packets, h.stats.exported_packets);
    h.state = h.stats.exported_packets === 0 ? 'NODATA' : 'READY';
  }

  private async writeFile(h: Handle): Promise<void> {
    this.setEstimates(h);
    const bytes = await this.collect(h);
    if (h.deleted) return;
    if (this.env.faults.exportErrors) {
      this.fail(h);
      return this.afterStream(h, this.env.knobs.doneGraceMs);
    }
    const path = (h.config.output_filename ?? `${h.owner}/export_${h.id}.pcap`).replace(/^\/+/, '').replace(/^fs\//, '');
    const segs = h.segments;
    const filter = h.filter;
    this.env.inventory.files.set(path, {
      path, owner: h.owner, bytes, packets: h.stats.exported_packets, modifiedMs: this.env.clock(),
      startUs: segs.length ? segs[0].fromUs : 0, endUs: segs.length ? Math.min(segs[segs.length - 1].toUs, this.env.clock() * 1000) : 0, filter,
    });
    h.progress = 100;
    h.state = 'DONE';
    this.afterStream(h, this.env.knobs.doneGraceMs);
  }

  get(id: string): Handle {
    const h = this.handles.get(id) ?? this.handles.get(id.padStart(8, '0'));
    if (!h) throw notFound(`export handle ${id}`);
    return h;
  }

  json(h: Handle): ExportHandle {
    if (h.state === 'RUNNING' || h.state === 'STREAMING') {
      const done = h.stats.exported_packets / Math.max(1, h.stats.estimated_packets ?? 0);
      h.progress = Math.max(h.progress, Math.min(99.9, Math.round(done * 1000) / 10));
    }
    const status: ExportHandle['status'] = {
      state: h.state,
      progress: h.progress,
      creation_time: String(Math.floor(h.createdMs / 1000)),
      owner: h.owner,
      stats: { ...h.stats },
    };
    if (h.error) status.error = h.error;
    return { id: h.id, config: { ...h.config }, status };
  }

  delete(id: string): void {
    this.destroy(this.get(id));
  }

  /** PUT after PREPARE: pick the mode (and snap_length, output_format, output_filename, stop_rule). */
  update(id: string, body: unknown): ExportHandle {
    const h = this.get(id);
    const raw = (body && typeof body === 'object' && 'config' in (body as object) ? (body as { config: unknown }).config : body) as Record<string, unknown>;
    if (!raw || typeof raw !== 'object') throw badRequest('Request body must be a JSON object');
    for (const key of Object.keys(raw)) {
      if (key === 'path' && raw.path === h.config.path) continue;
      if (!PUT_PROPS.has(key) && !(key in h.config && JSON.stringify((h.config as unknown as Record<string, unknown>)[key]) === JSON.stringify(raw[key]))) {
        throw badRequest(`config.${key}: cannot be changed after creation (mode, snap_length, output_format, output_filename, stop_rule)`);
      }
    }
    if (h.mode !== 'PREPARE') throw badRequest(`The mode can be picked only for PREPARE handles (this one is ${h.mode})`);
    if (h.state !== 'READY') throw badRequest(`The handle is not READY (state ${h.state})`);
    const mode = raw.mode as ExportMode;
    if (!MODES.includes(mode) || mode === 'PREPARE') throw badRequest(`config.mode: invalid value '${String(raw.mode)}' (LEGACY, LIVE_STREAM, BUFFER_STREAM, STREAM_TO_FILE)`);
    const merged = { ...h.config, ...raw, mode } as ExportConfig;
    checkCommon(merged);
    if (mode === 'BUFFER_STREAM' && !merged.stop_rule?.size_limit) throw badRequest('config.stop_rule.size_limit: required in BUFFER_STREAM mode');
    if (mode === 'STREAM_TO_FILE' && !merged.output_filename) throw badRequest('config.output_filename: required in STREAM_TO_FILE mode');
    h.config = merged;
    for (const t of h.timers) clearTimeout(t);
    h.timers = [];
    if (mode === 'LIVE_STREAM') {
      h.mode = mode;
      h.state = 'READY';
      this.armConnectionTimeout(h);
    } else if (mode === 'LEGACY' || mode === 'STREAM_TO_FILE') {
      h.mode = mode;
      h.state = 'RUNNING';
      if (mode === 'STREAM_TO_FILE' || merged.output_filename) void this.writeFile(h);
      else this.armConnectionTimeout(h);
    } else {
      h.mode = mode;
      h.state = 'INITIALIZING';
      void this.fillBuffer(h);
    }
    return this.json(h);
  }

  /** GET packets/items/<id>: the packet stream, framed for LIVE_STREAM. Throws ApiError when not ready. */
  async stream(id: string, out: Writable & { setHeader?(name: string, value: string): void; writeHead?(status: number, headers?: Record<string, string>): unknown }, closed: AbortSignal): Promise<void> {
    const h = this.get(id);
    const ready = (h.mode === 'LEGACY' && h.state === 'RUNNING' && !h.config.output_filename) || ((h.mode === 'LIVE_STREAM' || h.mode === 'BUFFER_STREAM') && h.state === 'READY');
    if (!ready) {
      if (h.mode === 'BUFFER_STREAM' && h.state === 'NODATA') throw new ApiError(404, 'NODATA', `Export ${id} has no packets`);
      // The wording public clients see right after creation.
      const want = h.mode === 'LEGACY' ? 'RUNNING' : 'READY';
      throw new ApiError(409, 'EXPORT_NOT_READY', `Export ${id}: state is not ${want}: state ${h.state}`);
    }
    if (h.streaming) throw new ApiError(409, 'EXPORT_BUSY', `Export ${id} is already being downloaded`);
    h.streaming = true;
    if (h.mode !== 'LEGACY') h.state = 'STREAMING';
    const contentType = h.mode === 'LIVE_STREAM' ? 'application/octet-stream' : baseFormatOf(h.config.output_format ?? 'PCAP_US') === 'pcapng' ? 'application/x-pcapng' : 'application/vnd.tcpdump.pcap';
    out.writeHead?.(200, { 'Content-Type': contentType, ...(h.mode === 'BUFFER_STREAM' && h.buffer ? { 'Content-Length': String(h.buffer.length) } : {}) });
    try {
      if (h.mode === 'BUFFER_STREAM') {
        await writeAll(out, h.buffer ?? Buffer.alloc(0), closed);
        if (!h.deleted) h.state = 'READY';
        return;
      }
      const ac = new AbortController();
      const abort = () => ac.abort();
      closed.addEventListener('abort', abort, { once: true });
      const { stream, rewriter } = this.capture(h, ac.signal, () => ac.abort());
      const total = this.totalUs(h);
      if (h.mode === 'LEGACY') {
        let failed = false;
        for await (const chunk of stream) {
          if (closed.aborted || h.deleted) break;
          await writeAll(out, chunk as Buffer, closed);
          this.meter(h, rewriter);
          h.progress = Math.min(99.9, Math.round((rewriter.counters.packets / Math.max(1, h.stats.estimated_packets ?? rewriter.counters.packets)) * 1000) / 10);
          if (this.env.faults.exportErrors && rewriter.counters.packets > 0) {
            failed = true;
            break;
          }
        }
        this.meter(h, rewriter);
        if (failed) {
          this.fail(h);
          (out as Writable).destroy();
          return this.afterStream(h, 60_000);
        }
        if (!closed.aborted) {
          h.state = 'DONE';
          h.progress = 100;
        }
        return this.afterStream(h);
      }
      // LIVE_STREAM: DATA frames, NODATA keepalives while waiting for packets, EOF at the end.
      await this.liveStream(h, stream, rewriter, out, closed, total);
    } finally {
      h.streaming = false;
    }
  }

  private async liveStream(h: Handle, stream: Readable, rewriter: CaptureRewriter, out: Writable, closed: AbortSignal, _total: number): Promise<void> {
    const iterator = stream[Symbol.asyncIterator]();
    let frames = 0;
    const keepalive = this.env.knobs.keepaliveMs;
    let next = iterator.next();
    for (;;) {
      if (closed.aborted || h.deleted) return this.afterStream(h);
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<'tick'>((resolve) => {
        timer = setTimeout(() => resolve('tick'), keepalive);
      });
      const result = await Promise.race([next, tick]);
      clearTimeout(timer);
      if (result === 'tick') {
        await writeAll(out, encodeLiveStreamFrame(LiveStreamType.NODATA), closed);
        continue;
      }
      if (result.done) break;
      const chunk = result.value as Buffer;
      const errorAfter = this.env.faults.liveStreamErrorAfterFrames;
      if (errorAfter !== undefined && frames >= errorAfter) {
        await writeAll(out, encodeLiveStreamFrame(LiveStreamType.ERROR, Buffer.from('Export aborted: packet storage read error (simulated)')), closed);
        this.fail(h);
        stream.destroy();
        out.end();
        return this.afterStream(h, 60_000);
      }
      await writeAll(out, encodeLiveStreamFrame(LiveStreamType.DATA, chunk), closed);
      frames++;
      this.meter(h, rewriter);
      next = iterator.next();
    }
    this.meter(h, rewriter);
    await writeAll(out, encodeLiveStreamFrame(LiveStreamType.EOF), closed);
    h.state = 'DONE';
    h.progress = 100;
    out.end();
    this.afterStream(h);
  }

  clear(): void {
    for (const h of [...this.handles.values()]) this.destroy(h);
  }
}

function writeAll(out: Writable, chunk: Buffer, closed: AbortSignal): Promise<void> {
  if (closed.aborted) return Promise.resolve();
  if (out.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      closed.removeEventListener('abort', done);
      resolve();
    };
    out.once('drain', done);
    closed.addEventListener('abort', done, { once: true });
  });
}

function checkCommon(config: ExportConfig): void {
  if (config.output_format !== undefined && !FORMATS.includes(config.output_format)) throw badRequest(`config.output_format: invalid value '${config.output_format}' (${FORMATS.join(', ')})`);
  if (config.snap_length !== undefined && !(Number.isInteger(config.snap_length) && config.snap_length >= 14 && config.snap_length <= 65535)) throw badRequest(`config.snap_length: expected an integer between 14 and 65535`);
  const sr = config.stop_rule;
  if (sr !== undefined) {
    if (typeof sr !== 'object' || sr === null) throw badRequest('config.stop_rule: expected an object');
    for (const [k, v] of Object.entries(sr)) {
      if (!['time_limit', 'size_limit', 'packet_limit'].includes(k)) throw badRequest(`config.stop_rule: unknown property '${k}'`);
      if (!(Number.isInteger(v) && (v as number) >= 0)) throw badRequest(`config.stop_rule.${k}: expected a non-negative integer`);
    }
  }
}

function validateConfig(body: unknown, inventory: Inventory, nowMs: number): ExportConfig {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request body must be a JSON object');
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (key !== 'config') throw badRequest(`Unknown property '${key}'`);
  const c = b.config as Record<string, unknown>;
  if (!c || typeof c !== 'object') throw badRequest('config: required object');
  for (const key of Object.keys(c)) if (!CONFIG_PROPS.has(key)) throw badRequest(`config: unknown property '${key}'`);
  if (typeof c.path !== 'string') throw badRequest('config.path: required string');
  if (!inventory.source(c.path, nowMs)) throw badRequest(`config.path: unknown packet source '${c.path}'`);
  if (c.mode !== undefined && !MODES.includes(c.mode as ExportMode)) throw badRequest(`config.mode: invalid value '${String(c.mode)}' (${MODES.join(', ')})`);
  for (const key of ['start_time', 'end_time'] as const) {
    if (c[key] !== undefined && (typeof c[key] !== 'string' || parseEpochNs(c[key] as string) === undefined)) throw badRequest(`config.${key}: expected epoch seconds as a string`);
  }
  if (c.start_time && c.end_time && parseEpochNs(c.start_time as string)! >= parseEpochNs(c.end_time as string)!) throw badRequest('config.end_time: must be after start_time');
  if (c.time_intervals !== undefined) {
    if (!Array.isArray(c.time_intervals)) throw badRequest('config.time_intervals: expected an array');
    if (c.start_time !== undefined || c.end_time !== undefined) throw badRequest('config.time_intervals: cannot be combined with start_time/end_time');
    for (const t of c.time_intervals as Record<string, unknown>[]) {
      const s = typeof t?.start_time === 'string' ? parseEpochNs(t.start_time) : undefined;
      const e = typeof t?.end_time === 'string' ? parseEpochNs(t.end_time) : undefined;
      if (s === undefined || e === undefined || e <= s) throw badRequest('config.time_intervals: each interval needs start_time < end_time (epoch seconds as strings)');
    }
  }
  if (c.filters !== undefined) {
    if (!Array.isArray(c.filters)) throw badRequest('config.filters: expected an array');
    for (const f of c.filters as Record<string, unknown>[]) {
      const type = f?.type ?? 'STEELFILTER';
      if (typeof f?.value !== 'string' || !['STEELFILTER', 'WIRESHARK', 'BPF'].includes(type as string)) throw badRequest('config.filters: each filter needs a type (STEELFILTER, WIRESHARK, BPF) and a string value');
    }
  }
  for (const key of ['connection_timeout_msec', 'handle_timeout_msec'] as const) {
    if (c[key] !== undefined && !(Number.isInteger(c[key]) && (c[key] as number) >= 0)) throw badRequest(`config.${key}: expected a non-negative integer`);
  }
  const config = c as unknown as ExportConfig;
  checkCommon(config);
  if (config.mode === 'BUFFER_STREAM' && !config.stop_rule?.size_limit) throw badRequest('config.stop_rule.size_limit: required in BUFFER_STREAM mode');
  if (config.mode === 'STREAM_TO_FILE' && !config.output_filename) throw badRequest('config.output_filename: required in STREAM_TO_FILE mode');
  return config;
}

