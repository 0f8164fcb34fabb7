// End-to-end harness: real code-server (VS Code in the browser) with the packaged .vsix, driven by
// playwright-core in Debian's Chromium. Each spec file gets a fresh user-data-dir and workspace in a
// temp folder, its own code-server and browser; screenshots land in test-output/e2e/.
//
// Tools come from scripts/install-tools.mjs (its manifest.json, found through the `.tools` symlink
// or $PROBE_EXPLORER_TOOLS). The vsix is dist/probe-explorer.vsix (`npm run package`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro/index';
import { startAppResponseSimulator, type AppResponseSimulator } from '../../src/simulator/appresponse/index';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const outputDir = path.join(repoRoot, 'test-output', 'e2e');
export const vsixPath = path.join(repoRoot, 'dist', 'probe-explorer.vsix');

/** Generous but bounded timeouts (2 shared cores; code-server's first load compiles a lot). */
export const T: { readonly boot: number; readonly ui: number; readonly remote: number } = { boot: 90_000, ui: 30_000, remote: 45_000 };

export interface ToolsManifest {
  node: { version: string; bin: string; dir: string };
  codeServer: { version: string; entry: string; vscode: string | null };
  chromium: { version: string; bin: string };
  tshark: { version: string; capinfos: string };
}

export function toolsDir(): string {
  if (process.env.PROBE_EXPLORER_TOOLS) return path.resolve(process.env.PROBE_EXPLORER_TOOLS);
  const link = path.join(repoRoot, '.tools');
  if (fs.existsSync(link)) return fs.realpathSync(link);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'probe-explorer', 'tools');
}

