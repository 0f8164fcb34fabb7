// The shared traffic model: deterministic for a seed, consistent counters, and capture files
// whose packets are exactly the counted ones with valid lengths and checksums.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TrafficModel, ModelSource, PacketListSource, captureStream, readCaptureFile, frameLength, frameTemplate, dissect,
  type CaptureFormat, type Connection,
} from '../../src/simulator/model/index';
import { checksumsValid } from './frame-checksums';

const T1 = 1_795_000_020; // a fixed second (multiple of 60 + 20)
const model = new TrafficModel({ seed: 42, startedAt: T1 - 3600 - 20 });

async function collect(m: TrafficModel, options: Parameters<typeof captureStream>[1]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of captureStream(m, options)) parts.push(Buffer.from(b));
  return Buffer.concat(parts);
}

test('the same seed gives the same hosts and conversations; another seed differs', () => {
  const again = new TrafficModel({ seed: 42, startedAt: model.startedAt });
  assert.deepEqual(again.hosts.map((h) => [h.ip, h.mac, h.vlan, h.hostName]), model.hosts.map((h) => [h.ip, h.mac, h.vlan, h.hostName]));
  const key = (c: Connection) => `${c.id} ${c.client.ip}:${c.clientPort} ${c.server.ip}:${c.serverPort} ${c.l4} ${c.start}-${c.end} ${c.c2s.bytes}/${c.s2c.bytes}`;
  assert.deepEqual(again.connections(T1 - 600, T1).map(key), model.connections(T1 - 600, T1).map(key));
  const other = new TrafficModel({ seed: 43, startedAt: model.startedAt });
  assert.notDeepEqual(other.connections(T1 - 600, T1).map(key), model.connections(T1 - 600, T1).map(key));
});

test('a few hundred hosts: IPv4 and IPv6, VLANs, countries, the document\'s example addresses', () => {
  assert.ok(model.hosts.length >= 200 && model.hosts.length <= 400);
  assert.ok(model.hosts.filter((h) => h.family === 6).length >= 5);
  assert.deepEqual([...new Set(model.hosts.map((h) => h.vlan))].sort((a, b) => a - b), [0, 10, 20, 100]);
  assert.ok(new Set(model.hosts.filter((h) => !h.local).map((h) => h.countryCode)).size >= 5);
  for (const ip of ['10.1.2.3', '10.1.2.100', '10.0.54.254', '10.54.0.254', '255.255.255.255']) assert.ok(model.host(ip), ip);
  assert.equal(model.host('255.255.255.255')!.mac, 'ff:ff:ff:ff:ff:ff');
  const kinds = new Set(model.connections(T1 - 600, T1).map((c) => `${c.l4}/${c.app}`));
  for (const k of ['TCP/TLS', 'TCP/HTTP', 'UDP/DNS', 'UDP/RTP', 'UDP/QUIC']) assert.ok(kinds.has(k), k);
  assert.ok(model.connections(T1 - 60, T1).length >= 150, 'hundreds of concurrent conversations');
});

test('host counters are the sum of their conversations and grow with time', () => {
  const counters = model.hostCounters(T1 - 300, T1);
  const h = model.host('10.1.2.3')!;
  let tx = 0;
  let rx = 0;
  for (const c of model.connections(T1 - 300, T1)) {
    const s = Math.max(0, Math.min(T1, c.end) - Math.max(T1 - 300, c.start));
    if (c.client === h) { tx += s * c.c2s.bytes; rx += s * c.s2c.bytes; }
    if (c.server === h) { tx += s * c.s2c.bytes; rx += s * c.c2s.bytes; }
  }
  assert.equal(counters.get(h)!.txBytes, tx);
  assert.equal(counters.get(h)!.rxBytes, rx);
  assert.ok(model.hostCounters(T1 - 600, T1).get(h)!.rxBytes > rx);
});

