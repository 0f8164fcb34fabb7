// Auth, discovery and the sources catalogue of the simulated AppResponse, through our HTTP core.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStatusError } from '../../src/http/errors';
import { AppResponseClient } from '../../src/appresponse/client';
import { createHttpClient } from '../../src/http/index';
import { startAppResponseSimulator } from '../../src/simulator/appresponse/index';
import { anonymousClient, bearerClient, clientFor, startRig, type Rig } from './appresponse-support';

describe('AppResponse simulator: auth and discovery', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig();
  });
  after(() => rig.close());

  it('logs in for a bearer token and answers the discovery calls with the documented shapes', async () => {
    const info = await rig.client.info();
    for (const key of ['device_name', 'model', 'sw_version', 'serial', 'hw_version', 'mgmt_addresses']) assert.ok(key in info, key);
    const services = await rig.client.services();
    assert.deepEqual(services.find((s) => s.id === 'npm.reports')?.versions, ['1.0']);
    assert.equal(await rig.client.serviceVersion('npm.packet_export'), '1.3');
    assert.equal(await rig.client.serviceVersion('mgmt.aaa'), '2.0');
    const auth = await rig.client.authInfo();
    assert.ok(Array.isArray(auth.supported_methods) && auth.supported_methods.length > 0);
    await rig.client.sources();
    assert.equal(rig.sim.stats.byRoute['POST /api/mgmt.aaa/1.0/token'], 1);
  });

  it('answers 201 with access_token, refresh_token and expires_at, and refreshes with the refresh token', async () => {
    const anon = anonymousClient(rig.sim);
    try {
      const login = await anon.json<{ access_token: string; refresh_token: string; expires_at: number }>({
        method: 'POST', path: '/api/mgmt.aaa/1.0/token', body: { user_credentials: { username: rig.sim.username, password: rig.sim.password }, generate_refresh_token: true },
      });
      assert.equal(login.status, 201);
      assert.ok(login.body.access_token && login.body.refresh_token);
      assert.ok(login.body.expires_at > Date.now() / 1000);
      const refreshed = await anon.json<{ access_token: string }>({ method: 'POST', path: '/api/mgmt.aaa/2.0/token', body: { refresh_token: login.body.refresh_token } });
      assert.equal(refreshed.status, 201);
      assert.notEqual(refreshed.body.access_token, login.body.access_token);
      const bad = await anon.raw({ method: 'POST', path: '/api/mgmt.aaa/1.0/token', body: { user_credentials: { username: 'admin', password: 'nope' } } });
      assert.equal(bad.status, 401);
    } finally {
      await anon.close();
    }
  });

  it('answers 401 without a token, with an invalid token, and 415 for a charset', async () => {
    const anon = anonymousClient(rig.sim);
    try {
      const missing = await anon.raw({ path: '/api/npm.reports.sources/1.0/sources' });
      assert.equal(missing.status, 401);
      assert.equal(JSON.parse(missing.body).error_id, 'AUTH_REQUIRED');
      const bearer = bearerClient(rig.sim, 'not-a-token');
      const invalid = await bearer.raw({ path: '/api/npm.reports.sources/1.0/sources' });
      await bearer.close();
      assert.equal(invalid.status, 401);
      assert.equal(JSON.parse(invalid.body).error_id, 'AUTH_INVALID_TOKEN');
      const charset = await anon.raw({ method: 'POST', path: '/api/mgmt.aaa/1.0/token', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{}' });
      assert.equal(charset.status, 415);
    } finally {
      await anon.close();
    }
  });

  it('answers 403 to a user without the right (monitor cannot export packets)', async () => {
    const monitor = rig.sim.users.find((u) => u.username === 'monitor')!;
    const http = clientFor(rig.sim, monitor);
    try {
      const client = new AppResponseClient(http);
      await client.sources();
      await assert.rejects(client.createExport({ path: 'vifgs/1000' }), (e: unknown) => e instanceof HttpStatusError && e.status === 403 && e.errorId === 'AUTH_FORBIDDEN');
    } finally {
      await http.close();
    }
  });

  it('survives token expiry mid-session: the core logs in again and the request succeeds', async () => {
    await rig.client.sources();
    const tokenCalls = () => (rig.sim.stats.byRoute['POST /api/mgmt.aaa/1.0/token'] ?? 0) + (rig.sim.stats.byRoute['POST /api/mgmt.aaa/2.0/token'] ?? 0);
    const before = tokenCalls();
    const unauthorized = rig.sim.stats.byStatus['401'] ?? 0;
    rig.sim.expireTokens();
    const sources = await rig.client.sources();
    assert.ok(sources.length > 0);
    assert.equal(rig.sim.stats.byStatus['401'], unauthorized + 1, 'the stale token was refused once');
    assert.equal(tokenCalls(), before + 1, 'one renewal (refresh token or login)');
  });

  it('expires tokens after their lifetime', async () => {
    const anon = anonymousClient(rig.sim);
    const old = rig.sim.tokenLifetimeSec;
    try {
      rig.sim.tokenLifetimeSec = 1.5;
      const login = await anon.json<{ access_token: string }>({ method: 'POST', path: '/api/mgmt.aaa/1.0/token', body: { user_credentials: { username: rig.sim.username, password: rig.sim.password } } });
      const bearer = bearerClient(rig.sim, login.body.access_token);
      const ok = await bearer.raw({ path: '/api/npm.clips/1.0/clips' });
      assert.equal(ok.status, 200);
      await new Promise((r) => setTimeout(r, 1600));
      const expired = await bearer.raw({ path: '/api/npm.clips/1.0/clips' });
      await bearer.close();
      assert.equal(expired.status, 401);
      assert.equal(JSON.parse(expired.body).error_id, 'AUTH_EXPIRED_TOKEN');
    } finally {
      rig.sim.tokenLifetimeSec = old;
      await anon.close();
    }
  });
});

