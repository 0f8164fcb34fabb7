// The report engine: validates a data definition against the catalogue and computes its rows on the
// shared traffic model (group_by, columns, top_by, limit, time series bins, granularity, resolution,
// STEELFILTER / BPF / WIRESHARK filters). Values come back as strings, like the device's.
import type { ReportSource, SourceColumn } from '../../appresponse/types';
import type { DataDef, FilterSpec } from '../../report/types';
import type { TrafficModel } from '../model/traffic';
import { hash32 } from '../model/rng';
import { compileFilter, parse as parseSteelFilter, type Expr } from '../../steelfilter/index';
import { badRequest } from './router';
import {
  NS, TimeSpecError, ceilTo, floorTo, formatEpochNs, nsToSeconds, resolveGranularity, resolveResolution, resolveTimeRange, type TimeRange,
} from './time';
import { keyValue, metricContribution, subSecondRecords, trafficRecords, type Contribution, type TrafficRecord } from './traffic-view';
import { compilePacketFilter, type PacketTuple } from './packet-filters';

/** A deeper validation / processing failure: the data_def goes to `error` state with this message. */
export class DataDefError extends Error {
  constructor(readonly moduleId: string, readonly id: string, text: string, readonly details: Record<string, string> = {}) {
    super(text);
  }
}

export interface ComputedData {
  columns: string[];
  rows: string[][];
  actualTime: { start: bigint; end: bigint };
  granularity: bigint;
  resolution: bigint;
  actualFilters: FilterSpec[];
}

const TIME_COLUMNS = new Set(['start_time', 'end_time']);
const HOST_KEYS = new Set(['ip.addr', 'tcp.ip', 'tcp.dns', 'host_group.id', 'host_group.name']);
const DIR_KEYS = new Set(['src_ip.addr', 'dst_ip.addr']);

// ---------- shallow validation (HTTP 400 at POST) ----------

const DATA_DEF_PROPS = new Set(['source', 'time', 'group_by', 'columns', 'top_by', 'sort', 'limit', 'filters', 'reference', 'reference_id', 'id', 'status']);
const TIME_PROPS = new Set(['start', 'end', 'duration', 'granularity', 'resolution', 'retention_time']);

