import { test } from 'node:test';
import assert from 'node:assert/strict';
import { castReportValue, kindOfReportColumn, reportTable, shapeReport } from '../../src/results/appresponse';
import type { ReportColumnMeta } from '../../src/results/appresponseTypes';

const catalogue: ReportColumnMeta[] = [
  { id: 'start_time', label: 'Start Time', type: 'timestamp', unit: 'seconds', grouped_by: true },
  { id: 'host_group.id', label: 'Host Group ID', type: 'integer', grouped_by: true },
  { id: 'host_group.name', label: 'Host Group', type: 'string', grouped_by: true },
  { id: 'sum_traffic.total_bytes', label: 'Total Bytes', type: 'integer', unit: 'bytes', metric: true },
  { id: 'avg_traffic.total_bytes_ps', label: 'Throughput', type: 'number', unit: 'bytes', rate: 'ps', metric: true },
  { id: 'avg_tcp.srv_response_time', label: 'Server Response Time', type: 'duration', unit: 'seconds', metric: true },
  { id: 'srv_tcp.ip', label: 'Server IP', type: 'ipaddr', grouped_by: true },
  { id: 'dns.query.name', label: 'DNS Name', type: 'string' },
];

test('values are cast by the column type: timestamps, durations, integers, numbers', () => {
  assert.equal(castReportValue('1522772201.123', { id: 't', type: 'timestamp' }), 1522772201.123);
  assert.equal(castReportValue('1.001', { id: 'd', type: 'duration' }), 1.001);
  assert.equal(castReportValue('2528527700', { id: 'b', type: 'integer' }), 2528527700);
  assert.equal(castReportValue('324234.23', { id: 'n', type: 'number' }), 324234.23);
  assert.equal(castReportValue('10.0.0.1', { id: 'ip', type: 'ipaddr' }), '10.0.0.1');
  assert.equal(castReportValue('true', { id: 'x', type: 'boolean' }), true);
});

test('#N/A and #N/D stay distinct markers in any column; NULL becomes empty', () => {
  assert.equal(castReportValue('#N/A', { id: 'n', type: 'number' }), '#N/A');
  assert.equal(castReportValue('#N/D', { id: 's', type: 'string' }), '#N/D');
  assert.equal(castReportValue('NULL', { id: 'n', type: 'integer' }), null);
});

test('averages returned as total|samples (nsamples=true) become their average', () => {
  assert.equal(castReportValue('41222|55', { id: 'avg', type: 'number' }), 41222 / 55);
});

test('ports stay text (normalised), arrays stay their JSON text, untyped start_time is a timestamp', () => {
  assert.equal(castReportValue('080', { id: 'p', type: 'port' }), '80');
  assert.equal(castReportValue('[1,2]', { id: 'a', type: 'array' }), '[1,2]');
  assert.equal(castReportValue('1522772201', { id: 'start_time' }), 1522772201);
  assert.equal(castReportValue(null, { id: 's', type: 'string' }), null);
});

test('a number that does not parse stays text instead of becoming NaN', () => {
  assert.equal(castReportValue('n/a-ish', { id: 'n', type: 'number' }), 'n/a-ish');
});

test('column kinds come from type, unit and rate: bytes, byte rates, durations, addresses, timestamps', () => {
  assert.equal(kindOfReportColumn(catalogue[3]), 'bytes');
  assert.equal(kindOfReportColumn(catalogue[4]), 'byterate');
  assert.equal(kindOfReportColumn(catalogue[5]), 'duration');
  assert.equal(kindOfReportColumn(catalogue[6]), 'ipaddr');
  assert.equal(kindOfReportColumn({ id: 'start_time' }), 'timestamp', 'start_time is a timestamp even without catalogue');
  assert.equal(kindOfReportColumn({ id: 'srv_tcp.port', type: 'port' }), 'string');
  // a whole-number grouping key names something (shown as 2992, not 2,992); a metric integer is a count
  assert.equal(kindOfReportColumn(catalogue[1]), 'identifier');
  assert.equal(kindOfReportColumn({ id: 'sum_tcp.errors', type: 'integer', unit: 'none', metric: true }), 'integer');
});

