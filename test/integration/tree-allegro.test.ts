// The Allegro API tree against the simulated Allegro (real HTTPS, the shared HTTP core): lazy
// levels, cache, shared loads, parameter values with paging, validation, errors with Retry,
// cycle cut, Find with cancellation, API map. The simulator's request statistics are the proof.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro';
import { AllegroApiTree, allegroTreeTransport, httpTreeTransport, type AllegroTreeTransport, type ApiNode } from '../../src/allegro/apiTree';
import { AllegroClient } from '../../src/allegro/client';
import { apiMapMarkdown, apiMapOf, apiMapPaths } from '../../src/allegro/apiMap';
import { curlSnippet, powerShellSnippet, pythonSnippet } from '../../src/allegro/snippets';
import { createHttpClient } from '../../src/http';
import type { HttpClientApi } from '../../src/http/types';
import { clientOptionsOf } from '../../src/devices/client-options';
import type { DeviceProfile } from '../../src/devices/profile';
import { AllegroApiNodeView, AllegroConnectionNode, AllegroDeviceNode } from '../../src/views/nodes/allegro';
import { urlOf } from '../../src/views/nodes/base';
import { captureTargetOf } from '../../src/pcap/target';
import { child, testEnv, transport as transportSettings, type TestEnv } from './tree-helpers';

let sim: AllegroSimulator;
let env: TestEnv;
let http: HttpClientApi;
let basic: DeviceProfile;
const LIMIT = 4;

before(async () => {
  sim = await startAllegroSimulator({ seed: 7 });
  const tls = { mode: 'pin' as const, fingerprint: sim.fingerprint };
  basic = { name: 'mm', kind: 'allegro', url: sim.url, auth: 'basic', username: sim.username, tls };
  env = testEnv([
    { profile: basic, secret: sim.password },
    { profile: { name: 'mm-token', kind: 'allegro', url: sim.url, auth: 'token', tls }, secret: sim.token },
    { profile: { name: 'mm-wrong', kind: 'allegro', url: sim.url, auth: 'basic', username: 'admin', tls }, secret: 'wrong' },
  ], { pageSize: 5, maxConcurrency: LIMIT });
  http = createHttpClient(clientOptionsOf(basic, sim.password, transportSettings(LIMIT)));
});

after(async () => {
  await http.close();
  await env.close();
  await sim.close();
});

function newTree(transport: AllegroTreeTransport = httpTreeTransport(http), pageSize = 5): AllegroApiTree {
  return new AllegroApiTree(transport, { deviceName: 'mm', pageSize, maxConcurrency: LIMIT, auth: 'basic', username: sim.username });
}

async function at(tree: AllegroApiTree, ...names: string[]): Promise<ApiNode> {
  let node = tree.root;
  for (const name of names) {
    const kids = await tree.children(node);
    const next = kids.find((k) => k.name === name);
    assert.ok(next, `no ${name} under ${node.path}: ${kids.map((k) => k.name).join(', ')}`);
    node = next;
  }
  return node;
}

test('a level found empty on expansion (OPTIONS lists nothing below /API/stats/time) is redrawn once, as a leaf', async () => {
  const dev = new AllegroDeviceNode(basic, env);
  const time = await child(dev, 'time');
  assert.ok(time instanceof AllegroApiNodeView);
  assert.equal(time.item().collapsible, 'collapsed', 'unknown until expanded');
  const before = env.changes.length;
  assert.deepEqual(await time.children(), []);
  assert.equal(time.item().collapsible, 'none');
  assert.ok(env.changes.slice(before).includes(time), 'the view is told to redraw the node (it still shows an expanded, empty level)');
  // Asked again (the redraw), it does not ask for another redraw.
  const after = env.changes.length;
  await time.children();
  assert.equal(env.changes.length, after);
});

