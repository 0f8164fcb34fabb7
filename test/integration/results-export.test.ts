// Export of the results view, end to end without VS Code: a real answer of the simulated Allegro
// (ips_paged by bps, descending, 50 rows) shown by the real webview bundle in headless Chromium,
// filtered, sorted and with columns hidden as a person would; the export request the webview sends
// is turned into CSV / JSON by the same functions the panel uses, and compared with the screen.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { chunks, cleanup, ensureBundle, launch, meta, openHarness, post, sentOf } from '../../bench/results/harness';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro';
import { createHttpClient } from '../../src/http';
import type { HttpClientApi } from '../../src/http/types';
import { clientOptionsOf } from '../../src/devices/client-options';
import { parseCsv } from '../../src/allegro/index';
import { shapeAllegro } from '../../src/results/allegro';
import { tableToCsv, tableToObjects } from '../../src/results/csv';
import { shownTable } from '../../src/results/export';
import { formatCell } from '../../src/results/format';
import type { ResultTable } from '../../src/results/model';
import { applyQueryBar, deviceCsvQuery, type AllegroQuery } from '../../src/results/query';

let sim: AllegroSimulator;
let http: HttpClientApi;
let browser: Browser;
const dirs: string[] = [];

before(async () => {
  ensureBundle();
  sim = await startAllegroSimulator({ seed: 7 });
  const profile = { name: 'mm', kind: 'allegro' as const, url: sim.url, auth: 'basic' as const, username: sim.username, tls: { mode: 'pin' as const, fingerprint: sim.fingerprint } };
  http = createHttpClient(clientOptionsOf(profile, sim.password, { maxConcurrentRequests: 4, timeouts: { connectMs: 5000, headersMs: 10000, bodyIdleMs: 10000 }, retries: 0, proxy: {} }));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  for (const d of dirs) cleanup(d);
  await http?.close();
  await sim?.close();
});

const BAR = { sort: 'bps', reverse: true, page: 0, count: 50 };
const PATH = '/API/stats/modules/ip/ips_paged';

async function topIpsByBps(): Promise<{ table: ResultTable; query: AllegroQuery }> {
  const query = applyQueryBar({}, BAR, Date.now() / 1000);
  const raw = (await http.json({ path: PATH, query })).body;
  const table = shapeAllegro(raw, { page: 0 }).tables[0];
  assert.equal(table.id, 'items');
  assert.equal(table.rows.length, 50);
  return { table, query };
}

/** The visible header labels and the rows on screen (all of them: the filter leaves few), in screen order. */
function screen(page: Page): Promise<{ headers: string[]; rows: string[][]; status: string }> {
  return page.evaluate(() => {
    const pane = document.querySelector('.pane[data-tab="items"]')!;
    const rows = [...pane.querySelectorAll<HTMLElement>('.vt-row:not([hidden])')]
      .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
      .map((r) => [...r.querySelectorAll('.vt-cell')].map((c) => c.textContent ?? ''));
    return { headers: [...pane.querySelectorAll('.vt-hlabel')].map((h) => h.textContent ?? ''), rows, status: pane.querySelector('.table-status')?.textContent ?? '' };
  });
}

