// Authorization headers per credential kind. AppResponse logs in for an OAuth-style access token
// (POST /api/mgmt.aaa/1.0/token, or 2.0 where 1.0 is absent), keeps it until shortly before
// `expires_at`, refreshes or logs in again after a 401, and shares one login among concurrent requests.
// A login the device refused (wrong user name or password) is not tried again with the same
// credentials for REFUSAL_MS: every request fails with that refusal at once, because appliances
// lock an account after a few failed logins. New credentials mean a new client (the registry
// rebuilds it), which logs in at once.
import type { Credentials, HttpResponse } from './types';

export interface Authenticator {
  /** The Authorization header value for the next request, or undefined for none. */
  authorization(signal?: AbortSignal): Promise<string | undefined>;
  /** After a 401 to a request sent with `used`: true when new credentials are ready and one retry is worth it. */
  renew(used: string | undefined, signal?: AbortSignal): Promise<boolean>;
  /** Secret values to scrub from logs verbatim. */
  secrets(): string[];
}

/** How the token login reaches the device: an anonymous JSON POST that answers any status. */
export interface TokenTransport {
  post(path: string, body: object, signal?: AbortSignal): Promise<HttpResponse<string>>;
  /** The typed error for an unexpected answer. */
  fail(path: string, response: HttpResponse<string>): Error;
  invalid(path: string, detail: string, body: string): Error;
}

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export function createAuthenticator(credentials: Credentials | undefined, transport: TokenTransport, now: () => number = Date.now): Authenticator {
  switch (credentials?.kind) {
    case 'basic': {
      const header = basicHeader(credentials.username, credentials.password);
      return fixed(header, [credentials.password, header.slice(6)]);
    }
    case 'bearer':
      return fixed(`Bearer ${credentials.token}`, [credentials.token]);
    case 'appresponse':
      return new AppResponseTokenAuth(credentials, transport, now);
    default:
      return fixed(undefined, []);
  }
}

function fixed(header: string | undefined, secrets: string[]): Authenticator {
  return {
    authorization: async () => header,
    renew: async () => false,
    secrets: () => secrets,
  };
}

interface Token {
  access: string;
  refresh?: string;
  /** When to stop using it (expires_at minus a safety margin), epoch ms. */
  renewAt: number;
}

/** How long a refused login is not tried again with the same credentials. */
export const REFUSAL_MS = 5 * 60_000;

const TOKEN_PATHS = { '1.0': '/api/mgmt.aaa/1.0/token', '2.0': '/api/mgmt.aaa/2.0/token' } as const;
type TokenVersion = keyof typeof TOKEN_PATHS;

export class AppResponseTokenAuth implements Authenticator {
  private token: Token | undefined;
  private version: TokenVersion | undefined;
  private useBasic = false;
  private pending: Promise<void> | undefined;
  /** The device refused these credentials: the answer requests fail with, with no new login, until `until`. */
  private refused: { path: string; response: HttpResponse<string>; until: number } | undefined;

  constructor(
    private readonly credentials: Extract<Credentials, { kind: 'appresponse' }>,
    private readonly transport: TokenTransport,
    private readonly now: () => number,
  ) {}

  async authorization(signal?: AbortSignal): Promise<string | undefined> {
    this.checkRefused();
    if (!this.useBasic && (!this.token || this.token.renewAt <= this.now())) {
      await this.once(() => (this.token?.refresh ? this.refreshOrLogin() : this.login()), signal);
    }
    return this.current();
  }

  async renew(used: string | undefined, signal?: AbortSignal): Promise<boolean> {
    this.checkRefused();
    if (this.useBasic) return false;
    if (used !== this.current()) return true; // another request already renewed it
    this.token = this.token && { ...this.token, renewAt: 0 };
    await this.once(() => this.refreshOrLogin(), signal);
    return true;
  }

  secrets(): string[] {
    return [this.credentials.password, this.token?.access ?? '', this.token?.refresh ?? ''].filter(Boolean);
  }

