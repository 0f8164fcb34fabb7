// Add Device in real code-server, against addresses a person gets wrong: a plain HTTP port and an
// appliance of the other kind. Each failed connection test says what is wrong and offers
// "Change Address", which leads to the right device in the same wizard.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { openProbeExplorer, openSession, pickQuickItem, runCommand, step, submitQuickInput, T, waitForNotification, waitForQuickInput, type Session } from './harness';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro/index';
import { startAppResponseSimulator, type AppResponseSimulator } from '../../src/simulator/appresponse/index';

let allegro: AllegroSimulator;
let appresponse: AppResponseSimulator;
let plain: http.Server;
let plainPort = 0;
let s: Session;

before(async () => {
  allegro = await startAllegroSimulator({ host: '127.0.0.1', port: 0, seed: 9 });
  appresponse = await startAppResponseSimulator({ host: '127.0.0.1', port: 0, seed: 9 });
  plain = http.createServer((_req, res) => res.end('plain http'));
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  plainPort = (plain.address() as AddressInfo).port;
  s = await openSession('device-wizard-errors');
});

after(async () => {
  await s?.close();
  await allegro?.close();
  await appresponse?.close();
  plain?.closeAllConnections();
  await new Promise((resolve) => plain?.close(resolve));
});

/** The modal dialog's text, once it shows. */
async function dialogText(page: Page): Promise<string> {
  const box = page.locator('.monaco-dialog-box');
  await box.waitFor({ state: 'visible', timeout: T.remote });
  return (await box.innerText()).replace(/\s+/g, ' ');
}

async function dialogButton(page: Page, label: string | RegExp): Promise<void> {
  const box = page.locator('.monaco-dialog-box');
  await box.locator('.monaco-button', { hasText: label }).first().click();
  await box.waitFor({ state: 'hidden', timeout: T.ui });
}

test('Add Device: a plain HTTP port and an appliance of the other kind say so and offer Change Address', async () => {
  const { page } = s;
  await step(s, 'wizard-to-plain-http-port', async () => {
    await openProbeExplorer(page);
    await runCommand(page, 'Probe Explorer: Add Device…');
    await waitForQuickInput(page, /Add Device \(1\/6\)/);
    await pickQuickItem(page, /^Allegro Network Multimeter$/);
    await waitForQuickInput(page, /2\/6/);
    await submitQuickInput(page, 'Lab');
    await waitForQuickInput(page, /3\/6/);
    await submitQuickInput(page, `127.0.0.1:${plainPort}`);
    await waitForQuickInput(page, /4\/6/);
    await pickQuickItem(page, /^User name and password$/);
    await waitForQuickInput(page, /5\/6/);
    await submitQuickInput(page, allegro.username);
    await waitForQuickInput(page, /6\/6/);
    await submitQuickInput(page, allegro.password);
    const text = await dialogText(page);
    assert.match(text, /Connection test failed: Lab: \/API\/info\/system: network error \(NOT_TLS\)/);
    assert.match(text, /not with HTTPS: check the port in the device URL/);
    assert.doesNotMatch(text, /certificate/);
  });
  await step(s, 'change-address-to-appresponse', async () => {
    await dialogButton(page, /^Change Address$/);
    await waitForQuickInput(page, /Lab: address/);
    await submitQuickInput(page, appresponse.url);
    assert.match(await dialogText(page), /Lab: the certificate is not trusted/);
    await dialogButton(page, /Trust \(pin\) this certificate/);
    const text = await dialogText(page);
    assert.match(text, new RegExp(`HTTP 404 .*\\(no Allegro Network Multimeter API answers at ${appresponse.url.replace(/\./g, '\\.')}: check the address and port, and that the appliance is of this kind\\)`));
  });
  await step(s, 'change-address-to-allegro', async () => {
    await dialogButton(page, /^Change Address$/);
    await waitForQuickInput(page, /Lab: address/);
    await submitQuickInput(page, allegro.url);
    assert.match(await dialogText(page), /Lab: the certificate is not trusted/);
    await dialogButton(page, /Trust \(pin\) this certificate/);
    await waitForNotification(page, /^Added Lab: /);
    const settings = JSON.parse(fs.readFileSync(path.join(s.userDataDir, 'User', 'settings.json'), 'utf8')) as { 'probeExplorer.devices': Array<{ url: string; tls: { mode: string; fingerprint: string } }> };
    assert.equal(settings['probeExplorer.devices'][0]!.url, allegro.url);
    assert.equal(settings['probeExplorer.devices'][0]!.tls.fingerprint.replace(/:/g, '').toLowerCase(), allegro.fingerprint.replace(/:/g, '').toLowerCase());
  });
});
