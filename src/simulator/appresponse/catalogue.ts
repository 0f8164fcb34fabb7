// The report sources catalogue (npm.reports.sources / npm.probe.reports.sources): which sources exist,
// their granularities and every column with every documented property. Column ids are the real ones
// seen in public clients (reference/README.md). Pure: tests and benches call buildSources() directly.
import type { FieldInfo, ReportSource, SourceColumn } from '../../appresponse/types';

export type Locale = 'en_US' | 'zh_CN';

interface ColumnSpec {
  id: string;
  label: string;
  type: string;
  description?: string;
  unit?: string;
  /** Key column: grouped_by true, usable in group_by and filters. */
  key?: boolean;
  metric?: boolean;
  /** Bottom talkers refused where false (aggregates drops them for rates). */
  topAsc?: boolean;
  sortable?: false;
  enum?: boolean;
  minimum?: number;
  maximum?: number;
  rate?: string;
  operation?: string;
  defaultIfAbsent?: string;
  synthesized?: boolean;
  categories?: string[];
  groups?: string[];
}

const GENERATED_AT = '20/03/2018 14:20:30';

// ---- column specifications, reused across sources ----

const time: ColumnSpec[] = [
  { id: 'start_time', label: 'Start Time', type: 'timestamp', unit: 'seconds', key: true, description: 'Start of the time bin (left aligned)', categories: ['time'] },
  { id: 'end_time', label: 'End Time', type: 'timestamp', unit: 'seconds', key: true, description: 'End of the time bin (right aligned)', categories: ['time'] },
];

const keys: Record<string, ColumnSpec> = Object.fromEntries(
  ([
    { id: 'frame.timestamp', label: 'Frame Timestamp', type: 'timestamp', unit: 'seconds', description: 'Capture time of the frame' },
    { id: 'ip.addr', label: 'IP Address', type: 'ipaddr', key: true },
    { id: 'src_ip.addr', label: 'Source IP Address', type: 'ipaddr', key: true },
    { id: 'dst_ip.addr', label: 'Destination IP Address', type: 'ipaddr', key: true },
    { id: 'tcp.ip', label: 'IP', type: 'ipaddr', key: true, description: 'IP address of a TCP/UDP endpoint' },
    { id: 'tcp.dns', label: 'DNS Name', type: 'string', sortable: false, description: 'Reverse DNS name of the IP address' },
    { id: 'cli_tcp.ip', label: 'Client IP', type: 'ipaddr', key: true },
    { id: 'srv_tcp.ip', label: 'Server IP', type: 'ipaddr', key: true },
    { id: 'cli_tcp.port', label: 'Client Port', type: 'port', key: true, minimum: 0, maximum: 65535 },
    { id: 'srv_tcp.port', label: 'Server Port', type: 'port', key: true, minimum: 0, maximum: 65535 },
    { id: 'srv_tcp.port_name', label: 'Server Port Name', type: 'string', key: true },
    { id: 'ip.protocol.type_name', label: 'Protocol Name', type: 'string', key: true, enum: true },
    { id: 'app.id', label: 'Application ID', type: 'integer', key: true, minimum: 0 },
    { id: 'app.name', label: 'Application Name', type: 'string', key: true },
    { id: 'host_group.id', label: 'Host Group ID', type: 'integer', key: true, minimum: 0 },
    { id: 'host_group.name', label: 'Host Group Name', type: 'string', key: true },
    { id: 'web.page.family.id', label: 'Page Family ID', type: 'integer', key: true, minimum: 0 },
    { id: 'web.page.family.name', label: 'Page Family Name', type: 'string', key: true },
    { id: 'web.client_ip', label: 'Web Client IP', type: 'ipaddr', key: true },
    { id: 'web.server_ip', label: 'Web Server IP', type: 'ipaddr', key: true },
    { id: 'web.url', label: 'URL', type: 'string', key: true },
    { id: 'dns.query.name', label: 'DNS Query Name', type: 'string', key: true },
    { id: 'dns.query.type', label: 'DNS Query Type', type: 'integer', key: true, minimum: 0, maximum: 65535 },
    { id: 'dns.query.type_name', label: 'DNS Query Type Name', type: 'string', key: true, enum: true },
    { id: 'dns.is_success', label: 'DNS Success', type: 'boolean', key: true },
    { id: 'tcp.error_type', label: 'TCP Error Type', type: 'integer', key: true, minimum: 0 },
    { id: 'tcp.error_type_name', label: 'TCP Error Type Name', type: 'string', key: true, enum: true },
    { id: 'rtp.media_type', label: 'Media Type', type: 'integer', key: true, minimum: 0 },
    { id: 'rtp.media_type_name', label: 'Media Type Name', type: 'string', key: true, enum: true },
    { id: 'db.instance', label: 'Database Instance', type: 'string', key: true },
    { id: 'db.process_name', label: 'Database Process Name', type: 'string', key: true },
    { id: 'alert.id', label: 'Alert ID', type: 'integer', key: true, minimum: 0 },
    { id: 'alert.policy_id', label: 'Policy ID', type: 'integer', key: true, minimum: 0 },
    { id: 'alert.policy_name', label: 'Policy Name', type: 'string', key: true },
    { id: 'alert.severity', label: 'Severity', type: 'string', key: true, enum: true },
    { id: 'alert.start_time', label: 'Alert Start Time', type: 'timestamp', unit: 'seconds', key: true },
    { id: 'alert.end_time', label: 'Alert End Time', type: 'timestamp', unit: 'seconds', key: true },
    { id: 'alert.duration', label: 'Alert Duration', type: 'duration', unit: 'seconds' },
    { id: 'alert.ongoing', label: 'Alert Ongoing', type: 'boolean', key: true },
    { id: 'sys.name', label: 'Component Name', type: 'string', key: true },
    { id: 'capture_job.name', label: 'Capture Job Name', type: 'string', key: true },
  ] as ColumnSpec[]).map((c) => [c.id, c]),
);

