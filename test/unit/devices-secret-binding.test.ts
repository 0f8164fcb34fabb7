import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressChangedMessage, missingSecretMessage, originOf } from '../../src/devices/secretBinding';

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
