import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCaptureDigest, stopDigestWorker, type CaptureDigest } from '../../src/pcap/digest';
import { CaptureFileWriter } from '../../src/pcap/writer';
import { pcapBytes, pcapngBytes, samplePackets } from './pcap-fixtures';

/** Feeds `bytes` through `digest` in slots of `slot` bytes, reusing two slots like the writer. */
async function digestAll(digest: CaptureDigest, memory: SharedArrayBuffer, bytes: Buffer, slot: number) {
  const view = Buffer.from(memory);
  const free = [0, 1];
  let wake: (() => void) | undefined;
  for (let off = 0; off < bytes.length; off += slot) {
    while (free.length === 0) await new Promise<void>((r) => (wake = r));
    const s = free.pop()!;
    const n = bytes.copy(view, s * slot, off, Math.min(bytes.length, off + slot));
    digest.push(s * slot, n, () => {
      free.push(s);
      wake?.();
    });
  }
  await digest.drained();
  return digest.end();
}

test('the worker digest and the inline digest agree on the scan and the SHA-256', async (t) => {
  t.after(stopDigestWorker);
  for (const bytes of [pcapBytes(samplePackets(300)), pcapngBytes(samplePackets(120))]) {
    const slot = 1000; // many small slots: packets straddle slot boundaries
    const memA = new SharedArrayBuffer(2 * slot);
    const memB = new SharedArrayBuffer(2 * slot);
    const onWorker = await createCaptureDigest(memA);
    const inline = await createCaptureDigest(memB, { inline: true });
    assert.equal(onWorker.kind, 'worker', 'the digest runs on the worker thread');
    assert.equal(inline.kind, 'inline');
    const a = await digestAll(onWorker, memA, bytes, slot);
    const b = await digestAll(inline, memB, bytes, slot);
    assert.deepEqual(a, b);
    assert.equal(a.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(a.scan.complete, true);
    assert.equal(a.scan.bytes, bytes.length);
    assert.ok(a.scan.packetCount >= 120);
    assert.equal(onWorker.progress.bytes, bytes.length);
  }
});

test('a framing error found on the worker is reported while the bytes still arrive', async (t) => {
  t.after(stopDigestWorker);
  const memory = new SharedArrayBuffer(4096);
  const digest = await createCaptureDigest(memory);
  assert.equal(digest.kind, 'worker');
  const good = pcapBytes(samplePackets(2));
  const bad = Buffer.concat([good, Buffer.alloc(64, 0xff)]); // a record claiming 4 GiB
  Buffer.from(memory).set(bad);
  digest.push(0, bad.length, () => undefined);
  const err = await digest.failure;
  assert.match(err.message, /packet|length|record/i);
  const result = await digest.end();
  assert.equal(result.scan.complete, false);
});

test('a worker that cannot start leaves the digest on the calling thread, with the same result', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'digest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  t.after(stopDigestWorker);
  const broken = join(dir, 'digestWorker.js');
  writeFileSync(broken, "throw new Error('this worker cannot run here');\n");
  const memory = new SharedArrayBuffer(8192);
  const digest = await createCaptureDigest(memory, { workerScript: broken });
  assert.equal(digest.kind, 'inline');
  const bytes = pcapBytes(samplePackets(20));
  const result = await digestAll(digest, memory, bytes, 4096);
  assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(result.scan.packetCount, 20);
});

test('a worker that dies mid-download fails the download clearly and leaves no file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'digest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  t.after(stopDigestWorker);
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'dies' });
  const source = new Readable({ read() {} });
  const done = pipeline(source, w);
  source.push(pcapBytes(samplePackets(10)));
  while (w.bytesWritten === 0) await new Promise((r) => setTimeout(r, 10));
  await stopDigestWorker(); // the thread goes away under the download
  source.push(pcapBytes(samplePackets(10)).subarray(24));
  source.push(null);
  await assert.rejects(done, /capture digest worker/);
  const outcome = await w.discard();
  assert.equal(outcome.kept, false);
  assert.deepEqual(readdirSync(dir), []);
});

test('a worker that loads but never says it is ready does not hold up the download', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'digest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  t.after(stopDigestWorker);
  const silent = join(dir, 'digestWorker.js');
  writeFileSync(silent, 'setInterval(() => {}, 1000);\n'); // alive, never answers
  const started = Date.now();
  const memory = new SharedArrayBuffer(8192);
  const digest = await createCaptureDigest(memory, { workerScript: silent, workerStartMs: 300 });
  assert.equal(digest.kind, 'inline');
  assert.ok(Date.now() - started < 5000);
  const bytes = pcapBytes(samplePackets(5));
  assert.equal((await digestAll(digest, memory, bytes, 4096)).scan.packetCount, 5);
});
