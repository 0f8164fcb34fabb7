// The real results webview bundle (dist/webview/results.js) in headless Chromium, fed the
// messages a panel sends. Proves device strings never execute, the strict CSP holds, rows arrive
// in chunks with the first screen painted early, and the table/query bar/export talk to the host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, chunks, cleanup, ensureBundle, launch, meta, openHarness, post, sent, sentOf } from '../../bench/results/harness';
import { allegroIpsPaged, appResponseSeries, benchTable } from '../../bench/results/sample';
import { shapeAllegro } from '../../src/results/allegro';
import { shapeReport } from '../../src/results/appresponse';
import type { ShapedResult } from '../../src/results/model';
import type { ResultsHostMessage, ResultsMeta } from '../../src/shared/protocol';

let browser: Browser;
const dirs: string[] = [];
const SHOTS = path.join(ROOT, 'test-output', 'results');

before(async () => {
  ensureBundle();
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  for (const d of dirs) cleanup(d);
});

async function open(csp = false): Promise<Page> {
  const { page, dir } = await openHarness(browser, { csp });
  dirs.push(dir);
  return page;
}

function resultMessages(seq: number, shaped: ShapedResult, partial: Partial<ResultsMeta> = {}): ResultsHostMessage[] {
  return [
    { type: 'result', meta: meta({ seq, tables: shaped.tables.map((t) => ({ id: t.id, title: t.title, columns: t.columns, rowCount: t.rows.length })), charts: shaped.charts, ...partial }) },
    ...shaped.tables.flatMap((t) => chunks(seq, t.id, t.rows)),
  ];
}

const PAYLOADS = [
  `<img src=x onerror="window.__xss='img'">`,
  `<script>window.__xss='script'</script>`,
  `"><svg onload="window.__xss='svg'"></svg>`,
  `<iframe srcdoc="<script>parent.__xss='iframe'</script>"></iframe>`,
];

test('device strings with <img onerror>, <script>, <svg onload> never execute and appear literally', async () => {
  const page = await open(false); // no CSP here: the DOM code alone must keep the strings inert
  const evil = PAYLOADS.join(' ');
  const raw = allegroIpsPaged(5, 3, { ip: '10.66.66.66', hostName: PAYLOADS[0], countryName: PAYLOADS[1], name: PAYLOADS[2] });
  const shaped = shapeAllegro(raw, { page: 0 });
  shaped.tables[0].columns[1] = { ...shaped.tables[0].columns[1], label: PAYLOADS[3], description: PAYLOADS[0] };
  shaped.charts[0].title = PAYLOADS[1];
  shaped.charts[0].series[0].label = PAYLOADS[0];
  await post(page, ...resultMessages(1, shaped, {
    title: PAYLOADS[0],
    subtitle: `${PAYLOADS[1]} · /API/stats/modules/ip/ips_paged`,
    notes: [PAYLOADS[2]],
    rawJson: JSON.stringify(raw, null, 2),
    queryBar: { mmId: PAYLOADS[0], sort: 'bytes' },
    paging: { page: 0, numberOfPages: 2 },
    canRefresh: true,
  }));
  await page.waitForSelector('.vt-row');
  for (const tab of ['charts', 'raw', 'properties', 'items']) {
    const t = page.locator(`.tab[data-tab="${tab}"]`);
    if (await t.count()) await t.click();
  }
  await page.locator('.vt-row').first().click({ button: 'right' }); // context menu labels
  await post(page, { type: 'busy', message: PAYLOADS[2] });
  await post(page, { type: 'failed', message: evil });
  await page.waitForTimeout(300);
  const probe = await page.evaluate(() => ({
    xss: (window as unknown as { __xss?: string }).__xss,
    elements: document.querySelectorAll('#app img, #app script, #app iframe, #app svg, .vt-menu img').length,
    text: document.body.innerText + document.title,
    rawText: document.querySelector('.raw-json')?.textContent ?? '',
  }));
  assert.equal(probe.xss, undefined, 'no injected script ran');
  assert.equal(probe.elements, 0, 'no element was created from device strings');
  assert.ok(probe.text.includes(PAYLOADS[0]), 'the title shows the string literally');
  assert.ok(probe.text.includes(evil), 'the error shows the strings literally');
  assert.ok(probe.rawText.includes('<img src=x onerror=\\"window.__xss=\'img\'\\">'), 'raw JSON shows the string literally');
  const cells = await page.locator('.pane[data-tab="items"] .vt-row .vt-cell').allTextContents();
  assert.ok(cells.includes(PAYLOADS[0]), 'a cell shows the hostName literally');
  const headers = await page.locator('.pane[data-tab="items"] .vt-hcell').allTextContents();
  assert.ok(headers.includes(PAYLOADS[3]), 'a column label shows literally');
  // Control: the same string as markup does run in this page, so the check above can fail.
  await page.evaluate((html) => {
    const probe = document.createElement('div');
    probe.innerHTML = html;
    document.body.append(probe);
  }, PAYLOADS[0]);
  await page.waitForFunction(() => (window as unknown as { __xss?: string }).__xss === 'img');
  await page.close();
});

