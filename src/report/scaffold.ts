// A first data_def for a source (and optionally a column picked in the tree): valid against the
// catalogue, so a new report file opens without errors and runs as it is.
import { topByOf, type Column, type Source } from '../steelfilter/index';
import type { DataDef, ReportFile } from './types';

const TIME_COLUMNS = new Set(['start_time', 'end_time']);
const PREFERRED_METRICS = ['avg_traffic.total_bytes_ps', 'sum_traffic.total_bytes', 'sum_traffic.packets'];
const PREFERRED_KEYS = ['host_group.id', 'tcp.ip', 'ip.addr', 'app.name', 'srv_tcp.ip'];

function pick(columns: Column[], preferred: string[], fits: (c: Column) => boolean): Column | undefined {
  for (const id of preferred) {
    const c = columns.find((x) => x.id === id && fits(x));
    if (c) return c;
  }
  return columns.find(fits);
}

const isKey = (c: Column) => c.grouped_by === true && !TIME_COLUMNS.has(c.id);
const canTopDesc = (c: Column) => c.metric === true && (topByOf(c)?.desc ?? true);

/** `path`: a packet source path (jobs/…, vifgs/…, clips/…, fs/…) for the packets source; without it the validator asks for one. */
export function scaffoldDataDef(source: Source, options: { column?: string; path?: string } = {}): DataDef {
  const column = options.column;
  const picked = column ? source.columns.find((c) => c.id === column) : undefined;
  const key = picked && isKey(picked) ? picked : pick(source.columns, PREFERRED_KEYS, isKey);
  const metric = picked && picked.metric ? picked : pick(source.columns, PREFERRED_METRICS, canTopDesc);
  const def: DataDef = { source: { name: source.name }, columns: [] };
  if (options.path) def.source.path = options.path;
  const granularities = source.granularities ?? [];
  const granularity = granularities.includes('60') ? '60' : granularities[0];
  def.time = granularity ? { duration: 'last 1 hour', granularity } : { duration: 'last 1 hour' };
  if (picked && TIME_COLUMNS.has(picked.id)) {
    // A time series: one row per bin.
    def.group_by = [picked.id];
    def.columns = [picked.id, ...(metric ? [metric.id] : [])];
    return def;
  }
  if (key) {
    def.group_by = [key.id];
    def.columns.push(key.id);
    const name = source.columns.find((c) => c.id === key.id.replace(/\.id$/, '.name') && c.id !== key.id);
    if (name) def.columns.push(name.id);
  }
  if (picked && !def.columns.includes(picked.id) && !picked.metric) def.columns.push(picked.id);
  if (metric) {
    def.columns.push(metric.id);
    if (key && canTopDesc(metric)) {
      def.top_by = [{ id: metric.id, direction: 'desc' }];
      def.limit = 20;
    }
  }
  if (!def.columns.length && source.columns.length) def.columns.push(source.columns[0].id);
  return def;
}

export function scaffoldReportFile(device: string, source: Source, options: { column?: string; path?: string } = {}): ReportFile {
  return { device, data_defs: [scaffoldDataDef(source, options)] };
}
