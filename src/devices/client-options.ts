// From a device profile, its secret and the editor settings to the options of its HTTP client. Pure.
import type { HttpClientOptions, Logger, ProxySettings, Timeouts } from '../http/types';
import { credentialsOf } from './credentials';
import { tlsPolicyOf, withoutScopes, type DeviceProfile } from './profile';

/** The settings that shape every device client (`probeExplorer.*` and VS Code `http.*`). */
export interface TransportSettings {
  maxConcurrentRequests: number;
  timeouts: Timeouts;
  retries: number;
  proxy: ProxySettings;
}

export function clientOptionsOf(profile: DeviceProfile, secret: string | undefined, settings: TransportSettings, logger?: Logger): HttpClientOptions {
  return {
    deviceName: profile.name,
    baseUrl: profile.url,
    tls: tlsPolicyOf(profile),
    credentials: credentialsOf(profile, secret),
    maxConcurrency: settings.maxConcurrentRequests,
    timeouts: settings.timeouts,
    retries: settings.retries,
    proxy: settings.proxy,
    ...(logger ? { logger } : {}),
  };
}

/** What, when changed, means the cached client must be rebuilt (the secret is tracked separately). */
export function clientKeyOf(profile: DeviceProfile, settings: TransportSettings): string {
  // Scopes (slots, link groups) are chosen per request: changing them keeps the client.
  return JSON.stringify({ profile: withoutScopes(profile), settings });
}

/** VS Code's `http.proxy` / `http.noProxy` / `http.proxyStrictSSL` as ProxySettings. */
export function proxySettingsOf(proxy: unknown, noProxy: unknown, strictSSL: unknown): ProxySettings {
  return {
    ...(typeof proxy === 'string' && proxy.trim() ? { url: proxy.trim() } : {}),
    ...(Array.isArray(noProxy) ? { noProxy: noProxy.filter((x): x is string => typeof x === 'string') } : {}),
    strictSSL: strictSSL !== false,
  };
}
