// An asynchronous Allegro list that fails or never finishes says what to do, against the simulator.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro/index';
import { AllegroAsyncError, AllegroAsyncTimeoutError, AllegroClient } from '../../src/allegro/index';
import type { HttpClientApi } from '../../src/http/types';
import { httpFor } from './allegro-support';

let sim: AllegroSimulator;
let http: HttpClientApi;
let client: AllegroClient;

before(async () => {
  sim = await startAllegroSimulator({ host: '127.0.0.1', port: 0, seed: 3, asyncDelayMs: 50 });
  http = httpFor(sim);
  client = new AllegroClient(http);
});

after(async () => {
  await http.close();
  await sim.close();
});

test('a list the device is still computing when the wait ends says to try again later or with a shorter interval', async () => {
  const handle = await client.startAsync('/API/stats/modules/ip/globalConnections', { 'sim.never': 1 });
  const error = await client.awaitAsync(handle, { intervalMs: 50, timeoutMs: 1000 }).then(() => assert.fail('finished'), (e: unknown) => e);
  assert.ok(error instanceof AllegroAsyncTimeoutError, String(error));
  assert.match(error.message, /still pending after 1 s \(the device is busy computing it: try again later, or with a shorter time interval\)$/);
});

test('a list the device failed to compute names the errorCode and what to try', async () => {
  const handle = await client.startAsync('/API/stats/modules/ip/globalConnections', { 'sim.asyncError': 5 });
  const error = await client.awaitAsync(handle, { intervalMs: 50 }).then(() => assert.fail('finished'), (e: unknown) => e);
  assert.ok(error instanceof AllegroAsyncError, String(error));
  assert.match(error.message, /failed with errorCode 5.* \(the device could not compute this list: try again, with a shorter time interval or fewer entries\)$/);
});
