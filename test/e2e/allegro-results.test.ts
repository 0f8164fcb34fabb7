// Spec (b): expand an Allegro device down to modules → ip → ips → :ip → <an IP> and open it: the
// results view (a webview under its CSP) shows the IP's counters as a table and its history as a chart.
// The query bar of an object: the "Last 24 hours" preset changes its interval counters and survives
// a window reload; a custom interval ending before its start is marked and not sent. ips_paged
// filtered, a column hidden and sorted exports as CSV exactly the rows and columns shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import {
  chooseOption, collapseTree, contextMenu, deviceSession, expand, notifications, openProbeExplorer, pickQuickItem, reloadWindow, revealAllegroIp, revealTreeItem, runCommand, selectedOptionText, sleep, step, T, waitForQuickInput,
  waitForTab, webview, webviewWith,
} from './harness';

const session = deviceSession('b-allegro-results', { name: 'Lab Allegro', kind: 'allegro', seed: 3 });

test('Allegro: modules → ip → ips → an IP opens the results view with a counters table and a chart', async () => {
  const s = session();
  const { page } = s;
  const ipRow = await step(s, 'tree-to-ip', async () => {
    await openProbeExplorer(page);
    return revealAllegroIp(page, 'Lab Allegro');
  });
  const ip = (await ipRow.locator('.label-name').innerText()).trim();
  const view = webview(page);
  await step(s, 'results-counters-table', async () => {
    await contextMenu(page, ipRow, 'Open');
    await waitForTab(page, ip);
    // The panel says "Results" until the answer arrives; then the title names the IP.
    await view.locator('h1.title', { hasText: ip }).waitFor({ state: 'visible', timeout: T.remote });
    assert.equal((await view.locator('.subtitle').innerText()).trim(), `Lab Allegro · /API/stats/modules/ip/ips/${ip}`);
    const tabs = await view.locator('.tabs .tab-label').allInnerTexts();
    assert.ok(tabs.includes('Counters') && tabs.includes('Charts'), `tabs: ${JSON.stringify(tabs)}`);
    const table = view.locator('.pane.table-pane').filter({ has: view.locator('.vt-hlabel', { hasText: 'rx packets' }) }).first();
    await table.locator('.vt-row').first().waitFor({ state: 'visible', timeout: T.remote });
    const headers = await table.locator('.vt-hlabel').allInnerTexts();
    for (const h of ['counter set', 'rx packets', 'rx bytes', 'tx packets', 'tx bytes']) assert.ok(headers.includes(h), `column ${h} in ${JSON.stringify(headers)}`);
    const sets = (await table.locator('.vt-row').allInnerTexts()).map((r) => r.split('\n'));
    const allTime = sets.find((cells) => cells[0] === 'allTime');
    assert.ok(allTime, `an allTime row: ${JSON.stringify(sets)}`);
    assert.match(allTime[1]!, /^[\d,]+$/, 'rx packets is a formatted count');
    assert.ok(Number(allTime[1]!.replace(/,/g, '')) > 0, 'the IP has packets');
  });
  await step(s, 'results-chart', async () => {
    await view.locator('.tabs .tab', { hasText: 'Charts' }).first().click();
    const canvas = view.locator('.chart-card .uplot canvas').first();
    await canvas.waitFor({ state: 'visible', timeout: T.remote });
    const titles = await view.locator('.chart-title').allInnerTexts();
    assert.ok(titles.some((t) => /history: bytes/.test(t)), `chart titles: ${JSON.stringify(titles)}`);
    // uPlot drew something: the canvas has painted (non-transparent) pixels.
    const painted = await canvas.evaluate((c) => {
      const cv = c as HTMLCanvasElement;
      const data = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    assert.ok(painted > 100, `the chart canvas is painted (${painted} pixels)`);
  });
});

/** The counters table of an object's results: counter set → its cells (formatted as shown). */
async function counterSets(view: FrameLocator): Promise<Map<string, string[]>> {
  const table = view.locator('.pane.table-pane').filter({ has: view.locator('.vt-hlabel', { hasText: 'rx packets' }) }).first();
  await table.locator('.vt-row').first().waitFor({ state: 'visible', timeout: T.remote });
  const rows = (await table.locator('.vt-row:not([hidden])').allInnerTexts()).map((r) => r.split('\n'));
  return new Map(rows.map((cells) => [cells[0]!, cells.slice(1)]));
}

const count = (text: string | undefined): number => Number((text ?? '').replace(/,/g, ''));

interface Packets {
  interval: number;
  allTime: number;
  lastSecond: number;
  intervalPerSecond: number;
}

/** rx packets of each counter set shown. */
async function packets(view: FrameLocator): Promise<Packets> {
  const sets = await counterSets(view);
  const rx = (set: string) => count(sets.get(set)?.[0]);
  return { interval: rx('interval'), allTime: rx('allTime'), lastSecond: rx('lastSecond'), intervalPerSecond: rx('intervalPerSecond') };
}

/** Polls until `ok` holds for the counters shown (each answer replaces the table). */
async function waitForPackets(view: FrameLocator, ok: (p: Packets) => boolean, what: string): Promise<Packets> {
  const deadline = Date.now() + T.remote;
  let last: Packets | undefined;
  for (;;) {
    last = await packets(view).catch(() => last);
    if (last && ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: counters now ${JSON.stringify(last)}`);
    await sleep(200);
  }
}

/**
 * The interval holds everything since the start (the last 24 hours cover the simulator's whole
 * hour of history) but the second the request was sent in: endtime is whole seconds, allTime runs
 * to the device's now. So allTime minus interval is at most a few seconds of traffic.
 */
const wholeDay = (p: Packets): boolean => {
  const perSecond = Math.max(p.lastSecond, p.intervalPerSecond, 1);
  return p.interval > 60 * perSecond && p.interval <= p.allTime && p.allTime - p.interval <= 3 * perSecond;
};

test('an IP over "Last 24 hours": the interval counters follow the preset, and a window reload keeps the preset (not Live)', async () => {
  const s = session();
  const { page } = s;
  const ipRow = await step(s, 'tree-to-ip-again', async () => {
    await openProbeExplorer(page);
    await collapseTree(page);
    return revealAllegroIp(page, 'Lab Allegro');
  });
  const ip = (await ipRow.locator('.label-name').innerText()).trim();
  let view = webview(page);
  const time = () => view.locator('vscode-single-select[aria-label^="Time interval"]');
  await step(s, 'ip-live-counters', async () => {
    await contextMenu(page, ipRow, 'Open');
    await waitForTab(page, ip);
    view = await webviewWith(page, `h1.title:text("${ip}")`);
    await view.locator('.tabs .tab', { hasText: 'Counters' }).first().click();
    assert.equal(await selectedOptionText(time()), 'Live (real-time counters)');
    // Live: the interval counters are those of the last second, far below the IP's total.
    await waitForPackets(view, (p) => p.interval === p.lastSecond && p.allTime > 10 * p.interval, 'Live: interval = lastSecond');
  });
  await step(s, 'ip-last-24-hours', async () => {
    const before = session.sim().stats.count('GET', `/API/stats/modules/ip/ips/${ip}`);
    await chooseOption(time(), 'Last 24 hours');
    const p = await waitForPackets(view, wholeDay, 'Last 24 hours: interval = everything since the start');
    assert.ok(session.sim().stats.count('GET', `/API/stats/modules/ip/ips/${ip}`) > before, 'the preset was sent to the device');
    assert.equal(await selectedOptionText(time()), 'Last 24 hours');
    assert.ok(p.interval !== p.lastSecond, `the interval is no longer the last second: ${JSON.stringify(p)}`);
  });
  await step(s, 'reload-keeps-preset', async () => {
    // The auto-refresh interval chosen in the panel comes back too (not the setting's default, off).
    const auto = () => view.locator('vscode-single-select[aria-label="Auto-refresh interval"]');
    await chooseOption(auto(), 'Every 5 min');
    await sleep(300); // the webview saves its state
    await reloadWindow(page);
    await waitForTab(page, ip, T.boot);
    view = await webviewWith(page, `h1.title:text("${ip}")`, T.boot);
    await time().waitFor({ state: 'visible', timeout: T.remote });
    assert.equal(await selectedOptionText(time()), 'Last 24 hours', 'the restored query bar shows the preset');
    assert.equal(await selectedOptionText(auto()), 'Every 5 min', 'the restored panel keeps its auto-refresh interval');
    await view.locator('.tabs .tab', { hasText: 'Counters' }).first().click();
    const p = await waitForPackets(view, wholeDay, 'after the reload: interval = the last 24 hours, not the last second');
    assert.ok(p.interval !== p.lastSecond, `not Live after the reload: ${JSON.stringify(p)}`);
  });
});

test('a custom interval that ends before it starts is marked invalid in the query bar and not sent; the rows stay', async () => {
  const s = session();
  const { page } = s;
  const ipRow = await step(s, 'tree-to-ip-for-custom', async () => {
    await openProbeExplorer(page);
    await collapseTree(page);
    return revealAllegroIp(page, 'Lab Allegro');
  });
  const ip = (await ipRow.locator('.label-name').innerText()).trim();
  const apiPath = `/API/stats/modules/ip/ips/${ip}`;
  let view = webview(page);
  const time = () => view.locator('vscode-single-select[aria-label^="Time interval"]');
  const startField = () => view.locator('vscode-textfield[aria-label="starttime"]');
  const endField = () => view.locator('vscode-textfield[aria-label="endtime"]');
  const problem = () => view.locator('.querybar .qb-problem');
  let shown: Map<string, string[]> = new Map();
  await step(s, 'custom-interval-valid', async () => {
    await contextMenu(page, ipRow, 'Open');
    await waitForTab(page, ip);
    view = await webviewWith(page, `h1.title:text("${ip}")`);
    await view.locator('.tabs .tab', { hasText: 'Counters' }).first().click();
    const before = session.sim().stats.count('GET', apiPath);
    await chooseOption(time(), 'Custom interval…');
    // The custom fields start as the last hour, and that interval is sent at once.
    await startField().waitFor({ state: 'visible' });
    assert.match(await startField().locator('input').inputValue(), /^\d{4}-\d\d-\d\dT\d\d:\d\d/);
    const deadline = Date.now() + T.remote;
    while (session.sim().stats.count('GET', apiPath) === before) {
      if (Date.now() > deadline) throw new Error('choosing a custom interval sent no request');
      await sleep(100);
    }
    await waitForPackets(view, (p) => p.interval > 0, 'the custom last hour is shown');
    await view.locator('.footer', { hasText: /^Fetched / }).waitFor({ state: 'visible' });
    assert.equal(await problem().isVisible(), false, 'a valid interval shows no problem');
    shown = await counterSets(view);
  });
  await step(s, 'custom-interval-end-before-start', async () => {
    const footer = await view.locator('.footer').innerText();
    const sent = session.sim().stats.count('GET', apiPath);
    const total = session.sim().stats.total;
    // The end two hours before the start, typed as a user does (local time, minutes).
    const start = await startField().locator('input').inputValue();
    // (In the page's own time zone; no named helpers inside: the bundler would wrap them.)
    const end = await startField().evaluate((_e, v) => {
      const d = new Date(new Date(v).getTime() - 2 * 3600_000);
      return [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()].map((n) => String(n).padStart(2, '0'))
        .reduce((text, part, i) => text + ['', '-', '-', 'T', ':'][i] + part, '');
    }, start);
    assert.ok(end < start, `${end} is before ${start}`);
    const input = endField().locator('input');
    await input.fill(end);
    await input.press('Enter');
    await problem().waitFor({ state: 'visible', timeout: T.ui });
    assert.match(await problem().innerText(), /The end \(.+\) is before the start \(.+\)\. Not sent\./);
    for (const f of [startField(), endField()]) {
      assert.equal(await f.getAttribute('aria-invalid'), 'true', 'both fields are marked invalid');
      assert.equal(await f.evaluate((e) => e.hasAttribute('invalid')), true);
    }
    // Give a request every chance to go out, then check none did.
    await sleep(1500);
    assert.equal(session.sim().stats.count('GET', apiPath), sent, 'no request for the IP');
    assert.equal(session.sim().stats.total, total, 'no request at all');
    assert.deepEqual(await counterSets(view), shown, 'the table keeps its rows');
    assert.equal(await view.locator('.footer').innerText(), footer, 'still the same result');
    assert.equal(await view.locator('.banner.error').isVisible(), false, 'no error banner');
    assert.equal(await view.locator('.stale-note').isVisible(), false, 'the rows are not marked stale');
    const viewToast = view.locator('.toast.shown');
    assert.doesNotMatch((await viewToast.count()) ? await viewToast.innerText() : '', /failed/i, 'no failure toast in the view');
    const toasts = await notifications(page);
    assert.ok(!toasts.some((t) => /error|fail|400|endtime/i.test(t)), `no error notification: ${JSON.stringify(toasts)}`);
  });
});

/** The rows a results table shows, in the shown order (rows are recycled: order by aria-rowindex), cell texts as shown. */
async function shownRows(table: Locator): Promise<string[][]> {
  const rows = await table.locator('.vt-row:not([hidden])').evaluateAll((els) =>
    els.map((r) => ({ at: Number(r.getAttribute('aria-rowindex')), cells: Array.from(r.querySelectorAll('.vt-cell'), (c) => (c.textContent ?? '').trim()) })),
  );
  return rows.sort((a, b) => a.at - b.at).map((r) => r.cells);
}

/** Splits RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); out.push(row); row = []; field = ''; i++; }
    else if (ch === '\n') { row.push(field); out.push(row); row = []; field = ''; }
    else field += ch;
  }
  if (field || row.length) { row.push(field); out.push(row); }
  return out;
}

const UNITS: Record<string, number> = {
  B: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12,
  'bit/s': 1, 'kbit/s': 1e3, 'Mbit/s': 1e6, 'Gbit/s': 1e9, 'Tbit/s': 1e12,
};

/**
 * Whether a cell's text shows this machine-readable CSV value: the same text; a count with digit
 * grouping; a size or rate rounded to its unit (bit rates are the byte rate × 8 or the bit rate
 * itself); an ISO 8601 UTC time shown as local time; #N/A / #N/D as N/A / N/D; text that starts
 * like a formula kept from spreadsheets by a leading quote.
 */
function cellShows(cell: string, value: string): boolean {
  if (cell === value) return true;
  // Text that a spreadsheet would run as a formula (=, +, -, @ first) is written with a quote first.
  if (value === `'${cell}` && /^[=+@\t\r-]/.test(cell)) return true;
  if (value === '#N/A' || value === '#N/D') return cell === value.slice(1);
  if (/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(value)) return Math.abs(new Date(cell.replace(' ', 'T')).getTime() - new Date(value).getTime()) < 1;
  if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(value)) return false;
  const n = Number(value);
  if (/^-?[\d,]+(\.\d+)?$/.test(cell)) return Math.abs(Number(cell.replace(/,/g, '')) - n) <= 0.0005 * Math.max(1, Math.abs(n));
  const m = /^(-?[\d,.]+) (\S+)$/.exec(cell);
  if (!m || !(m[2]! in UNITS)) return false;
  const shown = Number(m[1]!.replace(/,/g, '')) * UNITS[m[2]!]!;
  const close = (x: number) => Math.abs(shown - x) <= 0.006 * Math.max(Math.abs(x), 1) + 0.5 * UNITS[m[2]!]! / 100;
  return close(n) || (m[2]!.includes('bit/s') && close(n * 8));
}

test('ips_paged filtered, a column hidden, sorted: Export CSV "Rows and columns as shown" saves exactly those rows and columns', async () => {
  const s = session();
  const { page } = s;
  await step(s, 'open-ips-paged', async () => {
    await runCommand(page, 'View: Close All Editors');
    await openProbeExplorer(page);
    await collapseTree(page);
    await expand(await revealTreeItem(page, 'Lab Allegro', { level: 1 }));
    await expand(await revealTreeItem(page, /^modules$/, { level: 2 }));
    await expand(await revealTreeItem(page, /^ip$/, { level: 3 }));
    const row = await revealTreeItem(page, /^ips_paged$/, { level: 4 });
    await contextMenu(page, row, 'Open');
    await waitForTab(page, /ips_paged/);
  });
  const view = await webviewWith(page, 'h1.title:text("ips_paged")');
  const table = view.locator('.pane.table-pane:not([hidden])').first();
  const status = table.locator('.table-status');
  let total = 0;
  await step(s, 'ips-paged-table', async () => {
    await status.filter({ hasText: /^[\d,]+ rows$/ }).waitFor({ state: 'visible', timeout: T.remote });
    total = count((await status.innerText()).replace(/ rows$/, ''));
    assert.ok(total > 5, `a page of IPs: ${total}`);
    assert.equal((await shownRows(table)).length, total, 'every row of the page is drawn (no filter yet)');
  });
  const filter = 'srv0';
  let expected: string[][] = [];
  let headers: string[] = [];
  await step(s, 'filter-hide-sort', async () => {
    await table.locator('vscode-textfield.filter input').fill(filter);
    await status.filter({ hasText: / shown$/ }).waitFor({ state: 'visible' });
    const shown = count(/· ([\d,]+) shown$/.exec(await status.innerText())?.[1]);
    assert.ok(shown > 1 && shown < total, `the filter keeps some rows: ${shown} of ${total}`);
    // Hide a column in the middle.
    await table.locator('vscode-button.columns-btn').click();
    const chooser = view.locator('.column-chooser');
    await chooser.locator('vscode-checkbox.chooser-item[label="mac"]').click();
    await table.locator('.vt-hlabel', { hasText: /^mac$/ }).waitFor({ state: 'detached' });
    await chooser.locator('vscode-button.chooser-close').click();
    // Sort by tx bytes (largest first): the shown order is not the device's.
    await table.locator('.vt-hcell', { has: view.locator('.vt-hlabel', { hasText: /^tx bytes$/ }) }).click();
    await table.locator('.vt-hcell.sorted[aria-sort="descending"]', { hasText: 'tx bytes' }).waitFor({ state: 'visible' });
    headers = await table.locator('.vt-hlabel').allInnerTexts();
    assert.ok(!headers.includes('mac') && headers.includes('ip') && headers.includes('tx bytes'), JSON.stringify(headers));
    expected = await shownRows(table);
    assert.equal(expected.length, shown, 'every shown row is drawn');
    for (const r of expected) {
      assert.equal(r.length, headers.length);
      assert.ok(r.join('\u0001').toLowerCase().includes(filter), `a shown row matches the filter: ${JSON.stringify(r)}`);
    }
  });
  const exportsDir = path.join(s.workspace, 'exports');
  const csvFile = await step(s, 'export-csv-as-shown', async () => {
    const existing = new Set(fs.existsSync(exportsDir) ? fs.readdirSync(exportsDir) : []);
    await view.locator('.actions vscode-button', { hasText: 'CSV' }).first().click();
    const widget = await waitForQuickInput(page, /^Export ips_paged.* as CSV$/);
    const labels = await widget.locator('.quick-input-list .label-name').allInnerTexts();
    assert.ok(labels.some((l) => /device.s own CSV/.test(l)), `the device's own CSV is the other choice: ${JSON.stringify(labels)}`);
    await s.shot('export-choice');
    await pickQuickItem(page, new RegExp(`^Rows and columns as shown \\(${expected.length} rows × ${headers.length} columns\\)$`));
    const toast = view.locator('.toast.shown', { hasText: /^Exported to / });
    await toast.waitFor({ state: 'visible', timeout: T.remote });
    const rel = (await toast.innerText()).replace(/^Exported to /, '').trim();
    assert.match(rel, /^exports\/.+\.csv$/);
    assert.ok(!existing.has(path.basename(rel)), 'a new file');
    await waitForTab(page, path.basename(rel));
    return path.join(s.workspace, rel);
  });
  await step(s, 'csv-is-what-was-shown', async () => {
    const [head, ...rows] = parseCsv(fs.readFileSync(csvFile, 'utf8'));
    assert.deepEqual(head, headers, 'the visible columns in view order, with their labels');
    assert.equal(rows.length, expected.length, 'exactly the rows shown');
    rows.forEach((row, i) => {
      assert.equal(row.length, headers.length, `row ${i}`);
      row.forEach((value, c) => assert.ok(cellShows(expected[i]![c]!, value), `row ${i} (${expected[i]![0]}), ${headers[c]}: the table shows ${JSON.stringify(expected[i]![c])}, the CSV has ${JSON.stringify(value)}`));
    });
    // Machine-readable: raw byte counts, ISO 8601 UTC times.
    const tx = headers.indexOf('tx bytes');
    assert.ok(rows.every((r) => /^\d+$/.test(r[tx]!)), 'tx bytes as raw numbers');
    const txs = rows.map((r) => Number(r[tx]));
    assert.deepEqual(txs, [...txs].sort((a, b) => b - a), 'in the shown order (tx bytes, largest first)');
    const seen = headers.indexOf('lastSeen');
    assert.ok(rows.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3,9})?Z$/.test(r[seen]!)), 'times in ISO 8601 UTC');
  });
});
