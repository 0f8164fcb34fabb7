import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  validateReportRequest, validateReportFile, checkReportFile, reportFileSchema, dataDefSchema, exampleReportFile, topHostGroupsDataDef, applyProblemFix, type ReportProblem, type ValidateOptions,
} from '../../src/report/index';
import { validate, type Source } from '../../src/steelfilter/index';
import { bigCatalogue } from './steelfilter-catalogue';

const aggregates = bigCatalogue(1100);
const packets: Source = { ...bigCatalogue(1100, { filtersOnMetrics: false, name: 'packets' }), granularities: ['0.001', '0.01', '0.1', '1', '10', '60', '600', '3600', '86400'] };
const sources: Record<string, Source> = { aggregates, packets };
const options: ValidateOptions = { getSource: (n) => sources[n], sourceNames: ['aggregates', 'packets', 'flow_tcp', 'flow_ip'], now: Date.parse('2018-03-05T10:00:00Z'), utc: true };

/** The document's "top 20 host groups by throughput" request. */
const topHostGroups = topHostGroupsDataDef;

const check = (def: unknown, extra: Record<string, unknown> = {}) => validateReportRequest({ data_defs: [def], ...extra }, options);
const errorsOf = (problems: ReportProblem[]) => problems.filter((p) => p.severity === 'error');
const paths = (problems: ReportProblem[]) => errorsOf(problems).map((p) => p.path);

test('the document\'s example requests are valid', () => {
  assert.deepEqual(check(topHostGroups()), []);
  assert.deepEqual(check({
    time: { granularity: '60', duration: 'last 1 hour' },
    source: { name: 'aggregates' },
    group_by: ['start_time', 'host_group.id'],
    columns: ['start_time', 'host_group.id', 'host_group.name', 'avg_traffic.total_bytes_ps'],
    limit: 20,
  }), []);
  assert.deepEqual(check({ source: { name: 'aggregates' }, columns: ['tcp.ip', 'sum_traffic.total_bytes'], group_by: ['tcp.ip'], time: { start: '1461703405.123', end: '1461709465.123', granularity: '60', resolution: '3600' } }), []);
  assert.deepEqual(check({ source: { name: 'packets', path: 'jobs/c69a9a14-fb82-46a7-b7c1-70751b70f69b' }, columns: ['start_time', 'sum_tcp.total_bytes'], group_by: ['start_time'], time: { retention_time: '86400', granularity: '1' } }, { live: true, idle_timeout: '86400' }), []);
});

test('the document\'s "xyz seconds" data_def is refused at time.duration with the device\'s message', () => {
  const def = { ...topHostGroups(), time: { duration: 'xyz seconds' } };
  const [p] = errorsOf(check(def));
  assert.equal(p.path, 'data_defs[0].time.duration');
  assert.deepEqual(p.device, { module_id: 'report_manager', id: 'invalid_time_duration_tense', text: 'Invalid duration tense: xyz', details: { duration_tense: 'xyz' } });
  // Ours says what durations look like; the device's wording stays in `device`.
  assert.equal(p.message, '"xyz seconds" is not a duration: write one like "last 1 hour", "5 min", "previous 1 day" or "this week"');
});

test('a duration with a unit that is not one says which word and lists the units', () => {
  const [p] = errorsOf(check({ ...topHostGroups(), time: { duration: 'last 5 parsecs' } }));
  assert.equal(p.device.text, 'Invalid duration unit: parsecs');
  assert.match(p.message, /^"last 5 parsecs" is not a duration: "parsecs" is not a unit of time \(sec, min, hour, day, week, month, quarter, year\); write one like "last 1 hour", "5 min"/);
});

test('a reversed time range shows both times as UTC dates beside their epoch seconds', () => {
  const [p] = errorsOf(check({ ...topHostGroups(), time: { start: '1795340000', end: '1795330000' } }));
  assert.equal(p.path, 'data_defs[0].time');
  assert.equal(p.device.text, 'Invalid time range: end 1795330000 is not after start 1795340000', 'the device\'s wording is kept');
  assert.equal(p.message, 'the end, 2026-11-22 06:46:40 UTC (1795330000), is not after the start, 2026-11-22 09:33:20 UTC (1795340000): the end must come later');
});

