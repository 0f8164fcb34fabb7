import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countersTable, counterNames, epochSeconds, historyCharts, listTable, shapeAllegro } from '../../src/results/allegro';
import type { ResultTable } from '../../src/results/model';
import { formatCell, formatTimestamp, isNumericKind } from '../../src/results/format';
import { formatBytes } from '../../src/shared/format';

const col = (t: ResultTable, id: string) => {
  const i = t.columns.findIndex((c) => c.id === id);
  assert.ok(i >= 0, `column ${id} exists in ${t.columns.map((c) => c.id).join(', ')}`);
  return { spec: t.columns[i], values: t.rows.map((r) => r[i]) };
};

test('counter arrays become named columns: rx packets, rx bytes, tx packets, tx bytes, then extras', () => {
  assert.deepEqual(counterNames(6), ['rx packets', 'rx bytes', 'tx packets', 'tx bytes', 'extra 1', 'extra 2']);
  const t = countersTable({ lastSecond: [10, 1500, 20, 3000, 7] })!;
  assert.deepEqual(t.columns.slice(0, 6).map((c) => c.label), ['counter set', 'rx packets', 'rx bytes', 'tx packets', 'tx bytes', 'extra 1']);
  assert.equal(col(t, 'c1').spec.kind, 'bytes');
  assert.equal(col(t, 'c0').spec.kind, 'integer');
});

test('interval, allTime, lastSecond and intervalPerSecond are shown side by side, one row each', () => {
  const t = countersTable({ interval: [1, 2, 3, 4], allTime: [5, 6, 7, 8], lastSecond: [9, 10, 11, 12], intervalPerSecond: [13, 14, 15, 16] })!;
  assert.deepEqual(col(t, 'set').values, ['interval', 'allTime', 'lastSecond', 'intervalPerSecond']);
  assert.deepEqual(col(t, 'c3').values, [4, 8, 12, 16]);
});

test('bit rates are bytes × 8 and only where a rate applies (the per-second sets)', () => {
  const t = countersTable({ interval: [1, 1000, 1, 500], allTime: [1, 9999, 1, 9999], lastSecond: [1, 125, 1, 250], intervalPerSecond: [1, 100, 1, 50] })!;
  assert.equal(col(t, 'rxRate').spec.kind, 'bitrate');
  assert.deepEqual(col(t, 'rxRate').values, [null, null, 1000, 800]);
  assert.deepEqual(col(t, 'txRate').values, [null, null, 2000, 400]);
  assert.deepEqual(col(t, 'rate').values, [null, null, 3000, 1200]);
});

test('an object without counter arrays has no counters table', () => {
  assert.equal(countersTable({ interval: [1, 2, 3], name: 'x' }), undefined);
  assert.equal(countersTable({ interval: ['1', '2', '3', '4'] }), undefined);
});

test('displayedItems become a table: identity columns, interval counters shown, other sets hidden, rates from intervalPerSecond', () => {
  const items = [
    { ip: '10.0.0.2', hostName: 'a', interval: [1, 100, 2, 200], allTime: [3, 300, 4, 400], intervalPerSecond: [1, 10, 1, 20] },
    { ip: '10.0.0.10', hostName: 'b', interval: [5, 500, 6, 600], allTime: [7, 700, 8, 800], intervalPerSecond: [1, 50, 1, 60] },
  ];
  const t = listTable(items);
  assert.equal(t.columns[0].id, 'ip');
  assert.equal(t.columns[0].kind, 'ipaddr');
  assert.deepEqual(col(t, 'interval.1').values, [100, 500]);
  assert.equal(col(t, 'interval.1').spec.label, 'rx bytes');
  assert.equal(col(t, 'interval.1').spec.hidden, false);
  assert.equal(col(t, 'allTime.1').spec.hidden, true);
  assert.equal(col(t, 'allTime.1').spec.label, 'allTime rx bytes');
  assert.deepEqual(col(t, 'intervalPerSecond.rate').values, [(10 + 20) * 8, (50 + 60) * 8]);
  assert.equal(col(t, 'intervalPerSecond.rate').spec.kind, 'bitrate');
});

