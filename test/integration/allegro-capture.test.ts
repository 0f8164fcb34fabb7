// Captures from the Allegro simulator through our own HTTP core: every file passes capinfos and
// tshark, and tshark confirms every packet matches the expression asked for. Also the document's
// global-connections script (async list, then the pcap of one connection), the ring-buffer pause,
// the pcap upload flow, and fault injection.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStatusError, InvalidResponseError, NetworkError } from '../../src/http/errors';
import type { HttpClientApi } from '../../src/http/types';
import { AllegroAsyncError, AllegroAsyncTimeoutError, AllegroClient, captureExpression as X, type GlobalConnection } from '../../src/allegro/index';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro/index';
import { readCaptureFile, type Connection, type TrafficSource } from '../../src/simulator/model/index';
import { capinfos, httpFor, readAll, tempDir, tsharkCount, tsharkField } from './allegro-support';

let sim: AllegroSimulator;
let http: HttpClientApi;
let client: AllegroClient;
const tmp = tempDir();

before(async () => {
  sim = await startAllegroSimulator({ seed: 3, historySeconds: 900 });
  http = httpFor(sim);
  client = new AllegroClient(http);
});

after(async () => {
  await http.close();
  await sim.close();
  tmp.remove();
});

/** A window of whole seconds in the past: [t0, t1) epoch seconds. */
function past(seconds: number, endAgo = 20): { t0: number; t1: number } {
  const t1 = Math.floor(Date.now() / 1000) - endAgo;
  return { t0: t1 - seconds, t1 };
}

/** Packets the matching connections of a slot sent in [t0, t1), from their counters. */
function packetsOf(source: TrafficSource, t0: number, t1: number, match: (c: Connection) => boolean): number {
  let n = 0;
  for (const c of source.connections(t0, t1)) {
    if (!match(c)) continue;
    const f = source.flowCounters(c, t0, t1);
    n += f.c2sPackets + f.s2cPackets;
  }
  return n;
}

const live = () => sim.slots.get(0)!;

async function download(params: Parameters<AllegroClient['capture']>[0], name: string, via = client): Promise<{ file: string; bytes: Buffer; headers: Record<string, string> }> {
  const res = await via.capture(params);
  const bytes = await readAll(res.body);
  return { file: tmp.file(name, bytes), bytes, headers: res.headers };
}

