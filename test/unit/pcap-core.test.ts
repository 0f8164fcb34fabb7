import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sanitizeBaseName, insideFolder, firstFreeName, defaultBaseName } from '../../src/pcap/naming';
import { ProgressMeter } from '../../src/pcap/progress';
import { summarizeFile, oneLineSummary, CaptureSummarizer } from '../../src/pcap/summary';
import { parseSidecar, SIDECAR_SCHEMA, type CaptureSidecar } from '../../src/pcap/sidecar';
import { captureTargetOf, packetSourcePath } from '../../src/pcap/target';
import { captureLinkLine } from '../../src/pcap/markdown';
import { decodePacket, ipv6Text } from '../../src/pcap/decode';
import { pcapBytes, pcapngBytes, samplePackets, ethernetFrame } from './pcap-fixtures';

test('sanitizeBaseName keeps only a portable last segment', () => {
  assert.equal(sanitizeBaseName('../../etc/passwd'), 'passwd');
  assert.equal(sanitizeBaseName('fs/admin/trace.pcap'), 'trace');
  assert.equal(sanitizeBaseName('..\\..\\win\\x.pcapng'), 'x');
  assert.equal(sanitizeBaseName('ip==10.1.2.3 and port==80'), 'ip_10.1.2.3_and_port_80');
  assert.equal(sanitizeBaseName('CON'), '_CON');
  assert.equal(sanitizeBaseName('...'), 'capture');
  assert.equal(sanitizeBaseName('a\u0000b\nc'), 'a_b_c');
  assert.equal(sanitizeBaseName('x'.repeat(500)).length, 120);
});

test('insideFolder refuses names that leave the folder', () => {
  assert.throws(() => insideFolder('/tmp/a', '../b.pcap'));
  assert.throws(() => insideFolder('/tmp/a', 'sub/b.pcap'));
  assert.throws(() => insideFolder('/tmp/a', '/etc/passwd'));
  assert.equal(insideFolder('/tmp/a', 'b.pcap'), '/tmp/a/b.pcap');
});

test('firstFreeName skips names taken by a capture, a sidecar or a partial download', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-name-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'n.pcap'), '');
  writeFileSync(join(dir, 'n-1.pcap.part'), '');
  writeFileSync(join(dir, 'n-2.pcap.json'), '');
  assert.equal(await firstFreeName(dir, 'n', 'pcap'), join(dir, 'n-3.pcap'));
});

test('defaultBaseName names the device, the subject and the UTC time', () => {
  assert.equal(defaultBaseName({ device: 'lab mm', subject: 'ip==10.1.2.3', time: new Date('2026-01-02T03:04:05.678Z') }), 'lab_mm_ip_10.1.2.3_20260102-030405Z');
});

test('progress: rate over the window, percent and time left from a known size', () => {
  let now = 0;
  const m = new ProgressMeter({ totalBytes: 1000 }, () => now);
  now = 1000;
  m.add(250);
  const s = m.snapshot();
  assert.equal(s.rate, 250);
  assert.equal(s.percent, 25);
  assert.equal(s.etaSeconds, 3);
  assert.match(s.message, /25%, 3 s left/);
});

test('progress: a time-bound capture reports percent and time left from its end time', () => {
  let now = 10_000;
  const m = new ProgressMeter({ startsAtMs: 10_000, endsAtMs: 40_000 }, () => now);
  now = 25_000;
  m.add(1);
  const s = m.snapshot();
  assert.equal(s.percent, 50);
  assert.equal(s.etaSeconds, 15);
  assert.match(s.message, /, 50%, 15 s left$/);
});

test('progress: without bounds only bytes and rate are shown', () => {
  let now = 0;
  const m = new ProgressMeter({}, () => now);
  now = 2000;
  m.add(4096);
  const s = m.snapshot();
  assert.equal(s.percent, undefined);
  assert.equal(s.message, '4.00 KiB at 2.00 KiB/s');
});

