// Typed client of the Riverbed AppResponse 11 REST API, written against the reference document.
// All requests go through the HTTP core (HttpClientApi), which owns auth (token login, refresh),
// TLS, retries and timeouts. Report instances are addressed through the Location the device returns.
import type { Readable } from 'node:stream';
import type { HttpClientApi, QueryValue, StreamResponse } from '../http/types';
import { InvalidResponseError } from '../http/errors';
import { sleep } from '../http/retry';
import { LiveStreamDecoder, type LiveStreamDecoderOptions } from './livestream';
import type { DataDef } from '../report/types';
import type {
  AuthInfo, BulkDataResponse, CaptureJob, Clip, DataDefResponse, DataDefStatus, DataQuery, DataResponse,
  DeviceInfo, ExportConfig, ExportHandle, ExportState, FieldInfo, FsEntry, InstanceResponse, ItemsList, ReportSource, ServiceEntry,
  StatusMessage, Vifg,
} from './types';

export type ReportNamespace = 'npm.reports' | 'npm.probe.reports';

/** Where a report instance lives: its id and its URI (from the Location header). */
export interface InstanceRef {
  id: number;
  /** e.g. /api/npm.reports/1.0/instances/items/1234 */
  path: string;
  namespace: ReportNamespace;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface WaitOptions extends CallOptions {
  /** Poll period (default 500 ms). */
  intervalMs?: number;
  /** Give up after this long (default 5 min). */
  timeoutMs?: number;
  /** Called after every poll. */
  onProgress?: (statuses: { id: number; status: DataDefStatus }[]) => void;
}

/** A data definition ended in `error` state; `messages` are the device's. */
export class DataDefError extends Error {
  constructor(readonly dataDefId: number, readonly messages: StatusMessage[]) {
    super(`data definition ${dataDefId} failed: ${messages.map((m) => `${m.text} (${m.module_id}/${m.id})`).join('; ') || 'no details'}`);
    this.name = 'DataDefError';
  }
}

export class WaitTimeoutError extends Error {
  constructor(what: string, afterMs: number, readonly lastState?: string) {
    super(`${what}: not done after ${Math.round(afterMs / 1000)} s${lastState ? ` (last state ${lastState})` : ''}`);
    this.name = 'WaitTimeoutError';
  }
}

const DONE_STATES = new Set(['completed', 'error', 'collecting']);

export const EXPORT_PATH = '/api/npm.packet_export/1.3';

export class AppResponseClient {
  private servicesCache?: Promise<ServiceEntry[]>;

  constructor(readonly http: HttpClientApi) {}

  /** A collection's entries: `{"items": [...]}` as documented, or a bare array; anything else is an invalid response. */
  private items<T>(path: string, response: { body: unknown }): T[] {
    const body = response.body;
    if (Array.isArray(body)) return body as T[];
    const items = (body as { items?: unknown } | null | undefined)?.items;
    if (Array.isArray(items)) return items as T[];
    throw new InvalidResponseError(this.http.deviceName, path, 'expected {"items": [...]}', JSON.stringify(body)?.slice(0, 120) ?? '');
  }

  // ---------- discovery ----------

  async info(options: CallOptions = {}): Promise<DeviceInfo> {
    return (await this.http.json<DeviceInfo>({ path: '/api/common/1.0/info', signal: options.signal })).body;
  }

  async services(options: CallOptions = {}): Promise<ServiceEntry[]> {
    this.servicesCache ??= this.http.json<ServiceEntry[]>({ path: '/api/common/1.0/services', signal: options.signal }).then((r) => r.body);
    try {
      return await this.servicesCache;
    } catch (error) {
      this.servicesCache = undefined;
      throw error;
    }
  }

  /** The highest version the device offers of a service (clients pick the highest), or undefined. */
  async serviceVersion(id: string, options: CallOptions = {}): Promise<string | undefined> {
    const entry = (await this.services(options)).find((s) => s.id === id);
    return entry?.versions.slice().sort(compareVersions).pop();
  }

