// `npm start` end to end: the script starts both simulators and code-server on a demo workspace,
// prints a URL; opening it shows the two demo devices, whose secrets came through the one-shot
// bootstrap file (expanding a device needs them); Ctrl-C stops everything it started.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { expand, launchBrowser, openProbeExplorer, openWorkbench, outputDir, repoRoot, T, treeItem, viewPane } from './harness';

let child: ChildProcess | undefined;
let browser: Browser | undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-e2e-start-'));
const workspace = path.join(dir, 'demo');

after(async () => {
  await browser?.close().catch(() => undefined);
  if (child && child.exitCode === null && child.pid) {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

test('npm start prints a URL whose workbench shows both demo devices, usable with their imported secrets; Ctrl-C stops everything', async () => {
  let output = '';
  child = spawn(process.execPath, ['scripts/start.mjs', '--no-package', '--workspace', workspace], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.on('data', (c) => { output += c; });
  child.stderr!.on('data', (c) => { output += c; });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 5 min; output:\n${output}`)), 5 * 60_000);
    const check = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child!.stdout!.on('data', check);
    child!.on('exit', (code) => { clearTimeout(timer); reject(new Error(`npm start exited ${code} before printing a URL:\n${output}`)); });
  });
  const ports = [...output.matchAll(/https:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  assert.equal(ports.length >= 2, true, `simulator URLs in output:\n${output}`);
  const settings = JSON.parse(fs.readFileSync(path.join(workspace, '.vscode', 'settings.json'), 'utf8'));
  const devices = settings['probeExplorer.devices'] as Array<{ name: string; tls: { mode: string; fingerprint: string } }>;
  assert.deepEqual(devices.map((d) => d.name), ['Demo Allegro', 'Demo AppResponse']);
  for (const d of devices) assert.match(d.tls.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.ok(fs.existsSync(path.join(workspace, 'notes.md')));
  assert.ok(fs.existsSync(path.join(workspace, 'sample.probe-report.json')));

  browser = await launchBrowser();
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.setDefaultTimeout(T.ui);
  const shot = (name: string) => page.screenshot({ path: path.join(outputDir, `start-${name}.png`) });
  try {
    await openWorkbench(page, url.replace(/\/\?folder=.*/, ''), workspace);
    await openProbeExplorer(page);
    const allegro = treeItem(page, 'Demo Allegro');
    await allegro.waitFor({ state: 'visible', timeout: T.remote });
    await treeItem(page, 'Demo AppResponse').waitFor({ state: 'visible' });
    await shot('01-demo-devices');
    // The extension imported the secrets and deleted the file.
    const secretsFile = path.join(workspace, '.vscode', 'probe-explorer.secrets.json');
    for (let i = 0; i < 100 && fs.existsSync(secretsFile); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(fs.existsSync(secretsFile), false, 'the one-shot secrets file is deleted after import');
    // Expanding needs an authenticated request: the children prove the secret is in SecretStorage.
    await expand(allegro);
    await viewPane(page, 'Devices').locator('.monaco-list-row[aria-level="2"]').first().waitFor({ state: 'visible', timeout: T.remote });
    await shot('02-allegro-expanded');
  } catch (e) {
    await shot('FAILED').catch(() => undefined);
    throw e;
  }

  const csPort = Number(new URL(url).port);
  assert.equal(await portOpen(csPort), true);
  const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
  process.kill(child.pid!, 'SIGINT');
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
  assert.equal(code, 0, `npm start exit after Ctrl-C:\n${output.slice(-2000)}`);
  for (const port of [csPort, ...ports]) assert.equal(await portOpen(port), false, `port ${port} still open after Ctrl-C`);
});
