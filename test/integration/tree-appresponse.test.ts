// The AppResponse part of the Devices tree against the simulated AppResponse (real HTTPS, real
// HTTP core): report sources grouped into Keys/Metrics, packet sources, report instances.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAppResponseSimulator, type AppResponseSimulator } from '../../src/simulator/appresponse';
import type { DeviceProfile } from '../../src/devices/profile';
import { AppResponseDeviceNode, ColumnNode, InstanceNode, InstancesNode, PacketSourceNode, SourceNode } from '../../src/views/nodes/appresponse';
import { ErrorNode } from '../../src/views/nodes/base';
import { captureTargetOf } from '../../src/pcap/target';
import { httpAppResponseTreeSource } from '../../src/appresponse/catalogSource';
import { HttpStatusError } from '../../src/http/errors';
import { AppResponseClient } from '../../src/appresponse/client';
import { child, labels, testEnv, type TestEnv } from './tree-helpers';

let sim: AppResponseSimulator;
let env: TestEnv;
const profiles: Array<{ profile: DeviceProfile; secret: string }> = [];

function device(username: string): AppResponseDeviceNode {
  const entry = profiles.find((p) => p.profile.username === username)!;
  return new AppResponseDeviceNode(entry.profile, env);
}

before(async () => {
  sim = await startAppResponseSimulator({ seed: 3 });
  for (const u of sim.users) {
    profiles.push({
      profile: { name: `ar-${u.username}`, kind: 'appresponse', url: sim.url, auth: 'token', username: u.username, tls: { mode: 'pin', fingerprint: sim.fingerprint } },
      secret: u.password,
    });
  }
  profiles.push({ profile: { name: 'ar-wrong', kind: 'appresponse', url: sim.url, auth: 'token', username: 'admin', tls: { mode: 'pin', fingerprint: sim.fingerprint } }, secret: 'not-the-password' });
  env = testEnv(profiles);
});

after(async () => {
  await env.close();
  await sim.close();
});

test('an AppResponse device shows Report sources, Packet sources and Report instances without a request', async () => {
  sim.resetStats();
  const dev = device('admin');
  assert.deepEqual(await labels(dev), ['Report sources', 'Packet sources', 'Report instances']);
  assert.equal(sim.stats.total, 0);
  assert.match(dev.item().description!, /127\.0\.0\.1:\d+ · not connected/);
});

test('report sources list with their facts, and columns split into Keys and Metrics by category', async () => {
  const dev = device('admin');
  const sources = await child(dev, 'Report sources');
  const names = await labels(sources);
  assert.ok(names.includes('aggregates') && names.includes('packets'), names.join(','));
  assert.match(dev.item().description!, /· connected$/);
  const aggregates = (await child(sources, 'aggregates')) as SourceNode;
  assert.deepEqual(aggregates.item().contextValue, 'refreshable reportable openable api');
  const kids = await labels(aggregates);
  assert.ok(kids.some((l) => /^Granularities: 1 min, 5 min, 1 h, 6 h, 1 d$/.test(l)), kids.join(' | '));
  assert.ok(kids.some((l) => /^External API access: supported$/.test(l)));
  assert.ok(kids.some((l) => /^Capabilities: /.test(l)));
  assert.ok(kids.includes('Keys') && kids.includes('Metrics'));

  const source = sim.sources().find((s) => s.name === 'aggregates')!;
  const metrics = await child(aggregates, 'Metrics');
  const metricIds: string[] = [];
  for (const n of await metrics.children()) {
    for (const c of n instanceof ColumnNode ? [n] : await n.children()) if (c instanceof ColumnNode) metricIds.push(c.column.id);
  }
  const expected = source.columns.filter((c) => c.metric && !c.grouped_by).map((c) => c.id);
  assert.deepEqual([...new Set(metricIds)].sort(), [...new Set(expected)].sort());
});

test('a column shows label, id, type and unit, and its tooltip every property', async () => {
  const dev = device('admin');
  const aggregates = await child(await child(dev, 'Report sources'), 'aggregates');
  const metrics = await child(aggregates, 'Metrics');
  let column: ColumnNode | undefined;
  for (const n of await metrics.children()) {
    for (const c of n instanceof ColumnNode ? [n] : await n.children()) if (c instanceof ColumnNode && c.column.id === 'sum_traffic.total_bytes') column = c;
  }
  assert.ok(column, 'sum_traffic.total_bytes under Metrics');
  const item = column.item();
  assert.equal(item.description, `sum_traffic.total_bytes · ${column.column.type}${column.column.unit && column.column.unit !== 'none' ? ` · ${column.column.unit}` : ''}${column.column.rate ? `/${column.column.rate === 'ps' ? 's' : column.column.rate}` : ''}`);
  assert.equal(item.tooltip, undefined, 'the tooltip is filled on hover only');
  const tip = column.resolveTooltip();
  for (const key of Object.keys(column.column)) assert.match(tip, new RegExp(`^${key}: `, 'm'), key);
  assert.equal(item.contextValue, 'reportable');
  assert.deepEqual([column.sourceName, column.columnId], ['aggregates', 'sum_traffic.total_bytes']);
});

