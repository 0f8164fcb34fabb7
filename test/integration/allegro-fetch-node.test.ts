import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro/index';
import { AllegroClient } from '../../src/allegro/client';
import { fetchNode, isAsyncHandle } from '../../src/allegro/fetchNode';
import { httpFor } from './allegro-support';

let sim: AllegroSimulator;
let client: AllegroClient;
before(async () => {
  sim = await startAllegroSimulator({ seed: 7 });
  client = new AllegroClient(httpFor(sim));
});
after(async () => {
  await client.http.close();
  await sim.close();
});

test('opening an asynchronous node (globalConnections) yields the connection list, not the job handle', async () => {
  const direct = await client.get('/API/stats/modules/ip/globalConnections', { page: 0, count: 5 });
  assert.ok(isAsyncHandle(direct), 'the device answers a job handle');
  const result = (await fetchNode(client, '/API/stats/modules/ip/globalConnections', { page: 0, count: 5 })) as { displayedItems: Array<{ clientIp: string; serverIp: string }> };
  assert.ok(Array.isArray(result.displayedItems) && result.displayedItems.length > 0);
  assert.equal(typeof result.displayedItems[0]!.clientIp, 'string');
});

test('opening a plain node returns its JSON unchanged', async () => {
  const info = (await fetchNode(client, '/API/info/system', undefined)) as Record<string, unknown>;
  assert.ok('uptimeSec' in info || Object.keys(info).length > 0);
  assert.ok(!isAsyncHandle(info));
});
