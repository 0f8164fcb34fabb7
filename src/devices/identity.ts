// What Test Connection asks and shows: the device's own description of itself. Pure.
import { formatDuration } from '../shared/format';
import type { DeviceKind } from './profile';

export const IDENTITY_PATH: Record<DeviceKind, string> = {
  allegro: '/API/info/system',
  appresponse: '/api/common/1.0/info',
};

export interface DeviceIdentity {
  name?: string;
  model?: string;
  version?: string;
  serial?: string;
  uptimeSeconds?: number;
}

/** Reads the identity answer of either kind, tolerating the field names seen across releases. */
export function identityOf(kind: DeviceKind, body: unknown): DeviceIdentity {
  const data = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const pick = (...keys: string[]) => {
    for (const key of keys) {
      const value = key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), data);
      if (typeof value === 'string' && value.trim()) return value.trim();
      if (typeof value === 'number') return String(value);
    }
    return undefined;
  };
  if (kind === 'appresponse') {
    return clean({
      name: pick('device_name', 'hostname'),
      model: pick('model', 'product'),
      version: pick('sw_version', 'version'),
      serial: pick('serial', 'serial_number'),
      uptimeSeconds: numberOf(pick('uptime', 'uptime_sec')),
    });
  }
  return clean({
    name: pick('name', 'hostname', 'hostName', 'deviceName', 'systemName'),
    model: pick('model', 'deviceType', 'hardware', 'platform', 'product'),
    version: pick('version', 'firmwareVersion', 'softwareVersion', 'firmware'),
    serial: pick('serial', 'serialNumber', 'serialNo'),
    uptimeSeconds: numberOf(pick('uptimeSec', 'uptime')),
  });
}

/** One line such as `mm-lab · Allegro 1000 · version 4.3.1 · serial A123 · up 3 d 4 h`. */
export function formatIdentity(identity: DeviceIdentity): string {
  const parts = [
    identity.name,
    identity.model,
    identity.version && `version ${identity.version}`,
    identity.serial && `serial ${identity.serial}`,
    identity.uptimeSeconds !== undefined ? `up ${formatDuration(identity.uptimeSeconds)}` : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'connected (the device did not describe itself)';
}

function numberOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function clean(identity: DeviceIdentity): DeviceIdentity {
  return Object.fromEntries(Object.entries(identity).filter(([, v]) => v !== undefined)) as DeviceIdentity;
}