export function readManifest(): ToolsManifest {
  const file = path.join(toolsDir(), 'manifest.json');
  if (!fs.existsSync(file)) {
    throw new Error(`no tools manifest at ${file}: run \`node scripts/install-tools.mjs\` first`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ToolsManifest;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Installs the vsix once per build into a shared extensions folder keyed by the vsix hash
 * (code-server --install-extension), so specs do not pay for it each time.
 */
export function installedExtensionsDir(manifest = readManifest()): string {
  if (!fs.existsSync(vsixPath)) throw new Error(`${vsixPath} is missing: run \`npm run package\` first`);
  // Work on a copy: another `npm run package` in the shared tree may rewrite the vsix meanwhile.
  const bytes = fs.readFileSync(vsixPath);
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  const dir = path.join(outputDir, `.extensions-${hash}`);
  if (fs.existsSync(path.join(dir, '.ok'))) return dir;
  fs.mkdirSync(outputDir, { recursive: true });
  // Older builds' folders may still serve a running session (parallel runs): only drop stale ones.
  for (const old of fs.readdirSync(outputDir)) {
    const p = path.join(outputDir, old);
    if (old.startsWith('.extensions-') && Date.now() - fs.statSync(p).mtimeMs > 3 * 3600_000) fs.rmSync(p, { recursive: true, force: true });
  }
  const tmpUser = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-e2e-install-'));
  const staging = fs.mkdtempSync(path.join(outputDir, '.staging-'));
  try {
    const vsix = path.join(tmpUser, 'probe-explorer.vsix');
    fs.writeFileSync(vsix, bytes);
    const config = path.join(tmpUser, 'config.yaml');
    fs.writeFileSync(config, 'auth: none\ncert: false\n');
    const r = spawnSync(manifest.node.bin, [manifest.codeServer.entry, '--config', config, '--extensions-dir', staging, '--user-data-dir', tmpUser, '--install-extension', vsix, '--force'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, XDG_DATA_HOME: tmpUser } });
    if (r.status !== 0) throw new Error(`code-server --install-extension failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    const installed = fs.readdirSync(staging).filter((d) => d.startsWith('probe-explorer.probe-explorer-'));
    if (!installed.length) throw new Error(`the vsix did not install into ${staging}:\n${r.stdout}\n${r.stderr}`);
    // extensions.json records absolute locations: rewrite them for the final folder.
    const index = path.join(staging, 'extensions.json');
    if (fs.existsSync(index)) fs.writeFileSync(index, fs.readFileSync(index, 'utf8').split(staging).join(dir));
    fs.writeFileSync(path.join(staging, '.ok'), hash);
    try {
      fs.renameSync(staging, dir);
    } catch {
      if (!fs.existsSync(path.join(dir, '.ok'))) throw new Error(`could not move ${staging} to ${dir}`);
    }
  } finally {
    fs.rmSync(tmpUser, { recursive: true, force: true });
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/** User settings that keep the workbench quiet and deterministic. */
export const quietUserSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
  'editor.minimap.enabled': false,
  'workbench.tree.enableStickyScroll': false,
  'editor.stickyScroll.enabled': false,
  'notifications.experimental.showCloseButton': true,
};

export interface CodeServer {
  url: string;
  port: number;
  process: ChildProcess;
  logFile: string;
  close(): Promise<void>;
}

export async function startCodeServer(opts: {
  name: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  env?: Record<string, string>;
  manifest?: ToolsManifest;
}): Promise<CodeServer> {
  const manifest = opts.manifest ?? readManifest();
  const port = await freePort();
  fs.mkdirSync(outputDir, { recursive: true });
  const logFile = path.join(outputDir, `${opts.name}.code-server.log`);
  const out = fs.openSync(logFile, 'w');
  // Keep code-server's own config and logs out of ~/.config and ~/.local/share.
  const home = path.join(path.dirname(opts.userDataDir), 'code-server-home');
  fs.mkdirSync(home, { recursive: true });
  const config = path.join(home, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const child = spawn(manifest.node.bin, [
    manifest.codeServer.entry,
    '--config', config,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', opts.userDataDir,
    '--extensions-dir', opts.extensionsDir,
    '--ignore-last-opened',
    opts.workspace,
  ], {
    stdio: ['ignore', out, out],
    env: { ...process.env, XDG_DATA_HOME: home, ...opts.env },
    detached: true,
  });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  let exited: number | string | null = null;
  child.on('exit', (code, signal) => { exited = code ?? signal ?? 'exit'; });
  const deadline = Date.now() + T.boot;
  for (;;) {
    if (exited !== null) throw new Error(`code-server exited (${exited}) before listening; log ${logFile}:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      killTree(child);
      throw new Error(`code-server did not answer on ${url} within ${T.boot} ms; log ${logFile}`);
    }
    await sleep(250);
  }
  return {
    url,
    port,
    process: child,
    logFile,
    close: async () => {
      if (exited !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killTree(child, 'SIGTERM');
      const timer = setTimeout(() => killTree(child, 'SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

function killTree(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!child.pid) return;
  try { process.kill(-child.pid, signal); } catch { try { child.kill(signal); } catch { /* gone */ } }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function launchBrowser(manifest = readManifest()): Promise<Browser> {
  return chromium.launch({
    executablePath: manifest.chromium.bin,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** A fresh workspace + user-data-dir + code-server + browser page for one spec file. */
export interface Session {
  name: string;
  dir: string;
  workspace: string;
  userDataDir: string;
  server: CodeServer;
  browser: Browser;
  page: Page;
  /** Browser console errors and page errors seen so far. */
  pageErrors: string[];
  shot(step: string): Promise<string>;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Files to write into the workspace before start, relative path → content (objects become JSON). */
  workspaceFiles?: Record<string, string | object>;
  /** Extra user settings. */
  userSettings?: Record<string, unknown>;
  /** Environment of code-server (and so of the extension host). */
  env?: Record<string, string>;
}

export async function openSession(name: string, opts: SessionOptions = {}): Promise<Session> {
  const manifest = readManifest();
  const extensionsDir = installedExtensionsDir(manifest);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pe-e2e-${name}-`));
  const workspace = path.join(dir, 'workspace');
  const userDataDir = path.join(dir, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...quietUserSettings, ...opts.userSettings }, null, 2));
  for (const [rel, content] of Object.entries(opts.workspaceFiles ?? {})) {
    const file = path.join(workspace, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  fs.mkdirSync(outputDir, { recursive: true });
  for (const old of fs.readdirSync(outputDir)) {
    if (old.startsWith(`${name}-`) && old.endsWith('.png')) fs.rmSync(path.join(outputDir, old));
  }
  const server = await startCodeServer({ name, userDataDir, extensionsDir, workspace, env: opts.env, manifest });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser(manifest);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(T.ui);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    let step = 0;
    const session: Session = {
      name, dir, workspace, userDataDir, server, browser, page, pageErrors,
      shot: async (label: string) => {
        step += 1;
        const file = path.join(outputDir, `${name}-${String(step).padStart(2, '0')}-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      close: async () => {
        await browser?.close().catch(() => undefined);
        await server.close();
        if (!process.env.PROBE_EXPLORER_E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    workspaceOf.set(page, workspace);
    await openWorkbench(page, server.url, workspace);
    return session;
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await server.close();
    throw e;
  }
}

// ---------------------------------------------------------------- workbench helpers

export async function openWorkbench(page: Page, url: string, workspace: string): Promise<void> {
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`, { timeout: T.boot });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: T.boot });
  await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: T.boot });
  // The Explorer shows the folder once the workbench has restored its views.
  await page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: T.boot });
}

/** The activity-bar entry of a view container, by its title. */
export function activityBarItem(page: Page, title: string): Locator {
  return page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${title}"]`).first();
}

/** Workspaces of open sessions, so helpers can see their files (e.g. the secrets bootstrap). */
const workspaceOf = new WeakMap<Page, string>();

export async function openProbeExplorer(page: Page): Promise<void> {
  await revealProbeExplorer(page);
  // Opening the view activates the extension, which imports (and deletes) a secrets bootstrap file;
  // the import changes the devices, and the tree redraws them. Wait for that before touching rows.
  const workspace = workspaceOf.get(page);
  const bootstrap = workspace && path.join(workspace, '.vscode', 'probe-explorer.secrets.json');
  if (bootstrap && fs.existsSync(bootstrap)) {
    const deadline = Date.now() + T.boot;
    while (fs.existsSync(bootstrap)) {
      if (Date.now() > deadline) throw new Error(`the extension did not import ${bootstrap}`);
      await sleep(100);
    }
    await sleep(750);
  }
}

async function revealProbeExplorer(page: Page): Promise<void> {
  const item = activityBarItem(page, 'Probe Explorer');
  await item.waitFor({ state: 'visible', timeout: T.boot });
  const checked = await item.locator('xpath=..').getAttribute('aria-selected').catch(() => null);
  const pane = page.locator('.part.sidebar .pane-header', { hasText: 'Devices' });
  if (checked !== 'true' || !(await pane.isVisible())) await item.click();
  await pane.first().waitFor({ state: 'visible', timeout: T.ui });
}

/** Runs a command by its palette title, e.g. "Probe Explorer: Start Demo Appliances". */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Escape');
    // Focus may sit where F1 is not seen (e.g. inside a webview): on a retry, focus the status bar.
    if (attempt > 0) await page.locator('.part.statusbar').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
  await input.fill(`>${title}`);
  // Click the row whose label is exactly the title: Enter would run the first match, which may be
  // another command (e.g. "Run Live Report" for "Run Report").
  const exact = new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`);
  const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) }).first();
  try {
    await row.waitFor({ state: 'visible', timeout: T.ui });
  } catch {
    const rows = await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
    throw new Error(`command "${title}" not in the palette; rows: ${JSON.stringify(rows)}`);
  }
  await row.click();
  // The palette closes, or the command opens its own quick input in the same widget.
  const deadline = Date.now() + T.ui;
  for (;;) {
    const visible = await input.isVisible().catch(() => false);
    const value = visible ? await input.inputValue().catch(() => '') : '';
    if (!visible || !value.startsWith('>')) break;
    if (Date.now() > deadline) throw new Error(`the command palette stayed open after running "${title}"`);
    await sleep(100);
  }
  await sleep(300);
  await assertNoErrorDialog(page);
}

/** Fails with the dialog's text when VS Code shows an error dialog (e.g. "command … not found"). */
export async function assertNoErrorDialog(page: Page): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box');
  if (await dialog.isVisible().catch(() => false)) {
    const text = await dialog.innerText().catch(() => '?');
    throw new Error(`VS Code showed a dialog: ${text.replace(/\s+/g, ' ').trim()}`);
  }
}

/** The sidebar view pane (body) with this title, e.g. "Devices". */
export function viewPane(page: Page, title: string): Locator {
  return page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: title }) }).first();
}

/** A tree row by its exact label, inside a view pane (defaults to the Devices view). */
export function treeItem(page: Page, label: string | RegExp, pane: Locator = viewPane(page, 'Devices'), level?: number): Locator {
  return pane.locator(`.monaco-list-row[role="treeitem"]${level ? `[aria-level="${level}"]` : ''}`, { has: page.locator('.label-name', { hasText: label }) }).first();
}

/**
 * Finds a row in a virtualized tree: only rendered rows exist in the DOM, so scroll the list
 * (mouse wheel) until the row shows up, wrapping to the top once the end is reached. Children that
 * are still loading appear on a later pass. Bounded by `timeout`.
 */
export async function revealTreeItem(page: Page, label: string | RegExp, opts: { pane?: Locator; level?: number; timeout?: number } = {}): Promise<Locator> {
  const pane = opts.pane ?? viewPane(page, 'Devices');
  const timeout = opts.timeout ?? T.remote;
  const row = treeItem(page, label, pane, opts.level);
  const list = pane.locator('.monaco-list').first();
  const deadline = Date.now() + timeout;
  let previous = '';
  while (Date.now() < deadline) {
    if (await row.isVisible().catch(() => false)) {
      await row.scrollIntoViewIfNeeded();
      return row;
    }
    const box = await list.boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const before = (await treeLabels(page, pane)).join('\n');
      await page.mouse.wheel(0, Math.max(100, box.height * 0.6));
      await sleep(150);
      const after = (await treeLabels(page, pane)).join('\n');
      if (after === before && before === previous) {
        // The end: start again from the top, in steps (the list does not take one huge wheel delta).
        let top = after;
        for (let i = 0; i < 100; i++) {
          await page.mouse.wheel(0, -2000);
          await sleep(100);
          const now = (await treeLabels(page, pane)).join('\n');
          if (now === top) break;
          top = now;
        }
      }
      previous = after;
    } else {
      await sleep(150);
    }
  }
  throw new Error(`tree row ${String(label)} not found; rows now: ${JSON.stringify(await treeLabels(page, pane))}`);
}

/**
 * Collapses every row of a view's tree with the view's own "Collapse All" action (a later
 * `revealTreeItem` then finds top-level rows at once instead of scrolling a long expanded tree).
 */
export async function collapseTree(page: Page, pane: Locator = viewPane(page, 'Devices')): Promise<void> {
  const header = pane.locator('.pane-header').first();
  await header.hover();
  const action = header.locator('.actions a.action-label[aria-label^="Collapse All"]').first();
  await action.waitFor({ state: 'visible', timeout: 5000 });
  await action.click();
  // Only the top-level rows remain.
  const deadline = Date.now() + T.ui;
  while (await pane.locator('.monaco-list-row[role="treeitem"]:not([aria-level="1"])').count()) {
    if (Date.now() > deadline) throw new Error('the tree did not collapse');
    await sleep(100);
  }
}

/** Expands an Allegro device's tree down to modules → ip → ips → :ip and reveals the first IP row under it. */
export async function revealAllegroIp(page: Page, device: string): Promise<Locator> {
  // The device row may be scrolled out of view (an earlier test left the tree expanded).
  await expand(await revealTreeItem(page, device, { level: 1 }));
  await expand(await revealTreeItem(page, /^modules$/, { level: 2 }));
  await expand(await revealTreeItem(page, /^ip$/, { level: 3 }));
  await expand(await revealTreeItem(page, /^ips$/, { level: 4 }));
  await expand(await revealTreeItem(page, /^:ip$/, { level: 5 }));
  return revealTreeItem(page, /^\d+\.\d+\.\d+\.\d+$/, { level: 6 });
}

/** Label texts of the visible rows of a view's tree, in order. */
export async function treeLabels(page: Page, pane: Locator = viewPane(page, 'Devices')): Promise<string[]> {
  return pane.locator('.monaco-list-row[role="treeitem"] .label-name').allInnerTexts();
}

/** Expands a tree row (click its twistie) and waits until it reports expanded. */
export async function expand(row: Locator): Promise<void> {
  await row.waitFor({ state: 'visible', timeout: T.remote });
  // A tree refresh (device settings or secrets changed) may redraw the row collapsed: click again.
  const deadline = Date.now() + T.remote;
  for (;;) {
    if ((await row.getAttribute('aria-expanded').catch(() => null)) === 'true') return;
    await row.locator('.monaco-tl-twistie').click();
    try {
      await expectAttribute(row, 'aria-expanded', 'true', Math.min(10_000, Math.max(1000, deadline - Date.now())));
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
}

export async function expectAttribute(loc: Locator, name: string, value: string, timeout: number = T.ui): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await loc.getAttribute(name).catch(() => null);
    if (last === value) return;
    await sleep(100);
  }
  throw new Error(`attribute ${name} stayed ${JSON.stringify(last)}, wanted ${JSON.stringify(value)}`);
}

/** Texts of the notification toasts currently shown. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-toast .notification-list-item-message').allInnerTexts();
}

/** Waits for a notification toast whose message matches. */
export async function waitForNotification(page: Page, text: string | RegExp, timeout = T.remote): Promise<Locator> {
  const toast = page.locator('.notifications-toasts .notification-list-item', { has: page.locator('.notification-list-item-message', { hasText: text }) }).first();
  await toast.waitFor({ state: 'visible', timeout });
  return toast;
}

/** Content frame of a webview: the active one, or the one in the editor tab with this title. */
export function webview(page: Page, index = 0): FrameLocator {
  return page.frameLocator('iframe.webview.ready').nth(index).frameLocator('#active-frame');
}

/** The content frame of the (first) webview that shows `selector`, polling all webviews until `timeout`. */
export async function webviewWith(page: Page, selector: string, timeout: number = T.remote): Promise<FrameLocator> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const n = await page.locator('iframe.webview.ready').count();
    for (let i = 0; i < n; i++) {
      const frame = webview(page, i);
      if (await frame.locator(selector).first().isVisible().catch(() => false)) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector} (${n} webviews) within ${timeout} ms`);
    await sleep(200);
  }
}

/**
 * Picks an option of a `vscode-single-select` (@vscode-elements) by its label, as a user does: click
 * the face, then the option in the dropdown (both in the element's open shadow root). Waits until
 * the element's value is the option's.
 */
export async function chooseOption(select: Locator, label: string | RegExp): Promise<void> {
  await select.waitFor({ state: 'visible' });
  const exact = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
  const wanted = await select.locator('vscode-option').filter({ hasText: exact }).first().getAttribute('value');
  if (wanted === null) throw new Error(`no option ${String(label)}: ${JSON.stringify(await select.locator('vscode-option').allInnerTexts())}`);
  await select.locator('.face').first().click();
  const option = select.locator('li[role="option"]', { hasText: exact }).first();
  await option.waitFor({ state: 'visible', timeout: 5000 });
  await option.click();
  const deadline = Date.now() + T.ui;
  while ((await select.evaluate((e) => (e as HTMLElement & { value: string }).value)) !== wanted) {
    if (Date.now() > deadline) throw new Error(`the select did not take ${String(label)}`);
    await sleep(100);
  }
}

/** The text a `vscode-single-select` shows on its face (the selected option's label). */
export async function selectedOptionText(select: Locator): Promise<string> {
  return (await select.locator('.face').first().innerText()).trim();
}

/** Runs "Developer: Reload Window" and waits until the reloaded workbench is back. */
export async function reloadWindow(page: Page): Promise<void> {
  const loaded = page.waitForEvent('load', { timeout: T.boot });
  await runCommand(page, 'Developer: Reload Window').catch(async (e: unknown) => {
    // The page may unload under the palette's last checks: only a command that never ran fails.
    if (!(await loaded.then(() => true, () => false))) throw e;
  });
  await loaded;
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: T.boot });
  await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: T.boot });
}

/** A status bar entry whose text matches (e.g. a capture's "Stop and keep"). */
export function statusBarItem(page: Page, text: string | RegExp): Locator {
  return page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
}

/** The title of the active editor tab. */
export async function activeTabTitle(page: Page): Promise<string> {
  return (await page.locator('.tabs-container .tab.active .monaco-icon-label-container').first().innerText()).replace(/\s+/g, '');
}

export async function waitForTab(page: Page, title: string | RegExp, timeout = T.remote): Promise<Locator> {
  // The tab shows the name and the extension in separate elements (label-name, label-suffix).
  const tab = page.locator('.tabs-container .tab', { has: page.locator('.monaco-icon-label-container', { hasText: title }) }).first();
  await tab.waitFor({ state: 'visible', timeout });
  return tab;
}

/** A row of the Explorer view by file name. */
export async function explorerItem(page: Page, name: string): Promise<Locator> {
  const explorer = activityBarItem(page, 'Explorer');
  await explorer.click();
  return page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: name }) }).first();
}

