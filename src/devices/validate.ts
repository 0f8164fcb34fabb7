// Checks of what a person types or writes into settings.json: device URLs and profiles.
// Pure, so the rules are unit-tested without an editor.
import { isValidFingerprint } from '../http/tls';
import { groupProblem, isDefaultScope, mmIdProblem, normalizeScope, scopeKey, type AllegroScope } from '../allegro/scope';
import type { DeviceProfile, TlsSetting } from './profile';

/** Adds https:// when no scheme is given and drops a trailing slash. */
export function normalizeDeviceUrl(text: string): string {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  return withScheme.replace(/\/+$/, '');
}

/** An error message for a device URL, or undefined when it is fine. */
export function validateDeviceUrl(text: string): string | undefined {
  if (!text.trim()) return 'Enter the address of the device, e.g. https://10.0.0.5';
  let url: URL;
  try {
    url = new URL(normalizeDeviceUrl(text));
  } catch {
    return `"${text.trim()}" is not a valid URL`;
  }
  // http:// would send the password or token unencrypted, with no certificate to check: a device
  // whose certificate cannot be verified is pinned or, explicitly, not verified, but always https.
  if (url.protocol === 'http:') return 'Use https://: over http:// the password or token would cross the network unencrypted (a self-signed certificate is fine: Probe Explorer offers to pin it)';
  if (url.protocol !== 'https:') return `Use https:// (got ${url.protocol}//)`;
  if (!url.hostname) return 'The URL needs a host name or IP address';
  if (url.username || url.password) return 'Do not put credentials in the URL; they are asked for next and kept in Secret Storage';
  if (url.search || url.hash) return 'The URL must not carry a query (?…) or fragment (#…)';
  if (url.pathname !== '/' && url.pathname !== '') {
    if (/^\/(API|api)(\/|$)/.test(url.pathname)) return 'Give the base URL of the device only (without /API or /api)';
  }
  return undefined;
}

export interface ProfilesCheck {
  profiles: DeviceProfile[];
  /** One line per problem, naming the entry: `probeExplorer.devices[2] ("lab"): …`. */
  problems: string[];
}

const KINDS = ['allegro', 'appresponse'];
const AUTHS = ['basic', 'token'];
const TLS_MODES = ['verify', 'ca', 'pin', 'insecure'];

/** Validates the `probeExplorer.devices` setting; invalid entries are left out and reported. */
export function validateProfiles(value: unknown): ProfilesCheck {
  const profiles: DeviceProfile[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { profiles, problems };
  if (!Array.isArray(value)) return { profiles, problems: ['probeExplorer.devices must be a list of devices'] };
  const names = new Set<string>();
  value.forEach((entry, index) => {
    const label = `probeExplorer.devices[${index}]${entry && typeof entry === 'object' && typeof entry.name === 'string' ? ` ("${entry.name}")` : ''}`;
    const errors = profileProblems(entry);
    if (!errors.length && names.has(entry.name.trim().toLowerCase())) errors.push(`the name "${entry.name}" is used twice`);
    if (errors.length) {
      problems.push(`${label}: ${errors.join('; ')}`);
      return;
    }
    names.add(entry.name.trim().toLowerCase());
    const profile = cleanProfile(entry);
    const checked = checkScopes(entry.scopes, entry.kind);
    for (const p of checked.problems) problems.push(`${label}: ${p}`);
    if (checked.scopes.length) profile.scopes = checked.scopes;
    profiles.push(profile);
  });
  return { profiles, problems };
}

function profileProblems(entry: unknown): string[] {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return ['must be an object with name, kind, url and auth'];
  const p = entry as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof p.name !== 'string' || !p.name.trim()) errors.push('"name" is missing');
  if (!KINDS.includes(p.kind as string)) errors.push(`"kind" must be "allegro" or "appresponse"`);
  if (typeof p.url !== 'string') errors.push('"url" is missing');
  else {
    const urlProblem = validateDeviceUrl(p.url);
    if (urlProblem) errors.push(`"url": ${urlProblem}`);
  }
  if (!AUTHS.includes(p.auth as string)) errors.push(`"auth" must be "basic" or "token"`);
  if (p.username !== undefined && typeof p.username !== 'string') errors.push('"username" must be text');
  const needsUser = p.auth === 'basic' || (p.auth === 'token' && p.kind === 'appresponse');
  if (needsUser && (typeof p.username !== 'string' || !p.username.trim())) errors.push('"username" is needed for this kind of authentication');
  if (p.tls !== undefined) errors.push(...tlsProblems(p.tls));
  return errors;
}

