// Time of a data_def: epoch strings with nanoseconds, durations in the document's forms, and the
// resolution of start/end/duration to an absolute range (used for previews and by the validator).
//
// Durations: "[tense] [count] unit" with tense `last` (fixed lengths: a month is 30 days, a quarter
// 90, a year 365), `previous` (whole calendar units before the current one), `this` (from the start
// of the current unit), or no tense (calendar units counted from start or back from end).
// Weeks start on Sunday. Calendar arithmetic uses the local time zone unless `utc` is set: previews
// in the editor are local, the simulated appliance resolves in UTC (its system time zone).
//
// The one implementation: the report validator, the editor's hovers and previews, and the AppResponse
// simulator (src/simulator/appresponse/time.ts) all resolve times here.
import type { DeviceMessage, TimeSpec } from './types';

export type DurationUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
export type Tense = 'last' | 'previous' | 'this' | 'none';

export interface Duration {
  tense: Tense;
  count: number;
  unit: DurationUnit;
}

const UNITS: Record<string, DurationUnit> = {
  s: 'second', sec: 'second', secs: 'second', second: 'second', seconds: 'second',
  m: 'minute', min: 'minute', mins: 'minute', minute: 'minute', minutes: 'minute',
  h: 'hour', hr: 'hour', hrs: 'hour', hour: 'hour', hours: 'hour',
  d: 'day', day: 'day', days: 'day',
  w: 'week', wk: 'week', week: 'week', weeks: 'week',
  mon: 'month', month: 'month', months: 'month',
  q: 'quarter', quarter: 'quarter', quarters: 'quarter',
  y: 'year', yr: 'year', year: 'year', years: 'year',
};

/** Seconds of one unit in the `last` tense (and of the fixed units in every tense). */
export const FIXED_SECONDS: Record<DurationUnit, number> = {
  second: 1, minute: 60, hour: 3600, day: 86400, week: 604800, month: 30 * 86400, quarter: 90 * 86400, year: 365 * 86400,
};

export type TimeProperty = 'duration' | 'start' | 'end' | 'time' | 'granularity' | 'resolution';

export class TimeError extends Error {
  /**
   * `property`: the time property the problem is about (`time` for combinations and ranges);
   * `input`: the text that was refused (the whole duration, where the device names one word of it).
   */
  constructor(readonly device: DeviceMessage, readonly property: TimeProperty, readonly input?: string) {
    super(device.text);
    this.name = 'TimeError';
  }

  /** The device's error id (`invalid_time_duration_tense`, …). */
  get id(): string {
    return this.device.id;
  }

  get details(): Record<string, string> {
    return this.device.details ?? {};
  }
}

/** A refusal worded like the device's report manager. */
export const timeMessage = (id: string, text: string, details: Record<string, string>): DeviceMessage =>
  ({ module_id: 'report_manager', id, text, details });

/**
 * Parses a duration; throws TimeError worded like the device ("Invalid duration tense: xyz").
 * Like the device, a first word that is neither a tense nor a number is reported as the tense.
 */
export function parseDuration(text: string): Duration {
  const words = String(text).trim().toLowerCase().replace(/(\d)([a-z])/g, '$1 $2').split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new TimeError(timeMessage('invalid_time_duration', 'Invalid duration: empty', { duration: String(text) }), 'duration', String(text));
  let tense: Tense = 'none';
  let i = 0;
  if (words[0] === 'last' || words[0] === 'previous' || words[0] === 'this') {
    tense = words[0];
    i = 1;
  } else if (!/^\d+(\.\d+)?$/.test(words[0])) {
    throw new TimeError(timeMessage('invalid_time_duration_tense', `Invalid duration tense: ${words[0]}`, { duration_tense: words[0] }), 'duration', String(text));
  }
  let count = 1;
  if (i < words.length && /^\d+(\.\d+)?$/.test(words[i])) {
    count = Number(words[i]);
    i++;
  }
  if (tense === 'this' && count !== 1) throw new TimeError(timeMessage('invalid_time_duration', `Invalid duration: ${text}`, { duration: String(text) }), 'duration', String(text));
  const unitWord = words[i];
  const unit = unitWord ? UNITS[unitWord] : undefined;
  if (!unit || i + 1 !== words.length) {
    throw new TimeError(timeMessage('invalid_time_duration_unit', `Invalid duration unit: ${unitWord ?? ''}`, { duration_unit: unitWord ?? '' }), 'duration', String(text));
  }
  const calendar = unit === 'month' || unit === 'quarter' || unit === 'year';
  if (!(count > 0) || (calendar && tense !== 'last' && !Number.isInteger(count))) {
    throw new TimeError(timeMessage('invalid_time_duration', `Invalid duration: ${text}`, { duration: String(text) }), 'duration', String(text));
  }
  return { tense, count, unit };
}

export const NS = 1_000_000_000n;

const SECONDS = /^\s*(\d+)(?:\.(\d{1,9}))?\s*$/;

