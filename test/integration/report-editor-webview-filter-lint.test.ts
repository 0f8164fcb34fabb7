// The report editor's STEELFILTER editor (real webview bundle, headless Chromium): an empty filter is
// no filter, so it never shows a lint marker, not even in the moment after an invalid one is cleared.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { JsonValue } from '../../src/results/model';
import { reportFile, sendCatalogue, sendFile, sent, SHOTS, startEditorHarness, type EditorHarness } from './report-editor-support';

let harness: EditorHarness;
before(async () => { harness = await startEditorHarness(); });
after(async () => { await harness?.close(); });

const MARKERS = '.cm-lint-marker, .cm-lintRange, .cm-lintPoint';

test('an empty STEELFILTER shows no lint marker, also right after an invalid filter is cleared', async () => {
  const page = await harness.open(900, reportFile(''));
  const content = page.locator('.dd[data-index="0"] .steelfilter-editor .cm-content');
  await page.waitForTimeout(600); // longer than the lint delay
  assert.equal(await page.locator(MARKERS).count(), 0, 'a report whose filter is empty opens without a lint marker');

  await content.click();
  await page.keyboard.type('app.nam', { delay: 10 });
  await page.locator('.cm-lint-marker').first().waitFor();
  await page.keyboard.press('Escape');
  // Every DOM update of the editor is looked at: while it shows an empty filter, no marker may be drawn.
  await page.evaluate((selector) => {
    const w = window as unknown as { __emptyStates: number[] };
    w.__emptyStates = [];
    const editor = document.querySelector('.dd[data-index="0"] .steelfilter-editor')!;
    new MutationObserver(() => {
      if (editor.querySelector('.cm-content .cm-placeholder')) w.__emptyStates.push(editor.querySelectorAll(selector).length);
    }).observe(editor, { subtree: true, childList: true, attributes: true, characterData: true });
  }, MARKERS);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  const deadline = Date.now() + 10_000;
  while (!(await sent(page)).some((m) => m.type === 'edit' && !(m.value as { data_defs: { filters?: unknown }[] }).data_defs[0].filters)) {
    assert.ok(Date.now() < deadline, 'the cleared filter is written to the file');
    await page.waitForTimeout(50);
  }
  await page.waitForTimeout(600);
  const emptyStates = await page.evaluate(() => (window as unknown as { __emptyStates: number[] }).__emptyStates);
  assert.ok(emptyStates.length > 0, 'the editor was seen empty');
  assert.deepEqual(emptyStates.filter((n) => n > 0), [], `markers drawn while the filter was empty: ${JSON.stringify(emptyStates)}`);
  assert.equal(await page.locator(MARKERS).count(), 0, 'no marker once the lint ran');
  assert.match(await page.locator('.problems-section').textContent() ?? '', /No problems/);
  await page.screenshot({ path: path.join(SHOTS, 'empty-filter.png') });
  await page.close();
});

test('a catalogue that arrives after the filter was first checked is used at once: an unknown column is marked without an edit', async () => {
  const page = await harness.open(900, reportFile('srv_tcp.prot == 80'), { catalogue: false });
  await page.waitForTimeout(600); // the first lint ran, on the syntax alone
  assert.equal(await page.locator(MARKERS).count(), 0, 'the syntax alone is fine');
  await sendCatalogue(page);
  await page.locator('.cm-lintRange-error', { hasText: 'srv_tcp.prot' }).waitFor({ state: 'attached', timeout: 3_000 });
  await page.close();
});

test('a filter whose type becomes WIRESHARK loses its STEELFILTER markers', async () => {
  const page = await harness.open(900, reportFile('app.nam'));
  await page.locator('.cm-lint-marker').first().waitFor();
  // The type changes in the JSON editor (the form's select sends the same new file value).
  const file = reportFile('app.nam') as { data_defs: { filters: { type?: string; value: string }[] }[] };
  file.data_defs[0].filters[0].type = 'WIRESHARK';
  await sendFile(page, file as unknown as JsonValue);
  await page.waitForFunction(() => (document.querySelector('.filter-type') as HTMLElement & { value: string }).value === 'WIRESHARK');
  await page.waitForFunction((selector) => document.querySelectorAll(selector).length === 0, MARKERS, { timeout: 3_000 });
  await page.close();
});
