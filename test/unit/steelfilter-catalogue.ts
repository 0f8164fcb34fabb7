// A large source catalogue for tests and benchmarks: the real column ids seen on AppResponse
// (reference/README.md) with their types, padded with synthetic key and metric columns.
import type { Column, Source } from '../../src/steelfilter/index';

const key = (id: string, type: string, label: string, extra: Partial<Column> = {}): Column =>
  ({ id, field: id, label, description: `${label}.`, type, unit: 'none', grouped_by: true, ...extra });
const metric = (id: string, type: string, unit: string, label: string, extra: Partial<Column> = {}): Column =>
  ({ id, field: id.replace(/^(sum|avg|max|min)_/, ''), label, description: `${label}.`, type, unit, metric: true, top_by: { asc: false, desc: true }, ...extra });

export const REAL_COLUMNS: Column[] = [
  key('start_time', 'timestamp', 'Start Time', { unit: 'seconds' }),
  key('end_time', 'timestamp', 'End Time', { unit: 'seconds' }),
  key('frame.timestamp', 'timestamp', 'Frame Time', { unit: 'seconds' }),
  key('src_ip.addr', 'ipaddr', 'Source IP'),
  key('dst_ip.addr', 'ipaddr', 'Destination IP'),
  key('cli_tcp.ip', 'ipaddr', 'Client IP', { role: 'cli' }),
  key('srv_tcp.ip', 'ipaddr', 'Server IP', { role: 'srv' }),
  key('srv_tcp.port', 'port', 'Server Port', { role: 'srv' }),
  key('srv_tcp.port_name', 'string', 'Server Port Name', { role: 'srv' }),
  key('cli_tcp.port', 'port', 'Client Port', { role: 'cli' }),
  key('tcp.ip', 'ipaddr', 'TCP IP'),
  key('tcp.dns', 'string', 'TCP DNS Name', { grouped_by: false, sortable: false }),
  key('ip.addr', 'ipaddr', 'IP Address'),
  key('ip.protocol.type_name', 'string', 'IP Protocol', { enum: ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'GRE', 'ESP'] }),
  key('app.id', 'integer', 'Application ID', { minimum: 0, maximum: 65535 }),
  key('app.name', 'string', 'Application'),
  key('host_group.id', 'integer', 'Host Group ID', { minimum: 0 }),
  key('host_group.name', 'string', 'Host Group', { grouped_by: false }),
  key('web.page.family.id', 'integer', 'Page Family ID'),
  key('web.page.family.name', 'string', 'Page Family'),
  key('web.client_ip', 'ipaddr', 'Web Client IP'),
  key('web.server_ip', 'ipaddr', 'Web Server IP'),
  key('web.url', 'string', 'URL'),
  key('dns.query.name', 'string', 'DNS Query Name'),
  key('dns.query.type', 'integer', 'DNS Query Type'),
  key('dns.query.type_name', 'string', 'DNS Query Type Name', { enum: [{ value: 'A', label: 'IPv4 address' }, { value: 'AAAA', label: 'IPv6 address' }, { value: 'MX', label: 'Mail exchange' }, { value: 'PTR', label: 'Pointer' }, { value: 'TXT', label: 'Text' }] }),
  key('dns.is_success', 'boolean', 'DNS Success'),
  key('tcp.error_type', 'integer', 'TCP Error Type'),
  key('tcp.error_type_name', 'string', 'TCP Error Type Name', { enum: ['retransmission', 'zero_window', 'reset', 'syn_timeout'] }),
  key('rtp.media_type', 'integer', 'RTP Media Type'),
  key('rtp.media_type_name', 'string', 'RTP Media Type Name', { enum: ['audio', 'video'] }),
  key('db.instance', 'string', 'DB Instance'),
  key('db.process_name', 'string', 'DB Process'),
  key('eth.src', 'ether', 'Source MAC'),
  metric('sum_traffic.total_bytes', 'integer', 'bytes', 'Total Bytes', { operation: 'sum' }),
  metric('sum_traffic.packets', 'integer', 'none', 'Packets', { operation: 'sum' }),
  metric('sum_traffic.network_bytes', 'integer', 'bytes', 'Network Bytes'),
  metric('avg_traffic.total_bytes_ps', 'number', 'bytes', 'Throughput', { rate: 'ps', operation: 'avg', topped_by: { asc: false, desc: true } }),
  metric('sum_tcp.total_bytes', 'integer', 'bytes', 'TCP Bytes'),
  metric('sum_udp.total_bytes', 'integer', 'bytes', 'UDP Bytes'),
  metric('avg_frame.total_bytes', 'number', 'bytes', 'Average Frame Size'),
  metric('sum_ip.total_packets_psg', 'integer', 'none', 'IP Packets', { rate: 'pgs' }),
  metric('avg_tcp.srv_response_time', 'duration', 'seconds', 'Server Response Time', { top_by: { asc: true, desc: true } }),
  metric('avg_tcp.user_response_time', 'duration', 'seconds', 'User Response Time'),
  metric('avg_tcp.network_time_c2s', 'duration', 'seconds', 'Network Time C2S', { direction: 'c2s' }),
  metric('sum_tcp.errors', 'integer', 'none', 'TCP Errors'),
  metric('sum_tcp.payload_packets_c2s', 'integer', 'none', 'Payload Packets C2S', { direction: 'c2s' }),
  metric('sum_tcp.payload_packets_s2c', 'integer', 'none', 'Payload Packets S2C', { direction: 's2c' }),
  metric('avg_tcp.retrans_ratio_c2s', 'number', 'none', 'Retransmission Ratio C2S', { minimum: 0, maximum: 1 }),
  metric('avg_tcp.retrans_ratio_s2c', 'number', 'none', 'Retransmission Ratio S2C', { minimum: 0, maximum: 1 }),
  metric('sum_web.pages', 'integer', 'none', 'Pages'),
  metric('avg_web.traffic_bytes_ps', 'number', 'bytes', 'Web Throughput', { rate: 'ps' }),
  metric('sum_dns.query.count', 'integer', 'none', 'DNS Queries'),
  metric('avg_dns.response_time', 'duration', 'seconds', 'DNS Response Time'),
  metric('max_traffic.microburst_1ms_bytes', 'integer', 'bytes', 'Microburst 1 ms'),
  metric('sum_rtp.packets', 'integer', 'none', 'RTP Packets'),
  metric('sum_rtp.traffic_bytes', 'integer', 'bytes', 'RTP Bytes'),
  metric('avg_db.active_sessions', 'number', 'none', 'Active DB Sessions'),
  metric('avg_sql.duration', 'duration', 'seconds', 'SQL Duration'),
  key('alert.id', 'integer', 'Alert ID'),
  key('alert.policy_id', 'integer', 'Alert Policy ID'),
  key('alert.policy_name', 'string', 'Alert Policy'),
  key('alert.severity', 'integer', 'Alert Severity', { minimum: 0, maximum: 100 }),
  key('alert.start_time', 'timestamp', 'Alert Start', { unit: 'seconds' }),
  key('alert.end_time', 'timestamp', 'Alert End', { unit: 'seconds' }),
  key('alert.duration', 'duration', 'Alert Duration', { unit: 'seconds' }),
  key('alert.ongoing', 'boolean', 'Alert Ongoing'),
];

