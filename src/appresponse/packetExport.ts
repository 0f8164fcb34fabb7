// AppResponse packet export (npm.packet_export 1.3): create an export handle, wait for its
// state, (PREPARE: show the estimate, then PUT the chosen mode), stream the packets into the
// workspace (LIVE_STREAM frames decoded; STREAM_TO_FILE fetched through npm.filesystem and the
// device file deleted), and always delete the handle afterwards, on cancel and error too.
import { Readable } from 'node:stream';
import type { HttpClientApi, StreamResponse } from '../http/types';
import { HttpStatusError } from '../http/errors';
import { AppResponseClient } from './client';
import { LiveStreamDecoder } from './livestream';
import type { CaptureJob, ExportConfig, ExportFormat, ExportHandle, ExportMode, ExportState, ExportStats } from './types';
import type { ReportFilter } from './types';
import { EmptyCaptureError, saveCaptureStream, type SavedCapture } from '../pcap/download';
import { noPacketsMessage, shortfall, type AskedCapture } from '../pcap/shortfall';
import { SIDECAR_SCHEMA, captureFacts, rerunRecord, type CaptureSidecar, type RerunSource } from '../pcap/sidecar';
import { packetSourcePath, type PacketSourceRef } from '../pcap/target';
import type { CaptureWriterOptions } from '../pcap/writer';
import { emptyCaptureBytes } from '../pcap/empty';

export const FILE_PATH = '/api/npm.filesystem/1.0/fs';

export type DownloadMode = Exclude<ExportMode, 'PREPARE'>;
export const DOWNLOAD_MODES: readonly DownloadMode[] = ['LEGACY', 'LIVE_STREAM', 'BUFFER_STREAM', 'STREAM_TO_FILE'];

/** What the analyst fills in (kept in the sidecar for "re-run"). */
export interface PacketExportForm {
  source: PacketSourceRef;
  /** Seconds since the epoch (fractions allowed). */
  startTime?: number;
  endTime?: number;
  /**
   * The range was picked as the last N seconds before the export ("last 5 minutes"): a re-run
   * takes the last N seconds before it starts instead of the same start and end.
   */
  lastSeconds?: number;
  filters?: ReportFilter[];
  stopRule?: { time_limit?: number; size_limit?: number; packet_limit?: number };
  snapLength?: number;
  outputFormat?: ExportFormat;
  mode: ExportMode;
  /** STREAM_TO_FILE path in the device file system; generated when absent. */
  outputFilename?: string;
  /** Keep a file when no packet matches (a pcap header only); by default none is kept. */
  keepEmpty?: boolean;
}

export interface ExportEstimate {
  bytes?: number;
  packets?: number;
  totalBytes?: number;
}

/** The operations of npm.packet_export + npm.filesystem this flow needs. */
export interface PacketExportTransport {
  create(config: ExportConfig, signal?: AbortSignal): Promise<ExportHandle>;
  get(id: string, signal?: AbortSignal): Promise<ExportHandle>;
  /** PREPARE step 3: pick the mode (and snap length, format, filename, stop rule). */
  update(id: string, config: Pick<ExportConfig, 'mode' | 'snap_length' | 'output_format' | 'output_filename' | 'stop_rule'>, signal?: AbortSignal): Promise<void>;
  remove(id: string, signal?: AbortSignal): Promise<void>;
  packets(id: string, signal?: AbortSignal): Promise<StreamResponse>;
  downloadFile(filePath: string, signal?: AbortSignal): Promise<StreamResponse>;
  deleteFile(filePath: string, signal?: AbortSignal): Promise<void>;
}

function statusError(http: HttpClientApi, method: string, path: string, status: number, body: string): HttpStatusError {
  let errorId: string | undefined;
  let errorText: string | undefined;
  try {
    const parsed = JSON.parse(body) as { error_id?: string; error_text?: string };
    errorId = parsed.error_id;
    errorText = parsed.error_text;
  } catch {
    // not JSON: keep the status only
  }
  return new HttpStatusError(http.deviceName, path, method, status, errorId, errorText, body.slice(0, 2000));
}

