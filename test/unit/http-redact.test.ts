import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact, redactingLogger } from '../../src/http/redact';

test('Authorization headers lose their credentials but keep the scheme', () => {
  assert.equal(redact('Authorization: Basic YWRtaW46c2VjcmV0'), 'Authorization: Basic [redacted]');
  assert.equal(redact('{"authorization":"Bearer abc.def.ghi"}'), '{"authorization":"Bearer [redacted]"}');
  assert.equal(redact('proxy-authorization=Basic Zm9vOmJhcg=='), 'proxy-authorization=Basic [redacted]');
});

test('bare Bearer and Basic credentials are removed anywhere', () => {
  assert.equal(redact('sent Bearer eyJhbGciOi.xyz to device'), 'sent Bearer [redacted] to device');
});

test('JSON password and token fields are removed', () => {
  const text = JSON.stringify({ access_token: 'a1', refresh_token: 'r1', expires_at: 5, password: 'p"w', token: 't' });
  assert.equal(redact(text), '{"access_token":"[redacted]","refresh_token":"[redacted]","expires_at":5,"password":"[redacted]","token":"[redacted]"}');
});

test('user_credentials objects are removed whole', () => {
  const text = JSON.stringify({ user_credentials: { username: 'admin', password: 'x' }, generate_refresh_token: true });
  assert.equal(redact(text), '{"user_credentials":"[redacted]","generate_refresh_token":true}');
});

test('secret query parameters and URL credentials are removed', () => {
  assert.equal(redact('GET /api?user=a&password=hunter2&page=1'), 'GET /api?user=a&password=[redacted]&page=1');
  assert.equal(redact('proxy http://bob:pa55@proxy.lan:3128'), 'proxy http://[redacted]@proxy.lan:3128');
});

test('ordinary text is left alone', () => {
  const text = 'GET /API/stats/modules/ip/ips_paged?sort=bytes 200 12 ms';
  assert.equal(redact(text), text);
});

test('the redacting logger scrubs messages, errors and known secret values', () => {
  const lines: string[] = [];
  const sink = (m: string | Error, ...a: unknown[]) => lines.push([m, ...a].map(String).join(' '));
  const log = redactingLogger({ trace: sink, debug: sink, info: sink, warn: sink, error: sink }, () => ['plainsecret']);
  log.debug('password=abc and plainsecret');
  log.error(new Error('Authorization: Bearer xyz'));
  assert.deepEqual(lines, ['password=[redacted] and [redacted]', 'Authorization: Bearer [redacted]']);
});

test('below the level of a LogOutputChannel nothing is formatted or passed on', () => {
  const lines: string[] = [];
  const sink = (m: string | Error) => lines.push(String(m));
  const channel = { logLevel: 3, trace: sink, debug: sink, info: sink, warn: sink, error: sink };
  const log = redactingLogger(channel);
  log.debug('GET /x 200 1 ms');
  log.info('shown');
  channel.logLevel = 2;
  log.debug('now shown');
  channel.logLevel = 0;
  log.warn('off');
  assert.deepEqual(lines, ['shown', 'now shown']);
});