test('an unknown report column gets the STEELFILTER core\'s wording and "did you mean", and a fix that applies to the value', () => {
  const def = { ...topHostGroups(), columns: ['host_group.id', 'avg_trafic.total_bytes_ps'] };
  const [p] = errorsOf(check(def));
  assert.equal(p.path, 'data_defs[0].columns[1]');
  assert.equal(p.message, validate('avg_trafic.total_bytes_ps == 1', aggregates)[0].message);
  assert.match(p.message, /did you mean "avg_traffic\.total_bytes_ps"/);
  const request = { data_defs: [def] };
  assert.equal(applyProblemFix(request, p), true);
  assert.deepEqual(request.data_defs[0].columns, ['host_group.id', 'avg_traffic.total_bytes_ps']);
  assert.deepEqual(check(request.data_defs[0]), []);
});

test('fixes apply to keys (renamed in place) and inside filter strings', () => {
  const { limit: _limit, ...rest } = topHostGroups();
  const def: Record<string, unknown> = { ...rest, limt: 5, filters: [{ value: "srv_tcp.prot == 80 and cli_tcp.ip == '10.0.0.0/8'" }] };
  const keys = Object.keys(def);
  const problems = check(def).filter((p) => p.fix);
  assert.equal(problems.length, 2);
  const request = { data_defs: [structuredClone(def)] };
  for (const p of problems) assert.equal(applyProblemFix(request, p), true, p.message);
  assert.deepEqual(Object.keys(request.data_defs[0]), keys.map((k) => (k === 'limt' ? 'limit' : k)), 'renamed where it was');
  assert.equal(request.data_defs[0].limit, 5);
  assert.equal((request.data_defs[0].filters as { value: string }[])[0].value, "srv_tcp.port == 80 and cli_tcp.ip == '10.0.0.0/8'");
  assert.equal(applyProblemFix(request, { path: 'data_defs[3].columns[0]', fix: { text: '"x"', title: 'x' } }), false, 'a path that is gone changes nothing');
});

test('group_by accepts only grouped_by columns', () => {
  const [p] = errorsOf(check({ ...topHostGroups(), group_by: ['avg_traffic.total_bytes_ps'] }));
  assert.equal(p.path, 'data_defs[0].group_by[0]');
  assert.deepEqual(p.device, { module_id: 'request', id: 'REQUEST_INVALID_INPUT', text: "data_defs[0].group_by: column 'avg_traffic.total_bytes_ps' is not grouped_by in source 'aggregates'" });
  assert.match(p.message, /column "avg_traffic.total_bytes_ps" is not grouped_by in source "aggregates"/);
});

test('top_by direction must be allowed by the column\'s top_by.asc / top_by.desc', () => {
  const def = { ...topHostGroups(), top_by: [{ id: 'avg_traffic.total_bytes_ps', direction: 'asc' }] };
  const [p] = errorsOf(check(def));
  assert.equal(p.path, 'data_defs[0].top_by[0].direction');
  assert.equal(p.device.text, "data_defs[0].top_by: column 'avg_traffic.total_bytes_ps' of source 'aggregates' cannot be topped in 'asc' direction");
  assert.match(p.message, /cannot give bottom talkers \(asc\) by "avg_traffic.total_bytes_ps": use "desc"/);
  assert.equal(p.fix?.text, '"desc"');
  assert.deepEqual(check({ ...topHostGroups(), top_by: [{ id: 'avg_tcp.srv_response_time', direction: 'asc' }] }), []);
});

test('the document\'s "acs" spelling of ascending is refused with a fix', () => {
  const [p] = errorsOf(check({ ...topHostGroups(), top_by: [{ id: 'avg_traffic.total_bytes_ps', direction: 'acs' }] }));
  assert.equal(p.path, 'data_defs[0].top_by[0].direction');
  assert.equal(p.fix?.text, '"asc"');
});

