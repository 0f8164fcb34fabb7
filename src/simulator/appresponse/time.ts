// The `time` property of a data definition as the simulated appliance reads it. Epoch strings,
// durations ("1 hour", "12 min", "last 5 days", "this month", "previous 2 months", "2 quarters", ...)
// and their resolution are the report model's (src/report/time.ts), resolved in UTC: the simulated
// appliance's system time zone. Times are bigint nanoseconds so "1234567890.123456789" survives
// exactly. What is the device's own is here: granularity and resolution choice, and bin arithmetic.
import {
  TimeError, formatEpoch, parseEpoch, resolveTimeRange as resolveTimeRangeIn, secondsToNs, timeMessage,
  type TimeRange,
} from '../../report/time';

export { NS, parseDuration, secondsToNs, type TimeRange } from '../../report/time';
/** The simulator's names for the shared epoch helpers and error. */
export { parseEpoch as parseEpochNs, formatEpoch as formatEpochNs, TimeError as TimeSpecError };

export function nsToSeconds(ns: bigint): number {
  return Number(ns / 1000n) / 1e6;
}

/** Resolve the `time` object to an absolute [start, end) range, in UTC. Throws TimeError. */
export function resolveTimeRange(time: { start?: string; end?: string; duration?: string } | undefined, now: bigint): TimeRange {
  return resolveTimeRangeIn(time, now, { utc: true });
}

/**
 * Granularity in ns: the requested one if the source offers it (any positive value when it lists none),
 * or the finest listed one that keeps the range under maxBins bins when "0" or absent.
 */
export function resolveGranularity(requested: string | undefined, offered: string[] | undefined, rangeNs: bigint, maxBins = 1000): bigint {
  const list = (offered ?? ['1', '60', '300', '3600', '86400']).map((g) => ({ text: g, ns: secondsToNs(g)! })).sort((a, b) => (a.ns < b.ns ? -1 : 1));
  const req = requested === undefined ? 0n : secondsToNs(requested);
  if (req === undefined) throw new TimeError(timeMessage('invalid_granularity', `Invalid granularity: ${requested}`, { granularity: String(requested) }), 'granularity');
  if (req === 0n) {
    for (const g of list) if (rangeNs / g.ns <= BigInt(maxBins)) return g.ns;
    return list[list.length - 1].ns;
  }
  if (offered && !list.some((g) => g.ns === req)) {
    throw new TimeError(timeMessage('invalid_granularity', `Invalid granularity: ${requested}; supported granularities: ${offered.join(', ')}`, { granularity: String(requested) }), 'granularity');
  }
  return req;
}

/** Resolution must be a positive multiple of the granularity. */
export function resolveResolution(requested: string | undefined, granularity: bigint): bigint {
  if (requested === undefined || requested === '' || requested === '0') return granularity;
  const res = secondsToNs(requested);
  if (res === undefined || res < granularity || res % granularity !== 0n) {
    throw new TimeError(timeMessage('invalid_resolution', `Invalid resolution: ${requested}; it must be a multiple of the granularity ${formatEpoch(granularity)}`, {
      resolution: String(requested), granularity: formatEpoch(granularity),
    }), 'resolution');
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
