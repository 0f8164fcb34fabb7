// Turns what undici and Node throw into the typed errors of errors.ts.
import { AbortedError, NetworkError, ProbeError, TimeoutError, TlsError } from './errors';
import type { Timeouts } from './types';
import { CertificateRejected } from './tls';
import { redact } from './redact';

const NOT_TLS_CODES = /^ERR_SSL_(WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG)$/;
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH)/;

export function toProbeError(error: unknown, device: string, path: string, timeouts: Timeouts, signal?: AbortSignal): ProbeError {
  if (error instanceof ProbeError) return error;
  if (signal?.aborted) return new AbortedError(device, path, { cause: error });
  const rejected = findCause(error, (e) => e instanceof CertificateRejected) as CertificateRejected | undefined;
  if (rejected) return new TlsError(device, path, rejected.reason, rejected.certificate, { cause: error });
  const code = codeOf(error);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TimeoutError(device, path, 'connect', timeouts.connectMs, { cause: error });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TimeoutError(device, path, 'headers', timeouts.headersMs, { cause: error });
    case 'UND_ERR_BODY_TIMEOUT':
      return new TimeoutError(device, path, 'body', timeouts.bodyIdleMs, { cause: error });
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      if (/proxy/i.test(messageOf(error))) return new NetworkError(device, path, 'PROXY', redact(messageOf(error)), { cause: error });
      return new AbortedError(device, path, { cause: error });
  }
  if ((error as Error)?.name === 'AbortError') return new AbortedError(device, path, { cause: error });
  // An HTTP (not HTTPS) port, or another protocol: the address is wrong, not the certificate.
  if (code && NOT_TLS_CODES.test(code)) return new NetworkError(device, path, 'NOT_TLS', `no TLS handshake (${code})`, { cause: error });
  if (code && TLS_CODES.test(code)) return new TlsError(device, path, `${code}: ${redact(messageOf(error))}`, undefined, { cause: error });
  return new NetworkError(device, path, code, redact(messageOf(error)), { cause: error });
}

function codeOf(error: unknown): string | undefined {
  const own = (error as { code?: unknown })?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: unknown })?.cause;
  return cause && cause !== error ? codeOf(cause) : undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error && error.cause.message !== error.message ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

function findCause(error: unknown, test: (e: unknown) => boolean, depth = 0): unknown {
  if (!error || depth > 5) return undefined;
  if (test(error)) return error;
  return findCause((error as { cause?: unknown }).cause, test, depth + 1);
}
