// Transport errors say what is wrong and what to do about it, against real loopback servers:
// an HTTP (not HTTPS) port, a device that never completes the handshake or never answers, one
// that closes the connection mid-answer, 5xx answers and broken JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { createHttpClient, HttpStatusError, InvalidResponseError, NetworkError, TimeoutError } from '../../src/http';
import type { HttpClientOptions } from '../../src/http/types';
import { sendJson, startHttpsServer, type TestServer, pinnedClient } from './http-support';
import { describeFailure } from '../../src/allegro/apiTree';

function client(server: TestServer, options: Partial<HttpClientOptions> = {}) {
  return pinnedClient(server, 'mm', { retries: 0, ...options });
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => assert.fail('the request succeeded'), (e: unknown) => e);
}

test('an https URL pointing at a plain HTTP port is an address problem, not an untrusted certificate', async () => {
  const plain = http.createServer((_req, res) => res.end('hello'));
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  const port = (plain.address() as net.AddressInfo).port;
  const api = createHttpClient({ deviceName: 'mm', baseUrl: `https://127.0.0.1:${port}`, retries: 0 });
  try {
    const error = await failureOf(api.json({ path: '/API/info/system' }));
    assert.ok(error instanceof NetworkError, String(error));
    assert.equal(error.kind, 'network');
    assert.doesNotMatch(error.message, /certificate/);
    assert.doesNotMatch(error.message, /SSL routines/, 'no OpenSSL trace in the message');
    assert.match(error.message, /^mm: \/API\/info\/system: network error \(NOT_TLS\)/);
    assert.match(error.message, /not with HTTPS: check the port in the device URL/);
  } finally {
    await api.close();
    plain.closeAllConnections();
    await new Promise((resolve) => plain.close(resolve));
  }
});

test('a connect timeout names what to check and the setting that sets the limit', async () => {
  const held: net.Socket[] = [];
  const silent = net.createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as net.AddressInfo).port;
  const api = createHttpClient({ deviceName: 'mm', baseUrl: `https://127.0.0.1:${port}`, timeouts: { connectMs: 200 }, retries: 0 });
  try {
    const error = await failureOf(api.json({ path: '/x' }));
    assert.ok(error instanceof TimeoutError, String(error));
    assert.match(error.message, /no connection within 200 ms \(.*check the host and port in the device URL.*probeExplorer\.timeouts\.connectMs/);
  } finally {
    await api.close();
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('a device that takes the request but does not answer: the message says to retry or raise headersMs', async () => {
  const server = await startHttpsServer(() => undefined);
  const api = client(server, { timeouts: { headersMs: 200 } });
  try {
    const error = await failureOf(api.json({ path: '/slow' }));
    assert.ok(error instanceof TimeoutError, String(error));
    assert.match(error.message, /no response within 200 ms \(.*try again, or raise probeExplorer\.timeouts\.headersMs\)/);
  } finally {
    await api.close();
    await server.close();
  }
});

test('a connection closed mid-answer says so and to try again', async () => {
  const server = await startHttpsServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"items": [');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  const api = client(server);
  try {
    const error = await failureOf(api.json({ path: '/list' }));
    assert.ok(error instanceof NetworkError, String(error));
    assert.match(error.message, /closed from the other end before the answer was complete.*try again/);
  } finally {
    await api.close();
    await server.close();
  }
});

test('5xx answers carry advice by status', async () => {
  const statuses = [500, 502, 503, 504];
  const server = await startHttpsServer((req, res) => sendJson(res, Number(req.url!.slice(1)), { error_id: 'X', error_text: 'failed' }));
  const api = client(server);
  try {
    const messages: Record<number, string> = {};
    for (const status of statuses) {
      const error = await failureOf(api.json({ path: `/${status}` }));
      assert.ok(error instanceof HttpStatusError, String(error));
      messages[status] = error.message;
    }
    assert.match(messages[500]!, /HTTP 500 X: failed \(the device failed on this request: try again; .*logs/);
    assert.match(messages[502]!, /HTTP 502 X: failed \(a gateway or proxy .*try again/);
    assert.match(messages[503]!, /HTTP 503 X: failed \(the device is busy or starting up: try again in a minute\)/);
    assert.match(messages[504]!, /HTTP 504 X: failed \(a gateway or proxy /);
  } finally {
    await api.close();
    await server.close();
  }
});

test('broken JSON is an invalid response that says it was broken or cut short and to try again', async () => {
  const server = await startHttpsServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"items": [1, 2');
  });
  const api = client(server);
  try {
    const error = await failureOf(api.json({ path: '/broken' }));
    assert.ok(error instanceof InvalidResponseError, String(error));
    assert.match(error.message, /invalid response: not JSON .*\(the answer was broken or cut short: try again/);
  } finally {
    await api.close();
    await server.close();
  }
});

test('a tree node of a failed 5xx load keeps the advice', async () => {
  const server = await startHttpsServer((_req, res) => sendJson(res, 503, { error_text: 'starting' }));
  const api = client(server);
  try {
    const error = await failureOf(api.json({ method: 'OPTIONS', path: '/API/stats' }));
    const failure = describeFailure(error, { deviceName: 'mm', path: '/API/stats', auth: 'basic', username: 'admin', kind: 'allegro' });
    assert.equal(failure.message, 'HTTP 503 for /API/stats (starting) (the device is busy or starting up: try again in a minute)');
  } finally {
    await api.close();
    await server.close();
  }
});
