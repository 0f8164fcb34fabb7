import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppResponseTokenAuth, REFUSAL_MS, type TokenTransport } from '../../src/http/auth';
import type { HttpResponse } from '../../src/http/types';

/** A token service that refuses every login, counting the attempts. */
function refusingTransport() {
  const posts: string[] = [];
  const transport: TokenTransport = {
    post: async (path) => {
      posts.push(path);
      return { status: 401, headers: {}, body: '{"error_id":"AUTH_INVALID_CREDENTIALS"}' } as unknown as HttpResponse<string>;
    },
    fail: (path, response) => new Error(`${path}: HTTP ${response.status}`),
    invalid: (path, detail) => new Error(`${path}: ${detail}`),
  };
  return { posts, transport };
}

test('a refused login fails every request at once for REFUSAL_MS, then allows one new attempt', async () => {
  let now = 1_000_000;
  const { posts, transport } = refusingTransport();
  const auth = new AppResponseTokenAuth({ kind: 'appresponse', username: 'admin', password: 'wrong' }, transport, () => now);
  await assert.rejects(auth.authorization(), /HTTP 401/);
  assert.equal(posts.length, 1);
  now += REFUSAL_MS - 1;
  const first = await auth.authorization().then(() => undefined, (e: Error) => e);
  const second = await auth.authorization().then(() => undefined, (e: Error) => e);
  assert.match(String(first?.message), /HTTP 401 \(no new login tried until \d\d:\d\d UTC, so that the account is not locked; Edit Device… to change the password\)/);
  assert.notEqual(first, second, 'a new error each time: one caller adding to it does not change the next one');
  await assert.rejects(auth.renew('Bearer x'), /HTTP 401/);
  assert.equal(posts.length, 1, 'no login while the refusal holds');
  now += 2;
  await assert.rejects(auth.authorization(), /HTTP 401/);
  assert.equal(posts.length, 2, 'one new attempt after it');
});
