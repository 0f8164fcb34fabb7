// Shapes Allegro answers: counter arrays become named columns, displayedItems lists become tables,
// history objects become time series. Also used for any JSON value (generic tables). Pure.
//
// Counter arrays (reference: "JSON output traffic counters"): [rx packets, rx bytes, tx packets,
// tx bytes, module-specific extras…] under interval / allTime / lastSecond / intervalPerSecond.
// All counters count bytes; a bit rate is bytes × 8 and applies to the per-second sets.
import { formatTimestamp } from './format';
import { formatBytes } from '../shared/format';
import type { CellValue, ColumnKind, ColumnSpec, PagingInfo, ResultChart, ResultTable, ShapedResult } from './model';

export const COUNTER_SETS = ['interval', 'allTime', 'lastSecond', 'intervalPerSecond'] as const;
export type CounterSet = (typeof COUNTER_SETS)[number];
const PER_SECOND: ReadonlySet<string> = new Set(['lastSecond', 'intervalPerSecond']);
export const COUNTER_NAMES = ['rx packets', 'rx bytes', 'tx packets', 'tx bytes'] as const;

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: Json): v is string | number | boolean | null =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** A traffic counter array: at least 4 finite numbers. */
export function isCounterArray(v: Json): v is number[] {
  return Array.isArray(v) && v.length >= 4 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Names of the entries of a counter array of length n: the four documented ones, then extras. */
export function counterNames(n: number): string[] {
  const names: string[] = [...COUNTER_NAMES];
  for (let i = 4; i < n; i++) names.push(`extra ${i - 3}`);
  return names.slice(0, Math.max(n, 4));
}

function counterKind(index: number): ColumnKind {
  if (index === 1 || index === 3) return 'bytes';
  return index === 0 || index === 2 ? 'integer' : 'number';
}

/** A history object: `{ data: [[ts, v…], …] }` (plus dataAge, intervalAMM, rows…). */
export function isHistoryObject(v: Json): v is JsonObject & { data: number[][] } {
  if (!isObject(v) || !Array.isArray(v.data) || v.data.length === 0) return false;
  return v.data.every((p) => Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number');
}

/** Epoch seconds from a timestamp that may be seconds, milliseconds or microseconds. */
export function epochSeconds(ts: number): number {
  if (ts > 1e14) return ts / 1e6;
  if (ts > 1e11) return ts / 1e3;
  return ts;
}

// ───────────── counters of one object ─────────────

/** Table of the counter sets of one object, side by side: one row per set, named columns. */
export function countersTable(obj: JsonObject, id = 'counters', title = 'Counters'): ResultTable | undefined {
  const sets = COUNTER_SETS.filter((s) => isCounterArray(obj[s]));
  if (!sets.length) return undefined;
  const width = Math.max(...sets.map((s) => (obj[s] as number[]).length));
  const names = counterNames(width);
  const columns: ColumnSpec[] = [
    { id: 'set', label: 'counter set', kind: 'string', description: 'interval: selected time interval · allTime: since start · lastSecond · intervalPerSecond: average per second of the interval' },
    ...names.map((name, i): ColumnSpec => ({ id: `c${i}`, label: name, kind: counterKind(i), description: `index ${i} of the counter array` })),
    { id: 'rxRate', label: 'rx bit rate', kind: 'bitrate', description: 'rx bytes × 8, for the per-second sets' },
    { id: 'txRate', label: 'tx bit rate', kind: 'bitrate', description: 'tx bytes × 8, for the per-second sets' },
    { id: 'rate', label: 'total bit rate', kind: 'bitrate', description: '(rx + tx bytes) × 8, for the per-second sets' },
  ];
  const rows = sets.map((set): CellValue[] => {
    const arr = obj[set] as number[];
    const perSecond = PER_SECOND.has(set);
    return [
      set,
      ...names.map((_, i) => (i < arr.length ? arr[i] : null)),
      perSecond ? arr[1] * 8 : null,
      perSecond ? arr[3] * 8 : null,
      perSecond ? (arr[1] + arr[3]) * 8 : null,
    ];
  });
  return { id, title, columns, rows };
}

// ───────────── history objects ─────────────

/** "rxBytes" → "rx bytes" (history.rows names the entries of each point). */
function readableName(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
}

function historyLabels(h: JsonObject, width: number): string[] {
  const rows = h.rows;
  if (Array.isArray(rows) && rows.length >= width && rows.every((r) => typeof r === 'string')) return (rows.slice(0, width) as string[]).map(readableName);
  if (width === 4 || width > 4) return counterNames(width);
  return Array.from({ length: width }, (_, i) => (width === 1 ? 'value' : `value ${i + 1}`));
}

/** Seconds each point of a history object covers (its `timespan`), when it says. */
export function historyTimespan(h: JsonObject): number | undefined {
  const t = h.timespan;
  return typeof t === 'number' && Number.isFinite(t) && t > 0 ? t : undefined;
}

/** 1 → "1 s", 60 → "1 min", 7200 → "2 h", 90 → "90 s". */
function spanText(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * Charts of one history object: counter histories split into a bytes chart and a packets chart.
 * Each point counts `timespan` seconds, so the titles say so ("bytes per 60 s") and the byte
 * series are also charted as a bit rate (bytes × 8 / timespan), comparable whatever the timespan.
 */
export function historyCharts(h: JsonObject & { data: number[][] }, id: string, title: string): ResultChart[] {
  const points = [...h.data].sort((a, b) => a[0] - b[0]);
  const width = Math.max(...points.map((p) => p.length - 1));
  const labels = historyLabels(h, width);
  const x = points.map((p) => epochSeconds(p[0]));
  const column = (i: number): (number | null)[] => points.map((p) => (typeof p[i + 1] === 'number' ? p[i + 1] : null));
  const byteIdx: number[] = [];
  const otherIdx: number[] = [];
  labels.forEach((label, i) => (/bytes?\b/i.test(label) ? byteIdx : otherIdx).push(i));
  const timespan = historyTimespan(h);
  const per = timespan ? ` per ${spanText(timespan)}` : '';
  const rate: ResultChart[] = timespan && byteIdx.length
    ? [{
        id: `${id}-rate`,
        title: `${title}: bit rate`,
        kind: 'bitrate',
        x,
        series: byteIdx.map((i) => ({ label: labels[i].replace(/\bbytes?\b/i, 'bit rate'), values: column(i).map((v) => (v === null ? null : (v * 8) / timespan)) })),
      }]
    : [];
  if (byteIdx.length && otherIdx.length) {
    return [
      ...rate,
      { id: `${id}-bytes`, title: `${title}: bytes${per}`, kind: 'bytes', x, series: byteIdx.map((i) => ({ label: labels[i], values: column(i) })) },
      { id: `${id}-other`, title: `${title}: ${otherIdx.every((i) => /packets/i.test(labels[i])) ? 'packets' : 'values'}${per}`, kind: 'number', x, series: otherIdx.map((i) => ({ label: labels[i], values: column(i) })) },
    ];
  }
  return [...rate, { id, title: `${title}${per}`, kind: byteIdx.length ? 'bytes' : 'number', x, series: labels.map((label, i) => ({ label, values: column(i) })) }];
}

/** Finds history objects in a value (depth-limited), with their key paths. */
export function findHistories(value: Json, maxDepth = 4): { path: string; history: JsonObject & { data: number[][] } }[] {
  const found: { path: string; history: JsonObject & { data: number[][] } }[] = [];
  const walk = (v: Json, path: string, depth: number): void => {
    if (depth > maxDepth || !isObject(v)) return;
    if (isHistoryObject(v)) {
      found.push({ path, history: v });
      return;
    }
    for (const [k, child] of Object.entries(v)) if (k !== 'displayedItems') walk(child, path ? `${path}.${k}` : k, depth + 1);
  };
  walk(value, '', 0);
  return found;
}

// ───────────── lists ─────────────

const LABEL_KEYS = ['name', 'hostName', 'ip', 'mac', 'countryName', 'protocol', 'id'];
const TIME_KEY = /(time|start|end|lastActivity|firstSeen|lastSeen|timestamp)$/i;
/** Whole numbers under these keys name something (a port, an id, a VLAN): shown without digit grouping. */
const IDENTIFIER_KEY = /^(id|port|vlan|vni|asn|ssrc)$|(Id|ID|Port|Vlan|Vni|Asn|Ssrc)$/;

function itemLabel(item: JsonObject, index: number): string {
  for (const k of LABEL_KEYS) {
    const v = item[k];
    if ((typeof v === 'string' && v) || typeof v === 'number') return String(v);
  }
  return `#${index + 1}`;
}

function isIpLike(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || (/^[0-9a-f:]+$/i.test(s) && s.includes(':') && s.split(':').length > 2 && !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(s));
}

interface ListColumn extends ColumnSpec {
  get(item: JsonObject): CellValue;
}

/** Columns of a list from the union of its items' keys (scalars, counter arrays expanded, nested as JSON). */
export function listColumns(items: JsonObject[]): ListColumn[] {
  const sample = items.slice(0, 500);
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const item of sample) for (const k of Object.keys(item)) if (!seen.has(k)) (seen.add(k), keys.push(k));
  const columns: ListColumn[] = [];
  const counterCols: ListColumn[] = [];
  const rateSet = seen.has('intervalPerSecond') && sample.some((i) => isCounterArray(i.intervalPerSecond)) ? 'intervalPerSecond' : 'lastSecond';
  for (const key of keys) {
    const values = sample.map((i) => i[key]).filter((v) => v !== undefined && v !== null);
    if (values.length === 0) {
      columns.push({ id: key, label: key, kind: 'string', get: (i) => scalarCell(i[key]) });
      continue;
    }
    if ((COUNTER_SETS as readonly string[]).includes(key) && values.every(isCounterArray)) {
      const width = Math.max(...values.map((v) => (v as number[]).length));
      counterNames(width).forEach((name, idx) => {
        counterCols.push({
          id: `${key}.${idx}`,
          label: key === 'interval' ? name : `${key} ${name}`,
          kind: counterKind(idx),
          description: `${key}[${idx}]${PER_SECOND.has(key) ? ' (per second)' : ''}`,
          hidden: key !== 'interval' || idx >= 4,
          get: (i) => {
            const arr = i[key];
            return Array.isArray(arr) && typeof arr[idx] === 'number' ? (arr[idx] as number) : null;
          },
        });
      });
      if (key === rateSet) {
        const rate = (idxs: number[]) => (i: JsonObject): CellValue => {
          const arr = i[key];
          return isCounterArray(arr) ? idxs.reduce((sum, j) => sum + arr[j], 0) * 8 : null;
        };
        counterCols.push(
          { id: `${key}.rxRate`, label: 'rx bit rate', kind: 'bitrate', description: `${key}[1] × 8`, get: rate([1]) },
          { id: `${key}.txRate`, label: 'tx bit rate', kind: 'bitrate', description: `${key}[3] × 8`, get: rate([3]) },
          { id: `${key}.rate`, label: 'bit rate', kind: 'bitrate', description: `(${key}[1] + ${key}[3]) × 8`, get: rate([1, 3]) },
        );
      }
      continue;
    }
    if (values.every(isHistoryObject)) continue; // charted, not tabled
    if (values.every(isScalar)) {
      let kind: ColumnKind = 'string';
      if (values.every((v) => typeof v === 'number')) {
        const nums = values as number[];
        if (TIME_KEY.test(key) && nums.every((n) => n > 1e9)) kind = 'timestamp';
        else if (nums.every((n) => Number.isInteger(n))) kind = IDENTIFIER_KEY.test(key) ? 'identifier' : 'integer';
        else kind = 'number';
        if (/bytes$/i.test(key)) kind = 'bytes';
      } else if (values.every((v) => typeof v === 'boolean')) kind = 'boolean';
      else if (values.every((v) => typeof v === 'string' && isIpLike(v))) kind = 'ipaddr';
      const k = kind;
      columns.push({
        id: key,
        label: key,
        kind,
        get: k === 'timestamp' ? (i) => (typeof i[key] === 'number' ? epochSeconds(i[key] as number) : scalarCell(i[key])) : (i) => scalarCell(i[key]),
      });
      continue;
    }
    columns.push({ id: key, label: key, kind: 'json', hidden: true, get: (i) => (i[key] === undefined ? null : JSON.stringify(i[key])) });
  }
  // Identity columns first, then counters (interval first), then the rest.
  return [...columns.filter((c) => c.kind !== 'json'), ...counterCols.sort((a, b) => Number(a.hidden ?? false) - Number(b.hidden ?? false)), ...columns.filter((c) => c.kind === 'json')];
}

function scalarCell(v: Json): CellValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** Table of a list's items. */
export function listTable(items: JsonObject[], id = 'items', title = 'Items'): ResultTable {
  const cols = listColumns(items);
  const rows = items.map((item) => cols.map((c) => c.get(item)));
  return { id, title, columns: cols.map(({ get: _get, ...spec }) => spec), rows };
}

/** Charts of the history objects inside list items: one series per item (first `maxItems`). */
export function listHistoryCharts(items: JsonObject[], maxItems = 10): ResultChart[] {
  const keys = new Set<string>();
  for (const item of items.slice(0, 50)) for (const [k, v] of Object.entries(item)) if (isHistoryObject(v)) keys.add(k);
  const charts: ResultChart[] = [];
  for (const key of keys) {
    const withHistory = items.filter((i) => isHistoryObject(i[key])).slice(0, maxItems);
    const xs = new Set<number>();
    for (const item of withHistory) for (const p of (item[key] as { data: number[][] }).data) xs.add(epochSeconds(p[0]));
    const x = [...xs].sort((a, b) => a - b);
    const at = new Map(x.map((t, i) => [t, i]));
    // bytes: rx + tx when the points are counter arrays, else the first value
    const seen = { counters: false };
    const series = withHistory.map((item) => {
      const values: (number | null)[] = new Array(x.length).fill(null);
      for (const p of (item[key] as { data: number[][] }).data) {
        const v = p.length >= 5 ? p[2] + p[4] : p[1];
        if (p.length >= 5) seen.counters = true;
        values[at.get(epochSeconds(p[0]))!] = typeof v === 'number' && Number.isFinite(v) ? v : null;
      }
      return { label: itemLabel(item, items.indexOf(item)), values };
    });
    const kind: ResultChart['kind'] = seen.counters ? 'bytes' : 'number';
    // As for a single history: each point counts `timespan` seconds; when the items agree on it,
    // the bytes are also charted as a bit rate (first) and the counts say their period.
    const spans = new Set(withHistory.map((item) => historyTimespan(item[key] as JsonObject)));
    const timespan = spans.size === 1 ? [...spans][0] : undefined;
    const per = timespan ? ` per ${spanText(timespan)}` : '';
    if (timespan && kind === 'bytes') {
      charts.push({
        id: `list-${key}-rate`,
        title: `${key} (rx + tx bit rate) per item`,
        kind: 'bitrate',
        x,
        series: series.map((s) => ({ label: s.label, values: s.values.map((v) => (v === null ? null : (v * 8) / timespan)) })),
      });
    }
    charts.push({ id: `list-${key}`, title: `${key}${kind === 'bytes' ? ` (rx + tx bytes${per})` : per} per item`, kind, x, series });
  }
  return charts;
}

// ───────────── whole answers ─────────────

function propertiesTable(obj: JsonObject, id: string, title: string): ResultTable | undefined {
  const rows: CellValue[][] = [];
  for (const [k, v] of Object.entries(obj)) {
    if ((COUNTER_SETS as readonly string[]).includes(k) && isCounterArray(v)) continue;
    if (k === 'displayedItems' || isHistoryObject(v)) continue;
    if (typeof v === 'number' && TIME_KEY.test(k) && v > 1e9) rows.push([k, `${formatTimestamp(epochSeconds(v))} (${v})`]);
    else if (typeof v === 'number' && /bytes$/i.test(k)) rows.push([k, `${formatBytes(v)} (${v} B)`]);
    else if (isScalar(v)) rows.push([k, v]);
    else if (Array.isArray(v) && v.every(isScalar) && v.length <= 32) rows.push([k, v.join(', ')]);
    else if (!(Array.isArray(v) && v.some(isObject))) rows.push([k, JSON.stringify(v)]);
  }
  if (!rows.length) return undefined;
  return { id, title, columns: [{ id: 'key', label: 'property', kind: 'string' }, { id: 'value', label: 'value', kind: 'string' }], rows };
}

function arrayTable(arr: Json[], id: string, title: string): ResultTable | undefined {
  if (arr.length === 0) return undefined;
  if (arr.every(isObject)) return listTable(arr as JsonObject[], id, title);
  if (arr.every(isScalar)) {
    const kind: ColumnKind = arr.every((v) => typeof v === 'number') ? 'number' : arr.every((v) => typeof v === 'string' && isIpLike(v)) ? 'ipaddr' : 'string';
    return { id, title, columns: [{ id: 'value', label: 'value', kind }], rows: arr.map((v) => [v as CellValue]) };
  }
  if (arr.every((v) => Array.isArray(v) && v.every(isScalar))) {
    const width = Math.max(...arr.map((v) => (v as Json[]).length));
    const columns: ColumnSpec[] = Array.from({ length: width }, (_, i) => ({ id: `c${i}`, label: `column ${i + 1}`, kind: (arr as Json[][]).every((r) => typeof r[i] === 'number' || r[i] === undefined) ? 'number' : 'string' }));
    return { id, title, columns, rows: (arr as Json[][]).map((r) => columns.map((_, i) => scalarCell(r[i]))) };
  }
  return { id, title, columns: [{ id: 'value', label: 'value', kind: 'json' }], rows: arr.map((v) => [JSON.stringify(v)]) };
}

export interface AllegroShapeContext {
  /** Page requested (from the query), for the paging info. */
  page?: number;
}

/**
 * Shapes any Allegro answer (or any JSON value): counters, list, history charts, nested tables,
 * properties. The first table is the most important one (the list, else the counters).
 */
export function shapeAllegro(value: Json, context: AllegroShapeContext = {}): ShapedResult {
  const notes: string[] = [];
  let v = value;
  if (isObject(v) && isObject(v.asyncResult)) {
    notes.push('asynchronous result');
    v = v.asyncResult;
  }
  const tables: ResultTable[] = [];
  const charts: ResultChart[] = [];
  let paging: PagingInfo | undefined;
  if (Array.isArray(v)) {
    const t = arrayTable(v, 'items', 'Items');
    if (t) tables.push(t);
    if (v.every(isObject)) charts.push(...listHistoryCharts(v as JsonObject[]));
  } else if (isObject(v)) {
    if (Array.isArray(v.displayedItems)) {
      const items = v.displayedItems.filter(isObject);
      tables.push(listTable(items));
      charts.push(...listHistoryCharts(items));
      const num = (x: Json): number | undefined => (typeof x === 'number' ? x : undefined);
      paging = { page: context.page ?? 0, numberOfItems: num(v.numberOfItems), numberOfPages: num(v.numberOfPages), itemsPerPage: num(v.itemsPerPage) };
      for (const k of Object.keys(paging) as (keyof PagingInfo)[]) if (paging[k] === undefined) delete paging[k];
    }
    const counters = countersTable(v);
    if (counters) tables.push(counters);
    for (const { path, history } of findHistories(v)) {
      const name = path || 'history';
      charts.push(...historyCharts(history, `history-${name}`, name));
    }
    for (const [k, child] of Object.entries(v)) {
      if (k === 'displayedItems' || !Array.isArray(child) || !child.some(isObject)) continue;
      const t = arrayTable(child, `array-${k}`, k);
      if (t) tables.push(t);
    }
    for (const [k, child] of Object.entries(v)) {
      if (!isObject(child) || isHistoryObject(child)) continue;
      const t = countersTable(child, `counters-${k}`, `${k}: counters`);
      if (t) tables.push(t);
    }
    const props = propertiesTable(v, 'properties', 'Properties');
    if (props) tables.push(props);
  } else {
    tables.push({ id: 'value', title: 'Value', columns: [{ id: 'value', label: 'value', kind: typeof v === 'number' ? 'number' : 'string' }], rows: [[scalarCell(v)]] });
  }
  if (charts.length) notes.push(`${charts.length} chart${charts.length > 1 ? 's' : ''}`);
  const result: ShapedResult = { tables, charts };
  if (paging) result.paging = paging;
  if (notes.length) result.notes = notes;
  return result;
}
