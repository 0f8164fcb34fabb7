import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllegroApiTree, type ApiNode } from '../../src/allegro/apiTree';
import { apiMapOf, apiMapMarkdown, apiMapPaths } from '../../src/allegro/apiMap';
import { fakeTransport, sampleApi, type FakeNode } from './tree-fake';

function treeOf(api: FakeNode = sampleApi(), opts: { pageSize?: number; maxConcurrency?: number; latencyMs?: number; maxDepth?: number } = {}) {
  const transport = fakeTransport(api, { latencyMs: opts.latencyMs });
  const tree = new AllegroApiTree(transport, {
    deviceName: 'lab',
    pageSize: opts.pageSize ?? 10,
    maxConcurrency: opts.maxConcurrency ?? 4,
    maxDepth: opts.maxDepth,
    auth: 'basic',
    username: 'analyst',
  });
  return { tree, transport };
}

async function at(tree: AllegroApiTree, ...names: string[]): Promise<ApiNode> {
  let node = tree.root;
  for (const name of names) {
    const kids = await tree.children(node);
    const next = kids.find((k) => k.name === name);
    assert.ok(next, `no child ${name} under ${node.path}: ${kids.map((k) => k.name).join(', ')}`);
    node = next;
  }
  return node;
}

test('nothing is requested until a node is expanded, then one OPTIONS per level', async () => {
  const { tree, transport } = treeOf();
  assert.equal(transport.calls.length, 0);
  const top = await tree.children(tree.root);
  assert.deepEqual(top.map((n) => n.name), ['modules', 'time', 'interfaces']);
  assert.deepEqual(transport.calls, [{ method: 'OPTIONS', path: '/API/stats' }]);
  const modules = await tree.children(top[0]);
  assert.deepEqual(modules.map((n) => n.path), ['/API/stats/modules/ip', '/API/stats/modules/mac', '/API/stats/modules/l4_ports', '/API/stats/modules/vlan']);
  assert.equal(transport.calls.length, 2);
});

test('re-expanding a loaded node makes no request', async () => {
  const { tree, transport } = treeOf();
  const first = await tree.children(tree.root);
  const again = await tree.children(tree.root);
  assert.equal(again, first);
  assert.equal(transport.calls.length, 1);
});

test('two expansions at once share one load', async () => {
  const { tree, transport } = treeOf(sampleApi(), { latencyMs: 20 });
  const [a, b] = await Promise.all([tree.children(tree.root), tree.children(tree.root)]);
  assert.equal(a, b);
  assert.equal(transport.calls.length, 1);
});

test('refresh drops the cached children so the next expansion asks again', async () => {
  const { tree, transport } = treeOf();
  await tree.children(tree.root);
  const changed = tree.refresh(tree.root);
  assert.equal(changed, tree.root);
  assert.equal(tree.root.children, undefined);
  await tree.children(tree.root);
  assert.equal(transport.calls.length, 2);
});

test('a parameter node lists values from the sibling _paged endpoint sorted by bytes, with Enter value and Load more', async () => {
  const { tree, transport } = treeOf();
  const param = await at(tree, 'modules', 'ip', 'ips', ':ip');
  assert.equal(param.kind, 'parameter');
  assert.equal(param.listEndpoint, '/API/stats/modules/ip/ips_paged');
  const kids = await tree.children(param);
  assert.equal(kids[0].kind, 'enterValue');
  const values = kids.filter((k) => k.kind === 'value');
  assert.deepEqual(values.map((v) => v.value), Array.from({ length: 10 }, (_, i) => `10.0.0.${i + 1}`));
  assert.equal(values[0].path, '/API/stats/modules/ip/ips/10.0.0.1');
  assert.equal(values[0].templatePath, '/API/stats/modules/ip/ips/:ip');
  assert.match(values[0].description ?? '', /host-1/);
  assert.equal(kids.at(-1)!.kind, 'loadMore');
  const get = transport.calls.find((c) => c.method === 'GET')!;
  assert.deepEqual(get.query, { sort: 'bytes', reverse: true, page: 0, count: 10 });
});

test('Load more appends the next page and disappears after the last page', async () => {
  const { tree, transport } = treeOf();
  const param = await at(tree, 'modules', 'ip', 'ips', ':ip');
  let kids = await tree.children(param);
  const more = kids.at(-1)!;
  const changed = await tree.loadMore(more);
  assert.equal(changed, param);
  kids = param.children!;
  assert.equal(kids.filter((k) => k.kind === 'value').length, 20);
  await tree.loadMore(kids.at(-1)!);
  kids = param.children!;
  assert.equal(kids.filter((k) => k.kind === 'value').length, 25);
  assert.notEqual(kids.at(-1)!.kind, 'loadMore');
  // Each Load more reads the pages before again (the live order moves entries between pages).
  assert.deepEqual(transport.calls.filter((c) => c.method === 'GET').map((c) => c.query?.page), [0, 0, 1, 0, 1, 2]);
});

