// Device commands: Add / Edit / Remove Device, Test Connection, Trust Device Certificate, Show Log.
// Handlers take a tree node carrying `deviceName`, a device name, or nothing (then ask).
import * as vscode from 'vscode';
import { fetchCertificate, HttpStatusError, normalizeFingerprint, TlsError, ProbeError, type CertificateInfo } from '../http';
import type { HttpClientApi } from '../http/types';
import type { DeviceRegistry } from '../devices/registry';
import { keepScopes, type DeviceAuth, type DeviceKind, type DeviceProfile, type TlsSetting } from '../devices/profile';
import { IDENTITY_PATH, formatIdentity, identityOf, type DeviceIdentity } from '../devices/identity';
import { describeCertificate } from '../devices/certificate-text';
import { secretLabelOf } from '../devices/credentials';
import { proxySettingsOf } from '../devices/client-options';
import { normalizeDeviceUrl, sameHost, validateDeviceName, validateDeviceUrl } from '../devices/validate';

export interface DeviceCommandDeps {
  registry: DeviceRegistry;
  log: vscode.LogOutputChannel;
}

/** What device commands accept: a tree node with `deviceName`, a name, or nothing. */
export type DeviceArgument = { deviceName: string } | string | undefined;

const KIND_LABEL: Record<DeviceKind, string> = { allegro: 'Allegro Network Multimeter', appresponse: 'Riverbed AppResponse 11' };

export function registerDeviceCommands(context: vscode.ExtensionContext, deps: DeviceCommandDeps): void {
  const { registry, log } = deps;
  const command = (id: string, run: (arg: DeviceArgument) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (arg: DeviceArgument) => {
      try {
        await run(arg);
      } catch (error) {
        showError(error, log);
      }
    });
  context.subscriptions.push(
    command('probeExplorer.addDevice', () => deviceWizard(registry, log, undefined)),
    command('probeExplorer.editDevice', async (arg) => {
      const name = await pickDevice(registry, arg, 'Edit which device?');
      if (name) await deviceWizard(registry, log, registry.get(name));
    }),
    command('probeExplorer.removeDevice', async (arg) => {
      const name = await pickDevice(registry, arg, 'Remove which device?');
      if (!name) return;
      const answer = await vscode.window.showWarningMessage(`Remove the device "${name}"?`, { modal: true, detail: 'Its profile and its stored password or token are deleted.' }, 'Remove');
      if (answer !== 'Remove') return;
      await registry.remove(name);
      log.info(`Removed device ${name}`);
    }),
    command('probeExplorer.testConnection', async (arg) => {
      const name = await pickDevice(registry, arg, 'Test which device?');
      if (name) await testSavedDevice(registry, log, name);
    }),
    command('probeExplorer.trustCertificate', async (arg) => {
      const name = await pickDevice(registry, arg, 'Trust the certificate of which device?');
      if (name) await trustCertificate(registry, log, name);
    }),
    command('probeExplorer.showLog', async () => log.show()),
  );
}

