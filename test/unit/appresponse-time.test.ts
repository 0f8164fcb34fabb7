// Every time form of the AppResponse document, resolved against a fixed clock (UTC).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  TimeSpecError, formatEpochNs, parseDuration, parseEpochNs, resolveGranularity, resolveResolution, resolveTimeRange,
} from '../../src/simulator/appresponse/time';

const at = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();
// "If it is March 5th 18:30:30 at the moment" (2018).
const now = at('2018-03-05T18:30:30.000Z');

function range(time: Record<string, string>, clock = now): [string, string] {
  const r = resolveTimeRange(time, clock);
  return [iso(r.start), iso(r.end)];
}

describe('AppResponse time: epoch strings', () => {
  it('keeps seconds, milliseconds and nanoseconds exactly', () => {
    assert.equal(parseEpochNs('1234567890'), 1234567890_000000000n);
    assert.equal(parseEpochNs('1234567890.123'), 1234567890_123000000n);
    assert.equal(parseEpochNs('1234567890.123456789'), 1234567890_123456789n);
    assert.equal(formatEpochNs(1234567890_123456789n), '1234567890.123456789');
    assert.equal(formatEpochNs(1522432799_999000000n), '1522432799.999');
    assert.equal(parseEpochNs('12abc'), undefined);
  });

  it('start and end with nanosecond precision give exactly that range', () => {
    const r = resolveTimeRange({ start: '1461703405.123456789', end: '1461709465.987654321' }, now);
    assert.equal(formatEpochNs(r.start), '1461703405.123456789');
    assert.equal(formatEpochNs(r.end), '1461709465.987654321');
  });
});