const metrics: Record<string, ColumnSpec> = Object.fromEntries(
  ([
    { id: 'sum_traffic.total_bytes', label: 'Total Bytes', type: 'integer', unit: 'bytes', metric: true },
    { id: 'sum_traffic.packets', label: 'Total Packets', type: 'integer', unit: 'packets', metric: true },
    { id: 'sum_traffic.network_bytes', label: 'Network Bytes', type: 'integer', unit: 'bytes', metric: true },
    { id: 'avg_traffic.total_bytes_ps', label: 'Throughput', type: 'number', unit: 'bytes', rate: 'ps', metric: true, topAsc: false },
    { id: 'sum_tcp.total_bytes', label: 'TCP Bytes', type: 'integer', unit: 'bytes', metric: true },
    { id: 'sum_udp.total_bytes', label: 'UDP Bytes', type: 'integer', unit: 'bytes', metric: true },
    { id: 'avg_frame.total_bytes', label: 'Average Frame Size', type: 'number', unit: 'bytes', metric: true },
    { id: 'sum_ip.total_packets_psg', label: 'IP Packets', type: 'integer', unit: 'packets', rate: 'pgs', metric: true },
    { id: 'avg_tcp.srv_response_time', label: 'Server Response Time', type: 'duration', unit: 'seconds', metric: true, defaultIfAbsent: '#N/A' },
    { id: 'avg_tcp.user_response_time', label: 'User Response Time', type: 'duration', unit: 'seconds', metric: true, defaultIfAbsent: '#N/A' },
    { id: 'avg_tcp.network_time_c2s', label: 'Network Time Client To Server', type: 'duration', unit: 'seconds', metric: true },
    { id: 'sum_tcp.errors', label: 'TCP Errors', type: 'integer', unit: 'none', metric: true, defaultIfAbsent: '0' },
    { id: 'sum_tcp.payload_packets_c2s', label: 'Payload Packets Client To Server', type: 'integer', unit: 'packets', metric: true },
    { id: 'sum_tcp.payload_packets_s2c', label: 'Payload Packets Server To Client', type: 'integer', unit: 'packets', metric: true },
    { id: 'avg_tcp.retrans_ratio_c2s', label: 'Retransmission Ratio Client To Server', type: 'number', unit: 'none', metric: true, minimum: 0, maximum: 1 },
    { id: 'avg_tcp.retrans_ratio_s2c', label: 'Retransmission Ratio Server To Client', type: 'number', unit: 'none', metric: true, minimum: 0, maximum: 1 },
    { id: 'sum_web.pages', label: 'Pages', type: 'integer', unit: 'none', metric: true },
    { id: 'avg_web.traffic_bytes_ps', label: 'Web Throughput', type: 'number', unit: 'bytes', rate: 'ps', metric: true, topAsc: false },
    { id: 'sum_dns.query.count', label: 'DNS Queries', type: 'integer', unit: 'none', metric: true },
    { id: 'avg_dns.response_time', label: 'DNS Response Time', type: 'duration', unit: 'seconds', metric: true },
    { id: 'max_traffic.microburst_1ms_bytes', label: 'Microburst Bytes', type: 'integer', unit: 'bytes', metric: true },
    { id: 'sum_rtp.packets', label: 'RTP Packets', type: 'integer', unit: 'packets', metric: true },
    { id: 'sum_rtp.traffic_bytes', label: 'RTP Bytes', type: 'integer', unit: 'bytes', metric: true },
    { id: 'avg_db.active_sessions', label: 'Active Sessions', type: 'number', unit: 'none', metric: true },
    { id: 'avg_sql.duration', label: 'Query Duration', type: 'duration', unit: 'seconds', metric: true },
    { id: 'avg_sys.cpu_util', label: 'CPU Utilization', type: 'number', unit: 'percent', metric: true, minimum: 0, maximum: 100 },
    { id: 'avg_sys.mem_used_bytes', label: 'Memory Used', type: 'integer', unit: 'bytes', metric: true },
    { id: 'avg_sys.disk_used_bytes', label: 'Disk Used', type: 'integer', unit: 'bytes', metric: true },
    { id: 'sum_capture_job.packets', label: 'Captured Packets', type: 'integer', unit: 'packets', metric: true },
    { id: 'sum_capture_job.dropped_packets', label: 'Dropped Packets', type: 'integer', unit: 'packets', metric: true },
  ] as ColumnSpec[]).map((c) => [c.id, c]),
);

