import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpClient, TlsError, fetchCertificate } from '../../src/http';
import { startAppResponseSimulator, type AppResponseSimulator } from '../../src/simulator/appresponse/index';
import { demoProfileOf } from '../../src/devices/demo-profiles';
import { clientOptionsOf, type TransportSettings } from '../../src/devices/client-options';
import { validateProfiles } from '../../src/devices/validate';
import { IDENTITY_PATH, formatIdentity, identityOf } from '../../src/devices/identity';
import { capturingLogger } from './http-support';

const settings: TransportSettings = { maxConcurrentRequests: 6, timeouts: { connectMs: 5000, headersMs: 10_000, bodyIdleMs: 10_000 }, retries: 2, proxy: {} };
let appResponse: AppResponseSimulator;

before(async () => {
  appResponse = await startAppResponseSimulator({ host: '127.0.0.1', port: 0, seed: 7 });
});

after(async () => {
  await appResponse.close();
});

test('the demo AppResponse profile is valid, pinned, and Test Connection shows its identity', async () => {
  const { profile, secret } = demoProfileOf('appresponse', appResponse);
  assert.deepEqual(validateProfiles([profile]).problems, []);
  assert.equal(profile.tls?.fingerprint, appResponse.fingerprint);
  const log = capturingLogger();
  const http = createHttpClient(clientOptionsOf(profile, secret, settings, log));
  try {
    const response = await http.json({ path: IDENTITY_PATH.appresponse });
    const identity = identityOf('appresponse', response.body);
    assert.ok(identity.name && identity.model && identity.version && identity.serial, JSON.stringify(response.body));
    assert.match(formatIdentity(identity), / · .*version .* · serial /);
    assert.match(log.text(), /POST \/api\/mgmt\.aaa\/1\.0\/token 201/, 'logged in with the token service');
    assert.ok(!log.text().includes(secret));
  } finally {
    await http.close();
  }
});

test('without the pin the simulator certificate is refused and its fingerprint offered for trust', async () => {
  const { profile, secret } = demoProfileOf('appresponse', appResponse);
  const http = createHttpClient(clientOptionsOf({ ...profile, tls: { mode: 'verify' } }, secret, settings));
  try {
    const error = await http.json({ path: IDENTITY_PATH.appresponse }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TlsError);
    assert.equal(error.certificate?.fingerprint, appResponse.fingerprint);
    assert.equal((await fetchCertificate(appResponse.url)).fingerprint, appResponse.fingerprint);
  } finally {
    await http.close();
  }
});
