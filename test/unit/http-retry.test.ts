import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, isConnectionReset, isIdempotent, retryAfterMs, sleep } from '../../src/http/retry';
import { Limiter } from '../../src/http/limiter';

test('backoff doubles per attempt and stays between half and all of its ceiling', () => {
  assert.equal(backoffDelay(0, 200, () => 0), 100);
  assert.equal(backoffDelay(0, 200, () => 1), 200);
  assert.equal(backoffDelay(3, 200, () => 0), 800);
  assert.equal(backoffDelay(3, 200, () => 1), 1600);
});

test('Retry-After is read as seconds or an HTTP date', () => {
  assert.equal(retryAfterMs('2'), 2000);
  assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(retryAfterMs('soon'), undefined);
  assert.equal(retryAfterMs(undefined), undefined);
});

test('only safe methods are idempotent unless the caller says otherwise', () => {
  assert.ok(isIdempotent('GET'));
  assert.ok(isIdempotent('DELETE'));
  assert.ok(!isIdempotent('POST'));
  assert.ok(isIdempotent('POST', true));
  assert.ok(!isIdempotent('GET', false));
});

test('connection resets are recognised through error causes', () => {
  assert.ok(isConnectionReset({ code: 'ECONNRESET' }));
  assert.ok(isConnectionReset({ code: 'X', cause: { code: 'UND_ERR_SOCKET' } }));
  assert.ok(!isConnectionReset({ code: 'ECONNREFUSED' }));
});

test('sleep rejects with the abort reason', async () => {
  const controller = new AbortController();
  const pending = sleep(10_000, controller.signal);
  controller.abort(new Error('stop'));
  await assert.rejects(pending, /stop/);
});

test('the limiter grants at most max slots, in order, and drops aborted waiters', async () => {
  const limiter = new Limiter(2);
  const a = await limiter.acquire();
  await limiter.acquire();
  const order: string[] = [];
  const controller = new AbortController();
  const aborted = limiter.acquire(controller.signal).then(() => order.push('aborted'), () => order.push('gave up'));
  const c = limiter.acquire().then((release) => (order.push('c'), release));
  assert.equal(limiter.inFlight, 2);
  assert.equal(limiter.queued, 2);
  controller.abort();
  await aborted;
  a();
  a(); // releasing twice frees one slot only
  (await c)();
  assert.deepEqual(order, ['gave up', 'c']);
  assert.equal(limiter.inFlight, 1);
});
