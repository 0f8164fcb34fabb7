// The STEELFILTER language core: pure, editor-neutral, shared by the native editor, the webview
// (CodeMirror 6) and the simulator's report engine.
import { parse } from './parser';
import { checkAst } from './validate';
import { compileExpr, type EvaluateOptions, type Row, type RowPredicate } from './evaluate';
import type { Diagnostic } from './types';
import type { Source } from './schema';

export { parse } from './parser';
export { complete } from './complete';
export { hover } from './hover';
export { format, type FormatOptions } from './format';
export { columnMarkdown, columnDetail, usableInFilters } from './describe';
export type * from './types';
export type { Source, Column, ColumnType, EnumEntry } from './schema';
export { enumValuesOf, topByOf, filtersOnMetrics, columnIndex } from './schema';
export type { Row, RowPredicate, EvaluateOptions } from './evaluate';
export { parseIpPattern, ipMatches, parseAddress, isDnsName, compareNumeric } from './values';
export { closest } from './suggest';
export { unknownColumn } from './validate';

/** Thrown by compileFilter; the message names the first problem, `diagnostics` holds all of them. */
export class SteelFilterError extends Error {
  constructor(readonly filter: string, readonly diagnostics: Diagnostic[]) {
    const first = diagnostics[0];
    super(`invalid STEELFILTER "${filter.length > 120 ? filter.slice(0, 117) + '…' : filter}": ${first.message} (at ${first.start})`);
    this.name = 'SteelFilterError';
  }
}

/** Syntax diagnostics, plus catalogue diagnostics when a source is given. Sorted by position. */
export function validate(text: string, schema?: Source): Diagnostic[] {
  const { ast, diagnostics } = parse(text);
  if (!schema) return diagnostics;
  const all = diagnostics.concat(checkAst(ast, schema));
  all.sort((a, b) => a.start - b.start || a.end - b.end);
  return all;
}

/**
 * Compiles a filter into a row predicate. Throws SteelFilterError on a malformed filter, and, when a
 * source is given, on a filter the device would refuse for that source (unknown column, bad value...).
 * An empty filter matches every row.
 */
export function compileFilter(text: string, schema?: Source, options?: EvaluateOptions): (row: Row) => boolean {
  const { ast, diagnostics } = parse(text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (schema) errors.push(...checkAst(ast, schema).filter((d) => d.severity === 'error'));
  if (errors.length) {
    errors.sort((a, b) => a.start - b.start);
    throw new SteelFilterError(text, errors);
  }
  if (!ast) return () => true;
  const predicate: RowPredicate = compileExpr(ast, schema, options);
  return predicate;
}