/** The transport over the typed AppResponse client (documented paths, our HTTP core). */
export function appResponseExportTransport(client: AppResponseClient): PacketExportTransport {
  const http = client.http;
  return {
    async create(config, signal) {
      const h = await client.createExport(config, { signal });
      const fromLocation = h.location ? h.location.split('/').filter(Boolean).pop() : undefined;
      const id = h.id !== undefined && h.id !== null ? String(h.id) : fromLocation;
      if (!id) throw new Error(`${http.deviceName}: the export was created but the device sent no id`);
      return { ...h, id };
    },
    get: (id, signal) => client.exportStatus(id, { signal }),
    async update(id, config, signal) {
      await client.updateExport(id, config, { signal });
    },
    // Synchronous handles delete themselves when their stream closes: 404 counts as deleted.
    remove: (id, signal) => client.deleteExport(id, { signal }),
    packets: (id, signal) => client.exportPackets(id, { signal }),
    downloadFile: (filePath, signal) => client.download(filePath, { signal }),
    async deleteFile(filePath, signal) {
      // Checked here (not via client.deleteFile) so a file left on the device is reported.
      const rel = filePath.replace(/^\/+/, '').replace(/^fs\//, '');
      const path = `${FILE_PATH}/${rel.split('/').map(encodeURIComponent).join('/')}`;
      const r = await http.raw({ method: 'DELETE', path, ...(signal ? { signal } : {}) });
      if (r.status >= 300 && r.status !== 404 && r.status !== 410) throw statusError(http, 'DELETE', path, r.status, r.body);
    },
  };
}

/** Convenience: the transport of a device's HTTP client. */
export function httpPacketExportTransport(http: HttpClientApi): PacketExportTransport {
  return appResponseExportTransport(new AppResponseClient(http));
}

export class ExportFormError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ExportFormError';
  }
}

/** The user chose to change the export's time range or filter (after a PREPARE estimate) instead of downloading it. */
export class ExportChangeRequested extends Error {
  constructor(readonly step: 'time' | 'filter') {
    super(`the export was not downloaded: the user chose to change its ${step === 'time' ? 'time range' : 'filter'}`);
    this.name = 'ExportChangeRequested';
  }
}

/** A PREPARE estimate that says no packet matches (not one without numbers: the source is not indexed). */
export function estimateIsEmpty(estimate: ExportEstimate): boolean {
  return estimate.packets === 0 || (estimate.packets === undefined && estimate.bytes === 0);
}

/** The handle reached ERRORS or NODATA, or the device refused a step. */
export class ExportFailedError extends Error {
  constructor(message: string, readonly state?: ExportState) {
    super(message);
    this.name = 'ExportFailedError';
  }
}

export function extensionOf(format: ExportFormat | undefined): 'pcap' | 'pcapng' {
  return format?.startsWith('PCAPNG') ? 'pcapng' : 'pcap';
}

/** A device file name for STREAM_TO_FILE exports. */
export function defaultOutputFilename(stem: string, format: ExportFormat | undefined, now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `probe-explorer/${stem.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60)}-${t}.${extensionOf(format)}`;
}

export function validateExportForm(form: PacketExportForm): string[] {
  const p: string[] = [];
  if (!form.source?.id) p.push('choose a packet source (job, VIFG, clip or file)');
  if (form.startTime !== undefined && !(Number.isFinite(form.startTime) && form.startTime >= 0)) p.push('start time must be a time');
  if (form.endTime !== undefined && !(Number.isFinite(form.endTime) && form.endTime >= 0)) p.push('end time must be a time');
  if (form.startTime !== undefined && form.endTime !== undefined && form.endTime <= form.startTime) p.push('the end time must be after the start time');
  if (form.snapLength !== undefined && !(Number.isInteger(form.snapLength) && form.snapLength >= 1 && form.snapLength <= 65535)) p.push('snap length must be between 1 and 65535');
  const sr = form.stopRule;
  for (const key of ['time_limit', 'size_limit', 'packet_limit'] as const) {
    const v = sr?.[key];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) p.push(`stop rule ${key} must be a positive whole number`);
  }
  if (form.mode === 'BUFFER_STREAM' && !sr?.size_limit) p.push('BUFFER_STREAM needs a stop rule size limit (bytes)');
  for (const f of form.filters ?? []) if (!f.value.trim()) p.push(`the ${f.type} filter is empty`);
  return p;
}

/** Seconds as the API's time string (up to nanoseconds, no exponent). */
export function timeString(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(9).replace(/0+$/, '');
}