/** Checks shape and catalogue references; throws ApiError 400 (invalid property or value). */
export function validateDataDef(def: unknown, index: number, sources: Map<string, ReportSource>, live: boolean): DataDef {
  const where = `data_defs[${index}]`;
  if (!def || typeof def !== 'object' || Array.isArray(def)) throw badRequest(`${where}: expected an object`);
  const d = def as Record<string, unknown>;
  for (const key of Object.keys(d)) if (!DATA_DEF_PROPS.has(key)) throw badRequest(`${where}: unknown property '${key}'`);
  const source = d.source as Record<string, unknown> | undefined;
  if (!source || typeof source !== 'object' || typeof source.name !== 'string') throw badRequest(`${where}.source.name: required string`);
  for (const key of Object.keys(source)) if (!['name', 'path', 'type'].includes(key)) throw badRequest(`${where}.source: unknown property '${key}'`);
  if (source.type !== undefined && source.type !== 'INDEX' && source.type !== 'PACKETS') throw badRequest(`${where}.source.type: invalid value '${String(source.type)}' (INDEX, PACKETS)`);
  const src = sources.get(source.name);
  if (!src) throw badRequest(`${where}.source.name: unknown source '${source.name}'`);
  if (src.name === 'packets' && typeof source.path !== 'string') throw badRequest(`${where}.source.path: required for the packets source (fs/..., jobs/..., vifgs/..., clips/...)`);
  const columnsById = new Map(src.columns.map((c) => [c.id, c]));
  if (!Array.isArray(d.columns) || d.columns.length === 0 || !d.columns.every((c) => typeof c === 'string')) throw badRequest(`${where}.columns: required non-empty array of column ids`);
  for (const id of d.columns as string[]) if (!columnsById.has(id)) throw badRequest(`${where}.columns: unknown column '${id}' in source '${src.name}'`);
  if (d.group_by !== undefined) {
    if (!Array.isArray(d.group_by) || !d.group_by.every((c) => typeof c === 'string')) throw badRequest(`${where}.group_by: expected an array of column ids`);
    for (const id of d.group_by as string[]) {
      const col = columnsById.get(id);
      if (!col) throw badRequest(`${where}.group_by: unknown column '${id}' in source '${src.name}'`);
      if (!col.grouped_by) throw badRequest(`${where}.group_by: column '${id}' is not grouped_by in source '${src.name}'`);
    }
  }
  // `sort` is listed among the data_def properties by the document; it takes the shape of top_by.
  for (const prop of ['top_by', 'sort'] as const) {
    if (d[prop] === undefined) continue;
    if (!Array.isArray(d[prop])) throw badRequest(`${where}.${prop}: expected an array`);
    for (const t of d[prop] as Record<string, unknown>[]) {
      const col = typeof t?.id === 'string' ? columnsById.get(t.id) : undefined;
      if (!col) throw badRequest(`${where}.${prop}: unknown column '${String(t?.id)}'`);
      const direction = t.direction ?? 'desc';
      if (direction !== 'asc' && direction !== 'desc') throw badRequest(`${where}.${prop}: invalid direction '${String(direction)}' (asc, desc)`);
      if (col.top_by && !col.top_by[direction]) throw badRequest(`${where}.${prop}: column '${col.id}' of source '${src.name}' cannot be topped in '${direction}' direction`);
    }
  }
  if (d.limit !== undefined && !(Number.isInteger(d.limit) && (d.limit as number) >= 0)) throw badRequest(`${where}.limit: expected a non-negative integer`);
  if (d.time !== undefined) {
    if (!d.time || typeof d.time !== 'object') throw badRequest(`${where}.time: expected an object`);
    for (const [key, value] of Object.entries(d.time as Record<string, unknown>)) {
      if (!TIME_PROPS.has(key)) throw badRequest(`${where}.time: unknown property '${key}'`);
      if (typeof value !== 'string' && typeof value !== 'number') throw badRequest(`${where}.time.${key}: expected a string`);
    }
  }
  if (live && !(d.time as Record<string, unknown> | undefined)?.granularity) throw badRequest(`${where}.time.granularity: required for live requests`);
  if (d.filters !== undefined) {
    if (!Array.isArray(d.filters)) throw badRequest(`${where}.filters: expected an array`);
    for (const f of d.filters as Record<string, unknown>[]) {
      if (!f || typeof f.value !== 'string') throw badRequest(`${where}.filters: each filter needs a string 'value'`);
      const type = f.type ?? 'STEELFILTER';
      if (type !== 'STEELFILTER' && type !== 'WIRESHARK' && type !== 'BPF') throw badRequest(`${where}.filters: invalid type '${String(type)}' (STEELFILTER, WIRESHARK, BPF)`);
    }
  }
  return def as DataDef;
}

// ---------- computation ----------

export interface EngineContext {
  model: TrafficModel;
  /** Appliance clock (ns). */
  now: bigint;
  /** Oldest data the appliance holds (ns). */
  dataStart: bigint;
  resolveName: (name: string) => string | undefined;
}

interface Accumulator {
  keys: Map<string, string>;
  metrics: Map<string, Contribution | undefined>;
  /** Any record at all (a group with only #N/A metrics still exists). */
  records: number;
}

function columnRefs(expr: Expr | undefined, out: Set<string>): Set<string> {
  if (!expr) return out;
  switch (expr.kind) {
    case 'compare':
    case 'in':
      out.add(expr.column.id);
      break;
    case 'and':
    case 'or':
      for (const e of expr.operands) columnRefs(e, out);
      break;
    case 'not':
      columnRefs(expr.operand, out);
      break;
    case 'group':
      columnRefs(expr.expr, out);
      break;
  }
  return out;
}

