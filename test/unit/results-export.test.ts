// Exports of the results table: the rows and columns shown, with the column labels and
// machine-readable values (raw numbers, ISO 8601 UTC timestamps with their precision, #N/A / #N/D).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoTimestamp, tableToCsv, tableToObjects } from '../../src/results/csv';
import { shownTable } from '../../src/results/export';
import type { ResultTable } from '../../src/results/model';

const FIRST_SEEN = 1795337640.04; // an Allegro firstSeen in milliseconds (1795337640040), as the table holds it
const table: ResultTable = {
  id: 'items',
  title: 'Items',
  columns: [
    { id: 'ip', label: 'ip', kind: 'ipaddr' },
    { id: 'hostName', label: 'hostName', kind: 'string' },
    { id: 'interval.0', label: 'rx packets', kind: 'integer' },
    { id: 'interval.1', label: 'rx bytes', kind: 'bytes' },
    { id: 'intervalPerSecond.rate', label: 'bit rate', kind: 'bitrate' },
    { id: 'firstSeen', label: 'firstSeen', kind: 'timestamp' },
    { id: 'dns', label: 'dns', kind: 'json' },
  ],
  rows: [
    ['10.0.0.1', 'srv01.corp.example', 10, 12_300_000, 98_400.5, FIRST_SEEN, '{"names":["a"]}'],
    ['10.0.0.2', 'pc-10-080.corp.example', 20, 1_500, 1_200, FIRST_SEEN + 60, null],
    ['10.0.0.3', 'srv03.corp.example', '#N/A', '#N/D', null, 1795337700, null],
  ],
};

test('an export holds the rows shown, in the shown order, and the visible columns in view order', () => {
  const shown = shownTable(table, { columnIds: ['hostName', 'interval.1', 'firstSeen'], rows: [2, 0] });
  assert.deepEqual(shown.columns.map((c) => c.label), ['hostName', 'rx bytes', 'firstSeen']);
  assert.deepEqual(shown.rows, [['srv03.corp.example', '#N/D', 1795337700], ['srv01.corp.example', 12_300_000, FIRST_SEEN]]);
  assert.equal(shownTable(table).rows.length, 3, 'no view: every row and column as delivered');
  assert.deepEqual(shownTable(table, { columnIds: ['ip'], rows: [] }).rows, [], 'a filter that matches nothing exports no row');
});

test('rows that the table does not have are refused, not silently skipped', () => {
  assert.throws(() => shownTable(table, { rows: [0, 3] }), /export again/);
  assert.throws(() => shownTable(table, { rows: [1.5] }), /export again/);
  assert.throws(() => shownTable(table, { columnIds: ['gone'] }), /export again/);
});

test('CSV: the column labels as headers, raw numbers, ISO 8601 UTC timestamps, #N/A and #N/D as such', () => {
  const csv = tableToCsv(shownTable(table, { columnIds: ['ip', 'interval.0', 'interval.1', 'intervalPerSecond.rate', 'firstSeen'], rows: [0, 2] }));
  assert.equal(csv, [
    'ip,rx packets,rx bytes,bit rate,firstSeen',
    '10.0.0.1,10,12300000,98400.5,2026-11-22T08:54:00.040Z',
    '10.0.0.3,#N/A,#N/D,,2026-11-22T08:55:00Z',
    '',
  ].join('\r\n'));
});

test('JSON: objects keyed by the column labels, numbers raw, timestamps ISO, nested values as JSON', () => {
  const objects = tableToObjects(shownTable(table, { columnIds: ['hostName', 'interval.0', 'interval.1', 'firstSeen', 'dns'], rows: [0, 2] }));
  assert.deepEqual(objects, [
    { hostName: 'srv01.corp.example', 'rx packets': 10, 'rx bytes': 12_300_000, firstSeen: '2026-11-22T08:54:00.040Z', dns: { names: ['a'] } },
    { hostName: 'srv03.corp.example', 'rx packets': '#N/A', 'rx bytes': '#N/D', firstSeen: '2026-11-22T08:55:00Z', dns: null },
  ]);
});

test('timestamps keep the precision they have: seconds, milliseconds, microseconds', () => {
  assert.equal(isoTimestamp(1795337640), '2026-11-22T08:54:00Z');
  assert.equal(isoTimestamp(1795337640.5), '2026-11-22T08:54:00.500Z');
  assert.equal(isoTimestamp(1795337640123 / 1e3), '2026-11-22T08:54:00.123Z');
  assert.equal(isoTimestamp(1795337640123456 / 1e6), '2026-11-22T08:54:00.123456Z');
  assert.equal(isoTimestamp(1795337640000001 / 1e6), '2026-11-22T08:54:00.000001Z');
});

test('two columns with the same label stay apart in headers and keys', () => {
  const twins: ResultTable = { id: 't', title: 't', columns: [{ id: 'a', label: 'bytes', kind: 'bytes' }, { id: 'b', label: 'bytes', kind: 'bytes' }], rows: [[1, 2]] };
  assert.equal(tableToCsv(twins).split('\r\n')[0], 'bytes (a),bytes (b)');
  assert.deepEqual(tableToObjects(twins), [{ 'bytes (a)': 1, 'bytes (b)': 2 }]);
});
