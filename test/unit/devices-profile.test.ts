import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tlsPolicyOf, secretKey } from '../../src/devices/profile';

test('a profile without tls verifies against the system CAs', () => {
  assert.deepEqual(tlsPolicyOf({ name: 'a', kind: 'allegro', url: 'https://x', auth: 'basic' }), { mode: 'verify' });
});

test('pin mode without a fingerprint is refused with the device name', () => {
  assert.throws(() => tlsPolicyOf({ name: 'lab', kind: 'allegro', url: 'https://x', auth: 'basic', tls: { mode: 'pin' } }), /lab: TLS mode "pin" needs "fingerprint"/);
});

test('secret keys are distinct per device and per kind of secret', () => {
  assert.notEqual(secretKey({ name: 'a' }, 'password'), secretKey({ name: 'a' }, 'token'));
  assert.notEqual(secretKey({ name: 'a/b' }, 'password'), secretKey({ name: 'a' }, 'password'));
});
