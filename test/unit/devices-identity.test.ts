import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIdentity, identityOf } from '../../src/devices/identity';
import { describeCertificate } from '../../src/devices/certificate-text';
import { credentialsOf, secretKindOf } from '../../src/devices/credentials';
import { clientOptionsOf, clientKeyOf, proxySettingsOf } from '../../src/devices/client-options';
import type { DeviceProfile } from '../../src/devices/profile';

test('AppResponse identity comes from /api/common/1.0/info fields', () => {
  const identity = identityOf('appresponse', { device_name: 'ar11-lab', model: 'SCAN-AR-VE', sw_version: '11.13.0', serial: 'VE123', hw_version: 'x', mgmt_addresses: [] });
  assert.equal(formatIdentity(identity), 'ar11-lab · SCAN-AR-VE · version 11.13.0 · serial VE123');
});

test('Allegro identity reads the usual field names and uptimeSec', () => {
  const identity = identityOf('allegro', { hostName: 'mm-lab', model: 'Allegro 1000', version: '4.3.1', serialNumber: 'A1', uptimeSec: 3 * 86_400 + 4 * 3600 + 5 });
  assert.equal(formatIdentity(identity), 'mm-lab · Allegro 1000 · version 4.3.1 · serial A1 · up 3 d 4 h');
  assert.equal(formatIdentity(identityOf('allegro', {})), 'connected (the device did not describe itself)');
});

test('uptime reads like every other duration of the extension', () => {
  const up = (uptimeSec: number) => formatIdentity(identityOf('allegro', { hostName: 'mm', uptimeSec }));
  assert.equal(up(59), 'mm · up 59 s');
  assert.equal(up(3 * 60), 'mm · up 3 min 0 s');
  assert.equal(up(2 * 3600 + 60), 'mm · up 2 h 1 min');
});

test('a certificate is described with subject, issuer, validity and fingerprint', () => {
  const text = describeCertificate({ subject: 'CN=mm', issuer: 'CN=mm', validFrom: '2025-01-01T00:00:00.000Z', validTo: '2026-01-01T00:00:00.000Z', fingerprint: 'AB:CD' }, new Date('2026-06-01'));
  assert.equal(text, 'Subject: CN=mm\nIssuer: CN=mm (self-signed)\nValid: 2025-01-01 to 2026-01-01 (EXPIRED)\nSHA-256 fingerprint: AB:CD');
});

const allegroToken: DeviceProfile = { name: 'mm', kind: 'allegro', url: 'https://mm', auth: 'token' };
const allegroBasic: DeviceProfile = { name: 'mm', kind: 'allegro', url: 'https://mm', auth: 'basic', username: 'admin' };
const arToken: DeviceProfile = { name: 'ar', kind: 'appresponse', url: 'https://ar', auth: 'token', username: 'admin', tls: { mode: 'pin', fingerprint: 'ab'.repeat(32) } };

test('credentials follow kind and auth of the profile', () => {
  assert.deepEqual(credentialsOf(allegroToken, 't'), { kind: 'bearer', token: 't' });
  assert.deepEqual(credentialsOf(allegroBasic, 'p'), { kind: 'basic', username: 'admin', password: 'p' });
  assert.deepEqual(credentialsOf(arToken, 'p'), { kind: 'appresponse', username: 'admin', password: 'p', allowBasicFallback: true });
  assert.deepEqual(credentialsOf(arToken, undefined), { kind: 'none' });
  assert.equal(secretKindOf(allegroToken), 'token');
  assert.equal(secretKindOf(arToken), 'password');
});

test('client options carry the profile, the TLS policy and the settings; the key changes with them', () => {
  const settings = { maxConcurrentRequests: 4, timeouts: { connectMs: 1, headersMs: 2, bodyIdleMs: 3 }, retries: 1, proxy: proxySettingsOf('http://p:1', ['x'], false) };
  const options = clientOptionsOf(arToken, 'p', settings);
  assert.equal(options.baseUrl, 'https://ar');
  assert.deepEqual(options.tls, { mode: 'pin', fingerprint: 'ab'.repeat(32) });
  assert.equal(options.maxConcurrency, 4);
  assert.deepEqual(options.proxy, { url: 'http://p:1', noProxy: ['x'], strictSSL: false });
  assert.notEqual(clientKeyOf(arToken, settings), clientKeyOf(arToken, { ...settings, retries: 2 }));
  assert.notEqual(clientKeyOf(arToken, settings), clientKeyOf({ ...arToken, url: 'https://ar2' }, settings));
  assert.ok(!clientKeyOf(arToken, settings).includes('"p"'), 'no secret in the key');
  assert.deepEqual(proxySettingsOf('', undefined, undefined), { strictSSL: true });
});
