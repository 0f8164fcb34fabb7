// Spec (b): expand an Allegro device down to modules → ip → ips → :ip → <an IP> and open it: the
// results view (a webview under its CSP) shows the IP's counters as a table and its history as a chart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextMenu, deviceSession, openProbeExplorer, revealAllegroIp, step, T, waitForTab, webview } from './harness';

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