test('Load more lists entries that moved up a page while the user read the first one (live sort order)', async () => {
  const api = sampleApi();
  const list = (api.modules.ip.ips_paged.list = [...api.modules.ip.ips_paged.list]) as Array<{ ip: string }>; // a copy: the sample is shared
  const { tree } = treeOf(api);
  const param = await at(tree, 'modules', 'ip', 'ips', ':ip');
  const kids = await tree.children(param);
  assert.deepEqual(kids.filter((k) => k.kind === 'value').map((k) => k.value), list.slice(0, 10).map((i) => i.ip));
  // Traffic re-sorts the list: entry 11 moves to the top, entry 10 drops onto page 2.
  const moved = list.splice(10, 1)[0];
  list.unshift(moved);
  await tree.loadMore(kids.at(-1)!);
  const listed = new Set(param.children!.filter((k) => k.kind === 'value').map((k) => k.value));
  for (const entry of list.slice(0, 20)) assert.ok(listed.has(entry.ip), `${entry.ip} of the current top 20 is listed`);
  assert.equal(listed.size, 20, 'no duplicates');
});

test('a parameter without a _paged sibling lists its parent, paging a plain array locally', async () => {
  const { tree, transport } = treeOf(sampleApi(), { pageSize: 2 });
  const param = await at(tree, 'modules', 'l4_ports', 'ports', ':port');
  assert.equal(param.listEndpoint, '/API/stats/modules/l4_ports/ports');
  const kids = await tree.children(param);
  assert.deepEqual(kids.filter((k) => k.kind === 'value').map((k) => k.value), ['80', '443']);
  await tree.loadMore(kids.at(-1)!);
  assert.deepEqual(param.children!.filter((k) => k.kind === 'value').map((k) => k.value), ['80', '443', '53']);
  assert.equal(transport.calls.filter((c) => c.method === 'GET').length, 1);
});

test('Enter value refuses a malformed address without any request', async () => {
  const { tree, transport } = treeOf();
  const param = await at(tree, 'modules', 'ip', 'ips', ':ip');
  const before = transport.calls.length;
  const bad = tree.enterValue(param, '10.0.0.300');
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.message : '', /not an IPv4 or IPv6 address/);
  assert.equal(transport.calls.length, before);
});

test('Enter value adds a value node whose path carries the normalised value', async () => {
  const { tree } = treeOf();
  const param = await at(tree, 'modules', 'mac', 'macs', ':mac');
  await tree.children(param);
  const r = tree.enterValue(param, 'AA-BB-CC-DD-EE-FF');
  assert.ok(r.ok);
  assert.equal(r.node.path, '/API/stats/modules/mac/macs/aa:bb:cc:dd:ee:ff');
  assert.equal(param.children![1], r.node);
  assert.deepEqual(r.node.parameters, { mac: 'aa:bb:cc:dd:ee:ff' });
  const kids = await tree.children(r.node);
  assert.deepEqual(kids.map((k) => k.name), ['ips']);
});

test('an entered value survives a refresh of the listed values', async () => {
  const { tree } = treeOf();
  const param = await at(tree, 'modules', 'ip', 'ips', ':ip');
  await tree.children(param);
  const r = tree.enterValue(param, '192.0.2.7');
  assert.ok(r.ok);
  tree.refresh(param);
  const kids = await tree.children(param);
  assert.ok(kids.some((k) => k.kind === 'value' && k.value === '192.0.2.7' && k.entered));
});

test('a failed load becomes an error child; Retry reloads the parent', async () => {
  const { tree, transport } = treeOf();
  transport.failNext.set('/API/stats', 401);
  const kids = await tree.children(tree.root);
  assert.equal(kids.length, 1);
  assert.equal(kids[0].kind, 'error');
  assert.match(kids[0].name, /401 Unauthorized: lab refused the password of user "analyst"/);
  // cached until Retry
  await tree.children(tree.root);
  assert.equal(transport.calls.length, 1);
  const parent = tree.retry(kids[0]);
  assert.equal(parent, tree.root);
  const again = await tree.children(tree.root);
  assert.deepEqual(again.map((k) => k.name), ['modules', 'time', 'interfaces']);
});

