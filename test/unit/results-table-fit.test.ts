// Column widths of the results table fit the header and the first rows: a property table's values
// (dates, file sizes, host names) are read whole instead of cut at the kind's default width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIT_MAX_WIDTH, fittedWidth } from '../../webview/results/table';
import { formatCell } from '../../src/results/format';
import type { ColumnSpec } from '../../src/results/model';

/** A stand-in for canvas measureText: 7 px per character. */
const measure = (s: string): number => s.length * 7;
const value: ColumnSpec = { id: 'value', label: 'value', kind: 'string' };

test('a string column widens to its longest value (a timestamp in a property table)', () => {
  const texts = ['pcap', 'yes', '4.61 MiB (4828854 bytes)', '2026-11-22T12:07:57.009426Z'];
  const w = fittedWidth(value, texts, measure);
  assert.ok(w >= measure('2026-11-22T12:07:57.009426Z') + 16, `width ${w} px holds the longest value and the cell padding`);
  assert.ok(w > 150, 'wider than the default string width that cut it');
});

test('a column never gets narrower than its kind’s default, nor wider than the fitting limit', () => {
  assert.equal(fittedWidth(value, ['a', 'b'], measure), 150);
  assert.equal(fittedWidth(value, ['x'.repeat(500)], measure), FIT_MAX_WIDTH);
  const ts: ColumnSpec = { id: 't', label: 'firstSeen', kind: 'timestamp' };
  assert.ok(fittedWidth(ts, [formatCell(1795345860.007, 'timestamp')], measure) >= 170);
});

test('a long header label is read whole too', () => {
  const spec: ColumnSpec = { id: 'srt', label: 'Server Response Time (avg)', kind: 'duration' };
  assert.ok(fittedWidth(spec, ['156 ms'], measure) >= measure(spec.label) + 16);
});