test('list items keep scalar types: numbers, booleans, epoch times in ms as timestamps, nested values as hidden JSON', () => {
  const t = listTable([
    { name: 'x', active: true, connectionStart: 1_700_000_000_123, port: 443, detail: { a: 1 } },
    { name: 'y', active: false, connectionStart: 1_700_000_001_000, port: 80, detail: { a: 2 } },
  ]);
  assert.equal(col(t, 'active').spec.kind, 'boolean');
  assert.equal(col(t, 'port').spec.kind, 'identifier');
  assert.equal(col(t, 'connectionStart').spec.kind, 'timestamp');
  assert.deepEqual(col(t, 'connectionStart').values, [1_700_000_000.123, 1_700_000_001]);
  assert.equal(col(t, 'detail').spec.kind, 'json');
  assert.equal(col(t, 'detail').spec.hidden, true);
  assert.deepEqual(col(t, 'detail').values, ['{"a":1}', '{"a":2}']);
});

test('a paged list answer carries its paging facts', () => {
  const r = shapeAllegro({ numberOfItems: 250, numberOfPages: 3, itemsPerPage: 100, displayedItems: [{ ip: '10.0.0.1', interval: [1, 2, 3, 4] }] }, { page: 2 });
  assert.deepEqual(r.paging, { page: 2, numberOfItems: 250, numberOfPages: 3, itemsPerPage: 100 });
  assert.equal(r.tables[0].id, 'items');
  assert.equal(r.tables[0].rows.length, 1);
});

test('timestamps in seconds, milliseconds or microseconds all become epoch seconds', () => {
  assert.equal(epochSeconds(1_700_000_000), 1_700_000_000);
  assert.equal(epochSeconds(1_700_000_000_500), 1_700_000_000.5);
  assert.equal(epochSeconds(1_700_000_000_000_000), 1_700_000_000);
});

test('a counter history object becomes a bytes chart and a packets chart, sorted by time', () => {
  const h = { dataAge: 1, intervalAMM: { min: 0, count: 2, avg: 1, max: 2 }, data: [[1_700_000_060_000, 3, 300, 4, 400], [1_700_000_000_000, 1, 100, 2, 200]] };
  const charts = historyCharts(h, 'h', 'history');
  assert.equal(charts.length, 2);
  const [bytes, packets] = charts;
  assert.equal(bytes.kind, 'bytes');
  assert.deepEqual(bytes.x, [1_700_000_000, 1_700_000_060]);
  assert.deepEqual(bytes.series.map((s) => s.label), ['rx bytes', 'tx bytes']);
  assert.deepEqual(bytes.series[0].values, [100, 300]);
  assert.deepEqual(packets.series.map((s) => s.label), ['rx packets', 'tx packets']);
});

test('history rows name the series when the object has them', () => {
  const [chart] = historyCharts({ rows: ['cpuLoad'], data: [[1_700_000_000, 5], [1_700_000_010, 7]] }, 'h', 'load');
  assert.deepEqual(chart.series.map((s) => s.label), ['cpu load']);
  assert.deepEqual(chart.series[0].values, [5, 7]);
  const [bytes, packets] = historyCharts({ rows: ['rxPackets', 'rxBytes', 'txPackets', 'txBytes'], data: [[1_700_000_000_000, 1, 2, 3, 4]] }, 'h', 'history');
  assert.deepEqual(bytes.series.map((s) => s.label), ['rx bytes', 'tx bytes']);
  assert.equal(packets.title, 'history: packets');
});

