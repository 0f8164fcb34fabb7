// HTML shell of the results webview: strict CSP with a fresh nonce, only bundled resources.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function resultsWebviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')];
}

export function resultsHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (file: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
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
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${asset('results.css')}">
<title>Results</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${asset('results.js')}"></script>
</body>
</html>`;
}
