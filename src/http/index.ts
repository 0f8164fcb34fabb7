// The HTTP core: one client per device. See types.ts for the contract and errors.ts for failures.
import { HttpClient, type HttpClientExtras } from './client';
import type { HttpClientApi, HttpClientOptions } from './types';

export type * from './types';
export * from './errors';
export { fetchCertificate, formatFingerprint, normalizeFingerprint, isValidFingerprint } from './tls';
export { redact, redactingLogger, silentLogger } from './redact';
export { proxyFor, bypassesProxy, type ProxyRoute } from './proxy';
export { DEFAULT_TIMEOUTS, type HttpClientExtras } from './client';

/** Builds the client of one device: its own keep-alive pool, TLS policy, proxy, credentials and limit. */
export function createHttpClient(options: HttpClientOptions & HttpClientExtras): HttpClientApi & { readonly inFlight: number } {
  return new HttpClient(options);
}
