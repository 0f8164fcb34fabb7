// One results panel: runs or receives its result, shapes it, sends it to the webview in chunks,
// answers the webview's requests (query bar, refresh, export, copy) and keeps a restorable state.
import * as vscode from 'vscode';
import { shapeAllegro } from '../results/allegro';
import { shapeReport } from '../results/appresponse';
import { tableToCsv, tableToObjects } from '../results/csv';
import { shownTable } from '../results/export';
import { fetchAllegro } from '../results/fetchAllegro';
import type { ColumnSpec, ResultTable, ShapedResult } from '../results/model';
import { ALL_QUERY_BAR_PARTS, applyQueryBar, deviceCsvQuery, isAllegroListPath, queryBarFrom, queryBarPartsOf, queryBarProblem, type AllegroQuery, type AllegroQueryBar, type QueryBarParts } from '../results/query';
import type { ResultsHostMessage, ResultsMeta, ResultsRestoreState, ResultsWebviewMessage } from '../shared/protocol';
import type { ReportRerun, ResultsDeps, ResultsPanelHandle, ResultsRequest } from './results';
import { saveExport } from './resultsExport';
import { allegroRestoreState } from './resultsRestore';
import { webviewHtml, webviewRoots } from './webviewHtml';

/** Rows in the first chunk of a table (paints the first screen) and in the following ones. */
const FIRST_CHUNK = 200;
const CHUNK = 10_000;
const RAW_JSON_LIMIT = 2_000_000;

interface Loaded {
  shaped: ShapedResult;
  raw: unknown;
  fetchedAt: number;
  /** How long the device took, where this panel asked it (not for a result handed to it). */
  elapsedMs?: number;
}

export interface PanelContext {
  extensionUri: vscode.Uri;
  deps: ResultsDeps;
  reportRerun(): ReportRerun | undefined;
}

/** A device answer that is CSV rather than JSON or an HTML error page. */
function looksLikeCsv(text: string): boolean {
  const head = text.trimStart().slice(0, 200);
  return head.length > 0 && !head.startsWith('{') && !head.startsWith('[') && !head.startsWith('<') && head.includes(',');
}

export function titleOf(request: ResultsRequest): string {
  if (request.kind === 'allegro') return request.title ?? (request.path.replace(/\/+$/, '').split('/').pop() || request.path);
  return request.title;
}

function subtitleOf(request: ResultsRequest): string {
  switch (request.kind) {
    case 'allegro': return `${request.device} · ${request.path}`;
    case 'report': return `${request.device} · report`;
    default: return request.subtitle ?? '';
  }
}

function staticTables(tables: { title: string; columns: (string | ColumnSpec)[]; rows: ResultTable['rows'] }[]): ResultTable[] {
  return tables.map((t, i) => ({
    id: `t${i}`,
    title: t.title,
    // Plain column ids are typed by their values: numbers when every cell is a number (or empty).
    columns: t.columns.map((c, ci): ColumnSpec => (typeof c === 'string' ? { id: c, label: c, kind: t.rows.length && t.rows.every((r) => typeof r[ci] === 'number' || r[ci] === null) ? 'number' : 'string' } : c)),
    rows: t.rows,
  }));
}