test('a device node loads /API/stats with one OPTIONS on first expansion and nothing before', async () => {
  sim.stats.reset();
  const device = new AllegroDeviceNode(basic, env);
  assert.equal(sim.stats.total, 0);
  const kids = await device.children();
  assert.deepEqual(kids.map((k) => k.item().label).slice(0, 3), ['modules', 'reports', 'incidentReporting']);
  assert.equal(sim.stats.total, 1);
  assert.equal(sim.stats.count('OPTIONS', '/API/stats'), 1);
  assert.match(device.item().description!, /· connected$/);
});

test('re-expanding a loaded node makes no request', async () => {
  const device = new AllegroDeviceNode(basic, env);
  const modules = await child(device, 'modules');
  await modules.children();
  sim.stats.reset();
  await device.children();
  await modules.children();
  assert.equal(sim.stats.total, 0);
});

test('two expansions of the same node at once send one request', async () => {
  const tree = newTree();
  const modules = await at(tree, 'modules');
  sim.stats.reset();
  sim.faults.latencyMs = 40;
  try {
    const [a, b] = await Promise.all([tree.children(modules), tree.children(modules)]);
    assert.equal(a, b);
  } finally {
    sim.faults.latencyMs = 0;
  }
  assert.equal(sim.stats.count('OPTIONS', '/API/stats/modules'), 1);
});

test('Refresh reloads exactly the refreshed node', async () => {
  const tree = newTree();
  const modules = await at(tree, 'modules');
  await tree.children(modules);
  sim.stats.reset();
  tree.refresh(modules);
  await tree.children(modules);
  await tree.children(tree.root);
  assert.deepEqual(sim.stats.toJSON().byRoute, { 'OPTIONS /API/stats/modules': 1 });
});

test(':ip lists the top IPs by bytes from ips_paged, and Load more pages on', async () => {
  const tree = newTree();
  const param = await at(tree, 'modules', 'ip', 'ips', ':ip');
  assert.equal(param.listEndpoint, '/API/stats/modules/ip/ips_paged');
  sim.stats.reset();
  const kids = await tree.children(param);
  const values = kids.filter((k) => k.kind === 'value').map((k) => k.value!);
  assert.equal(values.length, 5);
  const top = (await http.json<{ displayedItems: { ip: string }[] }>({ path: '/API/stats/modules/ip/ips_paged', query: { sort: 'bytes', reverse: true, page: 0, count: 5 } })).body;
  assert.deepEqual(values, top.displayedItems.map((i) => i.ip));
  assert.equal(kids.at(-1)!.kind, 'loadMore');
  await tree.loadMore(kids.at(-1)!);
  const more = param.children!.filter((k) => k.kind === 'value').map((k) => k.value!);
  assert.equal(more.length, 10);
  assert.equal(new Set(more).size, 10, 'no value twice');
  assert.deepEqual(more.slice(0, 5), values);
  // the first page, this test's own query, then Load more reading pages 0 and 1 (the live order moves entries)
  assert.equal(sim.stats.count('GET', '/API/stats/modules/ip/ips_paged'), 4);
});

test('a listed IP expands to the eleven resources of the document', async () => {
  const tree = newTree();
  const param = await at(tree, 'modules', 'ip', 'ips', ':ip');
  const value = (await tree.children(param)).find((k) => k.kind === 'value')!;
  const kids = await tree.children(value);
  assert.deepEqual(kids.map((k) => k.name).sort(), ['connections', 'macs', 'peers', 'peers_ports', 'ports', 'protocols', 'qos', 'sip_request_responses', 'sip_requests', 'sip_responses', 'tcpStats']);
  assert.equal(kids.find((k) => k.name === 'peers')!.templatePath, '/API/stats/modules/ip/ips/:ip/peers');
});

