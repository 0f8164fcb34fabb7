import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, compileFilter, type Expr } from '../../src/steelfilter/index';

/**
 * Every STEELFILTER example of appresponse-rest-api.txt. The text extraction of the document broke
 * some of them; they are written here as the document means them: straight quotes for ‘…’, column ids
 * without the inserted spaces ("avg_traff ic.total_ bytes_ps"), and the wildcards whose `*` the
 * Markdown conversion ate ("10.91., 10.91.., 10.91.126." are 10.91.*, 10.91.*.*, 10.91.126.*).
 */
const DOCUMENT_EXAMPLES = [
  "(column_id == 'value1' or column_id >= 200) and (coumn_id == 'value2')",
  "column_id == 'value1' and column_id >= 200",
  "coumn_id == 'value2'",
  "ip.addr == '10.0.0.1'",
  "ip.addr != '10.0.0.1'",
  'avg_traffic.total_bytes_ps <= 10000',
  'avg_traffic.total_bytes_ps => 10000',
  'avg_traffic.total_bytes_ps > 10000',
  'avg_traffic.total_bytes_ps < 10000',
  "ip.addr == '10.0.0.1' or ip.addr == '10.0.0.2'",
  "ip.addr IN ('10.0.0.1 ', '10.0.0.2' )",
  "(ip.addr == '10.0.0.1' ) or (cli_ip.addr == '10.0.0.2' and srv_ip.addr == '10.0.0.3' )",
  "ip.addr == '10.0.0.0/8'",
  "ip.addr == '2001:db8::/32'",
  "ip.addr == '10.91.*'",
  "ip.addr == '10.91.*.*'",
  "ip.addr == '10.91.126.*'",
  "ip.addr == '2A03:2A03:2A03:2880:F000:F000:*:*'",
  "ip.addr == '2A03:2A03:2A03:2880:F000:F000:F000:*'",
  "ip.addr == 'host.com'",
  'avg_traffic.total_bytes_ps > 1000',
  "(column_id == 'value1' and column_id == 'value2')",
];

const errors = (text: string) => parse(text).diagnostics.filter((d) => d.severity === 'error');

function shape(e: Expr | undefined): unknown {
  if (!e) return null;
  switch (e.kind) {
    case 'group': return ['()', shape(e.expr)];
    case 'not': return ['not', shape(e.operand)];
    case 'and': case 'or': return [e.kind, ...e.operands.map(shape)];
    case 'compare': return [e.column.id, e.op, e.value?.value];
    case 'in': return [e.column.id, e.any ? 'in any' : 'in', e.values.map((v) => v.value)];
    case 'error': return 'error';
  }
}

test('every STEELFILTER example of the document parses without error and compiles', () => {
  for (const example of DOCUMENT_EXAMPLES) {
    assert.deepEqual(errors(example), [], example);
    assert.equal(typeof compileFilter(example), 'function', example);
  }
});

test('the document example with "=>" is read as ">=" with a warning that offers the fix', () => {
  const { ast, diagnostics } = parse('avg_traffic.total_bytes_ps => 10000');
  assert.deepEqual(shape(ast), ['avg_traffic.total_bytes_ps', 'ge', '10000']);
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0].severity, 'warning');
  assert.equal(diagnostics[0].fix?.text, '>=');
});

test('the first document example has the structure the document describes', () => {
  assert.deepEqual(shape(parse(DOCUMENT_EXAMPLES[0]).ast), [
    'and',
    ['()', ['or', ['column_id', 'eq', 'value1'], ['column_id', 'ge', '200']]],
    ['()', ['coumn_id', 'eq', 'value2']],
  ]);
});

test('every operator spelling of the table maps to its meaning', () => {
  const cases: [string, string][] = [
    ['=', 'eq'], ['==', 'eq'], ['is', 'eq'], ['eq', 'eq'], ['!=', 'ne'], ['<>', 'ne'], ['ne', 'ne'],
    ['<=', 'le'], ['le', 'le'], ['>=', 'ge'], ['ge', 'ge'], ['>', 'gt'], ['gt', 'gt'], ['<', 'lt'], ['lt', 'lt'],
    ['IS', 'eq'], ['Ne', 'ne'],
  ];
  for (const [op, meaning] of cases) assert.deepEqual(shape(parse(`a.b ${op} 5`).ast), ['a.b', meaning, '5'], op);
});

