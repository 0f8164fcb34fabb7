// The simulated Allegro's varying traffic (src/simulator/allegro/activity.ts, varying-source.ts,
// varying-capture.ts): a pure function of seed and time, different from second to second and from
// host to host, and the capture holds exactly the counted packets with gap-free TCP and RTP numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrafficModel, dissect, readCaptureFile, type CaptureFormat, type CaptureStreamOptions, type Connection } from '../../src/simulator/model/index';
import { DAY, SECOND_US, SendWindows, countBefore, offsetUs, sendPlans } from '../../src/simulator/allegro/activity';
import { VaryingSource } from '../../src/simulator/allegro/varying-source';
import type { VaryingCaptureOptions } from '../../src/simulator/allegro/varying-capture';
import { checksumsValid } from './frame-checksums';

const T1 = 1_795_000_020; // a fixed second (11:07:00 UTC, a multiple of 60 + 20)
const model = new TrafficModel({ seed: 42, startedAt: T1 - 3600 - 20 });
const source = new VaryingSource(model);

async function collect(s: VaryingSource, options: CaptureStreamOptions): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of s.capture({ now: () => (T1 + 600) * 1000, ...options })) parts.push(Buffer.from(b));
  return Buffer.concat(parts);
}

const between = (t0: number, t1: number) => [{ fromUs: t0 * SECOND_US, toUs: t1 * SECOND_US }];
const bytesIn = (c: Connection, t0: number, t1: number) => { const f = source.flowCounters(c, t0, t1); return f.c2sBytes + f.s2cBytes; };
const perSecond = (c: Connection, t0: number, t1: number) => Array.from({ length: t1 - t0 }, (_, i) => bytesIn(c, t0 + i, t0 + i + 1));
const permanent = (clientPort: number) => model.connections(T1 - 1, T1).find((c) => c.end === Infinity && c.clientPort === clientPort)!;

/** Layer-4 offset and protocol of an untruncated Ethernet (+802.1Q) / IPv4 / IPv6 frame. */
function l4Of(f: Buffer): { l4: number; proto: number; payload: number } {
  let o = 12;
  if (f.readUInt16BE(o) === 0x8100) o += 4;
  const v4 = f.readUInt16BE(o) === 0x0800;
  o += 2;
  const proto = v4 ? f[o + 9]! : f[o + 6]!;
  const l4 = o + (v4 ? 20 : 40);
  const l4Len = v4 ? f.readUInt16BE(o + 2) - 20 : f.readUInt16BE(o + 4);
  return { l4, proto, payload: l4Len - (proto === 6 ? 20 : 8) };
}

test('send windows are a pure function of the seed and the second of the day', () => {
  const a = SendWindows.of(5);
  const widths = (w: SendWindows) => Array.from({ length: 600 }, (_, i) => w.widthUs(T1 + i));
  const starts = (w: SendWindows) => Array.from({ length: 600 }, (_, i) => w.startUs(T1 + i));
  assert.deepEqual(widths(a), widths(SendWindows.of(5)));
  assert.deepEqual(starts(a), starts(SendWindows.of(5)));
  assert.notDeepEqual(widths(a), widths(SendWindows.of(6)));
  for (let i = 0; i < 600; i++) {
    assert.equal(a.widthUs(T1 + i), a.widthUs(T1 + i + 3 * DAY), 'the same second of another day');
    assert.ok(a.widthUs(T1 + i) > 0 && a.widthUs(T1 + i) <= SECOND_US);
    assert.ok(a.startUs(T1 + i) >= 0 && a.startUs(T1 + i) < SECOND_US);
  }
});

test('the day has a rhythm: windows in the afternoon are wider than at night, and they move every second', () => {
  const w = SendWindows.of(42);
  const day = Math.floor(T1 / DAY) * DAY;
  const mean = (fromHour: number) => {
    let sum = 0;
    for (let s = day + fromHour * 3600; s < day + (fromHour + 2) * 3600; s++) sum += w.widthUs(s);
    return sum / 7200;
  };
  assert.ok(mean(13) > 1.5 * mean(1), `13-15 h: ${mean(13)} µs, 1-3 h: ${mean(1)} µs`);
  const widths = new Set(Array.from({ length: 60 }, (_, i) => w.widthUs(T1 + i)));
  assert.ok(widths.size > 30, `${widths.size} different widths in a minute`);
});