/** Runs a test body with a screenshot on failure. */
export async function step<R>(session: Session, label: string, fn: () => Promise<R>): Promise<R> {
  try {
    const r = await fn();
    await session.shot(label);
    return r;
  } catch (e) {
    await session.shot(`FAILED-${label}`).catch(() => undefined);
    const log = fs.existsSync(session.server.logFile) ? fs.readFileSync(session.server.logFile, 'utf8').slice(-2000) : '';
    const err = e instanceof Error ? e : new Error(String(e));
    err.message = `step "${label}": ${err.message}\n--- page errors: ${session.pageErrors.slice(-5).join('\n')}\n--- code-server log tail:\n${log}`;
    throw err;
  }
}

// ---------------------------------------------------------------- devices and simulators

export interface SimHandle {
  url: string;
  fingerprint: string;
  username: string;
  password: string;
  close(): Promise<void>;
}

/**
 * Workspace files that configure devices pointing at running simulators, pinned to their
 * certificates, plus the one-shot secrets file the extension imports into SecretStorage at
 * activation (src/devices/secretsBootstrap.ts) — the same mechanism `npm start` uses.
 */
export function deviceWorkspaceFiles(devices: Array<{ name: string; kind: 'allegro' | 'appresponse'; sim: SimHandle }>): Record<string, object> {
  return {
    '.vscode/settings.json': {
      'probeExplorer.devices': devices.map((d) => ({
        name: d.name,
        kind: d.kind,
        url: d.sim.url,
        auth: d.kind === 'allegro' ? 'basic' : 'token',
        username: d.sim.username,
        tls: { mode: 'pin', fingerprint: d.sim.fingerprint },
      })),
    },
    '.vscode/probe-explorer.secrets.json': {
      version: 1,
      secrets: devices.map((d) => ({ device: d.name, kind: 'password', value: d.sim.password })),
    },
  };
}

