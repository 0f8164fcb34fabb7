// The real report editor bundle (built from webview/report/ by report-editor-support.ts) in headless
// Chromium under the panel's strict CSP, fed the simulator's catalogue the way the panel feeds it:
// typing in the STEELFILTER editor shows completion items from that catalogue, the column search lists
// catalogue columns with type and unit, and each edit goes back to the host as the file's new value.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createCatalogueProvider } from '../../src/views/language/catalogue';
import type { JsonValue } from '../../src/results/model';
import type { Source } from '../../src/steelfilter/index';
import { startRig, type Rig } from './appresponse-support';
import { post, sent, SHOTS, startEditorHarness, type EditorHarness } from './report-editor-support';

let harness: EditorHarness;
let rig: Rig;
let names: string[];
let aggregates: Source;

before(async () => {
  rig = await startRig();
  const catalogues = createCatalogueProvider({ http: async () => rig.http });
  names = await catalogues.getSourceNames('sim');
  aggregates = (await catalogues.getSource('sim', 'aggregates'))!;
  harness = await startEditorHarness();
});

after(async () => {
  await harness?.close();
  await rig?.close();
});

const openEditor = () => harness.blank(1100);

type FileValue = { data_defs: { columns: string[]; filters?: { value: string }[] }[] };
/** Waits until the webview sent an edit whose file value satisfies `ok`. */
async function waitForEdit(page: Page, ok: (file: FileValue) => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const edits = (await sent(page)).filter((m) => m.type === 'edit').map((m) => (m as { value: unknown }).value as FileValue);
    if (edits.some(ok)) return;
    if (Date.now() > deadline) assert.fail(`no such edit among ${JSON.stringify(edits)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Plays the panel: answers the catalogue requests the webview sent, with the simulator's catalogue. */
async function serveCatalogue(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'loadSource'));
  for (const m of await sent(page)) {
    if (m.type === 'loadSources') await post(page, { type: 'sources', device: m.device, names });
    if (m.type === 'loadSource' && m.name === 'aggregates') await post(page, { type: 'source', device: m.device, name: m.name, source: aggregates as unknown as JsonValue });
  }
}

const FILE = {
  device: 'sim',
  data_defs: [{
    source: { name: 'aggregates' },
    time: { duration: 'last 1 hour', granularity: '60' },
    group_by: ['app.name'],
    columns: ['app.name', 'sum_traffic.total_bytes'],
    top_by: [{ id: 'sum_traffic.total_bytes', direction: 'desc' }],
    limit: 20,
  }],
};

test('typing in the STEELFILTER editor shows completion items from the device catalogue, and the filter is written to the file', async () => {
  const page = await openEditor();
  await post(page, { type: 'file', uri: 'file:///work/reports/sim.probe-report.json', name: 'sim.probe-report.json', value: FILE, jsonErrors: [], devices: ['sim'] });
  await serveCatalogue(page);
  await page.waitForSelector('.dd[data-index="0"] .chosen-column[data-id="sum_traffic.total_bytes"] .col-type');
  const content = page.locator('.dd[data-index="0"] .steelfilter-editor .cm-content');
  await content.click();
  await page.keyboard.type('srv_tcp.po', { delay: 20 });
  const options = page.locator('.cm-tooltip-autocomplete li');
  await options.first().waitFor();
  const labels = await page.locator('.cm-tooltip-autocomplete .cm-completionLabel').allTextContents();
  assert.ok(labels.includes('srv_tcp.port'), `completion offers the catalogue column: ${labels.join(', ')}`);
  const port = aggregates.columns.find((c) => c.id === 'srv_tcp.port')!;
  const detail = await page.locator('.cm-tooltip-autocomplete li', { hasText: 'srv_tcp.port' }).first().locator('.cm-completionDetail').textContent();
  assert.ok(detail && detail.includes(String(port.type)), `detail shows the type: ${detail}`);
  await page.waitForSelector('.cm-tooltip-autocomplete li[aria-selected]');
  await page.waitForTimeout(150); // CodeMirror ignores Enter for a moment after the list appears
  await page.keyboard.press('Enter');
  assert.equal(await content.textContent(), 'srv_tcp.port', 'Enter accepts the completion');
  await page.keyboard.type(' == 70000', { delay: 10 });
  // The core's lint runs in the webview: a port out of range is flagged.
  await page.waitForSelector('.cm-lintRange-error', { state: 'attached' });
  await waitForEdit(page, (f) => f.data_defs[0].filters?.[0]?.value === 'srv_tcp.port == 70000');
  const problems = await page.locator('.problems .problem').allTextContents();
  assert.ok(problems.some((p) => p.includes('filters[0].value')), `the form lists the validator's problem: ${problems.join(' | ')}`);
  await page.screenshot({ path: path.join(SHOTS, 'completion.png') });
  const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  assert.deepEqual(violations, [], 'no CSP violation');
  await page.close();
});

