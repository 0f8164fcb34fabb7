// Extension bundle benchmarks. Prints JSON lines {"bench","ours","peer","ratio","unit","note"}:
//  - size of the production bundle dist/extension.js; peer: undici alone, bundled and minified the
//    same way (the one runtime dependency every request needs);
//  - activation time: require(dist/extension.js) + activate() with a stand-in `vscode` module, in a
//    fresh process each run, median of N; peer: require() of that undici bundle alone, same method.
// A benchmark, not a test: the stand-in only answers what activation touches.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '..');
const tmp = path.join(root, '.bench-tmp');
const runs = Number(process.env.BENCH_RUNS ?? 9);

function emit(bench: string, ours: number, peer: number, unit: string, note: string): void {
  const round = (x: number) => Math.round(x * 100) / 100;
  console.log(JSON.stringify({ bench, ours: round(ours), peer: round(peer), ratio: round(ours / peer), unit, note }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs `script` in a fresh Node process and returns the number it prints. */
function timeInFreshProcess(script: string): number {
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`measurement failed: ${r.stderr}`);
  return Number(r.stdout.trim().split('\n').pop());
}

async function main(): Promise<void> {
  fs.mkdirSync(tmp, { recursive: true });
  const built = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`production build failed: ${built.stderr}`);
  const bundle = path.join(root, 'dist/extension.js');
  const undiciBundle = path.join(tmp, 'undici.js');
  await esbuild.build({
    stdin: { contents: "module.exports = require('undici');", resolveDir: root },
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, outfile: undiciBundle, logLevel: 'warning',
  });
  emit('extension bundle size', fs.statSync(bundle).size / 1024, fs.statSync(undiciBundle).size / 1024, 'KiB', 'peer: undici alone, bundled and minified');

  const stub = path.join(tmp, 'vscode-stub.js');
  fs.writeFileSync(stub, VSCODE_STUB);
  const activate = `
    const Module = require('module');
    const original = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      return request === 'vscode' ? ${JSON.stringify(stub)} : original.call(this, request, ...rest);
    };
    const { makeContext } = require(${JSON.stringify(stub)});
    const t0 = performance.now();
    const ext = require(${JSON.stringify(bundle)});
    ext.activate(makeContext());
    console.log(performance.now() - t0);
    process.exit(0);`;
  const requireUndici = `
    const t0 = performance.now();
    require(${JSON.stringify(undiciBundle)});
    console.log(performance.now() - t0);`;
  const ours: number[] = [];
  const peer: number[] = [];
  timeInFreshProcess(activate); // warm the file cache
  for (let i = 0; i < runs; i++) {
    ours.push(timeInFreshProcess(activate));
    peer.push(timeInFreshProcess(requireUndici));
  }
  emit('extension activation', median(ours), median(peer), 'ms', `require + activate() with a stand-in vscode, fresh process, median of ${runs}; peer: require of the undici bundle alone`);
}

/** The stand-in `vscode`: real answers where activation reads values, inert proxies elsewhere. */
const VSCODE_STUB = String.raw`
const inert = () => new Proxy(function () {}, {
  get: (_t, key) => (key === Symbol.iterator ? function* () {} : key === 'then' || typeof key === 'symbol' ? undefined : key === 'dispose' ? () => {} : inert()),
  apply: () => inert(),
  construct: () => inert(),
});
class EventEmitter { constructor() { this.listeners = []; this.event = (l) => { this.listeners.push(l); return { dispose() {} }; }; } fire(v) { for (const l of this.listeners) l(v); } dispose() {} }
const configuration = { get: (_key, fallback) => fallback, has: () => false, inspect: () => undefined, update: async () => {} };
const event = () => ({ dispose() {} });
const base = {
  EventEmitter,
  Disposable: class { constructor(f) { this.f = f; } dispose() { this.f && this.f(); } static from() { return { dispose() {} }; } },
  workspace: new Proxy({ getConfiguration: () => configuration, onDidChangeConfiguration: event, workspaceFolders: undefined, textDocuments: [] }, { get: (t, k) => (k in t ? t[k] : inert()) }),
  commands: new Proxy({ registerCommand: () => ({ dispose() {} }), executeCommand: async () => undefined }, { get: (t, k) => (k in t ? t[k] : inert()) }),
};
// esbuild's import * copies own keys, so the namespaces and classes features touch must exist as keys.
for (const key of ['window', 'languages', 'env', 'extensions', 'tasks', 'debug', 'tests', 'authentication', 'l10n', 'Uri', 'TreeItem',
  'TreeItemCollapsibleState', 'ThemeIcon', 'ThemeColor', 'MarkdownString', 'Range', 'Position', 'Selection', 'Location', 'Diagnostic',
  'DiagnosticSeverity', 'CompletionItem', 'CompletionItemKind', 'CompletionList', 'Hover', 'SnippetString', 'TextEdit', 'WorkspaceEdit',
  'ProgressLocation', 'ViewColumn', 'ConfigurationTarget', 'StatusBarAlignment', 'CancellationTokenSource', 'FileType', 'RelativePattern',
  'QuickPickItemKind', 'DataTransferItem', 'FileSystemError', 'CodeAction', 'CodeActionKind', 'DocumentLink', 'FoldingRange', 'LogLevel',
  'ExtensionMode', 'UIKind', 'ColorThemeKind', 'DocumentSymbol', 'SymbolKind', 'SignatureHelp', 'ParameterInformation', 'SignatureInformation',
  'EndOfLine', 'TextEditorRevealType', 'OverviewRulerLane', 'DecorationRangeBehavior', 'TabInputText', 'TabInputWebview']) {
  if (!(key in base)) base[key] = inert();
}
module.exports = new Proxy(base, { get: (t, k) => (k in t ? t[k] : typeof k === 'symbol' ? undefined : inert()) });
module.exports.makeContext = () => ({
  subscriptions: [],
  secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: event },
  globalState: { get: (_k, d) => d, update: async () => {}, keys: () => [] },
  workspaceState: { get: (_k, d) => d, update: async () => {}, keys: () => [] },
  extensionUri: inert(), extensionPath: ${JSON.stringify(root)}, globalStorageUri: inert(), storageUri: undefined, logUri: inert(),
  asAbsolutePath: (p) => require('path').join(${JSON.stringify(root)}, p),
});
`;

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