test('Export saves what is on screen: the filtered rows in the shown order, the visible columns, labels as headers, raw values', async () => {
  const { table } = await topIpsByBps();
  const { page, dir } = await openHarness(browser);
  dirs.push(dir);
  await post(
    page,
    { type: 'result', meta: meta({ seq: 1, source: 'allegro', tables: [{ id: 'items', title: 'Items', columns: table.columns, rowCount: 50 }], queryBar: BAR, queryBarParts: { paging: true, time: true, history: true }, canRefresh: true }) },
    ...chunks(1, 'items', table.rows),
  );
  await page.waitForFunction(() => document.querySelector('.table-status')?.textContent?.startsWith('50 rows'));
  // hide two columns
  await page.click('.columns-btn');
  for (const label of ['mac', 'countryName']) await page.locator('.column-chooser vscode-checkbox', { hasText: label }).click();
  await page.mouse.click(5, 5);
  // sort by host name (A→Z), then the quick filter
  await page.locator('.pane[data-tab="items"] .vt-hcell', { hasText: /^hostName$/ }).click();
  await page.locator('.filter input, .filter').first().focus();
  await page.keyboard.type('srv0');
  await page.waitForFunction(() => /shown/.test(document.querySelector('.table-status')?.textContent ?? ''));
  const shownOnScreen = await screen(page);
  const expected = table.rows.filter((r) => JSON.stringify(r).includes('srv0')).length;
  assert.ok(expected > 0 && expected < 50, `the filter leaves ${expected} of 50 rows`);
  assert.equal(shownOnScreen.rows.length, expected);
  assert.ok(!shownOnScreen.headers.includes('mac') && !shownOnScreen.headers.includes('countryName'));

  await page.click('vscode-button[title^="Export the rows and columns shown as CSV"]');
  const [csvRequest] = await sentOf(page, 'export');
  assert.equal(csvRequest.format, 'csv');
  assert.equal(csvRequest.view?.seq, 1);
  const shown = shownTable(table, csvRequest.view);
  const csv = parseCsv(tableToCsv(shown));
  assert.deepEqual(csv[0], shownOnScreen.headers, 'the visible columns in view order, by their labels');
  assert.equal(csv.length - 1, expected, `${expected} rows, as on screen`);
  const hostCol = csv[0].indexOf('hostName');
  const hosts = csv.slice(1).map((r) => r[hostCol]);
  assert.ok(hosts.every((h) => h.includes('srv0')), 'only rows that match the filter');
  assert.deepEqual(hosts, [...hosts].sort(), 'in the shown order (host name A→Z)');
  shown.rows.forEach((row, i) => {
    row.forEach((value, c) => {
      const onScreen = shownOnScreen.rows[i][c];
      assert.equal(onScreen, value === '#N/A' || value === '#N/D' ? value.slice(1) : formatCell(value, shown.columns[c].kind), `row ${i}, ${shown.columns[c].label}: the exported value is the one shown`);
    });
  });
  const col = (label: string): string[] => csv.slice(1).map((r) => r[csv[0].indexOf(label)]);
  assert.ok(col('rx bytes').every((v) => /^\d+$/.test(v)), `rx bytes as raw integers: ${col('rx bytes').join(' ')}`);
  assert.ok(col('bit rate').every((v) => /^\d+(\.\d+)?$/.test(v)), 'bit rates as raw numbers');
  assert.ok(col('firstSeen').every((v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/.test(v)), `firstSeen in ISO 8601 UTC with its milliseconds: ${col('firstSeen')[0]}`);

  await page.click('vscode-button[title^="Export the rows and columns shown (on the Raw JSON tab"]');
  const jsonRequest = (await sentOf(page, 'export'))[1];
  assert.equal(jsonRequest.format, 'json');
  const objects = tableToObjects(shownTable(table, jsonRequest.view));
  assert.equal(objects.length, expected, 'JSON keeps the filter too');
  assert.deepEqual(Object.keys(objects[0]), shownOnScreen.headers, 'keys are the column labels, not interval.0…');
  assert.equal(objects.map((o) => o.hostName).join(), hosts.join());
  assert.equal(typeof objects[0]['rx bytes'], 'number');
  await page.close();
});

test('the device\'s own CSV (the second choice) is the whole list as the device writes it, with the same sort', async () => {
  const { query } = await topIpsByBps();
  const csvQuery = deviceCsvQuery(query);
  assert.deepEqual(csvQuery, { sort: 'bps', reverse: true, csv: true }, 'every item: no page or count');
  // as the extension's fetchAllegroCsv asks it
  const lines = parseCsv((await http.text({ path: PATH, query: csvQuery })).body);
  const all = (await http.json({ path: PATH, query: { count: 1 } })).body as { numberOfItems: number };
  assert.ok(lines.length - 1 >= all.numberOfItems - 3 && lines.length - 1 > 50, `${lines.length - 1} items of ${all.numberOfItems}`);
  assert.notDeepEqual(lines[0], ['ip'], 'the device\'s own columns');
});
