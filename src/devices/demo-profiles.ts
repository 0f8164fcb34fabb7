// The device profiles of the embedded demo appliances: pinned to the certificate each simulator
// generated at start, with the simulator's own credentials. Pure.
import type { DeviceKind, DeviceProfile } from './profile';

export const DEMO_NAMES: Record<DeviceKind, string> = { allegro: 'Demo Allegro', appresponse: 'Demo AppResponse' };

/** What the demo needs from a running simulator handle. */
export interface DemoHandle {
  url: string;
  fingerprint: string;
  username: string;
  password: string;
}

export function demoProfileOf(kind: DeviceKind, handle: DemoHandle): { profile: DeviceProfile; secret: string } {
  return {
    profile: {
      name: DEMO_NAMES[kind],
      kind,
      url: handle.url,
      // Allegro: Basic with the simulator's admin; AppResponse: the token login, as on a real appliance.
      auth: kind === 'allegro' ? 'basic' : 'token',
      username: handle.username,
      tls: { mode: 'pin', fingerprint: handle.fingerprint },
    },
    secret: handle.password,
  };
}

export function isDemoDevice(name: string): boolean {
  return Object.values(DEMO_NAMES).includes(name);
}
