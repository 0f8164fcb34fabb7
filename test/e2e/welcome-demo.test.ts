// Spec (a) and smoke: the packaged .vsix installs into code-server; its activity-bar container shows
// the Devices and Captures views; with no device configured the Devices view shows the welcome
// content with "Add Device" and "Start Demo Appliances"; "Add Device" opens the device wizard;
// "Show Log" opens the extension's log channel; "Start Demo Appliances" starts both simulated
// appliances in the extension host and both demo devices appear in the tree, connected.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startAllegroSimulator } from '../../src/simulator/allegro/index';
import { expand, openProbeExplorer, openSession, pickQuickItem, quickInput, runCommand, sleep, step, submitQuickInput, T, treeItem, treeLabels, viewPane, waitForNotification, waitForQuickInput, type Session } from './harness';

let s: Session;
before(async () => { s = await openSession('a-welcome-demo'); });
after(async () => { await s?.close(); });

test('welcome view with Add Device and Start Demo Appliances; Add Device opens the wizard; Show Log opens the log; the demo adds both devices', async () => {
  const { page } = s;
  const welcome = viewPane(page, 'Devices').locator('.welcome-view-content');
  await step(s, 'welcome-view', async () => {
    await openProbeExplorer(page);
    await viewPane(page, 'Captures').waitFor({ state: 'visible' });
    await welcome.getByRole('button', { name: 'Add Device' }).waitFor({ state: 'visible', timeout: T.remote });
    await welcome.getByRole('button', { name: 'Start Demo Appliances' }).waitFor({ state: 'visible' });
    assert.match(await welcome.innerText(), /No device is configured yet/);
  });

  await step(s, 'add-device-wizard', async () => {
    await welcome.getByRole('button', { name: 'Add Device' }).click();
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.waitFor({ state: 'visible' });
    await quickInput.locator('.quick-input-title', { hasText: 'Add Device (1/6)' }).waitFor({ state: 'visible' });
    const options = await quickInput.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
    assert.deepEqual(options.map((o) => o.trim()), ['Allegro Network Multimeter', 'Riverbed AppResponse 11']);
    await s.shot('add-device-kind-pick');
    await page.keyboard.press('Escape');
    await quickInput.waitFor({ state: 'hidden' });
  });

  await step(s, 'show-log', async () => {
    await runCommand(page, 'Probe Explorer: Show Log');
    const select = page.locator('.part.panel select.monaco-select-box').first();
    await select.waitFor({ state: 'attached', timeout: T.ui });
    const deadline = Date.now() + T.ui;
    let selected = '';
    while (Date.now() < deadline) {
      selected = await select.evaluate((e) => { const el = e as HTMLSelectElement; return el.options[el.selectedIndex]?.text ?? ''; });
      if (selected === 'Probe Explorer') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(selected, 'Probe Explorer', 'the Output panel shows the extension log channel');
  });

  await step(s, 'demo-devices-in-tree', async () => {
    await openProbeExplorer(page);
    await welcome.getByRole('button', { name: 'Start Demo Appliances' }).click();
    await waitForNotification(page, 'Demo Allegro and Demo AppResponse are running on this machine.', T.remote);
    await treeItem(page, 'Demo Allegro').waitFor({ state: 'visible', timeout: T.remote });
    await treeItem(page, 'Demo AppResponse').waitFor({ state: 'visible', timeout: T.remote });
    await welcome.waitFor({ state: 'hidden' });
    assert.deepEqual((await treeLabels(page)).filter((l) => l.startsWith('Demo ')).sort(), ['Demo Allegro', 'Demo AppResponse']);
  });

  await step(s, 'demo-devices-connect', async () => {
    // Both answer with the credentials the demo stored in SecretStorage, over their pinned certificates.
    await expand(treeItem(page, 'Demo AppResponse'));
    await treeItem(page, 'Report sources').waitFor({ state: 'visible', timeout: T.remote });
    await expand(treeItem(page, 'Demo Allegro'));
    await treeItem(page, /^modules$/).waitFor({ state: 'visible', timeout: T.remote });
  });

  await step(s, 'add-device-wrong-password', async () => {
    // A wrong password is not the end of the wizard: "Re-enter Password" asks again and tests again.
    const sim = await startAllegroSimulator({ host: '127.0.0.1', port: 0, seed: 9 });
    let rekeyed: Awaited<ReturnType<typeof startAllegroSimulator>> | undefined;
    try {
      // Collapse the demo Allegro so that the only "modules" row later is the new device's.
      const demo = treeItem(page, 'Demo Allegro');
      if ((await demo.getAttribute('aria-expanded')) === 'true') await demo.locator('.monaco-tl-twistie').click();
      await treeItem(page, /^modules$/).waitFor({ state: 'detached', timeout: T.ui });
      await runCommand(page, 'Probe Explorer: Add Device…');
      await waitForQuickInput(page, 'Add Device (1/6)');
      await pickQuickItem(page, 'Allegro Network Multimeter');
      await waitForQuickInput(page, 'Add Device (2/6)');
      await submitQuickInput(page, 'lab-wizard');
      await waitForQuickInput(page, 'Add Device (3/6)');
      await submitQuickInput(page, sim.url);
      await waitForQuickInput(page, 'Add Device (4/6)');
      await pickQuickItem(page, 'User name and password');
      await waitForQuickInput(page, 'Add Device (5/6)');
      await submitQuickInput(page, sim.username);
      await waitForQuickInput(page, 'Add Device (6/6)');
      await submitQuickInput(page, 'not-the-password');
      const dialog = page.locator('.monaco-dialog-box');
      const button = (name: string) => dialog.locator('.dialog-buttons .monaco-button', { hasText: name }).first();
      // The simulator's certificate is self-signed: pin it.
      await button('Trust (pin) this certificate').click({ timeout: T.remote });
      await dialog.filter({ hasText: 'HTTP 401' }).waitFor({ state: 'visible', timeout: T.remote });
      assert.match(await dialog.innerText(), /Connection test failed: .*HTTP 401/s);
      await s.shot('add-device-401');
      await button('Re-enter Password').click();
      await waitForQuickInput(page, 'lab-wizard: password');
      await submitQuickInput(page, sim.password);
      await treeItem(page, 'lab-wizard').waitFor({ state: 'visible', timeout: T.remote });
      // No device list in the workspace settings: the wizard writes the user settings.
      const devices = JSON.parse(fs.readFileSync(path.join(s.userDataDir, 'User', 'settings.json'), 'utf8'))['probeExplorer.devices'] as Array<Record<string, unknown>>;
      const added = devices.find((d) => d.name === 'lab-wizard')!;
      assert.deepEqual(added.tls, { mode: 'pin', fingerprint: sim.fingerprint });
      // No secret in the settings (the simulator's password is "allegro", also a device kind: compare fields).
      assert.deepEqual(Object.keys(added).sort(), ['auth', 'kind', 'name', 'tls', 'url', 'username']);
      assert.equal(added.username, sim.username);
      // The tree connects with the password typed the second time.
      await expand(treeItem(page, 'lab-wizard'));
      await treeItem(page, /^modules$/).waitFor({ state: 'visible', timeout: T.remote });

      // Trust Device Certificate on a device whose pin still matches says so; after the pin no
      // longer matches it says the certificate changed and shows both fingerprints.
      await runCommand(page, 'Probe Explorer: Trust Device Certificate…');
      await pickQuickItem(page, 'lab-wizard');
      await waitForNotification(page, /lab-wizard: this certificate is already trusted: it is pinned/, T.remote);
      // The appliance is re-keyed: a new certificate at the same address.
      const port = Number(new URL(sim.url).port);
      await sim.close();
      rekeyed = await startAllegroSimulator({ host: '127.0.0.1', port, seed: 9 });
      assert.notEqual(rekeyed.fingerprint, sim.fingerprint);
      const userSettings = path.join(s.userDataDir, 'User', 'settings.json');
      await runCommand(page, 'Probe Explorer: Trust Device Certificate…');
      await pickQuickItem(page, 'lab-wizard');
      const changed = dialog.filter({ hasText: 'the certificate changed since it was pinned' });
      await changed.waitFor({ state: 'visible', timeout: T.remote });
      const text = await changed.innerText();
      assert.ok(text.includes(sim.fingerprint) && text.includes(rekeyed.fingerprint), text);
      await button('Trust (pin) the new certificate').click();
      const deadline = Date.now() + T.remote;
      let pinned = '';
      while (Date.now() < deadline) {
        pinned = JSON.parse(fs.readFileSync(userSettings, 'utf8'))['probeExplorer.devices'].find((d: { name: string }) => d.name === 'lab-wizard').tls.fingerprint;
        if (pinned === rekeyed.fingerprint) break;
        await sleep(200);
      }
      assert.equal(pinned, rekeyed.fingerprint);
    } finally {
      await sim.close();
      await rekeyed?.close();
    }
  });

  await step(s, 'edit-device-starts-on-current-choices', async () => {
    // Editing the AppResponse must start on its own kind and auth: Enter keeps them. From the
    // Command Palette (messages tell the user to run Edit Device…), which asks for the device.
    await runCommand(page, 'Probe Explorer: Edit Device…');
    await quickInput(page).locator('input.input[placeholder="Edit which device?"]').waitFor({ state: 'visible', timeout: T.ui });
    await pickQuickItem(page, /^Demo AppResponse$/);
    const widget = await waitForQuickInput(page, 'Edit Demo AppResponse (1/6)');
    const focused = widget.locator('.quick-input-list .monaco-list-row.focused');
    await focused.filter({ hasText: 'Riverbed AppResponse 11' }).waitFor({ state: 'visible', timeout: T.ui });
    assert.match(await focused.innerText(), /current/);
    await page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden' });
  });
});
