// Activation: builds the objects and registers them. No logic lives here.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Probe Explorer', { log: true });
  context.subscriptions.push(log);
}

export function deactivate(): void {}
