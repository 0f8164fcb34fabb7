// The report editor (real webview bundle, headless Chromium) when a device's catalogue cannot be read:
// the test plays the panel as src/panels/reportEditor.ts does, with the extension's catalogue provider
// over the real simulator, once with the right password ("sim") and once with a wrong one ("locked",
// which answers 401). Switching to the locked device ends "Reading the catalogue…" and "Loading
// columns…" and says in place what failed; switching back recovers, and Retry asks again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createCatalogueProvider, type CatalogueProvider } from '../../src/views/language/catalogue';
import type { HttpClientApi } from '../../src/http/types';
import type { JsonValue } from '../../src/results/model';
import { clientFor, startRig, type Rig } from './appresponse-support';
import { post, sent, SHOTS, startEditorHarness, type EditorHarness } from './report-editor-support';

let harness: EditorHarness;
let rig: Rig;
let locked: HttpClientApi;
let catalogues: CatalogueProvider;

before(async () => {
  rig = await startRig();
  locked = clientFor(rig.sim, { username: rig.sim.username, password: 'not-the-password' });
  catalogues = createCatalogueProvider({ http: async (device) => (device === 'locked' ? locked : rig.http) });
  harness = await startEditorHarness();
});

after(async () => {
  await harness?.close();
  await locked?.close();
  await rig?.close();
});

const URI = 'file:///work/reports/sim.probe-report.json';
const file = (device: string) => ({
  device,
  data_defs: [{ source: { name: 'aggregates' }, time: { duration: 'last 1 hour' }, group_by: ['app.name'], columns: ['app.name', 'sum_traffic.total_bytes'] }],
});
const sendFile = (page: Page, device: string) =>
  post(page, { type: 'file', uri: URI, name: 'sim.probe-report.json', value: file(device) as unknown as JsonValue, jsonErrors: [], devices: ['sim', 'locked'] });

/** Plays the panel: answers every catalogue request the webview sends, as ReportEditorPanel.receive does. */
function servePanel(page: Page): { stop(): Promise<void>; asked: () => number } {
  let done = false;
  let seen = 0;
  const answer = async () => {
    while (!done) {
      const messages = await sent(page).catch(() => []);
      for (const m of messages.slice(seen)) {
        if (m.type === 'loadSources') {
          try {
            await post(page, { type: 'sources', device: m.device, names: await catalogues.getSourceNames(m.device) });
          } catch (e) {
            await post(page, { type: 'sources', device: m.device, names: [], error: (e as Error).message });
          }
        } else if (m.type === 'loadSource') {
          try {
            const source = await catalogues.getSource(m.device, m.name);
            await post(page, { type: 'source', device: m.device, name: m.name, ...(source ? { source: source as unknown as JsonValue } : { error: `${m.device} has no source "${m.name}"` }) });
          } catch (e) {
            await post(page, { type: 'source', device: m.device, name: m.name, error: (e as Error).message });
          }
        }
      }
      seen = messages.length;
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  const running = answer();
  return {
    async stop() { done = true; await running; },
    asked: () => seen,
  };
}

const text = (page: Page) => page.locator('#report-editor').innerText();
const placeholder = (page: Page) => page.locator('.dd[data-index="0"] .column-search').getAttribute('placeholder');

test('a device that answers 401: the editor stops loading and says in place what failed, and recovers on a working device', async () => {
  const page = await harness.blank(1000);
  const panel = servePanel(page);
  try {
    await sendFile(page, 'sim');
    await page.getByText('No problems: the report is valid for this device.').waitFor({ timeout: 10_000 });

    // The device select (or the JSON) now names the locked device.
    await sendFile(page, 'locked');
    const failure = page.locator('.problems-section .catalogue-failed');
    await failure.waitFor({ timeout: 10_000 });
    assert.match(await failure.innerText(), /The catalogue of locked could not be read: .*401.*Only the structure of the report is checked/s);
    await page.waitForTimeout(500); // nothing that is still "loading" may be left behind
    const shown = await text(page);
    assert.doesNotMatch(shown, /Reading the catalogue…/);
    assert.notEqual(await placeholder(page), 'Loading columns…');
    assert.match(await placeholder(page) ?? '', /could not be read/);
    await page.screenshot({ path: path.join(SHOTS, 'catalogue-failed.png'), fullPage: true });

    // Back on the working device, the form is whole again.
    await sendFile(page, 'sim');
    await page.getByText('No problems: the report is valid for this device.').waitFor({ timeout: 10_000 });
    assert.match(await placeholder(page) ?? '', /^Search \d+ columns/);
    assert.equal(await page.locator('.catalogue-failed').count(), 0);
  } finally {
    await panel.stop();
    await page.close();
  }
});

test('Retry asks the device again, and choosing the failed device again retries it', async () => {
  const page = await harness.blank(1000);
  const panel = servePanel(page);
  try {
    await sendFile(page, 'locked');
    await page.locator('.catalogue-failed').waitFor({ timeout: 10_000 });
    const asks = async () => (await sent(page)).filter((m) => m.type === 'loadSources' && m.device === 'locked').length;
    assert.equal(await asks(), 1);
    await page.locator('.catalogue-failed [data-action="retry-catalogue"]').click();
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string; device?: string }[] }).__sent.filter((m) => m.type === 'loadSources' && m.device === 'locked').length === 2);
    await page.locator('.catalogue-failed').waitFor({ timeout: 10_000 });
    await sendFile(page, 'sim');
    await page.getByText('No problems: the report is valid for this device.').waitFor({ timeout: 10_000 });
    await sendFile(page, 'locked');
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string; device?: string }[] }).__sent.filter((m) => m.type === 'loadSources' && m.device === 'locked').length === 3);
    await page.locator('.catalogue-failed').waitFor({ timeout: 10_000 });
  } finally {
    await panel.stop();
    await page.close();
  }
});
