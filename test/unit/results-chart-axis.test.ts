// The value axis of a results chart is as wide as its widest tick label, so labels such as
// "16.0 Mbit/s" are not cut on the left (they read "6.0 Mbit/s" with the former fixed 80 px).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ONE_POINT_PAD, timeAxisRange, valueAxisSize } from '../../webview/results/axis';
import { formatByterate } from '../../src/results/format';

/** A monospace stand-in for canvas measureText: 7 px per character (the axis font is about that). */
const measure = (s: string): number => s.length * 7;

test('the value axis leaves room for its widest tick label, ticks and gap', () => {
  const labels = [0, 2e6, 4e6, 6e6].map(formatByterate); // 0 bit/s … 48.0 Mbit/s
  assert.equal(labels[3], '48.0 Mbit/s');
  const size = valueAxisSize(labels, measure);
  // ticks (10) + gap (5) + the label must fit: the former fixed 80 px did not.
  assert.ok(size >= 10 + 5 + measure('48.0 Mbit/s'), `axis ${size} px for a ${measure('48.0 Mbit/s')} px label`);
  assert.ok(size > 80);
});

test('the value axis keeps uPlot’s minimum for short labels and ignores empty ones', () => {
  assert.equal(valueAxisSize(['0', '5', null, ''], measure), 50);
  assert.equal(valueAxisSize(null, measure), 50);
});

test('the widest label decides, wherever it is', () => {
  const a = valueAxisSize(['1.00 GB', '500 MB', '0 B'], measure);
  const b = valueAxisSize(['0 B', '500 MB', '1.00 GB'], measure);
  assert.equal(a, b);
  assert.ok(valueAxisSize(['1.50 Gbit/s'], measure) > valueAxisSize(['1.50 GB'], measure));
});

test('a one-point series gets a minute each side on the time axis instead of years', () => {
  const t = 1_795_350_000;
  // uPlot widens one instant to a day before it asks for the range.
  assert.deepEqual(timeAxisRange([t], t, t + 86_400), [t - ONE_POINT_PAD, t + ONE_POINT_PAD]);
  assert.deepEqual(timeAxisRange([t, t], t, t), [t - 60, t + 60], 'several points at the same instant too');
});

test('a time axis over a span (or without data) keeps the range asked for', () => {
  assert.deepEqual(timeAxisRange([100, 130, 160], 110, 150), [110, 150], 'a zoom stays as dragged');
  assert.deepEqual(timeAxisRange([], null, null), [null, null]);
});
