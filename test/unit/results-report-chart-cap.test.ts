// A report chart keeps the 12 largest groups; its title says when others were left out, so 12 lines
// are not read as every host of the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeReport } from '../../src/results/appresponse';
import type { ReportColumnMeta } from '../../src/results/appresponseTypes';

const catalogue: ReportColumnMeta[] = [
  { id: 'start_time', type: 'timestamp', unit: 'seconds', grouped_by: true },
  { id: 'tcp.ip', type: 'ipaddr', grouped_by: true, label: 'IP' },
  { id: 'sum_traffic.total_bytes', type: 'integer', unit: 'bytes', metric: true, label: 'Total Bytes' },
];

function report(hosts: number) {
  const data: string[][] = [];
  for (let t = 0; t < 3; t++) for (let h = 0; h < hosts; h++) data.push([String(1_795_340_000 + t * 300), `10.0.0.${h + 1}`, String((h + 1) * 1000)]);
  return shapeReport([{ columns: ['start_time', 'tcp.ip', 'sum_traffic.total_bytes'], data }], catalogue);
}

test('a chart that leaves groups out says how many it shows of how many', () => {
  const [chart] = report(30).charts;
  assert.equal(chart.series.length, 12);
  assert.match(chart.title, /\(top 12 of 30\)$/);
  assert.equal(chart.series[0].label, '10.0.0.30', 'the largest first');
});

test('a chart with every group says nothing more', () => {
  const [chart] = report(5).charts;
  assert.equal(chart.series.length, 5);
  assert.doesNotMatch(chart.title, /top/);
});
