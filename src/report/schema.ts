// JSON Schemas (draft-07, with VS Code's enumDescriptions) for report files: a static base schema
// (media/probe-report.schema.json is this module's output, checked by a unit test) and schemas
// generated from a device's live source catalogue, with the column ids each property accepts.
import { columnDetail, topByOf, usableInFilters, type Source } from '../steelfilter/index';
import type { DataDef, ReportFile } from './types';

type Schema = Record<string, unknown>;

export const DURATION_EXAMPLES = [
  'last 15 minutes', 'last 1 hour', 'last 6 hours', 'last 1 day', 'last 7 days', 'last 1 month',
  'previous 1 day', 'previous 1 week', 'previous 1 month', 'this hour', 'this day', 'this week', 'this month',
  'this quarter', 'this year', '12 min', '6 hours', '1 day', '4 weeks', '2 quarters', '2 years',
];

const SECONDS = { type: 'string', pattern: '^\\d+(\\.\\d{1,9})?$' };
const EPOCH = { ...SECONDS, description: 'Epoch time in seconds, up to nanosecond precision: "1234567890", "1234567890.123", "1234567890.123456789".' };

function timeSchema(granularities?: string[]): Schema {
  const granularity: Schema = {
    ...SECONDS,
    description: 'Seconds the source summarises over ("60", "300", "0.001"); "0" or absent: chosen automatically.',
    examples: granularities?.length ? [...granularities, '0'] : ['60', '300', '3600', '21600', '86400', '1', '0.001', '0'],
  };
  if (granularities?.length) granularity.enum = [...granularities, '0'];
  return {
    type: 'object',
    description: 'Time frame: start and end, or a duration (alone, with start, or with end). Not all three.',
    additionalProperties: false,
    properties: {
      start: { ...EPOCH, description: `Start (inclusive). ${EPOCH.description}` },
      end: { ...EPOCH, description: `End (exclusive). ${EPOCH.description}` },
      duration: {
        type: 'string',
        description: 'Calendar duration: "last 5 days" (fixed: month = 30 days), "previous 1 month" (whole calendar units), "this week" (weeks start on Sunday), "12 min", "2 quarters".',
        examples: DURATION_EXAMPLES,
      },
      granularity,
      resolution: { ...SECONDS, description: 'Further aggregation in seconds; a multiple of the granularity.' },
      retention_time: { ...SECONDS, description: 'Live reports: how long bins are kept, in seconds ("86400").' },
    },
    not: { required: ['start', 'end', 'duration'] },
  };
}

function idSchema(description: string, ids?: { id: string; detail: string }[]): Schema {
  const s: Schema = { type: 'string', description, pattern: '^[A-Za-z0-9_.:$-]+$' };
  if (ids) {
    s.enum = ids.map((c) => c.id);
    s.enumDescriptions = ids.map((c) => c.detail);
  }
  return s;
}