test('granularity must be one of the source\'s, or "0"', () => {
  const [p] = errorsOf(check({ ...topHostGroups(), time: { duration: 'last 1 hour', granularity: '120' } }));
  assert.equal(p.path, 'data_defs[0].time.granularity');
  assert.match(p.message, /offered: 60, 300, 3600, 21600, 86400/);
  assert.equal(p.device.text, 'Invalid granularity: 120; supported granularities: 60, 300, 3600, 21600, 86400');
  assert.deepEqual(check({ ...topHostGroups(), time: { duration: 'last 1 hour', granularity: '0' } }), []);
});

test('resolution must be a multiple of the granularity, also below one second', () => {
  assert.deepEqual(paths(check({ ...topHostGroups(), time: { duration: 'last 1 day', granularity: '300', resolution: '900' } })), []);
  const [p] = errorsOf(check({ ...topHostGroups(), time: { duration: 'last 1 day', granularity: '300', resolution: '1000' } }));
  assert.equal(p.path, 'data_defs[0].time.resolution');
  assert.equal(p.device.text, 'Invalid resolution: 1000; it must be a multiple of the granularity 300');
  const pk = { source: { name: 'packets', path: 'jobs/1' }, columns: ['start_time'], group_by: ['start_time'], time: { duration: 'last 1 minute', granularity: '0.001', resolution: '0.0015' } };
  assert.deepEqual(paths(check(pk)), ['data_defs[0].time.resolution']);
  assert.deepEqual(paths(check({ ...pk, time: { ...pk.time, resolution: '0.01' } })), []);
});

test('start, end and duration together are refused at time', () => {
  const [p] = errorsOf(check({ ...topHostGroups(), time: { start: '1461703405', end: '1461709465', duration: '1 hour' } }));
  assert.equal(p.path, 'data_defs[0].time');
  assert.deepEqual(p.device, { module_id: 'report_manager', id: 'invalid_time_combination', text: 'Invalid time: start, end and duration cannot be specified together', details: {} });
  assert.match(p.message, /cannot be given together/);
});

test('unknown columns are refused with a did-you-mean, per position', () => {
  const [p] = errorsOf(check({ ...topHostGroups(), columns: ['host_group.id', 'host_group.nam', 'avg_traffic.total_bytes_ps'] }));
  assert.equal(p.path, 'data_defs[0].columns[1]');
  assert.equal(p.device.text, "data_defs[0].columns: unknown column 'host_group.nam' in source 'aggregates'");
  assert.equal(p.fix?.text, '"host_group.name"');
});

test('an unknown source is refused with a did-you-mean', () => {
  const [p] = errorsOf(check({ ...topHostGroups(), source: { name: 'agregates' } }));
  assert.equal(p.path, 'data_defs[0].source.name');
  assert.equal(p.device.text, "data_defs[0].source.name: unknown source 'agregates'");
  assert.match(p.message, /did you mean "aggregates"/);
});

test('STEELFILTER filters are checked by the language core, with ranges inside the string', () => {
  const value = "cli_tcp.ip == 'abc' and srv_tcp.port == 80";
  const [p] = errorsOf(check({ ...topHostGroups(), filters: [{ type: 'STEELFILTER', value }] }));
  assert.equal(p.path, 'data_defs[0].filters[0].value');
  assert.equal(value.slice(p.range!.start, p.range!.end), "'abc'");
  assert.deepEqual(p.device, { module_id: 'report_manager', id: 'invalid_filter', text: `Invalid STEELFILTER "${value}": "cli_tcp.ip" is an IP address column: "abc" is not an IP address, CIDR, wildcard or DNS name (at 14)`, details: { filter: value } });
  const [m] = errorsOf(check({ ...topHostGroups(), filters: [{ value: 'avg_traffic.total_bytes_ps > 1000' }] }));
  assert.equal(m, undefined, 'aggregates has filters_on_metrics; type defaults to STEELFILTER');
  const [n] = errorsOf(check({ source: { name: 'packets', path: 'jobs/1' }, columns: ['start_time'], time: { duration: 'last 1 hour' }, filters: [{ value: 'avg_traffic.total_bytes_ps > 1000' }] }));
  assert.equal(n.path, 'data_defs[0].filters[0].value');
  assert.match(n.message, /does not support threshold filters on metrics/);
});

