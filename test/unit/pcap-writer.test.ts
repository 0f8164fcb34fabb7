import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CaptureFileWriter, IncompleteCaptureError, NoPacketsError, openFileSink, WRITER_MEMORY_BYTES, type OpenSink } from '../../src/pcap/writer';
import { pcapBytes, pcapngBytes, samplePackets } from './pcap-fixtures';

function tempFolder(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-writer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function chunks(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

test('a complete download becomes name.pcap (no .part left) and passes capinfos with the same hash', async (t) => {
  const dir = tempFolder(t);
  const bytes = pcapBytes(samplePackets(40));
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'dev_ip' });
  assert.equal(w.partPath, join(dir, 'dev_ip.pcap.part'));
  await pipeline(chunks(bytes, 333), w);
  const done = await w.commit();
  assert.equal(done.path, join(dir, 'dev_ip.pcap'));
  assert.deepEqual(readdirSync(dir), ['dev_ip.pcap']);
  assert.equal(done.packetCount, 40);
  assert.equal(done.size, bytes.length);
  assert.equal(done.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(done.firstPacketTime, '2023-11-14T22:13:20.000000Z');
  const info = execFileSync('capinfos', ['-M', '-c', '-T', '-r', done.path], { encoding: 'utf8' });
  assert.equal(Number(info.trim().split('\t').pop()), 40);
});

test('a capture without one packet is not kept by default (as saveCaptureStream); keepEmpty: true keeps it', async (t) => {
  const dir = tempFolder(t);
  const empty = pcapBytes([]);
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'empty' });
  await pipeline(chunks(empty, 7), w);
  await assert.rejects(w.commit(), NoPacketsError);
  await w.discard();
  assert.deepEqual(readdirSync(dir), []);
  const kept = await CaptureFileWriter.create({ folder: dir, stem: 'empty' });
  await pipeline(chunks(empty, 7), kept);
  const done = await kept.commit({ keepEmpty: true });
  assert.equal(done.packetCount, 0);
  assert.deepEqual(readdirSync(dir), ['empty.pcap']);
});

test('an existing file is never overwritten: name, name-1, name-2', async (t) => {
  const dir = tempFolder(t);
  writeFileSync(join(dir, 'x.pcap'), 'keep me');
  writeFileSync(join(dir, 'x-1.pcap.json'), '{}'); // an orphan sidecar also blocks its name
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'x' });
  await pipeline(Readable.from([pcapBytes(samplePackets(2))]), w);
  const done = await w.commit();
  assert.equal(done.path, join(dir, 'x-2.pcap'));
  assert.equal(readFileSync(join(dir, 'x.pcap'), 'utf8'), 'keep me');
});

test('a file created under the final name during the download is not replaced', async (t) => {
  const dir = tempFolder(t);
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'race' });
  await pipeline(Readable.from([pcapBytes(samplePackets(2))]), w);
  writeFileSync(join(dir, 'race.pcap'), 'someone else');
  const done = await w.commit();
  assert.equal(done.path, join(dir, 'race-1.pcap'));
  assert.equal(readFileSync(join(dir, 'race.pcap'), 'utf8'), 'someone else');
});

test('pcapng bytes get a .pcapng name even when a .pcap was expected', async (t) => {
  const dir = tempFolder(t);
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'ng', extension: 'pcap' });
  await pipeline(Readable.from([pcapngBytes(samplePackets(3))]), w);
  const done = await w.commit();
  assert.equal(done.path, join(dir, 'ng.pcapng'));
  assert.equal(done.format, 'pcapng');
});

test('a device-supplied name with traversal stays inside the folder', async (t) => {
  const dir = tempFolder(t);
  const w = await CaptureFileWriter.create({ folder: dir, stem: '../../etc/passwd' });
  await pipeline(Readable.from([pcapBytes([])]), w);
  const done = await w.commit({ keepEmpty: true });
  assert.equal(done.path, join(dir, 'passwd.pcap'));
});

test('a truncated body is refused at commit and discard deletes the partial file', async (t) => {
  const dir = tempFolder(t);
  const bytes = pcapBytes(samplePackets(10));
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'cut' });
  await pipeline(Readable.from([bytes.subarray(0, bytes.length - 10)]), w);
  await assert.rejects(w.commit(), IncompleteCaptureError);
  const outcome = await w.discard();
  assert.equal(outcome.kept, false);
  assert.match(outcome.message, /deleted/);
  assert.deepEqual(readdirSync(dir), []);
});