test('Enter value validates before any request; a valid MAC opens its resource', async () => {
  const tree = newTree();
  const macParam = await at(tree, 'modules', 'mac', 'macs', ':mac');
  await tree.children(macParam);
  sim.stats.reset();
  const bad = tree.enterValue(macParam, 'ff:ff:ff:ff:ff');
  assert.equal(bad.ok, false);
  assert.equal(sim.stats.total, 0, 'no request for an invalid value');
  const good = tree.enterValue(macParam, 'FF-FF-FF-FF-FF-FF');
  assert.ok(good.ok);
  assert.equal(good.node.path, '/API/stats/modules/mac/macs/ff:ff:ff:ff:ff:ff');
  const res = await http.json({ path: good.node.path });
  assert.equal(res.status, 200);
});

test('a failed level is an error child with the reason; Retry loads it', async () => {
  const device = new AllegroDeviceNode(basic, env);
  const modules = (await child(device, 'modules')) as AllegroApiNodeView;
  sim.faults.failNext(1, 500, '/API/stats/modules');
  const kids = await modules.children();
  assert.equal(kids.length, 1);
  const error = kids[0] as AllegroApiNodeView;
  assert.equal(error.core.kind, 'error');
  assert.match(error.item().label, /HTTP 500 for \/API\/stats\/modules/);
  assert.equal(error.item().command?.command, 'probeExplorer.retryNode');
  const changed = error.refresh();
  assert.equal(changed, modules, 'Retry reloads the failed node, not the tree');
  const again = await modules.children();
  assert.ok(again.some((k) => k.item().label === 'ip'));
});

test('a 401 names the refused credential and marks the device', async () => {
  const device = new AllegroDeviceNode({ ...basic, name: 'mm-wrong', username: 'admin' }, env);
  const kids = await device.children();
  assert.match(kids[0].item().label, /401 Unauthorized: mm-wrong refused the password of user "admin"/);
  assert.match(device.item().description!, /HTTP 401/);
});

test('an error node offers the command its message names: Edit Device… for a refused password, Trust Device Certificate… for an unknown certificate', async () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when?: string; group?: string }[]> } };
  /** The Devices tree's context menu entries (inline or not) for a node's contextValue. */
  const offered = (contextValue: string) => manifest.contributes.menus['view/item/context']
    .filter((m) => m.when?.includes('view == probeExplorer.devices'))
    .filter((m) => { const re = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(m.when!); return !!re && new RegExp(re[1]).test(contextValue); })
    .map((m) => `${m.command}${m.group?.startsWith('inline') ? ' (inline)' : ''}`);

  const refused = (await new AllegroDeviceNode({ ...basic, name: 'mm-wrong', username: 'admin' }, env).children())[0];
  assert.match(refused.item().label, /Set it again with "Edit Device…"/);
  assert.deepEqual(offered(refused.item().contextValue!).sort(), ['probeExplorer.editDevice', 'probeExplorer.editDevice (inline)', 'probeExplorer.retryNode']);

  const otherCert = { ...basic, name: 'mm-other-cert', tls: { mode: 'pin' as const, fingerprint: '00'.repeat(32).replace(/(..)(?!$)/g, '$1:') } };
  const tlsEnv = testEnv([{ profile: otherCert, secret: sim.password }]);
  try {
    const untrusted = (await new AllegroDeviceNode(otherCert, tlsEnv).children())[0];
    assert.match(untrusted.item().label, /"Trust Device Certificate…"/);
    assert.deepEqual(offered(untrusted.item().contextValue!).sort(), ['probeExplorer.retryNode', 'probeExplorer.trustCertificate', 'probeExplorer.trustCertificate (inline)']);
  } finally {
    await tlsEnv.close();
  }
});

test('an API token device walks the same hierarchy', async () => {
  const device = new AllegroDeviceNode({ name: 'mm-token', kind: 'allegro', url: sim.url, auth: 'token', tls: { mode: 'pin', fingerprint: sim.fingerprint } }, env);
  const kids = await device.children();
  assert.ok(kids.some((k) => k.item().label === 'modules'));
});

test('a 403 says which role is missing', async () => {
  const tree = newTree();
  const modules = await at(tree, 'modules');
  const capture = (await tree.children(modules)).find((k) => k.name === 'capture')!;
  sim.faults.failNext(1, 403, '/API/stats/modules/capture');
  const kids = await tree.children(capture);
  assert.match(kids[0].name, /^403 Forbidden: user "admin" lacks the role for \/API\/stats\/modules\/capture\b.*Capture needs the pcap role/);
});