describe('capture', () => {
  test('expression=ip==10.1.2.3 over a past window: exactly the counted packets, all to or from the IP', async () => {
    const { t0, t1 } = past(10);
    const { file, headers } = await download({ expression: 'ip==10.1.2.3', startTime: t0 * 1e6, endTime: t1 * 1e6, fromCaptureBuffer: true }, 'ip.pcap');
    assert.match(headers['content-type'] ?? '', /pcap/);
    const info = capinfos(file);
    const counters = await client.ipCounters('10.1.2.3', { starttime: t0, endtime: t1 });
    assert.equal(info.packets, counters.interval[0]! + counters.interval[2]!);
    assert.equal(info.packets, packetsOf(live(), t0, t1, (c) => c.client.ip === '10.1.2.3' || c.server.ip === '10.1.2.3'));
    assert.ok(info.packets > 0);
    assert.equal(tsharkCount(file), info.packets);
    assert.equal(tsharkCount(file, '!(ip.addr==10.1.2.3)'), 0);
  });

  test('the document\'s two endpoints with ports and l4Protocol==TCP, as pcapng', async () => {
    const { t0, t1 } = past(5);
    const expression = 'IP==10.1.2.3:62887 and IP==10.1.2.100:548 and l4Protocol==TCP';
    const { file } = await download({ expression, startTime: t0 * 1e6, endTime: t1 * 1e6, fromCaptureBuffer: true, format: 'pcapng' }, 'afp.pcapng');
    const info = capinfos(file);
    assert.match(info.type, /pcapng/);
    assert.ok(info.packets > 100);
    assert.equal(tsharkCount(file, '!(ip.addr==10.1.2.3 && ip.addr==10.1.2.100 && tcp.port==62887 && tcp.port==548)'), 0);
    // tshark validates the checksums we computed
    const bad = tsharkField(file, 'frame.number', 'tcp.checksum.status==0 || ip.checksum.status==0');
    assert.equal(bad.length, 0);
  });

  test('or, not, vlan, port and IPv6 expressions with spaces match only what they say', async () => {
    const { t0, t1 } = past(3);
    const cases: [string, string][] = [
      ['vlan==100', '!(vlan.id==100)'],
      ['port==53 or port==123', '!(udp.port==53 || udp.port==123)'],
      ['l4Protocol==UDP and not vlan==100', '!(udp && !(vlan.id==100))'],
      ['ip==fd00:54::254', '!(ipv6.addr==fd00:54::254)'],
      ['ip==10.1.0.0/16 and dstPort==443', '!(ip.addr==10.1.0.0/16 && (tcp.dstport==443 || udp.dstport==443))'],
    ];
    for (const [expression, violating] of cases) {
      const { file } = await download({ expression, startTime: t0 * 1e6, endTime: t1 * 1e6, fromCaptureBuffer: true }, 'expr.pcap');
      const total = capinfos(file).packets;
      assert.ok(total > 0, `${expression} captured packets`);
      assert.equal(tsharkCount(file, violating), 0, expression);
    }
  });

  test('an unfiltered capture streamed zero-copy over HTTPS equals the slot\'s capture byte for byte', async () => {
    const { t0, t1 } = past(3, 30);
    const res = await client.capture({ startTime: t0 * 1e6 + 500_000, endTime: t1 * 1e6, fromCaptureBuffer: true });
    const got = await readAll(res.body);
    const parts: Buffer[] = [];
    for await (const b of sim.slots.get(0)!.capture({ segments: [{ fromUs: t0 * 1e6 + 500_000, toUs: t1 * 1e6 }], now: () => Date.now() })) parts.push(Buffer.from(b));
    const expected = Buffer.concat(parts);
    // Many megabytes whatever the time of day (the simulated traffic follows a daily wave).
    assert.ok(got.length > 2e6, `${got.length} bytes`);
    assert.equal(got.length, expected.length);
    assert.ok(got.equals(expected), 'identical bytes');
    const packets = readCaptureFile(got);
    assert.ok(packets.every((p) => p.timeUs >= t0 * 1e6 + 500_000 && p.timeUs < t1 * 1e6));
    assert.equal(packets.filter((p) => p.timeUs >= (t0 + 1) * 1e6).length, packetsOf(live(), t0 + 1, t1, () => true));
  });

  test('a malformed expression is an error, not an empty file', async () => {
    for (const expression of ['ip==10.1.2.3 and', 'ip=10.1.2.3', 'ip==10.1.2.300', 'foo==1', '(ip==10.1.2.3', 'l4Protocol==SCTP']) {
      await assert.rejects(client.capture({ expression }), (e: unknown) => e instanceof HttpStatusError && e.status === 400 && /expression/.test(e.message), expression);
    }
  });

  test('snapPacketLength truncates every frame and keeps the original length', async () => {
    const { t0, t1 } = past(2);
    const { file, bytes } = await download({ expression: 'port==548', startTime: t0 * 1e6, endTime: t1 * 1e6, fromCaptureBuffer: true, snapPacketLength: 96 }, 'snap.pcap');
    const packets = readCaptureFile(bytes);
    assert.ok(packets.length > 0);
    assert.ok(packets.every((p) => p.data.length <= 96));
    assert.ok(packets.some((p) => p.origLen > 96));
    assert.equal(tsharkCount(file, 'frame.cap_len > 96'), 0);
  });

  test('endTime=now with timespan captures the last seconds', async () => {
    const before = Date.now() * 1000;
    const { bytes } = await download({ expression: 'vlan==100', endTime: 'now', timespan: 2 }, 'now.pcap');
    const packets = readCaptureFile(bytes);
    assert.ok(packets.length > 0);
    assert.ok(packets.every((p) => p.timeUs >= before - 2.5e6 && p.timeUs <= Date.now() * 1000));
  });

  test('without endTime the capture streams live until the client disconnects', async () => {
    const controller = new AbortController();
    const res = await client.capture({ expression: 'vlan==100' }, { signal: controller.signal });
    const started = Date.now();
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (Date.now() - started > 1200) break;
    }
    res.body.destroy();
    assert.ok(size > 24 + 100 * 200, `${size} bytes arrived live`);
    for (let i = 0; i < 50 && sim.stats.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(sim.stats.inFlight, 0, 'the simulator stopped streaming');
  });

  test('a live capture with endTime in the future stops there (the document\'s multi-device script)', async () => {
    const devices = await client.devices();
    const device = devices.find((d) => d.active)!;
    const end = Date.now() + 2000;
    const { file, bytes } = await download({ endTime: end * 1000, expression: 'vlan==100' }, 'device.pcap', client.withSlot(device.id));
    const packets = readCaptureFile(bytes);
    assert.ok(packets.length > 0);
    assert.ok(packets.every((p) => p.timeUs < end * 1000));
    assert.equal(capinfos(file).packets, packets.length);
  });

  test('the stats user gets 403 on the capture URL, the pcap role may capture', async () => {
    const stats = httpFor(sim, { kind: 'basic', username: sim.users.stats.username, password: sim.users.stats.password });
    const pcap = httpFor(sim, { kind: 'bearer', token: sim.users.pcap.token });
    try {
      await assert.rejects(new AllegroClient(stats).capture({ expression: 'ip==10.1.2.3' }), (e: unknown) => e instanceof HttpStatusError && e.status === 403);
      const { t0, t1 } = past(1);
      const res = await new AllegroClient(pcap).capture({ expression: 'ip==10.1.2.3', startTime: t0 * 1e6, endTime: t1 * 1e6, fromCaptureBuffer: true });
      assert.ok((await readAll(res.body)).length > 24);
    } finally {
      await Promise.all([stats.close(), pcap.close()]);
    }
  });
});