for (const format of ['pcap', 'pcapng'] as CaptureFormat[]) {
  test(`a ${format} capture of a window holds exactly the counted packets, in time order, with valid checksums`, async () => {
    const t0 = T1 - 3;
    const file = await collect(model, { segments: [{ fromUs: t0 * 1e6 + 250_000, toUs: T1 * 1e6 }], format, now: () => T1 * 1000 + 5000 });
    const packets = readCaptureFile(file);
    let expected = 0;
    let expectedBytes = 0;
    for (const c of model.connections(t0, T1)) {
      expected += 3 * (c.c2s.packets + c.s2c.packets);
      expectedBytes += 3 * (c.c2s.bytes + c.s2c.bytes);
    }
    const firstPartial = packets.filter((p) => p.timeUs < t0 * 1e6 + 250_000).length;
    assert.equal(firstPartial, 0);
    assert.ok(packets.length < expected && packets.length > expected * 0.6, 'a quarter second less than three seconds');
    const full = readCaptureFile(await collect(model, { segments: [{ fromUs: t0 * 1e6, toUs: T1 * 1e6 }], format, now: () => T1 * 1000 + 5000 }));
    assert.equal(full.length, expected);
    assert.equal(full.reduce((s, p) => s + p.origLen, 0), expectedBytes);
    for (let i = 1; i < full.length; i++) assert.ok(full[i]!.timeUs >= full[i - 1]!.timeUs);
    assert.ok(full.every((p) => p.timeUs >= t0 * 1e6 && p.timeUs < T1 * 1e6));
    for (let i = 0; i < full.length; i += 97) assert.ok(checksumsValid(full[i]!.data), `packet ${i} checksums`);
  });
}

test('TCP sequence numbers advance by the payload sent, across seconds and minutes', async () => {
  const afp = model.connections(T1 - 120, T1).find((c) => c.clientPort === 62887)!;
  const file = await collect(model, { segments: [{ fromUs: (T1 - 61) * 1e6, toUs: (T1 - 59) * 1e6 }], filter: (c, d) => c === afp && d === 's2c', now: () => T1 * 1000 });
  const packets = readCaptureFile(file);
  assert.equal(packets.length, 2 * afp.s2c.packets);
  for (let i = 1; i < packets.length; i++) {
    const seq = (p: Buffer) => p.readUInt32BE(14 + 20 + 4);
    const payload = packets[i - 1]!.data.length - 54;
    assert.equal(seq(packets[i]!.data), (seq(packets[i - 1]!.data) + payload) >>> 0);
  }
});

test('snap length truncates captured data but keeps the original length', async () => {
  const file = await collect(model, { segments: [{ fromUs: (T1 - 1) * 1e6, toUs: T1 * 1e6 }], snapLength: 64, now: () => T1 * 1000 });
  const packets = readCaptureFile(file);
  assert.ok(packets.every((p) => p.data.length <= 64 && p.origLen >= p.data.length));
  assert.ok(packets.some((p) => p.origLen > 1000));
});

test('frame templates have the counted lengths', () => {
  for (const c of model.connections(T1 - 60, T1).slice(0, 50)) {
    for (const dir of ['c2s', 's2c'] as const) {
      c[dir].payloads.forEach((p, j) => assert.equal(frameTemplate(c, dir, j).bytes.length, frameLength(c.client.family, c.l4, c.vlan, p)));
    }
  }
});

test('an uploaded capture becomes a source whose flows and counters come from its packets', async () => {
  const t0 = T1 - 2;
  const file = await collect(model, { segments: [{ fromUs: t0 * 1e6, toUs: T1 * 1e6 }], filter: (c) => c.client.ip === '10.1.2.3', format: 'pcapng', now: () => T1 * 1000 });
  const source = new PacketListSource(readCaptureFile(file));
  const live = new ModelSource(model);
  assert.equal(source.startedAt, t0);
  assert.equal(source.endedAt, T1);
  const flows = source.connections(t0, T1);
  const expected = live.connections(t0, T1).filter((c) => c.client.ip === '10.1.2.3');
  assert.equal(flows.length, expected.length);
  for (const e of expected) {
    const f = flows.find((x) => x.client.ip === e.client.ip && x.clientPort === e.clientPort && x.serverPort === e.serverPort)!;
    assert.ok(f, `${e.client.ip}:${e.clientPort}`);
    const a = source.flowCounters(f, t0, T1);
    const b = live.flowCounters(e, t0, T1);
    assert.equal(a.c2sPackets + a.s2cPackets, b.c2sPackets + b.s2cPackets);
    assert.equal(a.c2sBytes + a.s2cBytes, b.c2sBytes + b.s2cBytes);
  }
  assert.equal(dissect(Buffer.alloc(10)), undefined);
  assert.throws(() => readCaptureFile(Buffer.from('not a capture file at all, sorry')), /not a pcap/);
});
