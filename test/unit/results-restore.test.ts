// A results panel after a window reload: the state the webview keeps (the panel's restore state,
// JSON through vscode.setState) and what the serializer reads back from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allegroRestoreState, autoRefreshFromState, requestFromState } from '../../src/panels/resultsRestore';
import { applyQueryBar } from '../../src/results/query';

const SAVED_AT = 1_700_000_000;
const RELOADED_AT = SAVED_AT + 5 * 60;

/** What the webview keeps and gives back after the reload (structured-cloned JSON). */
const throughWebview = (state: unknown): unknown => JSON.parse(JSON.stringify({ activeTab: 'items', restore: state }));

test('a time preset survives a window reload and is resolved again against the time of the reload', () => {
  const request = { kind: 'allegro' as const, device: 'lab', path: '/API/stats/modules/ip/ips_paged', query: { sort: 'bytes', reverse: true, page: 0, count: 100 } };
  const bar = { sort: 'bps', reverse: true, page: 0, count: 50, timePreset: 'last1h' as const };
  const restored = requestFromState(throughWebview(allegroRestoreState(request, bar)));
  assert.ok(restored && restored.request.kind === 'allegro');
  assert.equal(restored.lostStatic, false);
  assert.deepEqual(restored.request.bar, bar, 'the query bar comes back as the user left it, preset and sort');
  const sent = applyQueryBar(restored.request.query ?? {}, restored.request.bar!, RELOADED_AT);
  assert.deepEqual(sent, { sort: 'bps', reverse: true, page: 0, count: 50, starttime: RELOADED_AT - 3600, endtime: RELOADED_AT }, 'the last hour before the reload, not Live and not the hour before the save');
});

test('a custom interval and "all pages" survive a reload as they were', () => {
  const request = { kind: 'allegro' as const, device: 'lab', path: '/API/stats/modules/ip/ips_paged', title: 'ips_paged · slot 1' };
  const bar = { timePreset: 'custom' as const, starttime: SAVED_AT - 7200, endtime: SAVED_AT - 3600, allPages: true, mmId: ':1' };
  const restored = requestFromState(throughWebview(allegroRestoreState(request, bar)));
  assert.ok(restored && restored.request.kind === 'allegro');
  assert.deepEqual(restored.request.bar, bar);
  assert.equal(restored.request.allPages, true);
  assert.equal(restored.request.title, 'ips_paged · slot 1');
  assert.deepEqual(applyQueryBar({}, restored.request.bar!, RELOADED_AT), { starttime: SAVED_AT - 7200, endtime: SAVED_AT - 3600, 'mm-id': ':1' });
});

test('a query bar read back from the webview keeps only known fields of the right type', () => {
  const restored = requestFromState({
    restore: {
      kind: 'allegro', device: 'lab', path: '/API/stats/modules/ip/ips/10.1.2.3', query: {},
      bar: { timePreset: 'last2years', sort: 7, count: 'ten', starttime: Number.NaN, values: 30, mmId: ':1', token: 'secret', reverse: 'yes' },
    },
  });
  assert.ok(restored && restored.request.kind === 'allegro');
  assert.deepEqual(restored.request.bar, { values: 30, mmId: ':1' });
});

test('a state saved before the query bar was kept still restores its query', () => {
  const restored = requestFromState({ restore: { kind: 'allegro', device: 'lab', path: '/API/stats/modules/ip/ips_paged', query: { sort: 'bytes', starttime: 5, endtime: 9 } } });
  assert.ok(restored && restored.request.kind === 'allegro');
  assert.equal(restored.request.bar, undefined);
  assert.deepEqual(restored.request.query, { sort: 'bytes', starttime: 5, endtime: 9 });
});

test('a restored panel keeps the auto-refresh interval its webview saved; anything odd falls back to the setting', () => {
  assert.equal(autoRefreshFromState({ autoRefreshSeconds: 300 }), 300);
  assert.equal(autoRefreshFromState({ autoRefreshSeconds: 0 }), 0, 'off stays off');
  for (const odd of [undefined, null, {}, { autoRefreshSeconds: '30' }, { autoRefreshSeconds: -5 }, { autoRefreshSeconds: 2.5 }, { autoRefreshSeconds: 1e9 }]) {
    assert.equal(autoRefreshFromState(odd), undefined, JSON.stringify(odd));
  }
});