function pick(ids: string[]): ColumnSpec[] {
  return ids.map((id) => {
    const spec = keys[id] ?? metrics[id];
    if (!spec) throw new Error(`catalogue: unknown column ${id}`);
    return spec;
  });
}

interface SourceSpec {
  name: string;
  probe?: boolean;
  supported: boolean;
  version: string;
  filtersOnMetrics: boolean;
  granularities?: string[];
  columns: ColumnSpec[];
  /** Per-source overrides (e.g. packets allows bottom talkers everywhere). */
  topAscAll?: boolean;
}

const PACKET_GRANULARITIES = ['0.001', '0.01', '0.1', '1', '10', '60', '600', '3600', '86400'];
const AGGREGATE_GRANULARITIES = ['60', '300', '3600', '21600', '86400'];

const trafficMetrics = ['sum_traffic.total_bytes', 'sum_traffic.packets', 'sum_traffic.network_bytes', 'avg_traffic.total_bytes_ps', 'sum_tcp.total_bytes', 'sum_udp.total_bytes', 'avg_frame.total_bytes'];
const tcpMetrics = ['avg_tcp.srv_response_time', 'avg_tcp.user_response_time', 'avg_tcp.network_time_c2s', 'sum_tcp.errors', 'sum_tcp.payload_packets_c2s', 'sum_tcp.payload_packets_s2c', 'avg_tcp.retrans_ratio_c2s', 'avg_tcp.retrans_ratio_s2c'];

