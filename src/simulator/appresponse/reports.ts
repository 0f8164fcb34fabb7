// Report instances of npm.reports (asynchronous and synchronous) and npm.probe.reports (live):
// the documented state machines, data paging and sorting, bulk data, purge after idle time.
import type { DataDefResponse, InstanceResponse, ReportSource, StatusMessage } from '../../appresponse/types';
import type { DataDef } from '../../report/types';
import { ApiError, badRequest, notFound } from './router';
import {
  DataDefError, actualRange, computeRows, planDataDef, validateDataDef, type EngineContext, type Plan,
} from './engine';
import { NS, floorTo, formatEpochNs, parseEpochNs, resolveResolution, secondsToNs, TimeSpecError } from './time';

export interface ReportKnobs {
  /** Duration of each state step (pending → initializing → executing → completed). */
  stepMs: number;
  /** The sync API answers unfinished after this long (50 s on a device). */
  syncWindowMs: number;
  /** Non-live instances are purged after this idle time (one day on a device). */
  instanceIdleMs: number;
  /** Live instances without idle_timeout are purged after this idle time (one hour on a device). */
  liveIdleMs: number;
  /** Steps a live data_def spends initializing (progress.percent rises meanwhile). */
  liveInitSteps: number;
}

export interface ReportFaults {
  /** Every data_def stays `executing` forever. */
  neverComplete: boolean;
}

interface InstanceDataDef {
  id: number;
  request: DataDef;
  source?: ReportSource;
  plan?: Plan;
  error?: StatusMessage;
  neverComplete: boolean;
  rows?: string[][];
  actual?: { start: bigint; end: bigint };
}

export interface Instance {
  id: number;
  live: boolean;
  idleTimeoutMs: number;
  idleTimeoutText?: string;
  owner: string;
  namespace: string;
  createdMs: number;
  lastSeenMs: number;
  createdNs: bigint;
  defs: InstanceDataDef[];
  ctx: EngineContext;
}

export interface ReportEnv {
  sources: (locale?: 'en_US' | 'zh_CN') => Map<string, ReportSource>;
  engineContext: () => EngineContext;
  clock: () => number;
  knobs: ReportKnobs;
  faults: ReportFaults;
  /** Packet source paths that exist (fs/..., jobs/..., vifgs/..., clips/...). */
  packetPathExists: (path: string) => boolean;
}

const INSTANCE_PROPS = new Set(['live', 'idle_timeout', 'data_defs']);

export class ReportService {
  private readonly instances = new Map<number, Instance>();
  private nextId = 1000;

  constructor(private readonly env: ReportEnv) {}

  get count(): number {
    return this.instances.size;
  }

  /** POST instances: shallow validation (400), then the instance starts its state machines. */
  create(body: unknown, owner: string, namespace: 'npm.reports' | 'npm.probe.reports'): Instance {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request body must be a JSON object');
    const b = body as Record<string, unknown>;
    for (const key of Object.keys(b)) if (!INSTANCE_PROPS.has(key)) throw badRequest(`Unknown property '${key}'`);
    if (b.live !== undefined && typeof b.live !== 'boolean') throw badRequest(`live: expected a boolean`);
    const live = b.live === true;
    if (live && namespace !== 'npm.probe.reports') throw badRequest('live: live instances are served by npm.probe.reports');
    if (!Array.isArray(b.data_defs)) throw badRequest('data_defs: required array');
    let idleTimeoutMs = live ? this.env.knobs.liveIdleMs : this.env.knobs.instanceIdleMs;
    if (b.idle_timeout !== undefined) {
      const ns = secondsToNs(String(b.idle_timeout));
      if (ns === undefined) throw badRequest(`idle_timeout: invalid value '${String(b.idle_timeout)}'`);
      idleTimeoutMs = Number(ns / 1_000_000n);
    }
    const sources = this.env.sources();
    const requests = b.data_defs.map((d, i) => validateDataDef(d, i, sources, live));
    for (const [i, r] of requests.entries()) {
      if (r.source.name === 'packets' && r.source.path && !this.env.packetPathExists(r.source.path)) {
        throw badRequest(`data_defs[${i}].source.path: unknown packet source '${r.source.path}'`);
      }
      if (live && r.source.name !== 'packets') throw badRequest(`data_defs[${i}].source.name: live requests need the packets source`);
    }
    const ctx = this.env.engineContext();
    const now = this.env.clock();
    const instance: Instance = {
      id: this.nextId++,
      live,
      idleTimeoutMs,
      idleTimeoutText: b.idle_timeout !== undefined ? String(b.idle_timeout) : undefined,
      owner,
      namespace,
      createdMs: now,
      lastSeenMs: now,
      createdNs: ctx.now,
      ctx,
      defs: requests.map((request, i) => this.prepare(i + 1, request, sources.get(request.source.name)!, ctx, live)),
    };
    // The state machine starts once the request is accepted (planning time is not a step).
    instance.createdMs = instance.lastSeenMs = this.env.clock();
    this.instances.set(instance.id, instance);
    return instance;
  }