test('the capture module offers Download pcap… for its device (no expression); its sibling modules do not', async () => {
  const device = new AllegroDeviceNode(basic, env);
  const modules = await child(device, 'modules');
  const capture = (await child(modules, 'capture')) as AllegroApiNodeView;
  assert.match(capture.item().contextValue!, /\bcapturable\b/);
  assert.deepEqual(captureTargetOf(capture), { deviceName: 'mm' });
  assert.doesNotMatch(((await child(modules, 'ip')) as AllegroApiNodeView).item().contextValue!, /\bcapturable\b/);
});

test('capture/buffers/:id lists the ids found in its parent\'s answer', async () => {
  const tree = newTree();
  const param = await at(tree, 'modules', 'capture', 'buffers', ':id');
  const kids = await tree.children(param);
  assert.deepEqual(kids.map((k) => k.kind), ['enterValue', 'value']);
  assert.equal(kids[1].path, '/API/stats/modules/capture/buffers/0');
});

test('a broken OPTIONS answer becomes an error node, not a crash', async () => {
  const tree = newTree();
  sim.faults.malformedJson = true;
  sim.faults.pathPrefix = '/API/stats/time';
  try {
    const time = await at(tree, 'time');
    const kids = await tree.children(time);
    assert.equal(kids[0].kind, 'error');
    assert.match(kids[0].name, /invalid response/);
  } finally {
    sim.faults.clear();
  }
});

test('through the AllegroClient, a broken OPTIONS answer is an error node too, and the rest loads', async () => {
  const tree = newTree(allegroTreeTransport(new AllegroClient(http)));
  sim.faults.malformedJson = true;
  sim.faults.pathPrefix = '/API/stats/time';
  try {
    const time = await at(tree, 'time');
    assert.equal((await tree.children(time))[0].kind, 'error');
    const modules = await at(tree, 'modules');
    assert.ok((await tree.children(modules)).some((k) => k.name === 'ip'));
  } finally {
    sim.faults.clear();
  }
});

test('answers that lead back up are cut: names pointing to ancestors and self-repeating levels', async () => {
  // The simulator's answers are real; this transport adds names a faulty firmware might send.
  const real = httpTreeTransport(http);
  const twisted: AllegroTreeTransport = {
    get: real.get,
    async options(path, signal) {
      if (path.startsWith('/API/stats/modules/self')) return { subResources: ['self', 'x'] };
      const body = (await real.options(path, signal)) as { subResources: string[] };
      if (path === '/API/stats/modules') return { subResources: [...body.subResources, '..', '/API/stats', 'self'] };
      return body;
    },
  };
  const tree = newTree(twisted);
  const result = await tree.walk(tree.root);
  assert.equal(result.truncated, false);
  const modules = await at(tree, 'modules');
  const cycles = modules.children!.filter((k) => k.kind === 'cycle').map((k) => k.target);
  assert.deepEqual(cycles, ['/API/stats', '/API/stats']);
  const selfSelf = await at(tree, 'modules', 'self', 'self');
  assert.equal(selfSelf.children![0].kind, 'cycle');
  assert.ok(!tree.root.children!.some((k) => k.path.includes('self/self/self')));
});