const SOURCE_SPECS: SourceSpec[] = [
  {
    name: 'packets', probe: true, supported: true, version: '2.1', filtersOnMetrics: false, granularities: PACKET_GRANULARITIES, topAscAll: true,
    columns: [...time, ...pick(['frame.timestamp', 'ip.addr', 'src_ip.addr', 'dst_ip.addr', 'cli_tcp.ip', 'srv_tcp.ip', 'cli_tcp.port', 'srv_tcp.port', 'srv_tcp.port_name', 'tcp.ip', 'ip.protocol.type_name', 'app.id', 'app.name',
      ...trafficMetrics, 'sum_ip.total_packets_psg', 'max_traffic.microburst_1ms_bytes', 'sum_tcp.payload_packets_c2s', 'sum_tcp.payload_packets_s2c'])],
  },
  {
    name: 'aggregates', supported: true, version: '1.5', filtersOnMetrics: true, granularities: AGGREGATE_GRANULARITIES,
    columns: [...time, ...pick(['tcp.ip', 'tcp.dns', 'ip.addr', 'cli_tcp.ip', 'srv_tcp.ip', 'srv_tcp.port', 'srv_tcp.port_name', 'ip.protocol.type_name', 'app.id', 'app.name', 'host_group.id', 'host_group.name',
      ...trafficMetrics, ...tcpMetrics, 'sum_web.pages', 'sum_dns.query.count', 'avg_dns.response_time'])],
  },
  {
    name: 'flow_ip', supported: true, version: '1.3', filtersOnMetrics: true, granularities: AGGREGATE_GRANULARITIES,
    columns: [...time, ...pick(['src_ip.addr', 'dst_ip.addr', 'ip.addr', 'ip.protocol.type_name', 'app.id', 'app.name', 'host_group.id', 'host_group.name', ...trafficMetrics])],
  },
  {
    name: 'flow_tcp', supported: false, version: '1.4', filtersOnMetrics: true, granularities: AGGREGATE_GRANULARITIES,
    columns: [...time, ...pick(['cli_tcp.ip', 'srv_tcp.ip', 'cli_tcp.port', 'srv_tcp.port', 'srv_tcp.port_name', 'tcp.ip', 'tcp.error_type', 'tcp.error_type_name', 'app.id', 'app.name', 'sum_tcp.total_bytes', 'sum_traffic.packets', ...tcpMetrics])],
  },
  {
    name: 'wtapages', supported: false, version: '1.2', filtersOnMetrics: false, granularities: AGGREGATE_GRANULARITIES,
    columns: [...time, ...pick(['web.page.family.id', 'web.page.family.name', 'web.client_ip', 'web.server_ip', 'web.url', 'sum_web.pages', 'avg_web.traffic_bytes_ps', 'avg_tcp.srv_response_time'])],
  },
  {
    name: 'dns', supported: false, version: '1.1', filtersOnMetrics: false, granularities: AGGREGATE_GRANULARITIES,
    columns: [...time, ...pick(['dns.query.name', 'dns.query.type', 'dns.query.type_name', 'dns.is_success', 'cli_tcp.ip', 'srv_tcp.ip', 'sum_dns.query.count', 'avg_dns.response_time'])],
  },
  {
    name: 'voip_rtp_channels', supported: false, version: '1.0', filtersOnMetrics: false, granularities: AGGREGATE_GRANULARITIES,
    columns: [...time, ...pick(['rtp.media_type', 'rtp.media_type_name', 'cli_tcp.ip', 'srv_tcp.ip', 'sum_rtp.packets', 'sum_rtp.traffic_bytes'])],
  },
  {
    name: 'sqlsessions', supported: false, version: '1.0', filtersOnMetrics: false, granularities: AGGREGATE_GRANULARITIES,
    columns: [...time, ...pick(['db.instance', 'db.process_name', 'cli_tcp.ip', 'srv_tcp.ip', 'avg_db.active_sessions', 'avg_sql.duration'])],
  },
  {
    name: 'alert_list', supported: false, version: '1.0', filtersOnMetrics: false,
    columns: pick(['alert.id', 'alert.policy_id', 'alert.policy_name', 'alert.severity', 'alert.start_time', 'alert.end_time', 'alert.duration', 'alert.ongoing']),
  },
  { name: 'system_metrics.cpu', supported: false, version: '1.0', filtersOnMetrics: true, granularities: ['60', '300', '3600'], columns: [...time, ...pick(['sys.name', 'avg_sys.cpu_util'])] },
  { name: 'system_metrics.memory', supported: false, version: '1.0', filtersOnMetrics: true, granularities: ['60', '300', '3600'], columns: [...time, ...pick(['sys.name', 'avg_sys.mem_used_bytes'])] },
  { name: 'system_metrics.disk', supported: false, version: '1.0', filtersOnMetrics: true, granularities: ['60', '300', '3600'], columns: [...time, ...pick(['sys.name', 'avg_sys.disk_used_bytes'])] },
  { name: 'system_metrics.capture_job', supported: false, version: '1.0', filtersOnMetrics: true, granularities: ['60', '300', '3600'], columns: [...time, ...pick(['capture_job.name', 'sum_capture_job.packets', 'sum_capture_job.dropped_packets'])] },
];

