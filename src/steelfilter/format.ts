// Formatter: one space around operators and connectives, keywords in lower case, lists as
// `in ('a', 'b')`, the user's parentheses kept. A filter with syntax errors is returned unchanged
// (reformatting text the parser did not understand could change its meaning).
import { parse } from './parser';
import type { Expr, ValueNode } from './types';

export interface FormatOptions {
  /** Break `and`/`or` chains longer than this over several lines (default: never). */
  lineWidth?: number;
  indent?: string;
}

const value = (v: ValueNode): string => v.text;

function flat(e: Expr, text: string): string {
  switch (e.kind) {
    case 'group': return `(${flat(e.expr, text)})`;
    case 'not': return `not ${flat(e.operand, text)}`;
    case 'and': case 'or': return e.operands.map((o) => flat(o, text)).join(` ${e.kind} `);
    case 'compare': {
      const op = /^[a-z]+$/i.test(e.opText) ? e.opText.toLowerCase() : e.opText === '=>' ? '>=' : e.opText === '=<' ? '<=' : e.opText;
      return `${e.column.id} ${op}${e.value ? ' ' + value(e.value) : ''}`;
    }
    case 'in': return `${e.column.id} ${e.any ? 'in any' : 'in'} (${e.values.map(value).join(', ')})`;
    case 'error': return text.slice(e.start, e.end);
  }
}

function broken(e: Expr, text: string, width: number, indent: string, unit: string): string {
  const one = flat(e, text);
  if (indent.length + one.length <= width) return one;
  switch (e.kind) {
    case 'group': return `(\n${indent + unit}${broken(e.expr, text, width, indent + unit, unit)}\n${indent})`;
    case 'not': return `not ${broken(e.operand, text, width, indent, unit)}`;
    case 'and': case 'or':
      return e.operands.map((o, i) => (i === 0 ? '' : `\n${indent}${e.kind} `) + broken(o, text, width, indent, unit)).join('');
    default: return one;
  }
}

export function format(text: string, options: FormatOptions = {}): string {
  const { ast, diagnostics } = parse(text);
  if (!ast || diagnostics.some((d) => d.severity === 'error')) return text;
  const width = options.lineWidth ?? Infinity;
  return width === Infinity ? flat(ast, text) : broken(ast, text, width, '', options.indent ?? '  ');
}
