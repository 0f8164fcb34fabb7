// Devices tree in real VS Code: an Allegro device's API hierarchy loads level by level, a parameter
// node lists real values with "Enter value…" first, and "Find in API Tree…" walks the unloaded
// levels and reveals the chosen node (TreeView.reveal through getParent).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAllegroSimulator } from '../../src/simulator/allegro/index';
import { deviceWorkspaceFiles, expand, expectAttribute, openProbeExplorer, openSession, revealTreeItem, runCommand, step, T, treeItem, type Session, type SimHandle } from './harness';

let sim: SimHandle;
let s: Session;
before(async () => {
  sim = await startAllegroSimulator({ host: '127.0.0.1', port: 0, seed: 5 });
  s = await openSession('tree-find', { workspaceFiles: deviceWorkspaceFiles([{ name: 'lab-mm', kind: 'allegro', sim }]) });
});
after(async () => {
  await s?.close();
  await sim?.close();
});

test('the Allegro hierarchy expands to parameter values, and Find reveals a node deep in unloaded levels', async () => {
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
    await treeItem(page, 'Enter value…').waitFor({ state: 'visible', timeout: T.remote });
    await (await revealTreeItem(page, /^\d+$/)).waitFor({ state: 'visible' });
  });

  await step(s, 'find-reveals', async () => {
    await runCommand(page, 'Probe Explorer: Find in API Tree…');
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.waitFor({ state: 'visible' });
    await quickInput.locator('input.input').fill('peers_ports');
    const row = quickInput.locator('.quick-input-list .monaco-list-row', { hasText: '/API/stats/modules/ip/ips/:ip/peers_ports' }).first();
    await row.waitFor({ state: 'visible', timeout: T.remote });
    await quickInput.locator('input.input').press('Enter');
    await quickInput.waitFor({ state: 'hidden', timeout: T.ui });
    const found = treeItem(page, /^peers_ports$/);
    await found.waitFor({ state: 'visible', timeout: T.remote });
    await expectAttribute(found, 'aria-selected', 'true', T.remote);
    await treeItem(page, /^:ip$/).waitFor({ state: 'visible' });
  });
});