/** Names of the sources served under npm.probe.reports.sources (packet sources). */
export const PROBE_SOURCE_NAMES = SOURCE_SPECS.filter((s) => s.probe).map((s) => s.name);

// ---- derived properties ----

const OPERATIONS = new Set(['sum', 'avg', 'max', 'min', 'count']);
const ROLES = new Set(['cli', 'srv', 'src', 'dst', 'conn', 'parent', 'user', 'caller', 'receiver']);

/** field, operation and role derived from the id the way AppResponse names its columns. */
export function decomposeColumnId(id: string): { field: string; operation?: string; role?: string; direction?: string } {
  const dot = id.indexOf('.');
  let field = id;
  let operation: string | undefined;
  let role: string | undefined;
  if (dot > 0) {
    const head = id.slice(0, dot);
    const under = head.indexOf('_');
    if (under > 0) {
      const prefix = head.slice(0, under);
      if (OPERATIONS.has(prefix)) {
        operation = prefix;
        field = id.slice(under + 1);
      } else if (ROLES.has(prefix)) {
        role = prefix;
        field = id.slice(under + 1);
      }
    }
  }
  const dir = /_(c2s|s2c|in|out|m2p|p2m)$/.exec(id);
  return { field, operation, role, direction: dir?.[1] };
}

// ---- localisation (labels only; errors stay en_US as documented) ----

const ZH_WORDS: Record<string, string> = {
  Start: '开始', End: '结束', Time: '时间', Frame: '帧', Timestamp: '时间戳', IP: 'IP', Address: '地址', Source: '源', Destination: '目的',
  DNS: 'DNS', Name: '名称', Client: '客户端', Server: '服务器', Port: '端口', Protocol: '协议', Application: '应用', ID: 'ID',
  Host: '主机', Group: '组', Page: '页面', Family: '系列', Web: 'Web', URL: 'URL', Query: '查询', Type: '类型', Success: '成功',
  TCP: 'TCP', UDP: 'UDP', RTP: 'RTP', Error: '错误', Errors: '错误数', Media: '媒体', Database: '数据库', Instance: '实例', Process: '进程',
  Alert: '告警', Policy: '策略', Severity: '严重性', Duration: '持续时间', Ongoing: '进行中', Component: '组件', Capture: '捕获', Job: '作业',
  Total: '总', Bytes: '字节数', Packets: '数据包数', Network: '网络', Throughput: '吞吐量', Average: '平均', Size: '大小', Response: '响应',
  User: '用户', To: '到', Payload: '有效负载', Retransmission: '重传', Ratio: '比率', Pages: '页面数', Queries: '查询数', Microburst: '微突发',
  Active: '活动', Sessions: '会话数', CPU: 'CPU', Utilization: '利用率', Memory: '内存', Used: '已用', Disk: '磁盘', Captured: '已捕获',
  Dropped: '已丢弃', Metric: '指标', Key: '键', Rate: '速率', Count: '计数', Minimum: '最小', Maximum: '最大', Sum: '总和', Of: '的',
  Bin: '时间段', Left: '左', Right: '右', Aligned: '对齐',
};