test('history objects anywhere in an answer are charted; list item histories become one series per item', () => {
  const one = shapeAllegro({ ip: '10.0.0.1', interval: [1, 2, 3, 4], history: { data: [[1_700_000_000, 1, 2, 3, 4]] } });
  assert.ok(one.charts.some((c) => c.title.startsWith('history')));
  const list = shapeAllegro({
    displayedItems: [
      { ip: '10.0.0.1', hostName: 'alpha', history: { data: [[1_700_000_000, 1, 100, 1, 50], [1_700_000_060, 1, 10, 1, 5]] } },
      { ip: '10.0.0.2', history: { data: [[1_700_000_060, 1, 7, 1, 3]] } },
    ],
  });
  const chart = list.charts.find((c) => c.id === 'list-history')!;
  assert.deepEqual(chart.series.map((s) => s.label), ['alpha', '10.0.0.2']);
  assert.deepEqual(chart.x, [1_700_000_000, 1_700_000_060]);
  assert.deepEqual(chart.series[0].values, [150, 15]);
  assert.deepEqual(chart.series[1].values, [null, 10]);
  assert.equal(chart.kind, 'bytes');
  assert.ok(!list.tables[0].columns.some((c) => c.id === 'history'), 'histories are charted, not tabled');
});

test('an asynchronous answer is unwrapped from asyncResult', () => {
  const r = shapeAllegro({ errorCode: 0, asyncResult: { displayedItems: [{ clientIp: '10.0.0.1', serverPort: 443 }] } });
  assert.equal(r.tables[0].rows.length, 1);
  assert.ok(r.notes?.includes('asynchronous result'));
});

test('generic JSON: arrays of scalars and of objects become tables, scalars of an object become properties', () => {
  assert.deepEqual(shapeAllegro(['10.0.0.1', '10.0.0.2']).tables[0].columns[0].kind, 'ipaddr');
  const r = shapeAllegro({ uptimeSec: 12, version: '4.2', interfaces: [{ name: 'eth0', up: true }, { name: 'eth1', up: false }] });
  const props = r.tables.find((t) => t.id === 'properties')!;
  assert.deepEqual(props.rows, [['uptimeSec', 12], ['version', '4.2']]);
  const ifs = r.tables.find((t) => t.id === 'array-interfaces')!;
  assert.deepEqual(ifs.rows, [['eth0', true], ['eth1', false]]);
});

test('ports, ids and VLANs are identifiers (no digit grouping, sorted as numbers), counts stay counts', () => {
  const t = listTable([
    { id: 2992235, clientIp: '10.0.0.1', clientPort: 62887, serverPort: 3306, vlan: 100, rtpSsrc: 4000000001, packets: 1234567, clientToServerBytes: 12_300_000 },
    { id: 17, clientIp: '10.0.0.2', clientPort: 1024, serverPort: 443, vlan: 0, rtpSsrc: 5, packets: 2, clientToServerBytes: 10 },
  ]);
  for (const id of ['id', 'clientPort', 'serverPort', 'vlan', 'rtpSsrc']) {
    const { spec } = col(t, id);
    assert.equal(spec.kind, 'identifier', id);
    assert.ok(isNumericKind(spec.kind), `${id} sorts as a number`);
  }
  assert.equal(formatCell(col(t, 'clientPort').values[0], 'identifier'), '62887');
  assert.equal(formatCell(col(t, 'id').values[0], 'identifier'), '2992235');
  assert.equal(col(t, 'packets').spec.kind, 'integer');
  assert.equal(formatCell(col(t, 'packets').values[0], 'integer'), '1,234,567');
  assert.equal(col(t, 'clientToServerBytes').spec.kind, 'bytes');
});

test('an object\'s properties show epoch times as dates and byte counts with units, each with the raw value', () => {
  const r = shapeAllegro({ ip: '10.0.54.10', firstSeen: 1_795_337_640_007, lastSeen: 1_795_337_700, bytes: 1_536_000, packets: 12 });
  const props = r.tables.find((t) => t.id === 'properties')!;
  const row = (k: string) => props.rows.find((x) => x[0] === k)?.[1];
  assert.equal(row('firstSeen'), `${formatTimestamp(1_795_337_640.007)} (1795337640007)`);
  assert.match(String(row('firstSeen')), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.007 \(1795337640007\)$/);
  assert.equal(row('lastSeen'), `${formatTimestamp(1_795_337_700)} (1795337700)`);
  assert.equal(row('bytes'), `${formatBytes(1_536_000)} (1536000 B)`);
  assert.match(String(row('bytes')), /^1\.5\d* [kM]i?B \(1536000 B\)$/);
  assert.equal(row('packets'), 12);
  assert.equal(row('ip'), '10.0.54.10');
});
