import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpClient, HttpStatusError, TimeoutError, AbortedError, NetworkError, InvalidResponseError } from '../../src/http';
import type { HttpClientOptions } from '../../src/http/types';
import net from 'node:net';
import { startHttpsServer, sendJson, type TestServer, pinnedClient } from './http-support';

function client(server: TestServer, options: Partial<HttpClientOptions> = {}) {
  return pinnedClient(server, 'mm', { retryBaseDelayMs: 10, ...options });
}

test('a 503 is retried and the next answer returned', async () => {
  let calls = 0;
  const server = await startHttpsServer((_req, res) => (++calls < 3 ? sendJson(res, 503, { error: 'busy' }) : sendJson(res, 200, { calls })));
  const http = client(server);
  try {
    assert.deepEqual((await http.json({ path: '/API/stats/modules' })).body, { calls: 3 });
  } finally {
    await http.close();
    await server.close();
  }
});

test('retries stop after `retries` and the last status is reported', async () => {
  const server = await startHttpsServer((_req, res) => sendJson(res, 502, { error: 'bad gateway' }));
  const http = client(server, { retries: 2 });
  try {
    const error = await http.json({ path: '/x' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof HttpStatusError);
    assert.equal(error.status, 502);
    assert.equal(error.errorText, 'bad gateway');
    assert.equal(server.requests.length, 3);
  } finally {
    await http.close();
    await server.close();
  }
});

test('Retry-After is respected within reason', async () => {
  const times: number[] = [];
  const server = await startHttpsServer((_req, res) => {
    times.push(Date.now());
    if (times.length === 1) return sendJson(res, 503, {}, { 'retry-after': '1' });
    sendJson(res, 200, {});
  });
  const http = client(server);
  try {
    await http.json({ path: '/x' });
    assert.ok(times[1] - times[0] >= 950, `waited ${times[1] - times[0]} ms`);
  } finally {
    await http.close();
    await server.close();
  }
});

test('a Retry-After beyond the limit fails at once', async () => {
  const server = await startHttpsServer((_req, res) => sendJson(res, 503, {}, { 'retry-after': '3600' }));
  const http = client(server);
  try {
    await assert.rejects(http.json({ path: '/x' }), (e: unknown) => e instanceof HttpStatusError && e.status === 503);
    assert.equal(server.requests.length, 1);
  } finally {
    await http.close();
    await server.close();
  }
});

test('a connection reset is retried for GET', async () => {
  let calls = 0;
  const server = await startHttpsServer((req, res) => {
    if (++calls === 1) return req.socket.destroy();
    sendJson(res, 200, { calls });
  });
  const http = client(server);
  try {
    assert.deepEqual((await http.json({ path: '/x' })).body, { calls: 2 });
  } finally {
    await http.close();
    await server.close();
  }
});

test('POST is never retried, neither on 503 nor on reset', async () => {
  const server = await startHttpsServer((req, res) => (req.url === '/reset' ? req.socket.destroy() : sendJson(res, 503, { error: 'busy' })));
  const http = client(server);
  try {
    await assert.rejects(http.json({ method: 'POST', path: '/busy', body: { a: 1 } }), (e: unknown) => e instanceof HttpStatusError && e.status === 503);
    await assert.rejects(http.json({ method: 'POST', path: '/reset', body: { a: 1 } }), NetworkError);
    assert.equal(server.requests.length, 2);
  } finally {
    await http.close();
    await server.close();
  }
});

test('POST marked idempotent is retried', async () => {
  let calls = 0;
  const server = await startHttpsServer((_req, res) => (++calls === 1 ? sendJson(res, 503, {}) : sendJson(res, 201, { created: true })));
  const http = client(server);
  try {
    assert.equal((await http.json({ method: 'POST', path: '/x', body: {}, idempotent: true })).status, 201);
    assert.equal(calls, 2);
  } finally {
    await http.close();
    await server.close();
  }
});

test('no response headers within headersMs gives a TimeoutError and closes the request', async () => {
  const server = await startHttpsServer(() => undefined); // never answers
  const http = client(server, { timeouts: { headersMs: 200 } });
  try {
    const started = Date.now();
    const error = await http.json({ path: '/slow' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.phase, 'headers');
    assert.match(error.message, /^mm: \/slow: no response within 200 ms/);
    assert.ok(Date.now() - started < 2000);
    await waitFor(() => server.abortedResponses === 1);
  } finally {
    await http.close();
    await server.close();
  }
});

test('a TLS handshake that never completes gives a connect TimeoutError', async () => {
  const held: net.Socket[] = [];
  const silent = net.createServer((socket) => held.push(socket)); // accepts TCP, never speaks TLS
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as net.AddressInfo).port;
  const http = createHttpClient({ deviceName: 'mm', baseUrl: `https://127.0.0.1:${port}`, tls: { mode: 'insecure' }, timeouts: { connectMs: 200 }, retries: 0 });
  try {
    const error = await http.json({ path: '/x' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.phase, 'connect');
    assert.match(error.message, /^mm: \/x: no connection within 200 ms/);
  } finally {
    await http.close();
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('a refused connection is a NetworkError naming device and path, and is not retried', async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const http = createHttpClient({ deviceName: 'mm', baseUrl: `https://127.0.0.1:${port}`, retryBaseDelayMs: 30_000 });
  try {
    const started = Date.now();
    const error = await http.json({ path: '/API/info/system' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof NetworkError, String(error));
    assert.equal(error.code, 'ECONNREFUSED');
    assert.match(error.message, /^mm: \/API\/info\/system: network error \(ECONNREFUSED\)/);
    assert.match(error.message, /nothing accepts connections at this address and port: check the host and port in the device URL/);
    // A retry would first wait at least 15 s (half the base delay); a refusal alone is far quicker.
    assert.ok(Date.now() - started < 10_000, 'no backoff wait');
  } finally {
    await http.close();
  }
});

test('a body that stalls longer than bodyIdleMs gives a TimeoutError', async () => {
  const server = await startHttpsServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"partial":');
  });
  const http = client(server, { timeouts: { bodyIdleMs: 200 } });
  try {
    await assert.rejects(http.json({ path: '/stall' }), (e: unknown) => e instanceof TimeoutError && e.phase === 'body');
  } finally {
    await http.close();
    await server.close();
  }
});

test('aborting the signal cancels the request and closes its socket', async () => {
  const server = await startHttpsServer(() => undefined);
  const http = client(server);
  try {
    const controller = new AbortController();
    const pending = http.json({ path: '/wait', signal: controller.signal });
    await waitFor(() => server.requests.length === 1);
    controller.abort();
    const error = await pending.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof AbortedError, String(error));
    assert.equal(error.message, 'mm: /wait: cancelled');
    await waitFor(() => server.abortedResponses === 1);
  } finally {
    await http.close();
    await server.close();
  }
});

test('an already aborted signal sends nothing', async () => {
  const server = await startHttpsServer((_req, res) => sendJson(res, 200, {}));
  const http = client(server);
  try {
    await assert.rejects(http.json({ path: '/x', signal: AbortSignal.abort() }), AbortedError);
    assert.equal(server.requests.length, 0);
  } finally {
    await http.close();
    await server.close();
  }
});

test('device error bodies become HttpStatusError fields (AppResponse and Allegro shapes)', async () => {
  const server = await startHttpsServer((req, res) => {
    if (req.url === '/ar') return sendJson(res, 400, { error_id: 'REQUEST_INVALID_INPUT', error_text: 'Invalid column' });
    if (req.url === '/allegro') return sendJson(res, 404, { error: 'unknown module' });
    res.writeHead(403, { 'content-type': 'text/plain' });
    res.end('forbidden for this role');
  });
  const http = client(server);
  try {
    const failure = (promise: Promise<unknown>) => promise.then(() => assert.fail('expected an error'), (e: unknown) => e as HttpStatusError);
    const ar = await failure(http.json({ method: 'POST', path: '/ar', body: {} }));
    assert.equal(ar.message, 'mm: POST /ar: HTTP 400 REQUEST_INVALID_INPUT: Invalid column');
    const allegro = await failure(http.json({ path: '/allegro' }));
    assert.equal(allegro.errorText, 'unknown module');
    assert.equal(allegro.status, 404);
    const text = await failure(http.text({ path: '/text' }));
    assert.equal(text.errorText, 'forbidden for this role');
    assert.match(text.message, /lacks the role/);
  } finally {
    await http.close();
    await server.close();
  }
});

test('broken JSON gives InvalidResponseError with an excerpt; raw() returns any status', async () => {
  const server = await startHttpsServer((req, res) => {
    if (req.url === '/async') return sendJson(res, 202, { pending: true });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"rows": [1, 2,');
  });
  const http = client(server);
  try {
    const error = await http.json({ path: '/broken' }).then(() => undefined, (e: unknown) => e as InvalidResponseError);
    assert.ok(error instanceof InvalidResponseError);
    assert.equal(error!.bodyExcerpt, '{"rows": [1, 2,');
    assert.match(error!.message, /^mm: \/broken: invalid response: not JSON/);
    const raw = await http.raw({ path: '/async' });
    assert.equal(raw.status, 202);
    assert.equal(raw.body, '{"pending":true}');
  } finally {
    await http.close();
    await server.close();
  }
});

test('query values are encoded, arrays repeated, undefined skipped; url() has no credentials', async () => {
  const server = await startHttpsServer((req, res) => sendJson(res, 200, { url: req.url }));
  const http = client(server, { credentials: { kind: 'bearer', token: 'tok-abc' } });
  try {
    const query = { sort: 'bytes', reverse: true, page: 0, values: ['a b', 'c'], skip: undefined };
    assert.equal((await http.json<{ url: string }>({ path: '/API/stats/modules/ip/ips_paged', query })).body.url, '/API/stats/modules/ip/ips_paged?sort=bytes&reverse=true&page=0&values=a%20b&values=c');
    assert.equal(http.url('/API/x', { a: 1 }), `${server.url}/API/x?a=1`);
  } finally {
    await http.close();
    await server.close();
  }
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
