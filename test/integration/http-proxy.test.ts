import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpClient, fetchCertificate, TlsError } from '../../src/http';
import { startHttpsServer, startConnectProxy, sendJson } from './http-support';

test('a proxy from the settings carries the requests through a CONNECT tunnel', async () => {
  const server = await startHttpsServer((_req, res) => sendJson(res, 200, { ok: true }));
  const proxy = await startConnectProxy();
  const http = createHttpClient({
    deviceName: 'mm', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint },
    proxy: { url: proxy.url }, env: {},
  });
  try {
    await http.json({ path: '/a' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await http.json({ path: '/b' });
    assert.deepEqual(proxy.tunnels, [`127.0.0.1:${server.port}`], 'one tunnel, kept alive');
    assert.equal(server.requests.length, 2);
  } finally {
    await http.close();
    await proxy.close();
    await server.close();
  }
});

test('the device TLS policy still applies through the proxy', async () => {
  const server = await startHttpsServer((_req, res) => sendJson(res, 200, {}));
  const proxy = await startConnectProxy();
  const http = createHttpClient({ deviceName: 'mm', baseUrl: server.url, proxy: { url: proxy.url }, env: {} });
  try {
    const error = await http.json({ path: '/a' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TlsError, String(error));
    assert.equal(error.certificate?.fingerprint, server.certificate.fingerprint);
    assert.equal(proxy.tunnels.length, 1);
  } finally {
    await http.close();
    await proxy.close();
    await server.close();
  }
});

test('noProxy bypasses the proxy', async () => {
  const server = await startHttpsServer((_req, res) => sendJson(res, 200, {}));
  const proxy = await startConnectProxy();
  const http = createHttpClient({
    deviceName: 'mm', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint },
    proxy: { url: proxy.url, noProxy: ['127.0.0.0/8'] }, env: {},
  });
  try {
    await http.json({ path: '/a' });
    assert.equal(proxy.tunnels.length, 0);
    assert.equal(server.requests.length, 1);
  } finally {
    await http.close();
    await proxy.close();
    await server.close();
  }
});

test('HTTPS_PROXY from the environment is used when no setting is given; NO_PROXY bypasses it', async () => {
  const server = await startHttpsServer((_req, res) => sendJson(res, 200, {}));
  const proxy = await startConnectProxy();
  const viaEnv = createHttpClient({ deviceName: 'mm', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint }, env: { HTTPS_PROXY: proxy.url } });
  const bypass = createHttpClient({ deviceName: 'mm', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint }, env: { https_proxy: proxy.url, NO_PROXY: `127.0.0.1:${server.port}` } });
  try {
    await viaEnv.json({ path: '/a' });
    assert.equal(proxy.tunnels.length, 1);
    await bypass.json({ path: '/b' });
    assert.equal(proxy.tunnels.length, 1);
    assert.equal(server.requests.length, 2);
  } finally {
    await viaEnv.close();
    await bypass.close();
    await proxy.close();
    await server.close();
  }
});

test('fetchCertificate goes through the proxy too', async () => {
  const server = await startHttpsServer((_req, res) => sendJson(res, 200, {}));
  const proxy = await startConnectProxy();
  try {
    const info = await fetchCertificate(server.url, { url: proxy.url }, { env: {} });
    assert.equal(info.fingerprint, server.certificate.fingerprint);
    assert.equal(proxy.tunnels.length, 1);
  } finally {
    await proxy.close();
    await server.close();
  }
});
