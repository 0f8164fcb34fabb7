// "Stop and keep": a download stopped early on purpose keeps every complete packet received,
// cut at the last complete record (pcap) or block (pcapng), hashed and counted as kept, and says
// it was stopped by the user; plain cancel still keeps nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { scanBuffer } from '../../src/pcap/scanner';
import { CaptureDownloadError, saveCaptureStream } from '../../src/pcap/download';
import { captureFacts, SIDECAR_SCHEMA, type CaptureSidecar } from '../../src/pcap/sidecar';
import { sidecarOneLine } from '../../src/pcap/markdown';
import type { CommittedCapture } from '../../src/pcap/writer';
import { pcapBytes, pcapngBytes, samplePackets } from './pcap-fixtures';

function tempFolder(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-stop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function sidecarOf(c: CommittedCapture): CaptureSidecar {
  return {
    schema: SIDECAR_SCHEMA, file: c.path.split('/').pop()!, device: { name: 'dev', kind: 'allegro' }, query: {}, timeRange: { liveSeconds: 30 }, mode: 'allegro',
    ...captureFacts(c), startedAt: '', finishedAt: '', rerun: { kind: 'allegro', form: {} },
  };
}

/** Record boundaries of a capture: the byte offset after its header and after each packet. */
function boundaries(bytes: Buffer): number[] {
  const out: number[] = [];
  for (let n = 0; n <= bytes.length; n++) if (scanBuffer(bytes.subarray(0, n)).complete) out.push(n);
  return out;
}

for (const [format, make] of [['pcap', pcapBytes], ['pcapng', pcapngBytes]] as const) {
  test(`${format}: the scanner knows where the last complete packet ends, wherever the bytes stop`, () => {
    const bytes = make(samplePackets(6));
    const ends = boundaries(bytes);
    assert.equal(ends.length, format === 'pcap' ? 7 : 8, 'header (and interface), then one end per packet');
    for (let n = 0; n <= bytes.length; n++) {
      const scan = scanBuffer(bytes.subarray(0, n));
      const expected = ends.filter((e) => e <= n).pop() ?? 0;
      assert.equal(scan.completeBytes, scan.headerValid ? expected : 0, `cut at ${n}`);
      assert.equal(scan.corrupt, false);
    }
  });

  test(`${format}: Stop and keep mid-packet keeps every complete packet, cut at the record boundary, valid for capinfos`, async (t) => {
    const dir = tempFolder(t);
    const bytes = make(samplePackets(12));
    const ends = boundaries(bytes);
    const cut = ends[ends.length - 4]! + 9; // 9 bytes into a packet: three packets short of the end
    const source = new PassThrough();
    const stop = new AbortController();
    const saving = saveCaptureStream(source, {
      writer: { folder: dir, stem: 'live', extension: format, digest: { inline: true } },
      stop: stop.signal,
      sidecar: sidecarOf,
    });
    source.write(bytes.subarray(0, cut)); // the source stays open: a live capture still running
    setTimeout(() => stop.abort(), 20);
    const saved = await saving;
    const kept = bytes.subarray(0, ends[ends.length - 4]);
    assert.deepEqual(readdirSync(dir).sort(), [`live.${format}`, `live.${format}.json`]);
    assert.deepEqual(readFileSync(saved.capture.path), kept, 'the file is the received bytes up to the last complete packet');
    assert.equal(saved.sidecar.packetCount, 9);
    assert.equal(saved.sidecar.size, kept.length);
    assert.equal(saved.sidecar.sha256, createHash('sha256').update(kept).digest('hex'), 'the hash is of the kept bytes');
    assert.equal(saved.sidecar.lastPacketTime, '2023-11-14T22:13:20.800000Z', 'the last complete packet, not the cut one');
    assert.equal(saved.sidecar.stoppedEarly?.by, 'user');
    assert.equal(saved.sidecar.stoppedEarly?.receivedBytes, cut);
    assert.equal(saved.sidecar.stoppedEarly?.droppedBytes, 9);
    assert.ok(source.destroyed, 'the transfer was ended');
    assert.match(sidecarOneLine(saved.sidecar), /, 9 packets, .*, stopped early by the user$/);
    const info = execFileSync('capinfos', ['-M', '-c', '-T', '-r', saved.capture.path], { encoding: 'utf8' });
    assert.equal(Number(info.trim().split('\t').pop()), 9, 'capinfos reads every kept packet');
  });
}

/** A capture saved from a stream the test writes to, with a Stop and keep it can press. */
function stoppable(dir: string, stem: string) {
  const source = new PassThrough();
  const stop = new AbortController();
  const saving = saveCaptureStream(source, { writer: { folder: dir, stem, digest: { inline: true } }, stop: stop.signal, sidecar: sidecarOf });
  return { source, stop, saving };
}

test('Stop and keep at a packet boundary cuts nothing', async (t) => {
  const dir = tempFolder(t);
  const bytes = pcapBytes(samplePackets(5));
  const { source, stop, saving } = stoppable(dir, 'b');
  source.write(bytes);
  setTimeout(() => stop.abort(), 20);
  const saved = await saving;
  assert.equal(saved.capture.packetCount, 5);
  assert.deepEqual(saved.sidecar.stoppedEarly && [saved.sidecar.stoppedEarly.receivedBytes, saved.sidecar.stoppedEarly.droppedBytes], [bytes.length, 0]);
  assert.equal(saved.capture.sha256, createHash('sha256').update(bytes).digest('hex'));
});

test('Stop and keep before one complete packet arrived keeps nothing and says so', async (t) => {
  const dir = tempFolder(t);
  const bytes = pcapBytes(samplePackets(3));
  const { source, stop, saving } = stoppable(dir, 'none');
  source.write(bytes.subarray(0, 24 + 10));
  setTimeout(() => stop.abort(), 20);
  const err = await saving.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof CaptureDownloadError, String(err));
  assert.match(err.message, /Download stopped with nothing to keep: not one complete packet was received\. The partial download .* was deleted/);
  assert.deepEqual(readdirSync(dir), []);
});

test('a source that ends by itself before the stop is committed as a normal download', async (t) => {
  const dir = tempFolder(t);
  const bytes = pcapBytes(samplePackets(4));
  const { source, stop, saving } = stoppable(dir, 'n');
  source.end(bytes);
  const saved = await saving;
  stop.abort();
  assert.equal(saved.sidecar.stoppedEarly, undefined);
  assert.equal(saved.capture.packetCount, 4);
});

test('plain cancel of the same stream still keeps nothing', async (t) => {
  const dir = tempFolder(t);
  const bytes = pcapBytes(samplePackets(12));
  const source = new PassThrough();
  const cancel = new AbortController();
  const stop = new AbortController();
  const saving = saveCaptureStream(source, {
    writer: { folder: dir, stem: 'c', digest: { inline: true } },
    signal: cancel.signal, stop: stop.signal, sidecar: sidecarOf,
  });
  source.write(bytes.subarray(0, 500));
  setTimeout(() => cancel.abort(new Error('cancelled by the user')), 20);
  const err = await saving.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof CaptureDownloadError && err.cancelled, String(err));
  assert.match(err.message, /Download cancelled\. The partial download .* was deleted/);
  assert.deepEqual(readdirSync(dir), []);
});
