// Result shaping on real answers: the simulated Allegro and AppResponse over HTTPS through the
// shared HTTP core and the AppResponse client, shaped exactly as the results panel shapes them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro';
import { createHttpClient } from '../../src/http';
import type { HttpClientApi } from '../../src/http/types';
import { clientOptionsOf } from '../../src/devices/client-options';
import { shapeAllegro } from '../../src/results/allegro';
import { shapeReport } from '../../src/results/appresponse';
import { fetchAllegro } from '../../src/results/fetchAllegro';
import { applyQueryBar } from '../../src/results/query';
import type { ResultTable } from '../../src/results/model';
import { startRig, type Rig } from './appresponse-support';

let sim: AllegroSimulator;
let http: HttpClientApi;
let rig: Rig;

before(async () => {
  sim = await startAllegroSimulator({ seed: 7 });
  const profile = { name: 'mm', kind: 'allegro' as const, url: sim.url, auth: 'basic' as const, username: sim.username, tls: { mode: 'pin' as const, fingerprint: sim.fingerprint } };
  http = createHttpClient(clientOptionsOf(profile, sim.password, { maxConcurrentRequests: 4, timeouts: { connectMs: 5000, headersMs: 10000, bodyIdleMs: 10000 }, retries: 0, proxy: {} }));
  rig = await startRig({ knobs: { stepMs: 5, historySec: 4 * 3600 } });
});

after(async () => {
  await http?.close();
  await sim?.close();
  await rig?.close();
});

const runAllegro = async (_device: string, path: string, query: Record<string, string | number | boolean>, signal: AbortSignal): Promise<unknown> => (await http.json({ path, query, signal })).body;

function column(t: ResultTable, id: string): { kind: string; label: string; values: unknown[] } {
  const i = t.columns.findIndex((c) => c.id === id);
  assert.ok(i >= 0, `column ${id} in ${t.columns.map((c) => c.id).join(', ')}`);
  return { kind: t.columns[i].kind, label: t.columns[i].label, values: t.rows.map((r) => r[i]) };
}

test('an Allegro ips_paged answer becomes a typed table with named counters, bit rates and per-item history', async () => {
  const query = applyQueryBar({}, { sort: 'bytes', reverse: true, page: 0, count: 10, values: 5, timespan: 60 }, Date.now() / 1000);
  const raw = (await runAllegro('mm', '/API/stats/modules/ip/ips_paged', query, new AbortController().signal)) as { displayedItems: { ip: string; hostName: string; interval: number[]; intervalPerSecond: number[] }[]; numberOfPages: number };
  const shaped = shapeAllegro(raw, { page: 0 });
  const items = shaped.tables[0];
  assert.equal(items.id, 'items');
  assert.equal(items.rows.length, raw.displayedItems.length);
  assert.equal(column(items, 'ip').kind, 'ipaddr');
  assert.deepEqual(column(items, 'ip').values, raw.displayedItems.map((i) => i.ip));
  assert.equal(column(items, 'interval.1').label, 'rx bytes');
  assert.deepEqual(column(items, 'interval.3').values, raw.displayedItems.map((i) => i.interval[3]));
  assert.deepEqual(column(items, 'intervalPerSecond.rate').values, raw.displayedItems.map((i) => (i.intervalPerSecond[1] + i.intervalPerSecond[3]) * 8));
  assert.equal(column(items, 'firstSeen').kind, 'timestamp', 'ms epoch fields become timestamps');
  assert.equal(shaped.paging?.numberOfPages, raw.numberOfPages);
  const chart = shaped.charts.find((c) => c.id === 'list-history');
  assert.ok(chart, 'item histories are charted');
  assert.equal(chart.series.length, raw.displayedItems.length);
  assert.equal(chart.series[0].label, raw.displayedItems[0].hostName || raw.displayedItems[0].ip, 'labelled by the item: host name, else IP');
  assert.ok(chart.x.every((t) => t > 1e9 && t < 1e11), 'x in epoch seconds');
});

