// The CodeMirror 6 adapter of the webview editor gives the same answers as the core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EditorState } from '@codemirror/state';
import { CompletionContext } from '@codemirror/autocomplete';
import { steelfilterCompletionSource, steelfilterHoverSource, steelfilterLintSource } from '../../webview/report/steelfilter-codemirror';
import { bigCatalogue } from './steelfilter-catalogue';

const catalogue = bigCatalogue(1000);
const schema = () => catalogue;
const state = (doc: string) => EditorState.create({ doc });

test('completion: columns for the word being typed, with the range CodeMirror replaces', () => {
  const s = state("app.name == 'x' and srv_tcp.po");
  const r = steelfilterCompletionSource(schema)(new CompletionContext(s, s.doc.length, false))!;
  assert.equal(r.from, 20);
  assert.equal(r.to, s.doc.length);
  const port = r.options.find((o) => o.label === 'srv_tcp.port')!;
  assert.equal(port.detail, 'Server Port · port · key');
  assert.equal(port.type, 'property');
  assert.match(String(port.info), /Server Port/);
});

test('completion: operators for the column type and enum values after the operator', () => {
  const ops = steelfilterCompletionSource(schema)(new CompletionContext(state('srv_tcp.port '), 13, false))!;
  assert.ok(ops.options.some((o) => o.label === '>='));
  const values = steelfilterCompletionSource(schema)(new CompletionContext(state('ip.protocol.type_name == '), 25, false))!;
  assert.deepEqual(values.options.map((o) => o.apply), ["'TCP'", "'UDP'", "'ICMP'", "'ICMPv6'", "'SCTP'", "'GRE'", "'ESP'"]);
});

test('completion: the whole catalogue only when asked for, not on an empty line', () => {
  assert.equal(steelfilterCompletionSource(schema)(new CompletionContext(state(''), 0, false)), null);
  assert.ok(steelfilterCompletionSource(schema)(new CompletionContext(state(''), 0, true))!.options.length >= 900);
});

test('lint: the core\'s diagnostics with their ranges, and fixes as actions', () => {
  const diagnostics = steelfilterLintSource(schema)({ state: state("srv_tcp.prot == 80 and cli_tcp.ip == 'abc'") });
  assert.deepEqual(diagnostics.map((d) => [d.from, d.to, d.severity]), [[0, 12, 'error'], [37, 42, 'error']]);
  assert.equal(diagnostics[0].actions?.[0].name, 'Change to "srv_tcp.port"');
  assert.match(diagnostics[1].message, /not an IP address/);
});

test('hover: the column metadata over its range', () => {
  const tip = steelfilterHoverSource(schema)({ state: state('avg_traffic.total_bytes_ps > 5') }, 4)!;
  assert.deepEqual([tip.pos, tip.end], [0, 26]);
  assert.equal(steelfilterHoverSource(schema)({ state: state('a == 1') }, 5), null);
});
