// Slots, multi-device members and link groups in the Devices tree, against the simulated Allegro
// (real HTTPS, the shared HTTP core). Each scope is a tree of its own whose requests carry mm-id
// or group; the proof is the data: a member's hosts are not the gateway's, a link group's hosts are
// a part of the device's, an uploaded pcap's slot shows the file's hosts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro';
import { AllegroClient } from '../../src/allegro/client';
import { createHttpClient } from '../../src/http';
import type { HttpClientApi } from '../../src/http/types';
import { clientOptionsOf } from '../../src/devices/client-options';
import type { DeviceProfile } from '../../src/devices/profile';
import { AllegroApiNodeView, AllegroConnectionNode, AllegroDeviceNode, AllegroScopeNode, AllegroScopesNode } from '../../src/views/nodes/allegro';
import { ErrorNode, type TreeNode } from '../../src/views/nodes/base';
import { captureTargetOf } from '../../src/pcap/target';
import { fetchNode } from '../../src/allegro/fetchNode';
import type { AsyncHandle } from '../../src/allegro/types';
import { child, testEnv, transport, type TestEnv } from './tree-helpers';

let sim: AllegroSimulator;
let env: TestEnv;
let http: HttpClientApi;
let profile: DeviceProfile;

before(async () => {
  sim = await startAllegroSimulator({ seed: 11 });
  const tls = { mode: 'pin' as const, fingerprint: sim.fingerprint };
  profile = { name: 'gw', kind: 'allegro', url: sim.url, auth: 'basic', username: sim.username, tls, scopes: [{ group: 2 }, { mmId: ':3' }] };
  env = testEnv([{ profile, secret: sim.password }], { pageSize: 100 });
  http = createHttpClient(clientOptionsOf(profile, sim.password, transport()));
});

after(async () => {
  await http.close();
  await env.close();
  await sim.close();
});

async function scopes(device: AllegroDeviceNode): Promise<TreeNode[]> {
  const kids = await device.children();
  const folder = kids[kids.length - 1];
  assert.ok(folder instanceof AllegroScopesNode, `the last child is the scopes folder, not ${folder?.item().label}`);
  return folder.children();
}

/** The IP values listed below modules/ip/ips of a device or scope node. */
async function ipsBelow(node: TreeNode): Promise<string[]> {
  const ips = await child(await child(await child(node, 'modules'), 'ip'), 'ips');
  const values = await child(ips, ':ip');
  return (await values.children()).filter((k): k is AllegroApiNodeView => k instanceof AllegroApiNodeView && k.core.kind === 'value').map((k) => k.core.value!);
}

test('the scopes folder lists the members the gateway reports, then the configured scopes, then Add', async () => {
  const device = new AllegroDeviceNode(profile, env);
  sim.stats.reset();
  const kids = await scopes(device);
  assert.equal(sim.stats.count('GET', '/API/system/multidevice/devices'), 1);
  const items = kids.map((k) => k.item());
  assert.deepEqual(items.map((i) => i.label), ['Branch office 1', 'Branch office 2', 'Lab (offline)', 'Link group 2', 'Slot 3', 'Add slot, device or link group…']);
  assert.deepEqual(items.slice(0, 5).map((i) => i.description), ['mm-id=allegro-mm-branch1', 'mm-id=allegro-mm-branch2', 'mm-id=allegro-mm-lab · inactive', 'group=2', 'mm-id=:3']);
  // only configured scopes can be removed; Add runs the command
  assert.deepEqual(kids.slice(0, 5).map((k) => /\bconfiguredScope\b/.test(k.item().contextValue ?? '')), [false, false, false, true, true]);
  assert.equal(items[5].command?.command, 'probeExplorer.addAllegroScope');
  // a second expansion reuses the list and the same nodes
  sim.stats.reset();
  const again = await scopes(device);
  assert.equal(sim.stats.total, 0);
  assert.equal(again[0], kids[0]);
  // Refresh (or Retry) of the folder reloads the list only; the scopes keep their trees
  await kids[0].children();
  assert.ok(kids[0].loaded);
  kids[0].parent!.refresh();
  assert.ok(kids[0].loaded, 'a scope\'s tree survives a reload of the list');
  // Refresh of the device reloads the list and the scopes' trees, keeping the nodes
  device.refresh();
  assert.ok(!kids[0].loaded, 'a scope\'s tree is dropped by Refresh of its device');
  sim.stats.reset();
  const reloaded = await scopes(device);
  assert.equal(sim.stats.count('GET', '/API/system/multidevice/devices'), 1);
  assert.equal(reloaded[0], kids[0]);
});