test('progress: five seconds without a byte are said, and forgotten once bytes flow again', () => {
  let now = 0;
  const m = new ProgressMeter({}, () => now);
  now = 1000;
  m.add(100);
  assert.equal(m.snapshot().quietSeconds, undefined);
  now = 5900;
  assert.equal(m.snapshot().quietSeconds, undefined, 'under five seconds');
  now = 13_000;
  const quiet = m.snapshot();
  assert.equal(quiet.quietSeconds, 12);
  assert.match(quiet.message, /, nothing received for 12 s$/);
  now = 14_000;
  m.add(1);
  const again = m.snapshot();
  assert.equal(again.quietSeconds, undefined);
  assert.doesNotMatch(again.message, /nothing received/);
  // before the first byte too (a live capture whose filter has matched nothing yet)
  let t2 = 0;
  const fresh = new ProgressMeter({}, () => t2);
  t2 = 7000;
  assert.match(fresh.snapshot().message, /^0 B at 0 B\/s, nothing received for 7 s$/);
});

test('summaries count packets, time span, top talkers and protocols', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-sum-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 's.pcapng');
  writeFileSync(file, pcapngBytes(samplePackets(30)));
  const s = await summarizeFile(file);
  assert.equal(s.complete, true);
  assert.equal(s.packetCount, 30);
  assert.equal(s.durationSeconds, 2.9);
  assert.equal(s.startTime, '2023-11-14T22:13:20.000000Z');
  assert.deepEqual(s.topTalkers.slice(0, 2).map((x) => x.name).sort(), ['10.1.2.100', '10.1.2.3']);
  assert.equal(s.topConversations[0]!.name, '10.1.2.100 ↔ 10.1.2.3');
  const names = s.protocols.map((p) => p.name);
  for (const n of ['Ethernet', 'IPv4', 'TCP', 'UDP', 'ICMP']) assert.ok(names.includes(n), n);
  assert.equal(s.protocols.find((p) => p.name === 'TCP')!.packets, 20);
  assert.equal(s.topPorts[0]!.name, 'TCP/443');
  assert.match(oneLineSummary(s), /^30 packets, .* top: 10\.1\.2\.100, 10\.1\.2\.3, TCP\/(UDP\/ICMP|ICMP\/UDP)$/);
});

test('the summarizer decodes VLAN-tagged frames', () => {
  const sum = new CaptureSummarizer();
  sum.push(pcapBytes([{ tsUs: 1n, src: '1.1.1.1', dst: '2.2.2.2', proto: 'UDP', vlan: 7 }]));
  const s = sum.end();
  assert.ok(s.protocols.some((p) => p.name === 'VLAN'));
  assert.equal(s.topTalkers.length, 2);
});

test('decodePacket reads ports from a TCP frame and formats IPv6 per RFC 5952', () => {
  const d = decodePacket(1, ethernetFrame({ tsUs: 0n, src: '10.0.0.1', dst: '10.0.0.2', proto: 'TCP', sport: 1234, dport: 80 }));
  assert.deepEqual(d.stack, ['Ethernet', 'IPv4', 'TCP']);
  assert.equal(d.dstPort, 80);
  assert.equal(ipv6Text(Buffer.from('20010db8000000000000000000000001', 'hex'), 0), '2001:db8::1');
});

test('parseSidecar accepts ours and explains what is wrong with others', () => {
  const ok = { schema: SIDECAR_SCHEMA, file: 'a.pcap', sha256: 'x', mode: 'allegro', format: 'pcap', size: 1, packetCount: 0, device: { name: 'd', kind: 'allegro' } };
  assert.ok(parseSidecar(JSON.stringify(ok)).sidecar);
  assert.match(parseSidecar('{').problem!, /not JSON/);
  assert.match(parseSidecar(JSON.stringify({ ...ok, schema: 'other' })).problem!, /schema/);
  assert.match(parseSidecar(JSON.stringify({ ...ok, size: '1' })).problem!, /size/);
});

test('captureTargetOf reads tree nodes of every documented shape', () => {
  assert.equal(captureTargetOf(undefined), undefined);
  assert.equal(captureTargetOf({ ip: '1.2.3.4' }), undefined);
  assert.deepEqual(captureTargetOf({ deviceName: 'mm', ip: '1.2.3.4', label: 'x' }), { deviceName: 'mm', ip: '1.2.3.4' });
  assert.deepEqual(captureTargetOf({ deviceName: 'ar', type: 'job', id: 'abc', name: 'default' }), {
    deviceName: 'ar',
    packetSource: { type: 'job', id: 'abc', name: 'default' },
  });
  assert.deepEqual(captureTargetOf({ target: { deviceName: 'mm', port: '443', protocol: 'TCP' } }), { deviceName: 'mm', port: 443, protocol: 'TCP' });
  const c = captureTargetOf({ deviceName: 'mm', connection: { clientIp: '1.1.1.1', clientPort: 5, serverIp: '2.2.2.2', serverPort: 80, l4Protocol: 'TCP' } });
  assert.equal(c!.connection!.serverPort, 80);
});