function tlsProblems(value: unknown): string[] {
  if (!value || typeof value !== 'object') return ['"tls" must be an object like {"mode": "verify"}'];
  const tls = value as Record<string, unknown>;
  if (!TLS_MODES.includes(tls.mode as string)) return [`"tls.mode" must be one of ${TLS_MODES.join(', ')}`];
  if (tls.mode === 'pin' && (typeof tls.fingerprint !== 'string' || !isValidFingerprint(tls.fingerprint))) {
    return ['"tls.fingerprint" must be a SHA-256 fingerprint (64 hex digits, colons optional)'];
  }
  if (tls.mode === 'ca' && (typeof tls.caFile !== 'string' || !tls.caFile.trim())) return ['"tls.caFile" is needed for mode "ca"'];
  return [];
}

/**
 * The usable scopes of an entry and what is wrong with the others. A bad scope is left out with a
 * line saying why; the device stays.
 */
function checkScopes(value: unknown, kind: unknown): { scopes: AllegroScope[]; problems: string[] } {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return { scopes: [], problems: [] };
  if (kind !== 'allegro') return { scopes: [], problems: ['"scopes" (analysis slots, link groups) are for Allegro devices: left out'] };
  if (!Array.isArray(value)) return { scopes: [], problems: ['"scopes" must be a list like [{"mmId": ":1"}, {"group": 1}]: left out'] };
  const scopes: AllegroScope[] = [];
  const problems: string[] = [];
  value.forEach((entry, i) => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push(`"scopes[${i}]" must be an object like {"mmId": ":1"} or {"group": 1}: left out`);
      return;
    }
    const s = entry as Record<string, unknown>;
    const errors: string[] = [];
    if (s.mmId !== undefined) {
      const problem = typeof s.mmId === 'string' ? mmIdProblem(s.mmId.trim()) : 'mm-id must be text';
      if (problem) errors.push(`"scopes[${i}].mmId": ${problem}`);
    }
    if (s.group !== undefined) {
      const problem = groupProblem(s.group);
      if (problem) errors.push(`"scopes[${i}].group": ${problem}`);
    }
    if (s.mmId === undefined && s.group === undefined) errors.push(`"scopes[${i}]" needs "mmId" or "group"`);
    if (errors.length) problems.push(`${errors.join('; ')}: left out`);
    else scopes.push({ ...(typeof s.mmId === 'string' ? { mmId: s.mmId } : {}), ...(typeof s.group === 'number' ? { group: s.group } : {}) });
  });
  return { scopes: uniqueScopes(scopes), problems };
}

function cleanProfile(entry: Record<string, unknown>): DeviceProfile {
  const tls = entry.tls as TlsSetting | undefined;
  return {
    name: (entry.name as string).trim(),
    kind: entry.kind as DeviceProfile['kind'],
    url: normalizeDeviceUrl(entry.url as string),
    auth: entry.auth as DeviceProfile['auth'],
    ...(typeof entry.username === 'string' && entry.username.trim() ? { username: entry.username.trim() } : {}),
    ...(tls ? { tls: { mode: tls.mode, ...(tls.caFile ? { caFile: tls.caFile } : {}), ...(tls.fingerprint ? { fingerprint: tls.fingerprint } : {}) } } : {}),
  };
}

/** The configured scopes, normalized, each once, the device's own live traffic left out. */
function uniqueScopes(scopes: AllegroScope[]): AllegroScope[] {
  const seen = new Set<string>();
  const out: AllegroScope[] = [];
  for (const raw of scopes) {
    const scope = normalizeScope(raw);
    const key = scopeKey(scope);
    if (isDefaultScope(scope) || seen.has(key)) continue;
    seen.add(key);
    out.push(scope);
  }
  return out;
}

/** An error message for a new device name, or undefined when it is fine. */
export function validateDeviceName(name: string, taken: string[]): string | undefined {
  if (!name.trim()) return 'Enter a name for the device';
  if (taken.some((other) => other.toLowerCase() === name.trim().toLowerCase())) return `A device named "${name.trim()}" exists already`;
  return undefined;
}

/**
 * Same host and port (scheme defaults applied): a device's trust setting (pin, CA file, or
 * "insecure") belongs to the address it was made for, so another host is asked about again.
 */
export function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host.toLowerCase() === new URL(b).host.toLowerCase();
  } catch {
    return false;
  }
}
