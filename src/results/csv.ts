// Generated CSV of a result table (RFC 4180: CRLF, quotes doubled). Numbers stay raw so a
// spreadsheet can compute with them; timestamps become ISO 8601 UTC. Pure.
import { formatTimestamp } from './format';
import type { CellValue, ResultTable } from './model';

function field(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvValue(value: CellValue, kind: string): string {
  if (value === null) return '';
  if (typeof value === 'number' && kind === 'timestamp') return `${formatTimestamp(value, true).replace(' ', 'T')}Z`;
  // Guard against spreadsheet formula injection from device strings (=, +, -, @ at the start).
  if (typeof value === 'string' && /^[=+@\t\r]|^-(?!\d)/.test(value) && value !== '#N/A' && value !== '#N/D') return `'${value}`;
  return String(value);
}

/** CSV of a table; `columnIds` picks and orders columns (default: all). */
export function tableToCsv(table: ResultTable, columnIds?: string[]): string {
  const idx = (columnIds ?? table.columns.map((c) => c.id)).map((id) => table.columns.findIndex((c) => c.id === id)).filter((i) => i >= 0);
  const lines = [idx.map((i) => field(table.columns[i].label)).join(',')];
  for (const row of table.rows) lines.push(idx.map((i) => field(csvValue(row[i], table.columns[i].kind))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** Array of objects keyed by column id (visible columns), for JSON export of a table. */
export function tableToObjects(table: ResultTable, columnIds?: string[]): Record<string, CellValue>[] {
  const idx = (columnIds ?? table.columns.map((c) => c.id)).map((id) => table.columns.findIndex((c) => c.id === id)).filter((i) => i >= 0);
  return table.rows.map((row) => Object.fromEntries(idx.map((i) => [table.columns[i].id, row[i]])));
}