test('countBefore agrees with the packet offsets, exactly', () => {
  const conns = model.connections(T1 - 300, T1).slice(0, 80);
  for (const c of conns) {
    for (const p of Object.values(sendPlans(c, source.windows))) {
      if (!p.packets) continue;
      const offsets = Array.from({ length: p.packets }, (_, j) => offsetUs(p, j));
      assert.ok(offsets.every((o, j) => o >= 0 && o < SECOND_US && (j === 0 || o >= offsets[j - 1]!)), 'offsets ascend within the second');
      for (const us of [0, 1, offsets[0]!, offsets[0]! + 1, offsets.at(-1)!, offsets.at(-1)! + 1, 123_457, 500_000, 999_999, SECOND_US]) {
        assert.equal(countBefore(p, us), offsets.filter((o) => o < us).length, `${c.kind} ${p.dir} before ${us}`);
      }
    }
  }
});

test('counters over a window are the sum of its seconds, also over hours and days (minute and day tables)', () => {
  const conns = [permanent(51034), permanent(62887), ...model.connections(T1 - 3600, T1).filter((c) => c.end - c.start >= 1800).slice(0, 3)];
  for (const c of conns) {
    for (const [t0, t1] of [[T1 - 7, T1 + 5], [T1 - 3599, T1 + 1], [T1 - 3600 - 17, T1 - 61]]) {
      const sum = { c2sPackets: 0, c2sBytes: 0, s2cPackets: 0, s2cBytes: 0 };
      for (let s = t0!; s < t1!; s++) {
        const f = source.flowCounters(c, s, s + 1);
        sum.c2sPackets += f.c2sPackets; sum.c2sBytes += f.c2sBytes; sum.s2cPackets += f.s2cPackets; sum.s2cBytes += f.s2cBytes;
      }
      assert.deepEqual(source.flowCounters(c, t0!, t1!), sum, `${c.id} [${t0}, ${t1})`);
    }
  }
  // three days and a bit of a connection without end: the day table, repeated
  const c = permanent(51034);
  const t0 = T1 - 3 * DAY - 4321;
  let bytes = 0;
  for (let s = t0; s < T1; s++) bytes += bytesIn(c, s, s + 1);
  assert.equal(bytesIn(c, t0, T1), bytes);
});

test('a connection\'s traffic changes from second to second, has idle seconds, and differs from other connections', () => {
  const web = perSecond(permanent(51034), T1 - 120, T1);
  const files = perSecond(permanent(62887), T1 - 120, T1);
  const dns = perSecond(permanent(53211), T1 - 120, T1);
  assert.ok(new Set(web).size > 8, `web: ${new Set(web).size} different values in two minutes`);
  assert.ok(new Set(files).size > 20, `files: ${new Set(files).size} different values`);
  assert.ok(dns.some((b) => b === 0) && dns.some((b) => b > 0), 'DNS has idle and busy seconds');
  const ratios = new Set(web.map((b, i) => (files[i] ? (b / files[i]!).toFixed(3) : 'idle')));
  assert.ok(ratios.size > 20, 'the two connections are not proportional');
});

test('voice is steady: every second of an RTP call carries 50 packets each way', () => {
  const rtp = model.connections(T1 - 60, T1).filter((c) => c.kind === 'rtp');
  assert.ok(rtp.length > 0);
  for (const c of rtp) {
    for (let s = Math.max(c.start, T1 - 60); s < Math.min(c.end, T1); s++) {
      const f = source.flowCounters(c, s, s + 1);
      assert.deepEqual([f.c2sPackets, f.s2cPackets], [50, 50]);
    }
  }
});

test('traffic is a pure function of seed and time: a second source of the same seed answers the same; another seed differs', async () => {
  const again = new VaryingSource(new TrafficModel({ seed: 42, startedAt: model.startedAt }));
  const other = new VaryingSource(new TrafficModel({ seed: 43, startedAt: model.startedAt }));
  const totals = (s: VaryingSource) => Array.from({ length: 60 }, (_, i) => s.connections(T1 - 60 + i, T1 - 59 + i).reduce((n, c) => n + bytesOf(s, c, T1 - 60 + i), 0));
  const bytesOf = (s: VaryingSource, c: Connection, t: number) => { const f = s.flowCounters(c, t, t + 1); return f.c2sBytes + f.s2cBytes; };
  assert.deepEqual(totals(again), totals(source));
  assert.notDeepEqual(totals(other), totals(source));
  const segments = between(T1 - 3, T1);
  const mine = await collect(source, { segments });
  assert.ok(mine.equals(await collect(again, { segments })), 'identical capture bytes');
  assert.ok(!mine.equals(await collect(other, { segments })));
});