test('Find walks unloaded levels within the device limit and reveals through parents', async () => {
  const tree = newTree();
  sim.faults.latencyMs = 5;
  sim.stats.reset();
  let progress = 0;
  try {
    const found = await tree.find('peers', { onProgress: () => progress++ });
    const paths = found.matches.map((m) => m.templatePath);
    assert.ok(paths.includes('/API/stats/modules/ip/ips/:ip/peers'), paths.join('\n'));
    assert.ok(paths.includes('/API/stats/modules/ip/ips/:ip/peers_ports'));
    const chain: string[] = [];
    for (let n: ApiNode | undefined = found.matches.find((m) => m.name === 'peers'); n; n = tree.parentOf(n)) chain.unshift(n.kind === 'value' ? ':value' : n.name);
    assert.deepEqual(chain.slice(0, 5), ['stats', 'modules', 'ip', 'ips', ':ip']);
  } finally {
    sim.faults.latencyMs = 0;
  }
  assert.ok(progress > 10);
  assert.ok(sim.stats.maxInFlight <= LIMIT, `max in flight ${sim.stats.maxInFlight} > ${LIMIT}`);
  assert.ok(sim.stats.maxInFlight >= 2, 'Find runs requests in parallel');
});

test('a cancelled Find stops: it rejects as cancelled and sends nothing more', async () => {
  const tree = newTree();
  const controller = new AbortController();
  sim.faults.latencyMs = 10;
  try {
    const pending = tree.find('x', { signal: controller.signal, onProgress: (p) => { if (p.visited >= 5) controller.abort(); } });
    await assert.rejects(pending, (err: { kind?: string }) => err.kind === 'aborted');
    // The requests cancelled on the wire end on the simulator when it notices; wait for that (bounded).
    for (const deadline = Date.now() + 3000; sim.stats.inFlight !== 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 5));
    assert.equal(sim.stats.inFlight, 0, 'the cancelled requests have ended on the simulator');
    const settled = sim.stats.total;
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(sim.stats.total, settled, 'no request after cancellation');
    assert.equal(sim.stats.inFlight, 0);
  } finally {
    sim.faults.latencyMs = 0;
  }
  // The levels loaded before cancelling stay usable: a new Find completes.
  const found = await tree.find('dns');
  assert.ok(found.matches.some((m) => m.templatePath === '/API/stats/modules/dns'));
});

test('the API map of a full walk lists every template path once, in JSON and Markdown', async () => {
  const tree = newTree();
  const result = await tree.walk();
  const map = apiMapOf(tree, { baseUrl: sim.url });
  const paths = apiMapPaths(map);
  assert.equal(new Set(paths).size, paths.length);
  for (const p of ['/API/stats/modules/ip/ips/:ip/peers', '/API/stats/modules/mac/macs/:mac', '/API/stats/modules/dns', '/API/stats/interfaces']) {
    assert.ok(paths.includes(p), p);
  }
  assert.ok(paths.length > 100, `${paths.length} paths`);
  assert.equal(result.failed, 0);
  const md = apiMapMarkdown(map);
  assert.match(md, /- `:ip` — values from `\/API\/stats\/modules\/ip\/ips_paged`; walked with `[\d.:a-f]+`/);
  const json = JSON.parse(JSON.stringify(map));
  assert.equal(json.device, 'mm');
  // The tree the map came from answers every later expansion from its cache.
  sim.stats.reset();
  await tree.walk();
  assert.equal(sim.stats.total, 0);
});

test('value nodes carry what Download pcap needs; copied commands never carry a secret', async () => {
  const device = new AllegroDeviceNode(basic, env);
  const param = await child(await child(await child(await child(device, 'modules'), 'ip'), 'ips'), ':ip');
  const value = (await param.children()).find((k) => k instanceof AllegroApiNodeView && k.core.kind === 'value') as AllegroApiNodeView;
  assert.match(value.item().contextValue!, /\bcapturable\b/);
  const target = captureTargetOf(value);
  assert.deepEqual(target, { deviceName: 'mm', ip: value.core.value });
  const req = value.request()!;
  for (const auth of ['basic', 'token'] as const) {
    const snippet = { url: urlOf(sim.url, req.path, req.query), auth, tls: basic.tls };
    for (const text of [curlSnippet(snippet), powerShellSnippet(snippet), pythonSnippet(snippet)]) {
      assert.ok(!text.includes(sim.password) && !text.includes(sim.token), text);
      assert.ok(text.includes(req.path));
    }
  }
});

