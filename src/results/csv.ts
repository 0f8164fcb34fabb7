// Exports of a result table as CSV (RFC 4180: CRLF, quotes doubled) and as JSON objects, with
// machine-readable values: numbers raw (bytes, not "12.3 MB"), timestamps in ISO 8601 UTC with the
// precision they have, #N/A and #N/D as such. Headers and keys are the column labels. Pure.
import type { CellValue, ColumnSpec, ResultTable } from './model';

function field(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Epoch seconds → ISO 8601 UTC. The fraction is written with the digits the value has (its
 * shortest round-trip text), in groups of three: 1795337640.04 → "…:00.040Z", a microsecond
 * timestamp → ".123456Z", whole seconds → no fraction.
 */
export function isoTimestamp(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds)) return String(epochSeconds);
  const whole = Math.floor(epochSeconds);
  const date = new Date(whole * 1000);
  if (Number.isNaN(date.getTime())) return String(epochSeconds);
  let digits = '';
  if (whole !== epochSeconds) {
    const text = /\.(\d+)$/.exec(String(epochSeconds));
    // Negative or exponent-written values have no usable text: nanoseconds of the fraction.
    digits = text && epochSeconds > 0 ? text[1] : String(Math.round((epochSeconds - whole) * 1e9)).padStart(9, '0');
    digits = digits.slice(0, 9).replace(/0+$/, '');
  }
  const base = date.toISOString().slice(0, 19);
  return digits ? `${base}.${digits.padEnd(Math.ceil(digits.length / 3) * 3, '0')}Z` : `${base}Z`;
}

/** A cell as exported: timestamps as ISO text, everything else as it is. */
export function exportValue(value: CellValue, kind: ColumnSpec['kind']): CellValue {
  return typeof value === 'number' && kind === 'timestamp' ? isoTimestamp(value) : value;
}

function csvValue(value: CellValue, kind: ColumnSpec['kind']): string {
  const v = exportValue(value, kind);
  if (v === null) return '';
  // Guard against spreadsheet formula injection from device strings (=, +, -, @ at the start).
  if (typeof v === 'string' && /^[=+@\t\r]|^-(?!\d)/.test(v) && v !== '#N/A' && v !== '#N/D') return `'${v}`;
  return String(v);
}

/** Headers (CSV) and keys (JSON): the column labels; a label that two columns share gets the column id. */
export function exportLabels(columns: readonly ColumnSpec[]): string[] {
  const count = new Map<string, number>();
  for (const c of columns) count.set(c.label, (count.get(c.label) ?? 0) + 1);
  return columns.map((c) => (count.get(c.label)! > 1 ? `${c.label} (${c.id})` : c.label));
}

function pick(table: ResultTable, columnIds?: string[]): number[] {
  return (columnIds ?? table.columns.map((c) => c.id)).map((id) => table.columns.findIndex((c) => c.id === id)).filter((i) => i >= 0);
}

/** CSV of a table; `columnIds` picks and orders columns (default: all). */
export function tableToCsv(table: ResultTable, columnIds?: string[]): string {
  const idx = pick(table, columnIds);
  const labels = exportLabels(idx.map((i) => table.columns[i]));
  const lines = [labels.map(field).join(',')];
  for (const row of table.rows) lines.push(idx.map((i) => field(csvValue(row[i] ?? null, table.columns[i].kind))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** JSON value of a cell: nested values (kind json) as JSON again, not as their text. */
function jsonValue(value: CellValue, kind: ColumnSpec['kind']): unknown {
  if (kind === 'json' && typeof value === 'string') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return exportValue(value, kind);
}

/** Array of objects keyed by column label, for a JSON export of a table; `columnIds` as for CSV. */
export function tableToObjects(table: ResultTable, columnIds?: string[]): Record<string, unknown>[] {
  const idx = pick(table, columnIds);
  const labels = exportLabels(idx.map((i) => table.columns[i]));
  return table.rows.map((row) => Object.fromEntries(idx.map((i, k) => [labels[k], jsonValue(row[i] ?? null, table.columns[i].kind)])));
}