test('keepPartial leaves only name.pcap.part, never a complete-looking name', async (t) => {
  const dir = tempFolder(t);
  const bytes = pcapBytes(samplePackets(10));
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'kept', keepPartial: true });
  const source = new Readable({ read() {} });
  const p = pipeline(source, w);
  source.push(bytes.subarray(0, 500));
  while (w.bytesWritten < 500) await new Promise((r) => setImmediate(r));
  source.destroy(new Error('ECONNRESET'));
  await assert.rejects(p, /ECONNRESET/);
  const outcome = await w.discard();
  assert.equal(outcome.kept, true);
  assert.match(outcome.message, /kept as kept\.pcap\.part/);
  assert.deepEqual(readdirSync(dir), ['kept.pcap.part']);
});

test('a disk-full error at the file layer fails the download and leaves no file', async (t) => {
  const dir = tempFolder(t);
  let written = 0;
  const fullAfter4k: OpenSink = async (p) => {
    const real = await openFileSink(p);
    return {
      ...real,
      async write(chunks) {
        const n = chunks.reduce((a, c) => a + c.length, 0);
        if (written + n > 4096) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        written += n;
        await real.write(chunks);
      },
    };
  };
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'full', openSink: fullAfter4k });
  await assert.rejects(pipeline(chunks(pcapBytes(samplePackets(50)), 1000), w), /ENOSPC/);
  const outcome = await w.discard();
  assert.equal(outcome.kept, false);
  assert.deepEqual(readdirSync(dir), []);
});

test('bytes that are not a capture fail during the download, not after it', async (t) => {
  const dir = tempFolder(t);
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'html' });
  await assert.rejects(pipeline(Readable.from([Buffer.from('<html>login</html>')]), w), /not a pcap/);
  await w.discard();
  assert.deepEqual(readdirSync(dir), []);
});

test('the writer applies backpressure: it never holds more than its slots and buffer', async (t) => {
  const dir = tempFolder(t);
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r)); // the disk is stuck until the gate opens
  const slow: OpenSink = async (p) => {
    const real = await openFileSink(p);
    return { ...real, write: async (c) => { await gate; await real.write(c); } };
  };
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'bp', openSink: slow });
  const header = pcapBytes([]);
  assert.ok(w.write(header));
  // Records of 256 KiB each: a valid capture, so only the slow disk can stop the writer.
  const big = Buffer.alloc(256 * 1024);
  big.writeUInt32LE(1_700_000_000, 0);
  big.writeUInt32LE(big.length - 16, 8);
  big.writeUInt32LE(big.length - 16, 12);
  let accepted = 0;
  while (w.write(big)) accepted += big.length;
  assert.ok(accepted > 0 && accepted <= WRITER_MEMORY_BYTES, `accepted ${accepted} bytes before asking to wait`);
  assert.ok(WRITER_MEMORY_BYTES <= 16 * 1024 * 1024, 'a writer holds at most 16 MiB');
  release();
  w.destroy();
  await w.discard();
});

/** A valid pcap record of `size` bytes (header + zero payload). */
function record(size: number): Buffer {
  const rec = Buffer.alloc(size);
  rec.writeUInt32LE(1_700_000_000, 0);
  rec.writeUInt32LE(size - 16, 8);
  rec.writeUInt32LE(size - 16, 12);
  return rec;
}

test('a failed background flush to disk fails the download: the file is not trusted, none is left', async (t) => {
  const dir = tempFolder(t);
  let syncs = 0;
  const eioOnce: OpenSink = async (p) => {
    const real = await openFileSink(p);
    // Linux marks pages whose writeback failed as clean: a second fsync would succeed.
    return { ...real, sync: async () => { if (++syncs === 1) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }); await real.sync(); } };
  };
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'eio', openSink: eioOnce });
  const rec = record(256 * 1024);
  const parts = [pcapBytes([]), ...Array.from({ length: 300 }, () => rec)]; // 75 MiB: past the first background flush
  await assert.rejects(pipeline(Readable.from(parts), w), /EIO/);
  await assert.rejects(w.commit());
  await w.discard();
  assert.equal(syncs, 1);
  assert.deepEqual(readdirSync(dir), []);
});

test('after discard nothing more reaches the file, even a chunk that was waiting for a free slot', async (t) => {
  const dir = tempFolder(t);
  let open: () => void = () => {};
  const gate = new Promise<void>((r) => (open = r));
  let outcomeTaken = false;
  let writesAfter = 0;
  const stuck: OpenSink = async (p) => {
    const real = await openFileSink(p);
    return { ...real, write: async (c) => { await gate; if (outcomeTaken) writesAfter++; await real.write(c); } };
  };
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'late', openSink: stuck, keepPartial: true });
  w.on('error', () => undefined);
  w.write(pcapBytes([]));
  for (let i = 0; i < 4; i++) w.write(record(3 * 1024 * 1024)); // 12 MiB: more than the slots hold
  await new Promise((r) => setTimeout(r, 50));
  const pending = w.discard(); // the user cancels while the disk is stuck
  open();
  const outcome = await pending;
  outcomeTaken = true;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(writesAfter, 0);
  assert.equal(statSync(w.partPath).size, outcome.bytes, 'the kept file is exactly what the message says');
  assert.match(outcome.message, /kept as late\.pcap\.part/);
});

