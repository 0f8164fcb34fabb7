// The source object as served by npm.reports.sources (GET .../sources/items/<name>), and the
// questions the language core asks about its columns. Unknown extra properties are tolerated.

export type ColumnType =
  | 'string' | 'boolean' | 'number' | 'integer' | 'ipaddr' | 'ether' | 'port'
  | 'timestamp' | 'duration' | 'array';

/** An enumerated value; the catalogue may give bare strings or value/label pairs. */
export type EnumEntry = string | { value: string; label?: string; description?: string };

export interface Column {
  id: string;
  field?: string;
  label?: string;
  description?: string;
  type?: ColumnType | string;
  /** The document has a boolean; catalogues that inline the values give an array. */
  enum?: boolean | EnumEntry[];
  /** Values of an enum column when `enum` is the boolean flag (fetched from the fields API). */
  enum_values?: EnumEntry[];
  unit?: string;
  rate?: string;
  operation?: string;
  direction?: string;
  role?: string;
  minimum?: number | string;
  maximum?: number | string;
  metric?: boolean;
  grouped_by?: boolean;
  /** The document spells it `top_by` in the property list and `topped_by` in its example. */
  top_by?: { asc?: boolean; desc?: boolean };
  topped_by?: { asc?: boolean; desc?: boolean };
  sortable?: boolean;
  source_name?: string;
  [extra: string]: unknown;
}

export interface Source {
  name: string;
  info?: { external_api_access?: string; generated_at?: string; version?: string; vendor?: string };
  capabilities?: { filters_on_metrics?: boolean; filter_on_metrics?: boolean };
  granularities?: string[];
  columns: Column[];
  [extra: string]: unknown;
}

export const NUMERIC_TYPES: ReadonlySet<string> = new Set(['number', 'integer', 'port', 'timestamp', 'duration']);

export function filtersOnMetrics(source: Source): boolean {
  // The document names it `filters_on_metrics` in JSON and `filter_on_metrics` in prose.
  return source.capabilities?.filters_on_metrics === true || source.capabilities?.filter_on_metrics === true;
}

export function enumValuesOf(column: Column): { value: string; label?: string }[] | undefined {
  const raw = Array.isArray(column.enum) ? column.enum : column.enum_values;
  if (!raw) return undefined;
  return raw.map((e) => (typeof e === 'string' ? { value: e } : { value: String(e.value), label: e.label }));
}

export function topByOf(column: Column): { asc: boolean; desc: boolean } | undefined {
  const t = column.top_by ?? column.topped_by;
  if (!t) return undefined;
  return { asc: t.asc === true, desc: t.desc === true };
}

/** Column lookup by id, cached per source object (catalogues are large and queried per keystroke). */
const indexCache = new WeakMap<Source, Map<string, Column>>();
export function columnIndex(source: Source): Map<string, Column> {
  let index = indexCache.get(source);
  if (!index || index.size !== source.columns.length) {
    index = new Map();
    for (const c of source.columns) index.set(c.id, c);
    indexCache.set(source, index);
  }
  return index;
}