describe('AppResponse simulator: releases with other token services', () => {
  for (const [versions, expected] of [[['2.0'], 'POST /api/mgmt.aaa/2.0/token'], [['1.0'], 'POST /api/mgmt.aaa/1.0/token']] as const) {
    it(`logs in where only mgmt.aaa ${versions[0]} exists`, async () => {
      const rig = await startRig({ tokenApiVersions: [...versions] });
      try {
        assert.ok((await rig.client.clips()).length > 0);
        assert.equal(rig.sim.stats.byRoute[expected], 1);
        assert.deepEqual((await rig.client.services()).find((s) => s.id === 'mgmt.aaa')?.versions, [...versions]);
      } finally {
        await rig.close();
      }
    });
  }

  it('without a token service, Basic auth works when the profile allows the fallback', async () => {
    const sim = await startAppResponseSimulator({ tokenApiVersions: [] });
    const http = createHttpClient({
      deviceName: 'ar-basic', baseUrl: sim.url, tls: { mode: 'pin', fingerprint: sim.fingerprint },
      credentials: { kind: 'appresponse', username: sim.username, password: sim.password, allowBasicFallback: true }, retries: 0,
    });
    try {
      assert.ok((await new AppResponseClient(http).clips()).length > 0);
    } finally {
      await http.close();
      await sim.close();
    }
  });
});

