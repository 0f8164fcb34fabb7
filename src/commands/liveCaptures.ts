// Live captures that can be stopped and kept ("Stop and keep"): live traffic cannot be fetched
// again, so besides Cancel (which keeps nothing) a running live capture can be ended early with
// every complete packet kept. Each one gets an id; its progress notification links to the stop
// command with that id, a status bar item offers the same (the notification's text changes twice
// a second, which can swallow a click), and the palette command asks which when several run.
import * as vscode from 'vscode';

export const STOP_AND_KEEP_COMMAND = 'probeExplorer.stopCaptureAndKeep';
const RUNNING_CONTEXT = 'probeExplorer.liveCaptureRunning';

interface Running {
  label: string;
  stop: AbortController;
}

export interface StoppableCapture {
  /** A `command:` link that stops this capture (for a notification message). */
  readonly link: string;
  /** The capture ended (kept, failed or cancelled): it is no longer offered. */
  dispose(): void;
}

export class LiveCaptures implements vscode.Disposable {
  private readonly running = new Map<string, Running>();
  private next = 1;
  private item: vscode.StatusBarItem | undefined;

  /** Offers "Stop and keep" for a running live capture until it is disposed. */
  add(label: string, stop: AbortController): StoppableCapture {
    const id = String(this.next++);
    this.running.set(id, { label, stop });
    this.update();
    return {
      link: `command:${STOP_AND_KEEP_COMMAND}?${encodeURIComponent(JSON.stringify([id]))}`,
      dispose: () => {
        if (this.running.delete(id)) this.update();
      },
    };
  }

  /** Stops a live capture: the one with this id, else the only one, else the one the user picks. */
  async stop(id?: unknown): Promise<void> {
    if (typeof id === 'string') {
      const r = this.running.get(id);
      if (r) r.stop.abort();
      else void vscode.window.showInformationMessage('That live capture has already ended.');
      return;
    }
    const all = [...this.running.values()];
    if (all.length === 0) {
      void vscode.window.showInformationMessage('No live capture is running.');
      return;
    }
    const target = all.length === 1
      ? all[0]
      : (await vscode.window.showQuickPick(all.map((r) => ({ label: r.label, r })), { placeHolder: 'Live capture to stop (every complete packet received is kept)' }))?.r;
    target?.stop.abort();
  }

  private update(): void {
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, this.running.size > 0);
    if (this.running.size === 0) {
      this.item?.hide();
      return;
    }
    this.item ??= vscode.window.createStatusBarItem('probeExplorer.liveCapture', vscode.StatusBarAlignment.Left, 100);
    const labels = [...this.running.values()].map((r) => r.label);
    this.item.name = 'Probe Explorer: live capture';
    this.item.text = `$(debug-stop) Stop and keep${labels.length > 1 ? ` (${labels.length})` : ''}`;
    this.item.tooltip = `Stop the live capture now and keep every complete packet received:\n${labels.join('\n')}`;
    this.item.command = STOP_AND_KEEP_COMMAND;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.item.show();
  }

  dispose(): void {
    const wasRunning = this.running.size > 0;
    this.running.clear();
    this.item?.dispose();
    this.item = undefined;
    // The palette's "Stop and keep" is enabled by this key: it must not outlive the captures.
    if (wasRunning) void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false).then(undefined, () => undefined);
  }
}
