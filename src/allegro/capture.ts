// Allegro pcap extraction (`GET /API/data/modules/capture`): the form an analyst fills in,
// its validation (expression checked before anything is sent), the query with microsecond
// timestamps, and the download into the workspace through the shared capture writer.
import type { HttpClientApi, QueryValue } from '../http/types';
import type { CaptureTarget } from '../pcap/target';
import { EmptyCaptureError, saveCaptureStream, type SavedCapture } from '../pcap/download';
import { noPacketsMessage, type AskedCapture } from '../pcap/shortfall';
import type { CaptureSidecar } from '../pcap/sidecar';
import { SIDECAR_SCHEMA, captureFacts, rerunRecord, type RerunSource } from '../pcap/sidecar';
import type { CaptureWriterOptions } from '../pcap/writer';
import { mmIdProblem } from './scope';

export const CAPTURE_PATH = '/API/data/modules/capture';

export type CaptureWindow =
  /** The last N minutes, from the packet ring buffer. */
  | { kind: 'lastMinutes'; minutes: number }
  /** Absolute start / end, milliseconds since the epoch (microseconds in `startUs`/`endUs` win when given). */
  | { kind: 'absolute'; startMs: number; endMs: number; startUs?: number; endUs?: number }
  /** Live traffic from now on, for N seconds. */
  | { kind: 'live'; seconds: number };

export interface AllegroCaptureForm {
  /** Capture filter expression; empty captures everything. */
  expression: string;
  window: CaptureWindow;
  /** Extract from the packet ring buffer (default: true for past windows, false for live). */
  fromCaptureBuffer?: boolean;
  captureBufferSlotId?: number;
  /** Truncate packets to this many bytes (65535 = unlimited). */
  snapPacketLength?: number;
  /** `<device name>:<slot id>` (or `:1` for the first replay slot of this device). */
  mmId?: string;
  /** Keep a file when no packet matches (a pcap header only); by default none is kept. */
  keepEmpty?: boolean;
}

export interface CaptureRequest {
  path: string;
  query: Record<string, QueryValue>;
  /** Microseconds since the epoch. */
  startUs?: number;
  endUs: number;
  /** For progress: wall-clock end of a live capture. */
  liveEndsAtMs?: number;
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  message: string;
  start: number;
  end: number;
}

/** Microseconds since the epoch, as the capture API expects. */
export function toEpochMicros(ms: number): number {
  return Math.round(ms * 1000);
}

/**
 * Parses a time typed by the analyst: ISO 8601 (`2026-01-02T03:04:05.123456Z`), local
 * `YYYY-MM-DD HH:MM[:SS[.ffffff]]`, or epoch seconds / milliseconds / microseconds (by size).
 * Returns microseconds since the epoch, or undefined.
 */
export function parseTimeToMicros(text: string, localOffsetMinutes?: (ms: number) => number): number | undefined {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) {
    const v = Number(s);
    if (v < 1e11) return Math.round(v * 1e6); // seconds
    if (v < 1e14) return Math.round(v * 1e3); // milliseconds
    return Math.round(v); // microseconds
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const wholeMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec ?? 0));
  if (Number.isNaN(wholeMs)) return undefined;
  const micros = frac ? Number(frac.padEnd(6, '0').slice(0, 6)) : 0;
  let offsetMin: number;
  if (zone === undefined) {
    // Local time, like `date --date=...` in the document's examples.
    offsetMin = localOffsetMinutes ? localOffsetMinutes(wholeMs) : -new Date(wholeMs).getTimezoneOffset();
    // Re-evaluate at the guessed instant to get DST right.
    if (!localOffsetMinutes) offsetMin = -new Date(wholeMs - offsetMin * 60_000).getTimezoneOffset();
  } else if (zone.toUpperCase() === 'Z') offsetMin = 0;
  else {
    const z = zone.replace(':', '');
    offsetMin = (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)));
  }
  return (wholeMs - offsetMin * 60_000) * 1000 + micros;
}

