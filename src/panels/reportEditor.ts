// The report editor: a webview form over one report file (`*.probe-report.json`). The file is the
// source of truth: the panel sends its parsed value whenever the document changes (typing in the
// JSON editor too), and writes the form's edits back through a WorkspaceEdit (so undo, dirty state
// and the JSON editor stay in step). Catalogues come from the device through `getSource`; the
// STEELFILTER core and the validator run inside the webview on them. The panel state holds only the
// file URI, so a WebviewPanelSerializer reopens it after a reload.
import * as vscode from 'vscode';
import { webviewHtml, webviewRoots } from './webviewHtml';
import { parseReportFile, REPORT_FILE_SUFFIX } from '../report/index';
import type { Source } from '../steelfilter/index';
import type { JsonValue } from '../results/model';
import type { ReportEditorHostMessage, ReportEditorState, ReportEditorWebviewMessage } from '../shared/protocol';

export const REPORT_EDITOR_VIEW_TYPE = 'probeExplorer.reportEditor';

export interface ReportEditorDeps {
  getSource(device: string, name: string): Promise<Source | undefined>;
  getSourceNames(device: string): Promise<string[]>;
  listDevices(): string[];
  onDidChangeDevices?: vscode.Event<unknown>;
  log?: vscode.LogOutputChannel;
}

export interface ReportEditorService {
  open(uri: vscode.Uri, column?: vscode.ViewColumn): Promise<void>;
  /** The file of the report editor that has focus, if any. */
  activeUri(): vscode.Uri | undefined;
}

/** The smallest single replacement turning `before` into `after` (keeps undo steps small). */
export function minimalEdit(before: string, after: string): { start: number; end: number; text: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) { endBefore--; endAfter--; }
  return { start, end: endBefore, text: after.slice(start, endAfter) };
}

class ReportEditorPanel {
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly panel: vscode.WebviewPanel, readonly uri: vscode.Uri, private readonly deps: ReportEditorDeps, extensionUri: vscode.Uri, onDispose: () => void) {
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(extensionUri) };
    panel.webview.html = webviewHtml(panel.webview, extensionUri, { bundle: 'report', title: 'Report editor', nonceStyles: true });
    panel.title = `Report: ${uri.path.split('/').pop()!.replace(REPORT_FILE_SUFFIX, '')}`;
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: ReportEditorWebviewMessage) => void this.receive(m)),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.document.uri.toString() === uri.toString()) this.sendFile(e.document); }),
      panel.onDidDispose(() => {
        for (const d of this.disposables) d.dispose();
        onDispose();
      }),
    );
    if (deps.onDidChangeDevices) this.disposables.push(deps.onDidChangeDevices(() => void this.document().then((d) => this.sendFile(d))));
  }

  private post(message: ReportEditorHostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private document(): Thenable<vscode.TextDocument> {
    return vscode.workspace.openTextDocument(this.uri);
  }

  private sendFile(doc: vscode.TextDocument): void {
    const parsed = parseReportFile(doc.getText());
    this.post({
      type: 'file',
      uri: this.uri.toString(),
      name: this.uri.path.split('/').pop()!,
      value: parsed.root ? parsed.value : undefined,
      jsonErrors: parsed.jsonErrors.map((e) => `${doc.positionAt(e.start).line + 1}:${doc.positionAt(e.start).character + 1} ${e.message}`),
      devices: this.deps.listDevices(),
    });
  }

  private async receive(m: ReportEditorWebviewMessage): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          this.ready = true;
          this.sendFile(await this.document());
          return;
        case 'edit': {
          const ok = await this.write(m.value);
          this.post({ type: 'reply', requestId: m.requestId, ok, ...(ok ? {} : { message: 'The file could not be changed' }) });
          return;
        }
        case 'loadSources':
          try {
            this.post({ type: 'sources', device: m.device, names: await this.deps.getSourceNames(m.device) });
          } catch (e) {
            this.post({ type: 'sources', device: m.device, names: [], error: errorText(e) });
          }
          return;
        case 'loadSource':
          try {
            const source = await this.deps.getSource(m.device, m.name);
            this.post({ type: 'source', device: m.device, name: m.name, ...(source ? { source: source as unknown as JsonValue } : { error: `${m.device} has no source "${m.name}"` }) });
          } catch (e) {
            this.post({ type: 'source', device: m.device, name: m.name, error: errorText(e) });
          }
          return;
        case 'run':
          await vscode.commands.executeCommand(m.live ? 'probeExplorer.runLiveReport' : 'probeExplorer.runReport', this.uri);
          return;
        case 'openJson':
          await vscode.window.showTextDocument(await this.document(), { viewColumn: vscode.ViewColumn.Beside, preview: false });
          return;
      }
    } catch (e) {
      this.deps.log?.error(`Report editor ${this.uri.fsPath}: ${errorText(e)}`);
    }
  }

  private async write(value: JsonValue): Promise<boolean> {
    const doc = await this.document();
    const before = doc.getText();
    const after = JSON.stringify(value, null, 2) + '\n';
    if (before === after) return true;
    const { start, end, text } = minimalEdit(before, after);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(this.uri, new vscode.Range(doc.positionAt(start), doc.positionAt(end)), text);
    return vscode.workspace.applyEdit(edit);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function registerReportEditor(context: vscode.ExtensionContext, deps: ReportEditorDeps): ReportEditorService {
  const panels = new Map<string, ReportEditorPanel>();
  let active: ReportEditorPanel | undefined;

  const attach = (panel: vscode.WebviewPanel, uri: vscode.Uri): ReportEditorPanel => {
    const key = uri.toString();
    const p = new ReportEditorPanel(panel, uri, deps, context.extensionUri, () => {
      if (panels.get(key) === p) panels.delete(key);
      if (active === p) active = undefined;
    });
    panels.set(key, p);
    panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) active = p;
      else if (active === p) active = undefined;
    });
    if (panel.active) active = p;
    return p;
  };

  const service: ReportEditorService = {
    async open(uri, column) {
      const existing = panels.get(uri.toString());
      if (existing) {
        existing.panel.reveal(column);
        return;
      }
      const panel = vscode.window.createWebviewPanel(REPORT_EDITOR_VIEW_TYPE, 'Report', column ?? vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: true });
      attach(panel, uri);
    },
    activeUri: () => active?.uri,
  };

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(REPORT_EDITOR_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const uri = typeof (state as Partial<ReportEditorState> | undefined)?.uri === 'string' ? vscode.Uri.parse((state as ReportEditorState).uri) : undefined;
        if (!uri) {
          panel.dispose();
          return;
        }
        attach(panel, uri);
      },
    }),
    vscode.commands.registerCommand('probeExplorer.openReportEditor', async (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg
        : vscode.window.activeTextEditor?.document.uri.path.endsWith(REPORT_FILE_SUFFIX) ? vscode.window.activeTextEditor.document.uri : undefined;
      const target = uri ?? (await vscode.window.showOpenDialog({ filters: { 'Probe Explorer report': ['json'] }, canSelectMany: false, openLabel: 'Open in Report Editor' }))?.[0];
      if (!target) return;
      await service.open(target, vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active);
    }),
  );
  return service;
}
