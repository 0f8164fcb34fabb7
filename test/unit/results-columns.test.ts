import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ColumnStore } from '../../webview/results/columns';
import { nextSort } from '../../webview/results/table';
import type { CellValue } from '../../src/results/model';

test('the column store gives back every cell as it arrived, across chunks and growth', () => {
  const store = new ColumnStore(4);
  const all: CellValue[][] = [];
  // column 0 strings, 1 numbers (large, fractional, negative, -0), 2 numbers with #N/A/#N/D/null/boolean mixed in late, 3 nothing but null
  for (let chunk = 0; chunk < 5; chunk++) {
    const rows: CellValue[][] = [];
    const n = chunk === 0 ? 3 : 900; // capacity grows past its first 1,024 rows
    for (let k = 0; k < n; k++) {
      const i = all.length + rows.length;
      const third: CellValue = i === 1500 ? '#N/A' : i === 1501 ? '#N/D' : i === 1502 ? null : i === 1503 ? true : i * 3;
      rows.push([`10.0.${i >> 8}.${i & 255}`, i === 7 ? -0 : i % 2 ? 1e10 + i + 0.25 : -i, third, null]);
    }
    store.append(rows);
    all.push(...rows);
  }
  assert.equal(store.length, all.length);
  for (let i = 0; i < all.length; i++) {
    for (let c = 0; c < 4; c++) assert.ok(Object.is(store.get(i, c), all[i][c]), `row ${i} column ${c}: ${String(store.get(i, c))} vs ${String(all[i][c])}`);
  }
});

test('a column whose first values are strings and later numbers (and the reverse) keeps both kinds', () => {
  const store = new ColumnStore(2);
  store.append([['a', 1], ['#N/D', 2]]);
  store.append([[3, 'x'], [4.5, 5]]);
  assert.deepEqual([0, 1, 2, 3].map((i) => [store.get(i, 0), store.get(i, 1)]), [['a', 1], ['#N/D', 2], [3, 'x'], [4.5, 5]]);
});

test('a short row reads as null, and cells outside the table are null', () => {
  const store = new ColumnStore(3);
  store.append([[1], ['a', 2, 'b']]);
  assert.equal(store.get(0, 1), null);
  assert.equal(store.get(0, 2), null);
  assert.equal(store.get(1, 2), 'b');
  assert.equal(store.get(2, 0), null);
  assert.equal(store.get(-1, 0), null);
});

test('header clicks cycle a number column largest first → smallest first → unsorted, a text column A→Z → Z→A → unsorted', () => {
  const cycle = (numeric: boolean) => {
    const seen: string[] = [];
    let sort: { col: number; dir: 1 | -1 } | null = null;
    for (let i = 0; i < 4; i++) {
      sort = nextSort(sort, 2, numeric);
      seen.push(sort ? (sort.dir === 1 ? 'asc' : 'desc') : 'none');
    }
    return seen;
  };
  assert.deepEqual(cycle(true), ['desc', 'asc', 'none', 'desc']);
  assert.deepEqual(cycle(false), ['asc', 'desc', 'none', 'asc']);
  // another column starts over in its own natural order
  assert.deepEqual(nextSort({ col: 1, dir: 1 }, 2, true), { col: 2, dir: -1 });
});
