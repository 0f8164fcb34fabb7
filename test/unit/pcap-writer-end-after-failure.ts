// Run as a child process by pcap-writer.test.ts: a writer ended while a fed chunk still waits for a
// slot, which then fails (a framing error). It must report the failure and leave the event loop
// running; a regression spins in microtasks forever, so the test runs this under a time limit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureFileWriter, openFileSink, type OpenSink } from '../../src/pcap/writer';
import { pcapBytes } from './pcap-fixtures';

function record(size: number, bad = false): Buffer {
  const rec = Buffer.alloc(size);
  rec.writeUInt32LE(1_700_000_000, 0);
  rec.writeUInt32LE(bad ? 0x7fffffff : size - 16, 8); // a captured length no pcap can have
  rec.writeUInt32LE(size - 16, 12);
  return rec;
}

void (async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-end-'));
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const gated: OpenSink = async (p) => {
    const real = await openFileSink(p);
    return { ...real, write: async (c) => { await gate; await real.write(c); } };
  };
  const w = await CaptureFileWriter.create({ folder: dir, stem: 'x', openSink: gated, digest: { inline: true } });
  const failed = new Promise<string>((resolve) => w.on('error', (e) => resolve(e.message)));
  // 9 MB: more than the slots hold, with a broken record early on.
  const chunk = Buffer.concat([pcapBytes([]), ...Array.from({ length: 10 }, () => record(60_000)), record(60_000, true), ...Array.from({ length: 140 }, () => record(60_000))]);
  if (w.feed.write(chunk)) throw new Error('expected the writer to ask to wait');
  w.feed.wait(() => undefined);
  w.end();
  setTimeout(open, 100);
  const message = await failed;
  // The event loop still runs: a timer fires.
  await new Promise((r) => setTimeout(r, 200));
  await w.discard();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ message }) + '\n');
})();
