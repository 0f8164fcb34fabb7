// Shared setup of the report editor webview tests: the bundle is built from webview/report/ into a
// temporary folder (so a test always checks the current source, not a dist/ left over from an
// earlier build) and opened in headless Chromium under the panel's CSP with VS Code's dark theme.
// The test plays the panel: it posts the file and the catalogue the webview asks for.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { DARK_THEME, ROOT, launch } from '../../bench/results/harness';
import type { ReportEditorHostMessage, ReportEditorWebviewMessage } from '../../src/shared/protocol';
import type { JsonValue } from '../../src/results/model';
import type { Source } from '../../src/steelfilter/index';

export const SHOTS = path.join(ROOT, 'test-output', 'report-editor');
export const LONG_ID = 'avg_tcp.network_rtt_with_a_very_long_suffix';
export const LONG_OPTION = 'avg_tcp.server_response_time_with_a_very_long_suffix';
const URI = 'file:///work/reports/lab.probe-report.json';

/** A catalogue with short and long column ids. */
export const SOURCE: Source = {
  name: 'aggregates',
  granularities: ['60', '300'],
  columns: [
    { id: 'app.name', label: 'Application', type: 'string', grouped_by: true },
    { id: 'srv_tcp.port', label: 'Server port', type: 'port', grouped_by: true },
    { id: LONG_ID, label: 'Average network round trip time between client and server', type: 'duration', unit: 'microseconds', metric: true },
    { id: LONG_OPTION, label: 'Average server response time over the whole interval', description: 'Time the server took to answer', type: 'duration', unit: 'microseconds', metric: true },
  ],
};

/** A report on `aggregates` with the long id among its columns, and a STEELFILTER when `filter` is given. */
export function reportFile(filter?: string): JsonValue {
  return {
    device: 'lab',
    data_defs: [{
      source: { name: 'aggregates' },
      time: { duration: 'last 1 hour', granularity: '60' },
      group_by: ['app.name'],
      columns: ['app.name', LONG_ID],
      ...(filter !== undefined ? { filters: [{ value: filter }] } : {}),
    }],
  };
}

export interface EditorHarness {
  /**
   * A page whose editor has loaded and said 'ready', before the panel sent it anything. The page keeps
   * what the webview stores with setState in `window.__state`, and CSP violations in `window.__violations`.
   */
  blank(width: number): Promise<Page>;
  /** `catalogue: false`: the catalogue is not sent (the test sends it with `sendCatalogue`). */
  open(width: number, file: JsonValue, options?: { catalogue?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

export async function startEditorHarness(): Promise<EditorHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-editor-page-'));
  let browser: Browser | undefined;
  try {
    // The options of esbuild.mjs for webviews, for the report bundle alone.
    await esbuild.build({
      entryPoints: { report: path.join(ROOT, 'webview/report/main.ts') },
      bundle: true, platform: 'browser', format: 'iife', target: 'es2022', outdir: dir,
      loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' }, logLevel: 'warning',
    });
    const nonce = 'n' + Math.random().toString(36).slice(2);
    fs.writeFileSync(path.join(dir, 'theme.css'), `html { ${Object.entries(DARK_THEME).map(([k, v]) => `${k}: ${v};`).join(' ')} }`);
    fs.writeFileSync(path.join(dir, 'index.html'), `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src file: 'nonce-${nonce}'; font-src file:; img-src file: data:;">
<link rel="stylesheet" href="theme.css">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="report.css">
<script nonce="${nonce}">
  window.__name = (f) => f;
  window.__sent = []; window.__state = undefined; window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__sent.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });
</script></head><body class="vscode-dark"><div id="app"></div>
<script nonce="${nonce}" src="report.js"></script></body></html>`);
    browser = await launch();
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  const b = browser;
  const blank = async (width: number) => {
    const page = await b.newPage({ viewport: { width, height: 900 } });
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'ready'));
    return page;
  };
  return {
    blank,
    async open(width, file, options = {}) {
      const page = await blank(width);
      await sendFile(page, file);
      await page.waitForSelector('.dd[data-index="0"] .steelfilter-editor .cm-content');
      if (options.catalogue !== false) await sendCatalogue(page);
      return page;
    },
    async close() {
      await b.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The report file's new value, as the panel sends it after any change of the document. */
export function sendFile(page: Page, file: JsonValue): Promise<void> {
  return post(page, { type: 'file', uri: URI, name: 'lab.probe-report.json', value: file, jsonErrors: [], devices: ['lab'] });
}

/** The catalogue of `aggregates`, as the panel sends it from the device. */
export async function sendCatalogue(page: Page): Promise<void> {
  await post(page,
    { type: 'sources', device: 'lab', names: ['aggregates'] },
    { type: 'source', device: 'lab', name: 'aggregates', source: SOURCE as unknown as JsonValue });
  await page.waitForSelector(`.chosen-column[data-id="${LONG_ID}"] .col-type:not(:empty)`);
}

export async function post(page: Page, ...messages: ReportEditorHostMessage[]): Promise<void> {
  await page.evaluate((ms) => { for (const m of ms as unknown[]) window.postMessage(m, '*'); }, messages as unknown);
}

export function sent(page: Page): Promise<ReportEditorWebviewMessage[]> {
  return page.evaluate(() => (window as unknown as { __sent: ReportEditorWebviewMessage[] }).__sent);
}
