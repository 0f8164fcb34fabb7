// Shapes AppResponse report data: values arrive as strings and are cast by the catalogue column
// `type` (and `unit`/`rate`); `#N/A` and `#N/D` are kept as markers, `NULL` becomes empty; time
// series (a start_time or end_time column) are charted per group key. Pure.
import { castValue } from '../appresponse/cast';
import type { ReportColumnMeta, ReportDataDefResult } from './appresponseTypes';
import { NO_DATA, NOT_APPLICABLE, type CellValue, type ColumnKind, type ColumnSpec, type ResultChart, type ResultTable, type ShapedResult } from './model';

const TIME_COLUMNS = new Set(['start_time', 'end_time']);

/** The view's column kind for a catalogue column. */
export function kindOfReportColumn(meta: ReportColumnMeta): ColumnKind {
  const type = meta.type ?? (TIME_COLUMNS.has(meta.id) ? 'timestamp' : 'string');
  switch (type) {
    case 'timestamp': return 'timestamp';
    case 'duration': return 'duration';
    case 'ipaddr': return 'ipaddr';
    case 'boolean': return 'boolean';
    case 'array': return 'json';
    case 'port': return 'string';
    case 'integer':
    case 'number':
      if (meta.unit === 'bytes') return meta.rate === 'ps' ? 'byterate' : 'bytes';
      // A grouping key that is a whole number (app.id, dns.query.type) names something: no "2,992".
      if (type === 'integer' && meta.grouped_by && !meta.metric) return 'identifier';
      return type === 'integer' ? 'integer' : 'number';
    default: return 'string';
  }
}

/** Casts one value string by column type (see castValue); arrays stay their JSON text. */
export function castReportValue(text: string | null | undefined, meta: ReportColumnMeta): CellValue {
  const cast = castValue(text, meta.type ?? (TIME_COLUMNS.has(meta.id) ? 'timestamp' : 'string'));
  switch (cast.kind) {
    case 'special': return cast.value === 'NULL' ? null : cast.value === 'N/A' ? NOT_APPLICABLE : NO_DATA;
    case 'array': return cast.text;
    default: return cast.value;
  }
}

function resolveColumn(col: string | ReportColumnMeta, catalogue: Map<string, ReportColumnMeta>): ReportColumnMeta {
  if (typeof col !== 'string') return { ...catalogue.get(col.id), ...col };
  return catalogue.get(col) ?? { id: col };
}

function columnSpec(meta: ReportColumnMeta): ColumnSpec {
  const bits = [meta.id, meta.type, meta.unit && meta.unit !== 'none' ? meta.unit : undefined, meta.rate ? `rate ${meta.rate}` : undefined].filter(Boolean);
  const description = [bits.join(' · '), meta.description].filter(Boolean).join('\n');
  return { id: meta.id, label: meta.label ?? meta.id, kind: kindOfReportColumn(meta), description };
}

/** Typed table of one data definition. */
export function reportTable(def: ReportDataDefResult, catalogue: ReportColumnMeta[] = [], index = 0): { table: ResultTable; metas: ReportColumnMeta[] } {
  const byId = new Map(catalogue.map((c) => [c.id, c]));
  const metas = def.columns.map((c) => resolveColumn(c, byId));
  const data = def.data ?? [];
  const rows: CellValue[][] = new Array(data.length);
  for (let r = 0; r < data.length; r++) {
    const src = data[r];
    const row: CellValue[] = new Array(metas.length);
    for (let c = 0; c < metas.length; c++) row[c] = castReportValue(src[c], metas[c]);
    rows[r] = row;
  }
  const id = `dd-${def.id ?? index + 1}`;
  return { table: { id, title: def.title ?? `Data definition ${def.id ?? index + 1}`, columns: metas.map(columnSpec), rows }, metas };
}

const CHARTABLE: ReadonlySet<ColumnKind> = new Set(['integer', 'number', 'bytes', 'byterate', 'bitrate', 'duration']);

function isMetric(meta: ReportColumnMeta, kind: ColumnKind): boolean {
  if (TIME_COLUMNS.has(meta.id)) return false;
  if (meta.metric !== undefined) return meta.metric;
  if (meta.grouped_by) return false;
  if (/(^|\.)id$/.test(meta.id)) return false;
  return CHARTABLE.has(kind);
}