interface CompiledFilters {
  /** Evaluated on each traffic record (keys only). */
  record: ((r: TrafficRecord) => boolean)[];
  /** Evaluated on each aggregated row (metric thresholds). */
  row: ((row: Record<string, string>) => boolean)[];
  actual: FilterSpec[];
}

function compileFilters(filters: FilterSpec[] | undefined, source: ReportSource, ctx: EngineContext, synthetic: boolean): CompiledFilters {
  const out: CompiledFilters = { record: [], row: [], actual: [] };
  const metricIds = new Set(source.columns.filter((c) => c.metric).map((c) => c.id));
  for (const f of filters ?? []) {
    const type = f.type ?? 'STEELFILTER';
    if (type !== 'STEELFILTER') {
      if (source.name !== 'packets') {
        throw new DataDefError('report_manager', 'unsupported_filter_type', `Filter type ${type} is supported for packet data sources only`, { filter_type: type });
      }
      let test: (t: PacketTuple) => boolean;
      try {
        test = compilePacketFilter(type, f.value);
      } catch (error) {
        throw new DataDefError('report_manager', 'invalid_filter', `Invalid ${type} filter: ${(error as Error).message}`, { filter: f.value });
      }
      out.record.push((r) => test(tupleOf(r, 'c2s')) || test(tupleOf(r, 's2c')));
      out.actual.push({ type, value: f.value });
      continue;
    }
    let predicate: (row: Record<string, string | number>) => boolean;
    try {
      predicate = compileFilter(f.value, source as never, { resolveName: ctx.resolveName });
    } catch (error) {
      throw new DataDefError('report_manager', 'invalid_filter', (error as Error).message.replace(/^invalid STEELFILTER/, 'Invalid STEELFILTER'), { filter: f.value });
    }
    const refs = columnRefs(parseSteelFilter(f.value).ast, new Set());
    const usesMetrics = [...refs].some((id) => metricIds.has(id));
    if (usesMetrics && !source.capabilities.filters_on_metrics) {
      throw new DataDefError('report_manager', 'filters_on_metrics_not_supported', `Source ${source.name} does not support filters on metric columns`, { source: source.name });
    }
    out.actual.push({ type: 'STEELFILTER', value: actualFilterText(f.value, ctx) });
    if (usesMetrics || synthetic) {
      out.row.push(predicate);
      continue;
    }
    // A host column on a flow has two values (both ends): the filter holds when it holds for either.
    const hostRefs = [...refs].filter((id) => HOST_KEYS.has(id));
    const ids = [...refs];
    out.record.push((r) => {
      const row: Record<string, string> = {};
      for (const id of ids) {
        const v = keyValue(r, id);
        if (v !== undefined) row[id] = v;
      }
      if (r.perspective === 'cli' || r.perspective === 'srv' || hostRefs.length === 0) return predicate(row);
      for (const side of ['cli', 'srv'] as const) {
        const alt = { ...r, perspective: side };
        for (const id of hostRefs) {
          const v = keyValue(alt, id);
          if (v !== undefined) row[id] = v;
        }
        if (predicate(row)) return true;
      }
      return false;
    });
  }
  return out;
}

/** DNS names in a filter are replaced by the first address they resolve to (reported as actual_filters). */
function actualFilterText(text: string, ctx: EngineContext): string {
  return text.replace(/'([A-Za-z][\w-]*(?:\.[\w-]+)+)'/g, (whole, name: string) => {
    const ip = ctx.resolveName(name);
    return ip ? `'${ip}'` : whole;
  });
}

function tupleOf(r: TrafficRecord, dir: 'c2s' | 's2c'): PacketTuple {
  const c = r.conn;
  return dir === 'c2s'
    ? { srcIp: c.client.ip, dstIp: c.server.ip, srcPort: c.clientPort, dstPort: c.serverPort, l4: c.l4, app: c.app }
    : { srcIp: c.server.ip, dstIp: c.client.ip, srcPort: c.serverPort, dstPort: c.clientPort, l4: c.l4, app: c.app };
}

