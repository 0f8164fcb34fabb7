// "Copy as curl / PowerShell / Python requests": the request of a tree node in the forms the
// Allegro REST API document teaches. Credentials are always the document's placeholders
// (USER:PASSWORD, API_TOKEN): this module is never given a secret, so it cannot leak one.
import type { TlsSetting } from '../devices/profile';

export interface SnippetRequest {
  /** Full URL without credentials, e.g. https://allegro-mm/API/stats/modules/ip/ips_paged?sort=bytes */
  url: string;
  method?: 'GET' | 'OPTIONS' | 'DELETE' | 'POST';
  /** `basic`: -u USER:PASSWORD; `token`: Authorization: Bearer API_TOKEN. */
  auth: 'basic' | 'token';
  /** The device's TLS setting decides between -k, --cacert FILE and nothing. */
  tls?: TlsSetting;
  /** JSON body of a POST. */
  body?: unknown;
}

export const USER_PLACEHOLDER = 'USER';
export const PASSWORD_PLACEHOLDER = 'PASSWORD';
export const TOKEN_PLACEHOLDER = 'API_TOKEN';

/** A URL as it may appear in a snippet: any user:password@ part is removed. */
function cleanUrl(raw: string): URL {
  const url = new URL(raw);
  url.username = '';
  url.password = '';
  return url;
}

/** Single-quoted for POSIX shells and PowerShell alike ('' inside PowerShell, '\'' in sh). */
function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function psQuote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function pyString(s: string): string {
  return JSON.stringify(s);
}

function skipsVerification(tls: TlsSetting | undefined): boolean {
  // A pinned or explicitly untrusted certificate is self-signed: the tools need their "insecure" switch.
  return tls?.mode === 'insecure' || tls?.mode === 'pin';
}

/** curl --silent -k -u USER:PASSWORD 'https://allegro-mm/...' */
export function curlSnippet(req: SnippetRequest): string {
  const url = cleanUrl(req.url).toString();
  const parts = ['curl', '--silent'];
  if (skipsVerification(req.tls)) parts.push('-k');
  else if (req.tls?.mode === 'ca' && req.tls.caFile) parts.push('--cacert', shQuote(req.tls.caFile));
  if (req.auth === 'token') parts.push('-H', `"Authorization: Bearer ${TOKEN_PLACEHOLDER}"`);
  else parts.push('-u', `${USER_PLACEHOLDER}:${PASSWORD_PLACEHOLDER}`);
  parts.push(shQuote(url));
  const method = req.method ?? 'GET';
  if (method !== 'GET') parts.push('-X', method);
  if (req.body !== undefined) parts.push('--header', '"Content-Type: application/json"', '-d', shQuote(JSON.stringify(req.body)));
  return parts.join(' ');
}

/** Invoke-RestMethod -Uri '...' -Headers @{Authorization = ...} -Method 'Get' -SkipCertificateCheck */
export function powerShellSnippet(req: SnippetRequest): string {
  const url = cleanUrl(req.url).toString();
  const header = req.auth === 'token'
    ? `@{Authorization = ("Bearer ${TOKEN_PLACEHOLDER}")}`
    : `@{Authorization = ("Basic {0}" -f [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes(("{0}:{1}" -f '${USER_PLACEHOLDER}', '${PASSWORD_PLACEHOLDER}'))))}`;
  const method = req.method ?? 'GET';
  const parts = ['Invoke-RestMethod', '-Uri', psQuote(url), '-Headers', header, '-Method', psQuote(method[0] + method.slice(1).toLowerCase())];
  if (req.body !== undefined) parts.push('-ContentType', "'application/json'", '-Body', psQuote(JSON.stringify(req.body)));
  if (skipsVerification(req.tls)) parts.push('-SkipCertificateCheck');
  return parts.join(' ');
}

/** The document's Python form: a requests.Session with auth, the path and params split out. */
export function pythonSnippet(req: SnippetRequest): string {
  const url = cleanUrl(req.url);
  const host = `${url.protocol}//${url.host}`;
  const params = [...url.searchParams.entries()];
  const method = (req.method ?? 'GET').toLowerCase();
  const lines = ['#! /usr/bin/python3', 'import requests'];
  if (skipsVerification(req.tls)) lines.push('requests.packages.urllib3.disable_warnings()');
  lines.push(`host = ${pyString(host)}`, 'session = requests.Session()');
  if (req.auth === 'token') lines.push(`session.headers["Authorization"] = "Bearer ${TOKEN_PLACEHOLDER}"`);
  else lines.push(`session.auth = ("${USER_PLACEHOLDER}", "${PASSWORD_PLACEHOLDER}")`);
  if (skipsVerification(req.tls)) lines.push('session.verify = False  # disable ssl verification');
  else if (req.tls?.mode === 'ca' && req.tls.caFile) lines.push(`session.verify = ${pyString(req.tls.caFile)}`);
  const args = [`host + ${pyString(url.pathname)}`];
  if (params.length) {
    lines.push('params = {');
    for (const [k, v] of params) lines.push(`    ${pyString(k)}: ${pyValue(v)},`);
    lines.push('}');
    args.push('params=params');
  }
  if (req.body !== undefined) args.push(`json=${JSON.stringify(req.body)}`);
  const call = method === 'options' ? `session.request("OPTIONS", ${args.join(', ')})` : `session.${method}(${args.join(', ')})`;
  lines.push(`with ${call} as resp:`, '    print(resp.json())');
  return lines.join('\n');
}

function pyValue(v: string): string {
  if (v === 'true') return 'True';
  if (v === 'false') return 'False';
  if (/^-?\d+$/.test(v) && v.length < 16) return v;
  return pyString(v);
}
