// Saves exports of the results view into the workspace (setting probeExplorer.results.exportFolder)
// and opens them.
import * as vscode from 'vscode';

function stamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A file name made of the result title: safe on every platform. */
export function exportFileName(title: string, ext: string, when = new Date()): string {
  const slug = title.normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'result';
  return `${slug}-${stamp(when)}.${ext}`;
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
    uri = vscode.Uri.joinPath(dir, name);
  } else {
    uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(name), filters: { [ext.toUpperCase()]: [ext] } });
    if (!uri) return undefined;
  }
  await vscode.workspace.fs.writeFile(uri, content);
  if (ext === 'png') await vscode.commands.executeCommand('vscode.open', uri, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  else await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  return uri;
}
