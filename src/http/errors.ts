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
    case 'UND_ERR_SOCKET': return ' (the connection was closed from the other end before the answer was complete: the device, a firewall or a proxy; try again)';
    case 'NOT_TLS': return ' (something answers at this address and port, but not with HTTPS: check the port in the device URL; the web interface of an appliance usually listens on 443)';
    default: return '';
  }
}

export class TimeoutError extends ProbeError {
  readonly kind = 'timeout' as const;
  constructor(device: string, path: string, readonly phase: 'connect' | 'headers' | 'body', readonly afterMs: number, options?: { cause?: unknown }) {
    super(device, path, `${device}: ${path}: no ${phase === 'body' ? 'data' : phase === 'headers' ? 'response' : 'connection'} within ${afterMs} ms${timeoutHint(phase)}`, options);
  }
}

/** What to check when a timeout hits, and the setting that sets it. */
function timeoutHint(phase: 'connect' | 'headers' | 'body'): string {
  switch (phase) {
    case 'connect': return ' (the device did not complete a connection: check the host and port in the device URL, the VPN or a firewall; probeExplorer.timeouts.connectMs sets this limit)';
    case 'headers': return ' (the device took the request but did not answer: it may be busy; try again, or raise probeExplorer.timeouts.headersMs)';
    case 'body': return ' (the device stopped sending in the middle of its answer: try again, or raise probeExplorer.timeouts.bodyIdleMs)';
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
    super(device, path, `${device}: ${method} ${path}: HTTP ${status}${errorId ? ` ${errorId}` : ''}${errorText ? `: ${errorText}` : ''}${httpStatusHint(status)}`);
  }
}

/** 2xx but the body is not what was promised (broken JSON, wrong shape). */
export class InvalidResponseError extends ProbeError {
  readonly kind = 'invalid-response' as const;
  constructor(device: string, path: string, readonly detail: string, readonly bodyExcerpt: string) {
    super(device, path, `${device}: ${path}: invalid response: ${detail} (the answer was broken or cut short: try again; if it keeps happening, the device or a proxy in between is at fault)`);
  }
}

/** What to do about a status, in parentheses with a leading space ('' when there is nothing to say). */
export function httpStatusHint(status: number): string {
  if (status === 401) return ' (check the user name and password or token of this device)';
  if (status === 403) return ' (the user lacks the role or permission for this request)';
  if (status === 503) return ' (the device is busy or starting up: try again in a minute)';
  if (status === 502 || status === 504) return ' (a gateway or proxy between you and the device got no good answer from it: try again; if it keeps happening, check the device and the proxy)';
  if (status >= 500) return ' (the device failed on this request: try again; if it keeps happening, check the device\'s own logs or health page)';
  return '';
}