function sourceSelects(source: string): (r: TrafficRecord) => boolean {
  switch (source) {
    case 'flow_tcp': return (r) => r.conn.l4 === 'TCP';
    case 'wtapages': return (r) => r.conn.kind === 'web';
    case 'dns': return (r) => r.conn.kind === 'dns';
    case 'voip_rtp_channels': return (r) => r.conn.kind === 'rtp';
    case 'sqlsessions': return (r) => r.conn.app === 'MySQL';
    default: return () => true;
  }
}

function formatNumber(v: number, type: string): string {
  if (!Number.isFinite(v)) return '#N/A';
  if (type === 'integer' || type === 'port') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
  if (type === 'duration') return String(Math.round(v * 1e9) / 1e9);
  return String(Math.round(v * 1e6) / 1e6);
}

export interface FinaliseOptions {
  binSeconds: number;
  nsamples?: boolean;
}

function finalise(col: SourceColumn, acc: Contribution | undefined, options: FinaliseOptions): string {
  if (!acc) return col.default_if_absent === '0' ? '0' : '#N/A';
  const op = col.operation ?? 'sum';
  if (op === 'max') return formatNumber(acc.max, col.type);
  if (op === 'min') return formatNumber(acc.max, col.type);
  if (op === 'avg') {
    const perSecond = col.rate === 'ps';
    const samples = perSecond ? options.binSeconds : acc.n;
    if (options.nsamples) return `${formatNumber(acc.sum, col.type === 'duration' ? 'duration' : 'number')}|${formatNumber(samples, 'number')}`;
    if (!samples) return '#N/A';
    return formatNumber(acc.sum / samples, col.type);
  }
  return formatNumber(acc.sum, col.type);
}

function add(into: Contribution | undefined, c: Contribution | undefined): Contribution | undefined {
  if (!c) return into;
  if (!into) return { ...c };
  into.sum += c.sum;
  into.n += c.n;
  if (c.max > into.max) into.max = c.max;
  return into;
}

/** The parts of a data_def that decide its rows, resolved once. */
export interface Plan {
  def: DataDef;
  source: ReportSource;
  columns: SourceColumn[];
  groupBy: string[];
  timeSeries: boolean;
  keyColumns: Set<string>;
  mode: 'flow' | 'host' | 'dir';
  filters: CompiledFilters;
  selects: (r: TrafficRecord) => boolean;
  range: TimeRange;
  granularity: bigint;
  resolution: bigint;
}

export function planDataDef(def: DataDef, source: ReportSource, ctx: EngineContext, live = false): Plan {
  const byId = new Map(source.columns.map((c) => [c.id, c]));
  const columns = def.columns.map((id) => byId.get(id)!);
  const groupBy = def.group_by ?? [];
  const timeSeries = groupBy.some((g) => TIME_COLUMNS.has(g));
  const keyColumns = new Set(groupBy.filter((g) => !TIME_COLUMNS.has(g)));
  const keyIds = new Set([...keyColumns, ...def.columns.filter((id) => !byId.get(id)!.metric && !TIME_COLUMNS.has(id))]);
  const mode = [...keyIds].some((k) => HOST_KEYS.has(k)) ? 'host' : [...keyIds].some((k) => DIR_KEYS.has(k)) ? 'dir' : 'flow';
  let range: TimeRange;
  let granularity: bigint;
  let resolution: bigint;
  try {
    range = resolveTimeRange(live ? { duration: `${def.time?.retention_time ?? '3600'} seconds` } : def.time, ctx.now);
    granularity = resolveGranularity(def.time?.granularity, source.granularities, range.end - range.start);
    resolution = resolveResolution(def.time?.resolution, granularity);
  } catch (error) {
    if (error instanceof TimeSpecError) throw new DataDefError('report_manager', error.id, error.message, error.details);
    throw error;
  }
  const filters = compileFilters(def.filters, source, ctx, source.name === 'alert_list' || source.name.startsWith('system_metrics.'));
  return { def, source, columns, groupBy, timeSeries, keyColumns, mode, filters, selects: sourceSelects(source.name), range, granularity, resolution };
}

