// Report instances of the simulated AppResponse, replaying the document's examples through our HTTP core:
// asynchronous workflow, synchronous with re-attach, errors, and report semantics checked against the model.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStatusError } from '../../src/http/errors';
import type { DataDefRequest, InstanceResponse } from '../../src/appresponse/types';
import { DataDefError } from '../../src/appresponse/client';
import { sleep, startRig, type Rig } from './appresponse-support';

const topHostGroups: DataDefRequest = {
  source: { name: 'aggregates' },
  group_by: ['host_group.id'],
  time: { duration: 'last 1 hour' },
  columns: ['host_group.id', 'host_group.name', 'sum_traffic.total_bytes'],
  top_by: [{ id: 'sum_traffic.total_bytes', direction: 'desc' }],
};

const topIps: DataDefRequest = {
  reference: 'Top 10 IPs',
  source: { name: 'aggregates' },
  group_by: ['tcp.ip'],
  time: { duration: '1 hour' },
  limit: 10,
  top_by: [{ id: 'sum_traffic.total_bytes', direction: 'desc' }],
  columns: ['tcp.ip', 'tcp.dns', 'sum_traffic.total_bytes'],
};

describe('AppResponse simulator: asynchronous report instances', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ knobs: { stepMs: 60 } });
  });
  after(() => rig.close());

  it('POST answers 201 with Location and pending data_defs that walk pending → initializing → executing → completed', async () => {
    rig.sim.knobs.stepMs = 400;
    const r = await rig.http.json<InstanceResponse>({ method: 'POST', path: '/api/npm.reports/1.0/instances', body: { data_defs: [topHostGroups, topIps] } });
    assert.equal(r.status, 201);
    assert.equal(r.headers.location, `/api/npm.reports/1.0/instances/items/${r.body.id}`);
    assert.equal(typeof r.body.id, 'number');
    assert.deepEqual(r.body.data_defs.map((d) => [d.id, d.status.state]), [[1, 'pending'], [2, 'pending']]);
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const one = await rig.http.json<{ id: number; status: { state: string; progress: { percent: number; remaining_sec: number } } }>({ path: `${r.headers.location}/data_defs/items/1/status` });
      seen.add(one.body.status.state);
      assert.equal(one.body.id, 1);
      if (one.body.status.state === 'completed') {
        assert.deepEqual(one.body.status.progress, { percent: 100, remaining_sec: 0 });
        break;
      }
      await sleep(5);
    }
    rig.sim.knobs.stepMs = 60;
    assert.ok(seen.has('initializing') && seen.has('executing') && seen.has('completed'), [...seen].join(','));
    // Status of all data objects, also at the document's literal (repeated) paths.
    const all = await rig.http.json<{ id: number; status: { state: string } }[]>({ path: `${r.headers.location}/data_defs/status` });
    assert.deepEqual(all.body.map((s) => s.id), [1, 2]);
    const literalAll = await rig.http.json<unknown[]>({ path: `${r.headers.location}/data_defs/items/1/data_defs/status` });
    assert.equal(literalAll.body.length, 2);
    const literalOne = await rig.http.json<{ id: number }>({ path: `${r.headers.location}/data_defs/items/1/data_defs/items/1/status` });
    assert.equal(literalOne.body.id, 1);
    const literalData = await rig.http.json<{ meta: { count: number }; columns: string[] }>({ path: `${r.headers.location}/data_defs/items/1/data_defs/data` });
    assert.deepEqual(literalData.body.columns, topHostGroups.columns);
    const listed = await rig.client.listInstances();
    assert.ok(listed.some((i) => i.id === r.body.id && (i as { owner?: string }).owner === rig.sim.username));
    assert.ok(!(await rig.client.listInstances({ namespace: 'npm.probe.reports' })).some((i) => i.id === r.body.id));
    await rig.client.deleteInstance(r.body.id);
  });

  it('GET data answers meta, data and columns; limit, offset, sort_by and columns select and reorder rows', async () => {
    const { ref } = await rig.client.createInstance([topHostGroups]);
    await rig.client.waitForInstance(ref, { intervalMs: 10 });
    const full = await rig.client.data(ref, 1);
    assert.deepEqual(full.columns, ['host_group.id', 'host_group.name', 'sum_traffic.total_bytes']);
    assert.equal(full.meta.count, full.data!.length);
    assert.equal(full.meta.total, full.data!.length);
    assert.ok(full.data!.length >= 2);
    for (const row of full.data!) for (const v of row) assert.equal(typeof v, 'string');
    const bytes = full.data!.map((r) => Number(r[2]));
    assert.deepEqual(bytes, [...bytes].sort((a, b) => b - a), 'topped by bytes, descending');
    const names = Object.fromEntries(full.data!.map((r) => [r[0], r[1]]));
    if (names['1']) assert.equal(names['1'], 'Default-10.x.x.x');
    if (names['2']) assert.equal(names['2'], 'Default-Internet');

    // The document's example: ?limit=2&offset=0&sort_by=host_group.id%20desc&columns=host_group.name,host_group.id
    const page = await rig.http.json<{ meta: Record<string, unknown>; data: string[][]; columns: string[] }>({
      path: `${ref.path}/data_defs/items/1/data?limit=2&offset=0&sort_by=host_group.id%20desc&columns=host_group.name,host_group.id`,
    });
    assert.deepEqual(page.body.columns, ['host_group.name', 'host_group.id']);
    assert.equal(page.body.meta.count, 2);
    assert.equal(page.body.meta.total, full.data!.length);
    assert.equal(page.body.meta.offset, 0);
    assert.equal(page.body.meta.limit, 2);
    assert.equal(page.body.meta.sort_by, 'host_group.id desc');
    const ids = full.data!.map((r) => Number(r[0])).sort((a, b) => b - a).slice(0, 2).map(String);
    assert.deepEqual(page.body.data.map((r) => r[1]), ids);
    // Through the typed client: offset pages and multi-column sort.
    const second = await rig.client.data(ref, 1, { offset: 1, limit: 1, sortBy: [{ id: 'sum_traffic.total_bytes', direction: 'asc' }] });
    assert.equal(second.data!.length, 1);
    assert.equal(Number(second.data![0][2]), [...bytes].sort((a, b) => a - b)[1]);
    await assert.rejects(rig.client.data(ref, 1, { columns: ['nope'] }), (e: unknown) => e instanceof HttpStatusError && e.status === 400);
    await rig.client.deleteInstance(ref);
  });

  it('refuses sort_by on a column that is not sortable (DNS names)', async () => {
    const { ref } = await rig.client.createInstance([topIps]);
    await rig.client.waitForInstance(ref, { intervalMs: 10 });
    await assert.rejects(rig.client.data(ref, 1, { sortBy: [{ id: 'tcp.dns', direction: 'asc' }] }), (e: unknown) => e instanceof HttpStatusError && e.status === 400 && /not sortable/.test(e.errorText ?? ''));
    await rig.client.deleteInstance(ref);
  });

  it('bulk data answers every data_def with datasource_id, meta, reference_id, data, id, columns', async () => {
    const { ref } = await rig.client.createInstance([topHostGroups, topIps]);
    await rig.client.waitForInstance(ref, { intervalMs: 10 });
    const bulk = await rig.client.bulkData(ref);
    assert.equal(bulk.data_defs.length, 2);
    for (const d of bulk.data_defs) {
      for (const key of ['datasource_id', 'meta', 'reference_id', 'data', 'id', 'columns']) assert.ok(key in d, key);
      assert.equal(d.meta.count, d.data!.length);
    }
    assert.equal(bulk.data_defs[1].reference_id, 'Top 10 IPs');
    assert.equal(bulk.data_defs[1].data!.length, 10);
    await rig.client.deleteInstance(ref);
  });

  it('DELETE answers 204 and the instance is gone (404)', async () => {
    const { ref } = await rig.client.createInstance([topHostGroups]);
    const r = await rig.http.raw({ method: 'DELETE', path: ref.path });
    assert.equal(r.status, 204);
    await assert.rejects(rig.client.getInstance(ref), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
  });

  it('purges instances after the idle time', async () => {
    rig.sim.knobs.instanceIdleMs = 600;
    try {
      const { ref } = await rig.client.createInstance([topHostGroups]);
      assert.ok((await rig.client.listInstances()).some((i) => i.id === ref.id));
      await sleep(1500);
      await assert.rejects(rig.client.getInstance(ref), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
    } finally {
      rig.sim.knobs.instanceIdleMs = 86_400_000;
    }
  });

  it('a data_def that never completes stays executing while its siblings complete (fault)', async () => {
    const { ref } = await rig.client.createInstance([{ ...topHostGroups, reference: 'never-complete' }, topIps]);
    await sleep(600);
    const statuses = await rig.client.statusAll(ref);
    assert.equal(statuses[0].status.state, 'executing');
    assert.equal(statuses[1].status.state, 'completed');
    await assert.rejects(rig.client.waitForInstance(ref, { intervalMs: 20, timeoutMs: 150 }), /not done/);
    await assert.rejects(rig.client.data(ref, 1), (e: unknown) => e instanceof HttpStatusError && e.status === 400);
    await rig.client.deleteInstance(ref);
  });
});

