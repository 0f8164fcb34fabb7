// A capture's metadata file as the Captures view and Re-run Capture read it: absent, a sidecar, or
// a file that is there but is not one (a hand edit broke its JSON): that is said, not taken for
// "no metadata file".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSidecar, readSidecarChecked, SIDECAR_SCHEMA } from '../../src/pcap/sidecar';

function folder(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-sidecar-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a capture without a metadata file has neither a sidecar nor a problem', async (t) => {
  const cap = path.join(folder(t), 'a.pcap');
  fs.writeFileSync(cap, '');
  assert.deepEqual(await readSidecarChecked(cap), {});
});

test('a metadata file with broken JSON is a problem that says so, where readSidecar only saw "none"', async (t) => {
  const cap = path.join(folder(t), 'a.pcap');
  fs.writeFileSync(cap, '');
  fs.writeFileSync(`${cap}.json`, '{ "schema": "x", }');
  const r = await readSidecarChecked(cap);
  assert.equal(r.sidecar, undefined);
  assert.match(r.problem ?? '', /^not JSON: /);
  assert.equal(await readSidecar(cap), undefined);
});

test('a JSON file of another tool is a problem naming what is missing', async (t) => {
  const cap = path.join(folder(t), 'a.pcap');
  fs.writeFileSync(`${cap}.json`, '{"hello": 1}');
  assert.deepEqual(await readSidecarChecked(cap), { problem: `schema is not ${SIDECAR_SCHEMA}` });
});

test('a sidecar is read as one', async (t) => {
  const cap = path.join(folder(t), 'a.pcap');
  const sidecar = { schema: SIDECAR_SCHEMA, file: 'a.pcap', sha256: 'x', mode: 'allegro', format: 'pcap', size: 24, packetCount: 0, device: { name: 'd', kind: 'allegro' } };
  fs.writeFileSync(`${cap}.json`, JSON.stringify(sidecar));
  assert.deepEqual(await readSidecarChecked(cap), { sidecar });
});
