import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter, SteelFilterError, type Source } from '../../src/steelfilter/index';

const source: Source = {
  name: 'aggregates',
  capabilities: { filters_on_metrics: true },
  columns: [
    { id: 'ip.addr', type: 'ipaddr', grouped_by: true },
    { id: 'cli_tcp.ip', type: 'ipaddr', grouped_by: true },
    { id: 'srv_tcp.ip', type: 'ipaddr', grouped_by: true },
    { id: 'srv_tcp.port', type: 'port', grouped_by: true },
    { id: 'app.name', type: 'string', grouped_by: true },
    { id: 'start_time', type: 'timestamp', grouped_by: true, unit: 'seconds' },
    { id: 'avg_traffic.total_bytes_ps', type: 'number', metric: true, unit: 'bytes', rate: 'ps' },
    { id: 'dns.is_success', type: 'boolean', grouped_by: true },
    { id: 'tags', type: 'array', grouped_by: true },
  ],
};

const match = (filter: string, row: Record<string, string | number>, schema: Source | null = source) =>
  compileFilter(filter, schema ?? undefined)(row);

test('equality on an IP column matches the address in every spelling of the operator', () => {
  for (const op of ['=', '==', 'is', 'eq', 'IS', 'EQ']) {
    assert.equal(match(`ip.addr ${op} '10.0.0.1'`, { 'ip.addr': '10.0.0.1' }), true, op);
    assert.equal(match(`ip.addr ${op} '10.0.0.1'`, { 'ip.addr': '10.0.0.2' }), false, op);
  }
});

test('not-equal operators !=, <> and ne exclude the address', () => {
  for (const op of ['!=', '<>', 'ne']) {
    assert.equal(match(`ip.addr ${op} '10.0.0.1'`, { 'ip.addr': '10.0.0.1' }), false, op);
    assert.equal(match(`ip.addr ${op} '10.0.0.1'`, { 'ip.addr': '10.0.0.2' }), true, op);
  }
});

test('numeric comparisons use numbers, not strings', () => {
  const row = { 'avg_traffic.total_bytes_ps': '9000' };
  assert.equal(match('avg_traffic.total_bytes_ps <= 10000', row), true);
  assert.equal(match('avg_traffic.total_bytes_ps le 10000', row), true);
  assert.equal(match('avg_traffic.total_bytes_ps >= 10000', row), false);
  assert.equal(match('avg_traffic.total_bytes_ps ge 9000', row), true);
  assert.equal(match('avg_traffic.total_bytes_ps > 10000', row), false);
  assert.equal(match('avg_traffic.total_bytes_ps gt 800', row), true);
  assert.equal(match('avg_traffic.total_bytes_ps < 10000', row), true);
  assert.equal(match('avg_traffic.total_bytes_ps lt 9000', row), false);
  assert.equal(match('avg_traffic.total_bytes_ps > 10000', { 'avg_traffic.total_bytes_ps': 20000 }), true);
});

test('timestamps compare exactly down to the nanosecond', () => {
  const row = { start_time: '1522772201.123456789' };
  assert.equal(match('start_time > 1522772201.123456788', row), true);
  assert.equal(match('start_time >= 1522772201.12345679', row), false);
  assert.equal(match("start_time == '1522772201.1234567890'", row), true);
});

test('CIDR values match every address of the network, IPv4 and IPv6', () => {
  assert.equal(match("ip.addr == '10.0.0.0/8'", { 'ip.addr': '10.200.3.4' }), true);
  assert.equal(match("ip.addr == '10.0.0.0/8'", { 'ip.addr': '11.0.0.1' }), false);
  assert.equal(match("ip.addr == '2001:db8::/32'", { 'ip.addr': '2001:db8:1::5' }), true);
  assert.equal(match("ip.addr == '2001:db8::/32'", { 'ip.addr': '2001:db9::5' }), false);
  assert.equal(match("ip.addr != '10.0.0.0/8'", { 'ip.addr': '192.168.1.1' }), true);
});

test('trailing wildcards match IPv4 and IPv6 prefixes', () => {
  assert.equal(match("ip.addr == '10.91.*'", { 'ip.addr': '10.91.5.6' }), true);
  assert.equal(match("ip.addr == '10.91.*.*'", { 'ip.addr': '10.92.5.6' }), false);
  assert.equal(match("ip.addr == '10.91.126.*'", { 'ip.addr': '10.91.126.200' }), true);
  assert.equal(match("ip.addr == '2A03:2A03:2A03:2880:F000:F000:F000:*'", { 'ip.addr': '2a03:2a03:2a03:2880:f000:f000:f000:1' }), true);
  assert.equal(match("ip.addr == '2A03:2A03:2A03:2880:F000:F000:*:*'", { 'ip.addr': '2a03:2a03:2a03:2880:f000:f001::1' }), false);
});

test('IPv6 addresses match whatever their spelling', () => {
  assert.equal(match("ip.addr == '2001:DB8:0:0:0:0:0:1'", { 'ip.addr': '2001:db8::1' }), true);
});

test('in and in any match any value of the list', () => {
  assert.equal(match("ip.addr in ('10.0.0.1', '10.0.0.2')", { 'ip.addr': '10.0.0.2' }), true);
  assert.equal(match("ip.addr IN ('10.0.0.1', '10.0.0.2')", { 'ip.addr': '10.0.0.3' }), false);
  assert.equal(match("ip.addr in any ('10.0.0.0/8', '192.168.*')", { 'ip.addr': '192.168.4.4' }), true);
  assert.equal(match('srv_tcp.port in (80, 443)', { 'srv_tcp.port': '443' }), true);
});