test('the bundle runs under the panel’s strict CSP without a violation', async () => {
  const page = await open(true);
  await page.evaluate(() => {
    (window as unknown as { __violations: string[] }).__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const rep = appResponseSeries();
  await post(page, ...resultMessages(1, shapeReport(rep.dataDefs, rep.catalogue), { title: 'Throughput', canRefresh: true }));
  await page.click('.tab[data-tab="charts"]');
  await page.waitForSelector('.u-legend');
  await page.click('.tab[data-tab="dd-1"]');
  await page.waitForSelector('.vt-row');
  const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  assert.deepEqual(violations, []);
  // codicons come from the bundled font: the icon in a tab has a glyph width
  const iconWidth = await page.evaluate(() => (document.querySelector('.tab .codicon') as HTMLElement).getBoundingClientRect().width);
  assert.ok(iconWidth > 8);
  await page.screenshot({ path: path.join(SHOTS, 'report-table.png') });
  await page.close();
});

test('rows arrive in chunks: the first screen is painted before the rest, and only visible rows are in the DOM', async () => {
  const page = await open();
  const { columns, rows } = benchTable(20_000);
  const all = chunks(1, 't', rows);
  await post(page, { type: 'result', meta: meta({ seq: 1, tables: [{ id: 't', title: 'Rows', columns, rowCount: rows.length }] }) }, all[0]);
  await page.waitForSelector('.vt-row');
  assert.match(await page.locator('.table-status').innerText(), /^200 of 20,000 rows/);
  const firstCell = await page.locator('.vt-row').first().locator('.vt-cell').first().innerText();
  assert.equal(firstCell, '10.0.0.0');
  await post(page, ...all.slice(1));
  await page.waitForFunction(() => document.querySelector('.table-status')?.textContent?.startsWith('20,000 rows'));
  const domRows = await page.locator('.vt-row').count();
  assert.ok(domRows < 80, `virtualized: ${domRows} row elements for 20,000 rows`);
  // rows of an older result are ignored
  await post(page, { type: 'rows', seq: 0, tableId: 't', offset: 0, rows: [['stale']], last: true });
  await page.waitForTimeout(50);
  assert.match(await page.locator('.table-status').innerText(), /^20,000 rows/);
  await page.close();
});

test('scrolling recycles row elements: each row shows its own data, #N/A/#N/D styling and selection follow the data, not the element', async () => {
  const page = await open();
  const { columns, rows } = benchTable(5_000);
  for (let i = 0; i < rows.length; i++) {
    if (i % 50 === 3) rows[i][2] = '#N/A';
    if (i % 50 === 4) rows[i][2] = '#N/D';
  }
  await post(page, { type: 'result', meta: meta({ seq: 1, tables: [{ id: 't', title: 'Rows', columns, rowCount: rows.length }] }) }, ...chunks(1, 't', rows));
  await page.waitForFunction(() => document.querySelector('.table-status')?.textContent?.startsWith('5,000 rows'));
  const { formatCell } = await import('../../src/results/format');
  interface Shown { pos: number; texts: string[]; cls: string; title: string; selected: boolean; ariaSelected: string | null; mark: number | undefined; odd: boolean; background: string; hovered: boolean }
  /** Scrolls (when asked), waits for the frame, and reads every shown row. */
  const shown = (scrollTop?: number): Promise<Shown[]> =>
    page.evaluate(async (top) => {
      const scroller = document.querySelector('.vt-scroller') as HTMLElement;
      if (top !== undefined) scroller.scrollTop = top;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return [...document.querySelectorAll<HTMLElement>('.vt-row:not([hidden])')].map((row) => {
        const cells = [...row.querySelectorAll<HTMLElement>('.vt-cell')];
        return {
          pos: Number(row.getAttribute('aria-rowindex')) - 2,
          texts: cells.map((c) => c.textContent ?? ''),
          cls: cells[2].className,
          title: cells[2].title,
          selected: row.classList.contains('selected'),
          ariaSelected: row.getAttribute('aria-selected'),
          mark: (row as unknown as { __mark?: number }).__mark,
          odd: row.classList.contains('odd'),
          background: getComputedStyle(row).backgroundColor,
          hovered: row.matches(':hover'),
        };
      });
    }, scrollTop);
  const check = (list: Shown[], selectedPos: number, where: string): void => {
    assert.ok(list.length > 10, `${where}: rows are shown`);
    assert.equal(new Set(list.map((r) => r.pos)).size, list.length, `${where}: no position is shown twice`);
    for (const r of list) {
      const data = rows[r.pos];
      assert.deepEqual(r.texts.slice(0, 2), [data[0], data[1]], `${where}: row ${r.pos} shows its own data`);
      const v = data[2];
      if (v === '#N/A' || v === '#N/D') {
        assert.equal(r.texts[2], v.slice(1), `${where}: row ${r.pos} special text`);
        assert.equal(r.cls, `vt-cell special ${v === '#N/A' ? 'na' : 'nd'}`, `${where}: row ${r.pos} special style`);
        assert.match(r.title, v === '#N/A' ? /^#N\/A/ : /^#N\/D/);
      } else {
        assert.equal(r.texts[2], formatCell(v, 'integer'), `${where}: row ${r.pos} number`);
        assert.equal(r.cls, 'vt-cell num', `${where}: row ${r.pos} plain style after reuse`);
        assert.equal(r.title, '', `${where}: row ${r.pos} no tooltip after reuse`);
      }
      assert.equal(r.selected, r.pos === selectedPos, `${where}: row ${r.pos} selection`);
      assert.equal(r.ariaSelected, r.pos === selectedPos ? 'true' : null, `${where}: row ${r.pos} aria-selected`);
      // stripes follow the position, not the recycled element (the theme's odd-row colour in the harness)
      assert.equal(r.odd, r.pos % 2 === 1, `${where}: row ${r.pos} is ${r.pos % 2 ? 'odd' : 'even'}`);
      if (!r.selected && !r.hovered) assert.equal(r.background, r.pos % 2 ? 'rgba(204, 204, 204, 0.04)' : 'rgba(0, 0, 0, 0)', `${where}: row ${r.pos} stripe`);
    }
  };
  check(await shown(), -1, 'top');
  // select the row at position 3 (#N/A in rx packets)
  await page.locator('.vt-row[aria-rowindex="5"] .vt-cell').first().click();
  check(await shown(), 3, 'selected');
  // jumps through the table: every element is reused for other rows
  for (const top of [22 * 1_000, 22 * 2_503, 22 * 4_020, 22 * 1_001]) check(await shown(top), 3, `jump to ${top / 22}`);
  // a small scroll keeps the elements of the rows that stay on screen
  const before = await page.evaluate(() => {
    for (const row of document.querySelectorAll<HTMLElement>('.vt-row:not([hidden])')) (row as unknown as { __mark?: number }).__mark = Number(row.getAttribute('aria-rowindex')) - 2;
    return document.querySelectorAll('.vt-row:not([hidden])').length;
  });
  const after = await shown(22 * 1_004);
  check(after, 3, 'three rows down');
  // elements whose row is still in range show that same row; the others were reused for new rows
  const inRange = new Set(after.map((r) => r.pos));
  const kept = after.filter((r) => r.mark !== undefined && inRange.has(r.mark));
  assert.ok(kept.length >= before - 4, `rows still in range keep their element (${kept.length} of ${before})`);
  for (const r of kept) assert.equal(r.mark, r.pos, 'a kept element still shows the same row');
  // overscan: a jump renders the visible rows only; the rows beyond each edge follow once the scroll stops
  // Rows rendered by the jump's own scroll event (counted by a listener that runs after the
  // table's): on a loaded machine two frames can outlast the scroll's end, when overscan is right.
  const jumpRows = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const scroller = document.querySelector('.vt-scroller') as HTMLElement;
        scroller.addEventListener('scroll', () => resolve(document.querySelectorAll('.vt-row:not([hidden])').length), { once: true });
        scroller.scrollTop = 22 * 3_000;
      }),
  );
  const jump = await shown();
  check(jump, 3, 'jump without overscan');
  const visible = await page.evaluate(() => Math.ceil((document.querySelector('.vt-scroller') as HTMLElement).clientHeight / 22));
  assert.ok(jumpRows <= visible + 1, `a jump renders only the visible rows (${jumpRows} rows, ${visible} fit)`);
  await page.waitForTimeout(400);
  const rested = await shown();
  check(rested, 3, 'after the scroll stopped');
  assert.equal(rested.length, jump.length + 8, 'four rows beyond each edge once the scroll stopped');
  assert.deepEqual([Math.min(...rested.map((r) => r.pos)), Math.max(...rested.map((r) => r.pos))], [Math.min(...jump.map((r) => r.pos)) - 4, Math.max(...jump.map((r) => r.pos)) + 4]);
  // back to the top: the selected row is marked again, on whatever element now shows it
  check(await shown(0), 3, 'back at the top');
  await page.close();
});

