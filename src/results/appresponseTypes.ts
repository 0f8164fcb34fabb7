// Structural types of AppResponse report results as the results view accepts them. They match
// the wire types of src/appresponse/types.ts (SourceColumn, DataResponse) without importing the
// client, so the report runner can pass its objects straight through.

/** A catalogue column (npm.reports.sources `columns[]`): only the properties the view reads. */
export interface ReportColumnMeta {
  id: string;
  label?: string;
  type?: string; // string | boolean | number | integer | ipaddr | ether | port | timestamp | duration | array
  unit?: string; // bytes | seconds | none | …
  rate?: string; // ps | pgs | …
  metric?: boolean;
  grouped_by?: boolean;
  description?: string;
  field?: string;
}

/** One data definition's answer (GET …/data_defs/items/N/data, or one entry of the bulk answer). */
export interface ReportDataDefResult {
  id?: number | string;
  /** Shown as the table title; defaults to "Data definition <id>". */
  title?: string;
  /** Column ids of the answer in order, or full catalogue columns. */
  columns: (string | ReportColumnMeta)[];
  /** Rows of string values; may be absent when the answer is empty. */
  data?: string[][];
  meta?: { count?: number; total?: number; [key: string]: unknown };
}
