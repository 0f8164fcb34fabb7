// The native editor features of the STEELFILTER core and the report model, in real VS Code
// (code-server) against the simulated AppResponse: a .steelfilter file named for its source gets
// catalogue diagnostics and column completion; a *.probe-report.json file gets the report
// validator's diagnostics with the device's rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { deviceSession, notifications, pickQuickItem, runCommand, sleep, step, T, waitForNotification } from './harness';

const session = deviceSession('steelfilter-editor', { name: 'lab', kind: 'appresponse', seed: 7 }, {
  'filters/web.aggregates.steelfilter': "srv_tcp.prot == 80 and cli_tcp.ip == '10.0.0.0/8'\n",
  'reports/top.probe-report.json': {
    device: 'lab',
    data_defs: [{
      source: { name: 'aggregates' },
      time: { duration: 'last 1 hour', granularity: '60' },
      group_by: ['avg_traffic.total_bytes_ps'],
      columns: ['host_group.id', 'avg_traffic.total_bytes_ps'],
    }],
  },
});

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: name }) }).first();
  await row.waitFor({ state: 'visible', timeout: T.ui });
  await input.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ state: 'visible', timeout: T.remote });
}

/** The Problems panel's text, once it contains `text` (the panel is opened if needed). */
async function problemsContaining(page: Page, text: string | RegExp): Promise<string> {
  const panel: Locator = page.locator('.markers-panel');
  if (!(await panel.isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+M');
  await panel.waitFor({ state: 'visible', timeout: T.ui });
  const deadline = Date.now() + T.remote;
  let last = '';
  while (Date.now() < deadline) {
    last = await panel.innerText().catch(() => '');
    if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
    await sleep(250);
  }
  throw new Error(`Problems panel never showed ${String(text)}; it shows:\n${last}`);
}

test('a .steelfilter file is checked against its source in the device catalogue, and completes column ids', async () => {
  const s = session();
  const { page } = s;
  await step(s, 'steelfilter-diagnostics', async () => {
    await openFile(page, 'web.aggregates.steelfilter');
    const text = await problemsContaining(page, 'did you mean "srv_tcp.port"');
    assert.match(text, /unknown column "srv_tcp\.prot" in source "aggregates"/);
  });
  await step(s, 'steelfilter-completion', async () => {
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.type(' and srv_tcp.po');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.editor-widget.suggest-widget');
    await suggest.waitFor({ state: 'visible', timeout: T.ui });
    const row = suggest.locator('.monaco-list-row', { hasText: 'srv_tcp.port' }).first();
    await row.waitFor({ state: 'visible', timeout: T.ui });
    await s.shot('steelfilter-suggestions');
    await row.click();
    // After the column, the operators for a port (ordering included) are offered.
    await page.keyboard.type(' ');
    await page.keyboard.press('Control+Space');
    await suggest.locator('.monaco-list-row', { hasText: '>=' }).first().waitFor({ state: 'visible', timeout: T.ui });
    const line = await page.locator('.editor-instance .monaco-editor .view-line').first().innerText();
    assert.match(line.replace(/\u00a0/g, ' '), /and srv_tcp\.port $/);
    await page.keyboard.press('Escape');
  });
});

test('a report file gets the report validator\'s diagnostics, with the device\'s group_by rule', async () => {
  const s = session();
  const { page } = s;
  await step(s, 'report-diagnostics', async () => {
    await openFile(page, 'top.probe-report.json');
    await problemsContaining(page, 'column "avg_traffic.total_bytes_ps" is not grouped_by in source "aggregates"');
  });
});

test('a report the validator refuses ends its progress notification before the error is shown', async () => {
  const s = session();
  const { page } = s;
  await step(s, 'refused-report-no-stale-progress', async () => {
    await openFile(page, 'top.probe-report.json');
    await runCommand(page, 'Probe Explorer: Run Report');
    const error = await waitForNotification(page, /top was not sent: .*not grouped_by/);
    // The error waits for the user; the progress ("Report top on lab: reading the catalogue…", with
    // its Cancel button) must already be gone. Give a stale one time to show itself.
    await sleep(1500);
    const shown = await notifications(page);
    assert.deepEqual(shown.filter((t) => /Report top on lab|reading the catalogue/.test(t)), [], `toasts: ${JSON.stringify(shown)}`);
    assert.ok(await error.isVisible(), 'the error is still on screen');
    await page.locator('.notifications-toasts .notification-list-item', { hasText: 'was not sent' }).locator('.codicon-notifications-clear, .codicon-close').first().click().catch(() => undefined);
  });
});

test('New Report… writes a report file for the device\'s source that opens without problems', async () => {
  const s = session();
  const { page } = s;
  await step(s, 'new-report', async () => {
    // The command opens its own quick pick at once, so run it from the palette by hand.
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Probe Explorer: New Report');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'New Report…' }).first().waitFor({ state: 'visible' });
    await input.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Report: source' }).waitFor({ state: 'visible', timeout: T.remote });
    await pickQuickItem(page, 'aggregates');
    await page.locator('.tabs-container .tab', { hasText: 'lab-aggregates.probe-report.json' }).first().waitFor({ state: 'visible', timeout: T.remote });
    const text = await page.locator('.editor-instance .monaco-editor .view-lines').first().innerText();
    assert.match(text.replace(/\u00a0/g, ' '), /"group_by": \[/);
    // Give the validator a moment, then check that it found nothing in the new file.
    await sleep(2000);
    const panel = page.locator('.markers-panel');
    if (!(await panel.isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+M');
    const problems = await panel.innerText();
    assert.doesNotMatch(problems, /lab-aggregates\.probe-report\.json/);
  });
});