test('the column search lists catalogue columns with type and unit; picking one adds it to the file', async () => {
  const page = await openEditor();
  await post(page, { type: 'file', uri: 'file:///work/reports/sim.probe-report.json', name: 'sim.probe-report.json', value: FILE, jsonErrors: [], devices: ['sim'] });
  await serveCatalogue(page);
  await page.waitForSelector('.dd[data-index="0"] .chosen-column[data-id="app.name"]');
  await page.locator('.dd[data-index="0"] .column-search input').fill('avg traffic bytes');
  const option = page.locator('.dd[data-index="0"] .column-option[data-id="avg_traffic.total_bytes_ps"]');
  await option.waitFor();
  const type = await option.locator('.col-type').textContent();
  assert.match(type ?? '', /bytes/, 'unit shown');
  await option.click();
  await waitForEdit(page, (f) => f.data_defs[0].columns.includes('avg_traffic.total_bytes_ps'));
  await page.waitForSelector('.dd[data-index="0"] .chosen-column[data-id="avg_traffic.total_bytes_ps"]');
  // A change made in the JSON editor comes back as a new file value: the form follows the file.
  const changed = { ...FILE, data_defs: [{ ...FILE.data_defs[0], time: { duration: 'last 15 min', granularity: '60' } }] };
  await post(page, { type: 'file', uri: 'file:///work/reports/sim.probe-report.json', name: 'sim.probe-report.json', value: changed, jsonErrors: [], devices: ['sim'] });
  await page.waitForSelector('.preset.active[data-duration="last 15 min"]');
  assert.match(await page.locator('.time-resolved').first().textContent() ?? '', /15 min/);
  await page.screenshot({ path: path.join(SHOTS, 'editor.png'), fullPage: true });
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __state?: unknown }).__state), { uri: 'file:///work/reports/sim.probe-report.json' }, 'the state holds only the URI');
  await page.close();
});

test('catalogue strings (labels, descriptions, units) are shown as text, never run as markup', async () => {
  const page = await openEditor();
  const evil = `<img src=x onerror="window.__xss='img'">`;
  const poisoned = { ...aggregates, columns: aggregates.columns.map((c) => (c.id === 'app.name' ? { ...c, label: evil, description: evil, unit: evil } : c)) };
  await post(page, { type: 'file', uri: 'file:///work/reports/x.probe-report.json', name: evil, value: { ...FILE, data_defs: [{ ...FILE.data_defs[0], reference: evil }] }, jsonErrors: [evil], devices: ['sim', evil] });
  await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'loadSource'));
  for (const m of await sent(page)) {
    if (m.type === 'loadSources') await post(page, { type: 'sources', device: m.device, names: [...names, evil] });
    if (m.type === 'loadSource') await post(page, { type: 'source', device: m.device, name: m.name, source: poisoned as unknown as JsonValue });
  }
  await page.waitForSelector('.chosen-column[data-id="app.name"] .col-label');
  assert.equal(await page.locator('.chosen-column[data-id="app.name"] .col-label').textContent(), evil);
  await page.locator('.dd[data-index="0"] .column-search input').fill('application');
  await page.waitForTimeout(200);
  const probe = await page.evaluate(() => ({
    xss: (window as unknown as { __xss?: string }).__xss,
    images: document.querySelectorAll('#app img').length,
    text: document.body.innerText,
  }));
  assert.equal(probe.xss, undefined, 'no injected script ran');
  assert.equal(probe.images, 0, 'no element was created from device strings');
  assert.ok(probe.text.includes(evil), 'the strings appear literally');
  await page.close();
});