test('the failure message counts every byte received, also those not yet written', async (t) => {
  const dir = tempFolder(t);
  const bytes = pcapBytes(samplePackets(19));
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'counts' });
  const source = new Readable({ read() {} });
  const done = pipeline(source, w);
  source.push(bytes);
  await new Promise((r) => setImmediate(r));
  source.destroy(new Error('ECONNRESET')); // within the 100 ms before a partial slot is written
  await assert.rejects(done, /ECONNRESET/);
  const outcome = await w.discard();
  assert.equal(outcome.bytes, bytes.length);
  assert.equal(outcome.packets, 19);
  assert.match(outcome.message, /19 packets\) was deleted/);
  assert.deepEqual(readdirSync(dir), []);
});

// ---- the direct feed (StreamResponse.pipeTo): chunks straight from the HTTP parser ----

/** Feeds `parts` through `w.feed` the way the HTTP core does: waits when asked, in order. */
async function feedAll(w: CaptureFileWriter, parts: Buffer[]): Promise<number> {
  let waits = 0;
  const failed = new Promise<never>((_, reject) => w.once('error', reject));
  for (const part of parts) {
    if (!w.feed.write(part)) {
      waits++;
      await Promise.race([new Promise<void>((resume) => w.feed.wait(resume)), failed]);
    }
  }
  await new Promise<void>((resolve, reject) => w.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return waits;
}

test('the direct feed stores chunks at every byte alignment intact (large ones too) and waits when the slots are busy', async (t) => {
  const dir = tempFolder(t);
  // Records of varied sizes with patterned payloads, so any misplaced byte changes the hash.
  const packets = Array.from({ length: 3000 }, (_, i) => { // ~13 MB: more than the slots hold
    const rec = record(16 + 1 + ((i * 7919) % 9000));
    for (let j = 16; j < rec.length; j++) rec[j] = (i + j * 31) % 256;
    return rec;
  });
  const bytes = Buffer.concat([pcapBytes([]), ...packets]);
  // Chunks at every offset within an 8-byte word, from 1 byte to larger than the staging buffer.
  const parts: Buffer[] = [];
  const sizes = [1, 7, 13, 4096, 16_383, 70_001, 200_003];
  for (let off = 0, i = 0; off < bytes.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, bytes.length - off);
    const shift = i % 8;
    const part = Buffer.alloc(n + 8).subarray(shift, shift + n); // own memory, 8-byte aligned + shift
    assert.equal(part.byteOffset % 8, shift);
    bytes.copy(part, 0, off, off + n);
    parts.push(part);
    off += n;
  }
  let gateOpen!: () => void;
  const gate = new Promise<void>((r) => (gateOpen = r));
  const slow: OpenSink = async (p) => {
    const real = await openFileSink(p);
    return { ...real, write: async (c) => { await gate; await real.write(c); } };
  };
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'feed', openSink: slow });
  setTimeout(gateOpen, 50); // the disk is stuck for a moment: the feed must wait, then go on
  const waits = await feedAll(w, parts);
  const done = await w.commit();
  assert.ok(waits > 0, 'the feed asked to wait while the disk was stuck');
  assert.equal(done.size, bytes.length);
  assert.equal(done.packetCount, packets.length);
  assert.equal(done.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.ok(readFileSync(done.path).equals(bytes), 'the file holds exactly the bytes fed');
});

test('the direct feed refuses more bytes once the writer failed, so the transfer stops', async (t) => {
  const dir = tempFolder(t);
  const failing: OpenSink = async (p) => {
    const real = await openFileSink(p);
    return { ...real, write: async () => { throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }); } };
  };
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'full', openSink: failing });
  w.on('error', () => undefined);
  const slot = Buffer.concat([pcapBytes([]), record(600 * 1024)]); // more than a slot: a write happens
  w.feed.write(slot);
  await new Promise((r) => setTimeout(r, 50));
  assert.throws(() => w.feed.write(record(100)), /ENOSPC/);
  const outcome = await w.discard();
  assert.equal(outcome.kept, false);
  assert.deepEqual(readdirSync(dir), []);
});

test('a writer ended while a fed chunk waits for a slot, which then fails, reports the failure and does not spin', () => {
  const script = join(__dirname, 'pcap-writer-end-after-failure.ts');
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.error, undefined, `the scenario did not finish: ${run.error?.message}`);
  assert.equal(run.status, 0, run.stderr);
  const { message } = JSON.parse(run.stdout.trim().split('\n').pop()!) as { message: string };
  assert.match(message, /pcap|packet|record|length/i);
});
