// Spec (d): download a pcap for an IP from the Devices tree into the workspace; the pcap and its
// sidecar appear in the Explorer and the Captures view, and capinfos (Wireshark) reads the pcap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  activityBarItem, contextMenu, deviceSession, openProbeExplorer, pickQuickItem, quickInput, readManifest, revealAllegroIp, step,
  submitQuickInput, T, treeItem, viewPane, waitForNotification, waitForQuickInput,
} from './harness';

const session = deviceSession('d-pcap-download', { name: 'Lab Allegro', kind: 'allegro', seed: 5 });

test('Download pcap… on an IP saves a pcap and its sidecar into the workspace; capinfos reads it', async () => {
  const s = session();
  const { page } = s;
  let ip = '';
  const ipRow = await step(s, 'tree-to-ip', async () => {
    await openProbeExplorer(page);
    const row = await revealAllegroIp(page, 'Lab Allegro');
    ip = (await row.locator('.label-name').innerText()).trim();
    return row;
  });
  await step(s, 'capture-expression', async () => {
    await contextMenu(page, ipRow, 'Download pcap…');
    const widget = await waitForQuickInput(page, /Download pcap from Lab Allegro/);
    const value = await widget.locator('input.input').inputValue();
    assert.match(value, new RegExp(ip.replace(/\./g, '\\.')), 'the expression names the IP');
    await s.shot('expression-prefilled');
    await submitQuickInput(page);
  });
  await step(s, 'time-window', async () => {
    await waitForQuickInput(page, /2\/3/);
    // A short window keeps the file small: 3 seconds of the simulated traffic.
    await pickQuickItem(page, /^last N minutes…$/);
    await page.locator('.quick-input-widget .quick-input-message', { hasText: 'Minutes before now' }).waitFor({ state: 'visible' });
    await quickInput(page).locator('input.input').fill('0.05');
    await s.shot('window-3-seconds');
    await submitQuickInput(page);
  });
  await step(s, 'review', async () => {
    await waitForQuickInput(page, /3\/3/);
    await quickInput(page).locator('.quick-input-list .label-name', { hasText: 'Start capture' }).waitFor({ state: 'visible' });
    await s.shot('review-form');
    await pickQuickItem(page, /Start capture/);
  });
  const capturesDir = path.join(s.workspace, 'captures');
  const files = await step(s, 'downloaded', async () => {
    await waitForNotification(page, /Saved|saved|Downloaded|downloaded/, T.remote * 2);
    const found = fs.existsSync(capturesDir) ? fs.readdirSync(capturesDir) : [];
    return found;
  });
  const pcap = files.find((f) => f.endsWith('.pcap'));
  assert.ok(pcap, `a .pcap in captures/: ${JSON.stringify(files)}`);
  assert.ok(files.includes(`${pcap}.json`), `its sidecar ${pcap}.json: ${JSON.stringify(files)}`);
  const sidecar = JSON.parse(fs.readFileSync(path.join(capturesDir, `${pcap}.json`), 'utf8'));
  assert.equal(typeof sidecar, 'object');
  const info = execFileSync(readManifest().tshark.capinfos, ['-M', path.join(capturesDir, pcap)], { encoding: 'utf8' });
  assert.match(info, /File type:\s+.*pcap/, info);
  const packets = Number(/Number of packets:\s+(\d+)/.exec(info)?.[1]);
  assert.ok(packets > 0, `capinfos counts packets:\n${info}`);

  await step(s, 'explorer-shows-files', async () => {
    await activityBarItem(page, 'Explorer').click();
    const explorer = page.locator('.explorer-folders-view');
    const folder = explorer.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^captures$/ }) }).first();
    await folder.waitFor({ state: 'visible', timeout: T.ui });
    if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
    await explorer.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: pcap }) }).first().waitFor({ state: 'visible' });
    await explorer.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: `${pcap}.json` }) }).first().waitFor({ state: 'visible' });
  });
  await step(s, 'captures-view', async () => {
    await openProbeExplorer(page);
    await treeItem(page, pcap.replace(/\.pcap$/, ''), viewPane(page, 'Captures')).waitFor({ state: 'visible', timeout: T.ui });
  });
});