export function localizeLabel(label: string, locale: Locale): string {
  if (locale !== 'zh_CN') return label;
  return label
    .split(' ')
    .map((w) => ZH_WORDS[w] ?? w)
    .join('');
}

/** Accept-Language header → locale. Only en_US and zh_CN exist. */
export function localeOf(acceptLanguage: string | undefined): Locale {
  return acceptLanguage && /zh[_-]?cn/i.test(acceptLanguage) ? 'zh_CN' : 'en_US';
}

function buildColumn(spec: ColumnSpec, source: SourceSpec, locale: Locale): SourceColumn {
  const parts = decomposeColumnId(spec.id);
  const isTime = spec.id === 'start_time' || spec.id === 'end_time';
  const column: SourceColumn = {
    id: spec.id,
    field: parts.field,
    label: localizeLabel(spec.label, locale),
    description: spec.description ?? `${spec.label} (${spec.id})`,
    type: spec.type,
    source_name: source.name,
    unit: spec.unit ?? 'none',
    grouped_by: !!spec.key,
    top_by: { asc: source.topAscAll ? true : spec.topAsc ?? true, desc: true },
    categories: spec.categories ?? [spec.metric ? 'metrics' : isTime ? 'time' : 'keys'],
    groups: spec.groups ?? [parts.field.split('.')[0]],
  };
  if (spec.enum) column.enum = true;
  if (spec.minimum !== undefined) column.minimum = String(spec.minimum);
  if (spec.maximum !== undefined) column.maximum = String(spec.maximum);
  if (spec.rate) column.rate = spec.rate;
  const operation = spec.operation ?? parts.operation;
  if (operation) column.operation = operation;
  if (parts.direction) column.direction = parts.direction;
  if (parts.role) column.role = parts.role;
  if (spec.sortable === false) column.sortable = false;
  if (spec.metric) column.metric = true;
  if (spec.defaultIfAbsent) column.default_if_absent = spec.defaultIfAbsent;
  if (spec.synthesized) column.synthesized = true;
  return column;
}

export interface BuildSourcesOptions {
  locale?: Locale;
  /** Add this many generated metric columns to the `aggregates` source (large catalogues for completion tests and benches). */
  extraColumns?: number;
}

/** All report sources (npm.reports.sources and, for `packets`, npm.probe.reports.sources). */
export function buildSources(options: BuildSourcesOptions = {}): ReportSource[] {
  const locale = options.locale ?? 'en_US';
  return SOURCE_SPECS.map((spec) => {
    const columns = spec.columns.map((c) => buildColumn(c, spec, locale));
    if (spec.name === 'aggregates' && options.extraColumns) columns.push(...generatedColumns(options.extraColumns, spec, locale));
    const source: ReportSource = {
      info: { external_api_access: spec.supported ? 'supported' : 'not_supported', generated_at: GENERATED_AT, version: spec.version, vendor: 'Riverbed' },
      columns,
      name: spec.name,
      capabilities: { filters_on_metrics: spec.filtersOnMetrics },
    };
    if (spec.granularities) source.granularities = [...spec.granularities];
    return source;
  });
}

/**
 * One source object with at least `columnCount` columns, realistic in naming and properties:
 * the real aggregates columns followed by generated ones (operation × protocol × measure × direction).
 * For STEELFILTER completion tests and benches, no HTTP needed.
 */
export function buildLargeSource(columnCount = 1200, locale: Locale = 'en_US'): ReportSource {
  const base = buildSources({ locale }).find((s) => s.name === 'aggregates')!;
  const spec = SOURCE_SPECS.find((s) => s.name === 'aggregates')!;
  const missing = Math.max(0, columnCount - base.columns.length);
  return { ...base, columns: [...base.columns, ...generatedColumns(missing, spec, locale)] };
}

