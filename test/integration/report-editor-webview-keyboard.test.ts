// The report editor form from the keyboard (real webview bundle, headless Chromium, the panel played
// by the test): a field's edit is committed when it loses focus or on Enter, and the form is drawn
// again from the new value; the keyboard focus must not fall back to the page when that happens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { reportFile, sent, startEditorHarness, type EditorHarness } from './report-editor-support';

let harness: EditorHarness;
before(async () => { harness = await startEditorHarness(); });
after(async () => { await harness?.close(); });

/** What has the keyboard focus: the element's tag and classes, and the preset it names, if any. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    if (!a || a === document.body) return 'body';
    return `${a.tagName.toLowerCase()}.${[...a.classList].join('.')}${a.dataset.duration ? `[${a.dataset.duration}]` : ''}`;
  });
}

async function edits(page: Page): Promise<number> {
  return (await sent(page)).filter((m) => m.type === 'edit').length;
}

async function waitForEdits(page: Page, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await edits(page)) < count) {
    assert.ok(Date.now() < deadline, 'the form sent no edit');
    await page.waitForTimeout(50);
  }
  await page.waitForTimeout(100);
}

test('Tab out of the duration field commits it and moves on to the next control, not to the page', async () => {
  const page = await harness.open(1000, reportFile());
  await page.locator('.dd[data-index="0"] vscode-textfield.time-duration').click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('last 1 day');
  await page.keyboard.press('Tab');
  await waitForEdits(page, 1);
  assert.match(await page.locator('.dd[data-index="0"] .time-resolved').innerText(), /\(24 h\)/);
  assert.equal(await focused(page), 'button.preset[last 15 min]');
  await page.close();
});

test('Enter in a text field commits it and keeps the focus and the caret there', async () => {
  const page = await harness.open(1000, reportFile());
  await page.locator('.dd[data-index="0"] vscode-textfield.resolution').click();
  await page.keyboard.type('30');
  await page.keyboard.press('Enter');
  await waitForEdits(page, 1);
  assert.equal(await focused(page), 'vscode-textfield.resolution');
  // Typing goes on where it stopped.
  await page.keyboard.type('0');
  await page.keyboard.press('Enter');
  await waitForEdits(page, 2);
  const last = (await sent(page)).filter((m) => m.type === 'edit').pop() as unknown as { value: { data_defs: { time: { resolution?: string } }[] } };
  assert.equal(last.value.data_defs[0].time.resolution, '300');
  await page.close();
});

test('Enter in the limit field commits it and keeps the focus there', async () => {
  const page = await harness.open(1000, reportFile());
  await page.locator('.dd[data-index="0"] vscode-textfield.limit').click();
  await page.keyboard.type('15');
  await page.keyboard.press('Enter');
  await waitForEdits(page, 1);
  assert.equal(await focused(page), 'vscode-textfield.limit');
  await page.close();
});

test('a preset chosen from the keyboard keeps the focus on that preset', async () => {
  const page = await harness.open(1000, reportFile());
  await page.locator('.dd[data-index="0"] .preset[data-duration="last 6 hours"]').focus();
  await page.keyboard.press('Enter');
  await waitForEdits(page, 1);
  assert.equal(await focused(page), 'button.preset.active[last 6 hours]');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'button.preset[last 1 day]');
  await page.close();
});