describe('AppResponse simulator: synchronous report instances', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ knobs: { stepMs: 15 } });
  });
  after(() => rig.close());

  it('Case 1: POST instances/sync answers 201, Location and completed data at once', async () => {
    const r = await rig.http.json<InstanceResponse>({ method: 'POST', path: '/api/npm.reports/1.0/instances/sync', body: { data_defs: [topHostGroups, topIps] } });
    assert.equal(r.status, 201);
    assert.equal(r.headers.location, `/api/npm.reports/1.0/instances/items/${r.body.id}`);
    assert.deepEqual(r.body.data_defs.map((d) => d.status.state), ['completed', 'completed']);
    assert.ok(Array.isArray(r.body.data_defs[0].data) && r.body.data_defs[0].data.length > 0);
    assert.equal(r.body.data_defs[1].data!.length, 10);
    assert.ok(r.body.data_defs[0].actual_time!.time_ranges[0].start);
    const del = await rig.http.raw({ method: 'DELETE', path: r.headers.location });
    assert.equal(del.status, 204);
  });

  it('Case 2: after the re-attach window it answers the unfinished state; GET items/<id>/sync re-attaches and completes', async () => {
    rig.sim.knobs.stepMs = 200;
    rig.sim.knobs.syncWindowMs = 100;
    try {
      const first = await rig.client.createSync([topHostGroups, topIps]);
      assert.equal(first.done, false);
      assert.ok(first.instance.data_defs.every((d) => ['pending', 'initializing', 'executing'].includes(d.status.state)));
      assert.ok(first.instance.data_defs.every((d) => d.data === undefined));
      let again = await rig.client.reattach(first.ref);
      for (let i = 0; !again.done && i < 20; i++) again = await rig.client.reattach(first.ref);
      assert.equal(again.done, true);
      assert.deepEqual(again.instance.data_defs.map((d) => d.status.state), ['completed', 'completed']);
      assert.ok(again.instance.data_defs[1].data!.length === 10);
      // The client can switch to the asynchronous workflow at this point.
      assert.equal((await rig.client.data(first.ref, 2)).data!.length, 10);
      await rig.client.deleteInstance(first.ref);
      const all = await rig.client.runSync([topIps]);
      assert.equal(all.instance.data_defs[0].status.state, 'completed');
    } finally {
      rig.sim.knobs.stepMs = 15;
      rig.sim.knobs.syncWindowMs = 50_000;
    }
  });
});

