import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactCell, formatBitrate, formatBytes, formatByterate, formatCell, formatDuration, formatTimestamp } from '../../src/results/format';
import { tableToCsv, tableToObjects } from '../../src/results/csv';
import type { ResultTable } from '../../src/results/model';

test('bytes are shown with decimal units', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1500), '1.50 kB');
  assert.equal(formatBytes(2_528_527_700), '2.53 GB');
  assert.equal(formatBytes(87_192), '87.2 kB');
});

test('capture files use binary units when asked: KiB = 1024 B', () => {
  assert.equal(formatBytes(1023, { binary: true }), '1023 B');
  assert.equal(formatBytes(2048, { binary: true }), '2.00 KiB');
  assert.equal(formatBytes(1500, { binary: true }), '1.46 KiB');
  assert.equal(formatBytes(5 * 1024 ** 3, { binary: true }), '5.00 GiB');
  assert.equal(formatBytes(2048), '2.05 kB');
});

test('rates are bits per second; byte rates are multiplied by 8', () => {
  assert.equal(formatBitrate(999), '999 bit/s');
  assert.equal(formatBitrate(12_500_000), '12.5 Mbit/s');
  assert.equal(formatByterate(125_000), '1.00 Mbit/s');
});

test('durations read naturally from nanoseconds to days', () => {
  assert.equal(formatDuration(0.00085), '850 µs');
  assert.equal(formatDuration(0.0125), '12.5 ms');
  assert.equal(formatDuration(1.001), '1.001 s');
  assert.equal(formatDuration(123), '2 min 3 s');
  assert.equal(formatDuration(3720), '1 h 2 min');
  assert.equal(formatDuration(2 * 86400 + 3600), '2 d 1 h');
});

test('timestamps are dates, with milliseconds when the value has a fraction', () => {
  assert.equal(formatTimestamp(1522772201, true), '2018-04-03 16:16:41');
  assert.equal(formatTimestamp(1522772201.123, true), '2018-04-03 16:16:41.123');
});

test('cells format by kind; specials and text pass through; exact values keep the raw number', () => {
  assert.equal(formatCell(null, 'bytes'), '');
  assert.equal(formatCell('#N/A', 'bytes'), '#N/A');
  assert.equal(formatCell(1234567, 'integer'), '1,234,567');
  assert.equal(formatCell(true, 'boolean'), 'true');
  assert.equal(exactCell(1500, 'bytes'), '1,500 B');
});

const table: ResultTable = {
  id: 't',
  title: 't',
  columns: [
    { id: 'name', label: 'name', kind: 'string' },
    { id: 'bytes', label: 'rx bytes', kind: 'bytes' },
    { id: 'time', label: 'start, time', kind: 'timestamp' },
  ],
  rows: [
    ['a "quoted", name', 1500, 1522772201],
    ['=HYPERLINK("x")', null, '#N/D'],
  ],
};

test('generated CSV quotes per RFC 4180, keeps raw numbers, writes ISO timestamps', () => {
  const csv = tableToCsv(table);
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'name,rx bytes,"start, time"');
  assert.equal(lines[1], '"a ""quoted"", name",1500,2018-04-03T16:16:41Z');
});

test('generated CSV defuses spreadsheet formulas from device strings and keeps #N/D', () => {
  const lines = tableToCsv(table).split('\r\n');
  assert.equal(lines[2], `"'=HYPERLINK(""x"")",,#N/D`);
});

test('export follows the visible columns and their order', () => {
  assert.equal(tableToCsv(table, ['bytes', 'name']).split('\r\n')[0], 'rx bytes,name');
  assert.deepEqual(tableToObjects(table, ['bytes'])[0], { 'rx bytes': 1500 });
});
