import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureScanner, scanBuffer, type PacketInfo } from '../../src/pcap/scanner';
import { pcapBytes, pcapngBytes, samplePackets } from './pcap-fixtures';

function capinfosCount(bytes: Buffer, ext: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-scan-'));
  try {
    const file = join(dir, `f.${ext}`);
    writeFileSync(file, bytes);
    const out = execFileSync('capinfos', ['-M', '-c', '-T', '-r', file], { encoding: 'utf8' });
    return Number(out.trim().split('\t').pop());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a little-endian microsecond pcap is complete, with the same packet count as capinfos', () => {
  const bytes = pcapBytes(samplePackets(30));
  const r = scanBuffer(bytes);
  assert.equal(r.format, 'pcap');
  assert.equal(r.complete, true);
  assert.equal(r.packetCount, 30);
  assert.equal(r.packetCount, capinfosCount(bytes, 'pcap'));
  assert.equal(r.firstTimestampNs, 1_700_000_000_000_000_000n);
  assert.equal(r.lastTimestampNs, 1_700_000_000_000_000_000n + 29n * 100_000_000n);
  assert.deepEqual(r.linkTypes, [1]);
});

test('big-endian and nanosecond pcaps are read with their own byte order and resolution', () => {
  const be = scanBuffer(pcapBytes(samplePackets(5), { bigEndian: true }));
  assert.equal(be.complete, true);
  assert.equal(be.packetCount, 5);
  const ns = scanBuffer(pcapBytes(samplePackets(5), { nanosecond: true }));
  assert.equal(ns.nanosecond, true);
  assert.equal(ns.firstTimestampNs, 1_700_000_000_000_000_000n);
});

test('pcapng with the default and a nanosecond if_tsresol gives the right timestamps and count', () => {
  for (const tsresol of [undefined, 9]) {
    const bytes = pcapngBytes(samplePackets(12), tsresol === undefined ? {} : { tsresol });
    const r = scanBuffer(bytes);
    assert.equal(r.format, 'pcapng');
    assert.equal(r.complete, true, r.problem);
    assert.equal(r.packetCount, 12);
    assert.equal(r.packetCount, capinfosCount(bytes, 'pcapng'));
    assert.equal(r.firstTimestampNs, 1_700_000_000_000_000_000n);
    assert.equal(r.lastTimestampNs, 1_700_000_000_000_000_000n + 11n * 100_000_000n);
  }
});

test('feeding one byte at a time gives the same result as one chunk', () => {
  for (const bytes of [pcapBytes(samplePackets(7)), pcapngBytes(samplePackets(7), { tsresol: 9 })]) {
    const whole = scanBuffer(bytes);
    const s = new CaptureScanner();
    for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1));
    assert.deepEqual(s.end(), whole);
  }
});

test('packet heads are delivered across chunk boundaries', () => {
  const bytes = pcapngBytes(samplePackets(4));
  const seen: PacketInfo[] = [];
  const s = new CaptureScanner({ captureBytes: 34, onPacket: (p) => seen.push(p) });
  for (let i = 0; i < bytes.length; i += 5) s.push(bytes.subarray(i, i + 5));
  assert.equal(s.end().complete, true);
  assert.equal(seen.length, 4);
  assert.equal(seen[0]!.data.length, 34);
  assert.deepEqual([...seen[0]!.data.subarray(26, 30)], [10, 1, 2, 3]); // IPv4 source
});

test('a capture cut inside a packet is reported as truncated', () => {
  const bytes = pcapBytes(samplePackets(10));
  const r = scanBuffer(bytes.subarray(0, bytes.length - 7));
  assert.equal(r.complete, false);
  assert.match(r.problem ?? '', /truncated/);
  const ng = pcapngBytes(samplePackets(10));
  assert.equal(scanBuffer(ng.subarray(0, ng.length - 2)).complete, false);
});

test('a header-only pcap is complete with zero packets; an empty body is not a capture', () => {
  const header = pcapBytes([]);
  const r = scanBuffer(header);
  assert.equal(r.complete, true);
  assert.equal(r.packetCount, 0);
  const empty = scanBuffer(Buffer.alloc(0));
  assert.equal(empty.complete, false);
  assert.match(empty.problem ?? '', /empty/);
});

test('an HTML error page is rejected at the first chunk', () => {
  const s = new CaptureScanner();
  assert.throws(() => s.push(Buffer.from('<html><body>Unauthorized</body></html>')), /not a pcap or pcapng/);
  assert.equal(s.end().complete, false);
});

test('an absurd captured length is declared corrupt rather than waited for', () => {
  const bytes = pcapBytes(samplePackets(1));
  bytes.writeUInt32LE(0x7fffffff, 24 + 8);
  const r = scanBuffer(bytes);
  assert.equal(r.complete, false);
  assert.match(r.problem ?? '', /corrupt/);
});

test('a pcapng block whose trailer length disagrees is rejected', () => {
  const bytes = pcapngBytes(samplePackets(2));
  bytes.writeUInt32LE(9999, bytes.length - 4);
  assert.match(scanBuffer(bytes).problem ?? '', /trailer/);
});