test('an IP\'s connections list shows its top connections by bytes; each is a Download pcap target for exactly that connection', async () => {
  const device = new AllegroDeviceNode(basic, env);
  const param = await child(await child(await child(await child(device, 'modules'), 'ip'), 'ips'), ':ip');
  const value = (await param.children()).find((k) => k instanceof AllegroApiNodeView && k.core.kind === 'value') as AllegroApiNodeView;
  const list = (await child(value, 'connections')) as AllegroApiNodeView;
  assert.equal(list.isConnectionList, true);
  assert.equal(list.item().collapsible, 'collapsed');
  const kids = await list.children();
  const conns = kids.filter((k): k is AllegroConnectionNode => k instanceof AllegroConnectionNode);
  assert.ok(conns.length > 0, kids.map((k) => k.item().label).join(', '));
  // The same rows, in the same order, as the device's own list sorted by bytes.
  const direct = await new AllegroClient(http).list<Record<string, unknown>>(list.core.path, { sort: 'bytes', reverse: true, page: 0, count: 100 });
  assert.deepEqual(conns.map((c) => c.connection.clientPort), direct.displayedItems.slice(0, conns.length).map((r) => r.clientPort));
  for (const c of conns) assert.ok(c.connection.clientIp === value.core.value || c.connection.serverIp === value.core.value);
  const first = conns[0]!;
  const row = direct.displayedItems[0]!;
  assert.match(first.item().contextValue!, /\bcapturable\b/);
  assert.equal(first.item().label, `${row.clientIp}:${row.clientPort} → ${row.serverIp}:${row.serverPort}`);
  assert.deepEqual(captureTargetOf(first), {
    deviceName: 'mm',
    connection: { clientIp: row.clientIp, clientPort: row.clientPort, serverIp: row.serverIp, serverPort: row.serverPort, l4Protocol: row.l4ProtocolShortName, startMs: row.connectionStart, endMs: row.lastActivity },
  });
  // Loaded once: a second expansion is answered from the cache; Refresh reads the list again.
  sim.stats.reset();
  await list.children();
  assert.equal(sim.stats.total, 0);
  list.refresh();
  await list.children();
  assert.ok(sim.stats.total >= 1);
});

test('a walk of the API tree does not fetch connection lists', async () => {
  const device = new AllegroDeviceNode(basic, env);
  const tree = await device.apiTree();
  sim.stats.reset();
  await tree.walk();
  const routes = [...sim.stats.byRoute.keys()];
  assert.ok(routes.some((r) => /^OPTIONS .*\/connections$/.test(r)), 'the walk reached connection lists');
  assert.deepEqual(routes.filter((r) => /^GET .*\/connections$/.test(r)), [], 'and did not read them');
});

test('an asynchronous list (globalConnections) is fetched through fetchNode: the result, not the job handle; cancelling stops the wait', async () => {
  const handle = (await http.json<{ asyncID?: unknown; asyncUUID?: unknown }>({ path: '/API/stats/modules/ip/globalConnections', query: { page: 0, count: 3 } })).body;
  assert.ok(handle.asyncID !== undefined && typeof handle.asyncUUID === 'string', 'the device answers with a job handle');
  const transport = httpTreeTransport(http);
  const list = (await transport.get('/API/stats/modules/ip/globalConnections', { page: 0, count: 3 })) as { displayedItems?: unknown[]; asyncID?: unknown };
  assert.equal(list.asyncID, undefined);
  assert.ok(Array.isArray(list.displayedItems) && list.displayedItems.length > 0, JSON.stringify(list).slice(0, 200));
  const controller = new AbortController();
  sim.faults.latencyMs = 30;
  try {
    const pending = transport.get('/API/stats/modules/ip/globalConnections', {}, controller.signal);
    setTimeout(() => controller.abort(), 10);
    await assert.rejects(pending, (err: { kind?: string; name?: string }) => err.kind === 'aborted' || err.name === 'AbortError');
  } finally {
    sim.faults.latencyMs = 0;
  }
});
