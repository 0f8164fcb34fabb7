/**
 * Results view: one webview panel type (viewType `probeExplorer.results`) that shows Allegro GET
 * answers, AppResponse report data and static tables/JSON as fast tables and uPlot charts.
 *
 * ## How other modules use it
 *
 * ```ts
 * // src/extension.ts (composition)
 * const results = registerResults(context, {
 *   runAllegro: async (device, path, query, signal) =>
 *     new AllegroClient(await registry.http(device)).get(path, query, { signal }),   // any JSON answer
 *   fetchAllegroCsv: async (device, path, query, signal) => …text of GET path?…&csv=true…, // optional
 *   log,
 * });
 *
 * // tree / commands: an Allegro node (the panel runs the query, re-runs it on refresh, query bar, restore)
 * results.open({ kind: 'allegro', device: 'lab-mm', path: '/API/stats/modules/ip/ips_paged',
 *                query: { sort: 'bytes', reverse: true, page: 0, count: 100 } });
 *
 * // report runner: register once how to re-run a report from its JSON spec (refresh, restore)…
 * context.subscriptions.push(results.registerReportRerun(async ({ device, spec }, signal) => ({ dataDefs, catalogue })));
 * // …then show a finished report; the panel casts values by the catalogue column types.
 * const handle = results.open({ kind: 'report', device: 'ar11', title: 'Top host groups', spec,
 *                               catalogue: source.columns, dataDefs: [{ id: 1, columns: ['start_time', …], data }] });
 * handle.update({ …same request with new dataDefs… });   // live reports push new data
 *
 * // pcap "Summarize" and similar: static content (not re-runnable; after a reload the panel says so)
 * results.open({ kind: 'table', title: 'capture.pcap', tables: [{ title: 'Protocols', columns: ['protocol', 'packets'], rows }] });
 * results.open({ kind: 'json', title: 'capinfos', value: someObject });
 * ```
 *
 * Restoring after a window reload: the panel's state holds only the request without data
 * (device name, path, query, report spec); it is re-run by the `WebviewPanelSerializer`.
 * Credentials and rows are never kept in the state.
 */
import * as vscode from 'vscode';
import type { Logger } from '../http/types';
import type { CellValue, ColumnSpec, JsonValue, ResultChart } from '../results/model';
import type { AllegroQuery, AllegroQueryBar } from '../results/query';
import type { ReportColumnMeta, ReportDataDefResult } from '../results/appresponseTypes';
import type { ResultsReopen } from '../shared/protocol';
import { ResultsManager } from './resultsManager';

export type { AllegroQuery } from '../results/query';
export type { ReportColumnMeta, ReportDataDefResult } from '../results/appresponseTypes';
export type { CellValue, ColumnSpec, JsonValue, ResultChart } from '../results/model';

export const RESULTS_VIEW_TYPE = 'probeExplorer.results';


/** Runs an Allegro GET and resolves with the parsed JSON answer. Rejects with the HTTP core's typed errors. */
export type RunAllegro = (device: string, path: string, query: AllegroQuery, signal: AbortSignal) => Promise<unknown>;
/** Fetches the device's own CSV of a list (the same query plus `csv=true`) as text. */
export type FetchAllegroCsv = (device: string, path: string, query: AllegroQuery, signal: AbortSignal) => Promise<string>;

export interface ReportRerunResult {
  dataDefs: ReportDataDefResult[];
  catalogue?: ReportColumnMeta[];
  /** Shown in the Raw JSON tab; defaults to the dataDefs. */
  raw?: unknown;
}
/** Re-runs a report from its spec (registered by the report runner). */
export type ReportRerun = (request: { device: string; spec: JsonValue }, signal: AbortSignal) => Promise<ReportRerunResult>;

export interface ResultsDeps {
  runAllegro: RunAllegro;
  fetchAllegroCsv?: FetchAllegroCsv;
  log?: Logger;
}

/** An Allegro GET: the panel runs it, offers the query bar parts its answer takes (lists: sorting and paging; lists and objects with counters: the time interval), refreshes and restores it. */
export interface AllegroResultsRequest {
  kind: 'allegro';
  device: string;
  /** e.g. /API/stats/modules/ip/ips_paged */
  path: string;
  query?: AllegroQuery;
  /** Defaults to the last path segment. */
  title?: string;
  /** Fetch every page of a paged list and show them as one table. */
  allPages?: boolean;
  /** The query bar as the user left it (a panel restored after a reload); else read from `query`. */
  bar?: AllegroQueryBar;
}

/** A finished AppResponse report: typed tables per data definition, time series charted per group key. */
export interface ReportResultsRequest {
  kind: 'report';
  device: string;
  title: string;
  dataDefs: ReportDataDefResult[];
  /** Catalogue columns used to type string column ids of the answer (npm.reports.sources columns). */
  catalogue?: ReportColumnMeta[];
  /** The report definition: kept in the state and passed to the registered ReportRerun. */
  spec?: JsonValue;
  /** Shown in the Raw JSON tab; defaults to the dataDefs. */
  raw?: unknown;
}

export interface StaticTable {
  title: string;
  /** Plain ids (typed as strings) or full specs. */
  columns: (string | ColumnSpec)[];
  rows: CellValue[][];
}

/** Static tables (e.g. pcap Summarize). Not re-runnable. */
export interface TableResultsRequest {
  kind: 'table';
  title: string;
  subtitle?: string;
  tables: StaticTable[];
  charts?: ResultChart[];
  raw?: unknown;
  /** Makes the result again after a window reload (the tables themselves are not kept). */
  reopen?: ResultsReopen;
}

/** Any JSON value: shown as tables where it has a table shape, and always in the Raw JSON tab. */
export interface JsonResultsRequest {
  kind: 'json';
  title: string;
  subtitle?: string;
  value: unknown;
}

export type ResultsRequest = AllegroResultsRequest | ReportResultsRequest | TableResultsRequest | JsonResultsRequest;

export interface ResultsOpenOptions {
  viewColumn?: vscode.ViewColumn;
  preserveFocus?: boolean;
}

export interface ResultsPanelHandle {
  readonly request: ResultsRequest;
  /** Replaces the content (same panel), e.g. new data of a live report. */
  update(request: ResultsRequest): void;
  reveal(): void;
  dispose(): void;
  readonly onDidDispose: vscode.Event<void>;
}

export interface ResultsService {
  open(request: ResultsRequest, options?: ResultsOpenOptions): ResultsPanelHandle;
  /** The report runner registers how to re-run reports (refresh, auto-refresh, restore after reload). */
  registerReportRerun(rerun: ReportRerun): vscode.Disposable;
}

/** Registers the results panel type, its serializer, and returns the service. */
export function registerResults(context: vscode.ExtensionContext, deps: ResultsDeps): ResultsService {
  const manager = new ResultsManager(context, deps);
  context.subscriptions.push(manager, vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, manager));
  return manager;
}