test('packet sources list capture jobs with state and time span, and carry what the pcap commands need', async () => {
  const dev = device('admin');
  const packets = await child(dev, 'Packet sources');
  assert.deepEqual(await labels(packets), ['Virtual interface groups', 'Capture jobs', 'Clips', 'Files']);
  const jobs = await child(packets, 'Capture jobs');
  const job = (await jobs.children())[0] as PacketSourceNode;
  assert.ok(job instanceof PacketSourceNode);
  assert.match(job.item().description!, /^RUNNING · since \d\d:\d\d UTC · [\d.]+ [kMG]?B as of \d\d:\d\d UTC$/);
  assert.equal(job.packetSource.live, true, 'a running job is marked as still capturing');
  assert.match(job.item().tooltip!, /packets: \d{4}-\d\d-\d\d .* UTC → .* UTC/);
  assert.equal(job.item().contextValue, 'packetSource reportable openable api');
  assert.equal(job.sourcePath, `jobs/${job.entry.id}`);
  const target = captureTargetOf(job);
  assert.equal(target?.deviceName, 'ar-admin');
  assert.equal(target?.packetSource?.type, 'job');
  assert.equal(target?.packetSource?.id, job.entry.id);
  assert.ok(typeof target?.packetSource?.startTime === 'number');
  const vifgs = await labels(await child(packets, 'Virtual interface groups'));
  assert.ok(vifgs.includes('my_vifg'), vifgs.join(','));
  const filesNode = await child(packets, 'Files');
  assert.ok((await labels(filesNode)).includes('admin'));
  const adminDir = await child(filesNode, 'admin');
  const web = (await child(adminDir, 'web.pcap')) as PacketSourceNode;
  assert.deepEqual(captureTargetOf(web)?.packetSource, { type: 'file', id: 'admin/web.pcap', name: 'web.pcap', ...(web.entry.startTime !== undefined ? { startTime: web.entry.startTime } : {}), ...(web.entry.endTime !== undefined ? { endTime: web.entry.endTime } : {}) });
  assert.equal(web.sourcePath, 'fs/admin/web.pcap');
  // Open of a job GETs its item
  const env2 = await env.http('ar-admin');
  const res = await env2.json<{ id: string }>({ path: job.request().path });
  assert.equal(res.body.id, job.entry.id);
});

test('report instances show whose they are; Delete all mine deletes only the user\'s own', async () => {
  const admin = await env.http('ar-admin');
  const analyst = await env.http('ar-analyst');
  const def = { data_defs: [{ source: { name: 'aggregates' }, time: { duration: 'last 5 minutes' }, group_by: ['app.name'], columns: ['app.name', 'sum_traffic.total_bytes'] }] };
  const mine1 = (await admin.json<{ id: number }>({ method: 'POST', path: '/api/npm.reports/1.0/instances', body: def })).body.id;
  const mine2 = (await admin.json<{ id: number }>({ method: 'POST', path: '/api/npm.reports/1.0/instances', body: def })).body.id;
  const theirs = (await analyst.json<{ id: number }>({ method: 'POST', path: '/api/npm.reports/1.0/instances', body: def })).body.id;

  const dev = device('admin');
  const group = (await child(dev, 'Report instances')) as InstancesNode;
  assert.equal(group.item().contextValue, 'refreshable reportInstances');
  const listed = await group.listed();
  const byId = new Map(listed.map((i) => [i.instanceId, i]));
  assert.equal(listed.length, byId.size, 'each instance listed once');
  assert.equal(byId.get(mine1)?.entry.mine, true);
  assert.equal(byId.get(theirs)?.entry.mine, false);
  assert.match(byId.get(theirs)!.item().description!, /by analyst/);

  // what the command does: delete the mine ones, reload the group
  const mine = listed.filter((i) => i.entry.mine);
  await Promise.all(mine.map((i: InstanceNode) => i.delete()));
  group.refresh();
  const after = (await group.listed()).map((i) => i.instanceId);
  assert.ok(!after.includes(mine1) && !after.includes(mine2));
  assert.ok(after.includes(theirs));
});