export class ResultsPanel implements ResultsPanelHandle {
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private seq = 0;
  private loaded?: Loaded;
  private failure?: string;
  private abort?: AbortController;
  private autoSeconds: number;
  private autoTimer?: ReturnType<typeof setTimeout>;
  private bar?: AllegroQueryBar;
  /** The parts of the query bar the node takes, from its last answer; the bar is shown once known. */
  private parts?: QueryBarParts;
  private disposed = false;
  /** A load (query, re-run) is under way. */
  private loading = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private current: ResultsRequest,
    private readonly ctx: PanelContext,
    /** Set when restored after a reload and the content was static (not kept). */
    private readonly lostStatic = false,
    initialRerun = false,
    /** Restored after a reload: the interval the user had chosen in this panel (else the setting's). */
    autoRefreshSeconds?: number,
  ) {
    this.autoSeconds = autoRefreshSeconds ?? vscode.workspace.getConfiguration('probeExplorer').get<number>('results.autoRefreshSeconds', 0);
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(ctx.extensionUri) };
    panel.webview.html = webviewHtml(panel.webview, ctx.extensionUri, { bundle: 'results', title: 'Results' });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: ResultsWebviewMessage) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
      // Hidden panels do not poll; one shown again with auto-refresh on and a result older than
      // its interval asks the device at once instead of showing the old rows until the next tick.
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible && this.autoRefreshDue()) void this.load(true);
      }),
    );
    this.resetBar();
    void this.load(initialRerun);
  }

  get request(): ResultsRequest {
    return this.current;
  }

  update(request: ResultsRequest): void {
    this.current = request;
    this.resetBar();
    void this.load();
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort?.abort();
    clearTimeout(this.autoTimer);
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }

  private resetBar(): void {
    const r = this.current;
    // Every Allegro GET has a query bar; which parts of it apply is read from the answer
    // (queryBarPartsOf). Until the first answer, a list path is taken at its word.
    this.bar = r.kind !== 'allegro' ? undefined : r.bar ? { ...r.bar } : { ...queryBarFrom(r.query ?? {}), allPages: r.allPages ?? false };
    this.parts = r.kind === 'allegro' && isAllegroListPath(r.path) ? { ...ALL_QUERY_BAR_PARTS } : undefined;
    this.panel.title = `${titleOf(r)}${r.kind === 'allegro' || r.kind === 'report' ? ` · ${r.device}` : ''}`;
  }

  private canRefresh(): boolean {
    const r = this.current;
    return r.kind === 'allegro' || (r.kind === 'report' && r.spec !== undefined && this.ctx.reportRerun() !== undefined);
  }

  private effectiveQuery(): AllegroQuery {
    const r = this.current;
    if (r.kind !== 'allegro') return {};
    return this.bar ? applyQueryBar(r.query ?? {}, this.bar, Date.now() / 1000, this.parts ?? ALL_QUERY_BAR_PARTS) : { ...(r.query ?? {}) };
  }

  private restoreState(): ResultsRestoreState {
    const r = this.current;
    switch (r.kind) {
      case 'allegro':
        return allegroRestoreState(r, this.bar);
      case 'report': {
        const state: ResultsRestoreState = { kind: 'report', device: r.device, title: r.title };
        if (r.spec !== undefined) state.spec = r.spec;
        return state;
      }
      default:
        return { kind: 'static', title: r.title, ...(r.kind === 'table' && r.reopen ? { reopen: r.reopen } : {}) };
    }
  }

  /** Produces the result: runs the query (Allegro), re-runs the report, or shapes given data. */
  private async load(rerun = false): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    this.loading = true;
    clearTimeout(this.autoTimer);
    const r = this.current;
    const started = Date.now();
    if (this.lostStatic && r.kind === 'table' && r.reopen) {
      // Made again by its command (a capture summary re-reads its file), in a new panel.
      const { command, uri } = r.reopen;
      this.loading = false;
      this.send({ type: 'busy', message: `Making “${titleOf(r)}” again…` });
      try {
        await vscode.commands.executeCommand(command, vscode.Uri.parse(uri, true));
        this.dispose();
      } catch (err) {
        this.failure = `“${titleOf(r)}” could not be made again: ${err instanceof Error ? err.message : String(err)}`;
        this.send({ type: 'failed', message: this.failure });
      }
      return;
    }
    if (this.lostStatic) {
      this.failure = r.kind === 'report'
        ? `“${titleOf(r)}” cannot be re-run after the reload (no report runner is available). Run the report again.`
        : `“${titleOf(r)}” was not kept across the window reload (only queries are restored). Run the command that produced it again.`;
      this.send({ type: 'failed', message: this.failure });
      this.loading = false;
      return;
    }
    try {
      let shaped: ShapedResult;
      let raw: unknown;
      let parts: QueryBarParts | undefined;
      let asked = false; // this panel asked the device (its time is the device's); else it only shaped a result
      switch (r.kind) {
        case 'allegro': {
          // A query the device would refuse (an interval ending before it starts) is not sent.
          const problem = this.bar && queryBarProblem(this.bar, this.parts);
          if (problem) throw new Error(`${problem.message} The query was not sent.`);
          this.send({ type: 'busy', message: `GET ${r.path}…` });
          const query = this.effectiveQuery();
          // "All pages" only where the device pages.
          const allPages = (this.parts ?? ALL_QUERY_BAR_PARTS).paging && (this.bar?.allPages ?? false);
          asked = true;
          raw = await fetchAllegro(this.ctx.deps.runAllegro, r.device, r.path, query, allPages, abort.signal, (done, total) =>
            this.send({ type: 'busy', message: `GET ${r.path}: page ${done} of ${total}…` }),
          );
          shaped = shapeAllegro(raw, { page: typeof query.page === 'number' ? query.page : Number(query.page ?? 0) });
          parts = queryBarPartsOf(raw);
          break;
        }
        case 'report': {
          let { dataDefs, catalogue } = r;
          raw = r.raw ?? dataDefs;
          const rerunFn = this.ctx.reportRerun();
          if (rerun && rerunFn && r.spec !== undefined) {
            this.send({ type: 'busy', message: `Running report ${r.title}…` });
            asked = true;
            const result = await rerunFn({ device: r.device, spec: r.spec }, abort.signal);
            dataDefs = result.dataDefs;
            catalogue = result.catalogue ?? catalogue;
            raw = result.raw ?? result.dataDefs;
            this.current = { ...r, dataDefs, catalogue, raw };
          }
          shaped = shapeReport(dataDefs, catalogue);
          break;
        }
        case 'table':
          shaped = { tables: staticTables(r.tables), charts: r.charts ?? [] };
          raw = r.raw ?? r.tables;
          break;
        case 'json':
          shaped = shapeAllegro(r.value);
          raw = r.value;
          break;
      }
      if (abort.signal.aborted || this.disposed) return;
      if (r.kind === 'allegro') this.parts = parts;
      this.failure = undefined;
      this.loaded = { shaped, raw, fetchedAt: Date.now(), ...(asked ? { elapsedMs: Date.now() - started } : {}) };
      await this.deliver();
    } catch (err) {
      if (abort.signal.aborted || this.disposed) return;
      const message = err instanceof Error ? err.message : String(err);
      this.ctx.deps.log?.warn(`Results: ${titleOf(r)}: ${message}`);
      this.failure = message;
      this.send({ type: 'failed', message });
    } finally {
      if (this.abort === abort) {
        this.loading = false;
        this.scheduleAutoRefresh();
      }
    }
  }

  private autoRefreshDue(): boolean {
    if (this.disposed || this.loading || this.autoSeconds <= 0 || !this.canRefresh()) return false;
    const fetchedAt = this.loaded?.fetchedAt;
    return fetchedAt !== undefined && Date.now() - fetchedAt >= this.autoSeconds * 1000;
  }

  private scheduleAutoRefresh(): void {
    clearTimeout(this.autoTimer);
    if (this.disposed || this.autoSeconds <= 0 || !this.canRefresh()) return;
    this.autoTimer = setTimeout(() => {
      // Hidden panels do not poll the device; they refresh when shown again.
      if (this.panel.visible) void this.load(true);
      else this.scheduleAutoRefresh();
    }, this.autoSeconds * 1000);
  }

  private send(message: ResultsHostMessage): Thenable<boolean> | undefined {
    if (!this.ready || this.disposed) return undefined;
    return this.panel.webview.postMessage(message);
  }

  /** Sends the meta, then every table's rows in chunks (a small first chunk paints at once). */
  private async deliver(): Promise<void> {
    const loaded = this.loaded;
    if (!loaded || !this.ready) return;
    const seq = ++this.seq;
    const r = this.current;
    let rawJson = '';
    try {
      rawJson = JSON.stringify(loaded.raw, null, 2) ?? 'undefined';
    } catch {
      rawJson = String(loaded.raw);
    }
    const truncated = rawJson.length > RAW_JSON_LIMIT;
    const meta: ResultsMeta = {
      seq,
      title: titleOf(r),
      subtitle: subtitleOf(r),
      source: r.kind,
      fetchedAt: loaded.fetchedAt,
      elapsedMs: loaded.elapsedMs,
      tables: loaded.shaped.tables.map((t) => ({ id: t.id, title: t.title, columns: t.columns, rowCount: t.rows.length })),
      charts: loaded.shaped.charts,
      canRefresh: this.canRefresh(),
      rawJson: truncated ? rawJson.slice(0, RAW_JSON_LIMIT) : rawJson,
      rawJsonTruncated: truncated,
      autoRefreshSeconds: this.autoSeconds,
      restore: this.restoreState(),
    };
    if (loaded.shaped.paging) meta.paging = loaded.shaped.paging;
    if (loaded.shaped.notes) meta.notes = loaded.shaped.notes;
    if (this.bar && this.parts) {
      meta.queryBar = this.bar;
      meta.queryBarParts = this.parts;
    }
    await this.send({ type: 'result', meta });
    for (const table of loaded.shaped.tables) {
      let offset = 0;
      let size = FIRST_CHUNK;
      do {
        if (seq !== this.seq || this.disposed) return;
        const rows = table.rows.slice(offset, offset + size);
        const last = offset + size >= table.rows.length;
        await this.send({ type: 'rows', seq, tableId: table.id, offset, rows, last });
        offset += size;
        size = CHUNK;
      } while (offset < table.rows.length);
    }
  }

  private reply(requestId: number, ok: boolean, message?: string): void {
    const m: ResultsHostMessage = { type: 'reply', requestId, ok };
    if (message !== undefined) m.message = message;
    void this.send(m);
  }

  private async onMessage(m: ResultsWebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.loaded) await this.deliver();
        // After the last result: the webview marks its rows as those of the previous query.
        if (this.failure) this.send({ type: 'failed', message: this.failure });
        else if (!this.loaded) this.send({ type: 'busy', message: 'Loading…' });
        return;
      case 'refresh':
        await this.load(true);
        this.reply(m.requestId, this.failure === undefined, this.failure);
        return;
      case 'query':
        if (!this.bar || !this.parts) return this.reply(m.requestId, false, 'This result has no query bar.');
        {
          // The webview checks this too; the last query (and its rows) stay as they are.
          const problem = queryBarProblem(m.bar, this.parts);
          if (problem) return this.reply(m.requestId, false, `${problem.message} The query was not sent.`);
        }
        this.bar = { ...m.bar };
        await this.load(true);
        this.reply(m.requestId, this.failure === undefined, this.failure);
        return;
      case 'autoRefresh':
        this.autoSeconds = Math.max(0, Math.floor(m.seconds));
        this.scheduleAutoRefresh();
        this.reply(m.requestId, true);
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        this.reply(m.requestId, true);
        return;
      case 'export':
        try {
          const uri = await this.export(m);
          this.reply(m.requestId, uri !== undefined, uri ? vscode.workspace.asRelativePath(uri) : 'Export cancelled');
        } catch (err) {
          this.reply(m.requestId, false, err instanceof Error ? err.message : String(err));
        }
        return;
      case 'exportPng':
        try {
          const base64 = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(m.dataUrl)?.[1];
          if (!base64) throw new Error('The chart image is not a PNG.');
          const uri = await saveExport(`${titleOf(this.current)}-${m.title}`, 'png', Buffer.from(base64, 'base64'));
          this.reply(m.requestId, uri !== undefined, uri ? vscode.workspace.asRelativePath(uri) : 'Export cancelled');
        } catch (err) {
          this.reply(m.requestId, false, err instanceof Error ? err.message : String(err));
        }
        return;
    }
  }

  /**
   * Saves a table as the webview shows it (its rows after the quick filter, in the shown order,
   * its visible columns), with the column labels as headers and machine-readable values; on the
   * Raw JSON tab, the whole answer. A list with its own CSV on the device also offers that one.
   */
  private async export(m: Extract<ResultsWebviewMessage, { type: 'export' }>): Promise<vscode.Uri | undefined> {
    const loaded = this.loaded;
    if (!loaded) throw new Error('Nothing to export yet.');
    const r = this.current;
    const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
    if (m.tableId === undefined) {
      if (m.format === 'csv') throw new Error('This result has no table to export as CSV.');
      return saveExport(titleOf(r), 'json', encode(JSON.stringify(loaded.raw, null, 2)));
    }
    const table = loaded.shaped.tables.find((t) => t.id === m.tableId);
    if (!table || (m.view && m.view.seq !== this.seq)) throw new Error('The result changed since it was shown; export again.');
    const shown = shownTable(table, m.view ?? {});
    const title = loaded.shaped.tables.length > 1 ? `${titleOf(r)}-${table.title}` : titleOf(r);
    if (m.format === 'json') return saveExport(title, 'json', encode(JSON.stringify(tableToObjects(shown), null, 2)));
    if (r.kind === 'allegro' && this.ctx.deps.fetchAllegroCsv && table.id === 'items' && this.parts?.paging) {
      const rows = shown.rows.length;
      const cols = shown.columns.length;
      const asShown: vscode.QuickPickItem = {
        label: `Rows and columns as shown (${rows} row${rows === 1 ? '' : 's'} × ${cols} column${cols === 1 ? '' : 's'})`,
        detail: 'After the filter, in the shown order, with the column labels; raw numbers and ISO 8601 UTC times',
      };
      const own: vscode.QuickPickItem = { label: 'The device’s own CSV (all fields, fetched now)', detail: `GET ${r.path}?csv=true: every item of the list, as ${r.device} writes it` };
      const pick = await vscode.window.showQuickPick([asShown, own], { title: `Export ${title} as CSV`, placeHolder: 'What to save' });
      if (!pick) return undefined;
      if (pick === own) {
        const text = await this.deviceCsv(r);
        return text === undefined ? undefined : saveExport(title, 'csv', encode(text));
      }
    }
    return saveExport(title, 'csv', encode(tableToCsv(shown)));
  }

  /** The device's own CSV of the list (csv=true, same sort, time and scope, every item); undefined when cancelled. */
  private async deviceCsv(r: Extract<ResultsRequest, { kind: 'allegro' }>): Promise<string | undefined> {
    const fetchCsv = this.ctx.deps.fetchAllegroCsv!;
    const abort = new AbortController();
    const text = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `GET ${r.path}?csv=true`, cancellable: true }, (_progress, token) => {
      token.onCancellationRequested(() => abort.abort());
      return fetchCsv(r.device, r.path, deviceCsvQuery(this.effectiveQuery()), abort.signal).catch((err: unknown) => {
        if (abort.signal.aborted) return undefined;
        throw new Error(`${r.device} gave no CSV of ${r.path}: ${err instanceof Error ? err.message : String(err)}`);
      });
    });
    if (text === undefined) return undefined;
    if (!looksLikeCsv(text)) throw new Error(`${r.device} answered ${r.path}?csv=true with something that is not CSV; export the rows as shown instead.`);
    return text;
  }
}
