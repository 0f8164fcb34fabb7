// Users, roles and OAuth-style tokens of the simulated AppResponse (mgmt.aaa 1.0 / 2.0).
// Access tokens expire (lifetime is a knob), refresh tokens mint new ones, Basic auth is accepted too.
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** What a user may do: `reports` runs report instances, `packets` exports packets and reads the file system. */
export type Right = 'reports' | 'packets' | 'admin';

export interface SimUser {
  username: string;
  password: string;
  rights: Right[];
}

export const DEFAULT_USERS: SimUser[] = [
  { username: 'admin', password: 'admin-sim-password', rights: ['reports', 'packets', 'admin'] },
  { username: 'analyst', password: 'analyst-sim-password', rights: ['reports', 'packets'] },
  { username: 'monitor', password: 'monitor-sim-password', rights: ['reports'] },
  { username: 'auditor', password: 'auditor-sim-password', rights: [] },
];

interface TokenRecord {
  username: string;
  expiresAtMs: number;
  revoked: boolean;
}

export type AuthResult =
  | { ok: true; user: SimUser }
  | { ok: false; status: 401; errorId: string; errorText: string };

export class TokenStore {
  private readonly access = new Map<string, TokenRecord>();
  private readonly refresh = new Map<string, string>(); // refresh token → username
  tokenLifetimeMs: number;

  constructor(readonly users: SimUser[], tokenLifetimeMs: number, private readonly clock: () => number) {
    this.tokenLifetimeMs = tokenLifetimeMs;
  }

  findUser(username: string): SimUser | undefined {
    return this.users.find((u) => u.username === username);
  }

  checkPassword(username: string, password: string): SimUser | undefined {
    const user = this.findUser(username);
    if (!user) return undefined;
    const a = Buffer.from(user.password);
    const b = Buffer.from(String(password));
    return a.length === b.length && timingSafeEqual(a, b) ? user : undefined;
  }

  issue(user: SimUser, withRefresh: boolean): { access_token: string; refresh_token?: string; expires_at: number; token_type: string } {
    const token = `ar-${randomBytes(24).toString('base64url')}`;
    const expiresAtMs = this.clock() + this.tokenLifetimeMs;
    this.access.set(token, { username: user.username, expiresAtMs, revoked: false });
    const body: { access_token: string; refresh_token?: string; expires_at: number; token_type: string } = {
      access_token: token,
      expires_at: Math.floor(expiresAtMs / 1000),
      token_type: 'bearer',
    };
    if (withRefresh) {
      const refreshToken = `arr-${randomBytes(24).toString('base64url')}`;
      this.refresh.set(refreshToken, user.username);
      body.refresh_token = refreshToken;
    }
    return body;
  }

  /** A refresh token stays valid until revoked; it mints a new access token. */
  redeem(refreshToken: string): SimUser | undefined {
    const username = this.refresh.get(refreshToken);
    return username ? this.findUser(username) : undefined;
  }

  verify(token: string): AuthResult {
    const record = this.access.get(token);
    if (!record || record.revoked) return { ok: false, status: 401, errorId: 'AUTH_INVALID_TOKEN', errorText: 'Invalid access token' };
    if (record.expiresAtMs <= this.clock()) return { ok: false, status: 401, errorId: 'AUTH_EXPIRED_TOKEN', errorText: 'Access token expired' };
    const user = this.findUser(record.username);
    if (!user) return { ok: false, status: 401, errorId: 'AUTH_INVALID_TOKEN', errorText: 'Invalid access token' };
    return { ok: true, user };
  }

  /** Fault: every access token issued so far expires now (token expiry mid-session). */
  expireAll(): void {
    const now = this.clock();
    for (const record of this.access.values()) record.expiresAtMs = Math.min(record.expiresAtMs, now);
  }

  revokeRefreshTokens(): void {
    this.refresh.clear();
  }

  get activeTokens(): number {
    const now = this.clock();
    let n = 0;
    for (const r of this.access.values()) if (!r.revoked && r.expiresAtMs > now) n++;
    return n;
  }
}
