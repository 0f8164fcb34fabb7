// Running report files: probeExplorer.runReport / probeExplorer.runLiveReport, from a file URI (the
// CodeLenses, the explorer), the active editor, or the report editor webview. A cancellable progress
// notification shows percent and remaining time; each data_def's rows appear in the results view as
// soon as they arrive (errors with the device's messages next to the others' data). Live reports
// update the same panel until it is closed or the notification is cancelled. The orchestration is
// src/appresponse/reportRunner.ts (no vscode); this module only wires it to the UI.
import * as vscode from 'vscode';
import { runningJobs } from '../shared/running';
import { AppResponseClient } from '../appresponse/client';
import { ReportCancelledError, ReportInvalidError, ReportRunner, type DataDefOutcome, type RunMode, type RunProgress } from '../appresponse/reportRunner';
import { parseReportFile, REPORT_FILE_SUFFIX, type DataDef, type ReportFile } from '../report/index';
import type { Source } from '../steelfilter/index';
import type { HttpClientApi } from '../http/types';
import type { JsonValue, ReportColumnMeta, ReportDataDefResult, ResultsPanelHandle, ResultsService } from '../panels/results';

export interface ReportCommandDeps {
  http(device: string): Promise<HttpClientApi>;
  /** Names of the configured AppResponse devices. */
  listDevices(): string[];
  getSource(device: string, name: string): Promise<Source | undefined>;
  getSourceNames(device: string): Promise<string[]>;
  results: ResultsService;
  /** The report file of the focused report editor webview, if any. */
  activeReportEditorUri?(): vscode.Uri | undefined;
  log?: vscode.LogOutputChannel;
}

/** The report a command runs: the argument (a URI, a string, `{ uri }`), the active editor, or the report editor. */
export function reportUriOf(arg: unknown, deps: Pick<ReportCommandDeps, 'activeReportEditorUri'>): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  if (arg && typeof arg === 'object' && (arg as { uri?: unknown }).uri instanceof vscode.Uri) return (arg as { uri: vscode.Uri }).uri;
  const fromEditorPanel = deps.activeReportEditorUri?.();
  if (fromEditorPanel) return fromEditorPanel;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && doc.uri.path.endsWith(REPORT_FILE_SUFFIX)) return doc.uri;
  return undefined;
}

const baseName = (uri: vscode.Uri) => uri.path.split('/').pop()!.replace(REPORT_FILE_SUFFIX, '');

/** Title of one data_def's table: its reference or source, and the device's messages when it failed. */
function tableOf(o: DataDefOutcome): ReportDataDefResult {
  const name = o.request.reference ?? o.request.reference_id ?? `${o.id}: ${o.request.source?.name ?? '?'}`;
  if (o.state === 'error') {
    const text = (o.messages ?? []).map((m) => `${m.text} (${m.id})`).join('; ') || 'no details';
    return { id: o.id, title: `Data definition ${name} failed: ${text}`, columns: o.request.columns ?? [], data: [] };
  }
  return { id: o.id, title: `Data definition ${name}`, columns: o.columns, data: o.data, meta: { count: o.data.length, total: o.data.length } };
}

/** How a run ended, told to the user once its progress notification is gone. */
type RunOutcome =
  | { kind: 'done' }
  | { kind: 'cancelled' }
  | { kind: 'partial'; failed: number; of: number; first: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'failed'; message: string };

