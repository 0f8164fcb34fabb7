// A capture that holds less than was asked: why one with no packet may be empty, and whether a
// stop rule (or an early end) cut one short, in the words the message and the sidecar use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noPacketsMessage, noPacketsReasons, shortfall, type AskedCapture } from '../../src/pcap/shortfall';

const at = (hms: string) => Date.parse(`2026-11-22T${hms}Z`) / 1000;
const now = at('10:31:00');
const job = { name: 'default_job', start: at('09:29:00'), end: now, live: true };

test('no packets from a time range of yesterday: that alone is the reason, with the source\'s own span', () => {
  const asked: AskedCapture = { start: at('10:03:34') - 86400, end: at('10:08:34') - 86400, source: job };
  assert.deepEqual(noPacketsReasons(asked, now), ['the time range between 2026-11-21 10:03:34 UTC and 10:08:34 UTC ends before the first packet of default_job']);
  assert.equal(
    noPacketsMessage(asked, now),
    'No packets: the time range between 2026-11-21 10:03:34 UTC and 10:08:34 UTC ends before the first packet of default_job (default_job holds packets from 2026-11-22 09:29:00 UTC until now).',
  );
});

test('no packets with a filter inside the source\'s data: the filter matched nothing, named', () => {
  const msg = noPacketsMessage({ filter: 'STEELFILTER foo.bar == 3', start: at('10:03:34'), end: at('10:08:34'), source: job }, now);
  assert.match(msg, /^No packets: the filter STEELFILTER foo\.bar == 3 matched no packet in default_job between 2026-11-22 10:03:34 UTC and 10:08:34 UTC/);
  assert.match(msg, /\(default_job holds packets from 2026-11-22 09:29:00 UTC until now\)\.$/);
});

test('no packets from a stopped source after its end: the range starts after its last packet', () => {
  const file = { name: 'admin/mytrace.pcap', start: at('10:00:00'), end: at('10:00:10') };
  assert.match(noPacketsMessage({ start: at('10:05:00'), end: at('10:10:00'), source: file }, now), /starts after the last packet of admin\/mytrace\.pcap \(admin\/mytrace\.pcap holds packets from 2026-11-22 10:00:00 UTC to 10:00:10 UTC\)/);
});

test('an Allegro capture with no packet: the expression, or the window outside the capture buffer', () => {
  const msg = noPacketsMessage({ filter: 'expression ip==192.0.2.99', start: at('10:00:00'), end: at('10:10:00'), place: 'the capture buffer' }, now);
  assert.match(msg, /likely the filter expression ip==192\.0\.2\.99 matched no packet in the capture buffer between .* or the time range lies outside what the capture buffer holds\.$/);
  assert.match(noPacketsMessage({ start: at('10:00:00'), end: at('10:00:30'), place: 'the live traffic', liveCapture: true }, now), /^No packets: no traffic was seen between/);
});

test('a BUFFER_STREAM cut by size_limit: "stopped by size_limit after 57 s of 5 min"', () => {
  const cut = shortfall({ start: at('10:03:34'), end: at('10:08:34') }, { packetCount: 3120, size: 4_998_700, lastPacketTime: '2026-11-22T10:04:31.200000Z' }, { size_limit: 5_000_000 });
  assert.equal(cut?.by, 'size_limit');
  assert.equal(cut?.text, 'stopped by size_limit (5.00 MB) after 57 s of 5 min');
  assert.equal(cut?.askedEnd, '2026-11-22T10:08:34.000Z');
});

test('the device saying the output was truncated names the only limit set, even far from it', () => {
  const cut = shortfall({ start: at('10:00:00'), end: at('10:05:00') }, { packetCount: 10, size: 1000, lastPacketTime: '2026-11-22T10:04:59Z' }, { size_limit: 5_000_000 }, true);
  assert.equal(cut?.by, 'size_limit');
});

test('packet_limit and time_limit are recognised', () => {
  assert.equal(shortfall({ start: at('10:00:00'), end: at('10:05:00') }, { packetCount: 100, size: 9000, lastPacketTime: '2026-11-22T10:00:02Z' }, { packet_limit: 100 })?.by, 'packet_limit');
  const t = shortfall({ start: at('10:00:00'), end: at('10:05:00') }, { packetCount: 500, size: 90_000, lastPacketTime: '2026-11-22T10:00:59Z' }, { time_limit: 60 });
  assert.equal(t?.by, 'time_limit');
  assert.match(t!.text, /^stopped by time_limit \(1 min\) after 59 s of 5 min$/);
});

test('packets that end well before the asked end are said to, without a stop rule to blame', () => {
  const cut = shortfall({ start: at('10:00:00'), end: at('10:10:00') }, { packetCount: 50, size: 9000, lastPacketTime: '2026-11-22T10:02:00Z' }, undefined);
  assert.equal(cut?.by, 'early end');
  assert.match(cut!.text, /^ends 8 min before the asked end: its last packet is at 10:02:00 UTC, the range ends at 10:10:00 UTC; it covers 2 min of 10 min$/);
});

test('a capture that covers what was asked is not cut short', () => {
  assert.equal(shortfall({ start: at('10:00:00'), end: at('10:05:00') }, { packetCount: 5000, size: 900_000, lastPacketTime: '2026-11-22T10:04:59.9Z' }, { size_limit: 5_000_000 }), undefined);
  assert.equal(shortfall({ start: at('10:00:00'), end: at('10:05:00') }, { packetCount: 0, size: 24 }, undefined), undefined);
});
