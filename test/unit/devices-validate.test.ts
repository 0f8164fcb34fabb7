import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeDeviceUrl, validateDeviceName, validateDeviceUrl, validateProfiles } from '../../src/devices/validate';

test('a URL without scheme becomes https and loses its trailing slash', () => {
  assert.equal(normalizeDeviceUrl(' 10.0.0.5 '), 'https://10.0.0.5');
  assert.equal(normalizeDeviceUrl('https://mm.lab:8443/'), 'https://mm.lab:8443');
  assert.equal(normalizeDeviceUrl('http://mm.lab'), 'http://mm.lab');
});

test('device URLs are checked with messages a person can act on', () => {
  assert.equal(validateDeviceUrl('10.0.0.5'), undefined);
  assert.equal(validateDeviceUrl('https://[::1]:8443'), undefined);
  assert.match(validateDeviceUrl('')!, /Enter the address/);
  assert.match(validateDeviceUrl('ftp://x')!, /Use https/);
  assert.match(validateDeviceUrl('https://admin:pw@x')!, /credentials/);
  assert.match(validateDeviceUrl('https://x/API/stats')!, /without \/API/);
  assert.match(validateDeviceUrl('https://x?a=1')!, /query/);
  assert.match(validateDeviceUrl('https://exa mple')!, /not a valid URL/);
});

test('valid profiles are kept and normalised', () => {
  const { profiles, problems } = validateProfiles([
    { name: ' lab ', kind: 'allegro', url: '10.0.0.5/', auth: 'token' },
    { name: 'ar', kind: 'appresponse', url: 'https://ar', auth: 'token', username: 'admin', tls: { mode: 'pin', fingerprint: 'ab'.repeat(32) } },
  ]);
  assert.deepEqual(problems, []);
  assert.deepEqual(profiles[0], { name: 'lab', kind: 'allegro', url: 'https://10.0.0.5', auth: 'token' });
  assert.equal(profiles[1].tls?.mode, 'pin');
});

test('invalid entries are left out with a line naming the entry and the field', () => {
  const { profiles, problems } = validateProfiles([
    { name: 'ok', kind: 'allegro', url: 'https://a', auth: 'basic', username: 'u' },
    { name: 'bad', kind: 'netscout', url: 'https://b', auth: 'basic', username: 'u' },
    { name: 'nouser', kind: 'allegro', url: 'https://c', auth: 'basic' },
    { name: 'pin', kind: 'allegro', url: 'https://d', auth: 'token', tls: { mode: 'pin', fingerprint: '12:34' } },
    { name: 'OK', kind: 'allegro', url: 'https://e', auth: 'token' },
    'nonsense',
  ]);
  assert.deepEqual(profiles.map((p) => p.name), ['ok']);
  assert.deepEqual(problems, [
    'probeExplorer.devices[1] ("bad"): "kind" must be "allegro" or "appresponse"',
    'probeExplorer.devices[2] ("nouser"): "username" is needed for this kind of authentication',
    'probeExplorer.devices[3] ("pin"): "tls.fingerprint" must be a SHA-256 fingerprint (64 hex digits, colons optional)',
    'probeExplorer.devices[4] ("OK"): the name "OK" is used twice',
    'probeExplorer.devices[5]: must be an object with name, kind, url and auth',
  ]);
});

test('a setting that is not a list is reported', () => {
  assert.deepEqual(validateProfiles({}).problems, ['probeExplorer.devices must be a list of devices']);
  assert.deepEqual(validateProfiles(undefined), { profiles: [], problems: [] });
});

test('device names must be present and unique, ignoring case', () => {
  assert.equal(validateDeviceName('new', ['lab']), undefined);
  assert.match(validateDeviceName(' ', [])!, /Enter a name/);
  assert.match(validateDeviceName('LAB', ['lab'])!, /exists already/);
});