describe('AppResponse simulator: errors as documented', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig();
  });
  after(() => rig.close());

  it('malformed JSON → 400 REQUEST_INVALID_INPUT with line, column and position', async () => {
    const r = await rig.http.raw({ method: 'POST', path: '/api/npm.reports/1.0/instances', headers: { 'Content-Type': 'application/json' }, body: '{ xyz malformed json\n  "data_defs" : []\n}' });
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body), { error_id: 'REQUEST_INVALID_INPUT', error_text: 'Request parsing error: parsing failed: Invalid characters at line 1, column 2, processed 2' });
  });

  it('a malformed duration tense puts that data_def in error state with messages while its sibling completes', async () => {
    const bad: DataDefRequest = { reference: 'Top host groups', source: { name: 'aggregates' }, group_by: ['host_group.id'], time: { duration: 'xyz seconds' }, top_by: [{ id: 'sum_traffic.total_bytes', direction: 'desc' }], columns: ['host_group.id', 'host_group.name', 'sum_traffic.total_bytes'] };
    const r = await rig.http.json<InstanceResponse>({ method: 'POST', path: '/api/npm.reports/1.0/instances/sync', body: { data_defs: [topIps, bad] } });
    assert.equal(r.status, 201);
    assert.equal(r.body.data_defs[0].status.state, 'completed');
    assert.equal(r.body.data_defs[1].status.state, 'error');
    assert.deepEqual(r.body.data_defs[1].status.messages, [
      { module_id: 'report_manager', id: 'invalid_time_duration_tense', text: 'Invalid duration tense: xyz', details: { duration_tense: 'xyz' } },
    ]);
    await assert.rejects(rig.client.runReport([bad], { intervalMs: 10 }), (e: unknown) => e instanceof DataDefError && e.messages[0].id === 'invalid_time_duration_tense');
  });

  const invalid: [string, unknown][] = [
    ['an unknown property', { data_defs: [{ ...topIps, colour: 'red' }] }],
    ['an unknown source', { data_defs: [{ ...topIps, source: { name: 'nope' } }] }],
    ['an unknown column', { data_defs: [{ ...topIps, columns: ['tcp.ip', 'no.such'] }] }],
    ['group_by on a column that is not grouped_by', { data_defs: [{ ...topIps, group_by: ['sum_traffic.total_bytes'] }] }],
    ['top_by asc where top_by.asc is false', { data_defs: [{ ...topIps, columns: ['tcp.ip', 'avg_traffic.total_bytes_ps'], top_by: [{ id: 'avg_traffic.total_bytes_ps', direction: 'asc' }] }] }],
    ['a live request outside npm.probe.reports', { live: true, data_defs: [topIps] }],
    ['data_defs missing', {}],
  ];
  for (const [what, body] of invalid) {
    it(`answers 400 for ${what}`, async () => {
      await assert.rejects(
        rig.http.json({ method: 'POST', path: '/api/npm.reports/1.0/instances', body: body as object }),
        (e: unknown) => e instanceof HttpStatusError && e.status === 400 && e.errorId === 'REQUEST_INVALID_INPUT' && !!e.errorText,
      );
    });
  }

  it('start + end + duration together is an error', async () => {
    const r = await rig.client.runSync([{ ...topIps, time: { start: '1461703405', end: '1461709465', duration: '1 hour' } }]);
    assert.equal(r.instance.data_defs[0].status.state, 'error');
    assert.equal(r.instance.data_defs[0].status.messages![0].id, 'invalid_time_combination');
  });

  it('a granularity the source does not offer and a resolution that is not a multiple are errors', async () => {
    const r = await rig.client.runSync([
      { ...topIps, time: { duration: 'last 1 hour', granularity: '7' } },
      { ...topIps, time: { duration: 'last 1 hour', granularity: '300', resolution: '450' } },
    ]);
    assert.deepEqual(r.instance.data_defs.map((d) => d.status.messages?.[0].id), ['invalid_granularity', 'invalid_resolution']);
  });
});
