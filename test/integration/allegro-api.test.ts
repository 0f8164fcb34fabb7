// The document's examples against the Allegro simulator through our own HTTP core: OPTIONS walk,
// IP counters with and without a time interval, top IPs paged, all pages, CSV, server ports,
// link groups, slots, authentication. Expected values are computed from the live slot's connections
// and their per-connection counters (traffic varies second by second).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStatusError } from '../../src/http/errors';
import type { HttpClientApi } from '../../src/http/types';
import { AllegroClient, parseCsv, type IpEntry } from '../../src/allegro/index';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro/index';
import type { TrafficSource } from '../../src/simulator/model/index';
import { httpFor } from './allegro-support';

let sim: AllegroSimulator;
let http: HttpClientApi;
let client: AllegroClient;

before(async () => {
  sim = await startAllegroSimulator({ seed: 7, historySeconds: 1800 });
  http = httpFor(sim);
  client = new AllegroClient(http);
});

after(async () => {
  await http.close();
  await sim.close();
});

/** Counters of one IP over [t0, t1) from the connections of a slot (rx, tx from the IP's side). */
function expectedIp(source: TrafficSource, ip: string, t0: number, t1: number): number[] {
  const out = [0, 0, 0, 0];
  for (const c of source.connections(t0, t1)) {
    const f = source.flowCounters(c, t0, t1);
    if (c.client.ip === ip) { out[0] += f.s2cPackets; out[1] += f.s2cBytes; out[2] += f.c2sPackets; out[3] += f.c2sBytes; }
    if (c.server.ip === ip) { out[0] += f.c2sPackets; out[1] += f.c2sBytes; out[2] += f.s2cPackets; out[3] += f.s2cBytes; }
  }
  return out;
}

const live = () => sim.slots.get(0)!;

describe('OPTIONS hierarchy', () => {
  test('/API/stats and /API/stats/modules list exactly the documented subresources', async () => {
    assert.deepEqual(await client.options('/API/stats'), ['modules', 'reports', 'incidentReporting', 'time', 'ringBufferReplay', 'pcap', 'reset', 'interfacesError', 'interfaces', 'load', 'processing']);
    const modules = await client.options('/API/stats/modules');
    assert.equal(modules.length, 35);
    assert.deepEqual(modules.slice(0, 4), ['pppoe', 'lldp', 'groups', 'mpls']);
    assert.deepEqual(modules.slice(-3), ['packet_size', 'mac', 'capture']);
  });

  test('ip/ips offers protocol and :ip; an IP offers the eleven documented subresources', async () => {
    assert.deepEqual(await client.options('/API/stats/modules/ip/ips'), ['protocol', ':ip']);
    assert.deepEqual(await client.options('/API/stats/modules/ip/ips/10.0.54.254'), [
      'sip_request_responses', 'peers_ports', 'sip_responses', 'sip_requests', 'qos', 'ports', 'connections', 'protocols', 'macs', 'peers', 'tcpStats',
    ]);
  });

  test('a walk of the whole stats tree reaches parameter nodes of every kind and every GET answers JSON', async () => {
    const samples: Record<string, string> = { ':ip': '10.1.2.3', ':mac': 'ff:ff:ff:ff:ff:ff', ':vlan': '100', ':protocol': 'DNS', ':port': '548', ':country': 'US', ':dscp': 'EF', ':id': '0' };
    const seenParams = new Set<string>();
    const queue = ['/API/stats'];
    let nodes = 0;
    let gets = 0;
    while (queue.length) {
      const path = queue.shift()!;
      nodes++;
      const children = await client.options(path);
      for (const child of children) {
        if (child.startsWith(':')) {
          seenParams.add(child);
          const value = path.endsWith('/tcp_ports') ? '548' : path.endsWith('/udp_ports') ? '53' : path.endsWith('/servers') ? '10.0.54.254' : samples[child];
          if (value && !path.includes('/entries')) queue.push(`${path}/${value}`);
        } else if (path.split('/').length < 9) queue.push(`${path}/${child}`);
      }
      if (path === '/API/stats/modules/ip/globalConnections') continue; // asynchronous: tested below
      const res = await http.raw({ path, query: { count: 5 } });
      if (res.status === 200) {
        gets++;
        if (path.endsWith('/csv')) assert.match(res.headers['content-type'] ?? '', /text\/csv/);
        else assert.doesNotThrow(() => JSON.parse(res.body), `GET ${path} answers JSON`);
      } else assert.ok([404, 405].includes(res.status), `GET ${path}: ${res.status} ${res.body}`);
    }
    for (const p of [':ip', ':mac', ':vlan', ':port', ':protocol', ':country']) assert.ok(seenParams.has(p), `parameter node ${p}`);
    assert.ok(nodes > 150, `walked ${nodes} nodes`);
    assert.ok(gets > 100, `${gets} GETs answered`);
  });
});