  async authInfo(options: CallOptions = {}): Promise<AuthInfo> {
    return (await this.http.json<AuthInfo>({ path: '/api/common/1.0/auth_info', signal: options.signal, anonymous: true })).body;
  }

  // ---------- sources catalogue ----------

  private sourcesBase(probe?: boolean, version = '1.0'): string {
    return `/api/${probe ? 'npm.probe.reports.sources' : 'npm.reports.sources'}/${version}`;
  }

  private localeHeaders(locale?: 'en_US' | 'zh_CN'): Record<string, string> | undefined {
    return locale ? { 'Accept-Language': locale } : undefined;
  }

  /** All report sources; `probe` reads npm.probe.reports.sources (packets); `locale: 'zh_CN'` for Chinese labels. */
  async sources(options: CallOptions & SourcesOptions = {}): Promise<ReportSource[]> {
    const path = `${this.sourcesBase(options.probe, options.version)}/sources`;
    return this.items<ReportSource>(path, await this.http.json({ path, headers: this.localeHeaders(options.locale), signal: options.signal }));
  }

  async source(name: string, options: CallOptions & SourcesOptions = {}): Promise<ReportSource> {
    return (await this.http.json<ReportSource>({ path: `${this.sourcesBase(options.probe, options.version)}/sources/items/${encodeURIComponent(name)}`, headers: this.localeHeaders(options.locale), signal: options.signal })).body;
  }

  /** Enumerated values of a field (e.g. ip.protocol.type_name). */
  async field(field: string, options: CallOptions & { probe?: boolean; locale?: 'en_US' | 'zh_CN' } = {}): Promise<FieldInfo> {
    return (await this.http.json<FieldInfo>({ path: `${this.sourcesBase(options.probe)}/fields/items/${encodeURIComponent(field)}`, headers: this.localeHeaders(options.locale), signal: options.signal })).body;
  }

  // ---------- report instances ----------

  /** The instances collection of a namespace; `version` is the service version (default 1.0). */
  instancesBase(namespace: ReportNamespace, version = '1.0'): string {
    return `/api/${namespace}/${version}/instances`;
  }

  private ref(instance: InstanceRef | number, namespace: ReportNamespace = 'npm.reports'): InstanceRef {
    return typeof instance === 'number' ? { id: instance, namespace, path: `${this.instancesBase(namespace)}/items/${instance}` } : instance;
  }

  private refFrom(namespace: ReportNamespace, location: string | undefined, body: InstanceResponse): InstanceRef {
    const path = location ? new URL(location, 'https://device').pathname : `${this.instancesBase(namespace)}/items/${body.id}`;
    return { id: body.id, namespace, path };
  }

  /** POST instances (asynchronous API). Live instances go to npm.probe.reports. */
  async createInstance(dataDefs: DataDef[], options: CallOptions & { live?: boolean; idleTimeoutSec?: number; namespace?: ReportNamespace } = {}): Promise<{ ref: InstanceRef; instance: InstanceResponse }> {
    const namespace = options.namespace ?? (options.live ? 'npm.probe.reports' : 'npm.reports');
    const body: Record<string, unknown> = { data_defs: dataDefs };
    if (options.live) body.live = true;
    if (options.idleTimeoutSec !== undefined) body.idle_timeout = String(options.idleTimeoutSec);
    const r = await this.http.json<InstanceResponse>({ method: 'POST', path: this.instancesBase(namespace), body, signal: options.signal });
    return { ref: this.refFrom(namespace, r.headers.location, r.body), instance: r.body };
  }

  /**
   * POST instances/sync: completed data in one call, or the unfinished state after the device's
   * re-attach window (50 s); `reattach` then waits again.
   */
  async createSync(dataDefs: DataDef[], options: CallOptions & { namespace?: ReportNamespace } = {}): Promise<{ ref: InstanceRef; instance: InstanceResponse; done: boolean }> {
    const namespace = options.namespace ?? 'npm.reports';
    const r = await this.http.json<InstanceResponse>({
      method: 'POST', path: `${this.instancesBase(namespace)}/sync`, body: { data_defs: dataDefs }, signal: options.signal,
      timeouts: { headersMs: 70_000 },
    });
    return { ref: this.refFrom(namespace, r.headers.location, r.body), instance: r.body, done: instanceDone(r.body) };
  }

