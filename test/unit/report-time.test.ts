import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, resolveTime, parseEpoch, formatEpoch, TimeError } from '../../src/report/index';
import { secondsToNs } from '../../src/report/time';

const utc = { utc: true };
const at = (iso: string) => Date.parse(iso);
const iso = (epoch: string) => new Date(Number(epoch) * 1000).toISOString();
const range = (time: Parameters<typeof resolveTime>[0], now: string) => {
  const r = resolveTime(time, at(now), utc);
  return [iso(r.start), iso(r.end)];
};

test('every duration example of the document parses', () => {
  const cases: [string, ReturnType<typeof parseDuration>][] = [
    ['previous 2 months', { tense: 'previous', count: 2, unit: 'month' }],
    ['this week', { tense: 'this', count: 1, unit: 'week' }],
    ['last 5 days', { tense: 'last', count: 5, unit: 'day' }],
    ['5 seconds', { tense: 'none', count: 5, unit: 'second' }],
    ['12 min', { tense: 'none', count: 12, unit: 'minute' }],
    ['6 hours', { tense: 'none', count: 6, unit: 'hour' }],
    ['1 day', { tense: 'none', count: 1, unit: 'day' }],
    ['4 weeks', { tense: 'none', count: 4, unit: 'week' }],
    ['2 quarters', { tense: 'none', count: 2, unit: 'quarter' }],
    ['2 years', { tense: 'none', count: 2, unit: 'year' }],
    ['1 month', { tense: 'none', count: 1, unit: 'month' }],
    ['2 months', { tense: 'none', count: 2, unit: 'month' }],
    ['this month', { tense: 'this', count: 1, unit: 'month' }],
    ['previous 1 month', { tense: 'previous', count: 1, unit: 'month' }],
    ['last 1 month', { tense: 'last', count: 1, unit: 'month' }],
    ['last 1 hour', { tense: 'last', count: 1, unit: 'hour' }],
    ['1 hour', { tense: 'none', count: 1, unit: 'hour' }],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseDuration(text), want, text);
  for (const u of ['hour', 'day', 'week', 'month', 'quarter', 'year']) assert.equal(parseDuration(`this ${u}`).unit, u);
  for (const u of ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']) assert.equal(parseDuration(`last ${u}`).count, 1);
});

test('a bad tense is refused with the device\'s own message ("xyz seconds")', () => {
  assert.throws(() => parseDuration('xyz seconds'), (e: unknown) => {
    assert.ok(e instanceof TimeError);
    assert.deepEqual(e.device, { module_id: 'report_manager', id: 'invalid_time_duration_tense', text: 'Invalid duration tense: xyz', details: { duration_tense: 'xyz' } });
    return true;
  });
});

test('bad units, counts and shapes are refused with the device\'s ids', () => {
  const id = (text: string) => { try { parseDuration(text); return 'ok'; } catch (e) { return (e as TimeError).device.id; } };
  assert.equal(id('5 fortnights'), 'invalid_time_duration_unit');
  assert.throws(() => parseDuration('5 fortnights'), /Invalid duration unit: fortnights/);
  assert.equal(id('last 0 days'), 'invalid_time_duration');
  assert.equal(id('this 2 weeks'), 'invalid_time_duration');
  assert.equal(id('hour'), 'invalid_time_duration_tense');
  assert.equal(id(''), 'invalid_time_duration');
  assert.equal(id('last 1 2 days'), 'invalid_time_duration_unit');
  assert.equal(id('1.5 months'), 'invalid_time_duration');
});

test('compact and fractional forms are read like the device reads them', () => {
  assert.deepEqual(parseDuration('5min'), { tense: 'none', count: 5, unit: 'minute' });
  assert.deepEqual(parseDuration('1.5 hours'), { tense: 'none', count: 1.5, unit: 'hour' });
  assert.deepEqual(parseDuration('Last 2 H'), { tense: 'last', count: 2, unit: 'hour' });
});

test('"last" durations have fixed lengths: month 30 days, quarter 90, year 365 (document example)', () => {
  assert.deepEqual(range({ duration: 'last 1 month' }, '2018-03-05T18:30:30Z'), ['2018-02-03T18:30:30.000Z', '2018-03-05T18:30:30.000Z']);
  assert.deepEqual(range({ duration: 'last 2 months' }, '2018-03-05T18:30:30Z'), ['2018-01-04T18:30:30.000Z', '2018-03-05T18:30:30.000Z']);
  assert.deepEqual(range({ duration: 'last quarter' }, '2018-03-05T00:00:00Z'), ['2017-12-05T00:00:00.000Z', '2018-03-05T00:00:00.000Z']);
  assert.deepEqual(range({ duration: 'last 5 days' }, '2018-03-05T00:00:00Z'), ['2018-02-28T00:00:00.000Z', '2018-03-05T00:00:00.000Z']);
});

test('"previous" durations are whole calendar units before the current one (document example)', () => {
  assert.deepEqual(range({ duration: 'previous 1 month' }, '2018-03-05T10:00:00Z'), ['2018-02-01T00:00:00.000Z', '2018-03-01T00:00:00.000Z']);
  assert.deepEqual(range({ duration: 'previous 2 months' }, '2018-03-05T10:00:00Z'), ['2018-01-01T00:00:00.000Z', '2018-03-01T00:00:00.000Z']);
  assert.deepEqual(range({ duration: 'previous 1 quarter' }, '2018-05-05T10:00:00Z'), ['2018-01-01T00:00:00.000Z', '2018-04-01T00:00:00.000Z']);
});

test('"this" durations start at the beginning of the current unit; weeks start on Sunday', () => {
  assert.deepEqual(range({ duration: 'this month' }, '2018-03-05T10:00:00Z'), ['2018-03-01T00:00:00.000Z', '2018-03-05T10:00:00.000Z']);
  // 2018-03-07 is a Wednesday; that week's Sunday is 2018-03-04.
  assert.deepEqual(range({ duration: 'this week' }, '2018-03-07T10:00:00Z'), ['2018-03-04T00:00:00.000Z', '2018-03-07T10:00:00.000Z']);
  assert.deepEqual(range({ duration: 'this year' }, '2018-03-07T10:00:00Z'), ['2018-01-01T00:00:00.000Z', '2018-03-07T10:00:00.000Z']);
  assert.deepEqual(range({ end: String(at('2018-03-05T10:20:00Z') / 1000), duration: 'this hour' }, '2020-01-01T00:00:00Z'), ['2018-03-05T10:00:00.000Z', '2018-03-05T10:20:00.000Z']);
});

test('start + duration counts calendar units forward; a missing day becomes the month\'s last (document example)', () => {
  assert.deepEqual(range({ start: String(at('2018-02-03T00:00:00Z') / 1000), duration: '1 month' }, '2020-01-01T00:00:00Z'), ['2018-02-03T00:00:00.000Z', '2018-03-03T00:00:00.000Z']);
  assert.deepEqual(range({ start: String(at('2018-01-30T00:00:00Z') / 1000), duration: '1 month' }, '2020-01-01T00:00:00Z'), ['2018-01-30T00:00:00.000Z', '2018-02-28T00:00:00.000Z']);
});

test('end + duration counts calendar units back, keeping nanoseconds', () => {
  const r = resolveTime({ end: '1461703405.123456789', duration: '2 months' }, 0, utc);
  assert.equal(r.end, '1461703405.123456789');
  assert.equal(iso(r.start.split('.')[0]), '2016-02-26T20:43:25.000Z');
  assert.ok(r.start.endsWith('.123456789'));
});

test('a duration alone ends now', () => {
  assert.deepEqual(range({ duration: '12 min' }, '2018-03-05T10:00:00Z'), ['2018-03-05T09:48:00.000Z', '2018-03-05T10:00:00.000Z']);
  assert.deepEqual(range({ duration: '2 quarters' }, '2018-08-31T00:00:00Z'), ['2018-02-28T00:00:00.000Z', '2018-08-31T00:00:00.000Z']);
});

test('start and end alone are used as they are', () => {
  const r = resolveTime({ start: '1461703405.123', end: '1461709465.123', granularity: '60', resolution: '3600' }, 0);
  assert.deepEqual([r.start, r.end], ['1461703405.123', '1461709465.123']);
});

test('start + end + duration together is an error', () => {
  assert.throws(() => resolveTime({ start: '1', end: '100', duration: '1 hour' }, 0), (e: unknown) =>
    e instanceof TimeError && e.device.id === 'invalid_time_combination' && /cannot be specified together/.test(e.message));
});

test('an end before the start, or a malformed epoch, is an error', () => {
  assert.throws(() => resolveTime({ start: '100', end: '50' }, 0), /end 50 is not after start 100/);
  assert.throws(() => resolveTime({ start: 'yesterday', duration: '1 day' }, 0), (e: unknown) =>
    e instanceof TimeError && e.device.id === 'invalid_time_start' && e.message === 'Invalid start time: yesterday');
});

test('without a duration, a missing end is now and a missing start an hour before the end', () => {
  assert.deepEqual(range({}, '2018-03-05T10:00:00Z'), ['2018-03-05T09:00:00.000Z', '2018-03-05T10:00:00.000Z']);
  assert.deepEqual(range({ start: String(at('2018-03-05T08:00:00Z') / 1000) }, '2018-03-05T10:00:00Z'), ['2018-03-05T08:00:00.000Z', '2018-03-05T10:00:00.000Z']);
});

test('epoch strings keep nanosecond precision both ways', () => {
  assert.equal(parseEpoch('1234567890.123456789'), 1234567890123456789n);
  assert.equal(parseEpoch('1234567890'), 1234567890000000000n);
  assert.equal(formatEpoch(1234567890120000000n), '1234567890.12');
  assert.equal(formatEpoch(1234567890000000000n), '1234567890');
  assert.equal(parseEpoch('1.2.3'), undefined);
  assert.equal(parseEpoch('1.1234567891'), undefined);
});

test('epochs have at most 12 integer digits: a millisecond epoch is refused, not read as a far-future date', () => {
  assert.equal(parseEpoch('999999999999'), 999999999999_000000000n);
  assert.equal(parseEpoch('1461703405000'), undefined);
  assert.equal(parseEpoch('1461703405.'), undefined);
  assert.throws(() => resolveTime({ start: '99999999999999', duration: '1 month' }, 0, utc), (e: unknown) =>
    e instanceof TimeError && e.device.id === 'invalid_time_start' && e.message === 'Invalid start time: 99999999999999');
});

test('seconds counts (granularity, timeouts) have no digit limit and accept numbers', () => {
  assert.equal(secondsToNs('1461703405000'), 1461703405000_000000000n);
  assert.equal(secondsToNs(0.001), 1_000_000n);
  assert.equal(secondsToNs(' 60 '), 60_000_000_000n);
  assert.equal(secondsToNs('60.'), undefined);
});

test('calendar units are local unless utc is set: "this day" starts at local midnight or at 00:00 UTC', () => {
  const saved = process.env.TZ;
  process.env.TZ = 'America/New_York';
  try {
    // 03:00 UTC on March 5th is 22:00 EST (UTC-5) on March 4th.
    const now = at('2018-03-05T03:00:00Z');
    assert.equal(iso(resolveTime({ duration: 'this day' }, now, { utc: true }).start), '2018-03-05T00:00:00.000Z');
    assert.equal(iso(resolveTime({ duration: 'this day' }, now, { utc: false }).start), '2018-03-04T05:00:00.000Z');
    assert.equal(iso(resolveTime({ duration: 'previous 1 month' }, now, {}).start), '2018-02-01T05:00:00.000Z');
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

test('a fractional count of calendar units is refused with the duration as written', () => {
  assert.throws(() => resolveTime({ duration: 'previous 1.5 months' }, 0, utc), (e: unknown) =>
    e instanceof TimeError && e.device.id === 'invalid_time_duration' && e.message === 'Invalid duration: previous 1.5 months');
});
