// The live API of the simulated AppResponse (npm.probe.reports, live: true), replaying the document.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStatusError } from '../../src/http/errors';
import type { DataDefRequest, DataDefResponse, InstanceResponse } from '../../src/appresponse/types';
import { readAll, sleep, startRig, type Rig } from './appresponse-support';
import { readCaptureFile } from '../../src/simulator/model/pcap';

const JOB = 'c69a9a14-fb82-46a7-b7c1-70751b70f69b';
const perSecond: DataDefRequest = {
  source: { name: 'packets', path: `jobs/${JOB}` },
  time: { retention_time: '86400', granularity: '1' },
  group_by: ['start_time'],
  columns: ['start_time', 'sum_tcp.total_bytes', 'avg_traffic.total_bytes_ps'],
};
const perMilli: DataDefRequest = {
  source: { name: 'packets', path: `jobs/${JOB}` },
  time: { retention_time: '3600', granularity: '0.001' },
  group_by: ['start_time'],
  columns: ['start_time', 'sum_traffic.total_bytes'],
};

describe('AppResponse simulator: live API', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ knobs: { stepMs: 15, liveInitSteps: 4 } });
  });
  after(() => rig.close());

  it('POST live instance → 201, Location, pending; initializing with progress.percent; then collecting', async () => {
    rig.sim.knobs.stepMs = 100;
    const r = await rig.http.json<InstanceResponse>({ method: 'POST', path: '/api/npm.probe.reports/1.0/instances', body: { live: true, data_defs: [perSecond, perMilli] } });
    assert.equal(r.status, 201);
    assert.equal(r.headers.location, `/api/npm.probe.reports/1.0/instances/items/${r.body.id}`);
    assert.equal(r.body.live, true);
    assert.deepEqual(r.body.data_defs.map((d) => [d.id, d.status.state]), [[1, 'pending'], [2, 'pending']]);
    const percents: number[] = [];
    let state = 'pending';
    for (let i = 0; i < 400 && state !== 'collecting'; i++) {
      // The document addresses the data objects under npm.reports.
      const s = await rig.http.json<{ id: number; status: { state: string; progress: { percent: number } } }>({ path: `/api/npm.reports/1.0/instances/items/${r.body.id}/data_defs/items/1/status` });
      state = s.body.status.state;
      if (state === 'initializing') percents.push(s.body.status.progress.percent);
      await sleep(3);
    }
    assert.equal(state, 'collecting');
    assert.ok(percents.length > 0 && percents.every((p) => p >= 0 && p < 100), percents.join(','));
    const all = await rig.http.json<{ id: number; status: { state: string; progress: { percent: number } } }[]>({ path: `/api/npm.reports/1.0/instances/items/${r.body.id}/data_defs/status` });
    assert.deepEqual(all.body.map((s) => [s.status.state, s.status.progress.percent]), [['collecting', 100], ['collecting', 100]]);
    await rig.http.raw({ method: 'DELETE', path: r.headers.location! });
    rig.sim.knobs.stepMs = 15;
  });

  it('GET data_defs/items/<id> shows actual_time.time_ranges whose end moves forward; bulk information lists every data_def', async () => {
    const { ref } = await rig.client.createLive([perSecond, perMilli]);
    await rig.client.waitForInstance(ref, { intervalMs: 10 });
    const first = await rig.http.json<DataDefResponse>({ path: `/api/npm.reports/1.0/instances/items/${ref.id}/data_defs/items/2` });
    assert.equal(first.body.status.state, 'collecting');
    const r1 = first.body.actual_time!.time_ranges[0];
    assert.ok(Number(r1.end) > Number(r1.start));
    await sleep(50);
    const r2 = (await rig.client.liveRange(ref, 2))!;
    assert.equal(r2.start, r1.start, 'the start stays while the retention is not reached');
    assert.ok(Number(r2.end) > Number(r1.end), `${r2.end} > ${r1.end}`);
    const literal = await rig.http.json<DataDefResponse[]>({ path: `/api/npm.reports/1.0/instances/items/${ref.id}/` });
    assert.ok(Array.isArray(literal.body) && literal.body.length === 2 && literal.body[0].status.state === 'collecting');
    assert.equal((await rig.client.getInstance(ref)).id, ref.id);
    const bulk = await rig.client.dataDefs(ref);
    assert.equal(bulk.length, 2);
    assert.ok(bulk.every((d) => d.status.state === 'collecting' && d.actual_time!.time_ranges.length === 1));
    await rig.client.deleteInstance(ref);
  });

  it('GET data with resolution, start_time and end_time: five 1 ms bins, then one 5 s bin that sums five 1 s bins', async () => {
    const { ref } = await rig.client.createLive([perSecond, perMilli]);
    await rig.client.waitForInstance(ref, { intervalMs: 10 });
    const end = Number((await rig.client.liveRange(ref, 2))!.end);
    const s = (end - 0.01).toFixed(3);
    const e = (end - 0.005).toFixed(3);
    const milli = await rig.http.json<{ meta: Record<string, unknown>; data: string[][]; columns: string[] }>({
      path: `${ref.path}/data_defs/items/2/data?resolution=0.001&start_time=${s}&end_time=${e}`,
    });
    assert.deepEqual(milli.body.columns, ['start_time', 'sum_traffic.total_bytes']);
    assert.equal(milli.body.meta.start_time, s);
    assert.equal(milli.body.meta.end_time, e);
    assert.equal(milli.body.meta.resolution, '0.001');
    assert.equal(milli.body.meta.count, milli.body.data.length);
    assert.ok(milli.body.data.length >= 1 && milli.body.data.length <= 5);
    for (const [t] of milli.body.data) assert.ok(Number(t) >= Number(s) && Number(t) < Number(e));
    // The millisecond bins hold exactly the packets a packet export of the same window holds.
    const exported = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'LEGACY', start_time: s, end_time: e });
    await rig.client.waitForExport(exported.id, ['RUNNING'], { intervalMs: 5 });
    const packets = readCaptureFile(await readAll(await rig.client.exportCapture(exported.id, 'LEGACY')));
    assert.equal(milli.body.data.reduce((acc, r) => acc + Number(r[1]), 0), packets.reduce((acc, p) => acc + p.origLen, 0));
    assert.ok(milli.body.data.every((r) => Number.isInteger(Number(r[1]))));

    const x = Math.floor(Date.now() / 10_000) * 10 - 20;
    const seconds = await rig.client.data(ref, 1, { resolution: '1', startTime: String(x), endTime: String(x + 5) });
    assert.equal(seconds.data!.length, 5);
    // The document's own example drops an '&' between resolution and start_time.
    const five = await rig.http.json<{ meta: Record<string, unknown>; data: string[][] }>({ path: `${ref.path}/data_defs/items/1/data?resolution=5start_time=${x}&end_time=${x + 5}` });
    assert.equal(five.body.meta.resolution, '5');
    assert.equal(five.body.data.length, 1);
    const sum = seconds.data!.reduce((acc, r) => acc + Number(r[1]), 0);
    assert.equal(Number(five.body.data[0][1]), sum);
    await assert.rejects(rig.client.data(ref, 1, { resolution: '1.5' }), (err: unknown) => err instanceof HttpStatusError && err.status === 400);
    await rig.client.deleteInstance(ref);
  });

  it('nsamples=true returns averages as total|samples', async () => {
    const { ref } = await rig.client.createLive([perSecond]);
    await rig.client.waitForInstance(ref, { intervalMs: 10 });
    const x = Math.floor(Date.now() / 10_000) * 10 - 10;
    const plain = await rig.client.data(ref, 1, { resolution: '2', startTime: String(x), endTime: String(x + 4) });
    const samples = await rig.client.data(ref, 1, { resolution: '2', startTime: String(x), endTime: String(x + 4), nsamples: true });
    assert.equal(samples.meta.nsamples, true);
    for (const [i, row] of samples.data!.entries()) {
      const [total, n] = row[2].split('|').map(Number);
      assert.equal(n, 2);
      assert.ok(Math.abs(total / n - Number(plain.data![i][2])) < 1e-3);
      assert.equal(row[1], plain.data![i][1], 'sums are unchanged');
    }
    await rig.client.deleteInstance(ref);
  });

  it('WIRESHARK and BPF filters apply to packet data_defs (and are refused elsewhere)', async () => {
    const udpOnly: DataDefRequest = { ...perSecond, columns: ['start_time', 'sum_traffic.total_bytes', 'sum_udp.total_bytes', 'sum_tcp.total_bytes'], filters: [{ type: 'WIRESHARK', value: 'udp' }] };
    const tcp443: DataDefRequest = { ...perSecond, columns: ['start_time', 'sum_tcp.total_bytes'], filters: [{ type: 'BPF', value: 'tcp port 443' }] };
    const { ref, instance } = await rig.client.createLive([udpOnly, tcp443]);
    assert.deepEqual(instance.data_defs[0].filters, [{ type: 'WIRESHARK', value: 'udp' }]);
    await rig.client.waitForInstance(ref, { intervalMs: 10 });
    // A multiple of the 3 s resolution below, so the 3 s bin the device answers is exactly [x, x + 3).
    const x = Math.floor(Date.now() / 3000) * 3 - 12;
    const udp = await rig.client.data(ref, 1, { startTime: String(x), endTime: String(x + 3) });
    assert.equal(udp.data!.length, 3);
    for (const [, total, udpBytes, tcpBytes] of udp.data!) {
      assert.equal(total, udpBytes);
      assert.equal(tcpBytes, '0');
    }
    let expected = 0;
    for (const c of rig.sim.model.connections(x, x + 3)) {
      if (c.l4 !== 'TCP' || (c.serverPort !== 443 && c.clientPort !== 443)) continue;
      const f = rig.sim.model.flowCounters(c, x, x + 3);
      expected += f.c2sBytes + f.s2cBytes;
    }
    const https = await rig.client.data(ref, 2, { startTime: String(x), endTime: String(x + 3), resolution: '3' });
    assert.equal(Number(https.data![0][1]), expected);
    await rig.client.deleteInstance(ref);
    const refused = await rig.client.runSync([{ source: { name: 'aggregates' }, columns: ['sum_traffic.total_bytes'], filters: [{ type: 'BPF', value: 'udp' }] }]);
    assert.equal(refused.instance.data_defs[0].status.state, 'error');
    assert.equal(refused.instance.data_defs[0].status.messages![0].id, 'unsupported_filter_type');
  });

  it('requires a granularity, and honours idle_timeout', async () => {
    await assert.rejects(
      rig.client.createLive([{ ...perSecond, time: { retention_time: '3600' } }]),
      (e: unknown) => e instanceof HttpStatusError && e.status === 400 && /granularity/.test(e.errorText ?? ''),
    );
    const { ref, instance } = await rig.client.createLive([perSecond], { idleTimeoutSec: 1.5 });
    assert.equal(instance.idle_timeout, '1.5');
    await sleep(600);
    await rig.client.getInstance(ref);
    await sleep(600);
    await rig.client.getInstance(ref); // seen within its idle time: still there
    await sleep(2500);
    await assert.rejects(rig.client.getInstance(ref), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
  });

  it('an unknown packet source path is refused; DELETE answers 204', async () => {
    await assert.rejects(rig.client.createLive([{ ...perSecond, source: { name: 'packets', path: 'jobs/nope' } }]), (e: unknown) => e instanceof HttpStatusError && e.status === 400);
    const { ref } = await rig.client.createLive([perSecond]);
    const r = await rig.http.raw({ method: 'DELETE', path: `/api/npm.probe.reports/1.0/instances/items/${ref.id}` });
    assert.equal(r.status, 204);
  });
});