export function isoFromMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(Math.round(us - Math.floor(us / 1e6) * 1e6)).padStart(6, '0')}Z`;
}

// ---------- expressions ----------

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const MAC = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i;
const L4 = new Set(['tcp', 'udp', 'icmp', 'icmpv6', 'sctp', 'gre', 'esp', 'ah', 'igmp']);

export function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

export function isIpv6(s: string): boolean {
  if (!/^[0-9a-f:.]+$/i.test(s) || !s.includes(':')) return false;
  const double = s.split('::');
  if (double.length > 2) return false;
  const groups = s.split(':').filter((g) => g !== '');
  const last = groups[groups.length - 1] ?? '';
  const v4tail = last.includes('.');
  if (v4tail && !isIpv4(last)) return false;
  const hexGroups = v4tail ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return false;
  const count = hexGroups.length + (v4tail ? 2 : 0);
  return double.length === 2 ? count < 8 : count === 8;
}

function isPort(s: string): boolean {
  return /^\d{1,5}$/.test(s) && Number(s) <= 65535;
}

/** `10.1.2.3`, `10.1.2.0/24`, `10.1.2.3:80`, `2001:db8::1`, `[2001:db8::1]:80`, `2001:db8::/32`. */
function checkIpValue(v: string): string | undefined {
  let addr = v;
  let port: string | undefined;
  let prefix: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(v);
  if (bracket) {
    addr = bracket[1]!;
    port = bracket[2];
  } else if (/^[^:]+:\d+$/.test(v)) {
    [addr, port] = v.split(':') as [string, string];
  }
  const slash = addr.indexOf('/');
  if (slash >= 0) {
    prefix = addr.slice(slash + 1);
    addr = addr.slice(0, slash);
  }
  const v4 = isIpv4(addr);
  if (!v4 && !isIpv6(addr)) return `"${addr}" is not an IPv4 or IPv6 address`;
  if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= (v4 ? 32 : 128))) return `"/${prefix}" is not a valid prefix length`;
  if (port !== undefined && !isPort(port)) return `"${port}" is not a port (0-65535)`;
  return undefined;
}

interface Token {
  kind: 'word' | 'op' | 'lparen' | 'rparen' | 'and' | 'or' | 'not';
  text: string;
  start: number;
  end: number;
}

function tokenize(text: string, diags: Diagnostic[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      out.push({ kind: two === '&&' ? 'and' : 'or', text: two, start: i, end: i + 2 });
      i += 2;
    } else if (two === '==' || two === '!=') {
      out.push({ kind: 'op', text: two, start: i, end: i + 2 });
      i += 2;
    } else if (c === '<' || c === '>') {
      const len = text[i + 1] === '=' ? 2 : 1;
      diags.push({ severity: 'error', message: 'capture expressions compare with "==" or "!=" only', start: i, end: i + len });
      out.push({ kind: 'op', text: '==', start: i, end: i + len });
      i += len;
    } else if (c === '=') {
      diags.push({ severity: 'error', message: 'use "==" to compare', start: i, end: i + 1 });
      out.push({ kind: 'op', text: '==', start: i, end: i + 1 });
      i++;
    } else if (c === '!') {
      out.push({ kind: 'not', text: c, start: i, end: i + 1 });
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c, start: i, end: i + 1 });
      i++;
    } else {
      let j = i;
      // A bracketed IPv6 may contain ':'; words stop at blanks, parentheses, operators.
      while (j < text.length && !/[\s()=!<>&|]/.test(text[j]!)) j++;
      if (j === i) {
        diags.push({ severity: 'error', message: `unexpected character "${c}"`, start: i, end: i + 1 });
        i++;
        continue;
      }
      const word = text.slice(i, j);
      const lower = word.toLowerCase();
      out.push({ kind: lower === 'and' ? 'and' : lower === 'or' ? 'or' : lower === 'not' ? 'not' : 'word', text: word, start: i, end: j });
      i = j;
    }
  }
  return out;
}

/** Fields the validator knows; others get a warning (the device may know more). */
const FIELD_CHECKS: Record<string, (v: string) => string | undefined> = {
  ip: checkIpValue,
  srcip: checkIpValue,
  dstip: checkIpValue,
  mac: (v) => (MAC.test(v) ? undefined : `"${v}" is not a MAC address (aa:bb:cc:dd:ee:ff)`),
  srcmac: (v) => (MAC.test(v) ? undefined : `"${v}" is not a MAC address`),
  dstmac: (v) => (MAC.test(v) ? undefined : `"${v}" is not a MAC address`),
  port: (v) => (isPort(v) ? undefined : `"${v}" is not a port (0-65535)`),
  srcport: (v) => (isPort(v) ? undefined : `"${v}" is not a port (0-65535)`),
  dstport: (v) => (isPort(v) ? undefined : `"${v}" is not a port (0-65535)`),
  l4protocol: (v) => (L4.has(v.toLowerCase()) || /^\d{1,3}$/.test(v) ? undefined : `"${v}" is not a layer-4 protocol (TCP, UDP, ICMP, ...)`),
  vlan: (v) => (/^\d{1,4}$/.test(v) && Number(v) <= 4095 ? undefined : `"${v}" is not a VLAN id (0-4095)`),
  app: () => undefined,
};

/**
 * Checks a capture expression before it is sent: `field op value` comparisons joined by
 * and/or/&&/||, negated with not/!, grouped with parentheses; operators == and !=. Values of
 * known fields (ip, srcIp, dstIp, mac, srcMac, dstMac, port, srcPort, dstPort, vlan, l4Protocol,
 * app) are checked; unknown fields only warn (the device may know more).
 */
export function validateExpression(text: string): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const tokens = tokenize(text, diags);
  if (tokens.length === 0) return diags;
  let pos = 0;
  const peek = () => tokens[pos];
  const endOfText = { start: text.length, end: text.length };

  const comparison = (): void => {
    const field = peek();
    if (!field || field.kind !== 'word') {
      const at = field ?? endOfText;
      diags.push({ severity: 'error', message: field ? `expected a field such as ip, mac, port, l4Protocol; found "${field.text}"` : 'expression ends too early', start: at.start, end: at.end });
      if (field) pos++;
      return;
    }
    pos++;
    const op = peek();
    if (!op || op.kind !== 'op') {
      diags.push({ severity: 'error', message: `"${field.text}" needs a comparison such as ==`, start: field.start, end: field.end });
      return;
    }
    pos++;
    const value = peek();
    if (!value || value.kind !== 'word') {
      const at = value ?? endOfText;
      diags.push({ severity: 'error', message: `"${field.text} ${op.text}" needs a value`, start: at.start, end: at.end });
      return;
    }
    pos++;
    const check = FIELD_CHECKS[field.text.toLowerCase()];
    if (!check) diags.push({ severity: 'warning', message: `unknown field "${field.text}": the device decides whether it exists`, start: field.start, end: field.end });
    else {
      const problem = check(value.text);
      if (problem) diags.push({ severity: 'error', message: problem, start: value.start, end: value.end });
    }
  };
  const unary = (): void => {
    const t = peek();
    if (t?.kind === 'not') {
      pos++;
      unary();
    } else if (t?.kind === 'lparen') {
      pos++;
      orExpr();
      const close = peek();
      if (close?.kind !== 'rparen') diags.push({ severity: 'error', message: 'missing ")"', start: t.start, end: t.end });
      else pos++;
    } else comparison();
  };
  const andExpr = (): void => {
    unary();
    while (peek()?.kind === 'and') {
      pos++;
      unary();
    }
  };
  const orExpr = (): void => {
    andExpr();
    while (peek()?.kind === 'or') {
      pos++;
      andExpr();
    }
  };
  orExpr();
  while (pos < tokens.length) {
    const t = tokens[pos++]!;
    diags.push({ severity: 'error', message: t.kind === 'rparen' ? 'unmatched ")"' : `expected "and" or "or" before "${t.text}"`, start: t.start, end: t.end });
    break;
  }
  return diags;
}

/** The expression a node suggests (device node: empty, i.e. everything). */
export function prefillExpression(target: CaptureTarget | undefined): string {
  if (!target) return '';
  const ipOf = (ip: string, port?: number) => (port === undefined ? ip : isIpv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`);
  if (target.connection) {
    const c = target.connection;
    const parts = [`IP==${ipOf(c.clientIp, c.clientPort)}`, `IP==${ipOf(c.serverIp, c.serverPort)}`];
    if (c.l4Protocol) parts.push(`l4Protocol==${c.l4Protocol.toUpperCase()}`);
    return parts.join(' and ');
  }
  if (target.ip) return target.port !== undefined ? `IP==${ipOf(target.ip, target.port)}` : `ip==${target.ip}`;
  if (target.mac) return `mac==${target.mac.toLowerCase()}`;
  if (target.port !== undefined) return target.protocol ? `port==${target.port} and l4Protocol==${target.protocol.toUpperCase()}` : `port==${target.port}`;
  return '';
}

