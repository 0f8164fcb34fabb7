// Which secret a profile needs and the credentials the HTTP core gets from it. Pure.
import type { Credentials } from '../http/types';
import type { DeviceProfile } from './profile';

/** Allegro API tokens are stored as `token`; every other profile stores a `password`. */
export function secretKindOf(profile: Pick<DeviceProfile, 'kind' | 'auth'>): 'password' | 'token' {
  return profile.kind === 'allegro' && profile.auth === 'token' ? 'token' : 'password';
}

/** How the secret is described to the user. */
export function secretLabelOf(profile: Pick<DeviceProfile, 'kind' | 'auth'>): string {
  return secretKindOf(profile) === 'token' ? 'API token' : 'password';
}

export function credentialsOf(profile: DeviceProfile, secret: string | undefined): Credentials {
  if (!secret) return { kind: 'none' };
  if (profile.kind === 'allegro') {
    return profile.auth === 'token' ? { kind: 'bearer', token: secret } : { kind: 'basic', username: profile.username ?? '', password: secret };
  }
  if (profile.auth === 'token') {
    // OAuth token login; a device without the token service may still take Basic.
    return { kind: 'appresponse', username: profile.username ?? '', password: secret, allowBasicFallback: true };
  }
  return { kind: 'basic', username: profile.username ?? '', password: secret };
}