test('Open on a report instance shows its answer: each data definition\'s columns and rows, typed by the catalogue', async () => {
  const admin = await env.http('ar-admin');
  const def = { data_defs: [{ source: { name: 'aggregates' }, time: { duration: 'last 1 hour' }, group_by: ['app.name'], columns: ['app.name', 'sum_traffic.total_bytes'] }] };
  const id = (await admin.json<{ id: number }>({ method: 'POST', path: '/api/npm.reports/1.0/instances', body: def })).body.id;
  try {
    await new AppResponseClient(admin).waitForInstance(id);
    const group = (await child(device('admin'), 'Report instances')) as InstancesNode;
    const node = (await group.listed()).find((i) => i.instanceId === id);
    assert.ok(node, 'the instance is listed');
    const expected = (await admin.json<{ columns: string[]; data: string[][] }>({ path: `/api/npm.reports/1.0/instances/items/${id}/data_defs/items/1/data` })).body;
    assert.ok(expected.data.length > 0, 'the simulator answers rows');

    const report = await node.report();
    assert.equal(report.title, `Instance ${id}`); // the results panel adds " · <device>"
    assert.equal(report.dataDefs.length, 1);
    assert.equal(report.dataDefs[0].title, 'Data definition 1: aggregates');
    assert.deepEqual(report.dataDefs[0].columns, ['app.name', 'sum_traffic.total_bytes']);
    assert.deepEqual(report.dataDefs[0].data, expected.data);
    const bytes = report.catalogue.find((c) => c.id === 'sum_traffic.total_bytes');
    assert.equal(bytes?.metric, true);
    assert.equal(bytes?.unit, 'bytes');
  } finally {
    await admin.text({ method: 'DELETE', path: `/api/npm.reports/1.0/instances/items/${id}` });
  }
});

test('a wrong password is an error child that names the credential; Retry after the fix works', async () => {
  const dev = new AppResponseDeviceNode(profiles.find((p) => p.profile.name === 'ar-wrong')!.profile, env);
  const sources = await child(dev, 'Report sources');
  const kids = await sources.children();
  assert.equal(kids.length, 1);
  assert.ok(kids[0] instanceof ErrorNode);
  assert.match(kids[0].item().label, /401 Unauthorized: ar-wrong refused the access token login of user "admin"/);
  assert.equal(kids[0].item().command?.command, 'probeExplorer.retryNode');
  assert.match(dev.item().description!, /HTTP 401/);
  assert.ok(env.changes.includes(dev), 'the device node was redrawn with its new state');
});

test('a user without the reports role gets a 403 that names the missing role', async () => {
  const dev = device('auditor');
  const kids = await (await child(dev, 'Report instances')).children();
  assert.ok(kids[0] instanceof ErrorNode);
  assert.match(kids[0].item().label, /403 Forbidden: user "auditor" lacks the role/);
});

test('re-expanding a loaded AppResponse node makes no request; Refresh does', async () => {
  const dev = device('admin');
  const sources = await child(dev, 'Report sources');
  await sources.children();
  sim.resetStats();
  await sources.children();
  assert.equal(sim.stats.total, 0);
  sources.refresh();
  await sources.children();
  assert.ok(sim.stats.total > 0);
});

test('service versions come from the device, once; when discovery fails the document\'s versions serve and discovery is tried again', async () => {
  const http = await env.http('ar-admin');
  const services = 'GET /api/common/1.0/services';
  const saved = { ...sim.faults };
  Object.assign(sim.faults, { pathPattern: /^\/api\/common\/1\.0\/services$/, errorRate: 1, errorStatuses: [503] });
  try {
    sim.resetStats();
    const fallback = httpAppResponseTreeSource(http);
    assert.ok((await fallback.jobs()).length > 0, 'jobs listed with the fallback version');
    await fallback.clips();
    assert.equal(sim.stats.byRoute[services], 2, 'each call tries discovery again');
    assert.equal(sim.stats.byRoute['GET /api/npm.packet_capture/3.0/jobs'], 1);
  } finally {
    Object.assign(sim.faults, saved);
  }
  sim.resetStats();
  const source = httpAppResponseTreeSource(http);
  await source.jobs();
  await source.vifgs();
  await source.instances();
  assert.equal(sim.stats.byRoute[services], 1);
  assert.equal(sim.stats.byRoute['GET /api/npm.packet_capture/3.0/vifgs'], 1, 'the highest version the device offers (1.0, 2.0, 3.0)');
  assert.equal(source.paths.packetSource('job', 'j 1'), '/api/npm.packet_capture/3.0/jobs/items/j%201');
  assert.equal(source.paths.instance('npm.probe.reports', 7), '/api/npm.probe.reports/1.0/instances/items/7');
});

test('deleting an instance without the permission is a typed 403; one already gone is no error', async () => {
  const admin = await env.http('ar-admin');
  const def = { data_defs: [{ source: { name: 'aggregates' }, time: { duration: 'last 5 minutes' }, group_by: ['app.name'], columns: ['app.name', 'sum_traffic.total_bytes'] }] };
  const id = (await admin.json<{ id: number }>({ method: 'POST', path: '/api/npm.reports/1.0/instances', body: def })).body.id;
  const auditor = httpAppResponseTreeSource(await env.http('ar-auditor'));
  await assert.rejects(auditor.deleteInstance('npm.reports', id), (e: unknown) => e instanceof HttpStatusError && e.status === 403 && /lacks the role/.test(e.message));
  const source = httpAppResponseTreeSource(admin);
  await source.deleteInstance('npm.reports', id);
  await source.deleteInstance('npm.reports', id);
  assert.ok(!(await source.instances()).some((i) => i.id === id));
});
