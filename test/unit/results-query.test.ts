import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyQueryBar, isAllegroListPath, queryBarFrom, queryBarProblem } from '../../src/results/query';
import { formatTimestamp } from '../../src/results/format';
import { fetchAllPages } from '../../src/results/fetchAllegro';
import { requestFromState } from '../../src/panels/resultsRestore';

const NOW = 1_700_000_000;

test('time presets become starttime/endtime in epoch seconds relative to now', () => {
  assert.deepEqual(applyQueryBar({}, { timePreset: 'last15m' }, NOW), { starttime: NOW - 900, endtime: NOW });
  assert.deepEqual(applyQueryBar({}, { timePreset: 'last1h' }, NOW), { starttime: NOW - 3600, endtime: NOW });
  assert.deepEqual(applyQueryBar({}, { timePreset: 'last24h' }, NOW + 0.7), { starttime: NOW - 86400, endtime: NOW });
  assert.deepEqual(applyQueryBar({ starttime: 1, endtime: 2 }, { timePreset: 'live' }, NOW), {}, 'live drops the interval');
});

test('the query bar maps to the documented list parameters and keeps other parameters', () => {
  const q = applyQueryBar({ skiphistorydata: true, page: 9 }, { sort: 'bps', reverse: true, page: 2, count: 500, timespan: 60, values: 100, mmId: ':1', group: 1 }, NOW);
  assert.deepEqual(q, { skiphistorydata: true, sort: 'bps', reverse: true, page: 2, count: 100, timespan: 60, values: 100, 'mm-id': ':1', group: 1 });
});

test('group 0 (the default link group) and empty fields are not sent', () => {
  assert.deepEqual(applyQueryBar({}, { group: 0, mmId: '', timespan: 0 }, NOW), {});
});

test('a custom interval is sent as given', () => {
  assert.deepEqual(applyQueryBar({}, { timePreset: 'custom', starttime: 100.9, endtime: 200 }, NOW), { starttime: 100, endtime: 200 });
});

test('a query bar is read back from query parameters', () => {
  assert.deepEqual(queryBarFrom({ sort: 'bytes', reverse: 'true', page: '3', count: 10, 'mm-id': ':1', starttime: 5, endtime: 9 }), {
    sort: 'bytes', reverse: true, page: 3, count: 10, mmId: ':1', timePreset: 'custom', starttime: 5, endtime: 9,
  });
});

test('list nodes are recognised by their path', () => {
  assert.ok(isAllegroListPath('/API/stats/modules/ip/ips_paged'));
  assert.ok(isAllegroListPath('/API/stats/modules/ip/ips/10.1.2.3/peers'));
  assert.ok(!isAllegroListPath('/API/stats/modules/ip/ips/10.1.2.3'));
  assert.ok(!isAllegroListPath('/API/info/system'));
});

test('"all pages" fetches every page with the maximum count and concatenates displayedItems', async () => {
  const asked: Record<string, unknown>[] = [];
  const run = async (_d: string, _p: string, query: Record<string, unknown>) => {
    asked.push(query);
    const page = Number(query.page);
    return { numberOfPages: 3, numberOfItems: 5, displayedItems: page < 2 ? [{ n: page * 2 }, { n: page * 2 + 1 }] : [{ n: 4 }] };
  };
  const out = (await fetchAllPages(run, 'dev', '/API/stats/modules/ip/ips_paged', { sort: 'bytes' }, new AbortController().signal)) as { displayedItems: { n: number }[] };
  assert.deepEqual(out.displayedItems.map((i) => i.n), [0, 1, 2, 3, 4]);
  assert.deepEqual(asked.map((q) => q.page).sort(), [0, 1, 2]);
  assert.ok(asked.every((q) => q.count === 100 && q.sort === 'bytes'));
});

test('"all pages" keeps an item that moved to the next page between two requests once, where it ranked first', async () => {
  // A live list: 10.0.0.2 ranked last on page 0 and was first on page 1 by the time that was asked.
  const run = async (_d: string, _p: string, query: Record<string, unknown>) => {
    const page = Number(query.page);
    const items = page === 0 ? [{ ip: '10.0.0.1', bytes: 900 }, { ip: '10.0.0.2', bytes: 800 }] : [{ ip: '10.0.0.2', bytes: 810 }, { ip: '10.0.0.3', bytes: 805 }];
    return { numberOfPages: 2, numberOfItems: 4, displayedItems: items };
  };
  const out = (await fetchAllPages(run, 'dev', '/API/stats/modules/ip/ips_paged', { sort: 'bytes' }, new AbortController().signal)) as { displayedItems: { ip: string; bytes: number }[] };
  assert.deepEqual(out.displayedItems, [{ ip: '10.0.0.1', bytes: 900 }, { ip: '10.0.0.2', bytes: 800 }, { ip: '10.0.0.3', bytes: 805 }]);
});

test('a restore state gives back the query and nothing else; static results are marked lost', () => {
  const r = requestFromState({ activeTab: 'items', restore: { kind: 'allegro', device: 'lab', path: '/API/stats/modules/ip/ips_paged', query: { sort: 'bytes', evil: { nested: true } } } });
  assert.deepEqual(r, { request: { kind: 'allegro', device: 'lab', path: '/API/stats/modules/ip/ips_paged', query: { sort: 'bytes' }, allPages: false }, lostStatic: false });
  assert.equal(requestFromState({ restore: { kind: 'static', title: 'x' } })?.lostStatic, true);
  assert.equal(requestFromState(undefined), undefined);
  assert.equal(requestFromState({ restore: { kind: 'allegro', device: 5 } }), undefined);
});

test('a custom interval that ends before it starts, or when it starts, is not sent, with both fields named', () => {
  const start = NOW;
  const end = NOW - 7020; // 07:00 against 08:57
  const before = queryBarProblem({ timePreset: 'custom', starttime: start, endtime: end });
  assert.deepEqual(before?.fields, ['starttime', 'endtime']);
  assert.equal(before?.message, `The end (${formatTimestamp(end)}) is before the start (${formatTimestamp(start)}).`);
  assert.match(queryBarProblem({ timePreset: 'custom', starttime: start, endtime: start })?.message ?? '', /same time .*empty/);
  assert.deepEqual(queryBarProblem({ timePreset: 'custom', starttime: start })?.fields, ['endtime'], 'a missing end');
  assert.equal(queryBarProblem({ timePreset: 'custom', starttime: start, endtime: start + 60 }), undefined);
  assert.equal(queryBarProblem({ timePreset: 'last1h', starttime: start, endtime: end }), undefined, 'a preset ignores leftover fields');
  assert.equal(queryBarProblem({ timePreset: 'custom', starttime: start, endtime: end }, { paging: true, time: false, history: false }), undefined, 'no time part: nothing of it is sent');
});
