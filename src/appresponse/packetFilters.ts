// Checks of a packet export's filter before it is sent. STEELFILTER gets the report editor's own
// checks (syntax, then columns and values against the `packets` source of the catalogue, in the
// same words). WIRESHARK and BPF get only what is safe to say without the device's own parser:
// unbalanced quotes and brackets, operators with nothing on one side, and `===` (not BPF; in
// Wireshark 4 it means "all equal", which older devices refuse). Pure (no vscode, no network).
import { validate as validateSteelFilter, type Source } from '../steelfilter/index';
import type { FilterType } from './types';

export interface FilterProblem {
  severity: 'error' | 'warning' | 'info';
  message: string;
  start: number;
  end: number;
}

/** Problems of a filter, errors first (an error blocks sending; warnings are shown). */
export function checkPacketFilter(type: FilterType, text: string, packets?: Source): FilterProblem[] {
  if (!text.trim()) return [{ severity: 'error', message: 'the filter is empty', start: 0, end: text.length }];
  const problems: FilterProblem[] = type === 'STEELFILTER'
    ? validateSteelFilter(text, packets).map((d) => ({ severity: d.severity, message: d.message, start: d.start, end: d.end }))
    : lightSyntax(text, type === 'BPF' ? 'bpf' : 'wireshark');
  const rank = { error: 0, warning: 1, info: 2 };
  return problems.sort((a, b) => rank[a.severity] - rank[b.severity] || a.start - b.start);
}

/**
 * The device refused the export because of its filter (HTTP 400 naming the filters): its own
 * message, for the wizard's filter step. Undefined for any other failure.
 */
export function filterRefusalOf(err: unknown): string | undefined {
  const e = err as { kind?: string; status?: number; errorText?: string; body?: string } | undefined;
  if (e?.kind !== 'http' || e.status !== 400) return undefined;
  const text = e.errorText ?? e.body ?? '';
  return /filter/i.test(text) ? text : undefined;
}

type Dialect = 'wireshark' | 'bpf';

interface Tok {
  kind: 'word' | 'string' | 'open' | 'close' | 'logic' | 'not' | 'compare';
  text: string;
  start: number;
  end: number;
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const WORD_LOGIC = new Set(['and', 'or', 'xor']);
const WORD_COMPARE = new Set(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'contains', 'matches', 'any_eq', 'all_ne', 'all_eq', 'any_ne']);

function tokenize(text: string, dialect: Dialect, out: FilterProblem[]): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' && dialect === 'wireshark') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) {
        out.push({ severity: 'error', message: 'this string has no closing "', start: i, end: text.length });
        toks.push({ kind: 'string', text: text.slice(i), start: i, end: text.length });
        return toks;
      }
      toks.push({ kind: 'string', text: text.slice(i, j + 1), start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    if (c === '"' || c === "'") {
      if (dialect === 'bpf') {
        out.push({ severity: 'error', message: `BPF has no quoted strings: remove the ${c}`, start: i, end: i + 1 });
        i++;
        continue;
      }
    }
    if (OPEN[c] || CLOSE[c]) {
      toks.push({ kind: OPEN[c] ? 'open' : 'close', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    const three = text.slice(i, i + 3);
    const two = text.slice(i, i + 2);
    if (three === '===' || three === '!==') {
      out.push(dialect === 'bpf'
        ? { severity: 'error', message: `BPF has no "${three}": use ${three === '===' ? '==' : '!='}`, start: i, end: i + 3 }
        : { severity: 'warning', message: `"${three}" means "${three === '===' ? 'all equal' : 'any not equal'}" in Wireshark 4 and is refused by older versions: use "${three === '===' ? '==' : '!='}" unless that is what you mean`, start: i, end: i + 3 });
      toks.push({ kind: 'compare', text: three, start: i, end: i + 3 });
      i += 3;
      continue;
    }
    if (two === '&&' || two === '||' || (dialect === 'wireshark' && two === '^^')) {
      toks.push({ kind: 'logic', text: two, start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (['==', '!=', '>=', '<=', '~=', '<<', '>>'].includes(two)) {
      toks.push({ kind: two === '<<' || two === '>>' ? 'word' : 'compare', text: two, start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (c === '!') {
      toks.push({ kind: 'not', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '<' || c === '>' || (c === '=' && dialect === 'bpf') || c === '~') {
      toks.push({ kind: 'compare', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '=' && dialect === 'wireshark') {
      out.push({ severity: 'error', message: 'Wireshark compares with "==", not "="', start: i, end: i + 1 });
      toks.push({ kind: 'compare', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s()[\]{}"!=<>&|~]/.test(text[j]!)) j++;
    if (j === i) {
      // A lone & or | (BPF bit operators, Wireshark bitwise and) or =: part of a value, not judged here.
      j = i + 1;
    }
    const word = text.slice(i, j);
    const lower = word.toLowerCase();
    const kind: Tok['kind'] = WORD_LOGIC.has(lower) ? 'logic' : lower === 'not' ? 'not' : dialect === 'wireshark' && WORD_COMPARE.has(lower) ? 'compare' : 'word';
    toks.push({ kind, text: word, start: i, end: j });
    i = j;
  }
  return toks;
}

/** Balanced quotes and brackets, and no operator missing what it joins or compares. */
function lightSyntax(text: string, dialect: Dialect): FilterProblem[] {
  const out: FilterProblem[] = [];
  const toks = tokenize(text, dialect, out);
  const stack: Tok[] = [];
  for (const t of toks) {
    if (t.kind === 'open') stack.push(t);
    else if (t.kind === 'close') {
      const top = stack.pop();
      if (!top) out.push({ severity: 'error', message: `"${t.text}" closes nothing`, start: t.start, end: t.end });
      else if (top.text !== CLOSE[t.text]) out.push({ severity: 'error', message: `"${top.text}" is closed by "${t.text}"`, start: t.start, end: t.end });
    }
  }
  for (const open of stack) out.push({ severity: 'error', message: `"${open.text}" is never closed`, start: open.start, end: open.end });
  // An operand ends with a word, a string or a closing bracket; an operator needs one on each side
  // (`not` only after it).
  const operand = (t: Tok | undefined) => t !== undefined && (t.kind === 'word' || t.kind === 'string' || t.kind === 'close');
  const startsOperand = (t: Tok | undefined) => t !== undefined && (t.kind === 'word' || t.kind === 'string' || t.kind === 'open' || t.kind === 'not');
  toks.forEach((t, k) => {
    const before = toks[k - 1];
    const after = toks[k + 1];
    if (t.kind === 'logic' || t.kind === 'compare') {
      const what = t.kind === 'logic' ? 'joins' : 'compares';
      if (!operand(before)) out.push({ severity: 'error', message: `"${t.text}" has nothing before it to ${what === 'joins' ? 'join' : 'compare'}`, start: t.start, end: t.end });
      else if (t.kind === 'compare' ? !(after && (after.kind === 'word' || after.kind === 'string' || after.kind === 'open')) : !startsOperand(after)) {
        out.push({ severity: 'error', message: after ? `"${t.text}" is followed by "${after.text}", not by what it ${what}` : `the filter ends with "${t.text}": ${t.kind === 'logic' ? 'add what it joins, or remove it' : 'add the value'}`, start: t.start, end: t.end });
      }
    } else if (t.kind === 'not' && !startsOperand(after)) {
      out.push({ severity: 'error', message: after ? `"${t.text}" is followed by "${after.text}", not by what it negates` : `the filter ends with "${t.text}"`, start: t.start, end: t.end });
    }
  });
  return out;
}