  /** GET items/<id>/sync: blocks up to the re-attach window. */
  async reattach(instance: InstanceRef | number, options: CallOptions = {}): Promise<{ instance: InstanceResponse; done: boolean }> {
    const ref = this.ref(instance);
    const r = await this.http.json<InstanceResponse>({ path: `${ref.path}/sync`, signal: options.signal, timeouts: { headersMs: 70_000 } });
    return { instance: r.body, done: instanceDone(r.body) };
  }

  /** Sync request plus as many re-attaches as needed, within timeoutMs. */
  async runSync(dataDefs: DataDef[], options: CallOptions & { timeoutMs?: number; namespace?: ReportNamespace } = {}): Promise<{ ref: InstanceRef; instance: InstanceResponse }> {
    const started = Date.now();
    const timeout = options.timeoutMs ?? 300_000;
    const first = await this.createSync(dataDefs, options);
    let instance = first.instance;
    let done = first.done;
    while (!done) {
      if (Date.now() - started > timeout) throw new WaitTimeoutError(`report instance ${first.ref.id}`, timeout, firstPendingState(instance));
      ({ instance, done } = await this.reattach(first.ref, options));
    }
    return { ref: first.ref, instance };
  }

  async listInstances(options: CallOptions & { namespace?: ReportNamespace; version?: string } = {}): Promise<InstanceResponse[]> {
    const path = this.instancesBase(options.namespace ?? 'npm.reports', options.version);
    return this.items<InstanceResponse>(path, await this.http.json({ path, signal: options.signal }));
  }

  async getInstance(instance: InstanceRef | number, options: CallOptions = {}): Promise<InstanceResponse> {
    return (await this.http.json<InstanceResponse>({ path: this.ref(instance).path, signal: options.signal })).body;
  }

  /** Every data_def with status and actual_time (the live "bulk information" call). */
  async dataDefs(instance: InstanceRef | number, options: CallOptions = {}): Promise<DataDefResponse[]> {
    return (await this.http.json<DataDefResponse[]>({ path: `${this.ref(instance).path}/data_defs`, signal: options.signal })).body;
  }

  /** One data_def with status and actual_time (live: the end moves forward). */
  async dataDef(instance: InstanceRef | number, dataDefId: number, options: CallOptions = {}): Promise<DataDefResponse> {
    return (await this.http.json<DataDefResponse>({ path: `${this.ref(instance).path}/data_defs/items/${dataDefId}`, signal: options.signal })).body;
  }

  async status(instance: InstanceRef | number, dataDefId: number, options: CallOptions = {}): Promise<{ id: number; status: DataDefStatus }> {
    return (await this.http.json<{ id: number; status: DataDefStatus }>({ path: `${this.ref(instance).path}/data_defs/items/${dataDefId}/status`, signal: options.signal })).body;
  }

  async statusAll(instance: InstanceRef | number, options: CallOptions = {}): Promise<{ id: number; status: DataDefStatus }[]> {
    return (await this.http.json<{ id: number; status: DataDefStatus }[]>({ path: `${this.ref(instance).path}/data_defs/status`, signal: options.signal })).body;
  }

  /** Polls the status of every data_def until each is completed, error or collecting. */
  async waitForInstance(instance: InstanceRef | number, options: WaitOptions = {}): Promise<{ id: number; status: DataDefStatus }[]> {
    const started = Date.now();
    const timeout = options.timeoutMs ?? 300_000;
    for (;;) {
      const statuses = await this.statusAll(instance, options);
      options.onProgress?.(statuses);
      if (statuses.every((s) => DONE_STATES.has(s.status.state))) return statuses;
      if (Date.now() - started > timeout) throw new WaitTimeoutError(`report instance ${this.ref(instance).id}`, timeout, statuses.find((s) => !DONE_STATES.has(s.status.state))?.status.state);
      await sleep(options.intervalMs ?? 500, options.signal);
    }
  }