describe('AppResponse time: durations', () => {
  it('parses the notable examples of the document', () => {
    for (const d of ['previous 2 months', 'this week', 'last 5 days', '5 seconds', '12 min', '6 hours', '1 day', '4 weeks', '2 quarters', '2 years', 'last second', 'last hour', 'this quarter']) {
      assert.doesNotThrow(() => parseDuration(d), d);
    }
    assert.deepEqual(parseDuration('12 min'), { tense: 'none', count: 12, unit: 'minute' });
    assert.deepEqual(parseDuration('last week'), { tense: 'last', count: 1, unit: 'week' });
  });

  it('rejects a bad tense with the documented error id and details', () => {
    assert.throws(() => parseDuration('xyz seconds'), (e: unknown) => e instanceof TimeSpecError && e.id === 'invalid_time_duration_tense' && e.message === 'Invalid duration tense: xyz' && e.details.duration_tense === 'xyz');
    assert.throws(() => parseDuration('5 fortnights'), (e: unknown) => e instanceof TimeSpecError && e.id === 'invalid_time_duration_unit');
  });

  it('"last N month" counts 30 days: last 1 month starts Feb 3rd 18:30:30, last 2 months Jan 4th', () => {
    assert.deepEqual(range({ duration: 'last 1 month' }), ['2018-02-03T18:30:30.000Z', '2018-03-05T18:30:30.000Z']);
    assert.deepEqual(range({ duration: 'last 2 months' }), ['2018-01-04T18:30:30.000Z', '2018-03-05T18:30:30.000Z']);
    assert.deepEqual(range({ duration: 'last 5 days' }), ['2018-02-28T18:30:30.000Z', '2018-03-05T18:30:30.000Z']);
    assert.deepEqual(range({ duration: 'last quarter' }), ['2017-12-05T18:30:30.000Z', '2018-03-05T18:30:30.000Z']);
    assert.deepEqual(range({ duration: 'last year' }), ['2017-03-05T18:30:30.000Z', '2018-03-05T18:30:30.000Z']);
  });

  it('"previous N months" runs from the beginning of the month N months ago to the end of last month', () => {
    assert.deepEqual(range({ duration: 'previous 1 month' }), ['2018-02-01T00:00:00.000Z', '2018-03-01T00:00:00.000Z']);
    assert.deepEqual(range({ duration: 'previous 2 months' }), ['2018-01-01T00:00:00.000Z', '2018-03-01T00:00:00.000Z']);
    assert.deepEqual(range({ duration: 'previous 2 quarters' }), ['2017-07-01T00:00:00.000Z', '2018-01-01T00:00:00.000Z']);
  });

  it('"this month" starts on the 1st; "this week" starts on Sunday', () => {
    assert.deepEqual(range({ duration: 'this month' }), ['2018-03-01T00:00:00.000Z', '2018-03-05T18:30:30.000Z']);
    assert.deepEqual(range({ duration: 'this week' }), ['2018-03-04T00:00:00.000Z', '2018-03-05T18:30:30.000Z']);
    assert.deepEqual(range({ duration: 'this quarter' }), ['2018-01-01T00:00:00.000Z', '2018-03-05T18:30:30.000Z']);
    const end = String(Date.parse('2016-04-26T21:23:25.123Z') / 1000);
    assert.deepEqual(range({ end: `${end}456`, duration: 'this month' }), ['2016-04-01T00:00:00.000Z', '2016-04-26T21:23:25.123Z']);
  });

  it('start + "1 month" ends one calendar month later; Jan 30th + 1 month falls back to Feb 28th', () => {
    const feb3 = String(Date.parse('2018-02-03T10:00:00Z') / 1000);
    assert.deepEqual(range({ start: feb3, duration: '1 month' }), ['2018-02-03T10:00:00.000Z', '2018-03-03T10:00:00.000Z']);
    const jan30 = String(Date.parse('2018-01-30T10:00:00Z') / 1000);
    assert.deepEqual(range({ start: jan30, duration: '1 month' }), ['2018-01-30T10:00:00.000Z', '2018-02-28T10:00:00.000Z']);
  });

  it('end + "2 months" starts two calendar months earlier; plain durations end now', () => {
    const end = String(Date.parse('2018-05-31T12:00:00Z') / 1000);
    assert.deepEqual(range({ end, duration: '2 months' }), ['2018-03-31T12:00:00.000Z', '2018-05-31T12:00:00.000Z']);
    assert.deepEqual(range({ duration: '12 min' }), ['2018-03-05T18:18:30.000Z', '2018-03-05T18:30:30.000Z']);
    assert.deepEqual(range({ duration: '2 quarters' }), ['2017-09-05T18:30:30.000Z', '2018-03-05T18:30:30.000Z']);
  });

  it('resolves in UTC whatever the local time zone is (the appliance\'s system time zone)', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      assert.deepEqual(range({ duration: 'this month' }), ['2018-03-01T00:00:00.000Z', '2018-03-05T18:30:30.000Z']);
      assert.deepEqual(range({ duration: 'previous 1 day' }), ['2018-03-04T00:00:00.000Z', '2018-03-05T00:00:00.000Z']);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('start, end and duration together is an error', () => {
    assert.throws(() => resolveTimeRange({ start: '1461703405', end: '1461709465', duration: '1 hour' }, now), (e: unknown) => e instanceof TimeSpecError && e.id === 'invalid_time_combination');
  });
});

describe('AppResponse time: granularity and resolution', () => {
  const aggregates = ['60', '300', '3600', '21600', '86400'];
  it('0 or absent picks automatically from the source list; a listed value is kept; others are refused', () => {
    assert.equal(resolveGranularity('0', aggregates, 3600n * 1_000_000_000n), 60_000_000_000n);
    assert.equal(resolveGranularity(undefined, aggregates, 30n * 86400n * 1_000_000_000n), 3600_000_000_000n);
    assert.equal(resolveGranularity('300', aggregates, 3600n * 1_000_000_000n), 300_000_000_000n);
    assert.equal(resolveGranularity('0.001', ['0.001', '1'], 1_000_000_000n), 1_000_000n);
    assert.throws(() => resolveGranularity('7', aggregates, 3600n), (e: unknown) => e instanceof TimeSpecError && e.id === 'invalid_granularity');
  });

  it('resolution must be a multiple of the granularity', () => {
    assert.equal(resolveResolution('3600', 60_000_000_000n), 3600_000_000_000n);
    assert.equal(resolveResolution(undefined, 60_000_000_000n), 60_000_000_000n);
    assert.throws(() => resolveResolution('450', 300_000_000_000n), (e: unknown) => e instanceof TimeSpecError && e.id === 'invalid_resolution');
    assert.throws(() => resolveResolution('30', 60_000_000_000n), TimeSpecError);
  });
});