test('a 403 names the missing role, and the pcap role under capture', async () => {
  const { tree, transport } = treeOf({ modules: { capture: {} } });
  const modules = await at(tree, 'modules');
  const capture = (await tree.children(modules))[0];
  transport.failNext.set('/API/stats/modules/capture', 403);
  const kids = await tree.children(capture);
  assert.match(kids[0].name, /403 Forbidden: user "analyst" lacks the role for \/API\/stats\/modules\/capture/);
  assert.match(kids[0].name, /pcap role/);
});

test('an OPTIONS answer that is not {"subResources": [...]} is an error node', async () => {
  const { tree } = treeOf({ odd: { answer: { resources: ['a'] } }, worse: { answer: { subResources: [1, 2] } }, html: { answer: '<html>' } });
  for (const name of ['odd', 'worse', 'html']) {
    const node = await at(tree, name);
    const kids = await tree.children(node);
    assert.equal(kids.length, 1);
    assert.equal(kids[0].kind, 'error');
    assert.match(kids[0].name, /did not answer \{"subResources": \[\.\.\.\]\}/);
  }
});

test('names that point back to an ancestor are cut as cycles, other absolute names become links', async () => {
  const { tree } = treeOf({ a: { answer: { subResources: ['..', '.', '/API/stats', 'b', '/API/data/x', 'b'] } } });
  const a = await at(tree, 'a');
  const kids = await tree.children(a);
  assert.deepEqual(kids.map((k) => k.kind), ['cycle', 'cycle', 'cycle', 'resource', 'link']);
  assert.equal(kids[2].target, '/API/stats');
  assert.equal(kids[4].target, '/API/data/x');
});

test('a resource that answers like its parent under a repeated name is cut after one level', async () => {
  const loop: FakeNode = {};
  (loop as Record<string, FakeNode>).loop = loop;
  (loop as Record<string, FakeNode>).info = {};
  const { tree, transport } = treeOf({ modules: loop });
  const result = await tree.walk();
  const twice = await at(tree, 'modules', 'loop', 'loop');
  const kids = await tree.children(twice);
  assert.equal(kids.length, 1);
  assert.equal(kids[0].kind, 'cycle');
  assert.equal(kids[0].target, '/API/stats/modules/loop');
  assert.ok(transport.calls.length < 10, `walk stopped early (${transport.calls.length} requests)`);
  assert.equal(result.truncated, false);
});

test('levels deeper than maxDepth are not followed', async () => {
  let deep: FakeNode = {};
  for (let i = 0; i < 10; i++) deep = { [`l${i}`]: deep };
  const { tree } = treeOf(deep, { maxDepth: 4 });
  await tree.walk();
  const errors: ApiNode[] = [];
  const visit = (n: ApiNode) => n.children?.forEach((c) => (c.kind === 'error' ? errors.push(c) : visit(c)));
  visit(tree.root);
  assert.equal(errors.length, 1);
  assert.match(errors[0].name, /deeper than 4 levels/);
});

test('a walk loads every level, follows one value per parameter and never exceeds its concurrency', async () => {
  const { tree, transport } = treeOf(sampleApi(), { latencyMs: 5, maxConcurrency: 3 });
  const result = await tree.walk(tree.root, { concurrency: 50 });
  assert.ok(transport.peak <= 3, `peak ${transport.peak}`);
  assert.ok(transport.peak >= 2, 'the walk ran requests in parallel');
  const ipValue = tree.root.children!.find((n) => n.name === 'modules')!
    .children!.find((n) => n.name === 'ip')!.children!.find((n) => n.name === 'ips')!.children!.find((n) => n.name === ':ip')!
    .children!.filter((n) => n.kind === 'value');
  assert.equal(ipValue[0].loaded, true, 'first value sampled');
  assert.equal(ipValue[1].loaded, false, 'other values untouched');
  assert.equal(result.requests, transport.calls.length);
  // peers/:ip and vlans/:vlan have nothing that lists their values
  assert.equal(result.failed, 2);
});

test('Find matches names across unloaded levels and reports progress', async () => {
  const { tree } = treeOf();
  let progressCalls = 0;
  const found = await tree.find('PORT', { onProgress: () => progressCalls++ });
  assert.deepEqual(found.matches.map((m) => m.templatePath), [
    '/API/stats/modules/ip/ips/:ip/ports',
    '/API/stats/modules/l4_ports',
    '/API/stats/modules/l4_ports/ports',
    '/API/stats/modules/l4_ports/ports/:port',
  ]);
  assert.ok(progressCalls > 0);
  // A found node is reachable through parent links (what TreeView.reveal needs).
  const chain: string[] = [];
  for (let n: ApiNode | undefined = found.matches[0]; n; n = tree.parentOf(n)) chain.unshift(n.name);
  assert.deepEqual(chain, ['stats', 'modules', 'ip', 'ips', ':ip', '10.0.0.1', 'ports']);
});