test('only cells whose text may not fit are clipped (with an ellipsis and the whole text as tooltip); no other cell’s text runs over, after a resize or a font change too', async () => {
  const page = await open();
  const columns = [
    { id: 'host', label: 'host', kind: 'string' as const },
    { id: 'n', label: 'packets', kind: 'integer' as const },
  ];
  const rows = Array.from({ length: 300 }, (_, i) => [i % 10 === 0 ? `${'long-name-'.repeat(60)}${i}` : i % 10 === 1 ? `東京データセンター-${i}` : i % 10 === 2 ? `probe 🚀 ${i}` : `host-${i}.example`, i * 1_000]);
  await post(page, { type: 'result', meta: meta({ seq: 1, tables: [{ id: 't', title: 'Rows', columns, rowCount: rows.length }] }) }, ...chunks(1, 't', rows));
  await page.waitForFunction(() => document.querySelector('.table-status')?.textContent?.startsWith('300 rows'));
  interface Cell { text: string; clipped: boolean; title: string; width: number; room: number; ellipsis: boolean }
  /** Every shown cell: its text's laid-out width (a Range over its text node) and the room inside its padding. */
  const cells = (): Promise<Cell[]> =>
    page.evaluate(async () => {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return [...document.querySelectorAll<HTMLElement>('.vt-row:not([hidden]) .vt-cell')].map((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const style = getComputedStyle(cell);
        return {
          text: cell.textContent ?? '',
          clipped: cell.classList.contains('clip'),
          title: cell.title,
          width: range.getBoundingClientRect().width,
          room: cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
          ellipsis: style.overflowX === 'hidden' && style.textOverflow === 'ellipsis',
        };
      });
    });
  const check = (list: Cell[], where: string): Cell[] => {
    assert.ok(list.length > 20, `${where}: cells are shown`);
    for (const c of list) {
      if (c.clipped) {
        assert.ok(c.ellipsis, `${where}: a clipped cell is cut with an ellipsis (${c.text.slice(0, 30)})`);
        assert.equal(c.title, c.text, `${where}: a clipped cell's tooltip is its whole text`);
      } else {
        assert.ok(c.width <= c.room + 0.5, `${where}: "${c.text.slice(0, 40)}" is not clipped, so it must fit: ${c.width} px in ${c.room} px`);
        assert.equal(c.title, '', `${where}: no tooltip on a cell shown whole`);
      }
    }
    return list;
  };
  const first = check(await cells(), 'fitted columns');
  const byText = (list: Cell[], re: RegExp): Cell[] => list.filter((c) => re.test(c.text));
  assert.ok(byText(first, /^long-name-/).every((c) => c.clipped), 'a text wider than the widest fitted column is clipped');
  assert.ok(byText(first, /東京|🚀/).every((c) => c.clipped), 'texts in scripts and emoji that are not estimated are clipped');
  const plain = byText(first, /^(host-\d+\.example|[\d,]+)$/);
  assert.ok(plain.length > 20 && plain.every((c) => !c.clipped), 'host names and numbers that fit their columns are not clipped (no clip per cell)');
  // narrow the host column by dragging its header's edge: the host names no longer fit
  const grip = page.locator('.vt-hcell').first().locator('.vt-resize');
  const box = (await grip.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 320, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  const narrow = check(await cells(), 'after narrowing the host column');
  assert.ok(byText(narrow, /^host-/).every((c) => c.clipped), 'host names cut by the narrower column are clipped now');
  assert.ok(byText(narrow, /^[\d,]+$/).every((c) => !c.clipped), 'the other column is unchanged');
  // a larger theme font (VS Code sets its variables on <html>): numbers that fitted may not any more
  await page.evaluate(() => document.documentElement.style.setProperty('--vscode-font-size', '30px'));
  const large = check(await cells(), 'after a font change');
  assert.ok(byText(large, /^[\d,]+$/).some((c) => c.clipped), 'numbers too wide for their column in the larger font are clipped');
  // font-size-adjust (not part of a canvas font string; the canvas takes it from the document)
  await page.evaluate(() => {
    document.documentElement.style.removeProperty('--vscode-font-size');
    document.documentElement.style.setProperty('font-size-adjust', '1.6');
  });
  const adjusted = check(await cells(), 'with font-size-adjust');
  assert.ok(byText(adjusted, /^[\d,]+$/).some((c) => c.clipped), 'numbers that no longer fit are clipped');
  await page.evaluate(() => document.documentElement.style.removeProperty('font-size-adjust'));
  // a result that arrives while the webview is hidden (VS Code hides a panel in the background):
  // once shown (the webview gets a resize), its cells that fit are not clipped
  await page.evaluate(() => {
    document.documentElement.style.removeProperty('--vscode-font-size');
    (document.getElementById('app') as HTMLElement).style.display = 'none';
  });
  const small = rows.map((r, i) => [`host-${i}.example`, r[1]]);
  await post(page, { type: 'result', meta: meta({ seq: 2, tables: [{ id: 'a', title: 'Hosts', columns, rowCount: 100 }] }) }, ...chunks(2, 'a', small.slice(0, 100)));
  await page.waitForFunction(() => document.querySelector('.table-status')?.textContent?.startsWith('100 rows'));
  await page.evaluate(() => {
    (document.getElementById('app') as HTMLElement).style.display = '';
    window.dispatchEvent(new Event('resize'));
  });
  const shownAgain = check(await cells(), 'a table first filled while hidden, shown');
  assert.ok(shownAgain.some((c) => c.text === 'host-3.example'), 'the new table is shown');
  assert.ok(shownAgain.every((c) => !c.clipped), 'once shown, its cells that fit are not clipped');
  await page.close();
});

test('a refresh keeps the selection on the same rows (by their first column), wherever they moved; a sort or filter change clears it', async () => {
  const page = await open();
  const columns = [
    { id: 'ip', label: 'ip', kind: 'ipaddr' as const },
    { id: 'n', label: 'packets', kind: 'integer' as const },
  ];
  const ips = Array.from({ length: 60 }, (_, i) => (i === 10 || i === 20 ? '10.9.9.9' : `10.0.0.${i}`));
  const result = (seq: number, order: number[], add: number): ResultsHostMessage[] => [
    { type: 'result', meta: meta({ seq, canRefresh: true, tables: [{ id: 't', title: 'IPs', columns, rowCount: order.length }] }) },
    ...chunks(seq, 't', order.map((i) => [ips[i], i * 100 + add]), 25, 25),
  ];
  const selectedRows = (): Promise<string[]> =>
    page.evaluate(async () => {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return [...document.querySelectorAll<HTMLElement>('.vt-row.selected')].map((r) => `${r.querySelector('.vt-cell')?.textContent} ${r.querySelectorAll('.vt-cell')[1]?.textContent}`).sort();
    });
  const order = ips.map((_, i) => i);
  await post(page, ...result(1, order, 0));
  await page.waitForFunction(() => document.querySelector('.table-status')?.textContent?.startsWith('60 rows'));
  // select 10.0.0.5 and the second of the two rows with 10.9.9.9 (row 20)
  await page.locator('.vt-row[aria-rowindex="7"] .vt-cell').first().click();
  await page.locator('.vt-row[aria-rowindex="22"] .vt-cell').first().click({ modifiers: ['Control'] });
  assert.deepEqual(await selectedRows(), ['10.0.0.5 500', '10.9.9.9 2,000']);
  // a refresh: new values, reversed order, arriving in chunks
  await post(page, ...result(2, [...order].reverse(), 7));
  await page.waitForFunction(() => document.querySelector('.table-status')?.textContent?.startsWith('60 rows · 2 selected'));
  await page.evaluate(() => ((document.querySelector('.vt-scroller') as HTMLElement).scrollTop = 0));
  await page.evaluate(() => ((document.querySelector('.vt-scroller') as HTMLElement).scrollTop = 22 * 30));
  const shown = await page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return [...document.querySelectorAll<HTMLElement>('.vt-row.selected')].map((r) => r.querySelector('.vt-cell')?.textContent);
  });
  assert.ok(shown.includes('10.0.0.5'), `the refreshed 10.0.0.5 row is selected (${shown.join(', ')})`);
  const copied = await page.evaluate(async () => {
    const scroller = document.querySelector('.vt-scroller') as HTMLElement;
    scroller.focus();
    scroller.dispatchEvent(new KeyboardEvent('keydown', { key: 'c', ctrlKey: true, bubbles: true }));
    await new Promise((r) => setTimeout(r, 50));
    const sentMessages = (window as unknown as { __sent: { type: string; text?: string }[] }).__sent;
    return sentMessages.filter((m) => m.type === 'copy').pop()?.text ?? '';
  });
  // reversed, the second 10.9.9.9 to arrive is the old row 10 (1,007): the other one is not selected
  assert.deepEqual(copied.split('\n').sort(), ['10.0.0.5\t507', '10.9.9.9\t1,007'], 'the same rows, with their new values');
  // a sort clears it, as before
  await page.locator('.vt-hcell').nth(1).click();
  await page.waitForFunction(() => document.querySelector('.table-status')?.textContent === '60 rows');
  await page.close();
});

