// Entry of the report editor webview (bundled by esbuild to dist/webview/report.js + report.css).
import '@vscode/codicons/dist/codicon.css';
import './styles.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { ReportEditorApp } from './app';

// The script's nonce also admits CodeMirror's <style> element under the panel's CSP.
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce || undefined;
const root = document.getElementById('app');
if (root) (window as unknown as { __reportEditor?: ReportEditorApp }).__reportEditor = new ReportEditorApp(root, nonce);
