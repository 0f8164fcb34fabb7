// The extension's bundle carries the digest worker: dist/digestWorker.js starts as a plain Node
// worker (no tsx) and digests like the inline path. `npm test` builds before this stage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCaptureDigest, digestWorkerScript, stopDigestWorker } from '../../src/pcap/digest';
import { pcapBytes, samplePackets } from '../unit/pcap-fixtures';

const dist = join(__dirname, '../../dist');

test('the bundled digest worker is found beside extension.js and digests on its own thread', async (t) => {
  t.after(stopDigestWorker);
  assert.ok(existsSync(join(dist, 'extension.js')), 'dist/extension.js is missing: run `node esbuild.mjs` (npm test builds first)');
  const script = digestWorkerScript(dist);
  assert.equal(script, join(dist, 'digestWorker.js'));
  const bytes = pcapBytes(samplePackets(50));
  const memory = new SharedArrayBuffer(bytes.length);
  Buffer.from(memory).set(bytes);
  const digest = await createCaptureDigest(memory, { workerScript: script });
  assert.equal(digest.kind, 'worker');
  let released = false;
  digest.push(0, bytes.length, () => (released = true));
  await digest.drained();
  assert.ok(released);
  const result = await digest.end();
  assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(result.scan.packetCount, 50);
  assert.equal(result.scan.complete, true);
});