/**
 * Time-series charts of a typed table: one chart per metric column, one series per group key
 * (the values of the non-metric, non-time columns). The `maxSeries` largest groups are kept.
 */
export function reportCharts(table: ResultTable, metas: ReportColumnMeta[], maxSeries = 12): ResultChart[] {
  const timeIdx = metas.findIndex((m) => m.id === 'start_time') >= 0 ? metas.findIndex((m) => m.id === 'start_time') : metas.findIndex((m) => m.id === 'end_time');
  if (timeIdx < 0 || table.rows.length === 0) return [];
  const kinds = table.columns.map((c) => c.kind);
  const metricIdx = metas.map((m, i) => (isMetric(m, kinds[i]) && CHARTABLE.has(kinds[i]) ? i : -1)).filter((i) => i >= 0);
  // Group keys: the grouped_by columns when the catalogue says which they are, else every other non-metric column.
  const catalogueKnowsKeys = metas.some((m) => m.grouped_by === true && !TIME_COLUMNS.has(m.id));
  const keyIdx = metas
    .map((m, i) => (i !== timeIdx && !TIME_COLUMNS.has(m.id) && !metricIdx.includes(i) && (!catalogueKnowsKeys || m.grouped_by === true) ? i : -1))
    .filter((i) => i >= 0);
  // Prefer a name column over its id twin as the series label (host_group.name over host_group.id).
  const labelIdx = keyIdx.filter((i) => !(metas[i].id.endsWith('.id') && keyIdx.some((j) => metas[j].id === metas[i].id.replace(/\.id$/, '.name'))));
  const xs = new Set<number>();
  for (const row of table.rows) if (typeof row[timeIdx] === 'number') xs.add(row[timeIdx] as number);
  const x = [...xs].sort((a, b) => a - b);
  const at = new Map(x.map((t, i) => [t, i]));
  const groupOf = (row: CellValue[]): string => (keyIdx.length ? keyIdx.map((i) => String(row[i] ?? '')).join('\u0000') : '');
  const labelOf = (row: CellValue[]): string => (labelIdx.length ? labelIdx.map((i) => String(row[i] ?? '')).join(' · ') : 'all');
  const charts: ResultChart[] = [];
  for (const m of metricIdx) {
    const groups = new Map<string, { label: string; values: (number | null)[]; total: number }>();
    for (const row of table.rows) {
      const t = row[timeIdx];
      const v = row[m];
      if (typeof t !== 'number') continue;
      const key = groupOf(row);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { label: labelOf(row), values: new Array(x.length).fill(null), total: 0 }));
      if (typeof v === 'number') {
        g.values[at.get(t)!] = v;
        g.total += Math.abs(v);
      }
    }
    const kept = [...groups.values()].sort((a, b) => b.total - a.total).slice(0, maxSeries);
    const kind = kinds[m] as ResultChart['kind'];
    // Say when groups were left out, so 12 lines are not read as every host of the report.
    const some = groups.size > kept.length ? ` (top ${kept.length} of ${groups.size})` : '';
    charts.push({ id: `${table.id}-${metas[m].id}`, title: `${table.columns[m].label}${keyIdx.length ? ` by ${labelIdx.map((i) => table.columns[i].label).join(', ')}` : ''}${some}`, kind, x, series: kept.map(({ label, values }) => ({ label, values })) });
  }
  return charts;
}

/** Shapes every data definition of a report. */
export function shapeReport(dataDefs: ReportDataDefResult[], catalogue: ReportColumnMeta[] = []): ShapedResult {
  const tables: ResultTable[] = [];
  const charts: ResultChart[] = [];
  dataDefs.forEach((def, i) => {
    const { table, metas } = reportTable(def, catalogue, i);
    tables.push(table);
    charts.push(...reportCharts(table, metas));
  });
  const notes: string[] = [];
  const totalRows = tables.reduce((n, t) => n + t.rows.length, 0);
  notes.push(`${dataDefs.length} data definition${dataDefs.length === 1 ? '' : 's'}, ${totalRows} rows`);
  return { tables, charts, notes };
}
