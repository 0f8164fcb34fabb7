// Checks a parsed filter against a source's catalogue: the column exists, may be filtered on,
// the operator suits its type, and each value fits the column type and enum list.
import type { CompareOp, Diagnostic, Expr, ValueNode, ColumnRef, Span } from './types';
import { type Column, type Source, NUMERIC_TYPES, columnIndex, enumValuesOf, filtersOnMetrics } from './schema';
import { closest } from './suggest';
import { isInteger, isNumeric, normalizeMac, parseBoolean, parseIpPattern } from './values';

const ORDERING: ReadonlySet<CompareOp> = new Set(['lt', 'le', 'gt', 'ge']);

function err(span: Span, code: string, message: string, fix?: Diagnostic['fix']): Diagnostic {
  const d: Diagnostic = { start: span.start, end: span.end, severity: 'error', code, message };
  if (fix) d.fix = fix;
  return d;
}

/** Operators that make sense for a column type (used by completion too). */
export function operatorsFor(column: Column | undefined): { ordering: boolean } {
  return { ordering: !column || NUMERIC_TYPES.has(String(column.type)) };
}

/**
 * What to say about a column id the source does not have: the message with its "did you mean" and
 * the guesses, best first. One wording for filters, report columns, group_by and top_by.
 */
export function unknownColumn(id: string, source: Source): { message: string; guesses: string[] } {
  const guesses = closest(id, columnIndex(source).keys());
  const hint = guesses.length ? `; did you mean ${guesses.map((g) => `"${g}"`).join(', ')}?` : '';
  return { message: `unknown column "${id}" in source "${source.name}"${hint}`, guesses };
}

export function checkColumn(ref: ColumnRef, source: Source, out: Diagnostic[]): Column | undefined {
  const column = columnIndex(source).get(ref.id);
  if (!column) {
    const { message, guesses } = unknownColumn(ref.id, source);
    out.push(err(ref, 'unknown-column', message,
      guesses.length ? { start: ref.start, end: ref.end, text: guesses[0], title: `Change to "${guesses[0]}"` } : undefined));
    return undefined;
  }
  if (column.grouped_by === true) return column;
  if (column.metric === true) {
    if (!filtersOnMetrics(source)) {
      out.push(err(ref, 'metric-filter-unsupported',
        `"${ref.id}" is a metric, and source "${source.name}" does not support threshold filters on metrics (capabilities.filters_on_metrics is not true): filter on a grouped_by (key) column instead`));
    }
    return column;
  }
  out.push(err(ref, 'column-not-filterable',
    `column "${ref.id}" cannot be used in filters of source "${source.name}": it is neither grouped_by (a key) nor a metric`));
  return column;
}

export function checkValue(value: ValueNode, column: Column, out: Diagnostic[]): void {
  const raw = value.value;
  const id = column.id;
  const type = String(column.type ?? 'string');
  const enumValues = enumValuesOf(column);
  if (enumValues && enumValues.length) {
    if (!enumValues.some((e) => e.value === raw)) {
      const exact = enumValues.find((e) => e.value.toLowerCase() === raw.toLowerCase());
      const guess = exact ? [exact.value] : closest(raw, enumValues.map((e) => e.value), 1);
      const list = enumValues.slice(0, 8).map((e) => e.value).join(', ') + (enumValues.length > 8 ? ', …' : '');
      const replacement = guess.length ? (value.kind === 'string' ? `'${guess[0]}'` : guess[0]) : undefined;
      out.push(err(value, 'enum-value',
        `"${raw}" is not a value of "${id}"${guess.length ? `; did you mean "${guess[0]}"?` : ''} (values: ${list})`,
        replacement ? { start: value.start, end: value.end, text: replacement, title: `Change to ${replacement}` } : undefined));
    }
    return;
  }
  if (raw !== raw.trim() && raw.trim() !== '') {
    out.push({ start: value.start, end: value.end, severity: 'warning', code: 'value-spaces',
      message: `the value has leading or trailing spaces, which are part of the comparison: write '${raw.trim()}'`,
      fix: { start: value.start, end: value.end, text: `'${raw.trim()}'`, title: 'Remove the spaces' } });
  }
  const min = column.minimum !== undefined ? Number(column.minimum) : undefined;
  const max = column.maximum !== undefined ? Number(column.maximum) : undefined;
  const range = (n: number): string | undefined =>
    (min !== undefined && n < min) || (max !== undefined && n > max)
      ? `${raw.trim()} is out of range for "${id}" (${min ?? '−∞'} to ${max ?? '∞'})` : undefined;
  switch (type) {
    case 'ipaddr': {
      const p = parseIpPattern(raw);
      if (p.kind === 'invalid') out.push(err(value, 'value-type', `"${id}" is an IP address column: ${p.reason}`));
      return;
    }
    case 'port': {
      if (!isInteger(raw)) { out.push(err(value, 'value-type', `"${id}" is a port: "${raw}" is not a port number (0 to 65535)`)); return; }
      const n = Number(raw);
      if (n < 0 || n > 65535) out.push(err(value, 'value-range', `port ${raw.trim()} is out of range for "${id}" (0 to 65535)`));
      return;
    }
    case 'integer': {
      if (!isInteger(raw)) { out.push(err(value, 'value-type', `"${id}" is an integer column: "${raw}" is not an integer`)); return; }
      const r = range(Number(raw));
      if (r) out.push(err(value, 'value-range', r));
      return;
    }
    case 'number': case 'duration': case 'timestamp': {
      if (!isNumeric(raw)) {
        const what = type === 'timestamp' ? 'a timestamp (epoch seconds, like 1522772201.123)'
          : type === 'duration' ? 'a duration in seconds' : 'a number';
        out.push(err(value, 'value-type', `"${id}" holds ${what}: "${raw}" is not a number`));
        return;
      }
      const r = range(Number(raw));
      if (r) out.push(err(value, 'value-range', r));
      return;
    }
    case 'boolean':
      if (parseBoolean(raw) === undefined) out.push(err(value, 'value-type', `"${id}" is a boolean column: write true or false, not "${raw}"`));
      return;
    case 'ether':
      if (!normalizeMac(raw)) out.push(err(value, 'value-type', `"${id}" is a MAC address column: "${raw}" is not a MAC address (like 00:1a:2b:3c:4d:5e)`));
      return;
    default:
      return;
  }
}

/** Semantic diagnostics of a parsed filter against a source. */
export function checkAst(ast: Expr | undefined, source: Source): Diagnostic[] {
  const out: Diagnostic[] = [];
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'group': visit(e.expr); return;
      case 'not': visit(e.operand); return;
      case 'and': case 'or': e.operands.forEach(visit); return;
      case 'error': return;
      case 'compare': {
        const column = checkColumn(e.column, source, out);
        if (!column) return;
        if (ORDERING.has(e.op) && !operatorsFor(column).ordering) {
          out.push(err(e.opSpan, 'operator-type',
            `"${e.opText}" compares numbers, and "${column.id}" is of type ${column.type ?? 'string'}: use ==, != or in`));
        }
        if (e.value) checkValue(e.value, column, out);
        return;
      }
      case 'in': {
        const column = checkColumn(e.column, source, out);
        if (!column) return;
        for (const v of e.values) checkValue(v, column, out);
        return;
      }
    }
  };
  if (ast) visit(ast);
  return out;
}
