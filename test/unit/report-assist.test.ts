import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeReport, hoverReport, slotAt, describeSeconds, type AssistContext } from '../../src/report/index';
import { bigCatalogue } from './steelfilter-catalogue';

const aggregates = bigCatalogue(1100);
const ctx: AssistContext = {
  source: (n) => (n === 'aggregates' ? aggregates : undefined),
  sourceNames: ['aggregates', 'packets', 'flow_tcp'],
  devices: ['lab', 'prod'],
  now: Date.parse('2018-03-07T10:00:00Z'),
  utc: true,
};

/** A report file with `|` marking the cursor. */
function file(dataDef: string, device = 'lab'): { text: string; offset: number } {
  const raw = `{\n  "device": "${device}",\n  "data_defs": [\n    { "source": { "name": "aggregates" }, ${dataDef} }\n  ]\n}`;
  const offset = raw.indexOf('|');
  return { text: raw.replace('|', ''), offset };
}
const labels = (items: { label: string }[]) => items.map((i) => i.label);

test('inside a columns string, every column id of the data_def\'s source is offered and replaces the string content', () => {
  const { text, offset } = file('"columns": ["srv_tcp.p|"]');
  const items = completeReport(text, offset, ctx);
  assert.equal(items.length, aggregates.columns.length);
  const port = items.find((i) => i.label === 'srv_tcp.port')!;
  assert.equal(text.slice(port.replaceStart, port.replaceEnd), 'srv_tcp.p');
  assert.equal(port.insertText, 'srv_tcp.port');
  assert.equal(port.detail, 'Server Port · port · key');
});

test('in an empty columns array, ids are inserted with their quotes', () => {
  const { text, offset } = file('"columns": [|]');
  const items = completeReport(text, offset, ctx);
  assert.equal(items[0].insertText, `"${items[0].label}"`);
  assert.equal(items[0].replaceStart, offset);
});

test('group_by offers only grouped_by columns, top_by only columns that can be topped', () => {
  const group = labels(completeReport(...args(file('"group_by": ["|"]'))));
  assert.ok(group.includes('host_group.id') && !group.includes('avg_traffic.total_bytes_ps') && !group.includes('host_group.name'));
  const top = labels(completeReport(...args(file('"top_by": [{ "id": "|" }]'))));
  assert.ok(top.includes('avg_traffic.total_bytes_ps') && !top.includes('host_group.id'));
});

function args(f: { text: string; offset: number }): [string, number, AssistContext] {
  return [f.text, f.offset, ctx];
}

test('inside filters[].value, STEELFILTER completion works with ranges in the file text', () => {
  const { text, offset } = file('"filters": [{ "value": "app.name == \\"x\\" and srv_tcp.po|" }]');
  const items = completeReport(text, offset, ctx);
  const port = items.find((i) => i.label === 'srv_tcp.port')!;
  assert.ok(port, labels(items).slice(0, 5).join());
  assert.equal(text.slice(port.replaceStart, port.replaceEnd), 'srv_tcp.po');
  const ops = completeReport(...args(file('"filters": [{ "value": "srv_tcp.port |" }]')));
  assert.ok(labels(ops).includes('>='));
});

test('STEELFILTER values with double quotes are escaped for JSON', () => {
  const src = { ...aggregates, columns: [{ id: 'x.name', type: 'string', grouped_by: true, enum: ['say "hi"'] }] };
  const { text, offset } = file('"filters": [{ "value": "x.name == |" }]');
  const [item] = completeReport(text, offset, { ...ctx, source: () => src });
  assert.equal(item.insertText, `'say \\"hi\\"'`);
});

test('source names, granularities, durations and devices are offered in their places', () => {
  const srcNames = completeReport(...args({ text: '{"data_defs":[{"source":{"name":"ag"}}]}', offset: '{"data_defs":[{"source":{"name":"ag'.length }));
  assert.deepEqual(labels(srcNames), ['aggregates', 'packets', 'flow_tcp']);
  const gran = completeReport(...args(file('"time": { "granularity": "|" }')));
  assert.deepEqual(labels(gran), ['60', '300', '3600', '21600', '86400']);
  assert.match(gran[1].detail!, /5 minutes/);
  assert.ok(labels(completeReport(...args(file('"time": { "duration": "|" }')))).includes('last 1 hour'));
  const dev = completeReport(...args({ text: '{"device": ""}', offset: 12 }));
  assert.deepEqual(labels(dev), ['lab', 'prod']);
});

test('no completion outside the places we know, or after a closing quote', () => {
  assert.deepEqual(completeReport(...args(file('"reference": "ab|c"'))), []);
  assert.deepEqual(completeReport(...args(file('"columns": ["a"|]'))), []);
  assert.equal(slotAt('{"limit": 1}', 10), undefined);
});

test('hover on a column id shows its metadata; on an unknown id nothing', () => {
  const { text, offset } = file('"columns": ["avg_traffic.total_b|ytes_ps"]');
  assert.match(hoverReport(text, offset, ctx)!.contents, /\*\*Throughput\*\*/);
  assert.equal(hoverReport(...args(file('"columns": ["nope|"]'))), undefined);
});

test('hover on a duration previews the resolved range', () => {
  const h = hoverReport(...args(file('"time": { "duration": "this w|eek" }')))!;
  assert.match(h.contents, /2018-03-04 00:00:00 UTC → 2018-03-07 10:00:00 UTC/);
  assert.match(hoverReport(...args(file('"time": { "duration": "xyz s|econds" }')))!.contents, /"xyz seconds" is not a duration: write one like "last 1 hour", "5 min"/);
});

test('hover inside a filter is the STEELFILTER hover, mapped to the file', () => {
  const { text, offset } = file('"filters": [{ "value": "cli_tcp.ip == \'10.0.0.0/|8\'" }]');
  const h = hoverReport(text, offset, ctx)!;
  assert.match(h.contents, /IPv4 network \/8/);
  assert.equal(text.slice(h.start, h.end), "'10.0.0.0/8'");
});

test('hover on the source name summarises the catalogue', () => {
  const { text } = file('"columns": []');
  const h = hoverReport(text, text.indexOf('aggregates') + 2, ctx)!;
  assert.match(h.contents, /\*\*aggregates\*\*: 1100 columns/);
  assert.match(h.contents, /granularities: 60 \(1 minute\), 300 \(5 minutes\)/);
});

test('seconds are described for people', () => {
  assert.equal(describeSeconds('0.001'), '1 ms');
  assert.equal(describeSeconds('21600'), '6 hours');
  assert.equal(describeSeconds('0'), 'automatic');
  assert.equal(describeSeconds('90'), '90 seconds');
});
