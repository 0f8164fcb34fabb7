// Opens results panels, keeps the report re-run callback and restores panels after a reload.
import * as vscode from 'vscode';
import type { ResultsRestoreState, ResultsWebviewState } from '../shared/protocol';
import { RESULTS_VIEW_TYPE, type ReportRerun, type ResultsDeps, type ResultsOpenOptions, type ResultsPanelHandle, type ResultsRequest, type ResultsService } from './results';
import { ResultsPanel, titleOf } from './resultsPanel';

/** Reads a restore state defensively: it comes back from the webview. */
export function requestFromState(state: unknown): { request: ResultsRequest; lostStatic: boolean } | undefined {
  const restore = (state as ResultsWebviewState | undefined)?.restore as ResultsRestoreState | undefined;
  if (!restore || typeof restore !== 'object') return undefined;
  switch (restore.kind) {
    case 'allegro':
      if (typeof restore.device !== 'string' || typeof restore.path !== 'string') return undefined;
      return {
        request: { kind: 'allegro', device: restore.device, path: restore.path, query: restore.query ?? {}, ...(restore.title ? { title: restore.title } : {}), allPages: restore.allPages === true },
        lostStatic: false,
      };
    case 'report':
      if (typeof restore.device !== 'string') return undefined;
      return { request: { kind: 'report', device: restore.device, title: String(restore.title ?? 'Report'), dataDefs: [], ...(restore.spec !== undefined ? { spec: restore.spec } : {}) }, lostStatic: false };
    case 'static':
      return { request: { kind: 'json', title: String(restore.title ?? 'Result'), value: null }, lostStatic: true };
    default:
      return undefined;
  }
}

export class ResultsManager implements ResultsService, vscode.WebviewPanelSerializer<unknown>, vscode.Disposable {
  private readonly panels = new Set<ResultsPanel>();
  private rerun?: ReportRerun;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: ResultsDeps,
  ) {}

  open(request: ResultsRequest, options: ResultsOpenOptions = {}): ResultsPanelHandle {
    const panel = vscode.window.createWebviewPanel(
      RESULTS_VIEW_TYPE,
      titleOf(request),
      { viewColumn: options.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: options.preserveFocus ?? false },
      { enableScripts: true, retainContextWhenHidden: false },
    );
    return this.track(new ResultsPanel(panel, request, this.panelContext()));
  }

  registerReportRerun(rerun: ReportRerun): vscode.Disposable {
    this.rerun = rerun;
    return new vscode.Disposable(() => {
      if (this.rerun === rerun) this.rerun = undefined;
    });
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const restored = requestFromState(state);
    if (!restored) {
      panel.dispose();
      return;
    }
    // A restored report re-runs through the registered callback; without one it cannot show data.
    const isReport = restored.request.kind === 'report';
    this.track(new ResultsPanel(panel, restored.request, this.panelContext(), restored.lostStatic || (isReport && !this.rerun), isReport));
  }

  dispose(): void {
    for (const p of [...this.panels]) p.dispose();
  }

  private panelContext() {
    return { extensionUri: this.context.extensionUri, deps: this.deps, reportRerun: () => this.rerun };
  }

  private track(panel: ResultsPanel): ResultsPanel {
    this.panels.add(panel);
    panel.onDidDispose(() => this.panels.delete(panel));
    return panel;
  }
}