test('a capture holds exactly the packets and bytes the counters count, for every connection direction', async () => {
  const [t0, t1] = [T1 - 24, T1 - 16]; // across a minute boundary
  const packets = readCaptureFile(await collect(source, { segments: between(t0, t1) }));
  const seen = new Map<string, { packets: number; bytes: number }>();
  for (const p of packets) {
    const d = dissect(p.data)!;
    const key = `${d.l4} ${d.srcPort} ${d.dstPort} ${d.src.toString('hex')} ${d.dst.toString('hex')}`;
    const e = seen.get(key) ?? { packets: 0, bytes: 0 };
    e.packets++;
    e.bytes += p.origLen;
    seen.set(key, e);
    assert.ok(p.timeUs >= t0 * SECOND_US && p.timeUs < t1 * SECOND_US);
  }
  const expected = new Map<string, { packets: number; bytes: number }>();
  for (const c of source.connections(t0, t1)) {
    const f = source.flowCounters(c, t0, t1);
    const key = (from: Connection['client'], fromPort: number, to: Connection['client'], toPort: number) => `${c.l4} ${fromPort} ${toPort} ${from.ipBytes.toString('hex')} ${to.ipBytes.toString('hex')}`;
    const add = (k: string, packets: number, bytes: number) => {
      if (!packets) return;
      const e = expected.get(k) ?? { packets: 0, bytes: 0 };
      expected.set(k, { packets: e.packets + packets, bytes: e.bytes + bytes });
    };
    add(key(c.client, c.clientPort, c.server, c.serverPort), f.c2sPackets, f.c2sBytes);
    add(key(c.server, c.serverPort, c.client, c.clientPort), f.s2cPackets, f.s2cBytes);
  }
  assert.ok(packets.length > 10_000, `${packets.length} packets`);
  assert.deepEqual(new Map([...seen].sort()), new Map([...expected].sort()));
  for (let i = 1; i < packets.length; i++) assert.ok(packets[i]!.timeUs >= packets[i - 1]!.timeUs, 'in time order');
});

test('TCP sequence numbers continue without gaps across seconds and minutes; acks never go back; checksums verify', async () => {
  const tcp = model.connections(T1 - 130, T1).filter((c) => c.l4 === 'TCP' && c.start <= T1 - 130 && c.end >= T1).slice(0, 12);
  tcp.push(permanent(62887), permanent(51034));
  const ids = new Set(tcp.map((c) => c.id));
  const packets = readCaptureFile(await collect(source, { segments: between(T1 - 130, T1), filter: (c) => ids.has(c.id) }));
  const next = new Map<string, number>();
  const lastAck = new Map<string, number>();
  let checked = 0;
  for (const p of packets) {
    const { l4, proto, payload } = l4Of(p.data);
    assert.equal(proto, 6);
    assert.ok(checksumsValid(p.data), 'IP and TCP checksums');
    const flow = p.data.subarray(l4, l4 + 4).toString('hex') + l4Of(p.data).l4;
    const seq = p.data.readUInt32BE(l4 + 4);
    const ack = p.data.readUInt32BE(l4 + 8);
    const want = next.get(flow);
    if (want !== undefined) { assert.equal(seq, want, `sequence of ${flow}`); checked++; }
    next.set(flow, (seq + payload) % 0x100000000);
    const prev = lastAck.get(flow);
    if (prev !== undefined) assert.ok(((ack - prev) >>> 0) < 0x80000000, 'ack does not go back');
    lastAck.set(flow, ack);
  }
  assert.ok(checked > 1000, `${checked} packets followed their predecessor`);
  // a capture that starts later numbers the same packets the same way
  const later = readCaptureFile(await collect(source, { segments: between(T1 - 40, T1), filter: (c) => ids.has(c.id) }));
  const tail = packets.filter((p) => p.timeUs >= (T1 - 40) * SECOND_US);
  assert.equal(later.length, tail.length);
  assert.ok(later.every((p, i) => p.data.equals(tail[i]!.data)));
});