describe('the document\'s scripts', () => {
  test('global connections (rtpStats, local:1) asynchronously, then the pcap of the second connection', async () => {
    const slot = client.withSlot('local:1');
    const list = await slot.globalConnections({ sort: 'bytes', reverse: true, mode: 'rtpStats' }, { intervalMs: 100 });
    assert.ok(list.displayedItems.length > 1);
    assert.ok(list.displayedItems.every((c) => c.dpiProtocol === 'RTP' && c.l4ProtocolShortName === 'UDP'));
    const rtp: GlobalConnection = list.displayedItems[1]!;
    const params = AllegroClient.connectionCapture(rtp);
    assert.equal(params.expression, `IP==${rtp.clientIp}:${rtp.clientPort} and IP==${rtp.serverIp}:${rtp.serverPort} and l4Protocol==UDP`);
    const { file } = await download(params, 'rtp_connection.pcap', slot);
    const n = capinfos(file).packets;
    assert.ok(n > 50, `${n} RTP packets`);
    assert.equal(tsharkCount(file, `!(ip.addr==${rtp.clientIp} && ip.addr==${rtp.serverIp} && udp.port==${rtp.clientPort} && udp.port==${rtp.serverPort})`), 0);
    const source = sim.slots.get(1)!;
    const conn = source.connections(source.startedAt, source.endedAt!).find((c) => c.clientPort === rtp.clientPort && c.client.ip === rtp.clientIp)!;
    const f = source.flowCounters(conn, source.startedAt, source.endedAt!);
    // the capture ends before lastActivity (exclusive), so it holds all but the last packets
    assert.ok(n <= f.c2sPackets + f.s2cPackets && n >= f.c2sPackets + f.s2cPackets - 2, `${n} of ${f.c2sPackets + f.s2cPackets}`);
  });

  test('globalConnections/csv?csv=true answers the connection table', async () => {
    const csv = await client.globalConnectionsCsv();
    const lines = csv.trim().split(/\r?\n/);
    assert.match(lines[0]!, /^Client IP,Client port,Server IP,Server port/);
    assert.ok(lines.length > 100);
  });

  test('pausing the ring buffer leaves a gap in captures from the buffer; resuming closes it', async () => {
    const before = Date.now();
    const paused = await client.setRingBufferSuspended(true) as { config: { isSuspended: boolean } };
    assert.equal(paused.config.isSuspended, true);
    assert.equal((await client.get<{ isSuspended: boolean }>('/API/data/modules/capture/buffer/0')).isSuspended, true);
    await new Promise((r) => setTimeout(r, 1200));
    await client.setRingBufferSuspended(false);
    const resumed = Date.now();
    await new Promise((r) => setTimeout(r, 300));
    const { bytes } = await download({ expression: 'vlan==100', startTime: (before - 1000) * 1000, endTime: (resumed + 250) * 1000, fromCaptureBuffer: true }, 'gap.pcap');
    const gap = sim.ringBuffer.gaps[0]!;
    assert.ok(gap.toUs - gap.fromUs >= 1.1e6, 'the buffer recorded the pause');
    const times = readCaptureFile(bytes).map((p) => p.timeUs);
    assert.ok(times.some((t) => t < gap.fromUs), 'packets before the pause');
    assert.ok(times.some((t) => t >= gap.toUs), 'packets after the resume');
    assert.ok(!times.some((t) => t >= gap.fromUs && t < gap.toUs), 'no packets while paused');
    sim.ringBuffer.gaps.length = 0;
  });

  test('pcap upload: replay init, start, multipart analyze-pcap makes a slot whose statistics come from the file', async () => {
    const { t0, t1 } = past(3);
    const { bytes } = await download({ expression: 'ip==10.1.2.3 or vlan==100', startTime: t0 * 1e6, endTime: t1 * 1e6, fromCaptureBuffer: true, format: 'pcapng' }, 'abc.pcapng');
    const sent = readCaptureFile(bytes);
    const result = await client.uploadPcap('abc.pcapng', bytes, { replaySlotID: 2 });
    assert.equal(result.replaySlotID, 2);
    assert.equal(result.packets, sent.length);
    const slot = client.withSlot(':2');
    const ips = await slot.ips();
    assert.ok(ips.includes('10.1.2.3'));
    const d = await slot.ipCounters('10.1.2.3', { starttime: t0, endtime: t1 });
    const expected = packetsOf(live(), t0, t1, (c) => c.client.ip === '10.1.2.3' || c.server.ip === '10.1.2.3');
    assert.equal(d.interval[0]! + d.interval[2]!, expected);
    // and the slot's packets can be captured again
    const again = await download({ expression: 'ip==10.1.2.3' }, 'again.pcap', slot);
    assert.equal(capinfos(again.file).packets, expected);
  });
});

