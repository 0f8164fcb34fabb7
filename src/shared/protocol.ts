// Typed messages between panels (extension host) and their webviews. Each webview has its own
// section; both sides import the same union, so a message that one side sends and the other does
// not understand is a type error. Rules: the webview sends `ready` before the host sends anything;
// requests from the webview carry a `requestId` that the host echoes in its `reply`.

import type { AllegroQuery, AllegroQueryBar, QueryBarParts } from '../results/query';
import type { CellValue, ColumnSpec, JsonValue, PagingInfo, ResultChart } from '../results/model';

// ───────────────────────────── Results view (viewType probeExplorer.results) ─────────────────────────────

export type ResultsSourceKind = 'allegro' | 'report' | 'table' | 'json';

export interface ResultsTableMeta {
  id: string;
  title: string;
  columns: ColumnSpec[];
  /** Rows that will arrive in `rows` messages for this table. */
  rowCount: number;
}

/** Everything about a result except its rows, which follow in chunks. */
export interface ResultsMeta {
  /** Increases with every delivered result; `rows` of an older result are dropped. */
  seq: number;
  title: string;
  /** Device and path / report, shown under the title. */
  subtitle: string;
  source: ResultsSourceKind;
  /** Epoch milliseconds when the answer arrived. */
  fetchedAt: number;
  elapsedMs?: number;
  tables: ResultsTableMeta[];
  charts: ResultChart[];
  paging?: PagingInfo;
  notes?: string[];
  /** Present for Allegro lists and objects with counters: the query bar is shown with these values… */
  queryBar?: AllegroQueryBar;
  /** …and these of its parts (all when absent). */
  queryBarParts?: QueryBarParts;
  /** Refresh and auto-refresh are offered (a query or re-run callback exists). */
  canRefresh: boolean;
  /** Pretty-printed answer for the Raw JSON tab (cut at a size limit). */
  rawJson: string;
  rawJsonTruncated: boolean;
  autoRefreshSeconds: number;
  /** What the webview keeps in its state so the panel can re-run the query after a reload. */
  restore: ResultsRestoreState;
}

/** The request without its data: enough to re-run it after a reload. Never credentials, never rows. */
export type ResultsRestoreState =
  | { kind: 'allegro'; device: string; path: string; query: AllegroQuery; title?: string; allPages?: boolean; bar?: AllegroQueryBar }
  | { kind: 'report'; device: string; title: string; spec?: JsonValue }
  | { kind: 'static'; title: string; reopen?: ResultsReopen };

/**
 * How a static result is made again after a reload: a command of an allow-list run on a workspace
 * file (the capture Summarize re-reads its pcap). The webview keeps it; the host checks it.
 */
export interface ResultsReopen {
  command: 'probeExplorer.summarizeCapture';
  uri: string;
}

export type ResultsHostMessage =
  | { type: 'result'; meta: ResultsMeta }
  | { type: 'rows'; seq: number; tableId: string; offset: number; rows: CellValue[][]; last: boolean }
  | { type: 'busy'; message: string }
  | { type: 'failed'; message: string }
  | { type: 'reply'; requestId: number; ok: boolean; message?: string };

export type ResultsWebviewMessage =
  | { type: 'ready' }
  | { type: 'refresh'; requestId: number }
  | { type: 'query'; requestId: number; bar: AllegroQueryBar }
  | { type: 'autoRefresh'; requestId: number; seconds: number }
  /** CSV or JSON of one table as shown (`view`), or of the raw answer (`tableId` absent, JSON). */
  | { type: 'export'; requestId: number; format: 'csv' | 'json'; tableId?: string; view?: ResultsTableView }
  | { type: 'exportPng'; requestId: number; chartId: string; title: string; dataUrl: string }
  | { type: 'copy'; requestId: number; text: string };

/**
 * What a table shows, for an export of it: the webview holds the quick filter, the sort and the
 * hidden columns; it sends the outcome (row indices, visible column ids), never the rows themselves.
 */
export interface ResultsTableView {
  /** The result (`ResultsMeta.seq`) the rows belong to; an export of an older one is refused. */
  seq: number;
  /** Visible columns, in view order. */
  columnIds: string[];
  /** Indices of the rows shown (into the rows delivered), after the filter and in the shown order; absent = every row as delivered. */
  rows?: number[];
}

/** What the results webview keeps in `vscode.setState` (UI only; the panel keeps the query). */
export interface ResultsWebviewState {
  activeTab?: string;
  hiddenColumns?: Record<string, string[]>;
  filter?: string;
  /**
   * How each table (by table id) was arranged: sort, quick filter, widths the user dragged. The
   * webview is not kept while its tab is hidden, so this brings them back when it is shown again.
   */
  tableViews?: Record<string, ResultsTableLayout>;
  /** The auto-refresh interval the user chose in this panel (seconds; 0 = off), kept across a reload. */
  autoRefreshSeconds?: number;
  restore?: ResultsRestoreState;
}

export interface ResultsTableLayout {
  sort?: { column: string; dir: 1 | -1 };
  filter?: string;
  /** Widths (px) of the columns the user resized, by column id. */
  widths?: Record<string, number>;
}

// ───────────────────────────── Report editor (viewType probeExplorer.reportEditor) ─────────────────────────────
// The report file is the source of truth: the host sends its parsed value on every change, the
// webview sends the whole new value after a form edit and the host writes it with a WorkspaceEdit.
// Catalogues are JSON (npm.reports.sources items, enum values filled in): the STEELFILTER core and
// the validator run in the webview on them.

export interface ReportEditorFileMessage {
  type: 'file';
  /** The file's URI (kept in the webview state for the serializer). */
  uri: string;
  /** File name shown in the header. */
  name: string;
  /** The parsed file (whatever could be read); undefined when the text is not JSON at all. */
  value: unknown;
  /** JSON syntax errors: the form is read-only until the text parses. */
  jsonErrors: string[];
  /** Configured AppResponse devices. */
  devices: string[];
}

export type ReportEditorHostMessage =
  | ReportEditorFileMessage
  | { type: 'sources'; device: string; names: string[]; error?: string }
  | { type: 'source'; device: string; name: string; source?: JsonValue; error?: string }
  | { type: 'reply'; requestId: number; ok: boolean; message?: string };

export type ReportEditorWebviewMessage =
  | { type: 'ready' }
  /** Replace the file content with this value (pretty-printed JSON). */
  | { type: 'edit'; requestId: number; value: JsonValue }
  | { type: 'loadSources'; device: string }
  | { type: 'loadSource'; device: string; name: string }
  | { type: 'run'; live: boolean }
  | { type: 'openJson' };

/** What the report editor webview keeps in `vscode.setState`: only the file URI (the serializer reopens it). */
export interface ReportEditorState {
  uri: string;
}