test('operators need no spaces around them', () => {
  assert.deepEqual(shape(parse("ip.src==192.168.0.0/16 and ip.dst<>'x'").ast),
    ['and', ['ip.src', 'eq', '192.168.0.0/16'], ['ip.dst', 'ne', 'x']]);
});

test('and binds tighter than or; not binds tightest', () => {
  assert.deepEqual(shape(parse('a == 1 or b == 2 and not c == 3').ast),
    ['or', ['a', 'eq', '1'], ['and', ['b', 'eq', '2'], ['not', ['c', 'eq', '3']]]]);
});

test('keywords are case-insensitive', () => {
  assert.deepEqual(shape(parse("NOT a == 1 AND b IN ANY ('x') Or c Is 2").ast),
    ['or', ['and', ['not', ['a', 'eq', '1']], ['b', 'in any', ['x']]], ['c', 'eq', '2']]);
});

test('deeply nested parentheses parse', () => {
  const depth = 60;
  const text = '('.repeat(depth) + "ip.addr == '1.2.3.4'" + ')'.repeat(depth);
  assert.deepEqual(errors(text), []);
  let e = parse(text).ast;
  let n = 0;
  while (e?.kind === 'group') { e = e.expr; n++; }
  assert.equal(n, depth);
  assert.equal(compileFilter(text)({ 'ip.addr': '1.2.3.4' }), true);
});

test('nesting beyond the limit is an error, not a stack overflow', () => {
  const text = '('.repeat(5000) + 'a == 1' + ')'.repeat(5000);
  assert.ok(errors(text).some((d) => d.code === 'too-deep'));
});

test('in lists take quoted strings, numbers, CIDRs and wildcards', () => {
  assert.deepEqual(shape(parse("ip.addr in ('10.0.0.0/8', 10.91.*, 2001:db8::/32, 'host.com')").ast),
    ['ip.addr', 'in', ['10.0.0.0/8', '10.91.*', '2001:db8::/32', 'host.com']]);
  assert.deepEqual(shape(parse('srv_tcp.port in (80,443 , 8080)').ast), ['srv_tcp.port', 'in', ['80', '443', '8080']]);
});

test('double-quoted strings and escaped quotes are values', () => {
  assert.deepEqual(shape(parse(`app.name == "it's" or app.name == 'a\\'b'`).ast),
    ['or', ['app.name', 'eq', "it's"], ['app.name', 'eq', "a'b"]]);
});