test('sorting, filtering, hiding a column and copying rows work on the typed values', async () => {
  const page = await open();
  const shaped = shapeAllegro(allegroIpsPaged(30), { page: 0 });
  await post(page, ...resultMessages(1, shaped));
  await page.waitForSelector('.vt-row');
  const table = shaped.tables[0];
  const rxIdx = table.columns.findIndex((c) => c.id === 'interval.1');
  const maxRx = Math.max(...table.rows.map((r) => r[rxIdx] as number));
  await page.locator('.vt-hcell', { hasText: /^rx bytes$/ }).click(); // numeric: descending first
  const headerCells = await page.locator('.pane[data-tab="items"] .vt-hcell').allTextContents();
  const rxCol = headerCells.indexOf('rx bytes');
  const top = await page.locator('.pane[data-tab="items"] .vt-row[aria-rowindex="2"]').locator('.vt-cell').nth(rxCol).textContent();
  const { formatBytes } = await import('../../src/results/format');
  assert.equal(top, formatBytes(maxRx));

  await page.locator('.filter input, .filter').first().focus();
  await page.keyboard.type('host-3.lab');
  await page.waitForFunction(() => /1 shown/.test(document.querySelector('.table-status')?.textContent ?? ''));

  await page.click('.columns-btn');
  await page.locator('.column-chooser vscode-checkbox', { hasText: 'mac' }).click();
  const headersAfter = await page.locator('.pane[data-tab="items"] .vt-hcell').allTextContents();
  assert.ok(!headersAfter.includes('mac'), 'the mac column is hidden');
  const state = await page.evaluate(() => (window as unknown as { __state: { hiddenColumns: Record<string, string[]> } }).__state);
  assert.ok(state.hiddenColumns.items.includes('mac'), 'the choice is kept in the webview state');

  await page.mouse.click(5, 5); // close the chooser
  await page.locator('.pane[data-tab="items"] .vt-row:not([hidden])').first().click(); // the only row left by the filter
  await page.keyboard.press('Control+C');
  const copy = (await sentOf(page, 'copy'))[0];
  assert.ok(copy, 'a copy request was sent to the host');
  assert.match(copy.text, /^10\.21\.39\.94\thost-3\.lab\.example\t/);
  assert.equal(typeof copy.requestId, 'number');
  // the same row as CSV for a spreadsheet: labels as headers, raw numbers, as the CSV export writes them
  await page.locator('.pane[data-tab="items"] .vt-row:not([hidden])').first().click({ button: 'right' });
  await page.locator('.vt-menu-item', { hasText: /^Copy Row as CSV \(Raw Values\)$/ }).click();
  const csv = (await sentOf(page, 'copy'))[1];
  assert.ok(csv, 'a second copy request was sent');
  const { tableToCsv } = await import('../../src/results/csv');
  const shownIds = await page.evaluate(() => [...document.querySelectorAll('.pane[data-tab="items"] .vt-hcell')].map((h) => h.getAttribute('data-col')));
  const row = table.rows.find((r) => r.includes('10.21.39.94'))!;
  const visibleCols = shownIds.map((i) => table.columns[Number(i)]);
  assert.equal(csv.text, tableToCsv({ id: 't', title: '', columns: visibleCols, rows: [shownIds.map((i) => row[Number(i)])] }));
  assert.match(csv.text.split('\r\n')[1], new RegExp(`,${row[rxIdx]}(,|$)`), 'rx bytes as a raw number');
  await page.close();
});