describe('AppResponse simulator: sources catalogue', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig();
  });
  after(() => rig.close());

  it('lists the realistic sources with info, capabilities and granularities', async () => {
    const sources = await rig.client.sources();
    const names = sources.map((s) => s.name);
    for (const name of ['packets', 'aggregates', 'flow_ip', 'flow_tcp', 'alert_list', 'system_metrics.cpu', 'system_metrics.disk', 'system_metrics.memory']) assert.ok(names.includes(name), name);
    const aggregates = sources.find((s) => s.name === 'aggregates')!;
    assert.deepEqual(aggregates.granularities, ['60', '300', '3600', '21600', '86400']);
    assert.equal(aggregates.capabilities.filters_on_metrics, true);
    assert.equal(aggregates.info.external_api_access, 'supported');
    assert.equal(aggregates.info.vendor, 'Riverbed');
    assert.match(aggregates.info.generated_at, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}/);
    const packets = await rig.client.source('packets', { probe: true });
    assert.deepEqual(packets.granularities, ['0.001', '0.01', '0.1', '1', '10', '60', '600', '3600', '86400']);
    const probeNames = (await rig.client.sources({ probe: true })).map((s) => s.name);
    assert.deepEqual(probeNames, ['packets']);
  });

  it('serves every documented column property somewhere in the catalogue, with the real column ids', async () => {
    const sources = await rig.client.sources();
    const columns = sources.flatMap((s) => s.columns);
    const props = new Set(columns.flatMap((c) => Object.keys(c)));
    for (const p of ['id', 'field', 'label', 'description', 'type', 'enum', 'minimum', 'maximum', 'unit', 'rate', 'operation', 'direction', 'role', 'grouped_by', 'top_by', 'sortable', 'metric', 'categories', 'groups', 'default_if_absent']) {
      assert.ok(props.has(p), `property ${p}`);
    }
    const aggregates = sources.find((s) => s.name === 'aggregates')!;
    const byId = new Map(aggregates.columns.map((c) => [c.id, c]));
    for (const id of ['start_time', 'end_time', 'tcp.ip', 'host_group.id', 'host_group.name', 'app.name', 'sum_traffic.total_bytes', 'avg_traffic.total_bytes_ps', 'avg_tcp.srv_response_time', 'srv_tcp.port']) assert.ok(byId.has(id), id);
    assert.deepEqual(byId.get('avg_traffic.total_bytes_ps')!.top_by, { asc: false, desc: true });
    assert.equal(byId.get('avg_traffic.total_bytes_ps')!.rate, 'ps');
    assert.equal(byId.get('avg_traffic.total_bytes_ps')!.operation, 'avg');
    assert.equal(byId.get('tcp.dns')!.sortable, false);
    assert.equal(byId.get('cli_tcp.ip')!.role, 'cli');
    assert.equal(byId.get('cli_tcp.ip')!.field, 'tcp.ip');
    assert.equal(byId.get('sum_tcp.payload_packets_c2s')!.direction, 'c2s');
    assert.equal(byId.get('host_group.id')!.grouped_by, true);
    assert.equal(byId.get('sum_traffic.total_bytes')!.metric, true);
    assert.equal(byId.get('sum_traffic.total_bytes')!.unit, 'bytes');
  });

  it('localises labels for Accept-Language zh_CN', async () => {
    const en = await rig.client.source('aggregates');
    const zh = await rig.client.source('aggregates', { locale: 'zh_CN' });
    const label = (s: typeof en, id: string) => s.columns.find((c) => c.id === id)!.label;
    assert.equal(label(en, 'sum_traffic.total_bytes'), 'Total Bytes');
    assert.equal(label(zh, 'sum_traffic.total_bytes'), '总字节数');
    assert.match(label(zh, 'avg_tcp.srv_response_time'), /服务器响应时间/);
  });

  it('lists enum values of a field', async () => {
    const field = await rig.client.field('ip.protocol.type_name');
    assert.equal(field.enum, true);
    assert.ok(field.values.some((v) => v.value === 'TCP'));
    assert.ok(field.values.some((v) => v.value === 'UDP'));
    const zh = await rig.client.field('alert.severity', { locale: 'zh_CN' });
    assert.ok(zh.values.some((v) => v.value === 'Critical' && v.label === '严重'));
  });

  it('serves the document literally, typo included: GET /api/npm.reports.soutrces/1.0/sources/items/aggregates', async () => {
    const r = await rig.http.json<{ name: string; columns: unknown[] }>({ path: '/api/npm.reports.soutrces/1.0/sources/items/aggregates' });
    assert.equal(r.body.name, 'aggregates');
    assert.ok(r.body.columns.length > 20);
    await assert.rejects(rig.http.json({ path: '/api/npm.reports.sources/1.0/sources/items/nope' }), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
    await assert.rejects(rig.http.json({ method: 'DELETE', path: '/api/npm.reports.sources/1.0/sources' }), (e: unknown) => e instanceof HttpStatusError && e.status === 405);
  });
});
