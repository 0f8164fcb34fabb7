// A device's password or token belongs to the address and the certificate trust it was entered
// with. Secrets are stored by device name, and `probeExplorer.devices` can be changed outside
// Probe Explorer's own dialogs (by hand, or by the settings of a workspace someone else wrote): a
// secret is not sent to another address, nor with weaker or other certificate trust (an
// "insecure" mode, another pinned fingerprint, another CA file), until the user confirms it.
// Pure, so the rules are unit-tested without an editor.
import { normalizeFingerprint } from '../http/tls';
import type { DeviceProfile, TlsSetting } from './profile';

/** What a stored secret is bound to, kept beside it in Secret Storage. */
export interface SecretBinding {
  origin: string;
  /** The TLS setting in a canonical form (see tlsKeyOf). */
  tls: string;
}

/** `https://host:port` of a device URL (default ports made explicit; lower-case host). */
export function originOf(url: string): string {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
  return `${u.protocol}//${u.hostname.toLowerCase()}${port ? `:${port}` : ''}`;
}

/** A TLS setting as one comparable string: `verify`, `pin:<hex>`, `ca:<file>`, `insecure`. */
export function tlsKeyOf(tls: TlsSetting | undefined): string {
  switch (tls?.mode) {
    case 'pin': return `pin:${normalizeFingerprint(tls.fingerprint ?? '')}`;
    case 'ca': return `ca:${tls.caFile ?? ''}`;
    case 'insecure': return 'insecure';
    default: return 'verify';
  }
}

export function bindingOf(profile: Pick<DeviceProfile, 'url' | 'tls'>): SecretBinding {
  return { origin: originOf(profile.url), tls: tlsKeyOf(profile.tls) };
}

export function serializeBinding(binding: SecretBinding): string {
  return JSON.stringify(binding);
}

/** A stored binding; undefined when there is none (or it cannot be read: then the next use binds). */
export function parseBinding(text: string | undefined): SecretBinding | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<SecretBinding>;
    return typeof value.origin === 'string' && typeof value.tls === 'string' ? { origin: value.origin, tls: value.tls } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the secret must not be sent with this profile, or undefined when it may. Full certificate
 * verification (`verify`) is always allowed: it trusts nothing the user did not.
 */
export function bindingProblem(device: string, label: string, bound: SecretBinding, profile: Pick<DeviceProfile, 'url' | 'tls'>): string | undefined {
  const now = bindingOf(profile);
  if (now.origin !== bound.origin) return addressChangedMessage(device, label, bound.origin, now.origin);
  if (now.tls !== bound.tls && now.tls !== 'verify') return trustChangedMessage(device, label, profile.tls);
  return undefined;
}

export function missingSecretMessage(device: string, label: string): string {
  return `${device}: no ${label} is stored for this device in this editor's Secret Storage (it is never kept in settings). Run "Edit Device…" on ${device} to enter it.`;
}

export function addressChangedMessage(device: string, label: string, storedFor: string, now: string): string {
  return `${device}: its address in the settings is now ${now}, but its ${label} was stored for ${storedFor}. The ${label} is not sent to the new address until you confirm it: run "Edit Device…" on ${device} (the stored ${label} is kept if you leave it empty), or put the old address back.`;
}

export function trustChangedMessage(device: string, label: string, tls: TlsSetting | undefined): string {
  const what = tls?.mode === 'insecure' ? 'turn certificate checks off'
    : tls?.mode === 'pin' ? 'pin another certificate'
      : 'trust another CA file';
  return `${device}: its settings now ${what} for this device, which was not chosen in Probe Explorer. The ${label} is not sent until you confirm it: run "Trust Device Certificate…" on ${device}, or undo the change in the settings.`;
}