test('packetSourcePath builds the export config path of each source type', () => {
  assert.equal(packetSourcePath({ type: 'job', id: 'ef3b' }), 'jobs/ef3b');
  assert.equal(packetSourcePath({ type: 'vifg', id: '1000' }), 'vifgs/1000');
  assert.equal(packetSourcePath({ type: 'clip', id: 'c1' }), 'clips/c1');
  assert.equal(packetSourcePath({ type: 'file', id: 'fs/admin/t.pcap' }), 'fs/admin/t.pcap');
  assert.equal(packetSourcePath({ type: 'file', id: 'admin/t.pcap' }), 'fs/admin/t.pcap');
});

test('the note link is relative to the note and escapes spaces', () => {
  const line = captureLinkLine('/w/notes/case 1.md', '/w/notes/caps/my cap.pcap', '3 packets');
  assert.equal(line, '[my cap.pcap](caps/my%20cap.pcap) ([metadata](caps/my%20cap.pcap.json)): 3 packets');
});

test('the summary Markdown has an overview and a table per counter', async (t) => {
  const { summaryMarkdown, summaryTables } = await import('../../src/pcap/report');
  const dir = mkdtempSync(join(tmpdir(), 'pcap-md-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'm.pcap');
  writeFileSync(file, pcapBytes(samplePackets(9)));
  const s = await summarizeFile(file);
  const tables = summaryTables(s);
  assert.deepEqual(tables.map((x) => x.title), ['Overview', 'Top talkers', 'Top conversations', 'Protocols', 'Top ports']);
  const md = summaryMarkdown('m.pcap', s);
  assert.match(md, /^# Summary of m\.pcap/);
  assert.match(md, /\| packets \| 9 \|/);
  assert.match(md, /\| 10\.1\.2\.3 \| 6 \|/);
});

test('the one-line summary of a sidecar names device, packets, size, times and query', async () => {
  const { sidecarOneLine } = await import('../../src/pcap/markdown');
  const base: Omit<CaptureSidecar, 'device' | 'mode' | 'query'> = { schema: SIDECAR_SCHEMA, file: 'a.pcap', timeRange: {}, format: 'pcap', size: 2048, packetCount: 12, sha256: 'x', linkTypes: [1], startedAt: '', finishedAt: '', rerun: { kind: 'allegro', form: {} } };
  assert.equal(
    sidecarOneLine({ ...base, device: { name: 'mm', kind: 'allegro' }, mode: 'allegro', query: { expression: 'ip==10.1.2.3' }, firstPacketTime: '2026-01-02T03:04:05.000001Z', lastPacketTime: '2026-01-02T03:09:05.000000Z' }),
    'mm, 12 packets, 2.00 KiB, 2026-01-02 03:04:05 to 03:09:05 UTC, expression ip==10.1.2.3',
  );
  assert.equal(
    sidecarOneLine({ ...base, device: { name: 'ar', kind: 'appresponse' }, mode: 'LIVE_STREAM', query: { path: 'jobs/x', filters: [{ type: 'BPF', value: 'port 53' }] } }),
    'ar, 12 packets, 2.00 KiB, filter port 53, LIVE_STREAM',
  );
});

test('Summarize of a file that is not a capture, or corrupt midway, gives the file\'s own size, not the bytes read before the framing failed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-size-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const text = join(dir, 'notes.pcap');
  writeFileSync(text, 'hello this is not a pcap file at all\n');
  const s = await summarizeFile(text);
  assert.equal(s.complete, false);
  assert.equal(s.fileBytes, 37, 'the 37-byte file, as the Captures view says (the reader stopped after 4)');
  // A capture whose 3rd record claims more bytes than any packet has: corrupt there, the rest unread.
  const good = pcapBytes(samplePackets(5));
  const bad = Buffer.from(good);
  let third = 24;
  for (let i = 0; i < 2; i++) third += 16 + bad.readUInt32LE(third + 8);
  bad.writeUInt32LE(0x7fffffff, third + 8);
  const corrupt = join(dir, 'corrupt.pcap');
  writeFileSync(corrupt, bad);
  const c = await summarizeFile(corrupt);
  assert.equal(c.complete, false);
  assert.equal(c.fileBytes, bad.length);
});
