// What an export of the results table saves: the rows the table shows (after its quick filter, in
// the shown order) and its visible columns in view order. The webview holds the filter, sort and
// hidden columns and sends them as a view; the host picks those rows of the table it delivered. Pure.
import type { ResultTable } from './model';

/** The table as shown. Absent fields mean "as delivered": every column, every row in arrival order. */
export interface TableView {
  /** Visible columns, in view order. */
  columnIds?: string[];
  /** Row indices (into the delivered rows) shown after the filter, in the shown order. */
  rows?: number[];
}

/** The table cut down to the rows and columns of a view. Rejects rows the table does not have. */
export function shownTable(table: ResultTable, view: TableView = {}): ResultTable {
  const columnIdx = (view.columnIds ?? table.columns.map((c) => c.id)).map((id) => table.columns.findIndex((c) => c.id === id)).filter((i) => i >= 0);
  if (!columnIdx.length) throw new Error('None of the shown columns is in this table; export again.');
  const rowIdx = view.rows ?? table.rows.map((_, i) => i);
  for (const i of rowIdx) if (!Number.isInteger(i) || i < 0 || i >= table.rows.length) throw new Error('The rows shown are not those of this result; export again.');
  return {
    ...table,
    columns: columnIdx.map((c) => table.columns[c]),
    rows: rowIdx.map((r) => columnIdx.map((c) => table.rows[r][c] ?? null)),
  };
}
