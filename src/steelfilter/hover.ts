// Hover: the column's catalogue entry, an operator's meaning, or what a value means for its column.
import { parse } from './parser';
import { lex } from './lexer';
import { type Column, type Source, columnIndex, enumValuesOf } from './schema';
import { KEYWORD_MEANING, OPERATOR_MEANING, columnMarkdown } from './describe';
import { describeIpPattern, parseIpPattern } from './values';
import { closest } from './suggest';
import type { Expr, HoverResult, Span, ValueNode } from './types';

const within = (s: Span, offset: number): boolean => s.start <= offset && offset <= s.end && s.end > s.start;

function valueHover(value: ValueNode, column: Column | undefined): string | undefined {
  if (!column) return undefined;
  const entry = enumValuesOf(column)?.find((e) => e.value === value.value);
  if (entry) return `\`${entry.value}\`${entry.label && entry.label !== entry.value ? `: ${entry.label}` : ''} (value of \`${column.id}\`)`;
  if (column.type === 'ipaddr') {
    const p = parseIpPattern(value.value);
    return p.kind === 'invalid' ? p.reason : describeIpPattern(p);
  }
  if (column.type === 'timestamp' && /^\d+(\.\d+)?$/.test(value.value.trim())) {
    const ms = Number(value.value) * 1000;
    if (Number.isFinite(ms)) return `${new Date(ms).toISOString()} (epoch ${value.value.trim()} s)`;
  }
  if (column.type === 'duration' && /^\d+(\.\d+)?$/.test(value.value.trim())) return `${value.value.trim()} seconds`;
  return undefined;
}

export function hover(text: string, offset: number, schema?: Source): HoverResult | undefined {
  const { ast } = parse(text);
  const columns = schema ? columnIndex(schema) : undefined;
  let found: HoverResult | undefined;
  const visit = (e: Expr): void => {
    if (found || !within(e, offset)) return;
    switch (e.kind) {
      case 'group': visit(e.expr); return;
      case 'not': visit(e.operand); return;
      case 'and': case 'or': e.operands.forEach(visit); return;
      case 'error': return;
      case 'compare': case 'in': {
        const column = columns?.get(e.column.id);
        if (within(e.column, offset)) {
          let contents: string;
          if (column && schema) contents = columnMarkdown(column, schema);
          else if (schema) {
            const guess = closest(e.column.id, columns!.keys(), 1);
            contents = `Unknown column \`${e.column.id}\` in source \`${schema.name}\`${guess.length ? `; did you mean \`${guess[0]}\`?` : ''}`;
          } else contents = `Column \`${e.column.id}\``;
          found = { start: e.column.start, end: e.column.end, contents };
          return;
        }
        if (within(e.opSpan, offset)) {
          const meaning = e.kind === 'in' ? OPERATOR_MEANING[e.any ? 'in any' : 'in'] : OPERATOR_MEANING[e.op];
          found = { ...e.opSpan, contents: `\`${e.opText}\`: ${meaning}` };
          return;
        }
        const values = e.kind === 'in' ? e.values : e.value ? [e.value] : [];
        for (const v of values) {
          if (within(v, offset)) {
            const contents = valueHover(v, column);
            if (contents) found = { start: v.start, end: v.end, contents };
            return;
          }
        }
        return;
      }
    }
  };
  if (ast) visit(ast);
  if (found) return found;
  for (const t of lex(text, [])) {
    if (t.start <= offset && offset <= t.end && t.kind === 'word') {
      const meaning = KEYWORD_MEANING[t.value.toLowerCase()];
      if (meaning) return { start: t.start, end: t.end, contents: `\`${t.value.toLowerCase()}\`: ${meaning}` };
    }
  }
  return undefined;
}