const FAMILIES = ['tcp', 'udp', 'ip', 'web', 'dns', 'rtp', 'sql', 'db', 'traffic', 'frame', 'voip', 'ssl', 'http', 'smb', 'cifs'];
const MEASURES = ['bytes', 'packets', 'retrans', 'rtt', 'jitter', 'loss', 'errors', 'sessions', 'requests', 'responses', 'resets', 'syns'];

/** A source with the real columns plus synthetic ones up to `size` columns in all. */
export function bigCatalogue(size = 1200, options: { filtersOnMetrics?: boolean; name?: string } = {}): Source {
  const columns: Column[] = [...REAL_COLUMNS];
  let n = 0;
  while (columns.length < size) {
    const fam = FAMILIES[n % FAMILIES.length];
    const meas = MEASURES[Math.floor(n / FAMILIES.length) % MEASURES.length];
    const round = Math.floor(n / (FAMILIES.length * MEASURES.length));
    const suffix = round ? `_${round}` : '';
    if (n % 3 === 0) {
      columns.push(key(`${fam}.${meas}_key${suffix}`, n % 2 ? 'string' : 'integer', `${fam.toUpperCase()} ${meas} key ${round}`));
    } else {
      const agg = n % 3 === 1 ? 'sum' : 'avg';
      columns.push(metric(`${agg}_${fam}.${meas}${suffix}`, agg === 'sum' ? 'integer' : 'number', meas === 'bytes' ? 'bytes' : 'none', `${fam.toUpperCase()} ${meas} ${round}`));
    }
    n++;
  }
  return {
    name: options.name ?? 'aggregates',
    info: { external_api_access: 'supported', generated_at: '20/03/2018 14:20:30', version: '1.5', vendor: 'Riverbed' },
    capabilities: { filters_on_metrics: options.filtersOnMetrics ?? true },
    granularities: ['60', '300', '3600', '21600', '86400'],
    columns,
  };
}