/** The device name from a node or a string, or a quick pick when none is given. */
export async function pickDevice(registry: DeviceRegistry, arg: DeviceArgument, placeHolder: string): Promise<string | undefined> {
  if (typeof arg === 'string' && registry.get(arg)) return arg;
  if (arg && typeof arg === 'object' && typeof arg.deviceName === 'string') return arg.deviceName;
  const devices = registry.list();
  if (!devices.length) {
    const add = await vscode.window.showInformationMessage('No device is configured yet.', 'Add Device…', 'Start Demo Appliances');
    if (add === 'Add Device…') await vscode.commands.executeCommand('probeExplorer.addDevice');
    if (add === 'Start Demo Appliances') await vscode.commands.executeCommand('probeExplorer.startDemo');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    devices.map((d) => ({ label: d.name, description: KIND_LABEL[d.kind], detail: d.url })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.label;
}

/**
 * A single-choice pick that starts on the current choice (`picked` only applies to multi-select
 * picks, so an edit would otherwise start on the first item and Enter would change the setting).
 */
function pickOne<T extends vscode.QuickPickItem>(items: T[], options: { title: string; placeHolder: string; current: (item: T) => boolean }): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = options.title;
  pick.placeholder = options.placeHolder;
  pick.ignoreFocusOut = true;
  const current = items.find(options.current);
  if (current) current.description = [current.description, 'current'].filter(Boolean).join(' · ');
  pick.items = items;
  if (current) pick.activeItems = [current];
  return new Promise<T | undefined>((resolve) => {
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0] ?? pick.activeItems[0]);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

/** Add (no `existing`) or edit a device: kind, name, URL, auth, user, secret, then a connection test. */
async function deviceWizard(registry: DeviceRegistry, log: vscode.LogOutputChannel, existing: DeviceProfile | undefined): Promise<void> {
  const verb = existing ? `Edit ${existing.name}` : 'Add Device';
  const steps = 6;
  const title = (step: number) => `${verb} (${step}/${steps})`;

  const kindPick = await pickOne(
    (Object.keys(KIND_LABEL) as DeviceKind[]).map((value) => ({ label: KIND_LABEL[value], value })),
    { title: title(1), placeHolder: 'Which kind of appliance?', current: (i) => i.value === existing?.kind },
  );
  if (!kindPick) return;
  const kind = kindPick.value;

  const taken = registry.list().map((d) => d.name).filter((n) => n !== existing?.name);
  const name = await vscode.window.showInputBox({
    title: title(2), prompt: 'A name for this device (shown in the tree)', value: existing?.name ?? '', ignoreFocusOut: true,
    validateInput: (value) => validateDeviceName(value, taken),
  });
  if (name === undefined) return;

  const urlText = await vscode.window.showInputBox({
    title: title(3), prompt: 'Address of the device (https:// is assumed)', placeHolder: 'https://10.0.0.5', value: existing?.url ?? '', ignoreFocusOut: true,
    validateInput: validateDeviceUrl,
  });
  if (urlText === undefined) return;
  const url = normalizeDeviceUrl(urlText);

  const authChoices: Array<{ label: string; detail: string; auth: DeviceAuth }> = kind === 'allegro'
    ? [
        { label: 'User name and password', detail: 'HTTP Basic authentication', auth: 'basic' },
        { label: 'API token', detail: 'Bearer token (firmware 4.2 and later)', auth: 'token' },
      ]
    : [
        { label: 'User name and password (token login)', detail: 'Logs in at /api/mgmt.aaa for an access token (recommended)', auth: 'token' },
        { label: 'User name and password (Basic)', detail: 'HTTP Basic authentication, where the appliance allows it', auth: 'basic' },
      ];
  const authPick = await pickOne(authChoices, { title: title(4), placeHolder: 'How to authenticate?', current: (c) => c.auth === existing?.auth });
  if (!authPick) return;
  const auth = authPick.auth;
  const tls = existing && sameHost(existing.url, url) ? existing.tls : undefined;
  const draft: DeviceProfile = { name: name.trim(), kind, url, auth, ...(tls ? { tls } : {}) };

  const secretLabel = secretLabelOf(draft);
  if (secretLabel === 'password') {
    const username = await vscode.window.showInputBox({
      title: title(5), prompt: 'User name', value: existing?.username ?? '', ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'Enter the user name'),
    });
    if (username === undefined) return;
    draft.username = username.trim();
  }

  const keep = existing !== undefined && secretLabelOf(existing) === secretLabel;
  const secretText = await vscode.window.showInputBox({
    title: title(6), prompt: keep ? `${capitalize(secretLabel)} (leave empty to keep the stored one)` : capitalize(secretLabel),
    password: true, ignoreFocusOut: true,
    validateInput: (value) => (value || keep ? undefined : `Enter the ${secretLabel}`),
  });
  if (secretText === undefined) return;
  const secret = secretText || (keep ? await registry.getSecret(existing!.name) : undefined);

  const tested = await testDraft(registry, draft, secret);
  if (!tested) return;
  // A secret typed again after a failed test replaces the one given (or kept) above.
  const newSecret = tested.secret !== secret ? tested.secret : secretText || undefined;
  // The user went through the wizard: the stored secret now belongs to this address.
  if (existing) await registry.update(existing.name, keepScopes(tested.profile, existing), newSecret, { addressConfirmed: true });
  else await registry.add(tested.profile, tested.secret);
  log.info(`${existing ? 'Updated' : 'Added'} device ${tested.profile.name} (${tested.profile.url})`);
  const summary = tested.identity ? `: ${formatIdentity(tested.identity)}` : ' (not connected)';
  void vscode.window.showInformationMessage(`${existing ? 'Saved' : 'Added'} ${tested.profile.name}${summary}`);
}

/**
 * Tests a not yet saved profile. On an untrusted certificate it asks how to trust it; on a refused
 * login it offers to type the secret again, on a network failure to correct the address; each
 * tests again. "Save Anyway" keeps the profile as it is.
 */
async function testDraft(registry: DeviceRegistry, draft: DeviceProfile, initialSecret: string | undefined): Promise<{ profile: DeviceProfile; identity?: DeviceIdentity; secret: string | undefined } | undefined> {
  let profile = draft;
  let secret = initialSecret;
  for (;;) {
    const client = registry.createClient(profile, secret);
    try {
      const identity = await withIdentityProgress(profile, client);
      return { profile, identity, secret };
    } catch (error) {
      if (error instanceof TlsError && error.certificate) {
        const tls = await askTrust(profile.name, error.certificate, `the certificate is not trusted (${error.reason})`, pinnedOf(profile));
        if (!tls) return undefined;
        profile = { ...profile, tls };
        continue;
      }
      if (error instanceof ProbeError && error.kind === 'aborted') return undefined;
      // A 404 for the identity path: another kind of appliance, or another service on that port.
      const wrongApi = error instanceof HttpStatusError && error.status === 404;
      const message = (error instanceof Error ? error.message : String(error))
        + (wrongApi ? ` (no ${KIND_LABEL[profile.kind]} API answers at ${profile.url}: check the address and port, and that the appliance is of this kind)` : '');
      const label = secretLabelOf(profile);
      const retype = error instanceof HttpStatusError && (error.status === 401 || error.status === 403) ? `Re-enter ${capitalize(label)}` : undefined;
      const readdress = wrongApi || (error instanceof ProbeError && (error.kind === 'network' || error.kind === 'timeout')) ? 'Change Address' : undefined;
      const answer = await vscode.window.showWarningMessage(`Connection test failed: ${message}`, { modal: true }, ...[retype, readdress].filter((b): b is string => !!b), 'Save Anyway');
      if (answer === 'Save Anyway') return { profile, secret };
      if (answer !== undefined && answer === retype) {
        const typed = await vscode.window.showInputBox({
          title: `${profile.name}: ${label}`, prompt: `${capitalize(label)}${profile.username ? ` of ${profile.username}` : ''}`, password: true, ignoreFocusOut: true,
          validateInput: (value) => (value ? undefined : `Enter the ${label}`),
        });
        if (typed === undefined) return undefined;
        secret = typed;
        continue;
      }
      if (answer !== undefined && answer === readdress) {
        const urlText = await vscode.window.showInputBox({
          title: `${profile.name}: address`, prompt: 'Address of the device (https:// is assumed)', value: profile.url, ignoreFocusOut: true,
          validateInput: validateDeviceUrl,
        });
        if (urlText === undefined) return undefined;
        // Another host is trusted afresh: its certificate is asked about again, and an "insecure"
        // setting chosen for the old address does not carry the password to a new one.
        const url = normalizeDeviceUrl(urlText);
        const { tls: oldTls, ...rest } = profile;
        profile = { ...rest, url, ...(oldTls && sameHost(profile.url, url) ? { tls: oldTls } : {}) };
        continue;
      }
      return undefined;
    } finally {
      void client.close();
    }
  }
}

async function testSavedDevice(registry: DeviceRegistry, log: vscode.LogOutputChannel, name: string): Promise<void> {
  const profile = registry.get(name)!;
  try {
    const identity = await withIdentityProgress(profile, await registry.http(name));
    log.info(`${name}: connected: ${formatIdentity(identity)}`);
    void vscode.window.showInformationMessage(`${name}: ${formatIdentity(identity)}`);
  } catch (error) {
    if (error instanceof TlsError && error.certificate) {
      const tls = await askTrust(name, error.certificate, `the certificate is not trusted (${error.reason})`, pinnedOf(profile));
      if (tls) {
        await registry.update(name, { ...profile, tls }, undefined, { trustConfirmed: true });
        await testSavedDevice(registry, log, name);
      }
      return;
    }
    if (error instanceof ProbeError && error.kind === 'aborted') return;
    throw error;
  }
}

async function trustCertificate(registry: DeviceRegistry, log: vscode.LogOutputChannel, name: string): Promise<void> {
  const profile = registry.get(name)!;
  const http = vscode.workspace.getConfiguration('http');
  const proxy = proxySettingsOf(http.get('proxy'), http.get('noProxy'), http.get('proxyStrictSSL'));
  const info = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${name}: reading the certificate…`, cancellable: true },
    (_progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return fetchCertificate(profile.url, proxy, { signal: controller.signal });
    },
  );
  const pinned = pinnedOf(profile);
  if (pinned && sameFingerprint(pinned, info.fingerprint)) {
    // A pin written into the settings by hand is confirmed here: the device presents it.
    await registry.confirmTrust(name);
    void vscode.window.showInformationMessage(`${name}: this certificate is already trusted: it is pinned, and the device still presents it (SHA-256 ${info.fingerprint}).`);
    return;
  }
  const tls = await askTrust(name, info, 'trust this certificate?', pinned);
  if (!tls) return;
  await registry.update(name, { ...profile, tls }, undefined, { trustConfirmed: true });
  log.info(`${name}: TLS mode set to ${tls.mode}`);
  await testSavedDevice(registry, log, name);
}

function pinnedOf(profile: DeviceProfile): string | undefined {
  return profile.tls?.mode === 'pin' ? profile.tls.fingerprint : undefined;
}

function sameFingerprint(a: string, b: string): boolean {
  return normalizeFingerprint(a) === normalizeFingerprint(b);
}


/**
 * Shows the certificate and asks how to trust it; when another certificate is pinned, says that
 * the certificate changed and shows both fingerprints. Undefined when the user cancels.
 */
async function askTrust(device: string, info: CertificateInfo, headline: string, pinned?: string): Promise<TlsSetting | undefined> {
  const changed = pinned !== undefined && !sameFingerprint(pinned, info.fingerprint);
  const pin = changed ? 'Trust (pin) the new certificate' : 'Trust (pin) this certificate';
  const ca = 'Use a CA file…';
  const insecure = "Don't verify (unsafe)";
  const answer = await vscode.window.showWarningMessage(
    changed ? `${device}: the certificate changed since it was pinned.` : `${device}: ${headline}${/[?.!]$/.test(headline) ? '' : '.'}`,
    {
      modal: true,
      detail: changed
        ? `Pinned:   ${pinned}\nNow:      ${info.fingerprint}\n\n${describeCertificate(info)}\n\nA new certificate is expected after the appliance was re-keyed, upgraded or replaced; otherwise someone may be intercepting the connection. Compare the new fingerprint with the one the appliance shows before you trust it.`
        : `${describeCertificate(info)}\n\nCompare the fingerprint with the one the appliance shows before you pin it.`,
    },
    pin, ca, insecure,
  );
  if (answer === pin) return { mode: 'pin', fingerprint: info.fingerprint };
  if (answer === ca) {
    const files = await vscode.window.showOpenDialog({ title: `CA certificate for ${device}`, canSelectMany: false, filters: { 'PEM certificate': ['pem', 'crt', 'cer'], 'All files': ['*'] } });
    return files?.[0] ? { mode: 'ca', caFile: files[0].fsPath } : undefined;
  }
  if (answer === insecure) {
    const sure = await vscode.window.showWarningMessage(
      `Turn off certificate checks for ${device}?`,
      { modal: true, detail: 'Anyone between you and the appliance could read the password and the data. Pinning the certificate is just as easy and safe.' },
      'Turn Off Checks',
    );
    return sure ? { mode: 'insecure' } : undefined;
  }
  return undefined;
}

async function withIdentityProgress(profile: DeviceProfile, client: HttpClientApi): Promise<DeviceIdentity> {
  if (profile.tls?.mode === 'insecure') {
    void vscode.window.showWarningMessage(`${profile.name}: certificate checks are turned off for this device (TLS mode "insecure").`);
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Connecting to ${profile.name}…`, cancellable: true },
    async (_progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      const response = await client.json({ path: IDENTITY_PATH[profile.kind], signal: controller.signal });
      return identityOf(profile.kind, response.body);
    },
  );
}

function showError(error: unknown, log: vscode.LogOutputChannel): void {
  const message = error instanceof Error ? error.message : String(error);
  log.error(message);
  void vscode.window.showErrorMessage(message, 'Show Log').then((answer) => answer && log.show());
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
