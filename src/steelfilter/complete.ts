// Completion: a forward scan of the tokens before the cursor decides what may come next (a column,
// an operator for that column's type, a value, a connective), then the candidates are filtered by
// the word being typed. Column entries are precomputed once per catalogue object, so a keystroke
// costs one lex of the text and one pass over the columns.
import { lex, type Token } from './lexer';
import { KEYWORDS, compareOpOf } from './parser';
import { type Column, type Source, NUMERIC_TYPES, columnIndex, enumValuesOf } from './schema';
import { OPERATOR_MEANING, KEYWORD_MEANING, columnDetail, columnMarkdown, usableInFilters } from './describe';
import type { CompletionItem } from './types';

interface ColumnEntry {
  column: Column;
  lcId: string;
  lcLabel: string;
  detail: string;
  usable: boolean;
  /** Built on first use: Markdown is not needed for the entries a user never sees. */
  documentation?: string;
}

interface Catalogue {
  length: number;
  entries: ColumnEntry[];
  /** Lower-case ids (and labels) joined by newlines, searched with native indexOf. */
  ids: string;
  idStarts: Int32Array;
  labels: string;
  labelStarts: Int32Array;
}

const catalogueCache = new WeakMap<Source, Catalogue>();

function catalogueOf(source: Source): Catalogue {
  const cached = catalogueCache.get(source);
  if (cached && cached.length === source.columns.length) return cached;
  const entries = source.columns.map((column) => ({
    column,
    lcId: column.id.toLowerCase(),
    lcLabel: (column.label ?? '').toLowerCase(),
    detail: columnDetail(column),
    usable: usableInFilters(column, source),
  }));
  const joined = (parts: string[]): [string, Int32Array] => {
    const starts = new Int32Array(parts.length);
    let at = 0;
    parts.forEach((p, i) => { starts[i] = at; at += p.length + 1; });
    return [parts.join('\n'), starts];
  };
  const [ids, idStarts] = joined(entries.map((e) => e.lcId));
  const [labels, labelStarts] = joined(entries.map((e) => e.lcLabel.replace(/\n/g, ' ')));
  const catalogue = { length: source.columns.length, entries, ids, idStarts, labels, labelStarts };
  catalogueCache.set(source, catalogue);
  return catalogue;
}

