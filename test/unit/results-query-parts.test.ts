// Which parts of the query bar an Allegro node takes, read from its answer (reference: "List
// queries", "Time interval selection"), and which parameters are sent for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyQueryBar, isAllegroListPath, queryBarPartsOf } from '../../src/results/query';

const NOW = 1_700_000_000;
const counters = { interval: [1, 2, 3, 4], allTime: [5, 6, 7, 8], lastSecond: [1, 2, 3, 4], intervalPerSecond: [1, 2, 3, 4] };

test('a list with displayedItems is sorted and paged by the device: every part applies', () => {
  assert.deepEqual(queryBarPartsOf({ displayedItems: [], numberOfItems: 0, numberOfPages: 0 }), { paging: true, time: true, history: true });
  assert.deepEqual(queryBarPartsOf({ asyncResult: { displayedItems: [{ clientIp: '10.0.0.1' }] } }), { paging: true, time: true, history: true }, 'an asynchronous list (globalConnections)');
});

test('a plain array such as ips is neither sorted nor paged: no sort, paging or history parts', () => {
  assert.deepEqual(queryBarPartsOf(['10.0.0.1', '10.0.0.2']), { paging: false, time: true, history: false });
  assert.equal(isAllegroListPath('/API/stats/modules/ip/ips'), false, 'ips is not taken for a paged list before its answer');
  assert.equal(isAllegroListPath('/API/stats/modules/ip/ips_paged'), true);
});

test('an object with traffic counters takes a time interval, and timespan/values when it carries history', () => {
  assert.deepEqual(queryBarPartsOf({ ip: '10.0.0.1', ...counters, history: { rows: ['rxBytes'], timespan: 60, data: [[1_700_000_000_000, 5]] } }), { paging: false, time: true, history: true });
  assert.deepEqual(queryBarPartsOf({ ip: '10.0.0.1', ...counters, history: { rows: ['rxPackets', 'rxBytes'], timespan: 60, dataAge: 0 } }), { paging: false, time: true, history: true }, 'history without datasets (skiphistorydata=true)');
  assert.deepEqual(queryBarPartsOf({ mac: 'ff:ff:ff:ff:ff:ff', ...counters }), { paging: false, time: true, history: false });
});

test('an answer without counters or a list has no query bar', () => {
  assert.equal(queryBarPartsOf({ hostname: 'mm', version: '4.2' }), undefined);
  assert.equal(queryBarPartsOf({ ips: 279 }), undefined);
  assert.equal(queryBarPartsOf('text'), undefined);
});

test('parameters of parts that do not apply are not sent: no page or count to a plain list, no sort to an object', () => {
  const bar = { sort: 'bytes', reverse: true, page: 1, count: 100, timePreset: 'last1h' as const, timespan: 60, values: 30, mmId: ':1', group: 1 };
  const base = { sort: 'bytes', reverse: true, page: 0, count: 100, skiphistorydata: true };
  assert.deepEqual(applyQueryBar(base, bar, NOW, { paging: false, time: true, history: false }), { skiphistorydata: true, starttime: NOW - 3600, endtime: NOW, 'mm-id': ':1', group: 1 });
  assert.deepEqual(applyQueryBar({}, bar, NOW, { paging: false, time: true, history: true }), { starttime: NOW - 3600, endtime: NOW, timespan: 60, values: 30, 'mm-id': ':1', group: 1 });
  assert.deepEqual(applyQueryBar({}, bar, NOW), { sort: 'bytes', reverse: true, page: 1, count: 100, starttime: NOW - 3600, endtime: NOW, timespan: 60, values: 30, 'mm-id': ':1', group: 1 }, 'every part by default');
});