/** A sensible form for a node: its expression, its time range (connection or node), its mm-id. */
export function defaultForm(target: CaptureTarget | undefined): AllegroCaptureForm {
  const form: AllegroCaptureForm = { expression: prefillExpression(target), window: { kind: 'lastMinutes', minutes: 10 } };
  const c = target?.connection;
  if (c?.startMs !== undefined && c.endMs !== undefined && c.endMs >= c.startMs) form.window = { kind: 'absolute', startMs: c.startMs, endMs: c.endMs };
  else if (target?.timeRange) form.window = { kind: 'absolute', startMs: target.timeRange.start * 1000, endMs: target.timeRange.end * 1000 };
  if (target?.mmId) form.mmId = target.mmId;
  return form;
}

export class CaptureFormError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'CaptureFormError';
  }
}

/** Problems that prevent sending the form (empty when it can be sent). */
export function validateForm(form: AllegroCaptureForm, nowMs = Date.now()): string[] {
  const problems: string[] = [];
  for (const d of validateExpression(form.expression)) if (d.severity === 'error') problems.push(`expression: ${d.message}`);
  const w = form.window;
  if (w.kind === 'lastMinutes' && !(Number.isFinite(w.minutes) && w.minutes > 0)) problems.push('the number of minutes must be positive');
  if (w.kind === 'live' && !(Number.isFinite(w.seconds) && w.seconds > 0)) problems.push('the live duration must be a positive number of seconds');
  if (w.kind === 'absolute') {
    const s = w.startUs ?? toEpochMicros(w.startMs);
    const e = w.endUs ?? toEpochMicros(w.endMs);
    if (!Number.isFinite(s) || !Number.isFinite(e)) problems.push('start and end must be valid times');
    else if (e <= s) problems.push('the end time must be after the start time');
    else if (s > toEpochMicros(nowMs) && form.fromCaptureBuffer === true) problems.push('a window in the future cannot come from the capture buffer');
  }
  if (form.captureBufferSlotId !== undefined && !(Number.isInteger(form.captureBufferSlotId) && form.captureBufferSlotId >= 0)) problems.push('captureBufferSlotId must be a whole number from 0');
  if (form.snapPacketLength !== undefined && !(Number.isInteger(form.snapPacketLength) && form.snapPacketLength >= 1 && form.snapPacketLength <= 65535)) problems.push('snapPacketLength must be between 1 and 65535');
  const mmId = form.mmId === undefined ? undefined : mmIdProblem(form.mmId);
  if (mmId) problems.push(mmId);
  return problems;
}

