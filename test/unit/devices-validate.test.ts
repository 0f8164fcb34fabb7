import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeDeviceUrl, sameHost, validateDeviceName, validateDeviceUrl, validateProfiles } from '../../src/devices/validate';
import { keepScopes } from '../../src/devices/profile';
import { clientKeyOf } from '../../src/devices/client-options';

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
  assert.match(validateDeviceUrl('http://10.0.0.5')!, /^Use https:\/\/: over http:\/\/ the password or token would cross the network unencrypted/);
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
    { name: 'plain', kind: 'allegro', url: 'http://f', auth: 'token' },
    'nonsense',
  ]);
  assert.deepEqual(profiles.map((p) => p.name), ['ok']);
  assert.deepEqual(problems, [
    'probeExplorer.devices[1] ("bad"): "kind" must be "allegro" or "appresponse"',
    'probeExplorer.devices[2] ("nouser"): "username" is needed for this kind of authentication',
    'probeExplorer.devices[3] ("pin"): "tls.fingerprint" must be a SHA-256 fingerprint (64 hex digits, colons optional)',
    'probeExplorer.devices[4] ("OK"): the name "OK" is used twice',
    'probeExplorer.devices[5] ("plain"): "url": Use https://: over http:// the password or token would cross the network unencrypted (a self-signed certificate is fine: Probe Explorer offers to pin it)',
    'probeExplorer.devices[6]: must be an object with name, kind, url and auth',
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

test('Allegro scopes (slots, members, link groups) are checked, normalised and kept once; a bad one is left out, not the device', () => {
  const base = { name: 'mm', kind: 'allegro', url: 'https://mm', auth: 'token' };
  const ok = validateProfiles([{ ...base, scopes: [{ mmId: ' :1 ' }, { group: 2 }, { mmId: 'branch1:0', group: 1 }, { mmId: 'local:1' }, { mmId: '', group: 0 }, { mmId: ':0' }, { mmId: 'local:0' }] }]);
  assert.deepEqual(ok.problems, []);
  // the repeated slot 1 and the device's own traffic (no mm-id, ":0", "local:0", group 0) are dropped
  assert.deepEqual(ok.profiles[0].scopes, [{ mmId: ':1' }, { group: 2 }, { mmId: 'branch1', group: 1 }]);
  const bad = validateProfiles([
    { ...base, scopes: [{ mmId: 'a b:1' }, { group: -1 }, { group: 1001 }, {}, 'x', { mmId: ':2' }] },
    { ...base, name: 'mm2', scopes: { mmId: ':1' } },
    { name: 'ar', kind: 'appresponse', url: 'https://ar', auth: 'basic', username: 'u', scopes: [{ group: 1 }] },
    { name: 'ar2', kind: 'appresponse', url: 'https://ar2', auth: 'basic', username: 'u', scopes: [] },
  ]);
  // every device stays; only the bad scopes go, each with a line saying why
  assert.deepEqual(bad.profiles.map((p) => [p.name, p.scopes]), [['mm', [{ mmId: ':2' }]], ['mm2', undefined], ['ar', undefined], ['ar2', undefined]]);
  const lines = bad.problems.join('\n');
  assert.match(lines, /"mm"\): "scopes\[0\]\.mmId": mm-id must look like <device name>:<slot id>.*: left out/);
  assert.match(lines, /"scopes\[1\]\.group": group must be a whole number from 0 to 1000/);
  assert.match(lines, /"scopes\[2\]\.group"/);
  assert.match(lines, /"scopes\[3\]" needs "mmId" or "group"/);
  assert.match(lines, /"scopes\[4\]" must be an object/);
  assert.match(lines, /"mm2"\): "scopes" must be a list/);
  assert.match(lines, /"ar"\): "scopes" \(analysis slots, link groups\) are for Allegro devices/);
  assert.doesNotMatch(lines, /"ar2"/);
});

test('an edited or re-created profile keeps the scopes of the one it replaces', () => {
  const old = { name: 'mm', kind: 'allegro' as const, url: 'https://mm', auth: 'basic' as const, username: 'u', scopes: [{ mmId: ':1' }] };
  const edited = { name: 'mm', kind: 'allegro' as const, url: 'https://mm2', auth: 'token' as const };
  assert.deepEqual(keepScopes(edited, old), { ...edited, scopes: [{ mmId: ':1' }] });
  assert.deepEqual(keepScopes({ ...edited, kind: 'appresponse' }, old), { ...edited, kind: 'appresponse' });
  assert.deepEqual(keepScopes(edited, undefined), edited);
});

test('the HTTP client of a device is kept when only its scopes change', () => {
  const settings = { maxConcurrentRequests: 6, timeouts: { connectMs: 1, headersMs: 1, bodyIdleMs: 1 }, retries: 0, proxy: {} };
  const p = { name: 'mm', kind: 'allegro' as const, url: 'https://mm', auth: 'token' as const };
  assert.equal(clientKeyOf({ ...p, scopes: [{ group: 1 }] }, settings), clientKeyOf(p, settings));
  assert.notEqual(clientKeyOf({ ...p, url: 'https://other' }, settings), clientKeyOf(p, settings));
});

test('a trust setting stays only with the same host and port: another address is asked about again', () => {
  assert.equal(sameHost('https://10.0.0.5', 'https://10.0.0.5/'), true);
  assert.equal(sameHost('https://10.0.0.5', 'https://10.0.0.5:443'), true, 'the default port is the same port');
  assert.equal(sameHost('https://MM.lab', 'https://mm.lab/api'), true);
  assert.equal(sameHost('https://10.0.0.5', 'https://10.0.0.6'), false);
  assert.equal(sameHost('https://10.0.0.5', 'https://10.0.0.5:8443'), false);
  assert.equal(sameHost('https://10.0.0.5', 'not a url'), false);
});
