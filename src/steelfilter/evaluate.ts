// Turns a parsed filter into a row predicate. Rows are objects keyed by column id with string or
// number values, as data rows come back from the device. The column `type` from the catalogue picks
// the comparison; without a catalogue the filter value decides (an IP-looking value compares as IP,
// a number numerically, anything else as a string).
//
// A missing value (absent, "", "NULL", "#N/A", "#N/D") satisfies no comparison, not even "!=";
// `not (…)` is true for it.
import type { CompareOp, Expr, ValueNode } from './types';
import { type Column, type Source, NUMERIC_TYPES, columnIndex } from './schema';
import {
  type IpPattern, compareNumeric, ipMatches, isNumeric, normalizeMac, parseAddress, parseBoolean, parseIpPattern,
} from './values';

export type Row = Record<string, string | number | null | undefined>;
export type RowPredicate = (row: Row) => boolean;

export interface EvaluateOptions {
  /** Forward DNS for DNS names compared with ipaddr columns; the first address is used, like the device. */
  resolveName?: (name: string) => string | undefined;
}

type Test = (v: string) => boolean;

const MISSING = new Set(['', 'NULL', '#N/A', '#N/D']);

/** IPv4 dotted quad to an unsigned 32-bit number without allocating; -1 when it is not one. */
function fastIPv4(s: string): number {
  let n = 0, octet = -1, dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet < 0 ? c - 48 : octet * 10 + (c - 48);
      if (octet > 255) return -1;
    } else if (c === 46 && octet >= 0 && dots < 3) {
      n = n * 256 + octet; octet = -1; dots++;
    } else return -1;
  }
  return dots === 3 && octet >= 0 ? n * 256 + octet : -1;
}

const v6Cache = new Map<string, { version: 4 | 6; value: bigint } | null>();
function addressOf(s: string): { version: 4 | 6; value: bigint } | undefined {
  const v4 = fastIPv4(s);
  if (v4 >= 0) return { version: 4, value: BigInt(v4) };
  let a = v6Cache.get(s);
  if (a === undefined) {
    a = parseAddress(s.trim()) ?? null;
    if (v6Cache.size > 50_000) v6Cache.clear();
    v6Cache.set(s, a);
  }
  return a ?? undefined;
}

function orderTest(op: CompareOp, cmp: (v: string) => number | undefined): Test {
  switch (op) {
    case 'eq': return (v) => cmp(v) === 0;
    case 'ne': return (v) => { const c = cmp(v); return c !== undefined && c !== 0; };
    case 'lt': return (v) => { const c = cmp(v); return c !== undefined && c < 0; };
    case 'le': return (v) => { const c = cmp(v); return c !== undefined && c <= 0; };
    case 'gt': return (v) => { const c = cmp(v); return c !== undefined && c > 0; };
    case 'ge': return (v) => { const c = cmp(v); return c !== undefined && c >= 0; };
  }
}

function ipTest(op: CompareOp, pattern: IpPattern, options: EvaluateOptions): Test | undefined {
  let p: IpPattern = pattern;
  if (p.kind === 'dns') {
    const resolved = options.resolveName?.(p.name);
    const addr = resolved ? parseAddress(resolved) : undefined;
    if (!addr) {
      const name = p.name;
      // Unresolvable: only a row holding the very name matches (columns that carry DNS names).
      return orderTest(op === 'eq' || op === 'ne' ? op : 'eq', (v) => (v.trim().toLowerCase().replace(/\.$/, '') === name ? 0 : 1));
    }
    p = { kind: 'address', ...addr };
  }
  const pat = p;
  if (op === 'eq' || op === 'ne') {
    const want = op === 'eq';
    if (pat.version === 4) {
      // The common case, on plain numbers: no BigInt per row.
      const prefix = pat.kind === 'address' ? 32 : pat.prefix;
      const network = Number(pat.kind === 'address' ? pat.value : pat.network);
      const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      return (v) => {
        const n = fastIPv4(v);
        if (n >= 0) return (((n & m) >>> 0) === network) === want;
        const a = addressOf(v);
        return a !== undefined && ipMatches(pat, a) === want;
      };
    }
    return (v) => { const a = addressOf(v); return a !== undefined && ipMatches(pat, a) === want; };
  }
  if (pat.kind !== 'address') return undefined;
  return orderTest(op, (v) => {
    const a = addressOf(v);
    if (!a || a.version !== pat.version) return undefined;
    return a.value < pat.value ? -1 : a.value > pat.value ? 1 : 0;
  });
}

