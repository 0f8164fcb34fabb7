// Per-device TLS policy. The TLS handshake always completes without Node's own rejection so the
// certificate can be inspected; the policy then accepts or refuses the socket before a single
// request byte is written. Nothing here touches global TLS state.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { Client, buildConnector } from 'undici';
import { undici } from './undici';
import type { CertificateInfo } from './errors';
import type { ProxySettings, TlsPolicy } from './types';
import { proxyFor } from './proxy';

/** Thrown by the guarded connector; mapped to TlsError by the client. */
export class CertificateRejected extends Error {
  readonly code = 'PROBE_TLS_REJECTED';
  constructor(readonly reason: string, readonly certificate: CertificateInfo | undefined) {
    super(`certificate not trusted: ${reason}`);
  }
}

/** Normalised fingerprint for comparison: lower-case hex, no separators. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

/** Upper-case hex with colons, as browsers show it. */
export function formatFingerprint(fingerprint: string): string {
  return normalizeFingerprint(fingerprint).toUpperCase().match(/../g)?.join(':') ?? '';
}

export function isValidFingerprint(fingerprint: string): boolean {
  return /^[0-9a-f]{64}$/.test(normalizeFingerprint(fingerprint)) && /^[0-9a-fA-F:\s]+$/.test(fingerprint.trim());
}

export function certificateInfoOf(der: Buffer): CertificateInfo {
  const cert = new X509Certificate(der);
  const oneLine = (name: string) => name.split('\n').filter(Boolean).join(', ');
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    fingerprint: cert.fingerprint256,
  };
}

/** TLS options for the device connection (before the policy check). */
export function tlsOptionsOf(policy: TlsPolicy): tls.ConnectionOptions {
  const options: tls.ConnectionOptions = { rejectUnauthorized: false };
  if (policy.mode === 'ca') {
    // Added to the system roots, for this device only.
    options.ca = [...tls.rootCertificates, readCaFile(policy.caFile)];
  }
  return options;
}

function readCaFile(caFile: string): string {
  try {
    return fs.readFileSync(caFile, 'utf8');
  } catch (error) {
    throw new CertificateRejected(`cannot read CA file ${caFile}: ${(error as Error).message}`, undefined);
  }
}

/** Accepts or refuses an established TLS socket according to the policy. */
export function checkSocket(socket: tls.TLSSocket, policy: TlsPolicy): CertificateRejected | undefined {
  if (policy.mode === 'insecure') return undefined;
  const peer = socket.getPeerCertificate(true);
  const info = peer?.raw ? certificateInfoOf(peer.raw) : undefined;
  if (!info) return new CertificateRejected('the device sent no certificate', undefined);
  if (policy.mode === 'pin') {
    if (normalizeFingerprint(info.fingerprint) === normalizeFingerprint(policy.fingerprint)) return undefined;
    return new CertificateRejected(`fingerprint does not match the pinned ${formatFingerprint(policy.fingerprint)}`, info);
  }
  if (socket.authorized) return undefined;
  return new CertificateRejected(describeVerifyError(String(socket.authorizationError ?? 'unknown error')), info);
}

function describeVerifyError(code: string): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return `self-signed certificate (${code})`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `issued by an unknown authority (${code})`;
    case 'CERT_HAS_EXPIRED':
      return 'certificate has expired';
    case 'CERT_NOT_YET_VALID':
      return 'certificate is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'certificate is not for this host name';
    default:
      return code;
  }
}

type Connector = buildConnector.connector;

/** Wraps a connector so every TLS socket passes the policy before undici may use it. */
export function guardConnector(connect: Connector, policy: TlsPolicy): Connector {
  return (options, callback) => {
    connect(options, (error, socket) => {
      if (error || !socket) return callback(error ?? new Error('no socket'), null);
      if (options.protocol === 'https:' && socket instanceof tls.TLSSocket) {
        const refusal = checkSocket(socket, policy);
        if (refusal) {
          socket.destroy();
          return callback(refusal, null);
        }
      }
      callback(null, socket);
    });
  };
}

/** The certificate a server presents, without trusting it (for the "Trust certificate" flow). */
export async function fetchCertificate(
  baseUrl: string,
  proxy?: ProxySettings,
  options: { timeoutMs?: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): Promise<CertificateInfo> {
  const url = new URL(baseUrl);
  if (url.protocol !== 'https:') throw new Error(`${baseUrl} is not an https URL`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const route = proxyFor(url, proxy, options.env ?? process.env);
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])]);
  let tunnel: net.Socket | undefined;
  let proxyClient: Client | undefined;
  try {
    if (route.proxyUrl) {
      proxyClient = new (undici().Client)(route.proxyUrl, { connect: { rejectUnauthorized: route.strictSSL, timeout: timeoutMs } });
      const { socket, statusCode } = await proxyClient.connect({ path: `${url.hostname}:${port}`, headers: { host: `${url.hostname}:${port}` }, signal });
      if (statusCode !== 200) {
        socket.destroy();
        throw new Error(`proxy ${route.proxyUrl} refused the tunnel (HTTP ${statusCode})`);
      }
      tunnel = socket as net.Socket;
    }
    return await new Promise<CertificateInfo>((resolve, reject) => {
      const socket = tls.connect({
        host,
        port,
        socket: tunnel,
        servername: net.isIP(host) ? undefined : host,
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1'],
      });
      const fail = (error: unknown) => {
        socket.destroy();
        reject(error);
      };
      const onAbort = () => fail(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('secureConnect', () => {
        signal.removeEventListener('abort', onAbort);
        const peer = socket.getPeerCertificate(true);
        socket.end();
        if (!peer?.raw) reject(new Error(`${baseUrl} sent no certificate`));
        else resolve(certificateInfoOf(peer.raw));
      });
      socket.once('error', (error) => {
        signal.removeEventListener('abort', onAbort);
        fail(error);
      });
    });
  } finally {
    tunnel?.destroy();
    await proxyClient?.destroy();
  }
}
