// Spec (e): a device whose name is HTML (`<img src=x onerror=…>`) is shown as text, never markup:
// in the Devices tree, in notifications, and in the results view.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startAppResponseSimulator } from '../../src/simulator/appresponse/index';
import { contextMenu, deviceWorkspaceFiles, expand, openProbeExplorer, openSession, step, T, treeItem, viewPane, waitForNotification, type Session, type SimHandle } from './harness';

const EVIL = '<img src=x onerror=window.__pwned=1>';
let sim: SimHandle;
let s: Session;
before(async () => {
  sim = await startAppResponseSimulator({ host: '127.0.0.1', port: 0, seed: 7 });
  s = await openSession('e-malicious-name', { workspaceFiles: deviceWorkspaceFiles([{ name: EVIL, kind: 'appresponse', sim }]) });
});
after(async () => {
  await s?.close();
  await sim?.close();
});

async function pwned(): Promise<unknown[]> {
  return Promise.all(s.page.frames().map((f) => f.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned).catch(() => undefined)));
}

test('a device named like HTML is shown as text in the tree and in notifications, and never runs', async () => {
  const { page } = s;
  const devices = viewPane(page, 'Devices');
  const row = treeItem(page, EVIL);
  await step(s, 'tree-label-is-text', async () => {
    await openProbeExplorer(page);
    await row.waitFor({ state: 'visible', timeout: T.remote });
    assert.equal((await row.locator('.label-name').innerText()).trim(), EVIL);
    assert.equal(await devices.locator('.monaco-list-rows img').count(), 0, 'no <img> element in the tree');
  });
  await step(s, 'test-connection-notification', async () => {
    await contextMenu(page, row, 'Test Connection');
    // The identity answer needs an authenticated request: the secret came through the bootstrap file.
    const toast = await waitForNotification(page, `${EVIL}: `);
    assert.equal(fs.existsSync(path.join(s.workspace, '.vscode', 'probe-explorer.secrets.json')), false, 'bootstrap file deleted after import');
    assert.equal(await toast.locator('.notification-list-item-message img').count(), 0);
  });
  await step(s, 'expanded', async () => {
    await expand(row);
    await treeItem(page, 'Report sources').waitFor({ state: 'visible', timeout: T.remote });
  });
  assert.deepEqual((await pwned()).filter((v) => v !== undefined), []);
});
