// Simulated Allegro traffic varies like real traffic, through the REST API and our HTTP core:
// histories of interfaces and IPs are not flat, hosts differ from each other and have idle
// seconds, the day has a rhythm, and all of it is a pure function of the seed and the time
// (two simulators of one seed answer alike). Histories, counters and captures agree.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpClientApi } from '../../src/http/types';
import { AllegroClient, type IpDetails, type IpEntry, type PagedList } from '../../src/allegro/index';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro/index';
import { readCaptureFile } from '../../src/simulator/model/index';
import { httpFor, readAll } from './allegro-support';

interface Interface { name: string; interval: number[]; allTime: number[]; history: { timespan: number; data: number[][] } }

/** A simulator and a client on it; closed by the returned function. */
async function open(options: Parameters<typeof startAllegroSimulator>[0]): Promise<{ sim: AllegroSimulator; client: AllegroClient; close(): Promise<void> }> {
  const sim = await startAllegroSimulator(options);
  const http: HttpClientApi = httpFor(sim);
  return { sim, client: new AllegroClient(http), close: async () => { await http.close(); await sim.close(); } };
}

/** Bytes (rx + tx) of each point of a history. */
const bytesOf = (data: number[][]) => data.map((p) => p[2]! + p[4]!);
const packetsOf = (data: number[][]) => data.map((p) => p[1]! + p[3]!);
const interfaces = async (client: AllegroClient, query: Record<string, unknown>) => (await client.get<{ interfaces: Interface[] }>('/API/stats/interfaces', query)).interfaces;

describe('live traffic of one simulator', () => {
  let a: Awaited<ReturnType<typeof open>>;
  /** The last complete minute, as the results view asks for it: 60 points of one second. */
  let minute: { starttime: number; endtime: number; values: number };

  before(async () => {
    a = await open({ seed: 7, historySeconds: 1800 });
    const end = Math.floor(Date.now() / 1000) - 2;
    minute = { starttime: end - 60, endtime: end, values: 60 };
  });
  after(() => a.close());

  test('an interface\'s 60-second history at one-second resolution is not flat', async () => {
    const [eth2] = await interfaces(a.client, minute);
    assert.equal(eth2!.history.timespan, 1);
    assert.equal(eth2!.history.data.length, 60);
    const bytes = bytesOf(eth2!.history.data);
    assert.ok(new Set(bytes).size >= 30, `${new Set(bytes).size} different values: ${bytes.join(' ')}`);
    assert.ok(Math.max(...bytes) > 1.2 * Math.min(...bytes), `from ${Math.min(...bytes)} to ${Math.max(...bytes)} bytes a second`);
    assert.equal(bytes.reduce((s, v) => s + v, 0), eth2!.interval[1]! + eth2!.interval[3]!, 'the history adds up to the interval');
  });

  test('an IP\'s history is not flat, and two IPs differ in shape, not only in size', async () => {
    const one = bytesOf((await a.client.ipCounters('10.1.2.3', minute)).history!.data!);
    const top = await a.client.topIps({ sort: 'bytes', reverse: true, count: 2, ...minute });
    const busiest = top.displayedItems.map((e) => e.ip).find((ip) => ip !== '10.1.2.3')!;
    const other = bytesOf((await a.client.ipCounters(busiest, minute)).history!.data!);
    assert.ok(new Set(one).size >= 10, `10.1.2.3: ${one.join(' ')}`);
    assert.ok(new Set(other).size >= 10, `${busiest}: ${other.join(' ')}`);
    const ratios = new Set(one.map((v, i) => (other[i] ? (v / other[i]!).toFixed(3) : `${v}/0`)));
    assert.ok(ratios.size >= 10, `10.1.2.3 / ${busiest} per second: ${[...ratios].join(' ')}`);
  });

  test('small hosts come and go: idle seconds between busy ones', async () => {
    const list = await a.client.list<IpEntry>('/API/stats/modules/ip/ips_paged', { sort: 'bytes', reverse: false, count: 100, ...minute });
    const blinking = list.displayedItems.filter((e) => {
      const bytes = bytesOf(e.history!.data!);
      let returns = 0;
      for (let i = 1; i < bytes.length; i++) if (bytes[i - 1] === 0 && bytes[i]! > 0) returns++;
      return returns >= 3;
    });
    assert.ok(blinking.length >= 5, `${blinking.length} of ${list.displayedItems.length} hosts went idle and came back three times in a minute`);
  });

  test('the history, the counters and a capture of the same seconds count the same packets', async () => {
    const d: IpDetails = await a.client.ipCounters('10.1.2.3', minute);
    const packets = packetsOf(d.history!.data!);
    const total = packets.reduce((s, v) => s + v, 0);
    assert.equal(total, d.interval[0]! + d.interval[2]!);
    const res = await a.client.capture({ expression: 'ip==10.1.2.3', startTime: (minute.endtime - 10) * 1e6, endTime: minute.endtime * 1e6, fromCaptureBuffer: true });
    const captured = readCaptureFile(await readAll(res.body));
    assert.equal(captured.length, packets.slice(-10).reduce((s, v) => s + v, 0), 'the last ten seconds of the history');
    for (let i = 50; i < 60; i++) {
      const second = minute.starttime + i;
      assert.equal(captured.filter((p) => Math.floor(p.timeUs / 1e6) === second).length, packets[i], `second ${i}`);
    }
  });
});