test('the query bar re-queries: next page, sort, time preset; replies are matched by request id', async () => {
  const page = await open();
  const shaped = shapeAllegro(allegroIpsPaged(10), { page: 0 });
  await post(page, ...resultMessages(1, shaped, { queryBar: { sort: 'bytes', reverse: true, page: 0, count: 10 }, paging: { page: 0, numberOfPages: 5, numberOfItems: 50 }, canRefresh: true }));
  await page.waitForSelector('.querybar');
  assert.match(await page.locator('.qb-page').innerText(), /page 1 of 5 · 50 items/);
  await page.click('vscode-button[title="Next page"]');
  let queries = await sentOf(page, 'query');
  assert.deepEqual(queries.at(-1)!.bar, { sort: 'bytes', reverse: true, page: 1, count: 10 });
  await post(page, { type: 'reply', requestId: queries.at(-1)!.requestId, ok: false, message: 'device said no' });
  await page.waitForFunction(() => document.querySelector('.toast')?.textContent?.includes('device said no'));
  await page.evaluate(() => {
    const s = document.querySelector('.querybar vscode-single-select[title^="Time"]') as HTMLElement & { value: string };
    s.value = 'last15m';
    s.dispatchEvent(new Event('change'));
  });
  queries = await sentOf(page, 'query');
  assert.equal(queries.at(-1)!.bar.timePreset, 'last15m');
  await page.click('vscode-button[title="Run the query again"]');
  assert.ok((await sent(page)).some((m) => m.type === 'refresh'));
  await page.close();
});