  private prepare(id: number, request: DataDef, source: ReportSource, ctx: EngineContext, live: boolean): InstanceDataDef {
    const def: InstanceDataDef = { id, request, source, neverComplete: this.env.faults.neverComplete || /never[-_ ]complete/i.test(request.reference ?? '') };
    try {
      def.plan = planDataDef(request, source, ctx, live);
    } catch (error) {
      if (error instanceof DataDefError) def.error = { module_id: error.moduleId, id: error.id, text: error.message, details: error.details };
      else def.error = { module_id: 'report_manager', id: 'internal_error', text: (error as Error).message, details: {} };
    }
    return def;
  }

  get(id: string | number): Instance {
    this.purge();
    const instance = this.instances.get(Number(id));
    if (!instance) throw notFound(`report instance ${id}`);
    instance.lastSeenMs = this.env.clock();
    return instance;
  }

  list(): Instance[] {
    this.purge();
    return [...this.instances.values()];
  }

  delete(id: string | number): void {
    if (!this.instances.delete(Number(id))) throw notFound(`report instance ${id}`);
  }

  clear(): void {
    this.instances.clear();
  }

  /** Drops instances idle for longer than their idle time. */
  purge(): void {
    const now = this.env.clock();
    for (const [id, i] of this.instances) if (now - i.lastSeenMs > i.idleTimeoutMs) this.instances.delete(id);
  }

  def(instance: Instance, defId: string | number): InstanceDataDef {
    const d = instance.defs.find((x) => x.id === Number(defId));
    if (!d) throw notFound(`data definition ${defId} of report instance ${instance.id}`);
    return d;
  }

  // ---------- state ----------

  private elapsedSteps(instance: Instance): number {
    return (this.env.clock() - instance.createdMs) / Math.max(1, this.env.knobs.stepMs);
  }

  state(instance: Instance, def: InstanceDataDef): { state: DataDefResponse['status']['state']; percent: number; remainingSec: number } {
    const steps = this.elapsedSteps(instance);
    const step = this.env.knobs.stepMs / 1000;
    if (steps < 1) return { state: 'pending', percent: 0, remainingSec: step * 3 };
    if (instance.live) {
      const init = this.env.knobs.liveInitSteps;
      if (def.error && steps >= 2) return { state: 'error', percent: 100, remainingSec: 0 };
      if (steps < 1 + init) return { state: 'initializing', percent: Math.min(99, Math.floor(((steps - 1) / init) * 100)), remainingSec: (1 + init - steps) * step };
      return { state: def.error ? 'error' : 'collecting', percent: 100, remainingSec: 0 };
    }
    if (steps < 2) return { state: 'initializing', percent: Math.floor((steps / 3) * 100), remainingSec: (3 - steps) * step };
    if (def.error) return { state: 'error', percent: 100, remainingSec: 0 };
    if (steps < 3 || def.neverComplete) {
      return { state: 'executing', percent: def.neverComplete ? 66 : Math.floor((steps / 3) * 100), remainingSec: def.neverComplete ? 3600 : (3 - steps) * step };
    }
    return { state: 'completed', percent: 100, remainingSec: 0 };
  }

  isDone(instance: Instance): boolean {
    return instance.defs.every((d) => {
      const s = this.state(instance, d).state;
      return s === 'completed' || s === 'error' || s === 'collecting';
    });
  }

  /** Rows of a completed (non-live) data_def, computed once. */
  private rows(instance: Instance, def: InstanceDataDef): string[][] {
    if (!def.rows) {
      try {
        def.actual = actualRange(def.plan!, instance.ctx);
        def.rows = computeRows(def.plan!, instance.ctx, def.actual.start, def.actual.end, def.plan!.resolution);
      } catch (error) {
        def.error = { module_id: 'report_manager', id: 'execution_failed', text: (error as Error).message, details: {} };
        def.rows = [];
      }
    }
    return def.rows;
  }