/**
 * A spec file's session with one simulated device: registers the file's `before` (the simulator of
 * `device.kind` on 127.0.0.1 with `device.seed`, then a session whose workspace configures it as
 * `device.name`, plus `workspaceFiles`) and `after` (closes both). Returns the session for the tests;
 * its `.sim()` is the running simulator (request statistics, clock, fault switches).
 */
export function deviceSession<K extends 'allegro' | 'appresponse'>(
  name: string,
  device: { name: string; kind: K; seed: number },
  workspaceFiles: Record<string, string | object> = {},
): (() => Session) & { sim(): SimulatorOf<K> } {
  let sim: SimulatorOf<K> | undefined;
  let s: Session | undefined;
  before(async () => {
    const options = { host: '127.0.0.1', port: 0, seed: device.seed };
    sim = (device.kind === 'allegro' ? await startAllegroSimulator(options) : await startAppResponseSimulator(options)) as SimulatorOf<K>;
    s = await openSession(name, { workspaceFiles: { ...deviceWorkspaceFiles([{ name: device.name, kind: device.kind, sim }]), ...workspaceFiles } });
  });
  after(async () => {
    await s?.close();
    await sim?.close();
  });
  const session = () => {
    if (!s) throw new Error(`the session ${name} is not open (its before hook failed or has not run)`);
    return s;
  };
  /** The running simulator (its request statistics, clock, fault switches). */
  const simulator = () => {
    if (!sim) throw new Error(`the simulator of ${name} is not running (its before hook failed or has not run)`);
    return sim;
  };
  return Object.assign(session, { sim: simulator });
}

