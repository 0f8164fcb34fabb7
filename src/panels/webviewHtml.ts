// The HTML shell of every webview: strict CSP with a fresh nonce, only bundled resources from
// dist/webview, device data never in the markup (the bundle inserts it as text).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The only folder a webview may load from. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')];
}

export interface WebviewShell {
  /** Bundle name: dist/webview/<bundle>.js and .css (built from webview/<bundle>/main.ts). */
  bundle: string;
  title: string;
  /** Admit <style> elements carrying the nonce (CodeMirror writes its styles into one). */
  nonceStyles?: boolean;
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, shell: WebviewShell): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (file: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}${shell.nonceStyles ? ` 'nonce-${nonce}'` : ''}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  // The stylesheet carries the codicon font; vscode-icon finds it by this id (it must be a <link>).
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${asset(`${shell.bundle}.css`)}">
<title>${shell.title}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${asset(`${shell.bundle}.js`)}"></script>
</body>
</html>`;
}
