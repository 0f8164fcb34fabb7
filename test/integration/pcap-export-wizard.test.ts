// What the Export Packets wizard learns from the AppResponse simulator before and after an export:
// the source read again when the wizard opens (a tree node's copy may be hours old).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpClient } from '../../src/http/index';
import type { HttpClientApi } from '../../src/http/types';
import { startAppResponseSimulator, type AppResponseSimulator } from '../../src/simulator/appresponse/index';
import { listPacketSources, readPacketSource } from '../../src/appresponse/packetExport';
import type { PacketSourceRef } from '../../src/pcap/target';

let sim: AppResponseSimulator;
let http: HttpClientApi;
let job: PacketSourceRef;

before(async () => {
  sim = await startAppResponseSimulator({ seed: 7, knobs: { stepMs: 15, keepaliveMs: 100, doneGraceMs: 5_000 } });
  http = createHttpClient({
    deviceName: 'ar-sim',
    baseUrl: sim.url,
    tls: { mode: 'pin', fingerprint: sim.fingerprint },
    credentials: { kind: 'appresponse', username: sim.username, password: sim.password },
    retries: 0,
  });
  job = (await listPacketSources(http)).sources.find((s) => s.type === 'job' && s.name === 'default_job')!;
  assert.ok(job);
});

after(async () => {
  await http.close();
  await sim.close();
});

describe('Export Packets reads its source again', () => {
  test("a running job from a node read 35 minutes ago: the wizard's copy ends now and is marked still capturing", async () => {
    const stale: PacketSourceRef = { ...job, endTime: job.endTime! - 35 * 60 };
    delete stale.live;
    const before = Math.floor(Date.now() / 1000);
    const fresh = await readPacketSource(http, stale);
    assert.equal(fresh.live, true);
    assert.ok(fresh.endTime! >= before, `ends now (${fresh.endTime} ≥ ${before}), not at the node's ${stale.endTime}`);
    assert.equal(fresh.startTime, job.startTime);
    assert.equal(fresh.name, 'default_job');
  });

  test('a clip and a file are read with their own time ranges, and are not live', async () => {
    const listed = (await listPacketSources(http)).sources;
    for (const type of ['clip', 'file'] as const) {
      const s = listed.find((x) => x.type === type)!;
      const fresh = await readPacketSource(http, { type, id: s.id });
      assert.deepEqual([fresh.startTime, fresh.endTime, fresh.live], [s.startTime, s.endTime, undefined], type);
    }
  });

  test('a source the device no longer has is said so', async () => {
    await assert.rejects(readPacketSource(http, { type: 'job', id: 'gone' }), /ar-sim has no job gone any more/);
  });
});