/**
 * The query for GET /API/data/modules/capture. Throws CaptureFormError when the form is invalid.
 * Timestamps are microseconds since the epoch (`startTime`, `endTime`, as documented).
 */
export function buildCaptureRequest(form: AllegroCaptureForm, nowMs = Date.now()): CaptureRequest {
  const problems = validateForm(form, nowMs);
  if (problems.length) throw new CaptureFormError(problems);
  const query: Record<string, QueryValue> = {};
  const expression = form.expression.trim();
  if (expression) query.expression = expression;
  let startUs: number | undefined;
  let endUs: number;
  let liveEndsAtMs: number | undefined;
  let fromBuffer: boolean;
  const w = form.window;
  if (w.kind === 'lastMinutes') {
    endUs = toEpochMicros(nowMs);
    startUs = endUs - Math.round(w.minutes * 60e6);
    fromBuffer = form.fromCaptureBuffer ?? true;
  } else if (w.kind === 'absolute') {
    startUs = w.startUs ?? toEpochMicros(w.startMs);
    endUs = w.endUs ?? toEpochMicros(w.endMs);
    fromBuffer = form.fromCaptureBuffer ?? startUs < toEpochMicros(nowMs);
    if (endUs > toEpochMicros(nowMs)) liveEndsAtMs = Math.ceil(endUs / 1000);
  } else {
    // Live: no start time (the device uses "now"), stop after N seconds.
    endUs = toEpochMicros(nowMs + w.seconds * 1000);
    liveEndsAtMs = nowMs + w.seconds * 1000;
    fromBuffer = form.fromCaptureBuffer ?? false;
  }
  if (startUs !== undefined) query.startTime = startUs;
  query.endTime = endUs;
  query.fromCaptureBuffer = fromBuffer;
  if (form.captureBufferSlotId !== undefined) query.captureBufferSlotId = form.captureBufferSlotId;
  if (form.snapPacketLength !== undefined) query.snapPacketLength = form.snapPacketLength;
  if (form.mmId) query['mm-id'] = form.mmId;
  return { path: CAPTURE_PATH, query, ...(startUs !== undefined ? { startUs } : {}), endUs, ...(liveEndsAtMs !== undefined ? { liveEndsAtMs } : {}) };
}