test('a cancelled Find stops sending requests and rejects as cancelled', async () => {
  const { tree, transport } = treeOf(sampleApi(), { latencyMs: 15, maxConcurrency: 2 });
  const controller = new AbortController();
  const pending = tree.find('x', { signal: controller.signal, onProgress: (p) => { if (p.visited >= 2) controller.abort(); } });
  await assert.rejects(pending, (err: { kind?: string }) => err.kind === 'aborted');
  const sent = transport.calls.length;
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(transport.calls.length, sent, 'no request after cancel');
  assert.ok(transport.inFlight === 0);
  // nothing half-loaded stays cached as an error
  const cancelledErrors = tree.root.children?.some((c) => c.kind === 'error');
  assert.ok(!cancelledErrors);
});

test('an expansion that joined a cancelled load loads again for itself', async () => {
  const { tree, transport } = treeOf(sampleApi(), { latencyMs: 20 });
  const controller = new AbortController();
  const walk = tree.children(tree.root, controller.signal);
  const mine = tree.children(tree.root);
  controller.abort();
  await assert.rejects(walk);
  const kids = await mine;
  assert.equal(kids.length, 3);
  assert.equal(tree.root.children, kids);
  assert.equal(transport.calls.filter((c) => c.path === '/API/stats').length, 1, 'the cancelled load sent nothing');
});

test('the API map lists walked paths in template form with list endpoints, errors and cycles', async () => {
  const api = sampleApi();
  (api.modules as Record<string, FakeNode>).weird = { answer: { subResources: ['..'] } };
  api.modules.vlan.vlans.$list = [];
  const { tree } = treeOf(api);
  await tree.walk();
  const map = apiMapOf(tree, { baseUrl: 'https://allegro-mm', now: new Date('2026-01-01T00:00:00Z') });
  const paths = apiMapPaths(map);
  assert.ok(paths.includes('/API/stats/modules/ip/ips/:ip/peers'));
  assert.ok(!paths.some((p) => p.includes('10.0.0.1')), 'values never appear as paths');
  const ip = map.root.children![0].children![0].children![0].children!.find((c) => c.name === ':ip')!;
  assert.equal(ip.listEndpoint, '/API/stats/modules/ip/ips_paged');
  assert.equal(ip.sample, '10.0.0.1');
  assert.equal(map.paths, paths.length - 1);
  const md = apiMapMarkdown(map);
  assert.match(md, /^# API map: lab/);
  assert.match(md, /- `:ip` — values from `\/API\/stats\/modules\/ip\/ips_paged`; walked with `10.0.0.1`/);
  assert.match(md, /↻ `\/API\/stats\/modules` \(cycle, not followed\)/);
  assert.match(md, /⚠ 404 Not found/);
  assert.match(md, /```text\n\/API\/stats\n/);
  assert.match(md, /- `:vlan` — values from `\/API\/stats\/modules\/vlan\/vlans`; none listed/, 'walked, but nothing to look below with');
});

test('the API map marks levels that were never loaded', async () => {
  const { tree } = treeOf();
  await tree.children(tree.root);
  const map = apiMapOf(tree);
  assert.equal(map.root.children![0].children, undefined);
  assert.match(apiMapMarkdown(map), /- `modules` _\(not walked\)_/);
});

test('a Load more that fails on a page it reads again leaves the list where it was: the next one goes on', async () => {
  const { tree, transport } = treeOf();
  const param = await at(tree, 'modules', 'ip', 'ips', ':ip');
  let kids = await tree.children(param);
  await tree.loadMore(kids.at(-1)!); // 20 listed, page 2 next
  const get = transport.get.bind(transport);
  let failed = false;
  transport.get = async (path, query, signal) => {
    if (!failed && query?.page === 1) {
      failed = true;
      throw new Error('connection reset');
    }
    return get(path, query, signal);
  };
  kids = param.children!;
  await tree.loadMore(kids.at(-1)!);
  assert.ok(failed);
  assert.equal(param.children!.at(-1)!.kind, 'error', 'the failure is shown');
  assert.equal(param.listing!.nextPage, 2, 'still page 2 next');
  assert.equal(param.listing!.hasMore, true);
  await tree.loadMore(param.children!.find((k) => k.kind === 'loadMore')!);
  assert.equal(param.children!.filter((k) => k.kind === 'value').length, 25, 'the last page arrives with the next click');
});