/** Actual time: aligned to the granularity, clipped to the data the appliance holds. */
export function actualRange(plan: Plan, ctx: EngineContext): { start: bigint; end: bigint } {
  const g = plan.granularity;
  // Time series bins start on multiples of the resolution (which is a multiple of the granularity).
  let start = floorTo(plan.range.start, plan.timeSeries ? plan.resolution : g);
  let end = ceilTo(plan.range.end, g);
  const newest = floorTo(ctx.now, g);
  const oldest = ceilTo(ctx.dataStart, plan.timeSeries ? plan.resolution : g);
  if (end > newest) end = newest;
  if (start < oldest) start = oldest;
  if (end <= start) {
    // Nothing of the request is in the data (e.g. "previous 2 months" on a box holding 4 hours,
    // where aligning to a day would even land past now): an empty range inside what it holds.
    let at = plan.range.start < ctx.dataStart ? ctx.dataStart : plan.range.start;
    if (at > ctx.now) at = ctx.now;
    return { start: at, end: at };
  }
  return { start, end };
}

/** Rows of [start, end) binned by `bin` (time series) or as one window. */
export function computeRows(plan: Plan, ctx: EngineContext, start: bigint, end: bigint, bin: bigint, options: { nsamples?: boolean; limit?: number } = {}): string[][] {
  if (end <= start) return [];
  const special = syntheticRows(plan, ctx, start, end, bin);
  if (special) return special;
  const windows: [bigint, bigint][] = [];
  if (plan.timeSeries) for (let t = start; t < end; t += bin) windows.push([t, t + bin > end ? end : t + bin]);
  else windows.push([start, end]);

  const keyOrder = plan.groupBy.filter((g) => !TIME_COLUMNS.has(g));
  const metricCols = plan.columns.filter((c) => c.metric);
  const infoCols = plan.columns.filter((c) => !c.metric && !TIME_COLUMNS.has(c.id));
  type Group = Accumulator & { bin: [bigint, bigint]; key: string };
  const groups: Group[] = [];
  const overall = new Map<string, Accumulator>();

  // Whole-second windows use the per-second counters; finer ones place every packet exactly.
  const exact = windows.some(([w0, w1]) => w0 % NS !== 0n || w1 % NS !== 0n);
  const exactRecords = exact
    ? plan.timeSeries
      ? subSecondRecords(ctx.model, Number(start / 1000n), Number(end / 1000n), Number(bin / 1000n), plan.mode)
      : subSecondRecords(ctx.model, Number(start / 1000n), Number(end / 1000n), Number((end - start) / 1000n), plan.mode)
    : undefined;
  for (const [wi, [w0, w1]] of windows.entries()) {
    const binMap = new Map<string, Group>();
    for (const r of exactRecords ? exactRecords[wi] ?? [] : trafficRecords(ctx.model, nsToSeconds(w0), nsToSeconds(w1), plan.mode)) {
      if (!plan.selects(r)) continue;
      if (!plan.filters.record.every((f) => f(r))) continue;
      const keyValues = keyOrder.map((k) => keyValue(r, k));
      if (keyValues.some((v) => v === undefined)) continue;
      const gk = keyValues.join('\u0000');
      let g = binMap.get(gk);
      if (!g) {
        g = { keys: new Map(), metrics: new Map(), records: 0, bin: [w0, w1], key: gk };
        for (const col of infoCols) g.keys.set(col.id, keyValue(r, col.id) ?? '#N/A');
        binMap.set(gk, g);
      }
      g.records++;
      for (const col of metricCols) g.metrics.set(col.id, add(g.metrics.get(col.id), metricContribution(r, col.id)));
      if (plan.timeSeries && keyOrder.length) {
        let o = overall.get(gk);
        if (!o) overall.set(gk, (o = { keys: new Map(), metrics: new Map(), records: 0 }));
        o.records++;
        for (const col of metricCols) o.metrics.set(col.id, add(o.metrics.get(col.id), metricContribution(r, col.id)));
      }
    }
    groups.push(...binMap.values());
  }

  const binSecondsOf = (g: Group) => nsToSeconds(g.bin[1] - g.bin[0]);
  const rowOf = (g: Group): Record<string, string> => {
    const row: Record<string, string> = {};
    for (const col of plan.columns) {
      if (col.id === 'start_time') row[col.id] = formatEpochNs(g.bin[0]);
      else if (col.id === 'end_time') row[col.id] = formatEpochNs(g.bin[1]);
      else if (col.metric) row[col.id] = finalise(col, g.metrics.get(col.id), { binSeconds: binSecondsOf(g), nsamples: options.nsamples });
      else row[col.id] = g.keys.get(col.id) ?? '#N/A';
    }
    return row;
  };

  let rows = groups.map((g) => ({ g, row: rowOf(g) })).filter(({ row }) => plan.filters.row.every((f) => f(row)));
  const topBy = plan.def.top_by?.length ? plan.def.top_by : plan.def.sort?.length ? plan.def.sort : metricCols.length ? [{ id: metricCols[0].id, direction: 'desc' as const }] : [];
  const byId = new Map(plan.source.columns.map((c) => [c.id, c]));
  const metricValue = (g: Accumulator, id: string, binSeconds: number): number => {
    const col = byId.get(id)!;
    const v = Number(finalise(col, g.metrics.get(id), { binSeconds }));
    return Number.isFinite(v) ? v : Number.NaN;
  };
  const compare = (a: number, b: number, dir: 'asc' | 'desc') => {
    if (Number.isNaN(a) && Number.isNaN(b)) return 0;
    if (Number.isNaN(a)) return 1;
    if (Number.isNaN(b)) return -1;
    return dir === 'asc' ? a - b : b - a;
  };
  const limit = options.limit ?? plan.def.limit;
  if (plan.timeSeries) {
    if (keyOrder.length && limit !== undefined && topBy.length) {
      // Top keys over the whole range, then their series.
      const total = nsToSeconds(end - start);
      const ranked = [...overall.entries()].sort((a, b) => {
        for (const t of topBy) {
          const d = compare(metricValue(a[1], t.id, total), metricValue(b[1], t.id, total), t.direction);
          if (d) return d;
        }
        return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
      });
      const keep = new Set(ranked.slice(0, limit).map(([k]) => k));
      rows = rows.filter(({ g }) => keep.has(g.key));
    }
    rows.sort((a, b) => (a.g.bin[0] < b.g.bin[0] ? -1 : a.g.bin[0] > b.g.bin[0] ? 1 : 0));
    if (!keyOrder.length && limit !== undefined) rows = rows.slice(0, limit);
  } else {
    rows.sort((a, b) => {
      for (const t of topBy) {
        const d = compare(metricValue(a.g, t.id, binSecondsOf(a.g)), metricValue(b.g, t.id, binSecondsOf(b.g)), t.direction);
        if (d) return d;
      }
      return 0;
    });
    if (limit !== undefined) rows = rows.slice(0, limit);
  }
  return rows.map(({ row }) => plan.columns.map((c) => row[c.id]));
}