/** A short stem for the file name: the expression's subject, or the window. */
export function captureSubject(form: AllegroCaptureForm): string {
  const e = form.expression.trim();
  if (!e) return form.window.kind === 'live' ? `live${form.window.seconds}s` : 'all';
  return e.replace(/\b(ip|IP|mac|port|l4Protocol)==/g, '').replace(/\s+and\s+/gi, '_');
}

export interface AllegroDownloadOptions {
  http: HttpClientApi;
  device: { name: string; url?: string };
  form: AllegroCaptureForm;
  writer: CaptureWriterOptions;
  /** Cancel: aborts the download and keeps nothing. */
  signal?: AbortSignal;
  /** Stop and keep (a capture of live traffic): ends it early and keeps every complete packet. */
  stop?: AbortSignal;
  nowMs?: number;
  /** Called once the response headers arrived, with the Content-Length if the device sent one. */
  onStart?: (info: { request: CaptureRequest; contentLength?: number }) => void;
  /** Re-run Capture: the capture this one repeats (recorded in the sidecar). */
  rerunOf?: RerunSource;
}

/** Runs the capture: GET with a streamed body into the workspace, then the sidecar. */
export async function downloadAllegroCapture(options: AllegroDownloadOptions): Promise<SavedCapture> {
  const startedAt = new Date(options.nowMs ?? Date.now());
  const request = buildCaptureRequest(options.form, startedAt.getTime());
  const timeouts = request.liveEndsAtMs !== undefined ? { bodyIdleMs: Math.max(60_000, request.liveEndsAtMs - startedAt.getTime() + 60_000) } : undefined;
  const response = await options.http.stream({
    // The HTTP core encodes the query as RFC 3986 (a blank is %20, as the document asks; never "+").
    path: request.path,
    query: request.query,
    headers: { 'Accept-Encoding': 'identity' },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(timeouts ? { timeouts } : {}),
  });
  const len = Number(response.headers['content-length']);
  options.onStart?.({ request, ...(Number.isFinite(len) && len > 0 ? { contentLength: len } : {}) });
  return saveCaptureStream(response, {
    writer: options.writer,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.stop ? { stop: options.stop } : {}),
    keepEmpty: options.form.keepEmpty === true,
    sidecar: (c): CaptureSidecar => ({
      schema: SIDECAR_SCHEMA,
      file: c.path.split(/[\\/]/).pop()!,
      device: { name: options.device.name, kind: 'allegro', ...(options.device.url ? { url: options.device.url } : {}) },
      query: { path: request.path, ...request.query },
      timeRange: {
        ...(request.startUs !== undefined ? { start: isoFromMicros(request.startUs) } : {}),
        end: isoFromMicros(request.endUs),
        ...(options.form.window.kind === 'live' ? { liveSeconds: options.form.window.seconds } : {}),
      },
      mode: 'allegro',
      ...captureFacts(c),
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      rerun: { kind: 'allegro', form: { ...options.form } as unknown as Record<string, unknown> },
      ...(options.rerunOf ? { rerunOf: rerunRecord(c.path, options.rerunOf) } : {}),
    }),
  }).catch((err: unknown) => {
    if (err instanceof EmptyCaptureError) err.explain(noPacketsMessage(allegroAsked(options.form, request)));
    throw err;
  });
}

/** What an Allegro capture asks for, in the words of the empty-capture message. */
export function allegroAsked(form: AllegroCaptureForm, request: CaptureRequest): AskedCapture {
  const expression = form.expression.trim();
  const fromBuffer = request.query.fromCaptureBuffer === true;
  const where = fromBuffer ? 'the capture buffer' : 'the live traffic';
  return {
    ...(expression ? { filter: `expression ${expression}` } : {}),
    ...(request.startUs !== undefined ? { start: request.startUs / 1e6 } : {}),
    end: request.endUs / 1e6,
    place: `${where}${form.mmId ? ` of mm-id ${form.mmId}` : ''}`,
    ...(fromBuffer ? {} : { liveCapture: true }),
  };
}
