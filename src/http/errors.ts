// Typed transport errors. Messages name the device and the path, never a secret.

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 of the DER certificate, upper-case hex with colons. */
  fingerprint: string;
}

export abstract class ProbeError extends Error {
  abstract readonly kind: 'network' | 'timeout' | 'aborted' | 'tls' | 'http' | 'invalid-response';
  constructor(
    readonly device: string,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Connection refused, reset, DNS failure, proxy failure. */
export class NetworkError extends ProbeError {
  readonly kind = 'network' as const;
  constructor(device: string, path: string, readonly code: string | undefined, detail: string, options?: { cause?: unknown }) {
    super(device, path, `${device}: ${path}: network error${code ? ` (${code})` : ''}: ${detail}${networkHint(code)}`, options);
  }
}

/** What to check for the common network failures (the detail alone reads like a stack trace). */
function networkHint(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED': return ' (nothing accepts connections at this address and port: check the host and port in the device URL, and that the device\'s web interface is running)';
    case 'ENOTFOUND': return ' (the host name does not resolve: check its spelling, or use the IP address)';
    case 'EAI_AGAIN': return ' (the name lookup failed for now: check DNS or the VPN)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH': return ' (no route to this address: check the address, the VPN or the network)';
    case 'ECONNRESET': return ' (the connection was closed from the other end: the device, a firewall or a proxy; try again)';
    default: return '';
  }
}

export class TimeoutError extends ProbeError {
  readonly kind = 'timeout' as const;
  constructor(device: string, path: string, readonly phase: 'connect' | 'headers' | 'body', readonly afterMs: number, options?: { cause?: unknown }) {
    super(device, path, `${device}: ${path}: no ${phase === 'body' ? 'data' : phase === 'headers' ? 'response' : 'connection'} within ${afterMs} ms`, options);
  }
}

export class AbortedError extends ProbeError {
  readonly kind = 'aborted' as const;
  constructor(device: string, path: string, options?: { cause?: unknown }) {
    super(device, path, `${device}: ${path}: cancelled`, options);
  }
}

/** The certificate was refused: unknown CA, pin mismatch, expired, wrong host. */
export class TlsError extends ProbeError {
  readonly kind = 'tls' as const;
  constructor(
    device: string,
    path: string,
    readonly reason: string,
    readonly certificate: CertificateInfo | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      device,
      path,
      `${device}: certificate not trusted: ${reason}` +
        (certificate ? ` (SHA-256 fingerprint ${certificate.fingerprint}, subject ${certificate.subject}, issuer ${certificate.issuer})` : ''),
      options,
    );
  }
}

/** Non-2xx status. errorId/errorText come from the device's JSON error body where it gives them. */
export class HttpStatusError extends ProbeError {
  readonly kind = 'http' as const;
  constructor(
    device: string,
    path: string,
    readonly method: string,
    readonly status: number,
    readonly errorId: string | undefined,
    readonly errorText: string | undefined,
    readonly body: string,
  ) {
    super(device, path, `${device}: ${method} ${path}: HTTP ${status}${errorId ? ` ${errorId}` : ''}${errorText ? `: ${errorText}` : ''}${hint(status)}`);
  }
}

/** 2xx but the body is not what was promised (broken JSON, wrong shape). */
export class InvalidResponseError extends ProbeError {
  readonly kind = 'invalid-response' as const;
  constructor(device: string, path: string, readonly detail: string, readonly bodyExcerpt: string) {
    super(device, path, `${device}: ${path}: invalid response: ${detail}`);
  }
}

function hint(status: number): string {
  if (status === 401) return ' (check the user name and password or token of this device)';
  if (status === 403) return ' (the user lacks the role or permission for this request)';
  return '';
}
