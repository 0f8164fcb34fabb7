import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { generateCertificate, fingerprintOf } from '../../src/simulator/shared/cert';

test('a generated certificate serves HTTPS on loopback and its fingerprint matches the one the client sees', async () => {
  const cert = await generateCertificate();
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const seen = await new Promise<string>((resolve, reject) => {
      const req = https.get({ host: '127.0.0.1', port, rejectUnauthorized: false }, (res) => {
        const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
        res.resume();
        resolve(fingerprintOf(peer.raw));
      });
      req.on('error', reject);
    });
    assert.equal(seen, cert.fingerprint);
    assert.match(cert.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  } finally {
    server.close();
  }
});

test('a leaf signed by a generated CA verifies against that CA only', async () => {
  const ca = await generateCertificate({ isCa: true, commonName: 'Test CA' });
  const leaf = await generateCertificate({ issuer: ca });
  assert.ok(new X509Certificate(leaf.certPem).verify(new X509Certificate(ca.certPem).publicKey));
  const other = await generateCertificate({ isCa: true, commonName: 'Other CA' });
  assert.ok(!new X509Certificate(leaf.certPem).verify(new X509Certificate(other.certPem).publicKey));
});
