// The `time` property of a data definition: epoch strings with up to nanosecond precision and every
// duration form of the document ("1 hour", "12 min", "last 5 days", "this month", "previous 2 months",
// "2 quarters", ...). Times are bigint nanoseconds so "1234567890.123456789" survives exactly.
// Calendar arithmetic uses UTC (the simulated appliance's system timezone).

export const NS = 1_000_000_000n;

export class TimeSpecError extends Error {
  constructor(readonly id: string, text: string, readonly details: Record<string, string> = {}) {
    super(text);
  }
}

/** "1234567890", "1234567890.123", "1234567890.123456789" → ns. */
export function parseEpochNs(text: string): bigint | undefined {
  const m = /^\s*(\d{1,12})(?:\.(\d{0,9}))?\s*$/.exec(String(text));
  if (!m) return undefined;
  return BigInt(m[1]) * NS + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** ns → epoch string, trailing zeros of the fraction dropped ("1522432800", "1522432799.999"). */
export function formatEpochNs(ns: bigint, minFractionDigits = 0): string {
  const negative = ns < 0n;
  const abs = negative ? -ns : ns;
  const sec = abs / NS;
  let frac = (abs % NS).toString().padStart(9, '0').replace(/0+$/, '');
  if (frac.length < minFractionDigits) frac = frac.padEnd(minFractionDigits, '0');
  return `${negative ? '-' : ''}${sec}${frac ? `.${frac}` : ''}`;
}

/** Seconds as a decimal string ("60", "0.001") → ns. */
export function secondsToNs(text: string | number): bigint | undefined {
  const s = String(text).trim();
  const m = /^(\d+)(?:\.(\d{0,9}))?$/.exec(s);
  if (!m) return undefined;
  return BigInt(m[1]) * NS + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

export function nsToSeconds(ns: bigint): number {
  return Number(ns / 1000n) / 1e6;
}

type Unit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

const UNIT_NAMES: Record<string, Unit> = {
  s: 'second', sec: 'second', secs: 'second', second: 'second', seconds: 'second',
  m: 'minute', min: 'minute', mins: 'minute', minute: 'minute', minutes: 'minute',
  h: 'hour', hr: 'hour', hrs: 'hour', hour: 'hour', hours: 'hour',
  d: 'day', day: 'day', days: 'day',
  w: 'week', wk: 'week', week: 'week', weeks: 'week',
  mon: 'month', month: 'month', months: 'month',
  q: 'quarter', quarter: 'quarter', quarters: 'quarter',
  y: 'year', yr: 'year', year: 'year', years: 'year',
};

/** Fixed lengths used by "last": a month is always 30 days, a quarter 90, a year 365. */
const FIXED_SECONDS: Record<Unit, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800, month: 2592000, quarter: 7776000, year: 31536000 };

export type Tense = 'plain' | 'last' | 'this' | 'previous';

export interface ParsedDuration {
  tense: Tense;
  count: number;
  unit: Unit;
}

export function parseDuration(text: string): ParsedDuration {
  const words = String(text).trim().toLowerCase().replace(/(\d)([a-z])/g, '$1 $2').split(/\s+/).filter(Boolean);
  if (!words.length) throw new TimeSpecError('invalid_time_duration', 'Invalid duration: empty', { duration: String(text) });
  let tense: Tense = 'plain';
  let i = 0;
  if (words[0] === 'last' || words[0] === 'this' || words[0] === 'previous') {
    tense = words[0];
    i = 1;
  } else if (!/^\d+(\.\d+)?$/.test(words[0])) {
    throw new TimeSpecError('invalid_time_duration_tense', `Invalid duration tense: ${words[0]}`, { duration_tense: words[0] });
  }
  let count = 1;
  if (i < words.length && /^\d+(\.\d+)?$/.test(words[i])) {
    count = Number(words[i]);
    i++;
  }
  if (tense === 'this' && count !== 1) throw new TimeSpecError('invalid_time_duration', `Invalid duration: ${text}`, { duration: String(text) });
  const unitWord = words[i];
  const unit = unitWord ? UNIT_NAMES[unitWord] : undefined;
  if (!unit || i + 1 !== words.length) {
    throw new TimeSpecError('invalid_time_duration_unit', `Invalid duration unit: ${unitWord ?? ''}`, { duration_unit: unitWord ?? '' });
  }
  if (!(count > 0)) throw new TimeSpecError('invalid_time_duration', `Invalid duration: ${text}`, { duration: String(text) });
  return { tense, count, unit };
}

// ---- calendar helpers on ns (UTC) ----

function splitMs(ns: bigint): { ms: number; rest: bigint } {
  const ms = ns / 1_000_000n;
  return { ms: Number(ms), rest: ns - ms * 1_000_000n };
}

function fromMs(ms: number, rest = 0n): bigint {
  return BigInt(ms) * 1_000_000n + rest;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** Add (or subtract) whole calendar units; a day that does not exist falls back to the month's last day. */
export function addCalendar(ns: bigint, count: number, unit: Unit): bigint {
  if (unit === 'second' || unit === 'minute' || unit === 'hour' || unit === 'day' || unit === 'week') {
    return ns + BigInt(Math.round(count * FIXED_SECONDS[unit] * 1e6)) * 1000n;
  }
  const months = unit === 'month' ? count : unit === 'quarter' ? count * 3 : count * 12;
  if (!Number.isInteger(months)) throw new TimeSpecError('invalid_time_duration', `Invalid duration: ${count} ${unit}`, { duration: `${count} ${unit}` });
  const { ms, rest } = splitMs(ns);
  const d = new Date(ms);
  const targetMonthIndex = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(targetMonthIndex / 12);
  const month = targetMonthIndex - year * 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month));
  return fromMs(Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()), rest);
}