function scalarTest(op: CompareOp, value: ValueNode, column: Column | undefined, options: EvaluateOptions): Test {
  const raw = value.value;
  const type = column?.type;
  if (type === 'ipaddr' || (!column && value.value.trim() !== '' && isIpLike(raw))) {
    const pattern = parseIpPattern(raw);
    if (pattern.kind !== 'invalid') {
      const t = ipTest(op, pattern, options);
      if (t) return column ? t : (v) => (addressOf(v) ? t(v) : stringTest(op, raw)(v));
    }
    if (column) return () => false;
  }
  if (type && NUMERIC_TYPES.has(type)) {
    if (!isNumeric(raw)) return () => false;
    const want = raw.trim();
    const wantNumber = Number(want);
    // Doubles are exact up to 15 significant digits; longer values (nanosecond timestamps) compare as decimals.
    const short = want.length <= 15;
    return orderTest(op, (v) => {
      if (short && v.length <= 15) {
        const x = Number(v);
        if (x === x) return x < wantNumber ? -1 : x > wantNumber ? 1 : 0;
        return undefined;
      }
      return isNumeric(v) ? compareNumeric(v.trim(), want) : undefined;
    });
  }
  if (type === 'boolean') {
    const want = parseBoolean(raw);
    return orderTest(op === 'eq' || op === 'ne' ? op : 'eq', (v) => { const b = parseBoolean(v); return b === undefined || want === undefined ? undefined : b === want ? 0 : 1; });
  }
  if (type === 'ether') {
    const want = normalizeMac(raw) ?? raw.toLowerCase();
    return orderTest(op, (v) => { const m = normalizeMac(v) ?? v.toLowerCase(); return m < want ? -1 : m > want ? 1 : 0; });
  }
  if (!column && isNumeric(raw)) {
    const want = raw.trim();
    const asString = stringTest(op, raw);
    return (v) => (isNumeric(v) ? orderTest(op, (x) => compareNumeric(x.trim(), want))(v) : asString(v));
  }
  return stringTest(op, raw);
}

function stringTest(op: CompareOp, want: string): Test {
  return orderTest(op, (v) => (v < want ? -1 : v > want ? 1 : 0));
}

function isIpLike(s: string): boolean {
  const t = s.trim();
  return /^[\d.*]+(\/\d+)?$/.test(t) && t.includes('.') ? parseIpPattern(t).kind !== 'invalid'
    : t.includes(':') ? parseIpPattern(t).kind !== 'invalid' : false;
}

function elementsOf(v: string): string[] {
  const t = v.trim();
  if (t.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(t);
      if (Array.isArray(parsed)) return parsed.map((x) => String(x));
    } catch { /* not JSON: treat as one value */ }
  }
  return [v];
}

export function compileExpr(expr: Expr, source: Source | undefined, options: EvaluateOptions = {}): RowPredicate {
  const columns = source ? columnIndex(source) : undefined;
  const build = (e: Expr): RowPredicate => {
    switch (e.kind) {
      case 'group': return build(e.expr);
      case 'not': { const inner = build(e.operand); return (row) => !inner(row); }
      case 'and': {
        const parts = e.operands.map(build);
        return (row) => { for (const p of parts) if (!p(row)) return false; return true; };
      }
      case 'or': {
        const parts = e.operands.map(build);
        return (row) => { for (const p of parts) if (p(row)) return true; return false; };
      }
      case 'error': throw new Error('cannot evaluate a filter with syntax errors');
      case 'compare': {
        if (!e.value) throw new Error(`missing value after "${e.opText}"`);
        const column = columns?.get(e.column.id);
        const test = scalarTest(e.op, e.value, column, options);
        return columnPredicate(e.column.id, column, test, e.op === 'ne' ? 'all' : 'some');
      }
      case 'in': {
        const column = columns?.get(e.column.id);
        const tests = e.values.map((v) => scalarTest('eq', v, column, options));
        const inList: Test = (v) => { for (const t of tests) if (t(v)) return true; return false; };
        if (column?.type === 'array') {
          return columnPredicate(e.column.id, column, inList, e.any ? 'some' : 'all');
        }
        return columnPredicate(e.column.id, column, inList, 'some');
      }
    }
  };
  return build(expr);
}

/** Applies a test to a row's value; array columns test each element (`some` or `all` must pass). */
function columnPredicate(id: string, column: Column | undefined, test: Test, quantifier: 'some' | 'all'): RowPredicate {
  const isArray = column?.type === 'array';
  return (row) => {
    const raw = row[id];
    if (raw === undefined || raw === null) return false;
    const v = typeof raw === 'number' ? String(raw) : raw;
    if (MISSING.has(v)) return false;
    if (!isArray) return test(v);
    const items = elementsOf(v);
    if (items.length === 0) return false;
    return quantifier === 'some' ? items.some(test) : items.every(test);
  };
}
