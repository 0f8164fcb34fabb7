import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BOOTSTRAP_FILE, bootstrapFiles, importSecretsBootstrap, parseBootstrap } from '../../src/devices/secretsBootstrap';
import { secretKey, secretOriginKey } from '../../src/devices/profile';

function memorySink() {
  const stored = new Map<string, string>();
  return { stored, store: async (k: string, v: string) => { stored.set(k, v); }, delete: async (k: string) => { stored.delete(k); } };
}
const quietLog = () => { const lines: string[] = []; return { lines, info: (m: string) => lines.push(m), warn: (m: string) => lines.push(`WARN ${m}`) }; };

test('a bootstrap file is imported under the device secret keys and deleted', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-boot-'));
  try {
    const file = path.join(dir, BOOTSTRAP_FILE);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ version: 1, secrets: [
      { device: 'Demo Allegro', kind: 'password', value: 'pw1' },
      { device: 'Demo Allegro', kind: 'token', value: 'tok' },
      { device: 'A/B <x>', kind: 'password', value: 'pw2' },
    ] }), { mode: 0o600 });
    const sink = memorySink();
    // A binding to the address of an earlier run (npm start picks new ports each time).
    sink.stored.set(secretOriginKey({ name: 'Demo Allegro' }), 'https://127.0.0.1:1111');
    const log = quietLog();
    const files = bootstrapFiles([{ uri: { scheme: 'file', fsPath: dir } } as never], {});
    assert.deepEqual(files, [file]);
    assert.equal(await importSecretsBootstrap(files, sink, log), 3);
    assert.equal(sink.stored.get(secretKey({ name: 'Demo Allegro' }, 'password')), 'pw1');
    assert.equal(sink.stored.get(secretKey({ name: 'Demo Allegro' }, 'token')), 'tok');
    assert.equal(sink.stored.get(secretKey({ name: 'A/B <x>' }, 'password')), 'pw2');
    assert.equal(sink.stored.has(secretOriginKey({ name: 'Demo Allegro' })), false, 'an imported secret is bound afresh to the address the settings give now');
    assert.equal(fs.existsSync(file), false, 'the file is deleted after import');
    assert.ok(!log.lines.join('\n').includes('pw1'), 'the log never shows a secret');
    // A second activation finds nothing to import.
    assert.equal(await importSecretsBootstrap(files, sink, log), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an imported secret replaces every secret stored for that device, so none is left without its address', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-boot-'));
  try {
    const file = path.join(dir, 'secrets.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, secrets: [{ device: 'Lab', kind: 'token', value: 'planted' }] }));
    const sink = memorySink();
    sink.stored.set(secretKey({ name: 'Lab' }, 'password'), 'the real password');
    sink.stored.set(secretOriginKey({ name: 'Lab' }), 'https://10.0.0.5:443');
    sink.stored.set(secretKey({ name: 'Other' }, 'password'), 'untouched');
    assert.equal(await importSecretsBootstrap([file], sink, quietLog()), 1);
    assert.deepEqual([...sink.stored.entries()].sort(), [
      [secretKey({ name: 'Lab' }, 'token'), 'planted'],
      [secretKey({ name: 'Other' }, 'password'), 'untouched'],
    ].sort());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a malformed bootstrap file is deleted, nothing is stored, and the value is not logged', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-boot-'));
  try {
    const file = path.join(dir, 'secrets.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, secrets: [{ device: 'x', kind: 'apikey', value: 'hunter2' }] }));
    const sink = memorySink();
    const log = quietLog();
    assert.equal(await importSecretsBootstrap([file], sink, log), 0);
    assert.equal(sink.stored.size, 0);
    assert.equal(fs.existsSync(file), false);
    assert.match(log.lines.join('\n'), /WARN .*"kind"/);
    assert.ok(!log.lines.join('\n').includes('hunter2'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('parseBootstrap rejects other versions and shapes', () => {
  assert.throws(() => parseBootstrap('{"version":2,"secrets":[]}'), /version/);
  assert.throws(() => parseBootstrap('{"version":1,"secrets":[{"device":"","kind":"password","value":"x"}]}'), /device/);
  assert.throws(() => parseBootstrap('not json'));
  assert.deepEqual(parseBootstrap('{"version":1,"secrets":[]}'), []);
});

test('PROBE_EXPLORER_SECRETS_FILE adds a bootstrap path; non-file folders are ignored', () => {
  assert.deepEqual(bootstrapFiles([{ uri: { scheme: 'vscode-remote', fsPath: '/x' } } as never], { PROBE_EXPLORER_SECRETS_FILE: '/tmp/s.json' }), ['/tmp/s.json']);
});
