// The report editor's column rows (chosen columns and search results), real webview bundle in
// headless Chromium with VS Code's dark theme, at a narrow, a middle and a wide panel: a long id and
// its label never overlap, a row never runs out of its box, and text that is cut ends in an
// ellipsis with the whole text as its tooltip.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { JsonValue } from '../../src/results/model';
import { LONG_ID, LONG_OPTION, reportFile, SHOTS, startEditorHarness, type EditorHarness } from './report-editor-support';

let harness: EditorHarness;
before(async () => { harness = await startEditorHarness(); });
after(async () => { await harness?.close(); });

interface Box { left: number; right: number; top: number; bottom: number }
interface Cell { text: string; title: string | null; visible: Box; truncated: boolean; clips: boolean; ellipsis: boolean }
interface RowLayout { id: string; row: Box; container: Box; overflow: number; children: Box[]; cells: Record<'id' | 'label' | 'type', Cell> }

/** Where each row's id, label and type text is visible (its text clipped by every box that clips it). */
function measureRows(page: Page): Promise<{ rows: RowLayout[]; pageOverflow: number }> {
  return page.evaluate(() => {
    const rect = (e: Element | Range) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
    const cell = (e: HTMLElement) => {
      const range = document.createRange();
      range.selectNodeContents(e);
      const visible = rect(range);
      for (let a: HTMLElement | null = e; a && a !== document.body; a = a.parentElement) {
        const style = getComputedStyle(a);
        const r = rect(a);
        if (style.overflowX !== 'visible') { visible.left = Math.max(visible.left, r.left); visible.right = Math.min(visible.right, r.right); }
        if (style.overflowY !== 'visible') { visible.top = Math.max(visible.top, r.top); visible.bottom = Math.min(visible.bottom, r.bottom); }
      }
      const style = getComputedStyle(e);
      return {
        text: e.textContent ?? '', title: e.getAttribute('title'), visible,
        truncated: e.scrollWidth > e.clientWidth + 1,
        clips: style.overflowX !== 'visible', ellipsis: style.textOverflow === 'ellipsis',
      };
    };
    const rows = [...document.querySelectorAll<HTMLElement>('.chosen-column, .column-option')].map((row) => {
      const box = row.closest('.dd')!;
      const c = rect(box);
      const pad = getComputedStyle(box);
      return {
        id: `${row.className} ${row.dataset.id}`,
        row: rect(row),
        container: { ...c, left: c.left + parseFloat(pad.borderLeftWidth) + parseFloat(pad.paddingLeft), right: c.right - parseFloat(pad.borderRightWidth) - parseFloat(pad.paddingRight) },
        overflow: row.scrollWidth - row.clientWidth,
        children: [...row.children].map(rect),
        cells: {
          id: cell(row.querySelector<HTMLElement>('.col-id')!),
          label: cell(row.querySelector<HTMLElement>('.col-label')!),
          type: cell(row.querySelector<HTMLElement>('.col-type')!),
        },
      };
    });
    return { rows, pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth };
  });
}

const width = (b: Box) => b.right - b.left;
const intersects = (a: Box, b: Box) => width(a) > 0 && width(b) > 0 && a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

for (const viewport of [300, 700, 1200]) {
  test(`at ${viewport} px, a long column id never overlaps its label, rows stay in their box, and cut text ends in an ellipsis with the whole text as tooltip`, async () => {
    const page = await harness.open(viewport, reportFile());
    await page.locator('.dd[data-index="0"] .column-search input').fill('average');
    await page.waitForSelector(`.column-option[data-id="${LONG_OPTION}"]`);
    await page.screenshot({ path: path.join(SHOTS, `columns-${viewport}px.png`), fullPage: true });
    const { rows, pageOverflow } = await measureRows(page);
    assert.ok(rows.some((r) => r.id.includes(LONG_ID)) && rows.some((r) => r.id.includes(LONG_OPTION)), 'the chosen long id and the long search result are listed');
    for (const r of rows) {
      const { id, label, type } = r.cells;
      assert.ok(!intersects(id.visible, label.visible), `${r.id}: id ${JSON.stringify(id.visible)} overlaps label ${JSON.stringify(label.visible)}`);
      assert.ok(!intersects(id.visible, type.visible), `${r.id}: id overlaps type`);
      assert.ok(!intersects(label.visible, type.visible), `${r.id}: label overlaps type`);
      assert.ok(r.overflow <= 1, `${r.id}: the row's content is ${r.overflow} px wider than the row`);
      assert.ok(r.row.left >= r.container.left - 1 && r.row.right <= r.container.right + 1, `${r.id}: row ${JSON.stringify(r.row)} leaves its box ${JSON.stringify(r.container)}`);
      for (const child of r.children) assert.ok(child.left >= r.row.left - 1 && child.right <= r.row.right + 1, `${r.id}: a part of the row ${JSON.stringify(child)} sticks out of it ${JSON.stringify(r.row)}`);
      assert.ok(width(id.visible) >= 40, `${r.id}: the id stays readable (${width(id.visible)} px)`);
      if (label.text) assert.ok(width(label.visible) >= 20, `${r.id}: the label stays visible (${width(label.visible)} px)`);
      for (const [name, c] of Object.entries(r.cells)) {
        if (!c.truncated) continue;
        assert.ok(c.clips && c.ellipsis, `${r.id}: cut ${name} "${c.text}" ends in an ellipsis`);
        assert.ok(c.title?.startsWith(c.text), `${r.id}: cut ${name} "${c.text}" has the whole text as tooltip (title ${JSON.stringify(c.title)})`);
      }
    }
    assert.ok(pageOverflow <= 0, `the page scrolls sideways by ${pageOverflow} px`);
    await page.close();
  });
}

test('at 300 px, problems that quote long column ids wrap inside the page', async () => {
  const file = reportFile(`srv_tcp.prot == 80 and ${LONG_ID}_nope > 5`) as { data_defs: { columns: string[] }[] };
  file.data_defs[0].columns.push('no_such.column_with_a_long_long_long_name');
  const page = await harness.open(300, file as unknown as JsonValue);
  await page.waitForFunction(() => document.querySelectorAll('.problems .problem').length >= 3);
  const out = await page.evaluate(() => ({
    pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    problems: [...document.querySelectorAll('.problems .problem')].map((p) => p.scrollWidth - p.clientWidth),
  }));
  await page.screenshot({ path: path.join(SHOTS, 'problems-300px.png'), fullPage: true });
  assert.deepEqual(out.problems.filter((n) => n > 1), [], `problems wider than their box: ${JSON.stringify(out.problems)}`);
  assert.ok(out.pageOverflow <= 0, `the page scrolls sideways by ${out.pageOverflow} px`);
  await page.close();
});