  /** Live: the data currently available, [start, end) moving forward with the clock. */
  liveRange(instance: Instance, def: InstanceDataDef): { start: bigint; end: bigint } {
    const plan = def.plan!;
    const g = plan.granularity;
    const nowNs = instance.ctx.now + BigInt(this.env.clock() - instance.createdMs) * 1_000_000n;
    const retention = secondsToNs(def.request.time?.retention_time ?? '3600') ?? 3600n * NS;
    // Backfill a little history (1000 bins at most) so data is there as soon as collecting starts.
    const backfill = g * 1000n < retention ? g * 1000n : retention;
    let start = floorTo(instance.createdNs - backfill, g);
    const end = floorTo(nowNs, g);
    if (end - start > retention) start = floorTo(end - retention, g);
    return { start, end };
  }

  // ---------- JSON ----------

  defJson(instance: Instance, def: InstanceDataDef, withData = false): DataDefResponse {
    const s = this.state(instance, def);
    const out: DataDefResponse = { ...def.request, id: def.id, status: { state: s.state, progress: { percent: s.percent } } } as DataDefResponse;
    if (!instance.live) out.status.progress!.remaining_sec = Math.round(s.remainingSec * 1000) / 1000;
    if (s.state === 'error' && def.error) out.status.messages = [def.error];
    if (s.state === 'completed') {
      const rows = this.rows(instance, def);
      if (def.error) {
        out.status = { state: 'error', progress: { percent: 100, remaining_sec: 0 }, messages: [def.error] };
        return out;
      }
      out.actual_time = { time_ranges: [{ start: formatEpochNs(def.actual!.start), end: formatEpochNs(def.actual!.end) }] };
      out.actual_filters = def.plan!.filters.actual;
      out.time = { ...def.request.time, granularity: formatEpochNs(def.plan!.granularity), resolution: formatEpochNs(def.plan!.resolution) };
      if (withData) {
        out.meta = { count: rows.length, total: rows.length };
        if (rows.length) out.data = rows;
      }
    }
    if (s.state === 'collecting') {
      const r = this.liveRange(instance, def);
      out.actual_time = { time_ranges: [{ start: formatEpochNs(r.start), end: formatEpochNs(r.end) }] };
      out.actual_filters = def.plan!.filters.actual;
    }
    return out;
  }

  instanceJson(instance: Instance, withData = false): InstanceResponse & { owner: string } {
    const out: InstanceResponse & { owner: string } = { id: instance.id, owner: instance.owner, data_defs: instance.defs.map((d) => this.defJson(instance, d, withData)) };
    if (instance.live) out.live = true;
    if (instance.idleTimeoutText !== undefined) out.idle_timeout = instance.idleTimeoutText;
    return out;
  }

  statusJson(instance: Instance, def: InstanceDataDef): { id: number; status: DataDefResponse['status'] } {
    const full = this.defJson(instance, def);
    return { id: def.id, status: full.status };
  }

  /** GET .../data_defs/items/<id>/data with limit, offset, sort_by, columns (and for live: start_time, end_time, resolution, nsamples). */
  data(instance: Instance, def: InstanceDataDef, query: URLSearchParams, locale?: 'en_US' | 'zh_CN'): { meta: Record<string, unknown>; data?: string[][]; columns: string[] } {
    const s = this.state(instance, def).state;
    if (s === 'error') throw badRequest(`Data definition ${def.id} is in error state: ${def.error?.text ?? 'unknown error'}`);
    const meta: Record<string, unknown> = {};
    let rows: string[][];
    const params = normaliseQuery(query);
    if (instance.live) {
      if (s !== 'collecting') throw badRequest(`Data definition ${def.id} is not collecting yet (state ${s})`);
      const plan = def.plan!;
      const available = this.liveRange(instance, def);
      const startText = params.get('start_time');
      const endText = params.get('end_time');
      let start = startText ? parseEpochNs(startText) : available.start;
      let end = endText ? parseEpochNs(endText) : available.end;
      if (start === undefined) throw badRequest(`start_time: invalid value '${startText}'`);
      if (end === undefined) throw badRequest(`end_time: invalid value '${endText}'`);
      let resolution: bigint;
      try {
        resolution = resolveResolution(params.get('resolution') ?? undefined, plan.granularity);
      } catch (error) {
        throw badRequest((error as TimeSpecError).message);
      }
      start = start < available.start ? available.start : start;
      end = end > available.end ? available.end : end;
      const nsamples = params.get('nsamples') === 'true';
      rows = end > start ? computeRows(plan, instance.ctx, floorTo(start, resolution), end, resolution, { nsamples }) : [];
      if (startText) meta.start_time = startText;
      if (endText) meta.end_time = endText;
      meta.resolution = formatEpochNs(resolution);
      if (params.has('nsamples')) meta.nsamples = nsamples;
    } else {
      if (s !== 'completed') throw badRequest(`Data definition ${def.id} is not completed yet (state ${s})`);
      rows = this.rows(instance, def);
    }
    return page(rows, def.request.columns, instance.ctx && def.source ? this.env.sources(locale).get(def.source.name)! : undefined, params, meta);
  }