test('a member list that fails is an error node with Retry; the configured scopes stay, the device stays connected', async () => {
  const device = new AllegroDeviceNode(profile, env);
  sim.faults.failNext(1, 500, '/API/system/multidevice/devices');
  const kids = await scopes(device);
  assert.ok(kids[0] instanceof ErrorNode, `first: ${kids[0].item().label}`);
  assert.match(kids[0].item().label, /500 for \/API\/system\/multidevice\/devices/);
  assert.deepEqual(kids.slice(1).map((k) => k.item().label), ['Link group 2', 'Slot 3', 'Add slot, device or link group…']);
  assert.match(device.item().description!, /· connected$/);
  // Retry reloads the folder: the members are back
  (kids[0] as ErrorNode).parent!.refresh();
  assert.deepEqual((await (kids[0] as ErrorNode).parent!.children()).map((k) => k.item().label).slice(0, 2), ['Branch office 1', 'Branch office 2']);
});

test('a member is a tree of its own: its hosts are the member\'s, and what is opened or captured there carries its mm-id', async () => {
  const device = new AllegroDeviceNode(profile, env);
  const member = (await scopes(device))[0] as AllegroScopeNode;
  const client = new AllegroClient(http);
  const theirs = await ipsBelow(member);
  const memberIps = new Set(await client.withSlot('allegro-mm-branch1').ips());
  const gatewayIps = new Set(await client.ips());
  assert.ok(theirs.length > 0);
  assert.ok(theirs.every((ip) => memberIps.has(ip)), 'every listed host is one of the member\'s');
  assert.ok(theirs.some((ip) => !gatewayIps.has(ip)), 'hosts the gateway itself does not see');
  const ipNode = (await child(await child(await child(await child(await child(member, 'modules'), 'ip'), 'ips'), ':ip'), theirs[0])) as AllegroApiNodeView;
  assert.notEqual(ipNode.id, device.wrap(ipNode.core).id, 'ids differ between scopes');
  assert.match(ipNode.id, /^gw\|mm=allegro-mm-branch1;g=0\|/);
  const req = ipNode.request()!;
  assert.equal(req.query?.['mm-id'], 'allegro-mm-branch1');
  assert.equal(req.path, `/API/stats/modules/ip/ips/${theirs[0]}`);
  assert.equal(req.title, `ips ${theirs[0]} · allegro-mm-branch1`, 'the results title names the member');
  assert.equal(device.wrap(ipNode.core).request()?.title, `ips ${theirs[0]}`);
  // Open sends exactly this request: the counters come from the member
  const counters = (await http.json<{ interval: number[] }>({ path: req.path, query: req.query })).body;
  assert.deepEqual(counters.interval.length, (await client.withSlot('allegro-mm-branch1').get<{ interval: number[] }>(req.path)).interval.length);
  assert.equal(captureTargetOf(ipNode)?.mmId, 'allegro-mm-branch1');
  assert.equal(captureTargetOf(ipNode)?.ip, theirs[0]);
  // a connection below the member's host is captured from the member too
  const conns = await child(ipNode, 'connections');
  const conn = (await conns.children()).find((k): k is AllegroConnectionNode => k instanceof AllegroConnectionNode);
  assert.ok(conn, 'the member host has connections');
  assert.equal(captureTargetOf(conn)?.mmId, 'allegro-mm-branch1');
  // the device's own nodes carry no mm-id
  assert.equal(captureTargetOf(device.wrap((await device.apiTree()).root.children![0]))?.mmId, undefined);
});

test('a link group shows only that group\'s hosts (requests carry group=2)', async () => {
  const device = new AllegroDeviceNode(profile, env);
  const group = (await scopes(device)).find((k) => k.item().label === 'Link group 2') as AllegroScopeNode;
  const all = new Set(await new AllegroClient(http).ips());
  const inGroup = new Set(await new AllegroClient(http).withGroup(2).ips());
  const grouped = await ipsBelow(group);
  assert.ok(grouped.length > 0);
  assert.ok(grouped.every((ip) => inGroup.has(ip)), 'every listed host is in the group');
  assert.ok(inGroup.size < all.size && [...inGroup].every((ip) => all.has(ip)), 'the group is a part of the device\'s traffic');
  assert.ok([...all].some((ip) => !inGroup.has(ip) && !grouped.includes(ip)), 'hosts outside the group are not listed');
  assert.equal(group.request().query?.group, 2);
});

test('an inactive member or a missing slot fails on its own: an error node with the reason, the device stays connected', async () => {
  const device = new AllegroDeviceNode(profile, env);
  const kids = await scopes(device);
  assert.match(device.item().description!, /connected$/);
  // The structure (OPTIONS) is the same everywhere; the data of an offline member or a slot with
  // no analysis is not there.
  const valuesOf = async (node: TreeNode) => (await child(await child(await child(await child(node, 'modules'), 'ip'), 'ips'), ':ip')).children();
  const lab = kids.find((k) => k.item().label === 'Lab (offline)')!;
  const labKids = await valuesOf(lab);
  const isError = (k: TreeNode) => /\berror\b/.test(k.item().contextValue ?? '');
  const labError = labKids.find(isError);
  assert.ok(labError, `an error node among ${labKids.map((k) => k.item().label).join(', ')}`);
  assert.ok(!labKids.some((k) => k instanceof AllegroApiNodeView && k.core.kind === 'value'), 'no values');
  assert.match(labError.item().label, /503/);
  assert.match(labError.item().label, /not connected/);
  const slot = kids.find((k) => k.item().label === 'Slot 3')!;
  const slotError = (await valuesOf(slot)).find(isError);
  assert.ok(slotError);
  assert.match(slotError.item().label, /no analysis slot 3/);
  assert.match(device.item().description!, /· connected$/, 'the device itself still answers');
});

