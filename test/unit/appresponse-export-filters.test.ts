// The checks of Export Packets' filter step: STEELFILTER as the report editor checks it (against
// the `packets` source of the catalogue, in the same words), WIRESHARK and BPF for what is safe to
// say without the device's parser; and the device's own refusal of a filter recognised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPacketFilter, filterRefusalOf } from '../../src/appresponse/packetFilters';
import { validate } from '../../src/steelfilter/index';
import type { Source } from '../../src/steelfilter/index';
import { HttpStatusError } from '../../src/http/errors';

const packets = {
  name: 'packets',
  columns: [
    { id: 'ip.addr', label: 'IP Address', type: 'ipaddr', grouped_by: true },
    { id: 'srv_tcp.port', label: 'Server Port', type: 'port', grouped_by: true },
    { id: 'app.name', label: 'Application', type: 'string', grouped_by: true },
  ],
} as unknown as Source;

const errors = (type: 'STEELFILTER' | 'WIRESHARK' | 'BPF', text: string, schema?: Source) => checkPacketFilter(type, text, schema).filter((p) => p.severity === 'error').map((p) => p.message);
const warnings = (type: 'STEELFILTER' | 'WIRESHARK' | 'BPF', text: string) => checkPacketFilter(type, text).filter((p) => p.severity === 'warning').map((p) => p.message);

test('STEELFILTER: an unknown column is an error, in the report editor\'s words', () => {
  const got = errors('STEELFILTER', 'foo.bar == 3', packets);
  assert.deepEqual(got, validate('foo.bar == 3', packets).filter((d) => d.severity === 'error').map((d) => d.message));
  assert.match(got[0]!, /unknown column "foo\.bar" in source "packets"/);
});

test('STEELFILTER: an invalid address is an error; a valid filter has none', () => {
  assert.match(errors('STEELFILTER', "ip.addr == '10.1.2.300'", packets)[0]!, /10\.1\.2\.300/);
  assert.deepEqual(errors('STEELFILTER', "ip.addr == '10.1.2.3' and srv_tcp.port == 443", packets), []);
  // Without the catalogue (not loaded yet, or unreadable) the syntax is still checked.
  assert.deepEqual(errors('STEELFILTER', 'foo.bar == 3'), []);
  assert.ok(errors('STEELFILTER', "ip.addr == '10.1.2.3' and").length > 0);
});

test('WIRESHARK: a dangling operator is an error, "===" a warning that says what it means', () => {
  assert.deepEqual(errors('WIRESHARK', 'tcp.port === 443 &&'), ['the filter ends with "&&": add what it joins, or remove it']);
  assert.match(warnings('WIRESHARK', 'tcp.port === 443')[0]!, /"===" means "all equal" in Wireshark 4 .* use "=="/);
  assert.deepEqual(errors('WIRESHARK', '&& tcp'), ['"&&" has nothing before it to join']);
  assert.deepEqual(errors('WIRESHARK', 'tcp.port =='), ['the filter ends with "==": add the value']);
  assert.deepEqual(errors('WIRESHARK', 'tcp.port = 443'), ['Wireshark compares with "==", not "="']);
  assert.deepEqual(errors('WIRESHARK', 'not'), ['the filter ends with "not"']);
});

test('WIRESHARK: unbalanced brackets and quotes are errors', () => {
  assert.deepEqual(errors('WIRESHARK', '(ip.addr == 10.1.2.3'), ['"(" is never closed']);
  assert.deepEqual(errors('WIRESHARK', 'ip.addr == 10.1.2.3)'), ['")" closes nothing']);
  assert.deepEqual(errors('WIRESHARK', 'http.host == "example.com'), ['this string has no closing "']);
  assert.deepEqual(errors('WIRESHARK', 'tcp.port in {80 443]'), ['"{" is closed by "]"']);
});

test('WIRESHARK: ordinary display filters pass', () => {
  for (const f of [
    'tcp.port == 443', 'ip.addr == 10.1.2.3 && !(tcp.port == 22)', 'http.request.method == "GET" or dns', 'frame contains "a\\"b"',
    'tcp.port in {80 443 8080}', 'eth.src[0:3] == 00:01:02', 'len(http.host) > 5', 'tcp.flags & 0x02', 'ip.src==10.0.0.1&&udp', 'not arp',
  ]) assert.deepEqual(checkPacketFilter('WIRESHARK', f), [], f);
});

test('BPF: dangling operators, unbalanced brackets, === and quotes are errors; ordinary capture filters pass', () => {
  assert.deepEqual(errors('BPF', 'host 10.1.2.3 and'), ['the filter ends with "and": add what it joins, or remove it']);
  assert.deepEqual(errors('BPF', 'or port 80'), ['"or" has nothing before it to join']);
  assert.deepEqual(errors('BPF', '(tcp and port 80'), ['"(" is never closed']);
  assert.deepEqual(errors('BPF', 'ip[8] === 64'), ['BPF has no "===": use =='], 'no === in BPF');
  assert.deepEqual(errors('BPF', 'host "10.1.2.3"'), ['BPF has no quoted strings: remove the "', 'BPF has no quoted strings: remove the "']);
  for (const f of ['host 10.1.2.3 and port 443', 'tcp[tcpflags] & (tcp-syn|tcp-fin) != 0', 'not (udp or icmp)', 'ip[8] = 64', 'len <= 128', '!tcp', 'net 10.0.0.0/8 || ip6']) {
    assert.deepEqual(checkPacketFilter('BPF', f), [], f);
  }
});

test('an empty filter is an error', () => {
  assert.deepEqual(errors('BPF', '  '), ['the filter is empty']);
});

test("the device's refusal of a filter (HTTP 400 naming the filters) is recognised, with its own words", () => {
  const refused = new HttpStatusError('ar', '/api/npm.packet_export/1.3/exports', 'POST', 400, 'INVALID_REQUEST', "config.filters: unexpected '&&' at 13", '{}');
  assert.equal(filterRefusalOf(refused), "config.filters: unexpected '&&' at 13");
  assert.equal(filterRefusalOf(new HttpStatusError('ar', '/x', 'POST', 400, undefined, 'config.path: unknown packet source', '{}')), undefined);
  assert.equal(filterRefusalOf(new HttpStatusError('ar', '/x', 'POST', 500, undefined, 'filters broke', '{}')), undefined);
});
