// List paging, sorting, time windows and CSV of the simulated Allegro API (pure functions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, pageOf, timeContext, toCsv, type CounterBlock, type View } from '../../src/simulator/allegro/views';
import { ModelSource, TrafficModel } from '../../src/simulator/model/index';

const block = (bytes: number, bps = bytes): CounterBlock => ({ interval: [1, bytes, 1, 0], allTime: [1, bytes, 1, 0], lastSecond: [0, 0, 0, 0], intervalPerSecond: [0, bps, 0, 0] });
const items = Array.from({ length: 250 }, (_, i) => ({ item: { n: i }, counters: block((i * 37) % 101, i), tie: String(i).padStart(3, '0') }));

test('count is clamped to 100, pages split the sorted list, numberOfPages rounds up', () => {
  const q = new URLSearchParams({ count: '9999', page: '2', sort: 'bytes', reverse: 'True' });
  const p = pageOf(items, q);
  assert.equal(p.itemsPerPage, 100);
  assert.equal(p.numberOfItems, 250);
  assert.equal(p.numberOfPages, 3);
  assert.equal(p.displayedItems.length, 50);
  const all = [0, 1, 2].flatMap((page) => pageOf(items, new URLSearchParams({ count: '100', page: String(page) })).displayedItems.map((i) => i.n));
  assert.equal(new Set(all).size, 250);
});

test('reverse=true sorts descending, reverse=false ascending; ties keep a stable order', () => {
  const desc = pageOf(items, new URLSearchParams({ sort: 'bytes', reverse: 'true', count: '100' })).displayedItems.map((i) => items[i.n]!.counters.interval[1]!);
  const asc = pageOf(items, new URLSearchParams({ sort: 'bytes', reverse: 'false', count: '100' })).displayedItems.map((i) => items[i.n]!.counters.interval[1]!);
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a));
  assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
  const bps = pageOf(items, new URLSearchParams({ sort: 'bps', count: '1' })).displayedItems[0]!;
  assert.equal(bps.n, 249);
  assert.throws(() => pageOf(items, new URLSearchParams({ sort: 'colour' })), (e: unknown) => e instanceof ApiError && e.status === 400);
});

test('time windows: starttime/endtime clamp to the processing start and now; without them the interval is the last second', () => {
  const model = new TrafficModel({ seed: 1, startedAt: 1_000_000 });
  const view: View = { source: new ModelSource(model), now: 1_003_600 };
  const none = timeContext(view, new URLSearchParams());
  assert.deepEqual(none.interval, { t0: 1_003_599, t1: 1_003_600 });
  assert.deepEqual(none.allTime, { t0: 1_000_000, t1: 1_003_600 });
  const clamped = timeContext(view, new URLSearchParams({ starttime: '900000', endtime: '2000000', values: '10', skiphistorydata: 'true' }));
  assert.deepEqual(clamped.interval, { t0: 1_000_000, t1: 1_003_600 });
  assert.equal(clamped.timespan, 360);
  assert.equal(clamped.skipHistoryData, true);
  assert.throws(() => timeContext(view, new URLSearchParams({ starttime: '1003000', endtime: '1002000' })), ApiError);
  assert.throws(() => timeContext(view, new URLSearchParams({ starttime: 'yesterday' })), ApiError);
});

test('CSV quotes fields with commas, quotes and line breaks', () => {
  assert.equal(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [1, 'two\nlines']]), 'a,b\r\n"x,y","say ""hi"""\r\n1,"two\nlines"\r\n');
});
