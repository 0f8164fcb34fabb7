// Allegro history points each count `timespan` seconds: the charts say so, and chart the bytes as a
// bit rate (bytes × 8 / timespan), so a 60 s history and a 1 s history read in the same unit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { historyCharts, shapeAllegro } from '../../src/results/allegro';

const rows = ['rxPackets', 'rxBytes', 'txPackets', 'txBytes'];

test('a counter history with a timespan gets a bit rate chart first: bytes × 8 / timespan', () => {
  const h = { rows, timespan: 60, data: [[1_700_000_060_000, 10, 6_000, 20, 12_000], [1_700_000_000_000, 5, 3_000, 8, 600_000]] };
  const [rate, bytes, packets] = historyCharts(h, 'h', 'history');
  assert.equal(rate.title, 'history: bit rate');
  assert.equal(rate.kind, 'bitrate');
  assert.deepEqual(rate.x, [1_700_000_000, 1_700_000_060]);
  assert.deepEqual(rate.series.map((s) => s.label), ['rx bit rate', 'tx bit rate']);
  assert.deepEqual(rate.series[0].values, [400, 800]); // 3,000 B in 60 s = 400 bit/s
  assert.deepEqual(rate.series[1].values, [80_000, 1_600]);
  assert.equal(bytes.title, 'history: bytes per 1 min');
  assert.deepEqual(bytes.series[0].values, [3_000, 6_000], 'the bytes chart keeps the counts');
  assert.equal(packets.title, 'history: packets per 1 min');
});

test('the period is said in seconds, minutes or hours', () => {
  const titles = (timespan: number) => historyCharts({ rows, timespan, data: [[1_700_000_000, 1, 2, 3, 4]] }, 'h', 'history').map((c) => c.title);
  assert.deepEqual(titles(1), ['history: bit rate', 'history: bytes per 1 s', 'history: packets per 1 s']);
  assert.deepEqual(titles(90), ['history: bit rate', 'history: bytes per 90 s', 'history: packets per 90 s']);
  assert.deepEqual(titles(7200), ['history: bit rate', 'history: bytes per 2 h', 'history: packets per 2 h']);
});

test('gaps stay gaps in the rate, and a history without a timespan has no rate chart', () => {
  const [rate] = historyCharts({ rows, timespan: 10, data: [[1_700_000_000, 1, 100, 1, null as unknown as number], [1_700_000_010, 1, 50, 1, 10]] }, 'h', 'history');
  assert.deepEqual(rate.series[1].values, [null, 8]);
  const plain = historyCharts({ rows, data: [[1_700_000_000, 1, 2, 3, 4]] }, 'h', 'history');
  assert.deepEqual(plain.map((c) => c.title), ['history: bytes', 'history: packets']);
});

test('list item histories with one timespan get a bit rate chart per item first, and the bytes chart says its period', () => {
  const list = shapeAllegro({
    displayedItems: [
      { ip: '10.0.0.1', hostName: 'alpha', history: { timespan: 60, data: [[1_700_000_000, 1, 3_000, 1, 3_000], [1_700_000_060, 1, 600, 1, 0]] } },
      { ip: '10.0.0.2', history: { timespan: 60, data: [[1_700_000_060, 1, 7_500, 1, 0]] } },
    ],
  });
  const ids = list.charts.map((c) => c.id);
  assert.deepEqual(ids.slice(0, 2), ['list-history-rate', 'list-history']);
  const [rate, bytes] = list.charts;
  assert.equal(rate.kind, 'bitrate');
  assert.equal(rate.title, 'history (rx + tx bit rate) per item');
  assert.deepEqual(rate.series.map((s) => s.label), ['alpha', '10.0.0.2']);
  assert.deepEqual(rate.series[0].values, [800, 80]); // 6,000 B in 60 s = 800 bit/s
  assert.deepEqual(rate.series[1].values, [null, 1_000]);
  assert.equal(bytes.title, 'history (rx + tx bytes per 1 min) per item');
  assert.deepEqual(bytes.series[0].values, [6_000, 600], 'the bytes chart keeps the counts');
});

test('list item histories without a common timespan keep one bytes chart without a rate', () => {
  const list = shapeAllegro({
    displayedItems: [
      { ip: '10.0.0.1', history: { timespan: 60, data: [[1_700_000_000, 1, 10, 1, 10]] } },
      { ip: '10.0.0.2', history: { timespan: 1, data: [[1_700_000_000, 1, 10, 1, 10]] } },
    ],
  });
  assert.deepEqual(list.charts.map((c) => c.title), ['history (rx + tx bytes) per item']);
});