function secondsOf(m: RegExpExecArray): bigint {
  return BigInt(m[1]) * NS + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/**
 * Parses epoch seconds ("1234567890", "1234567890.123", "1234567890.123456789") into nanoseconds.
 * At most 12 integer digits (year 33658): a millisecond epoch given by mistake is refused instead of
 * being read as a date far in the future, and every accepted value is a valid Date.
 */
export function parseEpoch(text: string): bigint | undefined {
  const m = SECONDS.exec(String(text));
  return m && m[1].length <= 12 ? secondsOf(m) : undefined;
}

/** Decimal seconds ("60", "0.001", 86400) as nanoseconds: granularity, resolution, timeouts. */
export function secondsToNs(text: string | number): bigint | undefined {
  const m = SECONDS.exec(String(text));
  return m ? secondsOf(m) : undefined;
}

/** Epoch seconds ("1795330000", "1795330000.5") as a UTC date for people: `2026-11-22 06:46:40 UTC`. */
export function utcDate(epochSeconds: string): string {
  const ns = parseEpoch(epochSeconds);
  if (ns === undefined) return epochSeconds;
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${iso.slice(19, 23) === '.000' ? '' : iso.slice(19, 23)} UTC`;
}

const DURATION_EXAMPLES = '"last 1 hour", "5 min", "previous 1 day" or "this week"';

/**
 * A refused time said so a person can act on it: the duration that did not parse with examples of
 * ones that do, a range with its times as dates too. (The device's own wording stays in `device`.)
 */
export function describeTimeError(e: TimeError): string {
  const d = e.details;
  const input = e.input ?? d.duration ?? '';
  switch (e.id) {
    case 'invalid_time_duration_tense':
      return `"${input}" is not a duration: write one like ${DURATION_EXAMPLES}`;
    case 'invalid_time_duration_unit':
      return d.duration_unit
        ? `"${input}" is not a duration: "${d.duration_unit}" is not a unit of time (sec, min, hour, day, week, month, quarter, year); write one like ${DURATION_EXAMPLES}`
        : `"${input}" is not a duration: it needs a unit of time (sec, min, hour, day, week, month, quarter, year), like ${DURATION_EXAMPLES}`;
    case 'invalid_time_duration':
      if (!input.trim()) return `the duration is empty: write one like ${DURATION_EXAMPLES}, or remove it`;
      return /^\s*this\s/i.test(input)
        ? `"${input}" is not a duration: "this" takes no count ("this week", "this month"); for several units write "last 2 weeks" or "previous 2 weeks"`
        : `"${input}" is not a duration: write one like ${DURATION_EXAMPLES} (a count above zero; months, quarters and years whole unless "last")`;
    case 'invalid_time_start':
    case 'invalid_time_end':
      return `"${input}" is not a ${e.id === 'invalid_time_start' ? 'start' : 'end'} time: write epoch seconds as a string, like "1461703405" or "1461703405.123456789"`;
    case 'invalid_time_range':
      return `the end, ${utcDate(d.end)} (${d.end}), is not after the start, ${utcDate(d.start)} (${d.start}): the end must come later`;
    case 'invalid_time_combination':
      return 'start, end and duration cannot be given together: drop one of them';
    default:
      return e.message;
  }
}

/** Formats nanoseconds as epoch seconds with the fewest decimals that keep the value. */
export function formatEpoch(ns: bigint): string {
  const abs = ns < 0n ? -ns : ns;
  const frac = (abs % NS).toString().padStart(9, '0').replace(/0+$/, '');
  return `${ns < 0n ? '-' : ''}${abs / NS}${frac ? `.${frac}` : ''}`;
}

export interface CalendarOptions {
  /** Calendar units (days, weeks, months, …) in UTC instead of the local time zone. */
  utc?: boolean;
}

/** Local (or UTC) calendar fields of a millisecond time, and back. */
function fields(ms: number, utc: boolean) {
  const d = new Date(ms);
  return utc
    ? { y: d.getUTCFullYear(), mo: d.getUTCMonth(), d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), ms: d.getUTCMilliseconds(), wd: d.getUTCDay() }
    : { y: d.getFullYear(), mo: d.getMonth(), d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds(), ms: d.getMilliseconds(), wd: d.getDay() };
}
function make(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, utc: boolean): number {
  return utc ? Date.UTC(y, mo, d, h, mi, s, ms) : new Date(y, mo, d, h, mi, s, ms).getTime();
}
function daysIn(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
}

/** Adds whole calendar units (negative to go back); a day that does not exist becomes the month's last day. */
function addCalendar(ns: bigint, count: number, unit: DurationUnit, utc: boolean): bigint {
  if (unit !== 'month' && unit !== 'quarter' && unit !== 'year' && !((unit === 'day' || unit === 'week') && Number.isInteger(count))) {
    return ns + BigInt(Math.round(count * FIXED_SECONDS[unit] * 1e6)) * 1000n;
  }
  const ms = Number(ns / 1_000_000n);
  const rest = ns % 1_000_000n;
  const f = fields(ms, utc);
  let out: number;
  if ((unit === 'day' || unit === 'week') && Number.isInteger(count)) {
    // Calendar days keep the wall-clock time across daylight-saving changes.
    out = make(f.y, f.mo, f.d + count * (unit === 'week' ? 7 : 1), f.h, f.mi, f.s, f.ms, utc);
  } else {
    const months = count * (unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12);
    const total = f.y * 12 + f.mo + months;
    const y = Math.floor(total / 12), mo = total - y * 12;
    out = make(y, mo, Math.min(f.d, daysIn(y, mo)), f.h, f.mi, f.s, f.ms, utc);
  }
  return BigInt(out) * 1_000_000n + rest;
}

/** Start of the calendar unit containing `ns`. */
function startOf(ns: bigint, unit: DurationUnit, utc: boolean): bigint {
  const ms = Number(ns / 1_000_000n);
  const f = fields(ms, utc);
  let out: number;
  switch (unit) {
    case 'second': out = make(f.y, f.mo, f.d, f.h, f.mi, f.s, 0, utc); break;
    case 'minute': out = make(f.y, f.mo, f.d, f.h, f.mi, 0, 0, utc); break;
    case 'hour': out = make(f.y, f.mo, f.d, f.h, 0, 0, 0, utc); break;
    case 'day': out = make(f.y, f.mo, f.d, 0, 0, 0, 0, utc); break;
    case 'week': out = make(f.y, f.mo, f.d - f.wd, 0, 0, 0, 0, utc); break;
    case 'month': out = make(f.y, f.mo, 1, 0, 0, 0, 0, utc); break;
    case 'quarter': out = make(f.y, f.mo - (f.mo % 3), 1, 0, 0, 0, 0, utc); break;
    case 'year': out = make(f.y, 0, 1, 0, 0, 0, 0, utc); break;
  }
  return BigInt(out) * 1_000_000n;
}

export interface ResolvedTime {
  /** Epoch seconds strings, as the device would report them in actual_time. */
  start: string;
  end: string;
  startNs: bigint;
  endNs: bigint;
}

export interface TimeRange {
  start: bigint;
  end: bigint;
}

/**
 * Resolves a data_def's time to an absolute [start, end) range in nanoseconds; `nowNs` is the clock
 * in nanoseconds. Throws TimeError with the device's wording when the combination is invalid.
 */
export function resolveTimeRange(time: TimeSpec | undefined, nowNs: bigint, options: CalendarOptions = {}): TimeRange {
  const t = time ?? {};
  const utc = options.utc === true;
  const epoch = (prop: 'start' | 'end'): bigint | undefined => {
    const v = t[prop];
    if (v === undefined) return undefined;
    const ns = parseEpoch(String(v));
    if (ns === undefined) throw new TimeError(timeMessage(`invalid_time_${prop}`, `Invalid ${prop} time: ${v}`, { [prop]: String(v) }), prop, String(v));
    return ns;
  };
  const start = epoch('start');
  const end = epoch('end');
  const done = (s: bigint, e: bigint): TimeRange => {
    if (e <= s) {
      throw new TimeError(timeMessage('invalid_time_range', `Invalid time range: end ${formatEpoch(e)} is not after start ${formatEpoch(s)}`, { start: formatEpoch(s), end: formatEpoch(e) }), 'time');
    }
    return { start: s, end: e };
  };
  if (start !== undefined && end !== undefined && t.duration !== undefined) {
    throw new TimeError(timeMessage('invalid_time_combination', 'Invalid time: start, end and duration cannot be specified together', {}), 'time');
  }
  const hour = 3600n * NS;
  if (t.duration === undefined) {
    // Not in the document; what the simulated device does: the missing end is now, the missing start an hour before.
    if (start !== undefined) return done(start, end ?? nowNs);
    const e = end ?? nowNs;
    return done(e - hour, e);
  }
  const d = parseDuration(t.duration);
  switch (d.tense) {
    case 'last': {
      const length = BigInt(Math.round(d.count * FIXED_SECONDS[d.unit] * 1e6)) * 1000n;
      if (start !== undefined) return done(start, start + length);
      const e = end ?? nowNs;
      return done(e - length, e);
    }
    case 'previous': {
      const e = startOf(end ?? nowNs, d.unit, utc);
      return done(startOf(addCalendar(e, -d.count, d.unit, utc), d.unit, utc), e);
    }
    case 'this': {
      const e = end ?? nowNs;
      return done(startOf(e, d.unit, utc), e);
    }
    case 'none': {
      if (start !== undefined) return done(start, addCalendar(start, d.count, d.unit, utc));
      const e = end ?? nowNs;
      return done(addCalendar(e, -d.count, d.unit, utc), e);
    }
  }
}

/**
 * Resolves a data_def's time to absolute start and end. `now` is a Date or epoch milliseconds.
 * Throws TimeError with the device's wording when the combination is invalid.
 */
export function resolveTime(time: TimeSpec, now: Date | number, options: CalendarOptions = {}): ResolvedTime {
  const nowNs = BigInt(typeof now === 'number' ? Math.round(now) : now.getTime()) * 1_000_000n;
  const r = resolveTimeRange(time, nowNs, options);
  return { start: formatEpoch(r.start), end: formatEpoch(r.end), startNs: r.start, endNs: r.end };
}
