import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStatusError } from '../../src/http';
import type { HttpClientApi, HttpClientOptions } from '../../src/http/types';
import { startHttpsServer, sendJson, capturingLogger, type Handler, type TestServer, pinnedClient } from './http-support';

const PASSWORD = 'S3cret-Passw0rd!';

function client(server: TestServer, options: Partial<HttpClientOptions> = {}) {
  return pinnedClient(server, 'ar11', { ...options });
}

/** A TLS server answering with `handler` and our client of it: `fn` runs with both, which are closed after it. */
async function withServer(handler: Handler, options: Partial<HttpClientOptions>, fn: (http: HttpClientApi, server: TestServer) => Promise<void>): Promise<void> {
  const server = await startHttpsServer(handler);
  const http = client(server, options);
  try {
    await fn(http, server);
  } finally {
    await http.close();
    await server.close();
  }
}

/** Client options that log in to AppResponse as admin, with PASSWORD unless `password` says otherwise. */
function admin(extra: { password?: string; allowBasicFallback?: boolean } & Partial<HttpClientOptions> = {}): Partial<HttpClientOptions> {
  const { password = PASSWORD, allowBasicFallback, ...rest } = extra;
  return { credentials: { kind: 'appresponse', username: 'admin', password, ...(allowBasicFallback && { allowBasicFallback }) }, ...rest };
}

test('Basic auth sends the user name and password', async () => {
  await withServer((req, res) => sendJson(res, 200, { auth: req.headers.authorization }), { credentials: { kind: 'basic', username: 'admin', password: PASSWORD } }, async (http) => {
    const { body } = await http.json<{ auth: string }>({ path: '/API/info/system' });
    assert.equal(body.auth, `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`);
  });
});

test('Bearer auth sends the API token', async () => {
  await withServer((req, res) => sendJson(res, 200, { auth: req.headers.authorization }), { credentials: { kind: 'bearer', token: 'allegro-api-token-123' } }, async (http) => {
    assert.equal((await http.json<{ auth: string }>({ path: '/' })).body.auth, 'Bearer allegro-api-token-123');
  });
});

/** A small AppResponse token service: tokens numbered, refresh and 401 on demand. */
function appResponse(options: { versions?: string[]; tokenLifetimeS?: number; refreshWorks?: boolean } = {}) {
  const versions = options.versions ?? ['1.0', '2.0'];
  const state = { issued: 0, logins: 0, refreshes: 0, valid: new Set<string>(), revokeAll: () => state.valid.clear(), loginBodies: [] as unknown[], contentTypes: [] as string[] };
  const issue = (res: import('node:http').ServerResponse) => {
    const access = `access-${++state.issued}-zzz`;
    state.valid.add(access);
    sendJson(res, 201, { access_token: access, refresh_token: `refresh-${state.issued}-yyy`, expires_at: Math.floor(Date.now() / 1000) + (options.tokenLifetimeS ?? 3600) });
  };
  const handler = (req: import('node:http').IncomingMessage & { body: string }, res: import('node:http').ServerResponse) => {
    const token = /^\/api\/mgmt\.aaa\/(\d\.\d)\/token$/.exec(req.url ?? '');
    if (token) {
      if (!versions.includes(token[1])) return sendJson(res, 404, { error_id: 'RESOURCE_NOT_FOUND', error_text: 'no such service' });
      state.contentTypes.push(String(req.headers['content-type']));
      const body = JSON.parse(req.body);
      state.loginBodies.push(body);
      if (body.refresh_token) {
        state.refreshes++;
        if (options.refreshWorks === false) return sendJson(res, 401, { error_id: 'AUTH_INVALID_REFRESH_TOKEN', error_text: 'refresh token expired' });
        return issue(res);
      }
      state.logins++;
      if (body.user_credentials?.password !== PASSWORD) return sendJson(res, 401, { error_id: 'AUTH_INVALID_CREDENTIALS', error_text: 'Invalid username or password' });
      return issue(res);
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !state.valid.has(bearer)) return sendJson(res, 401, { error_id: 'AUTH_INVALID_SESSION', error_text: 'Session expired' });
    sendJson(res, 200, { device_name: 'ar11', token: bearer });
  };
  return { state, handler };
}

/** Logs in with a first request, revokes every token, and returns the token the device saw on the next request. */
async function tokenAfterRevoke(http: HttpClientApi, ar: ReturnType<typeof appResponse>): Promise<string> {
  await http.json({ path: '/api/common/1.0/info' });
  ar.state.revokeAll();
  return (await http.json<{ token: string }>({ path: '/api/common/1.0/info' })).body.token;
}

test('AppResponse: a token is obtained with user_credentials and reused', async () => {
  const ar = appResponse();
  await withServer(ar.handler, admin(), async (http, server) => {
    const first = await http.json<{ token: string }>({ path: '/api/common/1.0/info' });
    const second = await http.json<{ token: string }>({ path: '/api/common/1.0/info' });
    assert.equal(first.body.token, 'access-1-zzz');
    assert.equal(second.body.token, 'access-1-zzz');
    assert.equal(ar.state.logins, 1);
    assert.deepEqual(ar.state.loginBodies[0], { user_credentials: { username: 'admin', password: PASSWORD }, generate_refresh_token: true });
    assert.equal(ar.state.contentTypes[0], 'application/json', 'exactly application/json, no charset');
    assert.equal(server.requests[0].url, '/api/mgmt.aaa/1.0/token');
  });
});

test('AppResponse: concurrent requests share one login', async () => {
  const ar = appResponse();
  await withServer(ar.handler, admin(), async (http) => {
    await Promise.all(Array.from({ length: 8 }, () => http.json({ path: '/api/common/1.0/info' })));
    assert.equal(ar.state.logins, 1);
  });
});