const GEN_OPS: [string, string][] = [['sum', 'Total'], ['avg', 'Average'], ['max', 'Maximum'], ['min', 'Minimum']];
const GEN_GROUPS = ['tcp', 'udp', 'ip', 'web', 'dns', 'rtp', 'db', 'sql', 'ssl', 'http', 'smb', 'citrix', 'voip', 'icmp', 'sctp'];
const GEN_MEASURES: [string, string, string, string][] = [
  ['payload_bytes', 'Payload Bytes', 'integer', 'bytes'],
  ['packets', 'Packets', 'integer', 'packets'],
  ['retrans_bytes', 'Retransmission Bytes', 'integer', 'bytes'],
  ['response_time', 'Response Time', 'duration', 'seconds'],
  ['errors', 'Errors', 'integer', 'none'],
  ['throughput_ps', 'Throughput', 'number', 'bytes'],
];
const GEN_DIRS: [string, string][] = [['', ''], ['_c2s', ' Client To Server'], ['_s2c', ' Server To Client']];

function generatedColumns(count: number, source: SourceSpec, locale: Locale): SourceColumn[] {
  const out: SourceColumn[] = [];
  const existing = new Set(source.columns.map((c) => c.id));
  outer: for (const [group] of GEN_GROUPS.map((g) => [g])) {
    for (const [op, opLabel] of GEN_OPS) {
      for (const [measure, measureLabel, type, unit] of GEN_MEASURES) {
        for (const [dir, dirLabel] of GEN_DIRS) {
          if (out.length >= count) break outer;
          const id = `${op}_${group}.${measure}${dir}`;
          if (existing.has(id)) continue;
          const label = `${opLabel} ${group.toUpperCase()} ${measureLabel}${dirLabel}`;
          out.push(buildColumn({ id, label, type, unit, metric: true, rate: measure.endsWith('_ps') ? 'ps' : undefined, topAsc: op !== 'avg', synthesized: op === 'min' }, source, locale));
        }
      }
    }
  }
  // Beyond the combinatorial space, number further columns (custom web measures, as in wtapages).
  for (let i = 0; out.length < count; i++) {
    out.push({ ...buildColumn({ id: `sum_web.custom_${i}`, label: `Custom Metric ${i}`, type: 'integer', unit: 'none', metric: true }, source, locale), custom: true, custom_id: String(i) });
  }
  return out;
}

// ---- enumerations (GET fields/items/<field>) ----

const FIELD_VALUES: Record<string, string[]> = {
  'ip.protocol.type_name': ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'GRE', 'ESP', 'SCTP', 'OSPF'],
  'dns.query.type_name': ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT'],
  'tcp.error_type_name': ['Retransmission', 'Reset', 'Zero Window', 'Out Of Order', 'Syn Timeout'],
  'rtp.media_type_name': ['Audio', 'Video', 'Other'],
  'alert.severity': ['Critical', 'Major', 'Minor', 'Info'],
};

const ZH_VALUES: Record<string, string> = { Audio: '音频', Video: '视频', Other: '其他', Critical: '严重', Major: '主要', Minor: '次要', Info: '信息', Retransmission: '重传', Reset: '重置' };

export function enumFieldNames(): string[] {
  return Object.keys(FIELD_VALUES);
}

/** The field description with its enumerated values, or undefined when the field is unknown. */
export function fieldInfo(field: string, locale: Locale = 'en_US'): FieldInfo | undefined {
  const spec = Object.values(keys).find((c) => decomposeColumnId(c.id).field === field) ?? Object.values(metrics).find((c) => decomposeColumnId(c.id).field === field);
  if (!spec) return undefined;
  const values = FIELD_VALUES[field] ?? [];
  return {
    id: field,
    type: spec.type,
    unit: spec.unit ?? 'none',
    label: localizeLabel(spec.label, locale),
    description: spec.description ?? spec.label,
    enum: values.length > 0,
    values: values.map((value) => ({ value, label: locale === 'zh_CN' ? ZH_VALUES[value] ?? value : value })),
  };
}