export function buildExportConfig(form: PacketExportForm, stem = 'export'): ExportConfig {
  const problems = validateExportForm(form);
  if (problems.length) throw new ExportFormError(problems);
  const config: ExportConfig = { path: packetSourcePath(form.source), mode: form.mode };
  if (form.startTime !== undefined) config.start_time = timeString(form.startTime);
  if (form.endTime !== undefined) config.end_time = timeString(form.endTime);
  if (form.filters?.length) config.filters = form.filters.map((f) => ({ type: f.type, value: f.value }));
  if (form.stopRule && Object.keys(form.stopRule).length) config.stop_rule = { ...form.stopRule };
  if (form.snapLength !== undefined) config.snap_length = form.snapLength;
  if (form.outputFormat) config.output_format = form.outputFormat;
  if (form.mode === 'STREAM_TO_FILE') config.output_filename = form.outputFilename ?? defaultOutputFilename(stem, form.outputFormat);
  return config;
}

export interface ExportProgress {
  phase: 'creating' | 'waiting' | 'estimate' | 'downloading' | 'cleaning up';
  state?: ExportState;
  /** Device-side processing progress, 0..100, when it reports one. */
  progress?: number;
  stats?: ExportStats;
}

export interface PacketExportOptions {
  transport: PacketExportTransport;
  device: { name: string; url?: string };
  form: PacketExportForm;
  writer: CaptureWriterOptions;
  /** Cancel: aborts the export, keeps nothing, deletes the handle. */
  signal?: AbortSignal;
  /**
   * Stop and keep (LIVE_STREAM): ends the packet stream early, keeps every complete packet
   * received, and deletes the handle as after a normal end.
   */
  stop?: AbortSignal;
  /**
   * PREPARE: shows the estimate and returns the mode to use (undefined cancels; `{ change }` ends
   * the export with ExportChangeRequested, so the wizard can reopen at that step).
   */
  pickMode?: (estimate: ExportEstimate) => Promise<DownloadMode | { change: 'time' | 'filter' } | undefined>;
  onProgress?: (p: ExportProgress) => void;
  /** Called when the packet stream starts, with what bounds it (for percent / time left). */
  onStart?: (info: { mode: DownloadMode; totalBytes?: number; totalIsEstimate?: boolean }) => void;
  /** Status poll interval (default 250 ms, backing off to 2 s). */
  pollMs?: number;
  /** Give up waiting for a state after this long (default 30 min). */
  waitLimitMs?: number;
  /** Abort the cleanup requests after this long (default 10 s). */
  cleanupTimeoutMs?: number;
  /** Re-run Capture: the capture this export repeats (recorded in the sidecar). */
  rerunOf?: RerunSource;
}

