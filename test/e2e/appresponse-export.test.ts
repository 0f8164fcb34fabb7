// Spec: the AppResponse "Export Packets…" wizard as an analyst edits it: a fixed time range typed
// before is offered again for editing (to the microsecond) when the range is changed from the
// review step, instead of fresh defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deviceSession, openProbeExplorer, pickQuickItem, quickInput, runCommand, sleep, step, submitQuickInput, T, waitForQuickInput,
} from './harness';

const session = deviceSession('e-appresponse-export', { name: 'Lab AppResponse', kind: 'appresponse', seed: 13 });

test('Export Packets: changing the time range from the review offers the start and end typed before', async () => {
  const s = session();
  const { page } = s;
  const start = '2026-11-22T09:00:00.250000Z';
  const end = '2026-11-22T09:00:10.500000Z';
  const box = quickInput(page).locator('input.input');
  /** Waits until the input box no longer holds `value` (the next input of the same step is shown). */
  const next = async (value: string) => {
    const until = Date.now() + T.ui;
    while ((await box.inputValue()) === value && Date.now() < until) await sleep(100);
  };
  await step(s, 'range-typed', async () => {
    await openProbeExplorer(page);
    await page.keyboard.press('F1');
    await box.fill('>Probe Explorer: Export Packets');
    await quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: 'Export Packets…' }).first().waitFor({ state: 'visible' });
    await box.press('Enter');
    await quickInput(page).locator('input[placeholder="Packet source on Lab AppResponse"]').waitFor({ state: 'visible', timeout: T.remote });
    await box.fill('default_job');
    await quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: 'default_job' }).first().waitFor({ state: 'visible' });
    await box.press('Enter');
    await waitForQuickInput(page, /1\/4/);
    await pickQuickItem(page, /^absolute start and end…$/);
    await page.locator('.quick-input-widget .quick-input-message', { hasText: 'µs since the epoch' }).waitFor({ state: 'visible' });
    const first = await box.inputValue();
    await submitQuickInput(page, start);
    await next(start);
    assert.notEqual(await box.inputValue(), first);
    await submitQuickInput(page, end);
    await waitForQuickInput(page, /2\/4/);
    await pickQuickItem(page, /^no filter$/);
    await waitForQuickInput(page, /3\/4/);
    await pickQuickItem(page, /^LEGACY$/);
    await waitForQuickInput(page, /4\/4/);
  });
  await step(s, 'range-offered-again', async () => {
    await pickQuickItem(page, /^time range$/);
    await waitForQuickInput(page, /1\/4/);
    await pickQuickItem(page, /^absolute start and end…$/);
    await page.locator('.quick-input-widget .quick-input-message', { hasText: 'µs since the epoch' }).waitFor({ state: 'visible' });
    assert.equal(await box.inputValue(), start, 'the start typed before, to the microsecond');
    await submitQuickInput(page);
    await next(start);
    assert.equal(await box.inputValue(), end, 'the end typed before');
    await s.shot('end-offered-again');
    await page.keyboard.press('Escape');
    await runCommand(page, 'Notifications: Clear All Notifications');
  });
});
