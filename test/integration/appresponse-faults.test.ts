// Fault injection of the simulated AppResponse, observed through our HTTP core.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStatusError, InvalidResponseError, NetworkError } from '../../src/http/errors';
import { AppResponseClient } from '../../src/appresponse/client';
import { clientFor, startRig, type Rig } from './appresponse-support';

describe('AppResponse simulator: fault injection', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ seed: 7 });
  });
  after(() => rig.close());

  it('errorRate 1 answers 5xx with an error body; the core retries idempotent requests when the rate is partial', async () => {
    rig.sim.faults.errorRate = 1;
    rig.sim.faults.errorStatuses = [503];
    try {
      await assert.rejects(rig.client.clips(), (e: unknown) => e instanceof HttpStatusError && e.status === 503 && e.errorId === 'SERVICE_UNAVAILABLE');
    } finally {
      rig.sim.faults.errorRate = 0;
    }
    rig.sim.faults.errorRate = 0.5;
    const retrying = clientFor(rig.sim, undefined, { retries: 8 });
    try {
      const client = new AppResponseClient(retrying);
      for (let i = 0; i < 5; i++) assert.ok((await client.clips()).length > 0);
      assert.ok(rig.sim.stats.faults > 0);
    } finally {
      rig.sim.faults.errorRate = 0;
      rig.sim.faults.errorStatuses = [500, 502, 503, 504];
      await retrying.close();
    }
  });

  it('a reset mid-body is a network error; a malformed JSON body is an invalid response', async () => {
    rig.sim.faults.resetRate = 1;
    try {
      await assert.rejects(rig.client.vifgs(), (e: unknown) => e instanceof NetworkError);
    } finally {
      rig.sim.faults.resetRate = 0;
    }
    rig.sim.faults.malformedRate = 1;
    try {
      await assert.rejects(rig.client.vifgs(), (e: unknown) => e instanceof InvalidResponseError);
    } finally {
      rig.sim.faults.malformedRate = 0;
    }
    assert.ok((await rig.client.vifgs()).length > 0);
  });

  it('X-Sim-Fault picks a fault for one request (status, latency)', async () => {
    await assert.rejects(rig.http.json({ path: '/api/npm.clips/1.0/clips', headers: { 'X-Sim-Fault': '502' } }), (e: unknown) => e instanceof HttpStatusError && e.status === 502);
    const r = await rig.http.json({ path: '/api/npm.clips/1.0/clips', headers: { 'X-Sim-Fault': 'latency=120' } });
    assert.ok(r.elapsedMs >= 110, String(r.elapsedMs));
  });

  it('latency applies to every request; statistics count requests and concurrency', async () => {
    rig.sim.resetStats();
    rig.sim.faults.latencyMs = 60;
    try {
      const started = Date.now();
      await Promise.all([rig.client.clips(), rig.client.vifgs(), rig.client.jobs(), rig.client.fs()]);
      assert.ok(Date.now() - started >= 55);
      assert.equal(rig.sim.stats.total, 4);
      assert.ok(rig.sim.stats.maxInFlight >= 2, String(rig.sim.stats.maxInFlight));
      assert.equal(rig.sim.stats.byRoute['GET /api/npm.clips/1.0/clips'], 1);
    } finally {
      rig.sim.faults.latencyMs = 0;
    }
  });

  it('tokens expire after N authenticated requests (token expiry mid-session): requests keep succeeding', async () => {
    rig.sim.faults.expireTokensAfterRequests = 3;
    try {
      for (let i = 0; i < 10; i++) assert.ok((await rig.client.clips()).length > 0);
      assert.ok((rig.sim.stats.byStatus['401'] ?? 0) >= 2);
    } finally {
      rig.sim.faults.expireTokensAfterRequests = undefined;
    }
  });

  it('neverComplete keeps every data_def executing', async () => {
    rig.sim.faults.neverComplete = true;
    try {
      const { ref } = await rig.client.createInstance([{ source: { name: 'aggregates' }, columns: ['sum_traffic.total_bytes'], time: { duration: 'last 5 min' } }]);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal((await rig.client.status(ref, 1)).status.state, 'executing');
      await rig.client.deleteInstance(ref);
    } finally {
      rig.sim.faults.neverComplete = false;
    }
  });
});
