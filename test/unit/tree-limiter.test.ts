import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Limiter } from '../../src/allegro/limiter';
import { describeFailure } from '../../src/allegro/apiTree';
import { HttpStatusError, NetworkError } from '../../src/http/errors';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

test('the limiter never runs more than its maximum and runs waiting tasks in order', async () => {
  const limiter = new Limiter(2);
  const order: number[] = [];
  let running = 0;
  let peak = 0;
  await Promise.all(Array.from({ length: 6 }, (_, i) => limiter.run(async () => {
    running++;
    peak = Math.max(peak, running);
    order.push(i);
    await tick();
    running--;
  })));
  assert.equal(peak, 2);
  assert.equal(limiter.peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
});

test('a task waiting for the limiter is dropped when its signal aborts', async () => {
  const limiter = new Limiter(1);
  const controller = new AbortController();
  let ran = false;
  const first = limiter.run(() => tick(20));
  const waiting = limiter.run(async () => { ran = true; }, controller.signal, '/x');
  controller.abort();
  await assert.rejects(waiting, (e: { kind?: string }) => e.kind === 'aborted');
  await first;
  assert.equal(ran, false);
  assert.equal(limiter.running, 0);
});

test('401 with an API token names the token; 403 with a token names its permission', () => {
  const e401 = new HttpStatusError('mm', '/API/stats', 'OPTIONS', 401, undefined, undefined, '');
  assert.match(describeFailure(e401, { deviceName: 'mm', path: '/API/stats', auth: 'token' }).message, /refused the API token/);
  const e403 = new HttpStatusError('mm', '/API/stats/x', 'OPTIONS', 403, undefined, undefined, '');
  assert.match(describeFailure(e403, { deviceName: 'mm', path: '/API/stats/x', auth: 'token' }).message, /the API token lacks the permission for \/API\/stats\/x/);
  assert.match(describeFailure(e403, { deviceName: 'ar', path: '/api/x', auth: 'basic', username: 'bob', kind: 'appresponse' }).message, /user "bob" lacks the role.*Ask an administrator/);
});

test('network failures keep the transport message', () => {
  const err = new NetworkError('mm', '/API/stats', 'ECONNREFUSED', 'connect refused');
  assert.equal(describeFailure(err, { deviceName: 'mm', path: '/API/stats' }).message, err.message);
});
