// Human-readable descriptions of columns and operators, shared by completion details and hovers.
import { type Column, type Source, enumValuesOf, filtersOnMetrics, topByOf } from './schema';
import type { CompareOp } from './types';

export const OPERATOR_MEANING: Record<CompareOp | 'in' | 'in any', string> = {
  eq: 'equal', ne: 'not equal', lt: 'less than', le: 'less than or equal', gt: 'greater than', ge: 'greater than or equal',
  in: 'equal to one of the values in the list', 'in any': 'any value (of an array column) equal to one of the values in the list',
};

export const KEYWORD_MEANING: Record<string, string> = {
  and: 'both conditions must hold (binds tighter than `or`)',
  or: 'either condition may hold',
  not: 'negates the condition that follows',
};

/** `Throughput · number · bytes/s · metric`, one line for completion lists. */
export function columnDetail(column: Column): string {
  const parts: string[] = [];
  if (column.label) parts.push(column.label);
  parts.push(String(column.type ?? 'string') + (enumValuesOf(column) || column.enum === true ? ' (enum)' : ''));
  const unit = unitText(column);
  if (unit) parts.push(unit);
  parts.push(column.metric ? 'metric' : column.grouped_by ? 'key' : 'info');
  return parts.join(' · ');
}

export function unitText(column: Column): string | undefined {
  const unit = column.unit && column.unit !== 'none' ? column.unit : undefined;
  const rate = column.rate === 'ps' ? '/s' : column.rate ? ` per ${column.rate}` : '';
  return unit ? unit + rate : rate ? rate.replace(/^\//, 'per ') : undefined;
}

export function usableInFilters(column: Column, source: Source): boolean {
  return column.grouped_by === true || (column.metric === true && filtersOnMetrics(source));
}

function esc(s: string): string {
  return s.replace(/([\\`*_{}[\]<>|])/g, '\\$1');
}

const markdownCache = new WeakMap<Column, { source: Source; text: string }>();

/** Markdown for hovers and completion documentation (cached per column object and source). */
export function columnMarkdown(column: Column, source: Source): string {
  const hit = markdownCache.get(column);
  if (hit && hit.source === source) return hit.text;
  const text = buildColumnMarkdown(column, source);
  markdownCache.set(column, { source, text });
  return text;
}

function buildColumnMarkdown(column: Column, source: Source): string {
  const lines: string[] = [];
  lines.push(`**${esc(column.label ?? column.id)}** \`${column.id}\``);
  if (column.description) lines.push('', esc(column.description));
  const facts: string[] = [];
  facts.push(`type: \`${column.type ?? 'string'}\``);
  const unit = unitText(column);
  if (unit) facts.push(`unit: ${esc(unit)}`);
  if (column.field && column.field !== column.id) facts.push(`field: \`${column.field}\``);
  if (column.operation) facts.push(`operation: ${esc(column.operation)}`);
  if (column.direction) facts.push(`direction: ${esc(column.direction)}`);
  if (column.role) facts.push(`role: ${esc(column.role)}`);
  if (column.minimum !== undefined || column.maximum !== undefined) facts.push(`range: ${column.minimum ?? '−∞'} to ${column.maximum ?? '∞'}`);
  lines.push('', facts.join(' · '));
  const roles: string[] = [];
  roles.push(column.metric ? 'metric' : column.grouped_by ? 'key (grouped_by)' : 'informational');
  const top = topByOf(column);
  if (top) roles.push(`top_by: ${[top.desc ? 'desc' : '', top.asc ? 'asc' : ''].filter(Boolean).join(', ') || 'no'}`);
  if (column.sortable === false) roles.push('not sortable');
  roles.push(usableInFilters(column, source) ? 'usable in filters'
    : column.metric ? `not usable in filters: source \`${source.name}\` has no filters_on_metrics` : 'not usable in filters');
  lines.push('', roles.join(' · '));
  const values = enumValuesOf(column);
  if (values?.length) {
    const shown = values.slice(0, 20).map((v) => `\`${v.value}\`${v.label && v.label !== v.value ? ` (${esc(v.label)})` : ''}`);
    lines.push('', `values: ${shown.join(', ')}${values.length > 20 ? `, … (${values.length} in all)` : ''}`);
  }
  return lines.join('\n');
}
