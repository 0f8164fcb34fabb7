import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpClient, TlsError, fetchCertificate } from '../../src/http';
import { startAppResponseSimulator, type AppResponseSimulator } from '../../src/simulator/appresponse/index';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro/index';
import { demoProfileOf } from '../../src/devices/demo-profiles';
import { clientOptionsOf, type TransportSettings } from '../../src/devices/client-options';
import { validateProfiles } from '../../src/devices/validate';
import { IDENTITY_PATH, formatIdentity, identityOf } from '../../src/devices/identity';
import { capturingLogger } from './http-support';

const settings: TransportSettings = { maxConcurrentRequests: 6, timeouts: { connectMs: 5000, headersMs: 10_000, bodyIdleMs: 10_000 }, retries: 2, proxy: {} };
let appResponse: AppResponseSimulator;
let allegro: AllegroSimulator;

before(async () => {
  appResponse = await startAppResponseSimulator({ host: '127.0.0.1', port: 0, seed: 7 });
  allegro = await startAllegroSimulator({ host: '127.0.0.1', port: 0, seed: 7 });
});

after(async () => {
  await appResponse.close();
  await allegro.close();
});

test('the demo Allegro profile is valid, pinned, and Test Connection shows its identity', async () => {
  const { profile, secret } = demoProfileOf('allegro', allegro);
  assert.deepEqual(validateProfiles([profile]).problems, []);
  assert.equal(profile.tls?.fingerprint, allegro.fingerprint);
  const log = capturingLogger();
  const http = createHttpClient(clientOptionsOf(profile, secret, settings, log));
  try {
    const identity = identityOf('allegro', (await http.json({ path: IDENTITY_PATH.allegro })).body);
    assert.equal(identity.name, 'allegro-mm-sim');
    assert.match(formatIdentity(identity), /^allegro-mm-sim · Allegro 1000 \(simulated\) · version \S+ · serial SIM-7 · up .+$/);
    assert.match(log.text(), /GET \/API\/info\/system 200/);
    assert.ok(!log.text().includes(secret));
  } finally {
    await http.close();
  }
});

test('an Allegro API token (Bearer) is accepted by the simulator', async () => {
  const profile = { ...demoProfileOf('allegro', allegro).profile, auth: 'token' as const };
  const http = createHttpClient(clientOptionsOf(profile, allegro.token, settings));
  try {
    assert.equal((await http.json({ path: IDENTITY_PATH.allegro })).status, 200);
  } finally {
    await http.close();
  }
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