  /** GET data of one data_def with limit, offset, sort_by, columns (and live: start_time, end_time, resolution, nsamples). */
  async data(instance: InstanceRef | number, dataDefId: number, query: DataQuery = {}, options: CallOptions = {}): Promise<DataResponse> {
    const q: Record<string, QueryValue> = {};
    if (query.limit !== undefined) q.limit = query.limit;
    if (query.offset !== undefined) q.offset = query.offset;
    if (query.sortBy?.length) q.sort_by = query.sortBy.map((s) => `${s.id} ${s.direction}`).join(',');
    if (query.columns?.length) q.columns = query.columns.join(',');
    if (query.resolution !== undefined) q.resolution = query.resolution;
    if (query.startTime !== undefined) q.start_time = query.startTime;
    if (query.endTime !== undefined) q.end_time = query.endTime;
    if (query.nsamples) q.nsamples = 'true';
    const r = await this.http.json<DataResponse>({ path: `${this.ref(instance).path}/data_defs/items/${dataDefId}/data`, query: q, signal: options.signal });
    return { ...r.body, data: r.body.data ?? [] };
  }

  /** Every data_def's data in one call (no paging parameters). */
  async bulkData(instance: InstanceRef | number, options: CallOptions = {}): Promise<BulkDataResponse> {
    return (await this.http.json<BulkDataResponse>({ path: `${this.ref(instance).path}/data`, signal: options.signal })).body;
  }

  /** DELETE an instance; one already gone (purged or deleted elsewhere, 404) is no error. Other statuses throw HttpStatusError. */
  async deleteInstance(instance: InstanceRef | number, options: CallOptions = {}): Promise<void> {
    try {
      await this.http.text({ method: 'DELETE', path: this.ref(instance).path, signal: options.signal });
    } catch (error) {
      if (!isHttpStatus(error, 404)) throw error;
    }
  }

  /**
   * Asynchronous workflow in one call: create, wait, fetch every data_def's rows, delete.
   * A data_def in error state throws DataDefError (after the instance is deleted).
   */
  async runReport(dataDefs: DataDef[], options: WaitOptions & { keep?: boolean } = {}): Promise<{ ref: InstanceRef; results: DataResponse[]; dataDefs: DataDefResponse[] }> {
    const { ref } = await this.createInstance(dataDefs, options);
    try {
      await this.waitForInstance(ref, options);
      const defs = await this.dataDefs(ref, options);
      const failed = defs.find((d) => d.status.state === 'error');
      if (failed) throw new DataDefError(failed.id, failed.status.messages ?? []);
      const results: DataResponse[] = [];
      for (const d of defs) results.push(await this.data(ref, d.id, {}, options));
      return { ref, results, dataDefs: defs };
    } finally {
      if (!options.keep) await this.deleteInstance(ref).catch(() => undefined);
    }
  }

  // ---------- live ----------

  /** POST npm.probe.reports instances with live: true (granularity required per data_def). */
  createLive(dataDefs: DataDef[], options: CallOptions & { idleTimeoutSec?: number } = {}): Promise<{ ref: InstanceRef; instance: InstanceResponse }> {
    return this.createInstance(dataDefs, { ...options, live: true });
  }

  /** The live data available now: [start, end) of actual_time. */
  async liveRange(instance: InstanceRef, dataDefId: number, options: CallOptions = {}): Promise<{ start: string; end: string } | undefined> {
    const def = await this.dataDef(instance, dataDefId, options);
    const ranges = def.actual_time?.time_ranges ?? [];
    return ranges.length ? { start: ranges[0].start, end: ranges[ranges.length - 1].end } : undefined;
  }

  // ---------- packet capture inventory ----------

  async vifgs(options: CallOptions & { version?: string } = {}): Promise<Vifg[]> {
    const path = `/api/npm.packet_capture/${options.version ?? '2.0'}/vifgs`;
    return this.items<Vifg>(path, await this.http.json({ path, signal: options.signal }));
  }

