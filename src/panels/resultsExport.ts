// Saves exports of the results view into the workspace (setting probeExplorer.results.exportFolder)
// and opens them.
import * as vscode from 'vscode';
import { exportFileName, freeExportName } from '../results/exportName';

export { exportFileName } from '../results/exportName';

/** The last export's naming and writing (exports into the folder run one at a time). */
let naming: Promise<void> = Promise.resolve();

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Writes the file into the export folder of the first workspace folder (asks where when there is none). */
export async function saveExport(title: string, ext: 'csv' | 'json' | 'png', content: Uint8Array): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const name = exportFileName(title, ext);
  let uri: vscode.Uri | undefined;
  if (folder) {
    const sub = vscode.workspace.getConfiguration('probeExplorer').get<string>('results.exportFolder', 'exports') || 'exports';
    const dir = vscode.Uri.joinPath(folder.uri, ...sub.split(/[\\/]+/).filter((s) => s && s !== '..'));
    await vscode.workspace.fs.createDirectory(dir);
    // A second export within the same second gets "-2": nothing is overwritten silently. Name and
    // write happen one export at a time, so two at once cannot both take the same free name.
    const target = dir;
    const write = naming.then(async () => {
      const free = vscode.Uri.joinPath(target, await freeExportName(name, (candidate) => exists(vscode.Uri.joinPath(target, candidate))));
      await vscode.workspace.fs.writeFile(free, content);
      return free;
    });
    naming = write.then(() => undefined, () => undefined);
    uri = await write;
  } else {
    uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(name), filters: { [ext.toUpperCase()]: [ext] } });
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, content);
  }
  // Beside the results, keeping the focus there: the next export opens in the same group beside
  // it instead of a new group beside the last export (three exports made four columns).
  if (ext === 'png') await vscode.commands.executeCommand('vscode.open', uri, { preview: false, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  else await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  return uri;
}