/** The handle a `deviceSession` of this kind runs. */
export type SimulatorOf<K extends 'allegro' | 'appresponse'> = K extends 'allegro' ? AllegroSimulator : AppResponseSimulator;

/** Right-clicks a row and picks an entry of its context menu by its exact title. */
export async function contextMenu(page: Page, row: Locator, entry: string): Promise<void> {
  await row.waitFor({ state: 'visible' });
  // A row scrolled half under the pane header cannot take the click: scroll its list a little and retry.
  for (let attempt = 0; ; attempt++) {
    try {
      await row.click({ button: 'right', timeout: 3000 });
      break;
    } catch (e) {
      if (attempt >= 6) throw e;
      // The row may have left the DOM meanwhile (a virtualized list renders only the rows in view):
      // then wheel over the side bar's list instead of waiting for a list that holds the row.
      const box =
        (await page.locator('.monaco-list', { has: row }).first().boundingBox({ timeout: 2000 }).catch(() => null)) ??
        (await page.locator('.part.sidebar .monaco-list').first().boundingBox({ timeout: 2000 }).catch(() => null));
      if (box) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.wheel(0, attempt % 2 === 0 ? -60 * (attempt + 1) : 60 * (attempt + 1));
        await sleep(150);
      }
    }
  }
  const menu = page.locator('.monaco-menu').last();
  await menu.waitFor({ state: 'visible' });
  const item = menu.locator('.action-item a.action-menu-item', { has: page.locator('.action-label', { hasText: new RegExp(`^${escapeRegExp(entry)}$`) }) }).first();
  try {
    await item.waitFor({ state: 'visible', timeout: 5000 });
  } catch {
    const entries = await menu.locator('.action-label').allInnerTexts();
    await page.keyboard.press('Escape');
    throw new Error(`no "${entry}" in the context menu: ${JSON.stringify(entries.filter(Boolean))}`);
  }
  // The workbench menu can drop a click that lands just after it opened: the menu then stays open
  // with the entry highlighted. Click again only in that case (a taken click closes the menu).
  for (let attempt = 0; ; attempt++) {
    await item.click();
    try {
      await menu.waitFor({ state: 'hidden', timeout: 2000 });
      return;
    } catch (e) {
      if (attempt >= 2) throw new Error(`the context menu entry "${entry}" did not run: the menu stayed open`, { cause: e });
    }
  }
}

