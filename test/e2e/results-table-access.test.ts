// The results table read and driven the way an analyst does, in a high-contrast theme: property
// values are read whole (columns fit their rows), a selected row is visible, headers sort from the
// keyboard, the row menu opens from the keyboard and copies, sort and filter survive hiding the
// tab, two exports within one second keep both files, and auto-refresh neither polls while hidden
// nor waits a whole interval once shown again; a capture summary comes back after a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro/index';
import { chooseOption, contextMenu, deviceWorkspaceFiles, openProbeExplorer, openSession, reloadWindow, revealAllegroIp, revealTreeItem, runCommand, sleep, step, T, viewPane, waitForTab, webviewWith, type Session } from './harness';
import { pcapBytes, samplePackets } from '../unit/pcap-fixtures';

let sim: AllegroSimulator | undefined;
let s: Session | undefined;

before(async () => {
  sim = await startAllegroSimulator({ host: '127.0.0.1', port: 0, seed: 5 });
  s = await openSession('h-results-table-access', {
    workspaceFiles: deviceWorkspaceFiles([{ name: 'Lab Allegro', kind: 'allegro', sim }]),
    userSettings: { 'workbench.colorTheme': 'Default High Contrast' },
  });
  await s.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
});

after(async () => {
  await s?.close();
  await sim?.close();
});

