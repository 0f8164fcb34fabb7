import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHttpClient, fetchCertificate, TlsError } from '../../src/http';
import { generateCertificate } from '../../src/simulator/shared/cert';
import { startHttpsServer, sendJson, type TestServer } from './http-support';

let selfSigned: TestServer;
let caSigned: TestServer;
let caFile: string;
let otherCaFile: string;
let tmp: string;

before(async () => {
  selfSigned = await startHttpsServer((_req, res) => sendJson(res, 200, { ok: true }));
  const ca = await generateCertificate({ commonName: 'Probe Test CA', isCa: true });
  const otherCa = await generateCertificate({ commonName: 'Other CA', isCa: true });
  const leaf = await generateCertificate({ commonName: 'device.test', issuer: ca });
  caSigned = await startHttpsServer((_req, res) => sendJson(res, 200, { ok: 'ca' }), leaf);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-tls-'));
  caFile = path.join(tmp, 'ca.pem');
  otherCaFile = path.join(tmp, 'other-ca.pem');
  fs.writeFileSync(caFile, ca.certPem);
  fs.writeFileSync(otherCaFile, otherCa.certPem);
});

after(async () => {
  await selfSigned.close();
  await caSigned.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('a pinned certificate is accepted (fingerprint compared without colons and case)', async () => {
  const fingerprint = selfSigned.certificate.fingerprint.replace(/:/g, '').toLowerCase();
  const client = createHttpClient({ deviceName: 'pinned', baseUrl: selfSigned.url, tls: { mode: 'pin', fingerprint } });
  try {
    const response = await client.json<{ ok: boolean }>({ path: '/x' });
    assert.deepEqual(response.body, { ok: true });
  } finally {
    await client.close();
  }
});

test('an unpinned self-signed certificate is refused under verify, with the fingerprint seen', async () => {
  const client = createHttpClient({ deviceName: 'lab', baseUrl: selfSigned.url });
  try {
    const error = await client.json({ path: '/API/info/system' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TlsError, `expected TlsError, got ${error}`);
    assert.equal(error.certificate?.fingerprint, selfSigned.certificate.fingerprint);
    assert.match(error.certificate!.subject, /CN=Probe Explorer simulator/);
    assert.ok(Date.parse(error.certificate!.validTo) > Date.now());
    assert.match(error.message, /^lab: certificate not trusted: self-signed/);
    assert.ok(error.message.includes(selfSigned.certificate.fingerprint));
    assert.equal(selfSigned.requests.filter((r) => r.url === '/API/info/system').length, 0, 'no request reached the server');
  } finally {
    await client.close();
  }
});

test('a pin that does not match is refused with the fingerprint seen', async () => {
  const client = createHttpClient({ deviceName: 'lab', baseUrl: selfSigned.url, tls: { mode: 'pin', fingerprint: 'AB'.repeat(32) } });
  try {
    const error = await client.text({ path: '/' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TlsError);
    assert.equal(error.certificate?.fingerprint, selfSigned.certificate.fingerprint);
    assert.match(error.reason, /does not match the pinned AB:AB/);
  } finally {
    await client.close();
  }
});

test('insecure mode accepts any certificate', async () => {
  const client = createHttpClient({ deviceName: 'lab', baseUrl: selfSigned.url, tls: { mode: 'insecure' } });
  try {
    assert.equal((await client.json({ path: '/' })).status, 200);
  } finally {
    await client.close();
  }
});

test('ca mode accepts a certificate issued by that CA', async () => {
  const client = createHttpClient({ deviceName: 'lab', baseUrl: caSigned.url, tls: { mode: 'ca', caFile } });
  try {
    assert.deepEqual((await client.json({ path: '/' })).body, { ok: 'ca' });
  } finally {
    await client.close();
  }
});

test('ca mode refuses a certificate from another CA and shows who issued it', async () => {
  const client = createHttpClient({ deviceName: 'lab', baseUrl: caSigned.url, tls: { mode: 'ca', caFile: otherCaFile } });
  try {
    const error = await client.json({ path: '/' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TlsError);
    assert.match(error.certificate!.issuer, /Probe Test CA/);
    assert.equal(error.certificate!.fingerprint, caSigned.certificate.fingerprint);
  } finally {
    await client.close();
  }
});

test('the CA of one device does not make another device trusted', async () => {
  const withCa = createHttpClient({ deviceName: 'a', baseUrl: caSigned.url, tls: { mode: 'ca', caFile } });
  const plain = createHttpClient({ deviceName: 'b', baseUrl: caSigned.url });
  try {
    assert.equal((await withCa.json({ path: '/' })).status, 200);
    await assert.rejects(plain.json({ path: '/' }), TlsError);
  } finally {
    await withCa.close();
    await plain.close();
  }
});

test('fetchCertificate reports subject, issuer, validity and fingerprint without trusting', async () => {
  const info = await fetchCertificate(caSigned.url);
  assert.equal(info.fingerprint, caSigned.certificate.fingerprint);
  assert.match(info.subject, /CN=device\.test/);
  assert.match(info.issuer, /CN=Probe Test CA/);
  assert.ok(Date.parse(info.validFrom) < Date.now());
});

test('an unreadable CA file fails the request with a TlsError naming the file', async () => {
  const client = createHttpClient({ deviceName: 'lab', baseUrl: caSigned.url, tls: { mode: 'ca', caFile: path.join(tmp, 'missing.pem') } });
  try {
    const error = await client.json({ path: '/api/common/1.0/info' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TlsError, String(error));
    assert.match(error.message, /^lab: certificate not trusted: cannot read CA file .*missing\.pem/);
    assert.equal(error.path, '/api/common/1.0/info');
  } finally {
    await client.close();
  }
});