  private checkRefused(): void {
    if (!this.refused) return;
    const { path, response, until } = this.refused;
    if (this.now() < until) {
      // A new error each time (callers may add to it), saying that no login was tried.
      const error = this.transport.fail(path, response);
      error.message += ` (no new login tried until ${new Date(until).toISOString().slice(11, 16)} UTC, so that the account is not locked; Edit Device… to change the password)`;
      throw error;
    }
    this.refused = undefined; // one new attempt (the password may have been changed on the device)
  }

  private current(): string | undefined {
    if (this.useBasic) return basicHeader(this.credentials.username, this.credentials.password);
    return this.token ? `Bearer ${this.token.access}` : undefined;
  }

  /** One login at a time; every caller waits for it (each may give up on its own signal). */
  private once(work: () => Promise<void>, signal?: AbortSignal): Promise<void> {
    this.pending ??= work().finally(() => {
      this.pending = undefined;
    });
    if (!signal) return this.pending;
    return Promise.race([
      this.pending,
      new Promise<void>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
    ]);
  }

  private async refreshOrLogin(): Promise<void> {
    const refresh = this.token?.refresh;
    if (refresh && this.version) {
      const path = TOKEN_PATHS[this.version];
      const response = await this.transport.post(path, { refresh_token: refresh });
      if (response.status === 200 || response.status === 201) {
        this.token = this.parse(path, response, refresh);
        return;
      }
      // An expired or revoked refresh token: log in again with the password.
    }
    this.token = undefined;
    await this.login();
  }

  private async login(): Promise<void> {
    const body = {
      user_credentials: { username: this.credentials.username, password: this.credentials.password },
      generate_refresh_token: true,
    };
    const versions: TokenVersion[] = this.version ? [this.version] : ['1.0', '2.0'];
    let last: HttpResponse<string> | undefined;
    for (const version of versions) {
      const path = TOKEN_PATHS[version];
      const response = await this.transport.post(path, body);
      if (response.status === 200 || response.status === 201) {
        this.version = version;
        this.token = this.parse(path, response);
        return;
      }
      last = response;
      if (response.status === 401 || response.status === 403) {
        this.refused = { path, response, until: this.now() + REFUSAL_MS };
        throw this.transport.fail(path, response);
      }
      if (response.status !== 404) throw this.transport.fail(path, response);
    }
    if (this.credentials.allowBasicFallback) {
      this.useBasic = true; // the device has no token service; it accepts Basic instead
      return;
    }
    throw this.transport.fail(TOKEN_PATHS[versions[versions.length - 1]], last!);
  }

  private parse(path: string, response: HttpResponse<string>, previousRefresh?: string): Token {
    let data: { access_token?: unknown; refresh_token?: unknown; expires_at?: unknown; expires_in?: unknown };
    try {
      data = JSON.parse(response.body);
    } catch {
      throw this.transport.invalid(path, 'token answer is not JSON', response.body);
    }
    if (typeof data?.access_token !== 'string' || !data.access_token) throw this.transport.invalid(path, 'token answer has no access_token', response.body);
    const now = this.now();
    const expiresAt = expiryOf(data.expires_at, data.expires_in, now);
    const lifetime = Math.max(0, expiresAt - now);
    const margin = Math.min(60_000, lifetime / 10);
    return {
      access: data.access_token,
      refresh: typeof data.refresh_token === 'string' && data.refresh_token ? data.refresh_token : previousRefresh,
      renewAt: expiresAt - margin,
    };
  }
}

/** `expires_at` is epoch seconds on AppResponse; accept ms, ISO strings and `expires_in` too. */
export function expiryOf(expiresAt: unknown, expiresIn: unknown, now: number): number {
  if (typeof expiresAt === 'number' && Number.isFinite(expiresAt)) return expiresAt < 1e12 ? expiresAt * 1000 : expiresAt;
  if (typeof expiresAt === 'string' && expiresAt.trim()) {
    const numeric = Number(expiresAt);
    if (Number.isFinite(numeric)) return numeric < 1e12 ? numeric * 1000 : numeric;
    const parsed = Date.parse(expiresAt);
    if (!Number.isNaN(parsed)) return parsed;
  }
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn)) return now + expiresIn * 1000;
  return now + 15 * 60_000;
}