/** Index of the entry whose text contains position `pos` of a joined haystack. */
function entryAt(starts: Int32Array, pos: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/**
 * Rank of every column for the typed word: 0 id prefix, 1 prefix of an id segment (after . or _),
 * 2 elsewhere in the id, 3 in the label, 255 no match. One native scan of the joined ids and labels
 * instead of a string search per column.
 */
function rankColumns(cat: Catalogue, q: string): Uint8Array {
  const ranks = new Uint8Array(cat.entries.length);
  if (q === '') return ranks;
  ranks.fill(255);
  if (q.includes('\n')) return ranks;
  for (let pos = cat.ids.indexOf(q); pos >= 0; pos = cat.ids.indexOf(q, pos + 1)) {
    const i = entryAt(cat.idStarts, pos);
    const before = pos === cat.idStarts[i] ? -1 : cat.ids.charCodeAt(pos - 1);
    const rank = before === -1 ? 0 : before === 46 || before === 95 ? 1 : 2;
    if (rank < ranks[i]) ranks[i] = rank;
  }
  for (let pos = cat.labels.indexOf(q); pos >= 0; pos = cat.labels.indexOf(q, pos + 1)) {
    const i = entryAt(cat.labelStarts, pos);
    if (ranks[i] > 3) ranks[i] = 3;
  }
  return ranks;
}

type State =
  | { kind: 'condition' }
  | { kind: 'operator'; column: string }
  | { kind: 'value'; column: string }
  | { kind: 'list-open'; column: string }
  | { kind: 'list-value'; column: string }
  | { kind: 'list-next'; column: string }
  | { kind: 'connective'; depth: number };

type ScanState = Exclude<State, { kind: 'connective' }> | { kind: 'connective' };

function isWord(t: Token, w: string): boolean {
  return t.kind === 'word' && t.value.toLowerCase() === w;
}

/** Runs the grammar's state machine over the tokens before the cursor. */
function stateAfter(tokens: Token[], count: number): State {
  let state: ScanState = { kind: 'condition' };
  let depth = 0;
  for (let i = 0; i < count; i++) {
    const t = tokens[i];
    switch (state.kind) {
      case 'condition':
        if (t.kind === 'lparen') depth++;
        else if (t.kind === 'word' && !KEYWORDS.has(t.value.toLowerCase())) state = { kind: 'operator', column: t.value };
        break;
      case 'operator':
        if (isWord(t, 'in')) state = { kind: 'list-open', column: state.column };
        else if (isWord(t, 'not')) { /* `col not in`: stay, the parser reports it */ }
        else if ((t.kind === 'op' || t.kind === 'word') && compareOpOf(t.value)) state = { kind: 'value', column: state.column };
        else if (t.kind === 'op') state = { kind: 'value', column: state.column };
        else state = { kind: 'connective' };
        break;
      case 'value':
        state = { kind: 'connective' };
        break;
      case 'list-open':
        if (isWord(t, 'any')) break;
        state = t.kind === 'lparen' ? { kind: 'list-value', column: state.column } : { kind: 'connective' };
        break;
      case 'list-value':
      case 'list-next':
        if (t.kind === 'rparen') state = { kind: 'connective' };
        else if (t.kind === 'comma') state = { kind: 'list-value', column: state.column };
        else state = { kind: 'list-next', column: state.column };
        break;
      case 'connective':
        if (isWord(t, 'and') || isWord(t, 'or') || t.text === '&&' || t.text === '||') state = { kind: 'condition' };
        else if (t.kind === 'rparen') depth = Math.max(0, depth - 1);
        break;
    }
  }
  return state.kind === 'connective' ? { kind: 'connective', depth } : state;
}

const OPERATORS_ANY: { label: string; meaning: string; numericOnly?: boolean; sort: string }[] = [
  { label: '==', meaning: OPERATOR_MEANING.eq, sort: '0a' },
  { label: '!=', meaning: OPERATOR_MEANING.ne, sort: '0b' },
  { label: 'in', meaning: OPERATOR_MEANING.in, sort: '0c' },
  { label: 'in any', meaning: OPERATOR_MEANING['in any'], sort: '0d' },
  { label: '<', meaning: OPERATOR_MEANING.lt, numericOnly: true, sort: '0e' },
  { label: '<=', meaning: OPERATOR_MEANING.le, numericOnly: true, sort: '0f' },
  { label: '>', meaning: OPERATOR_MEANING.gt, numericOnly: true, sort: '0g' },
  { label: '>=', meaning: OPERATOR_MEANING.ge, numericOnly: true, sort: '0h' },
  { label: '=', meaning: OPERATOR_MEANING.eq, sort: '1a' },
  { label: 'is', meaning: OPERATOR_MEANING.eq, sort: '1b' },
  { label: 'eq', meaning: OPERATOR_MEANING.eq, sort: '1c' },
  { label: '<>', meaning: OPERATOR_MEANING.ne, sort: '1d' },
  { label: 'ne', meaning: OPERATOR_MEANING.ne, sort: '1e' },
  { label: 'lt', meaning: OPERATOR_MEANING.lt, numericOnly: true, sort: '1f' },
  { label: 'le', meaning: OPERATOR_MEANING.le, numericOnly: true, sort: '1g' },
  { label: 'gt', meaning: OPERATOR_MEANING.gt, numericOnly: true, sort: '1h' },
  { label: 'ge', meaning: OPERATOR_MEANING.ge, numericOnly: true, sort: '1i' },
];

/**
 * Completion items at `offset` of `text`. `schema` is the source object from npm.reports.sources;
 * without it only operators and keywords are offered.
 */
export function complete(text: string, offset: number, schema?: Source): CompletionItem[] {
  const tokens = lex(text, []);
  // The token the cursor is in (or right after) is the one being typed: it is replaced, not scanned.
  let index = 0;
  while (index < tokens.length && tokens[index].end < offset) index++;
  let current: Token | undefined = tokens[index];
  if (current && !(current.start < offset || (current.start === offset && current.kind === 'word'))) current = undefined;
  if (current && current.kind !== 'word' && current.kind !== 'string' && !(current.kind === 'op' && current.end >= offset)) current = undefined;
  if (current?.kind === 'string' && !current.unterminated && offset === current.end) current = undefined;
  const before = current ? index : (index < tokens.length && tokens[index].start < offset ? index + 1 : index);
  let state = stateAfter(tokens, before);

  let replaceStart = offset;
  let replaceEnd = offset;
  let query = '';
  let inQuotes = false;
  if (current) {
    if (current.kind === 'string') {
      inQuotes = true;
      replaceStart = current.start + 1;
      replaceEnd = current.unterminated ? current.end : current.end - 1;
      query = text.slice(replaceStart, Math.max(replaceStart, offset)).toLowerCase();
    } else {
      replaceStart = current.start;
      replaceEnd = current.end;
      query = text.slice(current.start, offset).toLowerCase();
    }
  }
  // A symbolic operator being typed (`<` before `=`) completes as an operator.
  if (current?.kind === 'op') state = stateAfter(tokens, index);
  const items: CompletionItem[] = [];
  const range = { replaceStart, replaceEnd };
  const columns = schema ? columnIndex(schema) : undefined;

  const keyword = (label: string, detail: string, sort: string): void => {
    if (!inQuotes && label.startsWith(query)) items.push({ label, kind: 'keyword', detail, sortText: sort, ...range });
  };

  switch (state.kind) {
    case 'condition': {
      if (inQuotes) break;
      if (schema) {
        const cat = catalogueOf(schema);
        const ranks = rankColumns(cat, query);
        for (let i = 0; i < cat.entries.length; i++) {
          const rank = ranks[i];
          const e = cat.entries[i];
          if (rank === 255 || !e.usable) continue;
          items.push({
            label: e.column.id, kind: 'column', detail: e.detail,
            documentation: (e.documentation ??= columnMarkdown(e.column, schema)),
            sortText: rank + e.lcId, replaceStart, replaceEnd,
          });
        }
      }
      keyword('not', KEYWORD_MEANING.not, '5not');
      if (query === '') items.push({ label: '(', kind: 'punctuation', detail: 'group conditions', sortText: '6(', ...range });
      break;
    }
    case 'operator': {
      if (inQuotes) break;
      const column = columns?.get(state.column);
      const numeric = !column || NUMERIC_TYPES.has(String(column.type));
      for (const op of OPERATORS_ANY) {
        if (op.numericOnly && !numeric) continue;
        if (!op.label.startsWith(query)) continue;
        const insert = op.label === 'in' || op.label === 'in any' ? `${op.label} (` : op.label;
        items.push({ label: op.label, kind: 'operator', detail: op.meaning, insertText: insert, sortText: op.sort, ...range });
      }
      break;
    }
    case 'value':
    case 'list-value': {
      const column = columns?.get(state.column);
      if (!column) break;
      const values = enumValuesOf(column);
      const candidates: { value: string; label?: string }[] = values
        ?? (column.type === 'boolean' ? [{ value: 'true' }, { value: 'false' }] : []);
      const quote = column.type === 'boolean' || NUMERIC_TYPES.has(String(column.type)) ? '' : "'";
      for (const v of candidates) {
        const lc = v.value.toLowerCase();
        if (query && !lc.includes(query) && !(v.label ?? '').toLowerCase().includes(query)) continue;
        items.push({
          label: v.value, kind: 'value', detail: v.label && v.label !== v.value ? v.label : `${column.id} value`,
          insertText: inQuotes ? v.value : `${quote}${v.value}${quote}`,
          sortText: (lc.startsWith(query) ? '0' : '1') + lc, ...range,
        });
      }
      break;
    }
    case 'list-next':
      if (!inQuotes && query === '') {
        items.push({ label: ',', kind: 'punctuation', detail: 'another value', sortText: '0,', ...range });
        items.push({ label: ')', kind: 'punctuation', detail: 'close the list', sortText: '1)', ...range });
      }
      break;
    case 'list-open':
      if (!inQuotes && query === '') items.push({ label: '(', kind: 'punctuation', detail: 'start the list of values', sortText: '0(', ...range });
      if ('any'.startsWith(query) && !inQuotes) items.push({ label: 'any', kind: 'keyword', detail: OPERATOR_MEANING['in any'], insertText: 'any (', sortText: '1any', ...range });
      break;
    case 'connective':
      keyword('and', KEYWORD_MEANING.and, '0and');
      keyword('or', KEYWORD_MEANING.or, '1or');
      if (state.depth > 0 && query === '' && !inQuotes) items.push({ label: ')', kind: 'punctuation', detail: 'close the group', sortText: '2)', ...range });
      break;
  }
  return items;
}
