// The report editor form (real webview bundle, headless Chromium, the panel played by the test): an
// unknown column gets the STEELFILTER core's "did you mean" in its row and in the problems, each with
// a button that applies the fix to the file; time problems read like the rest: a reversed range shows
// its times as UTC dates, a duration that does not parse says what durations look like.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { JsonValue } from '../../src/results/model';
import { post, sent, SHOTS, SOURCE, startEditorHarness, type EditorHarness } from './report-editor-support';

let harness: EditorHarness;
before(async () => { harness = await startEditorHarness(); });
after(async () => { await harness?.close(); });

const URI = 'file:///work/reports/lab.probe-report.json';
type Def = { columns: string[]; group_by?: string[]; time?: Record<string, string> };
const report = (def: Partial<Def>) => ({
  device: 'lab',
  data_defs: [{ source: { name: 'aggregates' }, time: { duration: 'last 1 hour', granularity: '60' }, columns: ['app.name'], group_by: ['app.name'], ...def }],
});

async function open(page: Page, file: object): Promise<void> {
  await post(page,
    { type: 'file', uri: URI, name: 'lab.probe-report.json', value: file as JsonValue, jsonErrors: [], devices: ['lab'] },
    { type: 'sources', device: 'lab', names: ['aggregates'] },
    { type: 'source', device: 'lab', name: 'aggregates', source: SOURCE as unknown as JsonValue });
  await page.waitForSelector('.dd[data-index="0"] .column-search[placeholder^="Search"]');
}

/** The data_defs[0] of the last value the form sent to the host. */
async function lastEdit(page: Page): Promise<Def> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const edits = (await sent(page)).filter((m) => m.type === 'edit');
    if (edits.length) return ((edits[edits.length - 1] as { value: unknown }).value as { data_defs: Def[] }).data_defs[0];
    assert.ok(Date.now() < deadline, 'the form sent no edit');
    await page.waitForTimeout(50);
  }
}

test('an unknown column says "did you mean" in its row, and its button changes the id wherever the data definition names it', async () => {
  const page = await harness.blank(1000);
  await open(page, report({ columns: ['app.name', 'srv_tcp.prot'], group_by: ['app.name', 'srv_tcp.prot'] }));
  const row = page.locator('.chosen-column[data-id="srv_tcp.prot"]');
  assert.equal(await row.locator('.col-label').innerText(), 'not in this source; did you mean "srv_tcp.port"?');
  await page.screenshot({ path: path.join(SHOTS, 'unknown-column-fix.png'), fullPage: true });
  await row.locator('[data-action="fix-column"]').click();
  const def = await lastEdit(page);
  assert.deepEqual(def.columns, ['app.name', 'srv_tcp.port']);
  assert.deepEqual(def.group_by, ['app.name', 'srv_tcp.port']);
  await page.waitForSelector('.chosen-column[data-id="srv_tcp.port"]');
  await page.close();
});

test('each problem with a quick fix has a button that applies it to the file', async () => {
  const page = await harness.blank(1000);
  await open(page, report({ columns: ['app.name', 'srv_tcp.prot'] }));
  const problem = page.locator('.problem[data-path="data_defs[0].columns[1]"]');
  assert.match(await problem.innerText(), /unknown column "srv_tcp\.prot" in source "aggregates"; did you mean "srv_tcp\.port"\?/);
  const fix = problem.locator('[data-action="apply-fix"]');
  assert.equal((await fix.innerText()).trim(), 'Change to "srv_tcp.port"');
  await fix.click();
  assert.deepEqual((await lastEdit(page)).columns, ['app.name', 'srv_tcp.port']);
  await page.getByText('No problems: the report is valid for this device.').waitFor({ timeout: 5_000 });
  await page.close();
});

test('the resolved time range reads like the results view: local "YYYY-MM-DD HH:MM:SS" times and their zone', async () => {
  const page = await harness.blank(1000);
  await open(page, report({ time: { start: '1795330000', end: '1795340000' } }));
  const text = await page.locator('.dd[data-index="0"] .time-resolved').innerText();
  const zone = await page.evaluate(() => -new Date().getTimezoneOffset());
  const local = (sec: number) => new Date((sec + zone * 60) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  assert.match(text, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} → \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(2\.8 h\) · local time \(UTC([+\u2212]\d{2}:\d{2})?\)$/);
  assert.ok(text.startsWith(`${local(1795330000)} → ${local(1795340000)}`), text);
  // A duration ends now, to the millisecond; the preview is to the second like the results view.
  await post(page, { type: 'file', uri: URI, name: 'lab.probe-report.json', value: report({ time: { duration: 'last 1 hour' } }) as JsonValue, jsonErrors: [], devices: ['lab'] });
  await page.waitForFunction(() => /\(1 h\)/.test(document.querySelector('.dd[data-index="0"] .time-resolved')?.textContent ?? ''));
  assert.match(await page.locator('.dd[data-index="0"] .time-resolved').innerText(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} → \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(1 h\) · /);
  await page.close();
});

test('a reversed time range shows its times as UTC dates; a duration that does not parse says what durations look like', async () => {
  const page = await harness.blank(1000);
  await open(page, report({ time: { start: '1795340000', end: '1795330000' } }));
  const range = 'the end, 2026-11-22 06:46:40 UTC (1795330000), is not after the start, 2026-11-22 09:33:20 UTC (1795340000): the end must come later';
  assert.equal(await page.locator('.dd[data-index="0"] .time-resolved').innerText(), range);
  assert.match(await page.locator('.problem[data-path="data_defs[0].time"]').innerText(), /2026-11-22 06:46:40 UTC \(1795330000\)/);

  await post(page, { type: 'file', uri: URI, name: 'lab.probe-report.json', value: report({ time: { duration: 'xyz' } }) as JsonValue, jsonErrors: [], devices: ['lab'] });
  const preview = page.locator('.dd[data-index="0"] .time-resolved.error');
  await preview.waitFor();
  const text = await preview.innerText();
  assert.equal(text, '"xyz" is not a duration: write one like "last 1 hour", "5 min", "previous 1 day" or "this week"');
  assert.doesNotMatch(text, /tense/);
  await page.screenshot({ path: path.join(SHOTS, 'time-problems.png'), fullPage: true });
  await page.close();
});