/** Clicks an inline action (icon) of a tree row by its title. */
export async function inlineAction(row: Locator, title: string): Promise<void> {
  await row.hover();
  await row.locator(`.actions a.action-label[aria-label^="${title}"]`).first().click();
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------- quick input

export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

/** Waits until the quick input shows a title containing `title` (e.g. "(2/3)" for a step). */
export async function waitForQuickInput(page: Page, title: string | RegExp, timeout: number = T.remote): Promise<Locator> {
  const widget = quickInput(page);
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout });
  return widget;
}

/** Types into the quick input's box (replacing its value) and presses Enter. */
export async function submitQuickInput(page: Page, value?: string): Promise<void> {
  const input = quickInput(page).locator('input.input');
  await input.waitFor({ state: 'visible' });
  if (value !== undefined) await input.fill(value);
  await input.press('Enter');
}

/** Clicks the quick-pick row whose label matches. */
export async function pickQuickItem(page: Page, label: string | RegExp): Promise<void> {
  const row = quickInput(page).locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).first();
  try {
    await row.waitFor({ state: 'visible', timeout: T.ui });
  } catch {
    const rows = await quickInput(page).locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
    throw new Error(`no quick-pick item ${String(label)}; items: ${JSON.stringify(rows)}`);
  }
  await row.click();
}