/** Start of the calendar unit containing ns (weeks start on Sunday). */
export function floorToUnit(ns: bigint, unit: Unit): bigint {
  const d = new Date(Number(ns / 1_000_000n));
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  switch (unit) {
    case 'second': return (ns / NS) * NS;
    case 'minute': return (ns / (60n * NS)) * 60n * NS;
    case 'hour': return (ns / (3600n * NS)) * 3600n * NS;
    case 'day': return fromMs(Date.UTC(y, mo, d.getUTCDate()));
    case 'week': return fromMs(Date.UTC(y, mo, d.getUTCDate() - d.getUTCDay()));
    case 'month': return fromMs(Date.UTC(y, mo, 1));
    case 'quarter': return fromMs(Date.UTC(y, mo - (mo % 3), 1));
    case 'year': return fromMs(Date.UTC(y, 0, 1));
  }
}

export interface TimeRange {
  start: bigint;
  end: bigint;
}

/** Resolve the `time` object to an absolute [start, end) range. Throws TimeSpecError. */
export function resolveTimeRange(time: { start?: string; end?: string; duration?: string } | undefined, now: bigint): TimeRange {
  const t = time ?? {};
  const start = t.start !== undefined ? parseEpochNs(t.start) : undefined;
  const end = t.end !== undefined ? parseEpochNs(t.end) : undefined;
  if (t.start !== undefined && start === undefined) throw new TimeSpecError('invalid_time_start', `Invalid start time: ${t.start}`, { start: String(t.start) });
  if (t.end !== undefined && end === undefined) throw new TimeSpecError('invalid_time_end', `Invalid end time: ${t.end}`, { end: String(t.end) });
  if (start !== undefined && end !== undefined && t.duration !== undefined) {
    throw new TimeSpecError('invalid_time_combination', 'Invalid time: start, end and duration cannot be specified together', {});
  }
  let range: TimeRange;
  if (t.duration === undefined) {
    if (start !== undefined && end !== undefined) range = { start, end };
    else if (start !== undefined) range = { start, end: now };
    else if (end !== undefined) range = { start: end - 3600n * NS, end };
    else range = { start: now - 3600n * NS, end: now };
  } else {
    const d = parseDuration(t.duration);
    switch (d.tense) {
      case 'plain':
        if (start !== undefined) range = { start, end: addCalendar(start, d.count, d.unit) };
        else {
          const e = end ?? now;
          range = { start: addCalendar(e, -d.count, d.unit), end: e };
        }
        break;
      case 'last': {
        const len = BigInt(Math.round(d.count * FIXED_SECONDS[d.unit] * 1e6)) * 1000n;
        if (start !== undefined) range = { start, end: start + len };
        else {
          const e = end ?? now;
          range = { start: e - len, end: e };
        }
        break;
      }
      case 'this': {
        const e = end ?? now;
        range = { start: floorToUnit(e, d.unit), end: e };
        break;
      }
      case 'previous': {
        const current = floorToUnit(end ?? now, d.unit);
        range = { start: floorToUnit(addCalendar(current, -d.count, d.unit), d.unit), end: current };
        break;
      }
    }
  }
  if (range.end <= range.start) {
    throw new TimeSpecError('invalid_time_range', `Invalid time range: end ${formatEpochNs(range.end)} is not after start ${formatEpochNs(range.start)}`, {
      start: formatEpochNs(range.start), end: formatEpochNs(range.end),
    });
  }
  return range;
}

/**
 * Granularity in ns: the requested one if the source offers it (any positive value when it lists none),
 * or the finest listed one that keeps the range under maxBins bins when "0" or absent.
 */
export function resolveGranularity(requested: string | undefined, offered: string[] | undefined, rangeNs: bigint, maxBins = 1000): bigint {
  const list = (offered ?? ['1', '60', '300', '3600', '86400']).map((g) => ({ text: g, ns: secondsToNs(g)! })).sort((a, b) => (a.ns < b.ns ? -1 : 1));
  const req = requested === undefined ? 0n : secondsToNs(requested);
  if (req === undefined) throw new TimeSpecError('invalid_granularity', `Invalid granularity: ${requested}`, { granularity: String(requested) });
  if (req === 0n) {
    for (const g of list) if (rangeNs / g.ns <= BigInt(maxBins)) return g.ns;
    return list[list.length - 1].ns;
  }
  if (offered && !list.some((g) => g.ns === req)) {
    throw new TimeSpecError('invalid_granularity', `Invalid granularity: ${requested}; supported granularities: ${offered.join(', ')}`, { granularity: String(requested) });
  }
  return req;
}

/** Resolution must be a positive multiple of the granularity. */
export function resolveResolution(requested: string | undefined, granularity: bigint): bigint {
  if (requested === undefined || requested === '' || requested === '0') return granularity;
  const res = secondsToNs(requested);
  if (res === undefined || res < granularity || res % granularity !== 0n) {
    throw new TimeSpecError('invalid_resolution', `Invalid resolution: ${requested}; it must be a multiple of the granularity ${formatEpochNs(granularity)}`, {
      resolution: String(requested), granularity: formatEpochNs(granularity),
    });
  }
  return res;
}

export function floorTo(ns: bigint, step: bigint): bigint {
  return (ns / step) * step;
}

export function ceilTo(ns: bigint, step: bigint): bigint {
  const f = floorTo(ns, step);
  return f === ns ? f : f + step;
}
