// Devices tree in real VS Code: an Allegro device's API hierarchy loads level by level, a parameter
// node lists real values with "Enter value…" first, and "Find in API Tree…" walks the unloaded
// levels and reveals the chosen node (TreeView.reveal through getParent); Export API Map writes
// api-maps/<device>.md and .json into the workspace. "Add Slot, Device or Link Group…" adds a link
// group to the device's profile (its settings.json entry) and reveals it in the tree beside the members
// the simulated gateway lists, with its own hierarchy; "Remove from Tree" takes it out again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { contextMenu, deviceSession, expand, expectAttribute, openProbeExplorer, pickQuickItem, quickInput, revealTreeItem, runCommand, sleep, step, submitQuickInput, T, treeItem, waitForQuickInput } from './harness';

const session = deviceSession('tree-find', { name: 'lab-mm', kind: 'allegro', seed: 5 });

test('the Allegro hierarchy expands to parameter values, and Find reveals a node deep in unloaded levels', async () => {
  const s = session();
  const { page } = s;
  const device = treeItem(page, 'lab-mm');
  await step(s, 'device-connected', async () => {
    await openProbeExplorer(page);
    await expand(device);
    await treeItem(page, /^modules$/).waitFor({ state: 'visible', timeout: T.remote });
    const description = await device.locator('.label-description').innerText();
    assert.match(description, /127\.0\.0\.1:\d+ · connected/);
  });

  await step(s, 'parameter-values', async () => {
    // Rows are virtualized: scroll until each one is rendered.
    await expand(treeItem(page, /^modules$/));
    await expand(await revealTreeItem(page, /^vlan$/));
    await expand(await revealTreeItem(page, /^vlans$/));
    await expand(await revealTreeItem(page, /^:vlan$/));
    await revealTreeItem(page, /^Enter value…$/);
    await (await revealTreeItem(page, /^\d+$/)).waitFor({ state: 'visible' });
  });

  await step(s, 'find-reveals', async () => {
    // Not runCommand: that waits for the palette to close, and this command opens its own pick at once.
    const quickInput = page.locator('.quick-input-widget');
    await page.keyboard.press('F1');
    await quickInput.locator('input.input').fill('>Probe Explorer: Find in API Tree');
    await quickInput.locator('.quick-input-list .monaco-list-row', { hasText: 'Find in API Tree' }).first().waitFor({ state: 'visible' });
    await quickInput.locator('input.input').press('Enter');
    await quickInput.locator('input[placeholder^="Type part of a name"]').waitFor({ state: 'visible', timeout: T.ui });
    await quickInput.locator('input.input').fill('peers_ports');
    // The walk fills the pick as it goes; its title gives the count when it is done.
    await quickInput.locator('.quick-input-title', { hasText: /: \d+ names/ }).waitFor({ state: 'visible', timeout: T.remote });
    // A query nothing can match says so instead of showing an empty list; Enter on it does nothing.
    await quickInput.locator('input.input').fill('zzqqxx');
    const none = quickInput.locator('.quick-input-list .monaco-list-row', { hasText: 'No name in the API tree matches “zzqqxx”' });
    await none.waitFor({ state: 'visible', timeout: T.ui });
    assert.match(await none.innerText(), /\d+ names searched/);
    await quickInput.locator('input.input').press('Enter');
    await sleep(300);
    assert.ok(await quickInput.isVisible(), 'the pick stays open');
    await quickInput.locator('input.input').fill('peers_ports');
    await none.waitFor({ state: 'detached', timeout: T.ui }); // the line goes once names match
    const first = quickInput.locator('.quick-input-list .monaco-list-row').first();
    await first.locator('.label-name', { hasText: /^peers_ports$/ }).waitFor({ state: 'visible', timeout: T.ui });
    assert.match(await first.innerText(), /\/API\/stats\/modules\/ip\/ips\/:ip\/peers_ports/);
    await quickInput.locator('input.input').press('Enter');
    await quickInput.waitFor({ state: 'hidden', timeout: T.ui });
    const found = treeItem(page, /^peers_ports$/);
    await found.waitFor({ state: 'visible', timeout: T.remote });
    await expectAttribute(found, 'aria-selected', 'true', T.remote);
    await treeItem(page, /^:ip$/).waitFor({ state: 'visible' });
  });

  await step(s, 'export-api-map', async () => {
    await runCommand(page, 'Probe Explorer: Export API Map');
    const file = path.join(s.workspace, 'api-maps', 'lab-mm.md');
    const deadline = Date.now() + T.remote;
    while (!fs.existsSync(file) && Date.now() < deadline) await sleep(200);
    // The map opens in an editor.
    await page.locator('.editor-instance .view-lines', { hasText: 'API map: lab-mm' }).first().waitFor({ state: 'visible', timeout: T.remote });
    const md = fs.readFileSync(file, 'utf8');
    assert.match(md, /^# API map: lab-mm/);
    assert.match(md, /- `:ip` — values from `\/API\/stats\/modules\/ip\/ips_paged`/);
    const map = JSON.parse(fs.readFileSync(path.join(s.workspace, 'api-maps', 'lab-mm.json'), 'utf8'));
    assert.equal(map.device, 'lab-mm');
    assert.ok(map.paths > 100, `${map.paths} paths`);
  });
  await step(s, 'scopes-add-remove', async () => {
    const settingsFile = path.join(s.workspace, '.vscode', 'settings.json');
    const scopesInSettings = (): unknown => (JSON.parse(fs.readFileSync(settingsFile, 'utf8'))['probeExplorer.devices'] as Array<{ scopes?: unknown }>)[0].scopes;
    // From the palette (the device row has scrolled away; with one Allegro device no device is asked for).
    await page.keyboard.press('F1');
    await quickInput(page).locator('input.input').fill('>Probe Explorer: Add Slot, Device or Link Group');
    await quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: 'Add Slot, Device or Link Group' }).first().waitFor({ state: 'visible' });
    await quickInput(page).locator('input.input').press('Enter');
    await waitForQuickInput(page, 'Add to lab-mm', T.ui);
    await pickQuickItem(page, /Virtual link group/);
    await waitForQuickInput(page, 'Virtual link group', T.ui);
    await submitQuickInput(page, '2');
    // the new scope is revealed and selected below the folder, next to the gateway's members
    const group = treeItem(page, /^Link group 2$/);
    await group.waitFor({ state: 'visible', timeout: T.remote });
    await expectAttribute(group, 'aria-selected', 'true', T.remote);
    assert.match(await group.locator('.label-description').innerText(), /group=2/);
    await (await revealTreeItem(page, /^Branch office 1$/)).waitFor({ state: 'visible' });
    assert.deepEqual(scopesInSettings(), [{ group: 2 }]);
    // the group's own hierarchy loads below it (device, folder, group, modules): reveal expanded it
    await treeItem(page, /^modules$/, undefined, 4).waitFor({ state: 'visible', timeout: T.remote });
    await contextMenu(page, await revealTreeItem(page, /^Link group 2$/), 'Remove from Tree');
    await treeItem(page, /^Link group 2$/).waitFor({ state: 'detached', timeout: T.remote });
    const deadline = Date.now() + T.ui;
    // the last scope removed takes the key with it
    while (scopesInSettings() !== undefined && Date.now() < deadline) await sleep(100);
    assert.equal(scopesInSettings(), undefined);
    // the device itself: the list has to wrap to the top to find it
    assert.match(await (await revealTreeItem(page, /^lab-mm$/, { level: 1 })).locator('.label-description').innerText(), /· connected/);
  });
});

