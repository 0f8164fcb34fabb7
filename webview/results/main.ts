// Entry of the results webview (bundled by esbuild to dist/webview/results.js + results.css).
import '@vscode/codicons/dist/codicon.css';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { ResultsApp } from './app';

const root = document.getElementById('app');
if (root) {
  const app = new ResultsApp(root);
  // The page harness of the tests and benchmarks reads paint times from here.
  (window as unknown as { __resultsApp?: ResultsApp }).__resultsApp = app;
}
