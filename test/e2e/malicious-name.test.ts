// Spec (e): a device whose name is HTML (`<img src=x onerror=…>`) is shown as text, never markup:
// in the Devices tree, in notifications, and in the results view (a webview under its CSP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { contextMenu, deviceSession, expand, openProbeExplorer, revealTreeItem, step, T, treeItem, viewPane, waitForNotification, webview } from './harness';

const EVIL = '<img src=x onerror=window.__pwned=1>';
const session = deviceSession('e-malicious-name', { name: EVIL, kind: 'allegro', seed: 7 });

/** window.__pwned in the workbench and every (webview) frame. */
async function pwned(): Promise<unknown[]> {
  const values = await Promise.all(session().page.frames().map((f) => f.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned).catch(() => undefined)));
  return values.filter((v) => v !== undefined);
}

test('a device named like HTML is shown as text in the tree, notifications and results view, and never runs', async () => {
  const s = session();
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
    assert.equal(await toast.locator('.notification-list-item-message img').count(), 0);
    assert.equal(fs.existsSync(path.join(s.workspace, '.vscode', 'probe-explorer.secrets.json')), false, 'bootstrap file deleted after import');
  });
  const view = webview(page);
  await step(s, 'results-view-subtitle-is-text', async () => {
    await expand(row);
    await contextMenu(page, await revealTreeItem(page, /^load$/, { level: 2 }), 'Open');
    const subtitle = view.locator('.subtitle');
    await subtitle.waitFor({ state: 'visible', timeout: T.remote });
    assert.equal((await subtitle.innerText()).trim(), `${EVIL} · /API/stats/load`);
    assert.equal(await view.locator('img').count(), 0, 'no <img> element in the results view');
  });
  assert.deepEqual(await pwned(), [], 'no injected handler ran');
});
