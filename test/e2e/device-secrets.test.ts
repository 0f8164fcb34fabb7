// A device's password belongs to the address it was stored for, in real code-server:
// - a device written into settings.json by hand, with no password in Secret Storage, says so and
//   names "Edit Device…", instead of sending requests without credentials and reporting a
//   refused password;
// - when settings.json later points a device's name at another address (edited by hand, or the
//   settings of a workspace someone else wrote), its stored password is not sent there until the
//   user confirms the address;
// - nor with certificate trust the settings changed to behind the user's back (checks turned off).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { contextMenu, deviceWorkspaceFiles, expand, openProbeExplorer, openSession, revealTreeItem, sleep, step, T, treeItem, type Session } from './harness';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro/index';
import { generateCertificate } from '../../src/simulator/shared/cert';

const KNOWN = 'Known Allegro';
const BY_HAND = 'Hand Allegro';

let sim: AllegroSimulator;
let s: Session;
/** Another HTTPS server that records the Authorization headers it is sent. */
let other: { url: string; authorizations: Array<string | undefined>; close(): Promise<void> };

before(async () => {
  sim = await startAllegroSimulator({ host: '127.0.0.1', port: 0, seed: 5 });
  const cert = await generateCertificate();
  const authorizations: Array<string | undefined> = [];
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    authorizations.push(req.headers.authorization);
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":"who are you"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  other = {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorizations,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  const files = deviceWorkspaceFiles([{ name: KNOWN, kind: 'allegro', sim }]);
  const settings = files['.vscode/settings.json'] as { 'probeExplorer.devices': object[] };
  settings['probeExplorer.devices'].push({ name: BY_HAND, kind: 'allegro', url: sim.url, auth: 'basic', username: sim.username, tls: { mode: 'pin', fingerprint: sim.fingerprint } });
  s = await openSession('device-secrets', { workspaceFiles: files });
});

after(async () => {
  await s?.close();
  await sim?.close();
  await other?.close();
});

/** Rewrites the Known device's entry in the workspace settings and waits until the tree shows `host`. */
async function editKnown(change: (entry: Record<string, unknown>) => void, host: string): Promise<void> {
  const { page } = s;
  const file = path.join(s.workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as { 'probeExplorer.devices': Array<Record<string, unknown>> };
  change(settings['probeExplorer.devices'].find((d) => d.name === KNOWN)!);
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
  const deadline = Date.now() + T.remote;
  while (!(await treeItem(page, KNOWN).innerText().catch(() => '')).includes(host)) {
    if (Date.now() > deadline) throw new Error(`the tree did not pick up the new address ${host}`);
    await sleep(200);
  }
  await sleep(500);
}

test('a device without a stored password says so; a stored password is not sent to an address or with certificate trust the settings changed to', async () => {
  const { page } = s;
  await step(s, 'no-password-stored', async () => {
    await openProbeExplorer(page);
    await expand(await revealTreeItem(page, BY_HAND, { level: 1 }));
    const error = await revealTreeItem(page, /no password is stored/, { level: 2 });
    const label = (await error.locator('.label-name').innerText()).trim();
    assert.equal(label, `${BY_HAND}: no password is stored for this device in this editor's Secret Storage (it is never kept in settings). Run "Edit Device…" on ${BY_HAND} to enter it.`);
  });
  await step(s, 'known-device-connects', async () => {
    await expand(await revealTreeItem(page, KNOWN, { level: 1 }));
    await revealTreeItem(page, /^modules$/, { level: 2 });
  });
  await step(s, 'settings-point-it-elsewhere', async () => {
    await editKnown((known) => {
      known.url = other.url;
      known.tls = { mode: 'insecure' };
    }, new URL(other.url).host);
    await expand(await revealTreeItem(page, KNOWN, { level: 1 }));
    const error = await revealTreeItem(page, /its address in the settings is now/, { level: 2 });
    const label = (await error.locator('.label-name').innerText()).trim();
    assert.match(label, new RegExp(`^${KNOWN}: its address in the settings is now https://127\\.0\\.0\\.1:\\d+, but its password was stored for https://127\\.0\\.0\\.1:\\d+\\. The password is not sent to the new address until you confirm it: run "Edit Device…"`));
    assert.deepEqual(other.authorizations.filter((a) => a !== undefined), [], 'no credentials reached the other address');
  });
  await step(s, 'settings-turn-checks-off', async () => {
    // Back at the address the password was stored for, but with certificate checks turned off.
    await editKnown((known) => {
      known.url = sim.url;
      known.tls = { mode: 'insecure' };
    }, new URL(sim.url).host);
    await expand(await revealTreeItem(page, KNOWN, { level: 1 }));
    const error = await revealTreeItem(page, /certificate checks off/, { level: 2 });
    const label = (await error.locator('.label-name').innerText()).trim();
    assert.equal(label, `${KNOWN}: its settings now turn certificate checks off for this device, which was not chosen in Probe Explorer. The password is not sent until you confirm it: run "Trust Device Certificate…" on ${KNOWN}, or undo the change in the settings.`);
  });
  await step(s, 'trust-device-certificate-confirms', async () => {
    // The user looks at the certificate and pins it: the password is sent again, to the pinned device.
    await contextMenu(page, await revealTreeItem(page, KNOWN, { level: 1 }), 'Trust Device Certificate…');
    const box = page.locator('.monaco-dialog-box');
    await box.waitFor({ state: 'visible', timeout: T.remote });
    assert.match((await box.innerText()).replace(/\s+/g, ' '), new RegExp(`${KNOWN}: trust this certificate\\? Subject:`), 'one question mark, no stray full stop');
    await box.locator('.monaco-button', { hasText: /Trust \(pin\) this certificate/ }).first().click();
    await box.waitFor({ state: 'hidden', timeout: T.ui });
    const deadline = Date.now() + T.remote;
    for (;;) {
      const row = treeItem(page, KNOWN);
      if ((await row.getAttribute('aria-expanded').catch(() => null)) !== 'true') await expand(row).catch(() => undefined);
      if (await treeItem(page, /^modules$/).isVisible().catch(() => false)) break;
      if (Date.now() > deadline) throw new Error(`the device did not load after its certificate was pinned; rows: ${JSON.stringify(await page.locator('.part.sidebar .monaco-list-row .label-name').allInnerTexts())}`);
      await sleep(300);
    }
  });
});