  bulkData(instance: Instance): { data_defs: unknown[] } {
    return {
      data_defs: instance.defs.map((def) => {
        const s = this.state(instance, def).state;
        const rows = s === 'completed' ? this.rows(instance, def) : [];
        const out: Record<string, unknown> = {
          datasource_id: String(150000 + instance.id * 10 + def.id),
          meta: { count: rows.length, total: rows.length },
          reference_id: def.request.reference_id ?? def.request.reference ?? '',
          id: def.id,
          columns: def.request.columns,
        };
        if (rows.length) out.data = rows;
        if (s !== 'completed') out.status = this.statusJson(instance, def).status;
        return out;
      }),
    };
  }
}

/** The document's own example drops an '&' ("resolution=5start_time=..."): read that as two parameters. */
function normaliseQuery(query: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of query) {
    const m = /^(\d+(?:\.\d+)?)([a-z_]+)=(.+)$/.exec(v);
    if (m) {
      out.set(k, m[1]);
      out.set(m[2], m[3]);
    } else out.set(k, v);
  }
  return out;
}

const NUMERIC = new Set(['number', 'integer', 'port', 'timestamp', 'duration']);

function page(rows: string[][], requestColumns: string[], source: ReportSource | undefined, params: URLSearchParams, meta: Record<string, unknown>): { meta: Record<string, unknown>; data?: string[][]; columns: string[] } {
  const byId = new Map((source?.columns ?? []).map((c) => [c.id, c]));
  let out = rows;
  const sortBy = params.get('sort_by');
  if (sortBy) {
    const keys = sortBy.split(',').map((part) => {
      const [id, dir = 'asc', extra] = part.trim().split(/\s+/);
      if (extra !== undefined || (dir !== 'asc' && dir !== 'desc')) throw badRequest(`sort_by: invalid sort '${part.trim()}' (expected 'column_id asc|desc')`);
      const index = requestColumns.indexOf(id);
      if (index < 0) throw badRequest(`sort_by: column '${id}' is not in the data`);
      if (byId.get(id)?.sortable === false) throw badRequest(`sort_by: column '${id}' is not sortable`);
      return { index, dir, numeric: NUMERIC.has(byId.get(id)?.type ?? '') };
    });
    out = [...out].sort((a, b) => {
      for (const k of keys) {
        // #N/A, #N/D and NULL sort last in either direction.
        const sa = isSpecial(a[k.index]);
        const sb = isSpecial(b[k.index]);
        if (sa || sb) {
          if (sa !== sb) return sa ? 1 : -1;
          continue;
        }
        const d = compareCells(a[k.index], b[k.index], k.numeric);
        if (d) return k.dir === 'desc' ? -d : d;
      }
      return 0;
    });
    meta.sort_by = sortBy;
  }
  const total = out.length;
  const offset = intParam(params, 'offset');
  const limit = intParam(params, 'limit');
  if (offset !== undefined) {
    out = out.slice(offset);
    meta.offset = offset;
  }
  if (limit !== undefined) {
    out = out.slice(0, limit);
    meta.limit = limit;
  }
  let columns = requestColumns;
  const columnsParam = params.get('columns');
  if (columnsParam) {
    const wanted = columnsParam.split(',').map((c) => c.trim()).filter(Boolean);
    const indexes = wanted.map((id) => {
      const i = requestColumns.indexOf(id);
      if (i < 0) throw badRequest(`columns: column '${id}' is not in the data definition`);
      return i;
    });
    out = out.map((row) => indexes.map((i) => row[i]));
    columns = wanted;
    meta.columns = columnsParam;
  }
  const result: { meta: Record<string, unknown>; data?: string[][]; columns: string[] } = { meta: { count: out.length, total, ...meta }, columns: [...columns] };
  if (out.length) result.data = out;
  return result;
}

function intParam(params: URLSearchParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`${name}: expected a non-negative integer, got '${v}'`);
  return n;
}

function isSpecial(v: string): boolean {
  return v === '#N/A' || v === '#N/D' || v === 'NULL';
}

function compareCells(a: string, b: string, numeric: boolean): number {
  if (numeric) {
    const x = Number(a);
    const y = Number(b);
    if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export { ApiError };