test('an unterminated string is reported with its range and the fix', () => {
  const d = errors("ip.addr == '10.0.0.1");
  assert.equal(d.length, 1);
  assert.equal(d[0].code, 'unterminated-string');
  assert.deepEqual([d[0].start, d[0].end], [11, 20]);
  assert.match(d[0].message, /add a closing '/);
});

test('an unknown operator is reported and the rest of the filter is still checked', () => {
  const d = errors("ip.addr like '10.%' and (port == ) or x ~= 3");
  assert.deepEqual(d.map((x) => x.code), ['unknown-operator', 'missing-value', 'unknown-operator']);
  assert.match(d[0].message, /unknown operator "like": use one of =, ==, is, eq/);
  assert.equal(d[0].start, 8);
});

test('&& and || are reported with their STEELFILTER spelling as a fix', () => {
  const d = errors('a == 1 && b == 2 || c == 3');
  assert.deepEqual(d.map((x) => x.fix?.text), ['and', 'or']);
});

test('"!" and "not in" get messages that say what to write', () => {
  assert.match(errors('!a == 1')[0].message, /write "not"/);
  assert.match(errors("a not in ('x')")[0].message, /write "not a in/);
});

test('unbalanced parentheses are reported at the parenthesis', () => {
  const open = errors("(a == 1 and (b == 2)");
  assert.equal(open.length, 1);
  assert.equal(open[0].code, 'unclosed-paren');
  assert.equal(open[0].start, 0);
  const close = errors('a == 1)');
  assert.equal(close[0].code, 'unmatched-paren');
  assert.equal(close[0].start, 6);
});

test('a missing connective between two conditions is reported', () => {
  const d = errors("a == 1 b == 2");
  assert.equal(d.length, 1);
  assert.match(d[0].message, /missing "and" or "or" before "b"/);
});

test('broken in lists are reported: missing comma, empty list, list without in, unclosed list', () => {
  assert.equal(errors("a in ('x' 'y')")[0].code, 'missing-comma');
  assert.equal(errors('a in ()')[0].code, 'missing-value');
  assert.equal(errors("a == ('x', 'y')")[0].code, 'list-without-in');
  assert.equal(errors("a in ('x', 'y'")[0].code, 'unclosed-paren');
  assert.equal(errors("a in 'x'")[0].fix?.text, "('x')");
});

test('a condition that starts with a value or an operator is reported', () => {
  assert.equal(errors("'10.0.0.1' == ip.addr")[0].code, 'expected-column');
  assert.equal(errors('== 3')[0].code, 'expected-column');
  assert.equal(errors('a == 1 and')[0].code, 'missing-condition');
  assert.equal(errors('and a == 1')[0].code, 'missing-condition');
  assert.equal(errors('a')[0].code, 'missing-operator');
  assert.equal(errors("a '1'")[0].code, 'missing-operator');
});

test('typographic quotes (as in the PDF) are reported, not silently accepted', () => {
  const d = errors('ip.addr == \u201810.0.0.1\u2019');
  assert.equal(d[0].code, 'typographic-quote');
});

test('several independent mistakes are all reported', () => {
  const d = errors("(a == 'x) or b like 3 and c == and d in ('1' '2')");
  assert.ok(d.length >= 2, JSON.stringify(d));
  const d2 = errors("a like 1 or b == 'x' or c ~ 2 or d ==");
  assert.deepEqual(d2.map((x) => x.code), ['unknown-operator', 'unknown-operator', 'missing-value']);
});

test('an empty filter has no AST and no diagnostics', () => {
  assert.deepEqual(parse(''), { ast: undefined, diagnostics: [] });
  assert.deepEqual(parse(' \n\t'), { ast: undefined, diagnostics: [] });
});

test('ranges of columns, operators and values point into the text', () => {
  const text = "  srv_tcp.port  >=  443";
  const e = parse(text).ast;
  assert.equal(e?.kind, 'compare');
  if (e?.kind !== 'compare') return;
  assert.equal(text.slice(e.column.start, e.column.end), 'srv_tcp.port');
  assert.equal(text.slice(e.opSpan.start, e.opSpan.end), '>=');
  assert.equal(text.slice(e.value!.start, e.value!.end), '443');
});

test('a diagnostic that says what to add or remove offers it as a quick fix, and the fixed filter parses clean', () => {
  const cases: Array<[string, string, string]> = [
    ["ip.addr == '10.0.0.1", "ip.addr == '10.0.0.1'", 'unterminated-string'],
    ['app.name == "HTTP', 'app.name == "HTTP"', 'unterminated-string'],
    ['(a == 1 and (b == 2)', '(a == 1 and (b == 2))', 'unclosed-paren'],
    ['(a == 1\n', '(a == 1)\n', 'unclosed-paren'],
    ["a in ('x', 'y'", "a in ('x', 'y')", 'unclosed-paren'],
    ['a == 1)', 'a == 1', 'unmatched-paren'],
    ['a == ‘x’', "a == 'x'", 'typographic-quote'],
    ['a == “x” and b == 2', "a == 'x' and b == 2", 'typographic-quote'],
    ["a == ‘it's’", "a == 'it\\'s'", 'typographic-quote'],
  ];
  for (const [text, fixed, code] of cases) {
    const d = errors(text);
    assert.deepEqual(d.map((x) => x.code), [code], text);
    const fix = d[0].fix;
    assert.ok(fix, `${JSON.stringify(text)}: "${d[0].message}" offers a fix`);
    assert.equal(text.slice(0, fix.start) + fix.text + text.slice(fix.end), fixed, fix.title);
    assert.deepEqual(parse(fixed).diagnostics, [], fixed);
  }
});
