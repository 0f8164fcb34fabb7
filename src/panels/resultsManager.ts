// Opens results panels, keeps the report re-run callback and restores panels after a reload.
import * as vscode from 'vscode';
import { autoRefreshFromState, requestFromState } from './resultsRestore';
import { RESULTS_VIEW_TYPE, type ReportRerun, type ResultsDeps, type ResultsOpenOptions, type ResultsPanelHandle, type ResultsRequest, type ResultsService } from './results';
import { ResultsPanel, titleOf } from './resultsPanel';

export class ResultsManager implements ResultsService, vscode.WebviewPanelSerializer<unknown>, vscode.Disposable {
  private readonly panels = new Set<ResultsPanel>();
  private rerun?: ReportRerun;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: ResultsDeps,
  ) {}

  open(request: ResultsRequest, options: ResultsOpenOptions = {}): ResultsPanelHandle {
    // The same Allegro node again: reuse its panel (new query) instead of opening a twin.
    if (request.kind === 'allegro') {
      for (const p of this.panels) {
        const r = p.request;
        if (r.kind === 'allegro' && r.device === request.device && r.path === request.path) {
          p.update(request);
          p.reveal();
          return p;
        }
      }
    }
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
    this.track(new ResultsPanel(panel, restored.request, this.panelContext(), restored.lostStatic || (isReport && !this.rerun), isReport, autoRefreshFromState(state)));
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
