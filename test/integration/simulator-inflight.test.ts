// The simulators' "requests in flight" statistics, seen through our HTTP core with keep-alive:
// a request stops counting when its response is ended, so a strictly sequential client is never
// counted twice at once, and a client limited to N parallel requests is counted at most N.
// The simulator runs in its own process (simulator-child.ts), as a device would: sharing the
// client's event loop would hide a count that ends too late.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { createHttpClient } from '../../src/http/index';
import type { Credentials, HttpClientApi, RequestOptions } from '../../src/http/types';

const SEQUENTIAL = 100;
const PARALLEL = 20;
const LIMIT = 3;

interface SimStats { total: number; inFlight: number; maxInFlight: number }
interface ChildSim {
  url: string;
  fingerprint: string;
  username: string;
  password: string;
  reset(): Promise<void>;
  stats(): Promise<SimStats>;
  close(): Promise<void>;
}

async function startChild(kind: 'allegro' | 'appresponse'): Promise<ChildSim> {
  const child: ChildProcess = fork(new URL('./simulator-child.ts', import.meta.url).pathname, [kind], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let next = 1;
  const waiting = new Map<number, (m: { stats?: SimStats }) => void>();
  const ready = await new Promise<{ url: string; fingerprint: string; username: string; password: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator process exited (${code})`)));
    child.on('message', (m: { id: number; ready?: { url: string; fingerprint: string; username: string; password: string }; stats?: SimStats }) => {
      if (m.ready) resolve(m.ready);
      else waiting.get(m.id)?.(m);
      waiting.delete(m.id);
    });
  });
  const ask = (type: 'reset' | 'stats') => new Promise<{ stats?: SimStats }>((resolve) => {
    const id = next++;
    waiting.set(id, resolve);
    child.send({ type, id });
  });
  return {
    ...ready,
    reset: async () => void (await ask('reset')),
    stats: async () => (await ask('stats')).stats!,
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.removeAllListeners('exit');
      child.once('exit', () => resolve());
      child.send({ type: 'close', id: next++ });
    }),
  };
}

/** The simulator's stats once every response of the client has ended there (bounded wait). */
async function settledStats(sim: ChildSim): Promise<SimStats> {
  const deadline = Date.now() + 2000;
  let stats = await sim.stats();
  while (stats.inFlight !== 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
    stats = await sim.stats();
  }
  assert.equal(stats.inFlight, 0, 'every request has ended on the simulator');
  return stats;
}

const appliances: { kind: 'allegro' | 'appresponse'; credentials: (sim: ChildSim) => Credentials; requests: [RequestOptions, RequestOptions] }[] = [
  {
    kind: 'allegro',
    credentials: (sim) => ({ kind: 'basic', username: sim.username, password: sim.password }),
    requests: [{ method: 'OPTIONS', path: '/API/stats' }, { method: 'OPTIONS', path: '/API/stats/modules' }],
  },
  {
    kind: 'appresponse',
    credentials: () => ({ kind: 'none' }),
    requests: [{ path: '/api/common/1.0/info' }, { path: '/api/common/1.0/services' }],
  },
];

for (const appliance of appliances) {
  describe(`${appliance.kind} simulator: requests in flight`, () => {
    let sim: ChildSim;
    const clientWith = (maxConcurrency: number): HttpClientApi => createHttpClient({
      deviceName: `${appliance.kind}-inflight`,
      baseUrl: sim.url,
      tls: { mode: 'pin', fingerprint: sim.fingerprint },
      credentials: appliance.credentials(sim),
      maxConcurrency,
      retries: 0,
    });
    before(async () => {
      sim = await startChild(appliance.kind);
    });
    after(async () => {
      await sim?.close();
    });

    it('a strictly sequential keep-alive client is counted one at a time', async () => {
      const http = clientWith(6);
      try {
        await http.json(appliance.requests[0]); // connection set up
        await settledStats(sim);
        await sim.reset();
        for (let i = 0; i < SEQUENTIAL; i++) await http.json(appliance.requests[i % 2]);
        const stats = await settledStats(sim);
        assert.equal(stats.total, SEQUENTIAL);
        assert.equal(stats.maxInFlight, 1);
      } finally {
        await http.close();
      }
    });

    it(`a client limited to ${LIMIT} firing ${PARALLEL} requests at once is counted at most ${LIMIT}, and in parallel`, async () => {
      const http = clientWith(LIMIT);
      try {
        await http.json(appliance.requests[0]);
        await settledStats(sim);
        await sim.reset();
        await Promise.all(Array.from({ length: PARALLEL }, (_, i) => http.json(appliance.requests[i % 2])));
        const stats = await settledStats(sim);
        assert.equal(stats.total, PARALLEL);
        assert.ok(stats.maxInFlight <= LIMIT, `maxInFlight ${stats.maxInFlight} ≤ ${LIMIT}`);
        assert.ok(stats.maxInFlight >= 2, `maxInFlight ${stats.maxInFlight} ≥ 2 (the requests did run in parallel)`);
      } finally {
        await http.close();
      }
    });
  });
}
