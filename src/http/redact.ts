// Secrets must never reach a log or an error message. redact() scrubs any text that might carry
// one: Authorization headers, Bearer/Basic credentials, JSON fields that hold passwords or tokens,
// `user_credentials` objects, credentials in URLs and secret-looking query parameters.
import type { Logger } from './types';

export const REDACTED = '[redacted]';

const secretField = '(?:password|passwd|pass|secret|token|access_token|refresh_token|id_token|api_key|apikey|client_secret)';

const rules: Array<[RegExp, string | ((...m: string[]) => string)]> = [
  // "user_credentials": { ... } (one level of nesting is all the token login uses)
  [/("user_credentials"\s*:\s*)\{[^{}]*\}/gi, `$1"${REDACTED}"`],
  // JSON: "password": "..." / "refresh_token": "..."
  [new RegExp(`("${secretField}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${REDACTED}"`],
  // Header lines and header objects: Authorization: xxx / authorization=xxx / 'authorization': 'xxx'
  [/((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(Basic|Bearer)\s+)?[^\s"',}]+/gi, (_m, head: string, scheme?: string) => `${head}${scheme ? `${scheme} ` : ''}${REDACTED}`],
  // Bare credentials anywhere else
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/g, `$1 ${REDACTED}`],
  // Query parameters and form fields: ?password=...&token=...
  [new RegExp(`((?:^|[?&;\\s])${secretField}=)[^&\\s#"']*`, 'gi'), `$1${REDACTED}`],
  // user:password@ in URLs
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}@`],
];

/** Returns the text with every secret-looking value replaced by [redacted]. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of rules) out = out.replace(pattern, replacement as string);
  return out;
}

/** Remove known secret values verbatim too (a password need not look like one). */
export function redactValues(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** A Logger that redacts every message and string argument before passing it on. */
export function redactingLogger(logger: Logger, secrets: () => Iterable<string | undefined> = () => []): Logger {
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') return redactValues(redact(value), secrets());
    if (value instanceof Error) return redactValues(redact(value.message), secrets());
    return value;
  };
  // A vscode.LogOutputChannel tells its level (Off 0, Trace 1, Debug 2, Info 3, Warning 4, Error 5):
  // below it, skip the redaction work altogether. Other loggers get everything.
  const rank = { trace: 1, debug: 2, info: 3, warn: 4 } as const;
  const shown = (level: keyof typeof rank) => {
    const current = (logger as { logLevel?: unknown }).logLevel;
    return typeof current !== 'number' || (current !== 0 && current <= rank[level]);
  };
  const wrap = (level: keyof typeof rank) => (message: string, ...args: unknown[]) => {
    if (shown(level)) logger[level](clean(message) as string, ...args.map(clean));
  };
  return {
    trace: wrap('trace'),
    debug: wrap('debug'),
    info: wrap('info'),
    warn: wrap('warn'),
    error: (message: string | Error, ...args: unknown[]) => logger.error(clean(message) as string, ...args.map(clean)),
  };
}

/** A Logger that drops everything (the default). */
export const silentLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