describe('counters', () => {
  test('IP counters without an interval: interval equals lastSecond and all four counters are present', async () => {
    const d = await client.ipCounters('10.1.2.3');
    assert.equal(d.ip, '10.1.2.3');
    for (const k of ['interval', 'allTime', 'lastSecond', 'intervalPerSecond'] as const) assert.ok(d[k].length >= 4, k);
    assert.deepEqual(d.interval, d.lastSecond);
    assert.ok(d.allTime[1]! > d.lastSecond[1]!, 'allTime grows beyond one second');
    assert.ok(Array.isArray(d.history?.data) && d.history!.data!.length > 0);
  });

  test('IP counters with starttime/endtime match the connections\' counters, and skiphistorydata drops the datasets', async () => {
    const t1 = Math.floor(Date.now() / 1000) - 60;
    const t0 = t1 - 300;
    for (const ip of ['10.1.2.3', '10.54.0.254', '10.0.54.254', 'fd00:10::100']) {
      const d = await client.ipCounters(ip, { starttime: t0, endtime: t1, skiphistorydata: true });
      assert.deepEqual(d.interval, expectedIp(live(), ip, t0, t1), ip);
      assert.equal(d.history?.data, undefined);
      assert.deepEqual(d.intervalPerSecond.slice(0, 4), d.interval.map((v) => Math.round((v / 300) * 100) / 100));
    }
    const e = await client.ipCounters('10.1.2.3', { starttime: t0, endtime: t1, timespan: 60, values: 5 });
    assert.equal(e.history?.data?.length, 5);
    const summed = e.history!.data!.reduce((s, p) => s + p[2]! + p[4]!, 0);
    assert.equal(summed, e.interval[1]! + e.interval[3]!, 'the history datasets add up to the interval');
  });

  test('allTime counters grow with time', async () => {
    const a = await client.ipCounters('10.1.2.3');
    await new Promise((r) => setTimeout(r, 1100));
    const b = await client.ipCounters('10.1.2.3');
    assert.ok(b.allTime[1]! > a.allTime[1]!);
  });

  test('an unknown IP answers 404', async () => {
    await assert.rejects(client.ipCounters('192.0.2.77'), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
  });
});

describe('lists', () => {
  const window = () => { const t1 = Math.floor(Date.now() / 1000) - 30; return { starttime: t1 - 600, endtime: t1 }; };

  test('the top IP by bytes of an interval is the busiest host of the connections\' counters', async () => {
    const w = window();
    const page = await client.topIps({ sort: 'bytes', reverse: true, page: 0, count: 1, ...w });
    const totals = new Map<string, number>();
    for (const h of live().hosts) {
      const v = expectedIp(live(), h.ip, w.starttime, w.endtime);
      if (v[0]! + v[2]! > 0) totals.set(h.ip, v[1]! + v[3]!);
    }
    const best = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    assert.equal(page.displayedItems[0]!.ip, best[0]);
    assert.equal(page.numberOfItems, totals.size);
    assert.equal(page.itemsPerPage, 1);
    assert.equal(page.numberOfPages, totals.size);
  });

  test('sort=bps&reverse=true orders by bytes per second, reverse=false ascending', async () => {
    const desc = await client.topIps({ sort: 'bps', reverse: true, count: 20 });
    const bps = (e: IpEntry) => e.intervalPerSecond[1]! + e.intervalPerSecond[3]!;
    for (let i = 1; i < desc.displayedItems.length; i++) assert.ok(bps(desc.displayedItems[i - 1]!) >= bps(desc.displayedItems[i]!));
    const asc = await client.list<IpEntry>('/API/stats/modules/ip/ips_paged', { sort: 'txbytes', reverse: false, count: 20, ...window() });
    for (let i = 1; i < asc.displayedItems.length; i++) assert.ok(asc.displayedItems[i - 1]!.interval[3]! <= asc.displayedItems[i]!.interval[3]!);
  });

  test('count above 100 is clamped to 100 as the device does', async () => {
    const res = await http.json<{ itemsPerPage: number; displayedItems: unknown[] }>({ path: '/API/stats/modules/ip/ips/10.1.2.3/peers', query: { sort: 'bytes', reverse: true, page: 0, count: 9999, timespan: 60, values: 100 } });
    assert.equal(res.body.itemsPerPage, 100);
    assert.ok(res.body.displayedItems.length <= 100);
    // the document's example as printed (its "&timespan" became "×pan")
    const literal = await http.json<{ itemsPerPage: number }>({ path: '/API/stats/modules/ip/ips/10.1.2.3/peers', query: { sort: 'bytes', reverse: true, page: 0, count: '9999×pan=60', values: 100 } });
    assert.equal(literal.body.itemsPerPage, 100);
    const big = await http.json<{ itemsPerPage: number; displayedItems: unknown[] }>({ path: '/API/stats/modules/ip/ips_paged', query: { count: 500 } });
    assert.equal(big.body.itemsPerPage, 100);
    assert.equal(big.body.displayedItems.length, 100);
  });

  test('all pages together hold every IP of the plain list exactly once', async () => {
    // a fixed interval from the processing start: live counters change every second, and so would
    // the order of the pages between two requests
    const w = { starttime: 0, endtime: Math.floor(Date.now() / 1000) - 2 };
    const ips = await client.get<string[]>('/API/stats/modules/ip/ips', w);
    const seen: string[] = [];
    for await (const e of client.listAll<IpEntry>('/API/stats/modules/ip/ips_paged', { sort: 'bytes', reverse: true, count: 40, timespan: 60, ...w })) seen.push(e.ip);
    assert.equal(seen.length, new Set(seen).size);
    assert.deepEqual([...seen].sort(), [...ips].sort());
    assert.ok(ips.length > 200, `${ips.length} hosts`);
    assert.ok(ips.some((ip) => ip.includes(':')), 'IPv6 hosts listed');
  });

  test('ips_paged?csv=true answers every IP as CSV with the counters of the JSON list', async () => {
    const w = window();
    const rows = parseCsv(await client.csv('/API/stats/modules/ip/ips_paged', w));
    const json = await client.topIps({ ...w, count: 100 });
    assert.equal(rows[0]![0], 'IP');
    assert.equal(rows.length - 1, json.numberOfItems);
    const top = json.displayedItems[0]!;
    const row = rows.find((r) => r[0] === top.ip)!;
    assert.deepEqual(row.slice(4, 8).map(Number), top.interval.slice(0, 4));
  });

  test('peers add up to the IP\'s own counters', async () => {
    const w = window();
    const own = await client.ipCounters('10.1.2.3', w);
    const peers = await client.peers('10.1.2.3', { ...w, count: 100 });
    const sum = [0, 1, 2, 3].map((i) => peers.displayedItems.reduce((s, p) => s + p.interval[i]!, 0));
    assert.deepEqual(sum, own.interval.slice(0, 4));
    assert.ok(peers.displayedItems.some((p) => p.ip === '10.1.2.100'));
  });

  test('server ports from peers_ports CSV (the document\'s script) match the slot\'s conversations', async () => {
    const ips = (await client.ips()).slice(0, 12);
    for (const ip of ['10.1.2.100', '10.1.2.3', ...ips]) {
      const res = await client.serverPorts(ip);
      const now = Math.floor(Date.now() / 1000);
      const conns = live().connections(live().startedAt, now - 2);
      const asServer = new Set(conns.filter((c) => c.server.ip === ip).map((c) => c.serverPort));
      const asClient = new Set(conns.filter((c) => c.client.ip === ip).map((c) => c.serverPort));
      for (const p of asServer) assert.ok(res.asServer.includes(p), `${ip} serves ${p}`);
      for (const p of asClient) assert.ok(res.asClient.includes(p), `${ip} contacts ${p}`);
      for (const p of res.asServer) assert.ok(conns.some((c) => c.server.ip === ip && c.serverPort === p) || p > 0);
    }
    const files = await client.serverPorts('10.1.2.100');
    assert.ok(files.asServer.includes(548));
    const ws = await client.serverPorts('10.1.2.3');
    assert.ok(ws.asClient.includes(548) && ws.asClient.includes(443) && ws.asClient.includes(53));
    assert.deepEqual(ws.asServer, []);
  });

  test('MAC, VLAN, DPI and port lists describe the same traffic', async () => {
    const w = window();
    const bcast = await client.get<{ mac: string; interval: number[] }>('/API/stats/modules/mac/macs/ff:ff:ff:ff:ff:ff', w);
    assert.equal(bcast.mac, 'ff:ff:ff:ff:ff:ff');
    assert.ok(bcast.interval[0]! > 0, 'broadcast frames received');
    const dpi = await client.list<{ name: string; interval: number[] }>('/API/stats/modules/dpi/dpi_paged', { ...w, count: 100 });
    const vlans = await client.list<{ vlan: number; interval: number[] }>('/API/stats/modules/vlan/vlans_paged', { ...w, count: 100 });
    const total = (items: { interval: number[] }[]) => items.reduce((s, i) => s + i.interval[1]! + i.interval[3]!, 0);
    assert.equal(total(dpi.displayedItems), total(vlans.displayedItems), 'DPI and VLAN totals agree');
    assert.deepEqual(vlans.displayedItems.map((v) => v.vlan).sort((a, b) => a - b), [0, 10, 20, 100]);
    const tcp = await client.get<{ port: number }>('/API/stats/modules/l4_ports/tcp_ports/548', w);
    assert.equal(tcp.port, 548);
  });
});

describe('slots, groups and users', () => {
  test('group=2 (voice) sees only the voice VLAN; group=1 hides it', async () => {
    const voice = await client.withGroup(2).list<{ vlan: number }>('/API/stats/modules/vlan/vlans_paged', { count: 100 });
    assert.deepEqual(voice.displayedItems.map((v) => v.vlan), [100]);
    const office = await client.withGroup(1).list<{ vlan: number }>('/API/stats/modules/vlan/vlans_paged', { count: 100 });
    assert.deepEqual(office.displayedItems.map((v) => v.vlan).sort(), [10, 20]);
    await assert.rejects(client.withGroup(9).ips(), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
  });

  test('mm-id=local:1 and the X-AllegroPackets-Multimeter-ID header select the parallel analysis slot', async () => {
    const slotIps = await client.withSlot('local:1').ips();
    const liveIps = await client.ips();
    assert.notDeepEqual(slotIps, liveIps);
    const viaHeader = await http.json<string[]>({ path: '/API/stats/modules/ip/ips', headers: { 'X-AllegroPackets-Multimeter-ID': ':1' } });
    assert.deepEqual(viaHeader.body, slotIps);
    await assert.rejects(client.withSlot(':7').ips(), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
  });

  test('multi-device: the device list and mm-id=<host> select another appliance', async () => {
    const devices = await client.devices();
    assert.ok(devices.length >= 2 && devices.some((d) => d.active) && devices.some((d) => !d.active));
    const branch = devices.find((d) => d.active)!;
    const ips = await client.withSlot(branch.id).ips();
    assert.ok(ips.length > 100);
    assert.notDeepEqual(ips, await client.ips());
  });

  test('401 without or with wrong credentials, Bearer tokens work, the stats user may not change configuration', async () => {
    const anonymous = httpFor(sim, { kind: 'none' });
    const wrong = httpFor(sim, { kind: 'basic', username: 'admin', password: 'nope' });
    const token = httpFor(sim, { kind: 'bearer', token: sim.users.stats.token });
    const stats = httpFor(sim, { kind: 'basic', username: sim.users.stats.username, password: sim.users.stats.password });
    try {
      await assert.rejects(anonymous.json({ path: '/API/stats' , method: 'OPTIONS' }), (e: unknown) => e instanceof HttpStatusError && e.status === 401);
      await assert.rejects(wrong.json({ path: '/API/stats/modules/ip/ips' }), (e: unknown) => e instanceof HttpStatusError && e.status === 401);
      assert.ok((await new AllegroClient(token).ips()).length > 0);
      await assert.rejects(new AllegroClient(stats).setRingBufferSuspended(true), (e: unknown) => e instanceof HttpStatusError && e.status === 403);
    } finally {
      await Promise.all([anonymous.close(), wrong.close(), token.close(), stats.close()]);
    }
  });

  test('/API/info/system reports the uptime', async () => {
    const info = await client.systemInfo();
    assert.ok(Number(info.uptimeSec) >= 1800);
  });
});
