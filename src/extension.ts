// Activation: builds the objects and registers them. No logic lives here.
import * as vscode from 'vscode';
import { DeviceRegistry } from './devices/registry';
import { registerDeviceCommands } from './commands/devices';
import { registerDemoCommands } from './commands/demo';
import { registerSecretsBootstrap } from './devices/secretsBootstrap';
import { registerPcap } from './commands/pcap';
import { registerDevicesTree } from './views/devicesTree';
import { registerResults } from './panels/results';
import { AllegroClient } from './allegro/client';
import { fetchNode } from './allegro/fetchNode';
import { registerLanguageFeatures } from './views/language';
import { createCatalogueProvider } from './views/language/catalogue';
import { registerReportCommands } from './commands/report';
import { registerReportEditor } from './panels/reportEditor';
import { stopDigestWorker } from './pcap/digest';
import { runningJobs } from './shared/running';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Probe Explorer', { log: true });
  context.subscriptions.push(log);
  const registry = new DeviceRegistry(context, log);
  context.subscriptions.push(registry);
  const results = registerResults(context, {
    log,
    runAllegro: async (device, path, query, signal) => fetchNode(new AllegroClient(await registry.http(device)), path, query, signal),
    fetchAllegroCsv: async (device, path, query, signal) => (await (await registry.http(device)).text({ path, query, signal })).body,
  });
  registerDeviceCommands(context, { registry, log });
  registerDemoCommands(context, { registry, log });
  registerDevicesTree(context, { registry, log, results });
  registerPcap(context, { log, devices: () => registry.list(), http: (name) => registry.http(name), results });
  const catalogues = createCatalogueProvider({ http: (name) => registry.http(name) });
  context.subscriptions.push(registry.onDidChangeDevices(() => catalogues.invalidate()));
  registerLanguageFeatures(context, { ...catalogues, onDidChangeDevices: registry.onDidChangeDevices, listDevices: () => registry.list().filter((d) => d.kind === 'appresponse').map((d) => d.name), log });
  const reportEditor = registerReportEditor(context, { ...catalogues, listDevices: () => registry.list().filter((d) => d.kind === 'appresponse').map((d) => d.name), onDidChangeDevices: registry.onDidChangeDevices, log });
  registerReportCommands(context, { http: (n) => registry.http(n), listDevices: () => registry.list().filter((d) => d.kind === 'appresponse').map((d) => d.name), getSource: catalogues.getSource, getSourceNames: catalogues.getSourceNames, results, activeReportEditorUri: reportEditor.activeUri, log });
  void registerSecretsBootstrap(context, { log, folders: vscode.workspace.workspaceFolders });
}

/**
 * The window is closing: running downloads, exports and reports are cancelled as by Cancel and
 * given a few seconds to delete their partial files and what they made on the device (VS Code
 * allows a deactivating extension about 5 s); then the capture digest thread is stopped.
 */
export async function deactivate(): Promise<void> {
  await runningJobs.abortAll(new Error('cancelled: the window closed'), DEACTIVATE_CLEANUP_MS);
  await stopDigestWorker();
}
const DEACTIVATE_CLEANUP_MS = 4000;
