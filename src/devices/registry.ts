// The configured devices: profiles from the `probeExplorer.devices` setting, secrets from
// SecretStorage, and one cached HTTP client per device, rebuilt when anything it depends on changes.
import * as vscode from 'vscode';
import { createHttpClient } from '../http';
import type { HttpClientApi } from '../http/types';
import { clientKeyOf, clientOptionsOf, proxySettingsOf, type TransportSettings } from './client-options';
import { secretKindOf, secretLabelOf } from './credentials';
import { secretKey, secretOriginKey, withoutScopes, type DeviceProfile } from './profile';
import { bindingOf, bindingProblem, missingSecretMessage, parseBinding, serializeBinding } from './secretBinding';
import type { AllegroScope } from '../allegro/scope';
import { validateProfiles } from './validate';

const SETTING = 'probeExplorer.devices';
const TRANSPORT_SETTINGS = ['probeExplorer.maxConcurrentRequests', 'probeExplorer.timeouts', 'probeExplorer.retries', 'http.proxy', 'http.noProxy', 'http.proxyStrictSSL'];

interface CachedClient {
  key: string;
  client: Promise<HttpClientApi>;
}

export class DeviceRegistry implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a device is added, edited, removed, or its secret or transport settings change. */
  readonly onDidChangeDevices = this.changed.event;
  private profiles: DeviceProfile[] = [];
  private problemLines: string[] = [];
  private readonly clients = new Map<string, CachedClient>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.reload();
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SETTING)) {
          this.reload();
          this.changed.fire();
        } else if (TRANSPORT_SETTINGS.some((key) => event.affectsConfiguration(key))) {
          this.changed.fire(); // clients are rebuilt lazily: their key changed
        }
      }),
      context.secrets.onDidChange((event) => {
        const owner = this.profiles.find((p) => event.key === secretKey(p, 'password') || event.key === secretKey(p, 'token'));
        if (owner) {
          this.drop(owner.name);
          this.changed.fire();
        }
      }),
    );
  }

  /** Valid profiles, in settings order. */
  list(): DeviceProfile[] {
    return [...this.profiles];
  }

  get(name: string): DeviceProfile | undefined {
    return this.profiles.find((p) => p.name === name);
  }

  /** Problems found in the setting (entries left out), one line each. */
  problems(): string[] {
    return [...this.problemLines];
  }

  /** The device's HTTP client, shared by every feature; rebuilt when its profile, secret or settings change. */
  async http(name: string): Promise<HttpClientApi> {
    const profile = this.get(name);
    if (!profile) throw new Error(`No device named "${name}" is configured`);
    const settings = this.transportSettings();
    const key = clientKeyOf(profile, settings);
    const cached = this.clients.get(name);
    if (cached?.key === key) return cached.client;
    if (cached) this.closeLater(cached);
    const client = this.build(profile, settings);
    this.clients.set(name, { key, client });
    client.catch(() => this.clients.get(name)?.client === client && this.clients.delete(name));
    return client;
  }

  /** A throw-away client for a profile that is not saved yet (Add Device's connection test). */
  createClient(profile: DeviceProfile, secret: string | undefined): HttpClientApi {
    return createHttpClient(clientOptionsOf(profile, secret, this.transportSettings(), this.log));
  }

  async getSecret(name: string): Promise<string | undefined> {
    const profile = this.get(name);
    return profile ? this.context.secrets.get(secretKey(profile, secretKindOf(profile))) : undefined;
  }

  async setSecret(name: string, value: string): Promise<void> {
    const profile = this.get(name);
    if (!profile) throw new Error(`No device named "${name}" is configured`);
    await this.storeSecret(profile, value, true);
    this.drop(name);
  }

  async add(profile: DeviceProfile, secret?: string): Promise<void> {
    if (this.get(profile.name)) throw new Error(`A device named "${profile.name}" exists already`);
    if (secret !== undefined) await this.storeSecret(profile, secret, true);
    await this.write([...this.rawProfiles(), profile]);
  }

  /**
   * Replaces the profile named `name` (it may be renamed); a given secret replaces the stored one.
   * The secret is bound to the profile's address and certificate trust when it is given or
   * `addressConfirmed` (the user went through the device wizard); to its certificate trust only
   * when `trustConfirmed` (the user chose it in a trust dialog); otherwise its binding stays.
   */
  async update(name: string, profile: DeviceProfile, secret?: string, options: { addressConfirmed?: boolean; trustConfirmed?: boolean } = {}): Promise<void> {
    const old = this.get(name);
    if (!old) throw new Error(`No device named "${name}" is configured`);
    if (profile.name !== name && this.get(profile.name)) throw new Error(`A device named "${profile.name}" exists already`);
    const kept = secret ?? (await this.context.secrets.get(secretKey(old, secretKindOf(old))));
    const bound = parseBinding(await this.context.secrets.get(secretOriginKey(old)));
    if (profile.name !== name || secretKindOf(profile) !== secretKindOf(old)) await this.deleteSecrets(old);
    if (kept !== undefined) {
      const rebind = secret !== undefined || options.addressConfirmed === true;
      await this.storeSecret(profile, kept, rebind);
      if (!rebind && bound) {
        const tls = options.trustConfirmed ? bindingOf(profile).tls : bound.tls;
        await this.context.secrets.store(secretOriginKey(profile), serializeBinding({ origin: bound.origin, tls }));
      }
    }
    const raw = this.rawProfiles().map((entry) => (entry && (entry as DeviceProfile).name === name ? profile : entry));
    this.drop(name);
    await this.write(raw);
  }

  /**
   * Changes only the device's scopes (slots, members, link groups shown in the tree): `edit` gets
   * the scopes as they are in the setting at that moment, so two quick edits do not undo each other
   * (they run one after the other). The secret and HTTP client stay; no scopes removes the key.
   */
  editScopes(name: string, edit: (current: AllegroScope[]) => AllegroScope[]): Promise<void> {
    const run = this.scopeEdits.then(async () => {
      const current = this.get(name);
      if (!current) throw new Error(`No device named "${name}" is configured`);
      const scopes = edit(current.scopes ?? []);
      const raw = this.rawProfiles().map((entry) => {
        if (!entry || typeof entry !== 'object' || (entry as DeviceProfile).name !== name) return entry;
        const rest = withoutScopes(entry as DeviceProfile);
        return scopes.length ? { ...rest, scopes } : rest;
      });
      await this.write(raw);
    });
    this.scopeEdits = run.catch(() => undefined);
    return run;
  }

  private scopeEdits: Promise<unknown> = Promise.resolve();

  /** Removes the profile and its secrets. */
  async remove(name: string): Promise<void> {
    const profile = this.get(name);
    if (!profile) return;
    await this.deleteSecrets(profile);
    this.drop(name);
    await this.write(this.rawProfiles().filter((entry) => !(entry && (entry as DeviceProfile).name === name)));
  }

  dispose(): void {
    for (const cached of this.clients.values()) this.closeLater(cached);
    this.clients.clear();
    for (const d of this.disposables) d.dispose();
  }

  /**
   * The device's client. Without a stored secret it fails at once (a request without credentials
   * would only come back as a misleading "401: password refused"). A secret is only sent to the
   * address and with the certificate trust it was stored with: when `probeExplorer.devices` now
   * points the same name elsewhere or trusts another certificate (edited by hand, or by a
   * workspace's settings), the user confirms that first (secretBinding.ts).
   */
  private async build(profile: DeviceProfile, settings: TransportSettings): Promise<HttpClientApi> {
    const secret = await this.context.secrets.get(secretKey(profile, secretKindOf(profile)));
    if (!secret) throw new Error(missingSecretMessage(profile.name, secretLabelOf(profile)));
    const bound = parseBinding(await this.context.secrets.get(secretOriginKey(profile)));
    if (!bound) await this.context.secrets.store(secretOriginKey(profile), serializeBinding(bindingOf(profile))); // imported or older secrets: first use binds
    else {
      const problem = bindingProblem(profile.name, secretLabelOf(profile), bound, profile);
      if (problem) throw new Error(problem);
    }
    return createHttpClient(clientOptionsOf(profile, secret, settings, this.log));
  }

  private reload(): void {
    const check = validateProfiles(vscode.workspace.getConfiguration().get(SETTING));
    this.profiles = check.profiles;
    this.problemLines = check.problems;
    for (const problem of check.problems) this.log.warn(`Device settings: ${problem}`);
    for (const name of [...this.clients.keys()]) if (!this.get(name)) this.drop(name);
    void vscode.commands.executeCommand('setContext', 'probeExplorer.deviceCount', this.profiles.length);
  }

  private transportSettings(): TransportSettings {
    const config = vscode.workspace.getConfiguration('probeExplorer');
    const http = vscode.workspace.getConfiguration('http');
    return {
      maxConcurrentRequests: config.get<number>('maxConcurrentRequests', 6),
      timeouts: {
        connectMs: config.get<number>('timeouts.connectMs', 10_000),
        headersMs: config.get<number>('timeouts.headersMs', 30_000),
        bodyIdleMs: config.get<number>('timeouts.bodyIdleMs', 60_000),
      },
      retries: config.get<number>('retries', 3),
      proxy: proxySettingsOf(http.get('proxy'), http.get('noProxy'), http.get('proxyStrictSSL')),
    };
  }

  /** The setting as written, including entries that failed validation (they are kept, not lost). */
  private rawProfiles(): unknown[] {
    const value = vscode.workspace.getConfiguration().get<unknown>(SETTING);
    return Array.isArray(value) ? [...value] : [];
  }

  /** Writes where the devices are defined now: the workspace if it defines them, else user settings. */
  private async write(profiles: unknown[]): Promise<void> {
    const inspected = vscode.workspace.getConfiguration().inspect(SETTING);
    const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration().update(SETTING, profiles, target);
    this.reload();
    this.changed.fire();
  }

  /** Stores the secret; `bind` ties it to the profile's address (else any old binding is dropped). */
  /** The user confirmed the device's certificate trust as it is now (its address binding stays). */
  async confirmTrust(name: string): Promise<void> {
    const profile = this.get(name);
    if (!profile) return;
    const bound = parseBinding(await this.context.secrets.get(secretOriginKey(profile)));
    if (!bound) return;
    await this.context.secrets.store(secretOriginKey(profile), serializeBinding({ origin: bound.origin, tls: bindingOf(profile).tls }));
    this.drop(name);
    this.changed.fire();
  }

  private async storeSecret(profile: DeviceProfile, secret: string, bind: boolean): Promise<void> {
    await this.context.secrets.store(secretKey(profile, secretKindOf(profile)), secret);
    if (bind) await this.context.secrets.store(secretOriginKey(profile), serializeBinding(bindingOf(profile)));
    else await this.context.secrets.delete(secretOriginKey(profile));
  }

  private async deleteSecrets(profile: DeviceProfile): Promise<void> {
    await this.context.secrets.delete(secretKey(profile, 'password'));
    await this.context.secrets.delete(secretKey(profile, 'token'));
    await this.context.secrets.delete(secretOriginKey(profile));
  }

  private drop(name: string): void {
    const cached = this.clients.get(name);
    if (!cached) return;
    this.clients.delete(name);
    this.closeLater(cached);
  }

  /** In-flight requests of a replaced client finish; the client closes afterwards. */
  private closeLater(cached: CachedClient): void {
    cached.client.then((client) => client.close()).catch(() => undefined);
  }
}
