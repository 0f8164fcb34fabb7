// The results view's query bar against the simulated Allegro over HTTPS: which parts of the bar a
// node takes (read from its real answer, as the panel reads it) and what the device does with the
// parameters the bar sends (reference: "List queries", "Time interval selection").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro';
import { createHttpClient } from '../../src/http';
import type { HttpClientApi } from '../../src/http/types';
import { clientOptionsOf } from '../../src/devices/client-options';
import { applyQueryBar, isAllegroListPath, queryBarPartsOf, type AllegroQuery } from '../../src/results/query';

let sim: AllegroSimulator;
let http: HttpClientApi;

before(async () => {
  sim = await startAllegroSimulator({ seed: 7 });
  const profile = { name: 'mm', kind: 'allegro' as const, url: sim.url, auth: 'basic' as const, username: sim.username, tls: { mode: 'pin' as const, fingerprint: sim.fingerprint } };
  http = createHttpClient(clientOptionsOf(profile, sim.password, { maxConcurrentRequests: 4, timeouts: { connectMs: 5000, headersMs: 10000, bodyIdleMs: 10000 }, retries: 0, proxy: {} }));
});

after(async () => {
  await http?.close();
  await sim?.close();
});

const get = async <T>(path: string, query: AllegroQuery = {}): Promise<T> => (await http.json({ path, query })).body as T;
const nowSeconds = (): number => Math.floor(sim.now() / 1000);

interface IpAnswer {
  ip: string;
  interval: number[];
  allTime: number[];
  intervalPerSecond: number[];
  history: { data?: number[][] };
}

async function busiestIp(): Promise<string> {
  const list = await get<{ displayedItems: { ip: string }[] }>('/API/stats/modules/ip/ips_paged', { sort: 'bytes', reverse: true, count: 1 });
  return list.displayedItems[0].ip;
}

test('ips is a plain list the device does not page: the query bar offers no sort or paging for it, ips_paged keeps them', async () => {
  const path = '/API/stats/modules/ip/ips';
  // The query the tree's :ip node opens the list with, then "next page".
  const page0 = await get<string[]>(path, { sort: 'bytes', reverse: true, page: 0, count: 100 });
  const page1 = await get<string[]>(path, { sort: 'bytes', reverse: true, page: 1, count: 100 });
  assert.ok(Array.isArray(page0) && page0.length > 100, `a plain array of ${page0.length} addresses`);
  assert.deepEqual(page1, page0, 'the device ignores page and count here');
  assert.equal(isAllegroListPath(path), false, 'not taken for a paged list before the answer');
  assert.deepEqual(queryBarPartsOf(page0), { paging: false, time: true, history: false });

  const paged0 = await get<{ displayedItems: { ip: string }[]; numberOfPages: number }>('/API/stats/modules/ip/ips_paged', { page: 0, count: 100 });
  const paged1 = await get<{ displayedItems: { ip: string }[] }>('/API/stats/modules/ip/ips_paged', { page: 1, count: 100 });
  assert.ok(paged0.numberOfPages > 1);
  assert.notDeepEqual(paged1.displayedItems.map((i) => i.ip), paged0.displayedItems.map((i) => i.ip), 'ips_paged does page');
  assert.deepEqual(queryBarPartsOf(paged0), { paging: true, time: true, history: true });
});

test('an IP over the last 24 hours (the document\'s headline example): the preset is sent as starttime/endtime and interval follows it', async () => {
  const ip = await busiestIp();
  const path = `/API/stats/modules/ip/ips/${ip}`;
  const parts = queryBarPartsOf(await get(path));
  assert.deepEqual(parts, { paging: false, time: true, history: true }, 'a single IP takes the time interval and history parts');
  const now = nowSeconds();
  const query = applyQueryBar({ skiphistorydata: true }, { timePreset: 'last24h', sort: 'bytes', page: 2 }, now, parts);
  assert.deepEqual(query, { skiphistorydata: true, starttime: now - 86400, endtime: now }, 'no list parameters to an object');
  const day = await get<IpAnswer>(path, query);
  // The simulator keeps an hour of history: the last 24 hours are everything since the start.
  assert.deepEqual(day.interval, day.allTime, 'interval = the whole day the device has');
  assert.equal(day.history.data, undefined, 'skiphistorydata drops the datasets');
});

test('a custom interval of an IP: its interval counters are the sum of its history over the same five minutes', async () => {
  const ip = await busiestIp();
  const path = `/API/stats/modules/ip/ips/${ip}`;
  const end = nowSeconds() - 120;
  const query = applyQueryBar({}, { timePreset: 'custom', starttime: end - 300, endtime: end, timespan: 60, values: 5 }, nowSeconds(), { paging: false, time: true, history: true });
  assert.deepEqual(query, { starttime: end - 300, endtime: end, timespan: 60, values: 5 });
  const answer = await get<IpAnswer>(path, query);
  const points = answer.history.data ?? [];
  assert.equal(points.length, 5);
  assert.equal(points.at(-1)![0], end * 1000, 'the history ends at endtime');
  for (const i of [0, 1, 2, 3]) assert.equal(answer.interval[i], points.reduce((sum, p) => sum + p[i + 1], 0), `interval[${i}] is the interval's traffic`);
  assert.ok(answer.interval[1] + answer.interval[3] < answer.allTime[1] + answer.allTime[3], 'less than allTime');
  assert.deepEqual(answer.intervalPerSecond.map((v) => Math.round(v)), answer.interval.map((v) => Math.round(v / 300)), 'per second of the five minutes');
});

test('an IP asked for an interval in which it had no traffic answers zero interval counters, not an error', async () => {
  const ip = await busiestIp();
  const path = `/API/stats/modules/ip/ips/${ip}`;
  const start = sim.slots.get(0)!.startedAt;
  const now = nowSeconds();
  for (const [what, starttime, endtime] of [['before the processing start', start - 7200, start - 3600], ['in the future', now + 600, now + 900]] as const) {
    const answer = await get<IpAnswer>(path, { starttime, endtime });
    assert.equal(answer.ip, ip, what);
    assert.deepEqual(answer.interval, [0, 0, 0, 0], `${what}: nothing in the interval`);
    assert.deepEqual(answer.intervalPerSecond, [0, 0, 0, 0], what);
    assert.ok(answer.allTime[1] > 0, `${what}: allTime still counts`);
  }
  const mac = (await get<{ mac: string }>(path)).mac;
  const macAnswer = await get<{ interval: number[]; allTime: number[] }>(`/API/stats/modules/mac/macs/${mac}`, { starttime: start - 7200, endtime: start - 3600 });
  assert.deepEqual(macAnswer.interval, [0, 0, 0, 0], 'a MAC too');
  const list = await get<{ numberOfItems: number }>('/API/stats/modules/ip/ips_paged', { starttime: start - 7200, endtime: start - 3600 });
  assert.equal(list.numberOfItems, 0, 'a list holds only what was active in the interval');
});
