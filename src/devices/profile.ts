// Device profiles as stored in the `probeExplorer.devices` setting. Pure: no vscode import,
// so the clients, the simulator and the tests share it. Secrets are never part of a profile.
import type { TlsPolicy } from '../http/types';
import type { AllegroScope } from '../allegro/scope';

export type DeviceKind = 'allegro' | 'appresponse';
export type DeviceAuth = 'basic' | 'token';

export interface DeviceProfile {
  name: string;
  kind: DeviceKind;
  url: string;
  auth: DeviceAuth;
  username?: string;
  tls?: TlsSetting;
  /**
   * Allegro only: analysis slots, multi-device members and virtual link groups shown in the tree
   * beside the device's own live traffic (members the device lists itself are shown anyway).
   */
  scopes?: AllegroScope[];
}

/** The setting's form of a TLS policy (flat, so it edits well in settings.json). */
export interface TlsSetting {
  mode: TlsPolicy['mode'];
  caFile?: string;
  fingerprint?: string;
}

export function tlsPolicyOf(profile: DeviceProfile): TlsPolicy {
  const tls = profile.tls ?? { mode: 'verify' };
  switch (tls.mode) {
    case 'ca':
      if (!tls.caFile) throw new Error(`${profile.name}: TLS mode "ca" needs "caFile"`);
      return { mode: 'ca', caFile: tls.caFile };
    case 'pin':
      if (!tls.fingerprint) throw new Error(`${profile.name}: TLS mode "pin" needs "fingerprint"`);
      return { mode: 'pin', fingerprint: tls.fingerprint };
    case 'insecure':
      return { mode: 'insecure' };
    default:
      return { mode: 'verify' };
  }
}

/** Key of a device's secret in SecretStorage (password, API token). */
export function secretKey(profile: Pick<DeviceProfile, 'name'>, what: 'password' | 'token'): string {
  return `probeExplorer.device/${encodeURIComponent(profile.name)}/${what}`;
}

/** Key of what a device's stored secret is bound to: its address and certificate trust (see secretBinding.ts). */
export function secretOriginKey(profile: Pick<DeviceProfile, 'name'>): string {
  return `probeExplorer.device/${encodeURIComponent(profile.name)}/origin`;
}

/** The profile without its scopes: what identifies the device and how to reach it. */
export function withoutScopes(profile: DeviceProfile): Omit<DeviceProfile, 'scopes'> {
  const { scopes: _scopes, ...rest } = profile;
  return rest;
}

/**
 * A profile rebuilt by a wizard (Edit Device, the demo) keeps the scopes configured on the one it
 * replaces: slots and link groups are not asked for again and must not be lost.
 */
export function keepScopes(next: DeviceProfile, previous: DeviceProfile | undefined): DeviceProfile {
  if (next.kind !== 'allegro' || previous?.kind !== 'allegro' || !previous.scopes?.length || next.scopes) return next;
  return { ...next, scopes: previous.scopes };
}
