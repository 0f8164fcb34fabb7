// Report semantics of the simulated AppResponse checked against the shared traffic model,
// computed independently in the test: top-N, time series bins, filters, special values.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataDefRequest, DataDefResponse } from '../../src/appresponse/types';
import { modelTopIps, startRig, type Rig } from './appresponse-support';

describe('AppResponse simulator: report semantics on the traffic model', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ knobs: { stepMs: 5, historySec: 4 * 3600 } });
  });
  after(() => rig.close());

  async function run(def: DataDefRequest): Promise<{ def: DataDefResponse; rows: string[][] }> {
    const { instance, ref } = await rig.client.runSync([def]);
    const d = instance.data_defs[0];
    await rig.client.deleteInstance(ref);
    assert.equal(d.status.state, 'completed', JSON.stringify(d.status.messages));
    return { def: d, rows: d.data ?? [] };
  }

  function secondsOf(text: string): number {
    return Number(text);
  }

  it('the top 10 IPs by bytes from aggregates equal the top 10 computed from the model', async () => {
    const { def, rows } = await run({
      source: { name: 'aggregates' }, group_by: ['tcp.ip'], time: { duration: 'last 30 min' }, limit: 10,
      top_by: [{ id: 'sum_traffic.total_bytes', direction: 'desc' }], columns: ['tcp.ip', 'sum_traffic.total_bytes', 'sum_traffic.packets'],
    });
    const range = def.actual_time!.time_ranges[0];
    const t0 = secondsOf(range.start);
    const t1 = secondsOf(range.end);
    assert.equal(t1 - t0, 1800, 'aligned to the 60 s granularity');
    assert.deepEqual(rows.map((r) => [r[0], Number(r[1]), Number(r[2])]), modelTopIps(rig.sim.model, t0, t1));
  });

  it('bottom talkers (asc) where the column allows it', async () => {
    const { rows } = await run({
      source: { name: 'aggregates' }, group_by: ['app.name'], time: { duration: 'last 10 min' }, limit: 3,
      top_by: [{ id: 'sum_traffic.total_bytes', direction: 'asc' }], columns: ['app.name', 'sum_traffic.total_bytes'],
    });
    const values = rows.map((r) => Number(r[1]));
    assert.deepEqual(values, [...values].sort((a, b) => a - b));
  });

  it('time series: bins aligned to the granularity, resolution aggregates further, bins add up to the total', async () => {
    // One fixed, minute-aligned hour for every request below: "last 1 hour" asked twice could fall
    // on either side of a minute boundary and cover two different windows.
    const end = Math.floor(Date.now() / 60_000) * 60 - 60;
    const base = { source: { name: 'aggregates' }, time: { start: String(end - 3600), end: String(end), granularity: '60' } } as const;
    const series = await run({ ...base, group_by: ['start_time'], columns: ['start_time', 'end_time', 'sum_traffic.total_bytes', 'avg_traffic.total_bytes_ps'] });
    const total = await run({ ...base, columns: ['sum_traffic.total_bytes'] });
    assert.ok(series.rows.length >= 55 && series.rows.length <= 60, String(series.rows.length));
    for (const [start, end, b, bps] of series.rows) {
      assert.equal(Number(start) % 60, 0);
      assert.equal(Number(end) - Number(start), 60, 'end_time is the right edge of the bin');
      assert.ok(Math.abs(Number(bps) - Number(b) / 60) < 1e-3);
    }
    const sum = series.rows.reduce((s, r) => s + Number(r[2]), 0);
    assert.equal(sum, Number(total.rows[0][0]));
    const coarse = await run({ ...base, time: { ...base.time, resolution: '600' }, group_by: ['start_time'], columns: ['start_time', 'end_time', 'sum_traffic.total_bytes'] });
    assert.ok(coarse.rows.length >= 6 && coarse.rows.length <= 7, String(coarse.rows.length));
    for (const [start] of coarse.rows) assert.equal(Number(start) % 600, 0);
    // Each coarse bin holds exactly the fine bins inside it.
    for (const [start, end, b] of coarse.rows) {
      const inside = series.rows.filter((r) => Number(r[0]) >= Number(start) && Number(r[1]) <= Number(end));
      if (Number(start) >= Number(series.rows[0][0]) && inside.length * 60 === Number(end) - Number(start)) {
        assert.equal(Number(b), inside.reduce((s, r) => s + Number(r[2]), 0));
      }
    }
  });

  it('time series: gaps are omitted (bins where a conversation was silent have no row)', async () => {
    const now = Math.floor(Date.now() / 60_000) * 60;
    const conn = rig.sim.model.connections(now - 3600, now - 60).find((c) => Number.isFinite(c.end) && c.start >= now - 3000 && c.end - c.start <= 600 && c.l4 === 'TCP')!;
    assert.ok(conn, 'a short conversation in the last hour');
    const { rows } = await run({
      source: { name: 'flow_tcp' }, time: { granularity: '60', duration: 'last 1 hour' }, group_by: ['start_time'],
      filters: [{ value: `cli_tcp.ip == '${conn.client.ip}' and cli_tcp.port == ${conn.clientPort} and srv_tcp.port == ${conn.serverPort}` }],
      columns: ['start_time', 'sum_tcp.total_bytes'],
    });
    const expected: number[] = [];
    for (let t = conn.start; t < conn.end; t += 60) expected.push(t);
    assert.deepEqual(rows.map((r) => Number(r[0])), expected);
    for (const [t, b] of rows) {
      const f = rig.sim.model.flowCounters(conn, Number(t), Number(t) + 60);
      assert.equal(Number(b), f.c2sBytes + f.s2cBytes);
    }
  });

  it('time series per key with limit keeps the top keys of the whole range', async () => {
    const { rows } = await run({
      source: { name: 'aggregates' }, time: { granularity: '60', duration: 'last 1 hour' }, group_by: ['start_time', 'host_group.id'],
      columns: ['start_time', 'host_group.id', 'host_group.name', 'avg_traffic.total_bytes_ps'], limit: 2,
      top_by: [{ id: 'avg_traffic.total_bytes_ps', direction: 'desc' }],
    });
    const groups = new Set(rows.map((r) => r[1]));
    assert.equal(groups.size, 2);
    // The same with a key that is grouped by but not among the columns.
    const hidden = await run({
      source: { name: 'aggregates' }, time: { granularity: '60', duration: 'last 1 hour' }, group_by: ['start_time', 'host_group.id'],
      columns: ['start_time', 'avg_traffic.total_bytes_ps'], limit: 2, top_by: [{ id: 'avg_traffic.total_bytes_ps', direction: 'desc' }],
    });
    assert.equal(hidden.rows.length, rows.length);
    const times = rows.map((r) => Number(r[0]));
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
  });

  it('STEELFILTER on an IP keeps that host\'s traffic; several filters are ANDed', async () => {
    const t = { duration: 'last 10 min' };
    const { def, rows } = await run({
      source: { name: 'aggregates' }, group_by: ['app.name'], time: t, filters: [{ value: "ip.addr == '10.1.2.3'" }],
      columns: ['app.name', 'sum_traffic.total_bytes'],
    });
    const range = def.actual_time!.time_ranges[0];
    const [t0, t1] = [Number(range.start), Number(range.end)];
    const expected = new Map<string, number>();
    for (const c of rig.sim.model.connections(t0, t1)) {
      if (c.client.ip !== '10.1.2.3' && c.server.ip !== '10.1.2.3') continue;
      const f = rig.sim.model.flowCounters(c, t0, t1);
      expected.set(c.app, (expected.get(c.app) ?? 0) + f.c2sBytes + f.s2cBytes);
    }
    assert.deepEqual(new Map(rows.map((r) => [r[0], Number(r[1])])), expected);
    assert.deepEqual(def.actual_filters, [{ type: 'STEELFILTER', value: "ip.addr == '10.1.2.3'" }]);
    const anded = await run({
      source: { name: 'aggregates' }, group_by: ['app.name'], time: t,
      filters: [{ value: "ip.addr == '10.1.2.3'" }, { type: 'STEELFILTER', value: "app.name == 'AFP' or app.name == 'DNS'" }],
      columns: ['app.name', 'sum_traffic.total_bytes'],
    });
    assert.deepEqual(anded.rows.map((r) => r[0]).sort(), ['AFP', 'DNS']);
  });

  it('a DNS name in a filter is applied as its first address and reported in actual_filters', async () => {
    const host = rig.sim.model.host('10.1.2.100')!;
    const { def, rows } = await run({
      source: { name: 'aggregates' }, group_by: ['tcp.ip'], time: { duration: 'last 5 min' },
      filters: [{ value: `tcp.ip == '${host.hostName}'` }], columns: ['tcp.ip', 'sum_traffic.total_bytes'],
    });
    assert.deepEqual(def.actual_filters, [{ type: 'STEELFILTER', value: "tcp.ip == '10.1.2.100'" }]);
    assert.deepEqual(rows.map((r) => r[0]), ['10.1.2.100']);
  });

  it('metric thresholds filter where filters_on_metrics is true, and fail the data_def where it is not', async () => {
    const all = await run({ source: { name: 'aggregates' }, group_by: ['tcp.ip'], time: { duration: 'last 5 min' }, columns: ['tcp.ip', 'sum_traffic.total_bytes'] });
    const median = Number(all.rows[Math.floor(all.rows.length / 2)][1]);
    const big = await run({
      source: { name: 'aggregates' }, group_by: ['tcp.ip'], time: { duration: 'last 5 min' }, filters: [{ value: `sum_traffic.total_bytes > ${median}` }],
      columns: ['tcp.ip', 'sum_traffic.total_bytes'],
    });
    assert.ok(big.rows.length > 0 && big.rows.length < all.rows.length);
    assert.ok(big.rows.every((r) => Number(r[1]) > median));
    const refused = await rig.client.runSync([{
      source: { name: 'wtapages' }, group_by: ['web.server_ip'], time: { duration: 'last 5 min' }, filters: [{ value: 'sum_web.pages > 3' }], columns: ['web.server_ip', 'sum_web.pages'],
    }]);
    assert.equal(refused.instance.data_defs[0].status.state, 'error');
  });

  it('#N/A where a metric does not apply (TCP metric on UDP), #N/D where there is no data (DNS name)', async () => {
    const proto = await run({ source: { name: 'aggregates' }, group_by: ['ip.protocol.type_name'], time: { duration: 'last 5 min' }, columns: ['ip.protocol.type_name', 'avg_tcp.srv_response_time'] });
    const byProto = Object.fromEntries(proto.rows);
    assert.equal(byProto.UDP, '#N/A');
    assert.ok(Number(byProto.TCP) > 0);
    const dns = await run({ source: { name: 'aggregates' }, group_by: ['tcp.ip'], time: { duration: 'last 30 min' }, columns: ['tcp.ip', 'tcp.dns', 'sum_traffic.total_bytes'] });
    assert.ok(dns.rows.some((r) => r[1] === '#N/D'));
    assert.ok(dns.rows.some((r) => r[1] !== '#N/D' && r[1].includes('.')));
  });

  it('nanosecond start/end are echoed and the actual time is aligned to the granularity', async () => {
    const now = Math.floor(Date.now() / 1000);
    const start = `${now - 600}.123456789`;
    const end = `${now - 60}.987654321`;
    const { def } = await run({ source: { name: 'aggregates' }, time: { start, end, granularity: '60' }, columns: ['sum_traffic.total_bytes'] });
    assert.equal(def.time!.start, start);
    assert.equal(def.time!.end, end);
    const r = def.actual_time!.time_ranges[0];
    assert.equal(Number(r.start) % 60, 0);
    assert.equal(Number(r.end) % 60, 0);
    assert.ok(Number(r.start) <= now - 600 && Number(r.end) >= now - 60);
  });

  it('every duration form of the document resolves (actual_time within the history the appliance holds)', async () => {
    const forms = ['this month', 'previous 2 months', 'last 5 days', '12 min', '2 quarters', 'this week', 'this day', 'last hour', '6 hours', '5 seconds'];
    const { instance, ref } = await rig.client.runSync(forms.map((duration) => ({ source: { name: 'aggregates' }, time: { duration }, columns: ['sum_traffic.total_bytes'] })));
    await rig.client.deleteInstance(ref);
    const now = Date.now() / 1000;
    for (const [i, d] of instance.data_defs.entries()) {
      assert.equal(d.status.state, 'completed', `${forms[i]}: ${JSON.stringify(d.status.messages)}`);
      const r = d.actual_time!.time_ranges[0];
      assert.ok(Number(r.start) >= now - rig.sim.knobs.historySec - 120 && Number(r.end) <= now + 1, forms[i]);
    }
  });

  it('sources beyond traffic: alert_list rows and system_metrics time series', async () => {
    const alerts = await run({ source: { name: 'alert_list' }, time: { duration: 'last 1 day' }, columns: ['alert.id', 'alert.policy_name', 'alert.severity', 'alert.ongoing'] });
    assert.ok(alerts.rows.length > 0);
    const cpu = await run({ source: { name: 'system_metrics.cpu' }, time: { duration: 'last 30 min', granularity: '300' }, group_by: ['start_time'], columns: ['start_time', 'avg_sys.cpu_util'] });
    assert.ok(cpu.rows.length >= 5);
    for (const [, v] of cpu.rows) assert.ok(Number(v) >= 0 && Number(v) <= 100);
  });
});