test('string column ids of the answer are typed from the catalogue; labels come from it', () => {
  const { table } = reportTable({ id: 1, columns: ['host_group.id', 'host_group.name', 'sum_traffic.total_bytes'], data: [['1', 'Default-10.x.x.x', '2528527700'], ['0', 'Other Group', '#N/A']] }, catalogue);
  assert.deepEqual(table.columns.map((c) => c.label), ['Host Group ID', 'Host Group', 'Total Bytes']);
  assert.deepEqual(table.columns.map((c) => c.kind), ['identifier', 'string', 'bytes']);
  assert.deepEqual(table.rows, [[1, 'Default-10.x.x.x', 2528527700], [0, 'Other Group', '#N/A']]);
  assert.equal(table.id, 'dd-1');
});

test('an answer without data (empty result) is an empty table', () => {
  const r = shapeReport([{ id: 2, columns: ['host_group.id'] }], catalogue);
  assert.equal(r.tables[0].rows.length, 0);
  assert.deepEqual(r.charts, []);
});

test('a start_time series is charted per group key: one chart per metric, one series per group, name over id', () => {
  const data = [
    ['1522684800', '1', 'Default-10.x.x.x', '100', '#N/A'],
    ['1522684800', '2', 'Default-Internet', '50', '0.2'],
    ['1522684860', '1', 'Default-10.x.x.x', '300', '0.1'],
    ['1522684920', '2', 'Default-Internet', '70', '0.3'],
  ];
  const r = shapeReport([{ id: 1, columns: ['start_time', 'host_group.id', 'host_group.name', 'sum_traffic.total_bytes', 'avg_tcp.srv_response_time'], data }], catalogue);
  assert.equal(r.charts.length, 2);
  const bytes = r.charts.find((c) => c.id === 'dd-1-sum_traffic.total_bytes')!;
  assert.equal(bytes.kind, 'bytes');
  assert.deepEqual(bytes.x, [1522684800, 1522684860, 1522684920]);
  assert.deepEqual(bytes.series.map((s) => s.label), ['Default-10.x.x.x', 'Default-Internet'], 'largest group first, labelled by name');
  assert.deepEqual(bytes.series[0].values, [100, 300, null], 'gaps stay gaps');
  const rt = r.charts.find((c) => c.id === 'dd-1-avg_tcp.srv_response_time')!;
  assert.equal(rt.kind, 'duration');
  assert.deepEqual(rt.series.find((s) => s.label === 'Default-10.x.x.x')!.values, [null, 0.1, null], '#N/A is not plotted');
});

test('end_time series work too, and only grouped_by columns key the series when the catalogue says so', () => {
  const r = shapeReport([{ columns: ['end_time', 'srv_tcp.ip', 'dns.query.name', 'avg_traffic.total_bytes_ps'], data: [['1522684800', '10.0.0.1', 'a.example', '10'], ['1522684800', '10.0.0.2', '#N/D', '20']] }], catalogue);
  assert.equal(r.charts.length, 1);
  assert.equal(r.charts[0].kind, 'byterate');
  assert.deepEqual(r.charts[0].series.map((s) => s.label).sort(), ['10.0.0.1', '10.0.0.2']);
});

test('a table without start_time/end_time has no chart', () => {
  const r = shapeReport([{ columns: ['host_group.name', 'sum_traffic.total_bytes'], data: [['a', '1']] }], catalogue);
  assert.deepEqual(r.charts, []);
});

test('a series per group is capped so a chart stays readable', () => {
  const data: string[][] = [];
  for (let g = 0; g < 30; g++) data.push(['1522684800', String(g), `g${g}`, String(g)]);
  const r = shapeReport([{ columns: ['start_time', 'host_group.id', 'host_group.name', 'sum_traffic.total_bytes'], data }], catalogue);
  assert.equal(r.charts[0].series.length, 12);
  assert.equal(r.charts[0].series[0].label, 'g29');
});
