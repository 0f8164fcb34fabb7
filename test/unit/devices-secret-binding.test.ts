import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressChangedMessage, bindingOf, bindingProblem, missingSecretMessage, originOf, parseBinding, serializeBinding } from '../../src/devices/secretBinding';
import type { TlsSetting } from '../../src/devices/profile';

test('the origin of a device URL makes default ports explicit and ignores case and path', () => {
  assert.equal(originOf('https://Allegro-MM'), 'https://allegro-mm:443');
  assert.equal(originOf('https://allegro-mm:443/'), 'https://allegro-mm:443');
  assert.equal(originOf('https://10.0.0.5:8443'), 'https://10.0.0.5:8443');
  assert.equal(originOf('http://10.0.0.5'), 'http://10.0.0.5:80');
  assert.equal(originOf('https://[::1]:9443'), 'https://[::1]:9443');
  assert.notEqual(originOf('https://10.0.0.5'), originOf('https://10.0.0.6'));
  assert.notEqual(originOf('https://10.0.0.5'), originOf('http://10.0.0.5:443'));
});

test('the messages name the device, what is missing or changed, and the command that fixes it', () => {
  assert.equal(
    missingSecretMessage('Lab', 'password'),
    'Lab: no password is stored for this device in this editor\'s Secret Storage (it is never kept in settings). Run "Edit Device…" on Lab to enter it.',
  );
  const changed = addressChangedMessage('Lab', 'API token', 'https://10.0.0.5:443', 'https://evil:443');
  assert.match(changed, /^Lab: its address in the settings is now https:\/\/evil:443, but its API token was stored for https:\/\/10\.0\.0\.5:443\. /);
  assert.match(changed, /not sent to the new address until you confirm it: run "Edit Device…" on Lab/);
});

test('a secret may go where it was stored, with the trust it was stored with, or with full verification', () => {
  const fp = 'AB:'.repeat(31) + 'AB';
  const bound = bindingOf({ url: 'https://10.0.0.5', tls: { mode: 'pin', fingerprint: fp } });
  assert.deepEqual(parseBinding(serializeBinding(bound)), bound);
  assert.equal(parseBinding('https://10.0.0.5:443'), undefined, 'an unreadable binding binds again on next use');
  const ok = (tls?: TlsSetting, url = 'https://10.0.0.5:443/') => bindingProblem('Lab', 'password', bound, { url, tls });
  assert.equal(ok({ mode: 'pin', fingerprint: fp.toLowerCase().replace(/:/g, '') }), undefined, 'the same pin written differently');
  assert.equal(ok(undefined), undefined, 'full verification trusts nothing the user did not');
  assert.match(ok({ mode: 'insecure' })!, /^Lab: its settings now turn certificate checks off for this device, which was not chosen in Probe Explorer\. The password is not sent until you confirm it: run "Trust Device Certificate…" on Lab/);
  assert.match(ok({ mode: 'pin', fingerprint: 'CD'.repeat(32) })!, /now pin another certificate/);
  assert.match(ok({ mode: 'ca', caFile: '/tmp/evil.pem' })!, /now trust another CA file/);
  assert.match(ok({ mode: 'pin', fingerprint: fp }, 'https://10.0.0.6')!, /its address in the settings is now https:\/\/10\.0\.0\.6:443/);
});
