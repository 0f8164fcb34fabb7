// The report runner (src/appresponse/reportRunner.ts) against the simulated AppResponse: reports built
// through the model run async, sync (with re-attach) and live, and their rows equal an answer computed
// here from the simulator's traffic model; an invalid report is refused before anything is sent, for
// the reason the device gives; instances are deleted after success, error and cancel.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStatusError } from '../../src/http/errors';
import type { InstanceResponse } from '../../src/appresponse/types';
import { ReportCancelledError, ReportInvalidError, ReportRunner, ReportTimeoutError, type DataDefOutcome, type LiveIncrement, type RunProgress } from '../../src/appresponse/reportRunner';
import { scaffoldDataDef, type DataDef, type ValidateOptions } from '../../src/report/index';
import { createCatalogueProvider } from '../../src/views/language/catalogue';
import type { Source } from '../../src/steelfilter/index';
import { modelTopIps, startRig, type Rig } from './appresponse-support';
import { RunningJobs } from '../../src/shared/running';

const JOB = 'c69a9a14-fb82-46a7-b7c1-70751b70f69b';
const POST_ASYNC = 'POST /api/npm.reports/1.0/instances';
const POST_SYNC = 'POST /api/npm.reports/1.0/instances/sync';
const REATTACH = 'GET /api/npm.reports/1.0/instances/items/:id/sync';