test('a member that is also configured is shown once and can be removed; a scope that is gone is forgotten', async () => {
  const device = new AllegroDeviceNode({ ...profile, scopes: [{ mmId: 'allegro-mm-branch2' }, { group: 2 }] }, env);
  let kids = await scopes(device);
  const branch2 = kids.find((k) => k.item().label === 'Branch office 2') as AllegroScopeNode;
  assert.equal(kids.filter((k) => k instanceof AllegroScopeNode && k.scope.mmId === 'allegro-mm-branch2').length, 1);
  assert.match(branch2.item().contextValue!, /\bconfiguredScope\b/);
  assert.doesNotMatch((kids[0] as AllegroScopeNode).item().contextValue!, /\bconfiguredScope\b/);
  const group = kids.find((k) => k.item().label === 'Link group 2') as AllegroScopeNode;
  // captures take mm-id but no link group: a group-only scope offers none, a member does
  assert.doesNotMatch(group.item().contextValue!, /\bcapturable\b/);
  assert.match(branch2.item().contextValue!, /\bcapturable\b/);
  // the group is removed from the profile: the folder forgets it, and it comes back as a new node
  device.profile = { ...device.profile, scopes: [{ mmId: 'allegro-mm-branch2' }] };
  device.scopes.refresh();
  kids = await scopes(device);
  assert.ok(!kids.some((k) => k.item().label === 'Link group 2'));
  device.profile = { ...device.profile, scopes: [{ mmId: 'allegro-mm-branch2' }, { group: 2 }] };
  device.scopes.refresh();
  kids = await scopes(device);
  assert.notEqual(kids.find((k) => k.item().label === 'Link group 2'), group);
});

test('what a scope answers does not change the device\'s state: a device that failed stays failed', async () => {
  const device = new AllegroDeviceNode(profile, env);
  const member = (await scopes(device))[0] as AllegroScopeNode;
  sim.faults.failNext(1, 500, '/API/stats');
  device.refresh();
  const kids = await device.children();
  assert.match(device.item().description!, /HTTP 500/);
  assert.ok(!kids.some((k) => k instanceof AllegroScopesNode), 'no scopes folder below a device that failed');
  await child(member, 'modules');
  assert.match(device.item().description!, /HTTP 500/, 'a member answering does not make the device connected');
});

test('opening a list that answers with an asynchronous job in a member polls it there (mm-id on the poll)', async () => {
  const client = new AllegroClient(http);
  const path = '/API/stats/modules/ip/globalConnections';
  const result = (await fetchNode(client, path, { 'mm-id': 'allegro-mm-branch1', count: 5 })) as { displayedItems: unknown[] };
  assert.equal(result.displayedItems.length, 5);
  // the simulator, like the device, knows the job only with its mm-id
  const handle = await client.get<AsyncHandle>(path, { 'mm-id': 'allegro-mm-branch1', count: 5 });
  await assert.rejects(client.awaitAsync(handle, { intervalMs: 50 }), /404/);
  const theirs = await client.withSlot('allegro-mm-branch1').awaitAsync<{ displayedItems: unknown[] }>(handle, { intervalMs: 50 });
  assert.equal(theirs.displayedItems.length, 5);
});

test('a slot made by a pcap upload shows the file\'s hosts', async () => {
  const client = new AllegroClient(http);
  // a small capture of one host, uploaded into analysis slot 3
  const now = Math.floor(Date.now() / 1000);
  const res = await http.buffer({ path: '/API/data/modules/capture', query: { expression: 'ip==10.1.2.3', startTime: (now - 120) * 1e6, endTime: (now - 60) * 1e6, fromCaptureBuffer: true } });
  const upload = await client.uploadPcap('one-host.pcap', res.body, { replaySlotID: 3 });
  assert.equal(upload.replaySlotID, 3);
  const device = new AllegroDeviceNode(profile, env);
  const slot = (await scopes(device)).find((k) => k.item().label === 'Slot 3') as AllegroScopeNode;
  const ips = await ipsBelow(slot);
  assert.ok(ips.includes('10.1.2.3'), `the uploaded host is listed: ${ips.join(', ')}`);
  assert.ok(ips.length < (await new AllegroClient(http).ips()).length, 'only the hosts in the file');
});