/** Schema of one data_def; with a source, column ids, group_by keys, top_by ids and granularities are enumerated. */
export function dataDefSchema(source?: Source): Schema {
  const all = source?.columns.map((c) => ({ id: c.id, detail: columnDetail(c) }));
  const keys = source?.columns.filter((c) => c.grouped_by === true).map((c) => ({ id: c.id, detail: columnDetail(c) }));
  const topped = source?.columns.filter((c) => { const t = topByOf(c); return t ? t.asc || t.desc : c.metric === true; })
    .map((c) => ({ id: c.id, detail: columnDetail(c) }));
  const filterable = source?.columns.filter((c) => usableInFilters(c, source)).map((c) => c.id);
  return {
    type: 'object',
    description: source ? `A data definition on source "${source.name}".` : 'A data definition: one question to the device.',
    required: ['source', 'columns'],
    additionalProperties: false,
    properties: {
      source: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: source ? { type: 'string', const: source.name } : { type: 'string', description: 'Data source name from npm.reports.sources, e.g. "aggregates", "packets", "flow_tcp".', examples: ['aggregates', 'packets', 'flow_tcp', 'flow_ip', 'wtapages', 'voip_calls', 'alert_list'] },
          path: { type: 'string', description: 'Packet sources: fs/<path>.pcap, jobs/<id>, vifgs/<id> or clips/<id>.', pattern: '^(fs/.+|jobs/[^/]+|vifgs/\\d+|clips/[^/]+)$' },
          type: { type: 'string', enum: ['INDEX', 'PACKETS'], description: 'Packet sources: which kind of data to read.' },
        },
      },
      columns: { type: 'array', minItems: 1, description: 'Key and metric columns to return, in this order. start_time / end_time make a time series.', items: idSchema('Column id', all) },
      group_by: { type: 'array', description: 'Key columns (grouped_by: true) that define the rows.', items: idSchema('Key column id (grouped_by)', keys) },
      top_by: {
        type: 'array',
        description: 'Top (desc) or bottom (asc) talkers by a metric, as the column allows (top_by.asc / top_by.desc).',
        items: {
          type: 'object', required: ['id'], additionalProperties: false,
          properties: { id: idSchema('Metric column id', topped), direction: { type: 'string', enum: ['desc', 'asc'], default: 'desc' } },
        },
      },
      limit: { type: 'integer', minimum: 1, description: 'Number of rows, e.g. the top 20 talkers.' },
      time: timeSchema(source?.granularities),
      filters: {
        type: 'array',
        description: 'Filters, combined with AND.',
        items: {
          type: 'object', required: ['value'], additionalProperties: false,
          properties: {
            type: { type: 'string', enum: ['STEELFILTER', 'WIRESHARK', 'BPF'], default: 'STEELFILTER', description: 'WIRESHARK and BPF only on packet sources.' },
            value: {
              type: 'string',
              description: filterable ? `STEELFILTER expression over ${filterable.length} filterable columns of ${source!.name}, e.g. "cli_tcp.ip == '10.0.0.0/8' and srv_tcp.port in (80, 443)".`
                : "Filter expression, e.g. \"ip.addr == '10.0.0.0/8' and srv_tcp.port in (80, 443)\".",
            },
          },
        },
      },
      reference: { type: 'string', description: 'Returned as is by the device.' },
      reference_id: { type: 'string', description: 'Returned as is by the device, e.g. "pie_chart_1234".' },
      sort: { description: 'Listed by the document among the request properties; passed through.' },
    },
  };
}

/** The document's request for the top 20 host groups by throughput over the last hour (a new object each call). */
export function topHostGroupsDataDef(): DataDef {
  return {
    source: { name: 'aggregates' },
    time: { duration: 'last 1 hour', granularity: '60' },
    group_by: ['host_group.id'],
    columns: ['host_group.id', 'host_group.name', 'avg_traffic.total_bytes_ps'],
    top_by: [{ id: 'avg_traffic.total_bytes_ps', direction: 'desc' }],
    limit: 20,
  };
}

/** A small, valid report file (the document's top host groups and a time series), e.g. for a demo workspace. */
export function exampleReportFile(device: string): ReportFile {
  return {
    device,
    data_defs: [
      {
        reference: 'Top 20 host groups by throughput',
        ...topHostGroupsDataDef(),
        filters: [{ type: 'STEELFILTER', value: "cli_tcp.ip == '10.0.0.0/8'" }],
      },
      {
        reference: 'Throughput per minute',
        source: { name: 'aggregates' },
        time: { duration: 'last 1 hour', granularity: '60' },
        group_by: ['start_time'],
        columns: ['start_time', 'avg_traffic.total_bytes_ps'],
      },
    ],
  };
}

/** Schema of a whole report file; with sources, each data_def is checked against its own source. */
export function reportFileSchema(sources?: Source[]): Schema {
  const dataDef: Schema = sources?.length
    ? {
      allOf: [
        dataDefSchema(),
        ...sources.map((s) => ({
          if: { properties: { source: { properties: { name: { const: s.name } }, required: ['name'] } }, required: ['source'] },
          then: dataDefSchema(s),
        })),
      ],
    }
    : dataDefSchema();
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://probe-explorer/probe-report.schema.json',
    title: 'Probe Explorer report file (*.probe-report.json)',
    description: 'An AppResponse report request and the device it runs on. "data_defs" is sent as is to POST /api/npm.reports/1.0/instances (or npm.probe.reports for live reports).',
    type: 'object',
    examples: [exampleReportFile('lab-appresponse')],
    required: ['device', 'data_defs'],
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      device: { type: 'string', minLength: 1, description: 'Name of a configured AppResponse device (setting probeExplorer.devices).' },
      live: { type: 'boolean', default: false, description: 'A live report on packet data: bins keep arriving until it is stopped.' },
      idle_timeout: { ...SECONDS, description: 'Live reports: the device deletes the report after this many idle seconds (default one hour).' },
      data_defs: { type: 'array', minItems: 1, items: dataDef },
    },
  };
}