/** What the query bar shows: its labels, and whether it has paging buttons. */
function queryBarLabels(page: Page): Promise<{ labels: string[]; paging: boolean; allPages: boolean }> {
  return page.evaluate(() => ({
    labels: [...document.querySelectorAll('.querybar .qb-label')].map((l) => l.textContent ?? ''),
    paging: document.querySelector('.querybar vscode-button[title="Next page"]') !== null,
    allPages: [...document.querySelectorAll('.querybar vscode-checkbox')].some((c) => c.getAttribute('label') === 'all pages'),
  }));
}

test('a list the device does not page (ips, a plain array) gets no sort, count or paging controls', async () => {
  const page = await open();
  const shaped = shapeAllegro(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  await post(page, ...resultMessages(1, shaped, { queryBar: { sort: 'bytes', reverse: true, page: 0, count: 100 }, queryBarParts: { paging: false, time: true, history: false }, canRefresh: true }));
  await page.waitForSelector('.querybar');
  const bar = await queryBarLabels(page);
  assert.deepEqual(bar.labels, ['Time', 'mm-id', 'Group']);
  assert.equal(bar.paging, false, 'no previous/next page');
  assert.equal(bar.allPages, false, 'no "all pages"');
  assert.equal(await page.locator('.qb-page').count(), 0, 'no "page 1" label');
  await page.close();
});

test('a single object with counters (an IP) gets the time interval, timespan and values; a preset re-queries', async () => {
  const page = await open();
  const now = Math.floor(Date.now() / 1000);
  const ip = { ip: '10.0.54.10', interval: [1, 100, 2, 200], allTime: [9, 900, 8, 800], lastSecond: [1, 100, 2, 200], intervalPerSecond: [1, 100, 2, 200], history: { rows: ['rxPackets', 'rxBytes', 'txPackets', 'txBytes'], timespan: 1, data: [[(now - 1) * 1000, 1, 100, 2, 200], [now * 1000, 1, 100, 2, 200]] } };
  await post(page, ...resultMessages(1, shapeAllegro(ip), { queryBar: { timePreset: 'live' }, queryBarParts: { paging: false, time: true, history: true }, canRefresh: true }));
  await page.waitForSelector('.querybar');
  const bar = await queryBarLabels(page);
  assert.deepEqual(bar.labels, ['Time', 'Timespan', 'Values', 'mm-id', 'Group']);
  assert.equal(bar.paging, false);
  await page.evaluate(() => {
    const s = document.querySelector('.querybar vscode-single-select[title^="Time"]') as HTMLElement & { value: string };
    s.value = 'last24h';
    s.dispatchEvent(new Event('change'));
  });
  const [q] = await sentOf(page, 'query');
  assert.deepEqual(q.bar, { timePreset: 'last24h' });
  await page.close();
});

/** Types a time into a datetime-local field of the query bar (local time, as a person would) and leaves it. */
async function setTimeField(page: Page, label: 'starttime' | 'endtime', epochSeconds: number): Promise<void> {
  await page.evaluate(([name, epoch]) => {
    const f = document.querySelector(`.querybar vscode-textfield[aria-label="${name}"]`) as HTMLElement & { value: string };
    const d = new Date(Number(epoch) * 1000);
    f.value = new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    f.dispatchEvent(new Event('change'));
  }, [label, epochSeconds] as const);
}

test('a custom interval that ends before it starts is marked invalid with a message and not sent; fixing it sends it', async () => {
  const page = await open();
  const start = Math.floor(new Date(2026, 10, 22, 8, 57).getTime() / 1000);
  const shaped = shapeAllegro(allegroIpsPaged(5), { page: 0 });
  await post(page, ...resultMessages(1, shaped, { queryBar: { timePreset: 'custom', starttime: start, endtime: start + 3600 }, paging: { page: 0, numberOfPages: 1 }, canRefresh: true }));
  await page.waitForSelector('.querybar');
  const marks = () => page.evaluate(() => ({
    start: document.querySelector('.querybar vscode-textfield[aria-label="starttime"]')!.hasAttribute('invalid'),
    end: document.querySelector('.querybar vscode-textfield[aria-label="endtime"]')!.hasAttribute('invalid'),
    problem: (document.querySelector('.qb-problem') as HTMLElement).hidden ? '' : document.querySelector('.qb-problem')!.textContent,
  }));
  assert.deepEqual(await marks(), { start: false, end: false, problem: '' });
  await setTimeField(page, 'endtime', start - 7020); // 07:00, the start is 08:57
  const bad = await marks();
  assert.equal(bad.start && bad.end, true, 'both fields are marked invalid');
  assert.match(bad.problem ?? '', /^The end \(2026-11-22 07:00:00\) is before the start \(2026-11-22 08:57:00\)\. Not sent\.$/);
  assert.equal((await sentOf(page, 'query')).length, 0, 'nothing was sent to the device');
  await setTimeField(page, 'endtime', start + 1800);
  assert.deepEqual(await marks(), { start: false, end: false, problem: '' });
  const queries = await sentOf(page, 'query');
  assert.equal(queries.length, 1);
  assert.deepEqual(queries[0].bar, { timePreset: 'custom', starttime: start, endtime: start + 1800 });
  await page.close();
});

test('when a re-query fails, the rows still shown are marked as those of the previous query, with the time they were fetched', async () => {
  const page = await open();
  const fetchedAt = Date.now() - 5 * 60_000;
  const shaped = shapeAllegro(allegroIpsPaged(5), { page: 0 });
  await post(page, ...resultMessages(1, shaped, { fetchedAt, queryBar: { sort: 'bytes' }, paging: { page: 0, numberOfPages: 1 }, canRefresh: true }));
  await page.waitForSelector('.vt-row');
  assert.equal(await page.locator('.stale-note').isVisible(), false);
  await post(page, { type: 'busy', message: 'GET /API/stats/modules/ip/ips_paged…' }, { type: 'failed', message: 'HTTP 503: busy' });
  await page.waitForSelector('.stale-note', { state: 'visible' });
  const { formatTimestamp } = await import('../../src/results/format');
  const fetched = formatTimestamp(Math.floor(fetchedAt / 1000));
  assert.equal(await page.locator('.stale-note').innerText(), `Previous result, fetched ${fetched}: the last query failed, so these rows are not its answer.`);
  assert.match(await page.locator('.footer').innerText(), new RegExp(`^Previous result · fetched ${fetched}`));
  assert.ok(await page.evaluate(() => document.getElementById('app')!.classList.contains('stale')), 'the table is drawn as stale');
  assert.ok((await page.locator('.pane[data-tab="items"] .vt-row:not([hidden])').count()) > 0, 'the rows stay');
  assert.match(await page.locator('.banner.error').innerText(), /HTTP 503: busy/);
  await post(page, ...resultMessages(2, shaped, { queryBar: { sort: 'bytes' }, canRefresh: true }));
  await page.waitForSelector('.stale-note', { state: 'hidden' });
  assert.match(await page.locator('.footer').innerText(), /^Fetched /);
  assert.equal(await page.evaluate(() => document.getElementById('app')!.classList.contains('stale')), false);
  await page.close();
});

test('a chart exports as a PNG data URL; the table exports its visible columns', async () => {
  const page = await open();
  const shaped = shapeAllegro(allegroIpsPaged(12), { page: 0 });
  await post(page, ...resultMessages(1, shaped));
  await page.waitForSelector('.vt-row');
  await page.click('vscode-button[title^="Export the rows and columns shown as CSV"]');
  const [exp] = await sentOf(page, 'export');
  assert.equal(exp.format, 'csv');
  assert.equal(exp.tableId, 'items');
  assert.ok(exp.view?.columnIds.includes('ip') && !exp.view.columnIds.includes('allTime.1'), 'visible columns only');
  assert.equal(exp.view?.rows, undefined, 'no filter or sort: every row as delivered');
  await page.click('.tab[data-tab="charts"]');
  await page.waitForSelector('.u-legend');
  await page.screenshot({ path: path.join(SHOTS, 'allegro-charts.png') });
  await page.click('.chart-png');
  await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'exportPng'));
  const [png] = await sentOf(page, 'exportPng');
  assert.match(png.dataUrl, /^data:image\/png;base64,/);
  const bytes = Buffer.from(png.dataUrl.split(',')[1], 'base64');
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'PNG signature');
  assert.ok(bytes.length > 5000, 'the chart has content');
  fs.writeFileSync(path.join(SHOTS, 'chart-export.png'), bytes);
  await page.click('.tab[data-tab="items"]');
  await page.screenshot({ path: path.join(SHOTS, 'allegro-table.png') });
  await page.close();
});