test('WIRESHARK and BPF filters are only for packet sources', () => {
  const [p] = errorsOf(check({ ...topHostGroups(), filters: [{ type: 'WIRESHARK', value: 'ip.src==192.168.0.0/16' }] }));
  assert.equal(p.path, 'data_defs[0].filters[0].type');
  assert.deepEqual(p.device, { module_id: 'report_manager', id: 'unsupported_filter_type', text: 'Filter type WIRESHARK is supported for packet data sources only', details: { filter_type: 'WIRESHARK' } });
  assert.deepEqual(paths(check({ source: { name: 'packets', path: 'jobs/1' }, columns: ['start_time'], time: { duration: 'last 1 hour' }, filters: [{ type: 'BPF', value: 'tcp port 80' }] })), []);
  assert.deepEqual(paths(check({ ...topHostGroups(), filters: [{ type: 'SQL', value: 'x' }] })), ['data_defs[0].filters[0].type']);
});

test('unknown properties are refused like the device\'s REQUEST_INVALID_INPUT, with the property named', () => {
  const [p] = errorsOf(check({ ...topHostGroups(), top: 3 }));
  assert.equal(p.path, 'data_defs[0].top');
  assert.deepEqual(p.device, { module_id: 'request', id: 'REQUEST_INVALID_INPUT', text: "data_defs[0]: unknown property 'top'" });
  assert.equal(p.key, true);
  const [q] = errorsOf(check({ ...topHostGroups(), time: { duraton: 'last 1 hour' } }));
  assert.equal(q.path, 'data_defs[0].time.duraton');
  assert.match(q.message, /did you mean "duration"/);
});

test('missing source and columns, a bad limit and a bad source path are reported', () => {
  assert.deepEqual(paths(check({ time: { duration: 'last 1 hour' } })), ['data_defs[0].source', 'data_defs[0].columns']);
  assert.deepEqual(paths(check({ ...topHostGroups(), limit: -1 })), ['data_defs[0].limit']);
  assert.deepEqual(paths(check({ source: { name: 'packets' }, columns: ['start_time'], time: { duration: 'last 1 hour' } })), ['data_defs[0].source']);
  assert.deepEqual(paths(check({ ...topHostGroups(), limit: '20' })), ['data_defs[0].limit']);
  assert.deepEqual(paths(check({ source: { name: 'packets', path: 'jobz/1' }, columns: ['start_time'], time: { duration: 'last 1 hour' } })), ['data_defs[0].source.path']);
});

test('live reports need a granularity', () => {
  const [p] = errorsOf(check({ source: { name: 'packets', path: 'jobs/1' }, columns: ['start_time'], time: { retention_time: '3600' } }, { live: true }));
  assert.equal(p.path, 'data_defs[0].time.granularity');
});

test('several data_defs are checked independently, each with its own path', () => {
  const problems = validateReportRequest({ data_defs: [topHostGroups(), { ...topHostGroups(), limit: -1 }, { ...topHostGroups(), group_by: ['nope'] }] }, options);
  assert.deepEqual(paths(problems), ['data_defs[1].limit', 'data_defs[2].group_by[0]']);
});

test('a report file needs its device', () => {
  assert.deepEqual(paths(validateReportFile({ data_defs: [topHostGroups()] }, options)), ['device']);
  assert.deepEqual(validateReportFile({ device: 'lab', data_defs: [topHostGroups()] }, options), []);
});

test('problems in a report file map to ranges of its text, inside filter strings too', () => {
  const text = JSON.stringify({ device: 'lab', data_defs: [{ ...topHostGroups(), filters: [{ value: "srv_tcp.prot == 80 and app.name == \"x\"" }], top: 1 }] }, null, 2);
  const { problems } = checkReportFile(text, options);
  const unknownColumn = problems.find((p) => p.path.endsWith('.value'))!;
  assert.equal(text.slice(unknownColumn.start, unknownColumn.end), 'srv_tcp.prot');
  assert.equal(text.slice(unknownColumn.fixStart, unknownColumn.fixEnd), 'srv_tcp.prot');
  const unknownProp = problems.find((p) => p.key)!;
  assert.equal(text.slice(unknownProp.start, unknownProp.end), '"top"');
});

