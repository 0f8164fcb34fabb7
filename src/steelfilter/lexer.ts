// STEELFILTER tokens. Offsets are UTF-16 indexes into the filter text; `end` is exclusive.
import type { Diagnostic } from './types';

export type TokenKind = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma' | 'bad';

export interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** For strings: the content without quotes; for words: the text; for ops: the text. */
  value: string;
  start: number;
  end: number;
  /** Strings only: the closing quote is missing. */
  unterminated?: boolean;
  /** Strings only: the quote character used. */
  quote?: string;
}

/** Characters that can make up an unquoted word: column ids, numbers, IPs, CIDRs, wildcards, DNS names. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
    || c === 95 /* _ */ || c === 46 /* . */ || c === 58 /* : */ || c === 47 /* / */
    || c === 42 /* * */ || c === 45 /* - */ || c === 43 /* + */ || c === 64 /* @ */ || c === 36 /* $ */;
}

const TYPOGRAPHIC_QUOTES: Record<string, string> = { '\u2018': '\u2019', '\u201C': '\u201D' };

export function lex(text: string, diagnostics: Diagnostic[]): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const ch = text[i];
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) { i++; continue; }
    const start = i;
    if (ch === '(') { tokens.push({ kind: 'lparen', text: ch, value: ch, start, end: ++i }); continue; }
    if (ch === ')') { tokens.push({ kind: 'rparen', text: ch, value: ch, start, end: ++i }); continue; }
    if (ch === ',') { tokens.push({ kind: 'comma', text: ch, value: ch, start, end: ++i }); continue; }
    if (ch === "'" || ch === '"' || ch in TYPOGRAPHIC_QUOTES) {
      const close = TYPOGRAPHIC_QUOTES[ch] ?? ch;
      if (ch in TYPOGRAPHIC_QUOTES) {
        diagnostics.push({
          start, end: start + 1, severity: 'error', code: 'typographic-quote',
          message: `typographic quote ${ch}${close} is not a string delimiter: use straight quotes '…'`,
        });
      }
      let j = i + 1;
      let value = '';
      let closed = false;
      while (j < n) {
        const d = text[j];
        if (d === '\\' && j + 1 < n) { value += text[j + 1]; j += 2; continue; }
        if (d === close) { closed = true; j++; break; }
        value += d;
        j++;
      }
      const tok: Token = { kind: 'string', text: text.slice(start, j), value, start, end: j, quote: ch };
      if (ch in TYPOGRAPHIC_QUOTES && closed) {
        // The quick fix: the same string between straight quotes.
        diagnostics[diagnostics.length - 1].fix = { start, end: j, text: `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`, title: 'Use straight quotes' };
      }
      if (!closed) {
        tok.unterminated = true;
        // Closed after its last character (trailing blanks and line breaks stay outside).
        const at = start + 1 + text.slice(start + 1, j).trimEnd().length;
        diagnostics.push({
          start, end: j, severity: 'error', code: 'unterminated-string',
          message: `unterminated string: add a closing ${close}`,
          fix: { start: at, end: at, text: close, title: `Add the closing ${close}` },
        });
      }
      tokens.push(tok);
      i = j;
      continue;
    }
    if (ch === '=' || ch === '!' || ch === '<' || ch === '>') {
      const two = text.slice(i, i + 2);
      const op = two === '==' || two === '!=' || two === '<>' || two === '<=' || two === '>=' || two === '=>' || two === '=<' ? two : ch;
      i += op.length;
      tokens.push({ kind: op === '!' ? 'bad' : 'op', text: op, value: op, start, end: i });
      continue;
    }
    if (isWordChar(c)) {
      let j = i + 1;
      while (j < n && isWordChar(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      tokens.push({ kind: 'word', text: word, value: word, start, end: j });
      i = j;
      continue;
    }
    // Anything else is a character STEELFILTER does not know (&, |, ~, ;, ...): group a run of them.
    let j = i + 1;
    while (j < n && !isWordChar(text.charCodeAt(j)) && !' \t\r\n()\',"'.includes(text[j])) j++;
    tokens.push({ kind: 'bad', text: text.slice(i, j), value: text.slice(i, j), start, end: j });
    i = j;
  }
  return tokens;
}
