// Where an Allegro request looks: the live traffic of the device itself (the default), a parallel
// pcap analysis slot or another member of a multi-device setup (`mm-id`), and a virtual link group
// (`group`). The document: "mm-id=<device name>:<slot id> ... If the capture shall be performed on
// the local device, the device name can be omitted (e.g. mm-id=:1 for the first replay slot)";
// "The group index starts at zero, which is the default value."
import type { QueryValue } from '../http/types';

export interface AllegroScope {
  /** `<device name>:<slot id>`, `:<slot id>` (local device), or a multi-device member's name. */
  mmId?: string;
  /** Virtual link group; 0 (or none) is the default group. */
  group?: number;
}

const MM_ID = /^[^\s:]*(:\d+)?$/;

/** Why `text` is not an mm-id, or undefined when it is one (empty counts as "this device"). */
export function mmIdProblem(text: string): string | undefined {
  return MM_ID.test(text) ? undefined : 'mm-id must look like <device name>:<slot id>, e.g. :1 for the first analysis slot of this device';
}

export const MAX_GROUP = 1000;

/** Why `value` is not a link group index, or undefined. */
export function groupProblem(value: unknown): string | undefined {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_GROUP ? undefined : `group must be a whole number from 0 to ${MAX_GROUP} (0 is the default link group)`;
}

/**
 * The scope without parts that name the default: no mm-id for "", ":0" or "local:0" (slot 0 of this
 * device is its live traffic), "name" for "name:0", no group for 0.
 */
export function normalizeScope(scope: AllegroScope): AllegroScope {
  const out: AllegroScope = {};
  let mmId = scope.mmId?.trim() ?? '';
  if (/:0+$/.test(mmId)) mmId = mmId.replace(/:0+$/, '');
  if (mmId === 'local') mmId = '';
  if (mmId.startsWith('local:')) mmId = mmId.slice('local'.length);
  if (mmId) out.mmId = mmId;
  if (scope.group) out.group = scope.group;
  return out;
}

export function isDefaultScope(scope: AllegroScope): boolean {
  const s = normalizeScope(scope);
  return s.mmId === undefined && s.group === undefined;
}

/** The query parameters that select the scope (none for the default). */
export function scopeQuery(scope: AllegroScope): Record<string, QueryValue> {
  const s = normalizeScope(scope);
  return { ...(s.mmId !== undefined ? { 'mm-id': s.mmId } : {}), ...(s.group !== undefined ? { group: s.group } : {}) };
}

/** A stable key of the scope, for node ids and de-duplication. */
export function scopeKey(scope: AllegroScope): string {
  const s = normalizeScope(scope);
  return `mm=${s.mmId ?? ''};g=${s.group ?? 0}`;
}

/** A short human name: "Slot 1", "branch1 · slot 2", "Link group 1", "branch1 · link group 2". */
export function describeScope(scope: AllegroScope): string {
  const s = normalizeScope(scope);
  const parts: string[] = [];
  if (s.mmId !== undefined) {
    // normalized: "local" is gone and slot 0 is never written, so ":N" is a slot of this device
    const colon = s.mmId.lastIndexOf(':');
    const device = colon >= 0 ? s.mmId.slice(0, colon) : s.mmId;
    if (device) parts.push(device);
    if (colon >= 0) parts.push(`${device ? 'slot' : 'Slot'} ${s.mmId.slice(colon + 1)}`);
  }
  if (s.group !== undefined) parts.push(parts.length ? `link group ${s.group}` : `Link group ${s.group}`);
  return parts.length ? parts.join(' · ') : 'Live traffic';
}

/** The scope a request's query selects (`mm-id`, `group`), e.g. to poll its asynchronous job in the same place. */
export function scopeOfQuery(query: Record<string, unknown> | undefined): AllegroScope {
  const mmId = query?.['mm-id'];
  const group = Number(query?.group);
  return normalizeScope({ ...(typeof mmId === 'string' ? { mmId } : {}), ...(Number.isInteger(group) && group > 0 ? { group } : {}) });
}
