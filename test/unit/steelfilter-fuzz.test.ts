// Seeded random inputs: the core runs on every keystroke, so no input may make it throw, and
// formatting must keep a filter's meaning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, validate, complete, hover, format, compileFilter } from '../../src/steelfilter/index';
import { bigCatalogue } from './steelfilter-catalogue';

const catalogue = bigCatalogue(1000);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'ip.addr', 'srv_tcp.port', 'app.name', 'avg_traffic.total_bytes_ps', 'dns.is_success', 'nope.col', '==', '=', '!=', '<>', '<', '<=',
  '>', '>=', '=>', 'is', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'and', 'or', 'not', 'in', 'any', '(', ')', ',', "'10.0.0.0/8'", "'x'",
  '"y"', '80', '70000', '10.91.*', '2001:db8::/32', "'", '"', '&&', '||', '!', '~', ';', '\\', '\n', '  ', "'unterminated", '‘', '’', '',
];

test('parse, validate, complete, hover and format never throw on random token soup', () => {
  const r = rng(7);
  for (let n = 0; n < 3000; n++) {
    const len = Math.floor(r() * 14);
    let text = '';
    for (let i = 0; i < len; i++) text += PIECES[Math.floor(r() * PIECES.length)] + (r() < 0.7 ? ' ' : '');
    const offset = Math.floor(r() * (text.length + 1));
    try {
      const { diagnostics } = parse(text);
      for (const d of diagnostics) assert.ok(d.start >= 0 && d.end >= d.start && d.end <= text.length, `range ${d.start}-${d.end}`);
      for (const d of validate(text, catalogue)) assert.ok(d.start >= 0 && d.end >= d.start && d.end <= text.length, `range ${d.start}-${d.end}`);
      for (const item of complete(text, offset, catalogue)) assert.ok(item.replaceStart <= offset && offset <= item.replaceEnd || item.replaceStart === item.replaceEnd, 'replace range holds the cursor');
      hover(text, offset, catalogue);
      const f = format(text);
      assert.equal(format(f), f, 'formatting is idempotent');
    } catch (e) {
      throw new Error(`input ${JSON.stringify(text)} at ${offset}: ${(e as Error).message}`);
    }
  }
});

const CONDITIONS = [
  "ip.addr == '10.0.0.0/8'", "ip.addr != '10.91.*'", 'srv_tcp.port in (80, 443)', 'srv_tcp.port >= 1024',
  "app.name == 'HTTP'", "app.name <> 'DNS'", 'avg_traffic.total_bytes_ps > 500', 'dns.is_success == true',
];

function randomFilter(r: () => number, depth = 0): string {
  const k = r();
  if (depth > 3 || k < 0.4) return CONDITIONS[Math.floor(r() * CONDITIONS.length)];
  if (k < 0.55) return `not ${randomFilter(r, depth + 1)}`;
  if (k < 0.7) return `(${randomFilter(r, depth + 1)})`;
  return `${randomFilter(r, depth + 1)}${r() < 0.5 ? ' and ' : ' or '}${randomFilter(r, depth + 1)}`;
}

test('formatting a valid filter keeps its meaning on random rows', () => {
  const r = rng(11);
  const rows = Array.from({ length: 40 }, () => ({
    'ip.addr': r() < 0.5 ? `10.${Math.floor(r() * 256)}.1.1` : `10.91.${Math.floor(r() * 3)}.9`,
    'srv_tcp.port': String([80, 443, 53, 8080][Math.floor(r() * 4)]),
    'app.name': ['HTTP', 'DNS', 'SSH'][Math.floor(r() * 3)],
    'avg_traffic.total_bytes_ps': String(Math.floor(r() * 1000)),
    'dns.is_success': r() < 0.5 ? 'true' : 'false',
  }));
  for (let n = 0; n < 300; n++) {
    const text = randomFilter(r).replace(/ /g, () => (r() < 0.2 ? '   ' : ' '));
    const a = compileFilter(text, catalogue);
    const b = compileFilter(format(text, { lineWidth: 30 }), catalogue);
    for (const row of rows) assert.equal(b(row), a(row), text);
  }
});