  async updateVifg(id: number, config: Vifg['config'], options: CallOptions & { version?: string } = {}): Promise<Vifg> {
    return (await this.http.json<Vifg>({ method: 'PUT', path: `/api/npm.packet_capture/${options.version ?? '2.0'}/vifgs/items/${id}`, body: { config }, signal: options.signal })).body;
  }

  async jobs(options: CallOptions & { version?: string } = {}): Promise<CaptureJob[]> {
    const path = `/api/npm.packet_capture/${options.version ?? '3.0'}/jobs`;
    return this.items<CaptureJob>(path, await this.http.json({ path, signal: options.signal }));
  }

  async clips(options: CallOptions & { version?: string } = {}): Promise<Clip[]> {
    const path = `/api/npm.clips/${options.version ?? '1.0'}/clips`;
    return this.items<Clip>(path, await this.http.json({ path, signal: options.signal }));
  }

  /**
   * The file system tree at `path` ('' = root): a DIRECTORY with dirs/files, or a FILE entry. A root
   * answered as a list (`{"items": [...]}`) becomes a DIRECTORY holding those files.
   */
  async fs(path = '', options: CallOptions & { version?: string } = {}): Promise<FsEntry> {
    const clean = path.replace(/^\/+|\/+$/g, '');
    const body = (await this.http.json<FsEntry | ItemsList<FsEntry>>({ path: `/api/npm.filesystem/${options.version ?? '1.0'}/fs${clean ? `/${encodePath(clean)}` : ''}`, signal: options.signal })).body;
    if (body && typeof body === 'object' && 'items' in body && Array.isArray(body.items)) return { id: '/', type: 'DIRECTORY', path: '/', files: body.items };
    return body as FsEntry;
  }

  /** Every file under `path`, walking directories. */
  async listFiles(path = '', options: CallOptions = {}): Promise<FsEntry[]> {
    const entry = await this.fs(path, options);
    if (entry.type === 'FILE') return [entry];
    const out: FsEntry[] = [...(entry.files ?? [])];
    for (const d of entry.dirs ?? []) out.push(...(await this.listFiles(d.path, options)));
    return out;
  }

  /** GET fileop/download/<path> as a stream (e.g. a STREAM_TO_FILE export). */
  download(path: string, options: CallOptions = {}): Promise<StreamResponse> {
    return this.http.stream({ path: `/api/npm.filesystem/1.0/fileop/download/${encodePath(path.replace(/^\/+/, '').replace(/^fs\//, ''))}`, signal: options.signal });
  }

  async deleteFile(path: string, options: CallOptions = {}): Promise<void> {
    await this.http.raw({ method: 'DELETE', path: `/api/npm.filesystem/1.0/fs/${encodePath(path.replace(/^\/+/, '').replace(/^fs\//, ''))}`, signal: options.signal });
  }

  // ---------- packet export ----------

  async createExport(config: ExportConfig, options: CallOptions = {}): Promise<ExportHandle & { location?: string }> {
    const r = await this.http.json<ExportHandle>({ method: 'POST', path: `${EXPORT_PATH}/exports`, body: { config }, signal: options.signal });
    return { ...r.body, location: r.headers.location };
  }

  async exportStatus(id: string, options: CallOptions = {}): Promise<ExportHandle> {
    return (await this.http.json<ExportHandle>({ path: `${EXPORT_PATH}/exports/items/${encodeURIComponent(id)}`, signal: options.signal })).body;
  }

  async listExports(options: CallOptions = {}): Promise<ExportHandle[]> {
    return (await this.http.json<ItemsList<ExportHandle>>({ path: `${EXPORT_PATH}/exports`, signal: options.signal })).body.items ?? [];
  }

  /** After PREPARE: pick the mode (and snap_length, output_format, output_filename, stop_rule). */
  async updateExport(id: string, changes: Pick<ExportConfig, 'mode' | 'snap_length' | 'output_format' | 'output_filename' | 'stop_rule'>, options: CallOptions = {}): Promise<ExportHandle> {
    return (await this.http.json<ExportHandle>({ method: 'PUT', path: `${EXPORT_PATH}/packets/items/${encodeURIComponent(id)}`, body: { config: changes }, signal: options.signal })).body;
  }