describe('the same seed, the same traffic', () => {
  let a: Awaited<ReturnType<typeof open>>;
  let b: Awaited<ReturnType<typeof open>>;
  let c: Awaited<ReturnType<typeof open>>;

  before(async () => {
    a = await open({ seed: 21, historySeconds: 900 });
    b = await open({ seed: 21, historySeconds: 900 });
    c = await open({ seed: 22, historySeconds: 900 });
  });
  after(async () => { await Promise.all([a.close(), b.close(), c.close()]); });

  test('two simulators started with the same seed answer the same histories for the same seconds; another seed differs', async () => {
    const end = Math.floor(Date.now() / 1000) - 5;
    const query = { starttime: end - 120, endtime: end, values: 120 };
    const answers = async (s: typeof a) => ({
      eth2: (await interfaces(s.client, query))[0]!.history.data,
      ip: (await s.client.ipCounters('10.1.2.3', query)).history!.data,
      top: (await s.client.list<IpEntry>('/API/stats/modules/ip/ips_paged', { ...query, sort: 'bytes', count: 20 })).displayedItems.map((e) => [e.ip, e.interval, e.history!.data]),
    });
    const [fromA, fromB, fromC] = [await answers(a), await answers(b), await answers(c)];
    assert.deepEqual(fromB, fromA);
    assert.notDeepEqual(bytesOf(fromC.eth2), bytesOf(fromA.eth2));
  });

  test('and the same packets, byte for byte', async () => {
    const end = Math.floor(Date.now() / 1000) - 5;
    const capture = async (s: typeof a) => readAll((await s.client.capture({ expression: 'ip==10.1.2.3 or vlan==100', startTime: (end - 3) * 1e6, endTime: end * 1e6, fromCaptureBuffer: true })).body);
    const [fromA, fromB, fromC] = [await capture(a), await capture(b), await capture(c)];
    assert.ok(readCaptureFile(fromA).length > 100);
    assert.ok(fromA.equals(fromB));
    assert.ok(!fromA.equals(fromC));
  });
});

test('the day has a rhythm: an hour of the afternoon carries more than an hour of the night', async () => {
  const day = Date.UTC(2026, 10, 18);
  const hour = async (utcHour: number) => {
    const s = await open({ seed: 7, historySeconds: 3600, now: () => day + utcHour * 3_600_000 });
    try {
      const [eth2] = await interfaces(s.client, {});
      return eth2!.allTime[1]! + eth2!.allTime[3]!;
    } finally {
      await s.close();
    }
  };
  const afternoon = await hour(15);
  const night = await hour(3);
  assert.ok(afternoon > 1.4 * night, `14-15 h: ${afternoon} bytes, 2-3 h: ${night} bytes`);
});

test('lists sorted by bytes without an interval rank by the bytes since the start, as the document says', async () => {
  const s = await open({ seed: 7, historySeconds: 900 });
  try {
    const page: PagedList<IpEntry> = await s.client.topIps({ sort: 'bytes', reverse: true, count: 20 });
    const totals = page.displayedItems.map((e) => e.allTime[1]! + e.allTime[3]!);
    assert.deepEqual(totals, [...totals].sort((x, y) => y - x));
  } finally {
    await s.close();
  }
});