test('ranges inside filter strings account for JSON escapes', () => {
  const text = '{"device":"lab","data_defs":[{"source":{"name":"aggregates"},"columns":["tcp.ip"],"time":{"duration":"last 1 hour"},"filters":[{"value":"app.name == \\"x\\" and srv_tcp.prot == 1"}]}]}';
  const { problems } = checkReportFile(text, options);
  assert.equal(problems.length, 1);
  assert.equal(text.slice(problems[0].start, problems[0].end), 'srv_tcp.prot');
});

test('a quick fix inside a filter string is written as JSON: the fixed file parses and holds the fixed filter', () => {
  const cases: Array<[string, string]> = [
    ['app.name == "x', 'app.name == "x"'],
    ['app.name in "x"', 'app.name in ("x")'],
    ["app.name == ‘it's’", "app.name == 'it\\'s'"],
  ];
  for (const [filter, fixed] of cases) {
    const text = JSON.stringify({ device: 'lab', data_defs: [{ ...topHostGroups(), filters: [{ value: filter }] }] }, null, 2);
    const p = checkReportFile(text, options).problems.find((x) => x.fix && x.path.endsWith('.value'));
    assert.ok(p && p.fix && p.fixStart !== undefined && p.fixEnd !== undefined, `${filter}: a fix`);
    const after = text.slice(0, p.fixStart) + p.fix.text + text.slice(p.fixEnd);
    assert.equal(JSON.parse(after).data_defs[0].filters[0].value, fixed, p.fix.title);
  }
});

test('a source the device marks not supported for API use (external_api_access) is a warning that says why, not an error', () => {
  const flowTcp: Source = { ...aggregates, name: 'flow_tcp', info: { ...aggregates.info, external_api_access: 'not_supported' } };
  const withFlowTcp: ValidateOptions = { ...options, getSource: (n) => (n === 'flow_tcp' ? flowTcp : sources[n]) };
  const problems = validateReportRequest({ data_defs: [{ ...topHostGroups(), source: { name: 'flow_tcp' } }] }, withFlowTcp);
  assert.deepEqual(problems.map((p) => [p.severity, p.path]), [['warning', 'data_defs[0].source.name']]);
  assert.match(problems[0].message, /^source "flow_tcp" is not supported for API use on this device \(external_api_access: not_supported\)/);
  assert.match(problems[0].message, /future releases/);
  assert.match(problems[0].message, /gaps/);
  // A supported source says nothing.
  assert.deepEqual(check(topHostGroups()), []);
});

test('media/probe-report.schema.json is the generated base schema', () => {
  const file = JSON.parse(fs.readFileSync(path.join(__dirname, '../../media/probe-report.schema.json'), 'utf8'));
  assert.deepEqual(file, JSON.parse(JSON.stringify(reportFileSchema())));
});

test('a schema generated from a live source enumerates its column ids per property and its granularities', () => {
  const s = dataDefSchema(aggregates) as { properties: Record<string, any> };
  const columnIds: string[] = s.properties.columns.items.enum;
  assert.equal(columnIds.length, aggregates.columns.length);
  const groupIds: string[] = s.properties.group_by.items.enum;
  assert.ok(groupIds.includes('host_group.id') && !groupIds.includes('avg_traffic.total_bytes_ps'));
  const topIds: string[] = s.properties.top_by.items.properties.id.enum;
  assert.ok(topIds.includes('avg_traffic.total_bytes_ps') && !topIds.includes('host_group.id'));
  assert.deepEqual(s.properties.time.properties.granularity.enum, ['60', '300', '3600', '21600', '86400', '0']);
  assert.equal(s.properties.columns.items.enumDescriptions[columnIds.indexOf('avg_traffic.total_bytes_ps')], 'Throughput · number · bytes/s · metric');
  const file = reportFileSchema([aggregates, packets]) as any;
  assert.equal(file.properties.data_defs.items.allOf.length, 3);
  assert.equal(file.properties.data_defs.items.allOf[2].if.properties.source.properties.name.const, 'packets');
});

test('the example report file is valid for the device\'s catalogue', () => {
  assert.deepEqual(validateReportFile(exampleReportFile('lab'), options), []);
});
