// "Probe Explorer: New Report…" (probeExplorer.newReport): writes a new *.probe-report.json with a
// first data_def valid for the device's catalogue and opens it. The Devices tree's "New Report from
// Here" calls it with { device, source, column? }.
import * as vscode from 'vscode';
import { REPORT_FILE_SUFFIX, scaffoldReportFile } from '../../report/index';
import type { Source } from '../../steelfilter/index';

export interface NewReportDeps {
  getSource(device: string, name: string): Promise<Source | undefined>;
  getSourceNames?(device: string): Promise<string[]>;
  listDevices?(): string[];
  log?: vscode.LogOutputChannel;
}

export interface NewReportArgs { device?: string; source?: string; column?: string; path?: string }

function argsOf(arg: unknown): NewReportArgs {
  if (!arg || typeof arg !== 'object') return {};
  const a = arg as Record<string, unknown>;
  const str = (k: string) => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
  return { device: str('device'), source: str('source'), column: str('column'), path: str('path') };
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'report';

/** A file name that does not exist yet in `folder`. */
async function freeUri(folder: vscode.Uri, base: string): Promise<vscode.Uri> {
  for (let i = 1; ; i++) {
    const uri = vscode.Uri.joinPath(folder, `${base}${i === 1 ? '' : `-${i}`}${REPORT_FILE_SUFFIX}`);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      return uri;
    }
  }
}

export function registerNewReportCommand(context: vscode.ExtensionContext, deps: NewReportDeps): void {
  context.subscriptions.push(vscode.commands.registerCommand('probeExplorer.newReport', async (arg?: unknown) => {
    const args = argsOf(arg);
    const devices = deps.listDevices?.() ?? [];
    let device = args.device;
    if (!device) {
      if (!devices.length) {
        void vscode.window.showInformationMessage('Add an AppResponse device first: reports run on its catalogue.');
        return undefined;
      }
      device = devices.length === 1 ? devices[0] : await vscode.window.showQuickPick(devices, { title: 'New Report: device', placeHolder: 'AppResponse device' });
      if (!device) return undefined;
    }
    let sourceName = args.source;
    if (!sourceName) {
      // The error is shown once the progress notification is gone (it would otherwise stay behind it).
      const names = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the report sources of ${device}…` },
        () => (deps.getSourceNames ? deps.getSourceNames(device!) : Promise.resolve(['aggregates'])).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
      if (names instanceof Error) {
        deps.log?.warn(`New Report: sources of ${device}: ${names.message}`);
        void vscode.window.showErrorMessage(`New Report: the report sources of ${device} could not be read: ${names.message}`);
        return undefined;
      }
      const items = names.map((n) => ({ label: n, picked: n === 'aggregates' }));
      items.sort((a, b) => Number(b.picked) - Number(a.picked));
      sourceName = (await vscode.window.showQuickPick(items, { title: 'New Report: source', placeHolder: 'Report source' }))?.label;
      if (!sourceName) return undefined;
    }
    let source: Source | undefined;
    try {
      source = await deps.getSource(device, sourceName);
    } catch (e) {
      void vscode.window.showErrorMessage(`New Report: the catalogue of "${sourceName}" on ${device} could not be read: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    if (!source) {
      void vscode.window.showErrorMessage(`${device} has no report source "${sourceName}".`);
      return undefined;
    }
    const file = scaffoldReportFile(device, source, { column: args.column, path: args.path });
    const text = JSON.stringify(file, null, 2) + '\n';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    let uri: vscode.Uri | undefined;
    if (folder) {
      uri = await freeUri(vscode.Uri.joinPath(folder, 'reports'), safe(`${device}-${sourceName}`));
    } else {
      uri = await vscode.window.showSaveDialog({ title: 'Save the new report', filters: { 'Probe Explorer report': ['probe-report.json'] }, saveLabel: 'Create Report' });
      if (uri && !uri.path.endsWith(REPORT_FILE_SUFFIX)) uri = uri.with({ path: uri.path.replace(/(\.json)?$/, REPORT_FILE_SUFFIX) });
    }
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    deps.log?.info(`New report ${uri.fsPath} for ${device} / ${sourceName}`);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    // The form view of the same file, beside the JSON (the report editor keeps both in step).
    void vscode.commands.executeCommand('probeExplorer.openReportEditor', uri).then(undefined, (e: unknown) => deps.log?.warn(`Report editor: ${String(e)}`));
    return uri;
  }));
}
