import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validate, type Diagnostic } from '../../src/steelfilter/index';
import { bigCatalogue } from './steelfilter-catalogue';

const catalogue = bigCatalogue(1200);
const noMetricFilters = bigCatalogue(1200, { filtersOnMetrics: false, name: 'packets' });

const only = (text: string, schema = catalogue): Diagnostic[] => validate(text, schema);
const codes = (text: string, schema = catalogue) => only(text, schema).map((d) => d.code);

test('the test catalogue has at least 1,000 columns', () => {
  assert.ok(catalogue.columns.length >= 1000);
});

test('a valid filter over real columns has no diagnostics', () => {
  assert.deepEqual(only("(cli_tcp.ip == '10.0.0.0/8' or srv_tcp.port in (80, 443)) and ip.protocol.type_name == 'TCP' and avg_traffic.total_bytes_ps > 1000"), []);
});

test('an unknown column is an error with its range and a did-you-mean fix', () => {
  const text = "srv_tcp.prot == 80";
  const [d] = only(text);
  assert.equal(d.code, 'unknown-column');
  assert.equal(text.slice(d.start, d.end), 'srv_tcp.prot');
  assert.match(d.message, /unknown column "srv_tcp.prot" in source "aggregates"; did you mean "srv_tcp.port"/);
  assert.equal(d.fix?.text, 'srv_tcp.port');
});

test('a column typed without its prefix is found by its last segment', () => {
  const [d] = only('total_bytes_ps > 5');
  assert.equal(d.fix?.text, 'avg_traffic.total_bytes_ps');
});

test('a column without any close match gets no guess', () => {
  const [d] = only("zzzzqqqq.xxxx == '1'");
  assert.equal(d.code, 'unknown-column');
  assert.equal(d.fix, undefined);
  assert.doesNotMatch(d.message, /did you mean/);
});

test('an informational column (neither grouped_by nor metric) cannot be filtered on', () => {
  const [d] = only("host_group.name == 'x'");
  assert.equal(d.code, 'column-not-filterable');
  assert.match(d.message, /column "host_group.name" cannot be used in filters of source "aggregates"/);
});

test('a metric threshold is refused on a source without filters_on_metrics', () => {
  assert.deepEqual(codes('avg_traffic.total_bytes_ps > 1000'), []);
  const [d] = only('avg_traffic.total_bytes_ps > 1000', noMetricFilters);
  assert.equal(d.code, 'metric-filter-unsupported');
  assert.match(d.message, /source "packets" does not support threshold filters on metrics/);
});

test('an IP column compared with something that is not an address is an error', () => {
  const text = "cli_tcp.ip == 'abc'";
  const [d] = only(text);
  assert.equal(d.code, 'value-type');
  assert.equal(text.slice(d.start, d.end), "'abc'");
  assert.match(d.message, /"abc" is not an IP address, CIDR, wildcard or DNS name/);
});

test('IP values: CIDR, wildcard and DNS name forms are accepted, broken ones explained', () => {
  assert.deepEqual(codes("cli_tcp.ip in ('10.0.0.0/8', '2001:db8::/32', '10.91.*', '2A03:2A03:*', 'host.com', '::1')"), []);
  assert.match(only("cli_tcp.ip == '10.*.1.2'")[0].message, /only at the end/);
  assert.match(only("cli_tcp.ip == '10.0.0.0/33'")[0].message, /prefix length must be 0 to 32/);
  assert.match(only("cli_tcp.ip == '10.0.0/8'")[0].message, /not a full IPv4 or IPv6 address/);
  assert.match(only("cli_tcp.ip == '300.1.1.1'")[0].message, /not an IP address/);
});

test('ports must be integers from 0 to 65535', () => {
  assert.deepEqual(codes('srv_tcp.port == 65535'), []);
  assert.equal(only('srv_tcp.port == 70000')[0].code, 'value-range');
  assert.match(only('srv_tcp.port == 70000')[0].message, /port 70000 is out of range/);
  assert.equal(only("srv_tcp.port == 'http'")[0].code, 'value-type');
});

test('integer and number columns check type and the catalogue range', () => {
  assert.equal(only("app.id == 'abc'")[0].code, 'value-type');
  assert.equal(only('app.id == 1.5')[0].code, 'value-type');
  assert.equal(only('alert.severity > 101')[0].code, 'value-range');
  assert.equal(only('avg_tcp.retrans_ratio_c2s > 2')[0].code, 'value-range');
  assert.equal(only("start_time > 'yesterday'")[0].code, 'value-type');
  assert.deepEqual(codes('start_time > 1522772201.123456789'), []);
});

test('booleans and MAC addresses are checked', () => {
  assert.deepEqual(codes('dns.is_success == true'), []);
  assert.equal(only("dns.is_success == 'maybe'")[0].code, 'value-type');
  assert.deepEqual(codes("eth.src == '00:1a:2b:3c:4d:5e'"), []);
  assert.equal(only("eth.src == '00:1a:2b'")[0].code, 'value-type');
});

test('an enum value not in the list is an error with a did-you-mean fix', () => {
  const text = "ip.protocol.type_name == 'tcp'";
  const [d] = only(text);
  assert.equal(d.code, 'enum-value');
  assert.match(d.message, /"tcp" is not a value of "ip.protocol.type_name"; did you mean "TCP"\?/);
  assert.equal(d.fix?.text, "'TCP'");
  assert.equal(only("dns.query.type_name in ('A', 'AAAA', 'MXX')")[0].fix?.text, "'MX'");
});

test('ordering operators on a string or IP column are errors', () => {
  const text = "app.name > 'x'";
  const [d] = only(text);
  assert.equal(d.code, 'operator-type');
  assert.equal(text.slice(d.start, d.end), '>');
  assert.equal(only("cli_tcp.ip lt '10.0.0.1'")[0].code, 'operator-type');
});

test('values with stray spaces (as in the document example) get a warning, not an error', () => {
  const d = only("ip.addr IN ('10.0.0.1 ', '10.0.0.2' )");
  assert.deepEqual(d.map((x) => [x.code, x.severity]), [['value-spaces', 'warning']]);
});

test('syntax and catalogue diagnostics come together, sorted by position', () => {
  const d = only("srv_tcp.prot == 80 and cli_tcp.ip == 'abc' and (app.name like 'x'");
  assert.deepEqual(d.map((x) => x.code), ['unknown-column', 'value-type', 'unclosed-paren', 'unknown-operator']);
});