export function registerReportCommands(context: vscode.ExtensionContext, deps: ReportCommandDeps): void {
  async function catalogues(device: string, names: string[]): Promise<{ sources: Map<string, Source>; names: string[] }> {
    const all = await deps.getSourceNames(device);
    const sources = new Map<string, Source>();
    await Promise.all(names.map(async (n) => {
      const s = await deps.getSource(device, n);
      if (s) sources.set(n, s);
    }));
    return { sources, names: all };
  }

  const catalogueColumns = (sources: Map<string, Source>): ReportColumnMeta[] => {
    const seen = new Map<string, ReportColumnMeta>();
    for (const s of sources.values()) for (const c of s.columns) if (!seen.has(c.id)) seen.set(c.id, c as unknown as ReportColumnMeta);
    return [...seen.values()];
  };

  /** Runs a report (any mode) without UI; used by refresh/restore of the results view. */
  async function runQuiet(device: string, dataDefs: DataDef[], signal: AbortSignal) {
    const { sources, names } = await catalogues(device, [...new Set(dataDefs.map((d) => d.source?.name).filter((n): n is string => !!n))]);
    const runner = new ReportRunner(new AppResponseClient(await deps.http(device)));
    const result = await runner.run(dataDefs, { mode: 'async', signal, validation: { getSource: (n) => sources.get(n), sourceNames: names } });
    return { dataDefs: result.outcomes.map(tableOf), catalogue: catalogueColumns(sources), raw: result.outcomes.map((o) => ({ id: o.id, state: o.state, messages: o.messages, columns: o.columns, rows: o.data.length })) };
  }

  context.subscriptions.push(deps.results.registerReportRerun(async ({ device, spec }, signal) => {
    const dataDefs = (spec as { data_defs?: DataDef[] } | undefined)?.data_defs;
    if (!Array.isArray(dataDefs)) throw new Error('The report definition has no data_defs');
    return runQuiet(device, dataDefs, signal);
  }));

  async function run(arg: unknown, liveCommand: boolean): Promise<void> {
    const uri = reportUriOf(arg, deps);
    if (!uri) {
      void vscode.window.showInformationMessage(`Open a report file (*${REPORT_FILE_SUFFIX}) to run it.`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    const parsed = parseReportFile(doc.getText());
    if (parsed.jsonErrors.length || !parsed.value || typeof parsed.value !== 'object') {
      void vscode.window.showErrorMessage(`${baseName(uri)}: the file is not valid JSON (${parsed.jsonErrors[0]?.message ?? 'empty'}).`);
      return;
    }
    const file = parsed.value as ReportFile;
    const device = file.device;
    if (!device || !deps.listDevices().includes(device)) {
      void vscode.window.showErrorMessage(`${baseName(uri)}: "${device ?? ''}" is not a configured AppResponse device.`);
      return;
    }
    const mode: RunMode = liveCommand || file.live === true ? 'live' : 'async';
    const title = `${baseName(uri)}${mode === 'live' ? ' (live)' : ''}`;
    let handle: ResultsPanelHandle | undefined;
    let disposeHooked = false;
    const spec = { device, data_defs: file.data_defs } as unknown as JsonValue;
    const show = (tables: ReportDataDefResult[], sources: Map<string, Source>, raw: unknown) => {
      const request = { kind: 'report' as const, device, title, dataDefs: tables, catalogue: catalogueColumns(sources), spec, raw };
      if (handle) handle.update(request);
      else handle = deps.results.open(request, { preserveFocus: true });
    };

    // The notification ends before any message that waits for the user is shown: a refusal or a
    // failure must not leave "reading the catalogue…" with its Cancel button on screen behind it.
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${mode === 'live' ? 'Live report' : 'Report'} ${title} on ${device}`, cancellable: true }, async (progress, token): Promise<RunOutcome> => {
      const stop = new AbortController();
      token.onCancellationRequested(() => stop.abort());
      let reported = 0;
      const onProgress = (p: RunProgress) => {
        const percent = Math.round(p.percent);
        const parts = [`${percent}%`];
        if (p.remainingSec !== undefined && p.remainingSec > 0) parts.push(`about ${Math.ceil(p.remainingSec)} s left`);
        if (p.dataDefs.length > 1) parts.push(`${p.done}/${p.dataDefs.length} data definitions`);
        progress.report({ message: parts.join(' · '), increment: Math.max(0, percent - reported) });
        reported = Math.max(reported, percent);
      };
      try {
        progress.report({ message: 'reading the catalogue…' });
        const { sources, names } = await catalogues(device, parsed.sourceNames);
        const runner = new ReportRunner(new AppResponseClient(await deps.http(device)));
        const tables = new Map<number, ReportDataDefResult>();
        const live = new Map<number, { columns: string[]; rows: string[][] }>();
        // Tracked: a window that closes mid-run cancels it, and the runner deletes its instance.
        const result = await runningJobs.track(stop, runner.run(file.data_defs, {
          mode,
          signal: stop.signal,
          validation: { getSource: (n) => sources.get(n), sourceNames: names },
          idleTimeoutSec: file.idle_timeout !== undefined ? Number(file.idle_timeout) : undefined,
          onProgress: mode === 'live' ? (p) => progress.report({ message: p.dataDefs.every((d) => d.state === 'collecting') ? 'collecting…' : `starting · ${Math.round(p.percent)}%` }) : onProgress,
          onDataDef: (o) => {
            tables.set(o.id, tableOf(o));
            if (mode !== 'live' || o.state === 'error') show([...tables.values()].sort((a, b) => Number(a.id) - Number(b.id)), sources, [...tables.values()]);
          },
          onLiveData: (inc) => {
            const entry = live.get(inc.id) ?? { columns: inc.columns, rows: [] };
            entry.rows.push(...inc.rows);
            live.set(inc.id, entry);
            const liveTables = [...live.entries()].map(([id, e]) => ({ id, title: `Data definition ${id} (live, until ${new Date(Number(inc.end) * 1000).toLocaleTimeString()})`, columns: e.columns, data: e.rows }));
            const errors = [...tables.values()];
            show([...liveTables, ...errors].sort((a, b) => Number(a.id) - Number(b.id)), sources, { live: true, end: inc.end });
            if (handle && !disposeHooked) {
              disposeHooked = true;
              handle.onDidDispose(() => stop.abort());
            }
            const total = [...live.values()].reduce((s, e) => s + e.rows.length, 0);
            progress.report({ message: `live · ${total} rows · up to ${new Date(Number(inc.end) * 1000).toLocaleTimeString()} (cancel to stop)` });
          },
          onWarning: (m) => deps.log?.warn(m),
        }));
        deps.log?.info(`Report ${title} on ${device}: instance ${result.instanceId}, ${result.outcomes.map((o) => `${o.id}:${o.state}(${o.data.length})`).join(' ')}, ${result.elapsedMs} ms`);
        const failed = result.outcomes.filter((o) => o.state === 'error');
        return failed.length ? { kind: 'partial', failed: failed.length, of: result.outcomes.length, first: failed[0].messages?.[0]?.text ?? 'no details' } : { kind: 'done' };
      } catch (error) {
        if (error instanceof ReportCancelledError) return { kind: 'cancelled' };
        if (error instanceof ReportInvalidError) return { kind: 'invalid', message: error.message };
        const message = error instanceof Error ? error.message : String(error);
        deps.log?.error(`Report ${title} on ${device}: ${message}`);
        return { kind: 'failed', message };
      }
    });
    switch (outcome.kind) {
      case 'cancelled':
        vscode.window.setStatusBarMessage(`Report ${title} cancelled (instance deleted)`, 4000);
        return;
      case 'partial':
        void vscode.window.showWarningMessage(`${title}: ${outcome.failed} of ${outcome.of} data definitions failed: ${outcome.first}`);
        return;
      case 'invalid': {
        const choice = await vscode.window.showErrorMessage(`${title} was not sent: ${outcome.message}`, 'Show File');
        if (choice) await vscode.window.showTextDocument(doc);
        return;
      }
      case 'failed':
        void vscode.window.showErrorMessage(`${title}: ${outcome.message}`);
        return;
      case 'done':
        return;
    }
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('probeExplorer.runReport', (arg?: unknown) => run(arg, false)),
    vscode.commands.registerCommand('probeExplorer.runLiveReport', (arg?: unknown) => run(arg, true)),
  );
}
