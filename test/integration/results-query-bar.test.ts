// The results view's query bar against the simulated Allegro over HTTPS: which parts of the bar a
// node takes (read from its real answer, as the panel reads it) and what the device does with the
// parameters the bar sends (reference: "List queries", "Time interval selection").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro';
import { createHttpClient } from '../../src/http';
import type { HttpClientApi } from '../../src/http/types';
import { clientOptionsOf } from '../../src/devices/client-options';
import { isAllegroListPath, queryBarPartsOf, type AllegroQuery } from '../../src/results/query';

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