test('AppResponse: after a 401 the token is refreshed and the request retried once', async () => {
  const ar = appResponse();
  await withServer(ar.handler, admin(), async (http) => {
    assert.equal(await tokenAfterRevoke(http, ar), 'access-2-zzz');
    assert.equal(ar.state.refreshes, 1);
    assert.equal(ar.state.logins, 1);
    assert.deepEqual(ar.state.loginBodies[1], { refresh_token: 'refresh-1-yyy' });
  });
});

test('AppResponse: when the refresh token is refused it logs in again', async () => {
  const ar = appResponse({ refreshWorks: false });
  await withServer(ar.handler, admin(), async (http) => {
    assert.equal(await tokenAfterRevoke(http, ar), 'access-2-zzz');
    assert.equal(ar.state.refreshes, 1);
    assert.equal(ar.state.logins, 2);
  });
});

test('AppResponse: an expired token is renewed before use, not after a 401', async () => {
  const ar = appResponse({ tokenLifetimeS: 0 });
  await withServer(ar.handler, admin(), async (http, server) => {
    await http.json({ path: '/api/common/1.0/info' });
    await http.json({ path: '/api/common/1.0/info' });
    assert.equal(ar.state.refreshes, 1);
    assert.equal(server.requests.filter((r) => r.url === '/api/common/1.0/info').length, 2, 'no request was answered 401');
  });
});

test('AppResponse: falls back to /api/mgmt.aaa/2.0/token when 1.0 is absent', async () => {
  const ar = appResponse({ versions: ['2.0'] });
  await withServer(ar.handler, admin(), async (http, server) => {
    assert.equal((await http.json<{ token: string }>({ path: '/api/common/1.0/info' })).body.token, 'access-1-zzz');
    assert.deepEqual(server.requests.map((r) => r.url), ['/api/mgmt.aaa/1.0/token', '/api/mgmt.aaa/2.0/token', '/api/common/1.0/info']);
    ar.state.revokeAll();
    await http.json({ path: '/api/common/1.0/info' });
    assert.equal(server.requests.filter((r) => r.url === '/api/mgmt.aaa/1.0/token').length, 1, 'remembers that 1.0 is absent');
  });
});

test('AppResponse: uses Basic when no token service exists and the profile allows it', async () => {
  await withServer((req, res) => {
    if (req.url?.includes('/token')) return sendJson(res, 404, { error_id: 'RESOURCE_NOT_FOUND' });
    sendJson(res, 200, { auth: req.headers.authorization });
  }, admin({ allowBasicFallback: true }), async (http) => {
    const { body } = await http.json<{ auth: string }>({ path: '/api/common/1.0/info' });
    assert.match(body.auth, /^Basic /);
  });
});

test('AppResponse: a wrong password fails with the device error and no secret in the message', async () => {
  const ar = appResponse();
  const log = capturingLogger();
  await withServer(ar.handler, admin({ password: 'wrong-pass-987', logger: log }), async (http) => {
    const error = await http.json({ path: '/api/common/1.0/info' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof HttpStatusError);
    assert.equal(error.status, 401);
    assert.equal(error.errorId, 'AUTH_INVALID_CREDENTIALS');
    assert.match(error.message, /^ar11: POST \/api\/mgmt\.aaa\/1\.0\/token: HTTP 401 AUTH_INVALID_CREDENTIALS: Invalid username or password/);
    assert.ok(!error.message.includes('wrong-pass-987'));
    assert.ok(!log.text().includes('wrong-pass-987'));
  });
});

test('secrets never appear in the captured log output', async () => {
  const ar = appResponse();
  const log = capturingLogger();
  await withServer(ar.handler, admin({ logger: log }), async (http) => {
    await http.json({ path: '/api/common/1.0/info', query: { password: PASSWORD } });
    ar.state.revokeAll();
    await http.json({ path: '/api/common/1.0/info' });
    const text = log.text();
    assert.match(text, /debug ar11: GET \/api\/common\/1\.0\/info\?password=\[redacted\] 200 \d+ ms/);
    assert.match(text, /POST \/api\/mgmt\.aaa\/1\.0\/token 201/);
    for (const secret of [PASSWORD, 'access-1-zzz', 'refresh-1-yyy', 'access-2-zzz', 'refresh-2-yyy']) {
      assert.ok(!text.includes(secret), `log leaks ${secret}`);
    }
  });
});

test('AppResponse: a refused login is not tried again with the same password (accounts lock after failed logins)', async () => {
  const ar = appResponse();
  await withServer(ar.handler, admin({ password: 'wrong-pass-987' }), async (http) => {
    const errors = await Promise.all([1, 2, 3].map(() => http.json({ path: '/api/common/1.0/info' }).then(() => undefined, (e: unknown) => e)));
    const later = await http.json({ path: '/api/npm.reports/1.0/instances' }).then(() => undefined, (e: unknown) => e);
    for (const error of [...errors, later]) {
      assert.ok(error instanceof HttpStatusError, String(error));
      assert.equal(error.status, 401);
      assert.equal(error.errorId, 'AUTH_INVALID_CREDENTIALS');
    }
    assert.equal(ar.state.logins, 1, 'one login attempt for four requests');
  });
  // A client with the right password (what the registry builds after the password is fixed) logs in.
  await withServer(ar.handler, admin(), async (http) => {
    assert.equal((await http.json<{ device_name: string }>({ path: '/api/common/1.0/info' })).body.device_name, 'ar11');
  });
});