test('on array columns "in" needs every element in the list and "in any" one of them', () => {
  const row = { tags: '["a","b"]' };
  assert.equal(match("tags in ('a', 'b', 'c')", row), true);
  assert.equal(match("tags in ('a', 'c')", row), false);
  assert.equal(match("tags in any ('a', 'c')", row), true);
  assert.equal(match("tags == 'b'", row), true);
});

test('and binds tighter than or, parentheses and not change it', () => {
  const row = { 'app.name': 'HTTP', 'srv_tcp.port': '80', 'ip.addr': '10.0.0.9' };
  assert.equal(match("app.name == 'DNS' and srv_tcp.port == 80 or ip.addr == '10.0.0.9'", row), true);
  assert.equal(match("app.name == 'DNS' and (srv_tcp.port == 80 or ip.addr == '10.0.0.9')", row), false);
  assert.equal(match("not app.name == 'DNS'", row), true);
  assert.equal(match("not (app.name == 'HTTP' and srv_tcp.port == 80)", row), false);
  assert.equal(match("((((app.name == 'HTTP'))))", row), true);
});

test('missing values (NULL, #N/A, #N/D, absent) satisfy no comparison', () => {
  for (const v of ['NULL', '#N/A', '#N/D', '']) {
    assert.equal(match("app.name == 'x'", { 'app.name': v }), false, v);
    assert.equal(match("app.name != 'x'", { 'app.name': v }), false, v);
  }
  assert.equal(match("app.name != 'x'", {}), false);
  assert.equal(match("not app.name == 'x'", {}), true);
});

test('booleans accept true/false/1/0', () => {
  assert.equal(match('dns.is_success == true', { 'dns.is_success': '1' }), true);
  assert.equal(match('dns.is_success == false', { 'dns.is_success': 'true' }), false);
});

test('DNS names use the resolver given, the first address only', () => {
  const f = compileFilter("ip.addr == 'host.example.com'", source, { resolveName: (n) => (n === 'host.example.com' ? '10.1.1.1' : undefined) });
  assert.equal(f({ 'ip.addr': '10.1.1.1' }), true);
  assert.equal(f({ 'ip.addr': '10.1.1.2' }), false);
});

test('without a catalogue the value decides: IP, number or string', () => {
  assert.equal(match("column_id == '10.0.0.0/8'", { column_id: '10.3.3.3' }, null), true);
  assert.equal(match('column_id >= 200', { column_id: '1000' }, null), true);
  assert.equal(match('column_id >= 200', { column_id: '30' }, null), false);
  assert.equal(match("(column_id == 'value1' or column_id >= 200) and (coumn_id == 'value2')", { column_id: 'value1', coumn_id: 'value2' }, null), true);
});

test('an empty filter matches every row', () => {
  assert.equal(match('', {}), true);
  assert.equal(match('   ', {}), true);
});

test('a malformed filter throws an error naming the problem', () => {
  assert.throws(() => compileFilter("ip.addr == '10.0.0.1"), (e: unknown) => e instanceof SteelFilterError && /unterminated string/.test(e.message));
  assert.throws(() => compileFilter("ip.addr like '10.0.0.1'"), /unknown operator "like"/);
  assert.throws(() => compileFilter("(ip.addr == '10.0.0.1'"), /unclosed "\("/);
  assert.throws(() => compileFilter('ip.addr =='), /missing value after "=="/);
});

test('with a catalogue, a filter the device would refuse throws too', () => {
  assert.throws(() => compileFilter("ip.adr == '10.0.0.1'", source), /unknown column "ip.adr".*did you mean "ip.addr"/);
  assert.throws(() => compileFilter("ip.addr == 'abc'", source), /not an IP address/);
  assert.throws(() => compileFilter('srv_tcp.port == 70000', source), /out of range/);
});

test('row values that are not addresses never match an IP condition', () => {
  for (const v of ['10.0.0.256', '10.0.0', '10.0.0.1.5', '10..0.1', 'host', '1.2.3.4 x']) {
    assert.equal(match("ip.addr == '10.0.0.0/8'", { 'ip.addr': v }), false, v);
    assert.equal(match("ip.addr != '10.0.0.0/8'", { 'ip.addr': v }), false, v);
  }
  assert.equal(match("ip.addr == '0.0.0.0/0'", { 'ip.addr': '255.255.255.255' }), true);
  assert.equal(match("ip.addr == '10.0.0.1/32'", { 'ip.addr': '10.0.0.1' }), true);
});

test('long numeric values compare exactly, short ones as numbers', () => {
  assert.equal(match('avg_traffic.total_bytes_ps > 9.5', { 'avg_traffic.total_bytes_ps': '10' }), true);
  assert.equal(match('avg_traffic.total_bytes_ps == 10', { 'avg_traffic.total_bytes_ps': '10.000' }), true);
  assert.equal(match('avg_traffic.total_bytes_ps > 5', { 'avg_traffic.total_bytes_ps': 'abc' }), false);
  assert.equal(match('start_time < 1522772201.000000002', { start_time: '1522772201.000000001' }), true);
});
