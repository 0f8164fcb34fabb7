// The shaped form of a query result: what the results webview draws. Pure data, JSON-serialisable,
// shared by the panel (src/panels/results*.ts), the webview (webview/results) and the tests.

/** How a column's values are read, sorted and formatted. */
export type ColumnKind =
  | 'string'
  | 'integer' // counts, packets
  | 'identifier' // a number that names something (port, id, VLAN): shown as is, sorted as a number
  | 'number'
  | 'bytes' // a byte count, shown with units (kB, MB…)
  | 'byterate' // bytes per second, shown as a bit rate (×8)
  | 'bitrate' // bits per second
  | 'timestamp' // epoch seconds (fractional allowed), shown as a local date
  | 'duration' // seconds, shown as "1.5 s", "2 min 3 s"
  | 'ipaddr'
  | 'boolean'
  | 'json'; // nested value, shown as compact JSON

export interface ColumnSpec {
  id: string;
  label: string;
  kind: ColumnKind;
  /** Longer text for the header tooltip (catalogue description, unit, original field). */
  description?: string;
  /** Hidden at first; the user can show it from the column chooser. */
  hidden?: boolean;
}

/**
 * One cell. Numbers are raw (bytes, seconds, epoch seconds), formatted only when drawn.
 * The strings `#N/A` (not applicable) and `#N/D` (no data) are kept as they are, in any column,
 * and drawn distinctly; `null` is an absent value (the device's `NULL`).
 */
export type CellValue = string | number | boolean | null;
export const NOT_APPLICABLE = '#N/A';
export const NO_DATA = '#N/D';

export interface ResultTable {
  id: string;
  title: string;
  columns: ColumnSpec[];
  rows: CellValue[][];
}

export interface ChartSeries {
  label: string;
  /** Same length as the chart's `x`; null where the series has no point. */
  values: (number | null)[];
}

export interface ResultChart {
  id: string;
  title: string;
  /** Unit of the y axis values. */
  kind: 'integer' | 'number' | 'bytes' | 'byterate' | 'bitrate' | 'duration';
  /** Epoch seconds, ascending. */
  x: number[];
  series: ChartSeries[];
}

/** Paging facts an Allegro list answer carries (numberOfItems, numberOfPages, itemsPerPage). */
export interface PagingInfo {
  page: number;
  numberOfPages?: number;
  numberOfItems?: number;
  itemsPerPage?: number;
}

export interface ShapedResult {
  tables: ResultTable[];
  charts: ResultChart[];
  paging?: PagingInfo;
  /** Short notes for the status line, e.g. "async result", "3 history objects". */
  notes?: string[];
}

/** JSON-serialisable value (report specs are kept in the panel state to re-run after a reload). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
