import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clipEntries, columnDescription, columnTooltip, fileEntries, formatGranularity, groupColumns, jobEntries,
  reportInstanceEntries, sourceFacts, vifgEntries,
} from '../../src/appresponse/catalog';
import type { CaptureJob, ReportSource, SourceColumn } from '../../src/appresponse/types';

const col = (c: Partial<SourceColumn> & { id: string }): SourceColumn => ({ field: c.id, label: c.id, type: 'string', ...c });

const columns: SourceColumn[] = [
  col({ id: 'start_time', label: 'Start Time', type: 'timestamp', unit: 'seconds', grouped_by: true, categories: ['time'] }),
  col({ id: 'srv_tcp.ip', label: 'Server IP', type: 'ipaddr', grouped_by: true, categories: ['tcp', 'server'] }),
  col({ id: 'app.name', label: 'Application', grouped_by: true }),
  col({ id: 'sum_traffic.total_bytes', label: 'Total Bytes', type: 'integer', unit: 'bytes', metric: true, categories: ['traffic'], top_by: { asc: false, desc: true } }),
  col({ id: 'avg_tcp.srv_response_time', label: 'Server Response Time', type: 'duration', unit: 'seconds', metric: true, categories: ['tcp'] }),
  col({ id: 'alert.policy_name', label: 'Policy' }),
];

test('columns are split into Keys by grouped_by and Metrics by metric, then by category', () => {
  const sections = groupColumns(columns);
  assert.deepEqual(sections.map((s) => [s.label, s.count]), [['Keys', 3], ['Metrics', 2], ['Other columns', 1]]);
  const keys = sections[0];
  assert.deepEqual(keys.categories.map((c) => c.name), ['server', 'tcp', 'time', 'Uncategorized']);
  assert.deepEqual(keys.categories.find((c) => c.name === 'tcp')!.columns.map((c) => c.id), ['srv_tcp.ip']);
  assert.deepEqual(sections[1].categories.map((c) => [c.name, c.columns.map((x) => x.id)]), [
    ['tcp', ['avg_tcp.srv_response_time']],
    ['traffic', ['sum_traffic.total_bytes']],
  ]);
});

test('empty sections are left out', () => {
  assert.deepEqual(groupColumns([columns[0]]).map((s) => s.kind), ['keys']);
});

test('a column shows id, type and unit; its tooltip lists every property', () => {
  assert.equal(columnDescription(columns[3]), 'sum_traffic.total_bytes · integer · bytes');
  assert.equal(columnDescription(columns[2]), 'app.name · string');
  const tip = columnTooltip({ ...columns[3], custom_thing: 7 } as SourceColumn);
  assert.match(tip, /^id: sum_traffic\.total_bytes\nlabel: Total Bytes\n/);
  assert.match(tip, /top_by: asc: false, desc: true/);
  assert.match(tip, /metric: true/);
  assert.match(tip, /categories: traffic/);
  assert.match(tip, /custom_thing: 7/);
});

test('a source states its granularities, capabilities and external API access', () => {
  const source: ReportSource = {
    name: 'aggregates',
    info: { external_api_access: 'supported', version: '1.5', vendor: 'Riverbed', generated_at: 'x' },
    columns,
    capabilities: { filters_on_metrics: true },
    granularities: ['60', '300', '3600', '21600', '86400'],
  };
  assert.deepEqual(sourceFacts(source).map((f) => `${f.label}: ${f.value}`), [
    'Granularities: 1 min, 5 min, 1 h, 6 h, 1 d',
    'Capabilities: filters_on_metrics: yes',
    'External API access: supported',
    'Column set version: 1.5',
  ]);
  assert.equal(formatGranularity('0.001'), '1 ms');
});

test('capture jobs show state and time span, from 3.0 status or 2.0 flattened fields', () => {
  const job: CaptureJob = {
    id: 'c69a', config: { name: 'default_job', filter: { type: 'BPF', value: 'tcp' } },
    state: { status: { state: 'RUNNING', packet_start_time: '1700000000', packet_end_time: '1700003600', capture_size: 2_500_000 } },
  };
  const [e] = jobEntries([job], 1700003600_000);
  assert.equal(e.path, 'jobs/c69a');
  assert.equal(e.label, 'default_job');
  assert.equal(e.description, 'RUNNING · since 22:13 UTC · 2.50 MB as of 23:13 UTC');
  assert.match(e.tooltip, /packets: 2023-11-14 22:13:20 UTC → 2023-11-14 23:13:20 UTC/);
  assert.deepEqual([e.startTime, e.endTime, e.live], [1700000000, 1700003600, true]);
  const flat = jobEntries([{ id: 'j2', config: { name: 'old' }, state: { status: { state: 'STOPPED' } } as CaptureJob['state'], packet_start_time: '10', packet_end_time: '70' }]);
  assert.equal(flat[0].description, 'STOPPED · 1 min 0 s');
  assert.equal(flat[0].live, undefined);
});

test('a running capture job read 35 minutes ago says when it started and when its size was read, never a duration that went stale', () => {
  const job: CaptureJob = {
    id: 'c69a', config: { name: 'default_job' },
    state: { status: { state: 'RUNNING', packet_start_time: '1700000000', packet_end_time: '1700003600', capture_size: 4_490_000_000 } },
  };
  // Read at 23:13; the tree draws the same line at 23:48, and it must still be true then.
  const [e] = jobEntries([job], 1700003600_000);
  assert.doesNotMatch(e.description, /\d+ h \d+ min|\d+ min \d+ s/, 'no duration that grows stale');
  assert.match(e.description, /since 22:13 UTC/);
  assert.match(e.description, /4\.49 GB as of 23:13 UTC/);
  assert.match(e.tooltip, /read at 2023-11-14 23:13:20 UTC: still capturing, Refresh/);
  // A job that started on another day shows the date.
  assert.match(jobEntries([job], 1700003600_000 + 86400_000)[0].description, /since 2023-11-14 22:13 UTC/);
});

test('vifgs, clips and files become packet sources with their export paths', () => {
  assert.equal(vifgEntries([{ id: 1004, config: { name: 'my_vifg', enabled: true, members: ['eth1'], flow_export: { enabled: false, filter: { type: 'BPF', value: '' } } }, state: {} }])[0].path, 'vifgs/1004');
  assert.equal(clipEntries([{ id: '0001', config: { job_id: 'j', start_time: '0', end_time: '30', description: 'incident' } }])[0].description, '30 s');
  const files = fileEntries({ id: '/', type: 'DIRECTORY', path: '/', dirs: [{ id: 'a', type: 'DIRECTORY', path: 'admin', files: [{ id: 'f', type: 'FILE', path: 'admin/web.pcap', size: 1000, owner: 'admin' }] }] });
  assert.deepEqual(files.map((f) => [f.path, f.label, f.description]), [['fs/admin/web.pcap', 'web.pcap', '1.00 kB · owner admin']]);
});

test('report instances say whose they are', () => {
  const entries = reportInstanceEntries([
    { id: 7, owner: 'bob', data_defs: [] },
    { id: 3, owner: 'admin', live: true, data_defs: [{ id: 1, source: { name: 'packets' }, columns: [], status: { state: 'collecting' } }] },
  ], 'admin');
  assert.deepEqual(entries.map((e) => [e.id, e.mine]), [[3, true], [7, false]]);
  assert.equal(entries[0].description, 'live · packets · collecting · by admin');
});