test('RTP sequence numbers advance by one per packet and timestamps by 160, second after second', async () => {
  const rtp = model.connections(T1 - 90, T1).filter((c) => c.kind === 'rtp' && c.start <= T1 - 90 && c.end >= T1);
  assert.ok(rtp.length > 0);
  const ids = new Set(rtp.map((c) => c.id));
  const packets = readCaptureFile(await collect(source, { segments: between(T1 - 90, T1), filter: (c) => ids.has(c.id) }));
  const last = new Map<string, [number, number]>();
  for (const p of packets) {
    const { l4 } = l4Of(p.data);
    assert.ok(checksumsValid(p.data), 'IP and UDP checksums');
    const key = p.data.subarray(l4, l4 + 4).toString('hex');
    const seq = p.data.readUInt16BE(l4 + 10);
    const ts = p.data.readUInt32BE(l4 + 12);
    const prev = last.get(key);
    if (prev) {
      assert.equal(seq, (prev[0] + 1) % 65536);
      assert.equal(ts, (prev[1] + 160) % 0x100000000);
    }
    last.set(key, [seq, ts]);
  }
  assert.equal(packets.length, 90 * 100 * rtp.length);
});

test('zero-copy streaming (reuseBuffers) yields the same bytes as copies, in pcap and pcapng, from any start', async () => {
  for (const format of ['pcap', 'pcapng'] as CaptureFormat[]) {
    const segments = [{ fromUs: (T1 - 23) * SECOND_US + 123_456, toUs: (T1 - 18) * SECOND_US + 654_321 }]; // across a minute boundary
    const copied = await collect(source, { segments, format });
    const viewed = await collect(source, { segments, format, reuseBuffers: true });
    assert.ok(copied.length > 10e6, `${copied.length} bytes`);
    assert.ok(viewed.equals(copied), format);
    const packets = readCaptureFile(copied);
    assert.ok(packets.every((p) => p.timeUs >= segments[0]!.fromUs && p.timeUs < segments[0]!.toUs));
  }
});

test('zero-copy views stay intact while the consumer asks for the next chunk, across blocks, and pooled buffers start clean', async () => {
  // around two minute boundaries: three blocks, whose buffers are retired and reused
  const boundary = Math.floor(T1 / 60) * 60;
  // (odd and even numbers of seconds: a block's last view comes from either of its two buffers)
  const segments = [
    { fromUs: (boundary - 122) * SECOND_US, toUs: (boundary - 119) * SECOND_US },
    { fromUs: (boundary - 62) * SECOND_US, toUs: (boundary - 58) * SECOND_US },
    { fromUs: (boundary - 2) * SECOND_US, toUs: (boundary + 1) * SECOND_US },
  ];
  for (const format of ['pcap', 'pcapng', 'pcap'] as CaptureFormat[]) {
    const expected = await collect(source, { segments, format });
    let finished!: () => void;
    const options: VaryingCaptureOptions = { segments, format, reuseBuffers: true, now: () => (T1 + 600) * 1000, settled: new Promise<void>((r) => (finished = r)) };
    const parts: Buffer[] = [];
    let last: { view: Buffer; copy: Buffer } | undefined;
    for await (const chunk of source.capture(options)) {
      // the consumer may still be writing the previous chunk while this one was made
      if (last) assert.ok(last.view.equals(last.copy), 'the previous chunk is unchanged');
      last = { view: chunk, copy: Buffer.from(chunk) };
      parts.push(last.copy);
    }
    finished(); // the next stream may take this one's buffers from the pool
    await new Promise((r) => setImmediate(r));
    const file = Buffer.concat(parts);
    assert.ok(file.equals(expected), `${format}: the same bytes as copies`);
    if (format === 'pcapng') assert.equal(dirtyPcapngBytes(file), 0, 'interface ids and padding are zero');
  }
});

/** Non-zero bytes where a pcapng enhanced packet block has its interface id or padding. */
function dirtyPcapngBytes(file: Buffer): number {
  let dirty = 0;
  for (let at = file.readUInt32LE(4); at < file.length; at += file.readUInt32LE(at + 4)) {
    if (file.readUInt32LE(at) !== 6) continue;
    const capLen = file.readUInt32LE(at + 20);
    const end = at + file.readUInt32LE(at + 4) - 4;
    for (const i of [at + 8, at + 9, at + 10, at + 11]) if (file[i]) dirty++;
    for (let i = at + 28 + capLen; i < end; i++) if (file[i]) dirty++;
  }
  return dirty;
}
