import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseErrorBody, excerpt } from '../../src/http/error-body';
import { expiryOf } from '../../src/http/auth';
import { formatFingerprint, isValidFingerprint, normalizeFingerprint } from '../../src/http/tls';

test('AppResponse error bodies give error_id and error_text', () => {
  assert.deepEqual(parseErrorBody('{"error_id":"AUTH_REQUIRED","error_text":"Login first"}'), { errorId: 'AUTH_REQUIRED', errorText: 'Login first' });
});

test('Allegro error bodies give the error text, in JSON or plain text', () => {
  assert.deepEqual(parseErrorBody('{"error":"Module not found"}'), { errorText: 'Module not found' });
  assert.deepEqual(parseErrorBody('Permission denied\n'), { errorText: 'Permission denied' });
  assert.deepEqual(parseErrorBody('<html><title>502 Bad Gateway</title></html>'), { errorText: '502 Bad Gateway' });
  assert.deepEqual(parseErrorBody(''), {});
});

test('secrets echoed in an error body are redacted', () => {
  assert.deepEqual(parseErrorBody('{"error_text":"bad token Bearer abc123"}'), { errorText: 'bad token Bearer [redacted]' });
});

test('excerpts are one line and bounded', () => {
  assert.equal(excerpt('a\n  b', 10), 'a b');
  assert.equal(excerpt('x'.repeat(20), 5), 'xxxxx…');
});

test('expires_at is read as epoch seconds, ms or ISO; expires_in as seconds from now', () => {
  assert.equal(expiryOf(1_700_000_000, undefined, 0), 1_700_000_000_000);
  assert.equal(expiryOf(1_700_000_000_000, undefined, 0), 1_700_000_000_000);
  assert.equal(expiryOf('2024-01-01T00:00:00Z', undefined, 0), Date.parse('2024-01-01T00:00:00Z'));
  assert.equal(expiryOf(undefined, 60, 1000), 61_000);
});

test('fingerprints compare without colons and case', () => {
  assert.equal(normalizeFingerprint('AB:cd:EF'), 'abcdef');
  assert.equal(formatFingerprint('abcdef'), 'AB:CD:EF');
  assert.ok(isValidFingerprint('AB'.repeat(32)));
  assert.ok(isValidFingerprint(Array(32).fill('ab').join(':')));
  assert.ok(!isValidFingerprint('AB'.repeat(31)));
  assert.ok(!isValidFingerprint('zz'.repeat(32)));
});
