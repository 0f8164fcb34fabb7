// Page harness for the results webview: loads the real bundle (dist/webview/results.js + .css) in
// headless Chromium, provides acquireVsCodeApi, and lets a test post the messages a panel would.
// Used by the integration tests (XSS), the screenshot and the benchmark.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ResultsHostMessage, ResultsMeta, ResultsWebviewMessage } from '../../src/shared/protocol';
import type { CellValue } from '../../src/results/model';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BUNDLE = path.join(ROOT, 'dist/webview/results.js');

/** A subset of VS Code's Dark Modern theme variables, so the page looks as it does in the editor. */
export const DARK_THEME: Record<string, string> = {
  '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
  '--vscode-editor-font-size': '13px',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-disabledForeground': '#6e7681',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-sideBar-background': '#181818',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-editorWidget-border': '#313131',
  '--vscode-widget-border': '#313131',
  '--vscode-widget-shadow': 'rgba(0, 0, 0, 0.36)',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-panelTitle-activeBorder': '#0078d4',
  '--vscode-panelTitle-activeForeground': '#cccccc',
  '--vscode-panelTitle-inactiveForeground': '#9d9d9d',
  '--vscode-editorGroupHeader-tabsBackground': '#181818',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-list-activeSelectionBackground': '#04395e',
  '--vscode-list-activeSelectionForeground': '#ffffff',
  '--vscode-tree-tableOddRowsBackground': 'rgba(204, 204, 204, 0.04)',
  '--vscode-tree-tableColumnsBorder': 'rgba(204, 204, 204, 0.13)',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-border': 'rgba(255, 255, 255, 0.07)',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-input-background': '#313131',
  '--vscode-input-foreground': '#cccccc',
  '--vscode-input-border': '#3c3c3c',
  '--vscode-input-placeholderForeground': '#989898',
  '--vscode-dropdown-background': '#313131',
  '--vscode-dropdown-foreground': '#cccccc',
  '--vscode-dropdown-border': '#3c3c3c',
  '--vscode-dropdown-listBackground': '#1f1f1f',
  '--vscode-checkbox-background': '#313131',
  '--vscode-checkbox-border': '#3c3c3c',
  '--vscode-checkbox-foreground': '#cccccc',
  '--vscode-settings-checkboxBackground': '#313131',
  '--vscode-settings-checkboxBorder': '#3c3c3c',
  '--vscode-settings-checkboxForeground': '#cccccc',
  '--vscode-progressBar-background': '#0078d4',
  '--vscode-menu-background': '#1f1f1f',
  '--vscode-menu-foreground': '#cccccc',
  '--vscode-menu-border': '#454545',
  '--vscode-menu-selectionBackground': '#0078d4',
  '--vscode-menu-selectionForeground': '#ffffff',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-inputValidation-errorBackground': '#5a1d1d',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-inputValidation-infoBackground': '#063b49',
  '--vscode-inputValidation-infoBorder': '#1b80b2',
  '--vscode-editor-selectionBackground': 'rgba(38, 79, 120, 0.6)',
  '--vscode-editorCursor-foreground': '#aeafad',
  '--vscode-sash-hoverBorder': '#0078d4',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-notifications-background': '#1f1f1f',
  '--vscode-notifications-foreground': '#cccccc',
  '--vscode-notifications-border': '#2b2b2b',
  '--vscode-icon-foreground': '#cccccc',
  '--vscode-toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
  '--vscode-scrollbarSlider-background': 'rgba(121, 121, 121, 0.4)',
};

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** Headless Debian Chromium; `env` for the browser process (e.g. a TZ). */
export function launch(env?: NodeJS.ProcessEnv): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true, ...(env ? { env } : {}) });
}

/** Builds the bundles (esbuild.mjs) when the results webview bundle is missing. */
export function ensureBundle(): void {
  if (fs.existsSync(BUNDLE)) return;
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`the build of ${BUNDLE} failed (exit ${r.status ?? r.signal})`);
}

export interface HarnessOptions {
  /** Apply the panel's CSP (with file: standing in for webview.cspSource). */
  csp?: boolean;
  width?: number;
  height?: number;
  /** Extra scripts/styles placed before the bundle (the peer benchmark). */
  bodyHtml?: string;
}

/** Writes the harness page and opens it; resolves once the webview has sent `ready`. */
export async function openHarness(browser: Browser, options: HarnessOptions = {}): Promise<{ page: Page; dir: string }> {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'results-harness-'));
  const nonce = 'harnessnonce' + Math.random().toString(36).slice(2);
  const cssUrl = pathToFileURL(path.join(ROOT, 'dist/webview/results.css')).href;
  const jsUrl = pathToFileURL(BUNDLE).href;
  const theme = Object.entries(DARK_THEME).map(([k, v]) => `${k}: ${v};`).join(' ');
  fs.writeFileSync(path.join(dir, 'theme.css'), `html { ${theme} }`);
  const csp = options.csp ? `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src file:; font-src file:; img-src file: data:;">` : '';
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">${csp}
<link rel="stylesheet" href="theme.css">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${cssUrl}">
<script nonce="${nonce}">
  window.__name = (f) => f; // tsx keeps function names through this helper in evaluated callbacks
  window.__sent = [];
  window.__state = undefined;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__sent.push(m),
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
</script>
</head><body class="vscode-dark">
<div id="app"></div>
<script nonce="${nonce}" src="${jsUrl}"></script>
</body></html>`;
  fs.writeFileSync(path.join(dir, 'index.html'), html);
  const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 } });
  await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
  await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'ready'));
  return { page, dir };
}

/** Posts host messages to the webview, as the panel would. */
export async function post(page: Page, ...messages: ResultsHostMessage[]): Promise<void> {
  const payload: unknown = messages;
  await page.evaluate((ms) => {
    for (const m of ms as unknown[]) window.postMessage(m, '*');
  }, payload);
}

/** Messages the webview sent to the "host". */
export function sent(page: Page): Promise<ResultsWebviewMessage[]> {
  return page.evaluate(() => (window as unknown as { __sent: ResultsWebviewMessage[] }).__sent);
}

/** Messages of one type the webview sent to the "host". */
export async function sentOf<T extends ResultsWebviewMessage['type']>(page: Page, type: T): Promise<Extract<ResultsWebviewMessage, { type: T }>[]> {
  return (await sent(page)).filter((m): m is Extract<ResultsWebviewMessage, { type: T }> => m.type === type);
}

/** A meta with defaults. */
export function meta(partial: Partial<ResultsMeta> & Pick<ResultsMeta, 'seq'>): ResultsMeta {
  return {
    title: 'Result',
    subtitle: '',
    source: 'table',
    fetchedAt: Date.now(),
    tables: [],
    charts: [],
    canRefresh: false,
    rawJson: '{}',
    rawJsonTruncated: false,
    autoRefreshSeconds: 0,
    restore: { kind: 'static', title: 'Result' },
    ...partial,
  };
}

/** rows messages for a table, cut into chunks (first chunk small, like the panel). */
export function chunks(seq: number, tableId: string, rows: CellValue[][], first = 200, size = 10_000): ResultsHostMessage[] {
  const out: ResultsHostMessage[] = [];
  let offset = 0;
  let n = first;
  do {
    out.push({ type: 'rows', seq, tableId, offset, rows: rows.slice(offset, offset + n), last: offset + n >= rows.length });
    offset += n;
    n = size;
  } while (offset < rows.length);
  return out;
}

export function cleanup(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