  /** Polls until the handle reaches one of `states` (ERRORS and NODATA always end the wait). */
  async waitForExport(id: string, states: ExportState[], options: WaitOptions & { onStatus?: (h: ExportHandle) => void } = {}): Promise<ExportHandle> {
    const started = Date.now();
    const timeout = options.timeoutMs ?? 300_000;
    for (;;) {
      const h = await this.exportStatus(id, options);
      options.onStatus?.(h);
      if (states.includes(h.status.state) || h.status.state === 'ERRORS' || h.status.state === 'NODATA') return h;
      if (Date.now() - started > timeout) throw new WaitTimeoutError(`export ${id}`, timeout, h.status.state);
      await sleep(options.intervalMs ?? 500, options.signal);
    }
  }

  /** GET packets/items/<id>: the raw body (LIVE_STREAM frames for LIVE_STREAM handles). */
  exportPackets(id: string, options: CallOptions = {}): Promise<StreamResponse> {
    return this.http.stream({ path: `${EXPORT_PATH}/packets/items/${encodeURIComponent(id)}`, signal: options.signal });
  }

  /** The capture file bytes: LIVE_STREAM frames decoded (ERROR frames fail the stream), other modes as they are. */
  async exportCapture(id: string, mode: ExportConfig['mode'], options: CallOptions & LiveStreamDecoderOptions = {}): Promise<Readable> {
    const r = await this.exportPackets(id, options);
    if (mode !== 'LIVE_STREAM') return r.body;
    const decoder = new LiveStreamDecoder(options);
    r.body.on('error', (e) => decoder.destroy(e));
    return r.body.pipe(decoder);
  }

  async deleteExport(id: string, options: CallOptions = {}): Promise<void> {
    const r = await this.http.raw({ method: 'DELETE', path: `${EXPORT_PATH}/exports/items/${encodeURIComponent(id)}`, signal: options.signal });
    if (r.status !== 204 && r.status !== 200 && r.status !== 404) throw new Error(`${this.http.deviceName}: DELETE export ${id}: HTTP ${r.status}`);
  }

  // ---------- NetProfiler export ----------

  async profilerExportSettings(options: CallOptions = {}): Promise<Record<string, unknown>> {
    return (await this.http.json<Record<string, unknown>>({ path: '/api/npm.profiler_export/1.0/settings', signal: options.signal })).body;
  }

  async setProfilerExportSettings(settings: Record<string, unknown>, options: CallOptions = {}): Promise<Record<string, unknown>> {
    return (await this.http.json<Record<string, unknown>>({ method: 'PUT', path: '/api/npm.profiler_export/1.0/settings', body: settings, signal: options.signal })).body;
  }

  async profilerExportStats(options: CallOptions = {}): Promise<Record<string, unknown>> {
    return (await this.http.json<Record<string, unknown>>({ path: '/api/npm.profiler_export/1.0/stats', signal: options.signal })).body;
  }
}

export interface SourcesOptions {
  /** npm.probe.reports.sources (the packets source) instead of npm.reports.sources. */
  probe?: boolean;
  /** Service version (default 1.0). */
  version?: string;
  /** `zh_CN` for Chinese labels. */
  locale?: 'en_US' | 'zh_CN';
}

/** An HttpStatusError (or any ProbeError of kind http) with one of these statuses. */
export function isHttpStatus(error: unknown, ...statuses: number[]): boolean {
  const e = error as { kind?: string; status?: number } | undefined;
  return e?.kind === 'http' && statuses.includes(e.status ?? 0);
}

export function instanceDone(instance: InstanceResponse): boolean {
  return instance.data_defs.every((d) => DONE_STATES.has(d.status.state));
}

function firstPendingState(instance: InstanceResponse): string | undefined {
  return instance.data_defs.find((d) => !DONE_STATES.has(d.status.state))?.status.state;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** Orders dotted service versions numerically ("1.10" after "1.9"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