test('results table: fitted columns, visible selection in high contrast, keyboard sort and row menu, exports never overwrite', async () => {
  const session = s!;
  const { page } = session;
  const ipRow = await step(session, 'tree-to-ip', async () => {
    await openProbeExplorer(page);
    return revealAllegroIp(page, 'Lab Allegro');
  });
  const ip = (await ipRow.locator('.label-name').innerText()).trim();
  await step(session, 'open-ip', async () => {
    await contextMenu(page, ipRow, 'Open');
    await waitForTab(page, ip);
  });
  const view = await webviewWith(page, `h1.title:text("${ip}")`);
  const shownTable = view.locator('.pane.table-pane:not([hidden])').first();

  await step(session, 'properties-read-whole', async () => {
    await view.locator('.tabs .tab', { hasText: 'Properties' }).first().click();
    const row = shownTable.locator('.vt-row', { has: view.locator('.vt-cell', { hasText: /^firstSeen$/ }) }).first();
    await row.waitFor({ state: 'visible', timeout: T.remote });
    const value = row.locator('.vt-cell').nth(1);
    assert.match(await value.innerText(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    // The cell shows its whole text: no part of it is cut off by the column width.
    const { scroll, client } = await value.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    assert.ok(scroll <= client, `firstSeen is cut: ${scroll} px of text in a ${client} px cell`);
  });

  await step(session, 'selection-visible-in-high-contrast', async () => {
    await view.locator('.tabs .tab', { hasText: 'Counters' }).first().click();
    const allTime = shownTable.locator('.vt-row', { has: view.locator('.vt-cell', { hasText: /^allTime$/ }) }).first();
    await allTime.waitFor({ state: 'visible', timeout: T.remote });
    assert.equal(await view.locator('body').getAttribute('class').then((c) => /vscode-high-contrast/.test(c ?? '')), true, 'the webview has the high-contrast theme');
    await allTime.locator('.vt-cell').first().click();
    await shownTable.locator('.vt-row.selected').first().waitFor({ state: 'visible' });
    const look = await shownTable.locator('.vt-row.selected').first().evaluate((e) => {
      const c = getComputedStyle(e);
      return { outline: c.outlineStyle, width: c.outlineWidth, background: c.backgroundColor };
    });
    const hasBackground = look.background !== 'rgba(0, 0, 0, 0)' && look.background !== 'transparent';
    assert.ok(hasBackground || (look.outline !== 'none' && look.width !== '0px'), `the selected row looks like the others: ${JSON.stringify(look)}`);
  });

  await step(session, 'keyboard-sort', async () => {
    // Tab from the Columns button: the grid, then its first header.
    await shownTable.locator('vscode-button.columns-btn').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = await view.locator('body').evaluate(() => ({ role: document.activeElement?.getAttribute('role'), text: (document.activeElement as HTMLElement | null)?.innerText.trim() }));
    assert.deepEqual(focused, { role: 'columnheader', text: 'counter set' });
    await page.keyboard.press('Enter');
    const header = shownTable.locator('.vt-hcell', { hasText: 'counter set' }).first();
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    const sets = (await shownTable.locator('.vt-row').allInnerTexts()).map((r) => r.split('\n')[0]);
    assert.deepEqual(sets, ['allTime', 'interval', 'intervalPerSecond', 'lastSecond']);
    await page.keyboard.press(' ');
    assert.equal(await shownTable.locator('.vt-hcell', { hasText: 'counter set' }).first().getAttribute('aria-sort'), 'descending');
  });

  await step(session, 'keyboard-row-menu', async () => {
    await shownTable.locator('.vt-scroller').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+F10');
    const menu = view.locator('.vt-menu');
    await menu.waitFor({ state: 'visible', timeout: 5000 });
    const active = () => view.locator('body').evaluate(() => (document.activeElement as HTMLElement | null)?.innerText.trim());
    assert.equal(await active(), 'Copy Cell');
    // Screen readers follow the row the keyboard is on: the grid names it.
    const activeRow = await shownTable.locator('.vt-scroller').getAttribute('aria-activedescendant');
    assert.ok(activeRow, 'the grid has an aria-activedescendant');
    assert.equal(await view.locator(`[id="${activeRow}"]`).getAttribute('aria-selected'), 'true');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await active(), 'Copy Row');
    await page.keyboard.press('Enter');
    await view.locator('.toast', { hasText: 'Copied 1 row' }).waitFor({ state: 'visible', timeout: T.ui });
    assert.equal(await menu.count(), 0, 'the menu closed');
    const first = (await shownTable.locator('.vt-row.selected').first().innerText()).split('\n')[0];
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(clip.split('\t')[0], first, `the clipboard holds the focused row: ${JSON.stringify(clip)}`);
    // Escape closes the menu opened again and gives the focus back to the grid.
    await page.keyboard.press('Shift+F10');
    await menu.waitFor({ state: 'visible', timeout: 5000 });
    await page.keyboard.press('Escape');
    assert.equal(await menu.count(), 0);
    assert.equal(await view.locator('body').evaluate(() => document.activeElement?.getAttribute('role')), 'grid');
  });

  await step(session, 'keyboard-tabs', async () => {
    // One tab in the Tab order; arrow keys move between the tabs and show their panel.
    const counters = view.locator('.tabs .tab', { hasText: 'Counters' }).first();
    assert.equal(await counters.getAttribute('tabindex'), '0');
    assert.equal(await view.locator('.tabs .tab[tabindex="0"]').count(), 1);
    await counters.focus();
    await page.keyboard.press('ArrowRight');
    const focusedTab = () => view.locator('body').evaluate(() => (document.activeElement as HTMLElement | null)?.querySelector('.tab-label')?.textContent);
    assert.equal(await focusedTab(), 'Properties');
    const properties = view.locator('.tabs .tab', { hasText: 'Properties' }).first();
    assert.equal(await properties.getAttribute('aria-selected'), 'true');
    const panel = view.locator(`[id="${await properties.getAttribute('aria-controls')}"]`);
    assert.equal(await panel.getAttribute('role'), 'tabpanel');
    assert.equal(await panel.isVisible(), true);
    await page.keyboard.press('End');
    assert.equal(await focusedTab(), 'Raw JSON');
    // Tab from the selected tab reaches the answer's text, which the keyboard can then scroll.
    await page.keyboard.press('Tab');
    assert.equal(await view.locator('body').evaluate(() => document.activeElement?.className), 'raw-json');
    await view.locator('.tabs .tab', { hasText: 'Raw JSON' }).first().focus();
    await page.keyboard.press('Home');
    assert.equal(await focusedTab(), 'Counters');
    assert.equal(await counters.getAttribute('aria-selected'), 'true');
  });

  await step(session, 'keyboard-column-chooser', async () => {
    // Columns from the keyboard: the first checkbox takes the focus, Escape closes and gives it back.
    const button = shownTable.locator('vscode-button.columns-btn');
    await button.focus();
    await page.keyboard.press('Enter');
    const chooser = view.locator('.column-chooser');
    await chooser.waitFor({ state: 'visible', timeout: 5000 });
    const focused = () => view.locator('body').evaluate(() => `${document.activeElement?.tagName.toLowerCase()}.${document.activeElement?.className}`);
    assert.match(await focused(), /^vscode-checkbox\.chooser-item/);
    await page.keyboard.press('Escape');
    assert.equal(await chooser.count(), 0, 'Escape closed the chooser');
    assert.match(await focused(), /^vscode-button\.columns-btn/);
  });

  await step(session, 'layout-kept-when-tab-hidden', async () => {
    // Sorted (descending, from the keyboard step) and filtered; then another editor hides the results
    // tab (its webview is dropped while hidden) and the analyst comes back to it.
    const filter = shownTable.locator('vscode-textfield.filter');
    await filter.evaluate((e) => {
      (e as HTMLElement & { value: string }).value = 'second';
      e.dispatchEvent(new Event('input'));
    });
    await shownTable.locator('.table-status', { hasText: '2 shown' }).waitFor({ state: 'visible', timeout: T.ui });
    await runCommand(page, 'File: New Untitled Text File');
    await sleep(500);
    await (await waitForTab(page, ip)).click();
    const again = await webviewWith(page, `h1.title:text("${ip}")`);
    const table = again.locator('.pane.table-pane:not([hidden])').first();
    await table.locator('.table-status', { hasText: '2 shown' }).waitFor({ state: 'visible', timeout: T.remote });
    assert.equal(await table.locator('vscode-textfield.filter').evaluate((e) => (e as HTMLElement & { value: string }).value), 'second');
    assert.equal(await table.locator('.vt-hcell', { hasText: 'counter set' }).first().getAttribute('aria-sort'), 'descending');
    const sets = (await table.locator('.vt-row').allInnerTexts()).map((r) => r.split('\n')[0]);
    assert.deepEqual(sets, ['lastSecond', 'intervalPerSecond']);
  });

  await step(session, 'two-exports-in-one-second', async () => {
    const folder = path.join(session.workspace, 'exports');
    const before = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
    // Two clicks in the same task: both exports are named in the same second.
    await view.locator('.actions').evaluate((actions) => {
      const json = Array.from(actions.querySelectorAll('vscode-button')).find((b) => b.textContent?.trim() === 'JSON') as HTMLElement;
      json.click();
      json.click();
    });
    const deadline = Date.now() + T.remote;
    let added: string[] = [];
    while (Date.now() < deadline) {
      added = (fs.existsSync(folder) ? fs.readdirSync(folder) : []).filter((f) => !before.includes(f) && f.endsWith('.json'));
      if (added.length >= 2) break;
      await sleep(200);
    }
    assert.equal(added.length, 2, `two files, none overwritten: ${JSON.stringify(added)}`);
    const first = added.find((f) => !f.endsWith('-2.json'));
    assert.ok(first && added.includes(first.replace(/\.json$/, '-2.json')), `the second is the first's name with -2: ${JSON.stringify(added)}`);
    for (const f of added) assert.ok(Array.isArray(JSON.parse(fs.readFileSync(path.join(folder, f), 'utf8'))), `${f} holds the rows`);
    // Both are opened in one group beside the results (not each in a new group beside the last),
    // and the results keep the focus.
    for (const f of added) await waitForTab(page, f);
    await sleep(500);
    assert.equal(await page.locator('.editor-group-container').count(), 2, 'the results and one group of exports');
    assert.match(await page.locator('.editor-group-container.active .tab.active').first().innerText(), new RegExp(ip.replace(/\./g, '\\.')));
  });

  await step(session, 'auto-refresh-on-show', async () => {
    // Auto-refresh every 30 s, then the results tab is hidden for longer than that: no request
    // while hidden, and one at once when the analyst comes back (not up to 30 s later).
    const path = `/API/stats/modules/ip/ips/${ip}`;
    // One editor group (the exports opened beside it), so a new editor hides the results tab.
    await (await waitForTab(page, ip)).click();
    await runCommand(page, 'View: Close Editors in Other Groups');
    await chooseOption(view.locator('vscode-single-select.auto-refresh'), 'Every 30 s');
    await runCommand(page, 'File: New Untitled Text File');
    const hiddenAt = sim!.stats.count('GET', path);
    await sleep(33_000);
    assert.equal(sim!.stats.count('GET', path), hiddenAt, 'a hidden panel does not poll the device');
    await (await waitForTab(page, ip)).click();
    const deadline = Date.now() + 5000;
    while (sim!.stats.count('GET', path) === hiddenAt && Date.now() < deadline) await sleep(100);
    assert.ok(sim!.stats.count('GET', path) > hiddenAt, 'shown again after more than its interval, the panel asks the device at once');
    const again = await webviewWith(page, `h1.title:text("${ip}")`);
    await chooseOption(again.locator('vscode-single-select.auto-refresh'), 'Auto-refresh off');
  });

  await step(session, 'capture-summary-after-reload', async () => {
    // A capture summary is made again from its file after a window reload (it said "not kept").
    fs.mkdirSync(path.join(session.workspace, 'captures'), { recursive: true });
    fs.writeFileSync(path.join(session.workspace, 'captures', 'reload-me.pcap'), pcapBytes(samplePackets(12)));
    await runCommand(page, 'View: Close All Editors');
    await openProbeExplorer(page);
    await runCommand(page, 'Probe Explorer: Refresh Captures');
    const row = await revealTreeItem(page, /^reload-me\.pcap$/, { pane: viewPane(page, 'Captures') });
    await contextMenu(page, row, 'Summarize Capture');
    const before = await webviewWith(page, 'h1.title:text("reload-me.pcap")');
    await before.locator('.tabs .tab', { hasText: 'Overview' }).first().waitFor({ state: 'visible', timeout: T.remote });
    await reloadWindow(page);
    const after = await webviewWith(page, 'h1.title:text("reload-me.pcap")', T.boot);
    await after.locator('.tabs .tab', { hasText: 'Top talkers' }).first().waitFor({ state: 'visible', timeout: T.remote });
    const packets = after.locator('.vt-row', { has: after.locator('.vt-cell', { hasText: /^packets$/ }) }).first();
    assert.equal((await packets.innerText()).split('\n')[1], '12');
    assert.equal(await page.locator('.tabs-container .tab', { hasText: 'reload-me.pcap' }).count(), 1, 'one summary tab, not a dead one beside it');
  });
});