/** Sources whose rows are not traffic records: alert_list and system_metrics.*. */
function syntheticRows(plan: Plan, ctx: EngineContext, start: bigint, end: bigint, bin: bigint): string[][] | undefined {
  const name = plan.source.name;
  if (name === 'alert_list') {
    const rows: Record<string, string>[] = [];
    const hour = 3600n * NS;
    for (let h = floorTo(start, hour); h < end; h += hour) {
      const hs = Number(h / NS);
      const count = 1 + (hash32(hs, 0xa1) % 3); // 1 to 3 alerts an hour: any window of an hour or more has some
      for (let i = 0; i < count; i++) {
        const s = hs + (hash32(hs, i, 0xa2) % 3000);
        const dur = 60 + (hash32(hs, i, 0xa3) % 1800);
        const policy = hash32(hs, i, 0xa4) % 4;
        const ongoing = BigInt(s + dur) * NS > ctx.now;
        rows.push({
          'alert.id': String(hs / 60 + i),
          'alert.policy_id': String(100 + policy),
          'alert.policy_name': ['High Utilization', 'Slow Server Response', 'TCP Retransmissions', 'DNS Failures'][policy],
          'alert.severity': ['Critical', 'Major', 'Minor', 'Info'][hash32(hs, i, 0xa5) % 4],
          'alert.start_time': String(s),
          'alert.end_time': ongoing ? '#N/A' : String(s + dur),
          'alert.duration': String(dur),
          'alert.ongoing': ongoing ? 'true' : 'false',
        });
      }
    }
    const recordFilters = plan.filters.row;
    const out = rows.filter((r) => BigInt(r['alert.start_time']) * NS >= start && BigInt(r['alert.start_time']) * NS < end && recordFilters.every((f) => f(r)));
    const limited = plan.def.limit !== undefined ? out.slice(0, plan.def.limit) : out;
    return limited.map((r) => plan.columns.map((c) => r[c.id] ?? '#N/A'));
  }
  if (name.startsWith('system_metrics.')) {
    const rows: string[][] = [];
    const windows: [bigint, bigint][] = [];
    if (plan.timeSeries) for (let t = start; t < end; t += bin) windows.push([t, t + bin > end ? end : t + bin]);
    else windows.push([start, end]);
    const components = name === 'system_metrics.capture_job' ? ['default_job', 'voip_job'] : ['appliance'];
    for (const [w0, w1] of windows) {
      const mid = Number((w0 + w1) / 2n / NS);
      for (const comp of components) {
        const wave = (Math.sin(mid / 900) + 1) / 2;
        const values: Record<string, string> = {
          'start_time': formatEpochNs(w0), 'end_time': formatEpochNs(w1), 'sys.name': comp, 'capture_job.name': comp,
          'avg_sys.cpu_util': String(Math.round((12 + wave * 40 + (hash32(mid, 0xc1) % 100) / 20) * 100) / 100),
          'avg_sys.mem_used_bytes': String(24_000_000_000 + Math.round(wave * 4_000_000_000)),
          'avg_sys.disk_used_bytes': String(900_000_000_000 + Math.floor((mid % 86400) * 10_000)),
          'sum_capture_job.packets': String(Math.round(nsToSeconds(w1 - w0) * (comp === 'default_job' ? 12000 : 800))),
          'sum_capture_job.dropped_packets': String(hash32(mid, 0xc2) % 5 === 0 ? hash32(mid, 0xc3) % 40 : 0),
        };
        if (plan.filters.row.every((f) => f(values))) rows.push(plan.columns.map((c) => values[c.id] ?? '#N/A'));
      }
    }
    return plan.def.limit !== undefined ? rows.slice(0, plan.def.limit) : rows;
  }
  return undefined;
}

export function computeDataDef(def: DataDef, source: ReportSource, ctx: EngineContext): ComputedData {
  const plan = planDataDef(def, source, ctx);
  const actual = actualRange(plan, ctx);
  const rows = computeRows(plan, ctx, actual.start, actual.end, plan.resolution);
  return { columns: [...def.columns], rows, actualTime: actual, granularity: plan.granularity, resolution: plan.resolution, actualFilters: plan.filters.actual };
}