test('an Allegro single IP answer shows its four counter sets side by side and its history as charts', async () => {
  const list = (await runAllegro('mm', '/API/stats/modules/ip/ips_paged', { count: 1 }, new AbortController().signal)) as { displayedItems: { ip: string }[] };
  const ip = list.displayedItems[0].ip;
  const raw = (await runAllegro('mm', `/API/stats/modules/ip/ips/${ip}`, {}, new AbortController().signal)) as Record<string, number[]>;
  const shaped = shapeAllegro(raw);
  const counters = shaped.tables.find((t) => t.id === 'counters')!;
  assert.deepEqual(column(counters, 'set').values, ['interval', 'allTime', 'lastSecond', 'intervalPerSecond']);
  assert.deepEqual(column(counters, 'c1').values, [raw.interval[1], raw.allTime[1], raw.lastSecond[1], raw.intervalPerSecond[1]]);
  assert.deepEqual(column(counters, 'rxRate').values, [null, null, raw.lastSecond[1] * 8, raw.intervalPerSecond[1] * 8]);
  const titles = shaped.charts.map((c) => c.title);
  // Each history point counts `timespan` seconds: the bytes are charted as a bit rate too.
  const history = (raw as unknown as { history: { timespan: number; data: number[][] } }).history;
  assert.ok(history.timespan > 0, 'the simulator says the timespan of its history points');
  const t = history.timespan;
  const per = t % 3600 === 0 ? `${t / 3600} h` : t % 60 === 0 ? `${t / 60} min` : `${t} s`;
  assert.deepEqual(titles, ['history: bit rate', `history: bytes per ${per}`, `history: packets per ${per}`]);
  assert.deepEqual(shaped.charts[0].series.map((s) => s.label), ['rx bit rate', 'tx bit rate']);
  const last = [...history.data].sort((a, b) => a[0] - b[0]).at(-1)!;
  assert.equal(shaped.charts[0].series[0].values.at(-1), (last[2] * 8) / history.timespan, 'rx bit rate = rx bytes × 8 / timespan');
  assert.deepEqual(shaped.charts[1].series.map((s) => s.label), ['rx bytes', 'tx bytes']);
  const props = shaped.tables.find((t) => t.id === 'properties')!;
  assert.ok(props.rows.some((r) => r[0] === 'ip' && r[1] === ip));
});

test('"all pages" walks every page of the simulated list and returns all items once', async () => {
  const signal = new AbortController().signal;
  const first = (await runAllegro('mm', '/API/stats/modules/ip/ips_paged', { count: 100, page: 0 }, signal)) as { numberOfItems: number };
  const all = (await fetchAllegro(runAllegro, 'mm', '/API/stats/modules/ip/ips_paged', { sort: 'bytes', reverse: true }, true, signal)) as { displayedItems: { ip: string }[] };
  // Ranked by live counters, an item can move across a page boundary between two page requests
  // (a real device does the same): it is kept once, and at most a few can be missed.
  assert.equal(new Set(all.displayedItems.map((i) => i.ip)).size, all.displayedItems.length, 'no item twice');
  assert.ok(all.displayedItems.length >= first.numberOfItems - 3 && all.displayedItems.length <= first.numberOfItems, `${all.displayedItems.length} of ${first.numberOfItems}`);
  assert.ok(first.numberOfItems > 100, 'more than one page');
});

test('an AppResponse time series by host group is typed from the catalogue and charted per group', async () => {
  const source = await rig.client.source('aggregates');
  const columns = ['start_time', 'host_group.id', 'host_group.name', 'sum_traffic.total_bytes', 'avg_traffic.total_bytes_ps'];
  const { instance, ref } = await rig.client.runSync([{ source: { name: 'aggregates' }, time: { duration: 'last 1 hour', granularity: '300' }, group_by: ['start_time', 'host_group.id'], columns, limit: 1000 }]);
  await rig.client.deleteInstance(ref);
  const def = instance.data_defs[0];
  assert.equal(def.status.state, 'completed');
  const shaped = shapeReport([{ id: def.id, columns: def.columns ?? columns, data: def.data ?? [] }], source.columns);
  const table = shaped.tables[0];
  assert.deepEqual(table.columns.map((c) => c.kind), ['timestamp', 'identifier', 'string', 'bytes', 'byterate']);
  assert.ok(table.rows.length > 0);
  assert.ok(table.rows.every((r) => typeof r[0] === 'number' && (typeof r[3] === 'number' || r[3] === '#N/A' || r[3] === '#N/D')));
  const bytesChart = shaped.charts.find((c) => c.id.endsWith('sum_traffic.total_bytes'))!;
  const groups = new Set(table.rows.map((r) => r[2]));
  assert.equal(bytesChart.series.length, Math.min(12, groups.size), 'one series per host group');
  assert.ok(bytesChart.series.every((s) => groups.has(s.label)), 'labelled by host group name');
  const times = [...new Set(table.rows.map((r) => r[0] as number))].sort((a, b) => a - b);
  assert.deepEqual(bytesChart.x, times);
});
