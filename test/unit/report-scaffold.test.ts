import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scaffoldDataDef, scaffoldReportFile, validateReportFile } from '../../src/report/index';
import { buildSources } from '../../src/simulator/appresponse/catalogue';
import type { Source } from '../../src/steelfilter/index';

const sources = buildSources() as unknown as Source[];
const byName = new Map(sources.map((s) => [s.name, s]));
const options = { getSource: (n: string) => byName.get(n), sourceNames: [...byName.keys()] };

test('a new report for a source is a top-talkers table that passes the validator', () => {
  const agg = byName.get('aggregates')!;
  const def = scaffoldDataDef(agg);
  assert.deepEqual(def.group_by, ['host_group.id']);
  assert.deepEqual(def.columns, ['host_group.id', 'host_group.name', 'avg_traffic.total_bytes_ps']);
  assert.deepEqual(def.top_by, [{ id: 'avg_traffic.total_bytes_ps', direction: 'desc' }]);
  assert.deepEqual(def.time, { duration: 'last 1 hour', granularity: '60' });
  assert.deepEqual(validateReportFile(scaffoldReportFile('lab', agg), options), []);
});

test('a column picked in the tree is used: a key becomes the group, a metric the measure, a time column a series', () => {
  const agg = byName.get('aggregates')!;
  assert.deepEqual(scaffoldDataDef(agg, { column: 'srv_tcp.port' }).group_by, ['srv_tcp.port']);
  const m = scaffoldDataDef(agg, { column: 'sum_tcp.total_bytes' });
  assert.ok(m.columns.includes('sum_tcp.total_bytes'));
  const series = scaffoldDataDef(agg, { column: 'start_time' });
  assert.deepEqual(series.group_by, ['start_time']);
  assert.equal(series.top_by, undefined);
});

test('every source of the simulated device gets a new report that the validator accepts (packets with a path)', () => {
  for (const source of sources) {
    const file = scaffoldReportFile('lab', source, source.name === 'packets' ? { path: 'jobs/1' } : {});
    const errors = validateReportFile(file, options).filter((p) => p.severity === 'error');
    assert.deepEqual(errors, [], source.name);
  }
});

test('the packets source without a path is flagged, so the user picks one', () => {
  const problems = validateReportFile(scaffoldReportFile('lab', byName.get('packets')!), options);
  assert.ok(problems.some((p) => p.path === 'data_defs[0].source' && /needs a "path"/.test(p.message)));
});