export interface PacketExportResult extends SavedCapture {
  mode: DownloadMode;
  estimate?: ExportEstimate;
  /** Cleanup problems (the capture itself is fine). */
  warnings: string[];
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Polls the handle until it reaches one of `wanted`; ERRORS and NODATA (unless wanted) fail. */
export async function waitForState(
  transport: PacketExportTransport,
  id: string,
  wanted: ExportState[],
  options: { signal?: AbortSignal; pollMs?: number; limitMs?: number; onProgress?: (p: ExportProgress) => void } = {},
): Promise<ExportHandle> {
  const started = Date.now();
  let delay = options.pollMs ?? 250;
  for (;;) {
    const h = await transport.get(id, options.signal);
    const state = h.status?.state;
    options.onProgress?.({ phase: 'waiting', state, progress: h.status?.progress, ...(h.status?.stats ? { stats: h.status.stats } : {}) });
    if (state && wanted.includes(state)) return h;
    if (state === 'ERRORS') {
      const e = h.status.error;
      throw new ExportFailedError(`the export failed on the device${e ? `: ${e.error_id ? `${e.error_id}: ` : ''}${e.error_text}` : ''}`, state);
    }
    if (state === 'NODATA') throw new ExportFailedError('no packets match this export (state NODATA)', state);
    if (state === 'DONE' && !wanted.includes('DONE')) throw new ExportFailedError(`the export finished (DONE) before it could be downloaded`, state);
    if (Date.now() - started > (options.limitMs ?? 30 * 60_000)) throw new ExportFailedError(`the export stayed in state ${state} for too long`, state);
    await sleep(delay, options.signal);
    delay = Math.min(2000, Math.round(delay * 1.5));
  }
}

/** The state each download mode must reach before packets can be fetched. */
export function readyStates(mode: DownloadMode): ExportState[] {
  switch (mode) {
    case 'LEGACY':
      return ['RUNNING'];
    case 'LIVE_STREAM':
    case 'BUFFER_STREAM':
      return ['READY'];
    case 'STREAM_TO_FILE':
      return ['DONE'];
  }
}

/** Runs one export end to end. The handle (and a STREAM_TO_FILE device file) is deleted in every case. */
export async function runPacketExport(options: PacketExportOptions): Promise<PacketExportResult> {
  const { transport, form, signal } = options;
  const startedAt = new Date();
  const stem = options.writer.stem;
  const config = buildExportConfig(form, stem);
  const warnings: string[] = [];
  // The device's last word on the export's output (stats.truncated: a limit cut it).
  let truncated = false;
  const report = (p: ExportProgress) => {
    if (p.stats?.truncated) truncated = true;
    options.onProgress?.(p);
  };
  const waitOpts = { ...(signal ? { signal } : {}), ...(options.pollMs ? { pollMs: options.pollMs } : {}), ...(options.waitLimitMs ? { limitMs: options.waitLimitMs } : {}), onProgress: report };

  report({ phase: 'creating' });
  const handle = await transport.create(config, signal);
  const id = handle.id;
  let deviceFile: string | undefined;
  let mode: DownloadMode = form.mode === 'PREPARE' ? 'LEGACY' : form.mode;
  let estimate: ExportEstimate | undefined;
  let failure: unknown;
  try {
    if (form.mode === 'PREPARE') {
      const ready = await waitForState(transport, id, ['READY'], waitOpts);
      const stats = ready.status?.stats;
      estimate = {
        ...(stats?.estimated_bytes !== undefined ? { bytes: stats.estimated_bytes } : {}),
        ...(stats?.estimated_packets !== undefined ? { packets: stats.estimated_packets } : {}),
        ...(stats?.total_bytes !== undefined ? { totalBytes: stats.total_bytes } : {}),
      };
      report({ phase: 'estimate', state: 'READY', ...(stats ? { stats } : {}) });
      const picked = options.pickMode ? await options.pickMode(estimate) : 'LEGACY';
      if (!picked) throw new ExportFailedError('cancelled after the estimate');
      if (typeof picked === 'object') throw new ExportChangeRequested(picked.change);
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      mode = picked;
      const update: Pick<ExportConfig, 'mode' | 'snap_length' | 'output_format' | 'output_filename' | 'stop_rule'> = { mode };
      if (config.snap_length !== undefined) update.snap_length = config.snap_length;
      if (config.output_format) update.output_format = config.output_format;
      if (config.stop_rule) update.stop_rule = config.stop_rule;
      if (mode === 'BUFFER_STREAM' && !config.stop_rule?.size_limit) {
        // The document requires a size limit for BUFFER_STREAM: bound it by the estimate.
        update.stop_rule = { ...config.stop_rule, size_limit: Math.max(1, Math.ceil((estimate.bytes ?? estimate.totalBytes ?? 1e9) * 1.1)) };
      }
      if (mode === 'STREAM_TO_FILE') update.output_filename = form.outputFilename ?? defaultOutputFilename(stem, form.outputFormat);
      await transport.update(id, update, signal);
      config.mode = mode;
      Object.assign(config, update);
    }
    if (mode === 'STREAM_TO_FILE') deviceFile = config.output_filename;

    // A BUFFER_STREAM handle that found nothing (NODATA) has nothing to download: with "if no
    // packet matches: keep an empty file" on, that is an empty capture in the asked format.
    const keepNoData = mode === 'BUFFER_STREAM' && form.keepEmpty === true;
    const ready = await waitForState(transport, id, keepNoData ? [...readyStates(mode), 'NODATA'] : readyStates(mode), waitOpts);
    const stats = ready.status?.stats;
    let totalBytes: number | undefined;
    let totalIsEstimate = false;
    let response: StreamResponse;
    report({ phase: 'downloading', state: ready.status?.state, ...(stats ? { stats } : {}) });
    if (ready.status?.state === 'NODATA') {
      const bytes = emptyCaptureBytes({
        format: extensionOf(config.output_format),
        nanosecond: config.output_format?.endsWith('_NS') === true,
        ...(config.snap_length !== undefined ? { snapLength: config.snap_length } : {}),
      });
      response = { status: 200, headers: { 'content-length': String(bytes.length) }, body: Readable.from([bytes]) };
    } else if (mode === 'STREAM_TO_FILE') {
      response = await transport.downloadFile(deviceFile!, signal);
    } else {
      response = await transport.packets(id, signal);
    }
    const len = Number(response.headers['content-length']);
    if (Number.isFinite(len) && len > 0 && mode !== 'LIVE_STREAM') totalBytes = len;
    else if (mode === 'BUFFER_STREAM' && stats?.exported_bytes) totalBytes = stats.exported_bytes;
    else if (estimate?.bytes) {
      totalBytes = estimate.bytes;
      totalIsEstimate = true;
    }
    options.onStart?.({ mode, ...(totalBytes !== undefined ? { totalBytes, totalIsEstimate } : {}) });
    // A LIVE_STREAM body is decoded frame by frame; the others go to the file as they are.
    const body: Readable | StreamResponse = mode === 'LIVE_STREAM' ? response.body.pipe(new LiveStreamDecoder()) : response;
    if (mode === 'LIVE_STREAM') {
      response.body.on('error', (err) => (body as Readable).destroy(err));
      // A decoder closed early (cancel, or a stop that keeps what arrived) ends the transfer too.
      (body as Readable).once('close', () => response.body.destroy());
    }
    const saved = await saveCaptureStream(body, {
      writer: { ...options.writer, extension: options.writer.extension ?? extensionOf(config.output_format) },
      ...(signal ? { signal } : {}),
      ...(options.stop ? { stop: options.stop } : {}),
      keepEmpty: form.keepEmpty === true,
      sidecar: (c): CaptureSidecar => {
        const cut = c.stoppedEarly ? undefined : shortfall(askedOf(form), c, config.stop_rule, truncated);
        return {
        schema: SIDECAR_SCHEMA,
        file: c.path.split(/[\\/]/).pop()!,
        device: { name: options.device.name, kind: 'appresponse', ...(options.device.url ? { url: options.device.url } : {}) },
        query: { ...config } as unknown as Record<string, unknown>,
        timeRange: {
          ...(form.startTime !== undefined ? { start: new Date(form.startTime * 1000).toISOString() } : {}),
          ...(form.endTime !== undefined ? { end: new Date(form.endTime * 1000).toISOString() } : {}),
        },
        mode,
        ...(estimate ? { estimate: { ...(estimate.bytes !== undefined ? { bytes: estimate.bytes } : {}), ...(estimate.packets !== undefined ? { packets: estimate.packets } : {}) } } : {}),
        ...captureFacts(c),
        ...(cut ? { cutShort: cut } : {}),
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        rerun: { kind: 'appresponse', form: { ...form } as unknown as Record<string, unknown> },
        ...(options.rerunOf ? { rerunOf: rerunRecord(c.path, options.rerunOf) } : {}),
        };
      },
    });
    return { ...saved, mode, ...(estimate ? { estimate } : {}), warnings };
  } catch (err) {
    // No packet (an empty stream, or a BUFFER_STREAM handle in NODATA not asked to be kept): say what likely caused it.
    if (err instanceof EmptyCaptureError) err.explain(noPacketsMessage(askedOf(form)));
    else if (err instanceof ExportFailedError && err.state === 'NODATA') err = new EmptyCaptureError(undefined, { cause: err }).explain(noPacketsMessage(askedOf(form)));
    failure = err;
    throw err;
  } finally {
    // Cleanup runs with its own signal: a cancelled download must still delete its handle.
    report({ phase: 'cleaning up' });
    const cleanup = AbortSignal.timeout(options.cleanupTimeoutMs ?? 10_000);
    if (deviceFile) {
      try {
        await transport.deleteFile(deviceFile, cleanup);
      } catch (err) {
        warnings.push(`the device file ${deviceFile} could not be deleted: ${(err as Error).message}`);
      }
    }
    try {
      await transport.remove(id, cleanup);
    } catch (err) {
      warnings.push(`export handle ${id} could not be deleted: ${(err as Error).message}`);
    }
    if (failure instanceof Error && warnings.length) (failure as Error & { cleanupWarnings?: string[] }).cleanupWarnings = warnings;
  }
}

/** What an export asks for, in the words the empty and cut-short messages use. */
export function askedOf(form: PacketExportForm): AskedCapture {
  const filter = form.filters?.map((f) => `${f.type} ${f.value}`).join(' and ');
  const s = form.source;
  return {
    ...(filter ? { filter } : {}),
    ...(form.startTime !== undefined ? { start: form.startTime } : {}),
    ...(form.endTime !== undefined ? { end: form.endTime } : {}),
    source: {
      name: s.name ?? s.id,
      ...(s.startTime !== undefined ? { start: s.startTime } : {}),
      ...(s.endTime !== undefined ? { end: s.endTime } : {}),
      ...(s.live ? { live: true } : {}),
    },
  };
}

/** Cleanup problems attached to a failed export's error (the handle or device file may remain). */
export function cleanupWarningsOf(err: unknown): string[] {
  return (err as { cleanupWarnings?: string[] } | undefined)?.cleanupWarnings ?? [];
}

/**
 * What the user is told when an export that ends without a failure report (the user went back to
 * change the time or filter, the device refused the filter, no packet matched) left something on
 * the device: undefined when the handle and any device file were deleted.
 */
export function cleanupNotice(what: string, err: unknown): string | undefined {
  const warnings = cleanupWarningsOf(err);
  return warnings.length ? `${what}: cleanup on the device failed: ${warnings.join('; ')}` : undefined;
}

export interface ListedPacketSources {
  sources: PacketSourceRef[];
  /** Categories that could not be listed, with why. */
  problems: string[];
}

function epochSeconds(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function withTimes(s: PacketSourceRef, start: unknown, end: unknown): PacketSourceRef {
  const a = epochSeconds(start);
  const b = epochSeconds(end);
  if (a !== undefined) s.startTime = a;
  if (b !== undefined) s.endTime = b;
  return s;
}

function jobSource(j: CaptureJob): PacketSourceRef {
  const status = j.state?.status;
  const s = withTimes({ type: 'job', id: String(j.id), name: String(j.config?.name ?? j.id) }, j.packet_start_time ?? status?.packet_start_time, j.packet_end_time ?? status?.packet_end_time);
  if (status?.state === 'RUNNING') s.live = true;
  return s;
}

/**
 * The packet source as the device describes it now (a tree node's copy may be hours old): its
 * packet time range and whether it is still capturing. A source that is still capturing ends now.
 * Throws when the device cannot be read or no longer has the source.
 */
export async function readPacketSource(http: HttpClientApi, ref: PacketSourceRef, signal?: AbortSignal, nowMs = Date.now()): Promise<PacketSourceRef> {
  const client = new AppResponseClient(http);
  const base: PacketSourceRef = { type: ref.type, id: ref.id, ...(ref.name ? { name: ref.name } : {}) };
  let fresh: PacketSourceRef | undefined;
  switch (ref.type) {
    case 'job': {
      const j = (await client.jobs({ signal })).find((x) => String(x.id) === ref.id);
      if (j) fresh = jobSource(j);
      break;
    }
    case 'clip': {
      const c = (await client.clips({ signal })).find((x) => String(x.id) === ref.id);
      if (c) fresh = withTimes({ ...base, name: String(c.config?.description || c.id) }, c.config?.start_time, c.config?.end_time);
      break;
    }
    case 'file': {
      const f = await client.fs(ref.id, { signal });
      if (f?.type === 'FILE') fresh = withTimes({ ...base }, f.start_time, f.end_time);
      break;
    }
    case 'vifg': {
      const v = (await client.vifgs({ signal })).find((x) => String(x.id) === ref.id);
      if (v) fresh = { ...base, name: String(v.config?.name ?? v.id), live: true };
      break;
    }
  }
  if (!fresh) throw new Error(`${http.deviceName} has no ${ref.type} ${ref.id} any more`);
  if (fresh.live) fresh.endTime = Math.max(fresh.endTime ?? 0, Math.floor(nowMs / 1000));
  return fresh;
}

/** Jobs, VIFGs, clips and files of a device, for the source picker. Each category may fail alone. */
export async function listPacketSources(http: HttpClientApi, signal?: AbortSignal): Promise<ListedPacketSources> {
  const client = new AppResponseClient(http);
  const problems: string[] = [];
  const attempt = async <T>(what: string, run: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await run();
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
      return [];
    }
  };
  const [jobs, vifgs, clips, files] = await Promise.all([
    attempt('capture jobs', () => client.jobs({ signal })),
    attempt('virtual interface groups', () => client.vifgs({ signal })),
    attempt('clips', () => client.clips({ signal })),
    attempt('files', () => client.listFiles('', { signal })),
  ]);
  const sources: PacketSourceRef[] = [];
  for (const j of jobs) sources.push(jobSource(j));
  for (const v of vifgs) sources.push({ type: 'vifg', id: String(v.id), name: String(v.config?.name ?? v.id), live: true });
  for (const c of clips) sources.push(withTimes({ type: 'clip', id: String(c.id), name: String(c.config?.description || c.id) }, c.config?.start_time, c.config?.end_time));
  for (const f of files) if (f.type === 'FILE') sources.push(withTimes({ type: 'file', id: f.path.replace(/^\/+/, ''), name: f.path }, f.start_time, f.end_time));
  return { sources, problems };
}