describe('faults', () => {
  test('a 503 is retried by the HTTP core; a persistent 500 surfaces as HttpStatusError', async () => {
    sim.faults.failNext(1, 503, '/API/stats/modules/ip/ips');
    assert.ok((await client.ips()).length > 0);
    await assert.rejects(client.get('/API/stats/modules/ip/ips', { 'sim.status': 500 }), (e: unknown) => e instanceof HttpStatusError && e.status === 500);
  });

  test('malformed JSON is an InvalidResponseError; a reset mid-body a NetworkError', async () => {
    await assert.rejects(client.get('/API/stats/modules/ip/ips', { 'sim.malformed': 1 }), (e: unknown) => e instanceof InvalidResponseError);
    sim.faults.resetMidBody = true;
    sim.faults.pathPrefix = '/API/stats/modules/ip/ips_paged';
    try {
      await assert.rejects(client.topIps({ count: 100 }), (e: unknown) => e instanceof NetworkError);
    } finally {
      sim.faults.clear();
    }
  });

  test('an asynchronous job that never finishes times out; a failed one reports its errorCode', async () => {
    const never = await client.startAsync('/API/stats/modules/ip/globalConnections', { 'sim.never': 1 });
    await assert.rejects(client.awaitAsync(never, { intervalMs: 50, timeoutMs: 400 }), (e: unknown) => e instanceof AllegroAsyncTimeoutError);
    const failing = await client.startAsync('/API/stats/modules/ip/globalConnections', { 'sim.asyncError': 5 });
    await assert.rejects(client.awaitAsync(failing, { intervalMs: 50 }), (e: unknown) => e instanceof AllegroAsyncError && e.errorCode === 5);
    await assert.rejects(client.awaitAsync({ asyncID: never.asyncID, asyncUUID: 'wrong' }), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
  });

  test('an error rate answers the configured statuses; a slow body still arrives whole', async () => {
    const noRetry = httpFor(sim, undefined, { retries: 0 });
    try {
      sim.faults.errorRate = 1;
      sim.faults.errorStatuses = [502];
      await assert.rejects(new AllegroClient(noRetry).ips(), (e: unknown) => e instanceof HttpStatusError && e.status === 502);
    } finally {
      sim.faults.clear();
      await noRetry.close();
    }
    const started = Date.now();
    const info = await client.get<Record<string, unknown>>('/API/info/system', { 'sim.slow': 400 });
    assert.ok(Date.now() - started >= 100);
    assert.equal(info.hostname, 'allegro-mm-sim');
  });

  test('faults and latency given as start options apply from the first request', async () => {
    const faulty = await startAllegroSimulator({ seed: 9, latencyMs: 60, faults: { errorRate: 1, errorStatuses: [504], pathPrefix: '/API/stats' } });
    const h = httpFor(faulty, undefined, { retries: 0 });
    try {
      const started = Date.now();
      await assert.rejects(new AllegroClient(h).ips(), (e: unknown) => e instanceof HttpStatusError && e.status === 504);
      assert.ok(Date.now() - started >= 55);
      assert.equal((await new AllegroClient(h).systemInfo()).hostname, 'allegro-mm-sim');
    } finally {
      await h.close();
      await faulty.close();
    }
  });

  test('added latency delays answers', async () => {
    const started = Date.now();
    await client.get('/API/info/system', { 'sim.latency': 300 });
    assert.ok(Date.now() - started >= 290);
  });
});

test('capture expression helpers build what the simulator accepts', () => {
  const e = X.and(X.or(X.ip('10.1.2.3'), X.ip('fd00:54::254', 53)), X.l4('UDP'), X.not(X.vlan(100)));
  assert.equal(e, '(IP==10.1.2.3 or IP==[fd00:54::254]:53) and l4Protocol==UDP and not vlan==100');
});