describe('report runner against the simulated AppResponse', () => {
  let rig: Rig;
  let runner: ReportRunner;
  let sources: Map<string, Source>;
  let validation: ValidateOptions;
  let t0: number;
  let t1: number;

  before(async () => {
    rig = await startRig({ knobs: { stepMs: 20, historySec: 4 * 3600 } });
    runner = new ReportRunner(rig.client);
    const catalogues = createCatalogueProvider({ http: async () => rig.http });
    const names = await catalogues.getSourceNames('sim');
    sources = new Map();
    for (const n of ['aggregates', 'packets']) sources.set(n, (await catalogues.getSource('sim', n))!);
    validation = { getSource: (n) => sources.get(n), sourceNames: names };
    t1 = Math.floor(Date.now() / 1000 / 60) * 60 - 600;
    t0 = t1 - 1800;
  });
  after(() => rig.close());
  beforeEach(() => rig.sim.resetStats());

  /** Top 10 IPs by bytes over [t0, t1), built from the scaffold of the model. */
  function topIps(): DataDef {
    const def = scaffoldDataDef(sources.get('aggregates')!, { column: 'tcp.ip' });
    assert.deepEqual(def.group_by, ['tcp.ip']);
    def.time = { start: String(t0), end: String(t1) };
    def.columns = ['tcp.ip', 'sum_traffic.total_bytes', 'sum_traffic.packets'];
    def.top_by = [{ id: 'sum_traffic.total_bytes', direction: 'desc' }];
    def.limit = 10;
    return def;
  }
  const total = (): DataDef => ({ source: { name: 'aggregates' }, time: { start: String(t0), end: String(t1) }, columns: ['sum_traffic.total_bytes'] });

  /** The independent answer, from the traffic model. */
  const expectedTopIps = () => modelTopIps(rig.sim.model, t0, t1);
  function expectedBytes(from: number, to: number): number {
    let sum = 0;
    for (const c of rig.sim.model.connections(from, to)) {
      const f = rig.sim.model.flowCounters(c, from, to);
      sum += f.c2sBytes + f.s2cBytes;
    }
    return sum;
  }
  const asTop = (o: DataDefOutcome) => o.data.map((r) => [r[0], Number(r[1]), Number(r[2])]);
  const routes = () => rig.sim.stats.byRoute;
  async function waitForNoInstances(): Promise<number> {
    for (let i = 0; i < 50 && rig.sim.instanceCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
    return rig.sim.instanceCount;
  }

  it('async: POST, fast status polls with progress, each data_def\'s rows, equal to the model; instance deleted', async () => {
    const delivered: DataDefOutcome[] = [];
    const progress: RunProgress[] = [];
    const result = await runner.run([topIps(), total()], { mode: 'async', validation, onDataDef: (o) => delivered.push(o), onProgress: (p) => progress.push(structuredClone(p)) });
    assert.deepEqual(result.outcomes.map((o) => [o.id, o.state]), [[1, 'completed'], [2, 'completed']]);
    assert.deepEqual(asTop(result.outcomes[0]), expectedTopIps());
    assert.deepEqual(result.outcomes[0].columns, ['tcp.ip', 'sum_traffic.total_bytes', 'sum_traffic.packets']);
    assert.equal(Number(result.outcomes[1].data[0][0]), expectedBytes(t0, t1));
    assert.equal(delivered.length, 2, 'each data_def delivered once');
    assert.ok(progress.some((p) => p.percent < 100 && p.dataDefs.every((d) => d.remainingSec !== undefined)), 'progress with percent and remaining_sec');
    assert.equal(progress.at(-1)!.done, 2);
    assert.equal(routes()[POST_ASYNC], 1);
    assert.equal(routes()['DELETE /api/npm.reports/1.0/instances/items/:id'], 1);
    assert.equal(rig.sim.instanceCount, 0);
    // The first poll comes 50 ms after the POST or sooner (a 500 ms poller would still be sleeping).
    assert.ok((routes()['GET /api/npm.reports/1.0/instances/items/:id/data_defs/status'] ?? 0) >= 1);
  });

  it('sync: unfinished after a short re-attach window, re-attached until done; rows equal the model; deleted', async () => {
    rig.sim.knobs.syncWindowMs = 25;
    rig.sim.knobs.stepMs = 40;
    try {
      const progress: RunProgress[] = [];
      const result = await runner.run([topIps()], { mode: 'sync', validation, onProgress: (p) => progress.push(structuredClone(p)) });
      assert.ok((routes()[REATTACH] ?? 0) >= 1, `re-attached: ${JSON.stringify(routes())}`);
      assert.equal(routes()[POST_SYNC], 1);
      assert.ok(progress.some((p) => p.dataDefs[0].state !== 'completed'), 'the first answer was unfinished');
      assert.deepEqual(asTop(result.outcomes[0]), expectedTopIps());
      assert.deepEqual(result.outcomes[0].actualTime, [{ start: String(t0), end: String(t1) }]);
      assert.equal(rig.sim.instanceCount, 0);
    } finally {
      rig.sim.knobs.syncWindowMs = 50_000;
      rig.sim.knobs.stepMs = 20;
    }
  });

  it('live: collecting, increments by start_time/end_time follow the moving actual_time end, bins equal the model; stop deletes', async () => {
    const def: DataDef = { source: { name: 'packets', path: `jobs/${JOB}` }, time: { granularity: '1', retention_time: '3600' }, group_by: ['start_time'], columns: ['start_time', 'sum_traffic.total_bytes'] };
    const increments: LiveIncrement[] = [];
    const stop = new AbortController();
    const run = runner.run([def], {
      mode: 'live', validation, signal: stop.signal, livePollMs: 100, liveBackfillSec: 5,
      onLiveData: (inc) => {
        increments.push(inc);
        if (increments.length >= 3) stop.abort();
      },
    });
    const result = await run;
    assert.ok(increments.length >= 3);
    assert.equal(Number(increments[0].end) - Number(increments[0].start), 5, 'first increment: the backfill');
    for (let i = 1; i < increments.length; i++) {
      assert.equal(increments[i].start, increments[i - 1].end, 'each increment starts where the last ended');
      assert.ok(Number(increments[i].end) > Number(increments[i].start));
    }
    const rows = increments.flatMap((i) => i.rows);
    assert.equal(new Set(rows.map((r) => r[0])).size, rows.length, 'no bin twice');
    assert.ok(rows.length >= 7);
    for (const [start, bytes] of rows) assert.equal(Number(bytes), expectedBytes(Number(start), Number(start) + 1), `bin ${start}`);
    assert.deepEqual(result.outcomes[0].data, rows, 'the result holds every increment');
    assert.ok((routes()['GET /api/npm.probe.reports/1.0/instances/items/:id/data_defs/items/:def/data'] ?? 0) >= 3);
    assert.equal(rig.sim.instanceCount, 0, 'stopped live instance deleted');
  });

  it('an invalid report is refused before it is sent, with the reason the device gives', async () => {
    const bad = { ...topIps(), group_by: ['sum_traffic.total_bytes'] };
    const err = await runner.run([bad], { mode: 'async', validation }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ReportInvalidError, String(err));
    assert.match(err.message, /group_by/);
    assert.equal(rig.sim.stats.total, 0, `nothing sent: ${JSON.stringify(routes())}`);
    // The same report sent to the device anyway.
    const first = err.problems[0];
    try {
      const r = await rig.http.json<InstanceResponse>({ method: 'POST', path: '/api/npm.reports/1.0/instances/sync', body: { data_defs: [bad] } });
      await rig.client.deleteInstance(r.body.id);
      const m = r.body.data_defs[0].status.messages?.[0];
      assert.equal(r.body.data_defs[0].status.state, 'error');
      assert.deepEqual([m?.id, m?.text], [first.device.id, first.device.text]);
    } catch (e) {
      if (!(e instanceof HttpStatusError)) throw e;
      assert.equal(first.device.module_id, 'request');
      assert.equal(e.errorText, first.device.text);
    }
  });

  it('a data_def in error state shows its messages while the other delivers rows; instance deleted', async () => {
    // A catalogue read from another release (filters on metrics allowed) passes our check; the device refuses.
    const stale = { ...sources.get('packets')!, capabilities: { filters_on_metrics: true } };
    const staleValidation: ValidateOptions = { ...validation, getSource: (n) => (n === 'packets' ? stale : sources.get(n)) };
    const failing: DataDef = {
      source: { name: 'packets', path: `jobs/${JOB}` }, time: { start: String(t1 - 60), end: String(t1) },
      columns: ['sum_traffic.total_bytes'], filters: [{ value: 'sum_traffic.total_bytes > 0' }],
    };
    assert.ok(sources.get('packets')!.capabilities?.filters_on_metrics !== true, 'the device does not filter packets on metrics');
    const result = await runner.run([topIps(), failing], { mode: 'async', validation: staleValidation });
    assert.equal(result.outcomes[0].state, 'completed');
    assert.deepEqual(asTop(result.outcomes[0]), expectedTopIps());
    assert.equal(result.outcomes[1].state, 'error');
    const message = result.outcomes[1].messages?.[0];
    assert.ok(message && ['invalid_filter', 'filters_on_metrics_not_supported'].includes(message.id), JSON.stringify(message));
    assert.match(message.text, /metric/i);
    assert.deepEqual(result.outcomes[1].data, []);
    assert.equal(rig.sim.instanceCount, 0);
  });

  it('a data_def\'s rows are fetched as soon as IT completes, while another is still executing', async () => {
    const delivered: DataDefOutcome[] = [];
    const slow: DataDef = { ...total(), reference: 'never-complete' };
    await assert.rejects(runner.run([topIps(), slow], { mode: 'async', validation, timeoutMs: 800, onDataDef: (o) => delivered.push(o) }), ReportTimeoutError);
    assert.deepEqual(delivered.map((o) => [o.id, o.state]), [[1, 'completed']]);
    assert.deepEqual(asTop(delivered[0]), expectedTopIps());
    assert.ok(delivered[0].atMs < 700, `delivered while the other data_def was still executing (${delivered[0].atMs} ms)`);
    assert.equal(await waitForNoInstances(), 0, 'deleted after the timeout');
  });

  it('an HTTP failure while fetching rows fails the run and still deletes the instance', async () => {
    rig.sim.faults.pathPattern = /\/data_defs\/items\/\d+\/data$/;
    rig.sim.faults.errorStatuses = [500];
    rig.sim.faults.errorRate = 1;
    try {
      await assert.rejects(runner.run([topIps()], { mode: 'async', validation }), (e: unknown) => e instanceof HttpStatusError && e.status === 500);
    } finally {
      rig.sim.faults.errorRate = 0;
      rig.sim.faults.pathPattern = undefined;
    }
    assert.equal(routes()['DELETE /api/npm.reports/1.0/instances/items/:id'], 1);
    assert.equal(rig.sim.instanceCount, 0);
  });

  it('cancel (async and during the blocking sync POST) deletes the instance', async () => {
    for (const mode of ['async', 'sync'] as const) {
      const stop = new AbortController();
      const def = { ...topIps(), reference: 'never-complete' };
      const run = runner.run([def], { mode, validation, signal: stop.signal });
      setTimeout(() => stop.abort(), 150);
      await assert.rejects(run, ReportCancelledError);
      assert.equal(await waitForNoInstances(), 0, `${mode}: instance deleted after cancel`);
    }
  });

  it('a window that closes mid-run (deactivate: runningJobs.abortAll) cancels the report, and its instance is deleted before abortAll resolves', async () => {
    const jobs = new RunningJobs();
    const stop = new AbortController();
    let seen = false;
    const run = jobs.track(stop, runner.run([{ ...topIps(), reference: 'never-complete' }], { mode: 'async', validation, signal: stop.signal, onProgress: () => (seen = true) }));
    for (let i = 0; i < 200 && !(seen && rig.sim.instanceCount > 0); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(rig.sim.instanceCount, 1, 'the instance runs on the device');
    const outcome = await jobs.abortAll(new Error('cancelled: the window closed'), 5000);
    assert.deepEqual(outcome, { aborted: 1, unfinished: 0 });
    assert.equal(rig.sim.instanceCount, 0, 'deleted by the time abortAll resolves');
    await assert.rejects(run, ReportCancelledError);
    assert.equal(jobs.size, 0);
  });
});
