// Recursive-descent parser for STEELFILTER with error recovery: every problem becomes a diagnostic
// with a range, the parser resynchronises at `and` / `or` / `)` and keeps going, so one mistake
// does not hide the next one.
//
//   filter     := or
//   or         := and ( "or" and )*
//   and        := unary ( "and" unary )*
//   unary      := "not" unary | primary
//   primary    := "(" or ")" | column compareOp value | column "in" ["any"] "(" value ("," value)* ")"
import { lex, type Token } from './lexer';
import type {
  ColumnRef, CompareNode, CompareOp, Diagnostic, ErrorNode, Expr, InNode, ParseResult, Span, ValueNode,
} from './types';

const SYMBOL_OPS: Record<string, CompareOp> = {
  '=': 'eq', '==': 'eq', '!=': 'ne', '<>': 'ne', '<=': 'le', '>=': 'ge', '<': 'lt', '>': 'gt',
};
const WORD_OPS: Record<string, CompareOp> = { is: 'eq', eq: 'eq', ne: 'ne', le: 'le', ge: 'ge', gt: 'gt', lt: 'lt' };
/** Spellings people try that are not in the operator table, with what to write instead. */
const MISSPELLED_OPS: Record<string, { op: CompareOp; write: string }> = {
  '=>': { op: 'ge', write: '>=' }, '=<': { op: 'le', write: '<=' },
};
export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'any', ...Object.keys(WORD_OPS)]);

export const OPERATOR_LIST = '=, ==, is, eq, !=, <>, ne, <, lt, <=, le, >, gt, >=, ge, in, in any';
const MAX_DEPTH = 256;

export function compareOpOf(text: string): CompareOp | undefined {
  return SYMBOL_OPS[text] ?? WORD_OPS[text.toLowerCase()];
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[], private readonly text: string, readonly diagnostics: Diagnostic[]) {}

  private peek(offset = 0): Token | undefined { return this.tokens[this.pos + offset]; }
  private next(): Token { return this.tokens[this.pos++]; }
  private atEnd(): boolean { return this.pos >= this.tokens.length; }
  private endOffset(): number { return this.text.length; }

  private isWord(t: Token | undefined, word: string): boolean {
    return t !== undefined && t.kind === 'word' && t.value.toLowerCase() === word;
  }

  private error(span: Span, code: string, message: string, fix?: Diagnostic['fix']): void {
    const d: Diagnostic = { start: span.start, end: Math.max(span.end, span.start), severity: 'error', code, message };
    if (fix) d.fix = fix;
    this.diagnostics.push(d);
  }

  /** The fix of an unclosed "(" at the end of the filter: a ")" after its last token. */
  private closeAtEnd(): Diagnostic['fix'] {
    const at = this.tokens[this.tokens.length - 1]?.end ?? this.text.length;
    return { start: at, end: at, text: ')', title: 'Add ")"' };
  }

  parseFilter(): Expr | undefined {
    if (this.atEnd()) return undefined;
    let expr = this.parseOr();
    // Whatever is left over is reported and parsed too, so its own mistakes show up.
    while (!this.atEnd()) {
      const t = this.next();
      if (t.kind === 'rparen') {
        this.error(t, 'unmatched-paren', 'unmatched ")": there is no "(" to close', { start: t.start, end: t.end, text: '', title: 'Remove the unmatched ")"' });
        continue;
      }
      this.pos--;
      const extra = this.parseOr();
      expr = { kind: 'and', operands: [expr, extra], start: expr.start, end: extra.end };
    }
    return expr;
  }

  private parseOr(): Expr {
    const first = this.parseAnd();
    const operands = [first];
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'or')) { this.pos++; }
      else if (t?.kind === 'bad' && t.text === '||') {
        this.error(t, 'unknown-operator', 'unknown operator "||": write "or"', { start: t.start, end: t.end, text: 'or', title: 'Replace with "or"' });
        this.pos++;
      } else break;
      operands.push(this.parseAnd());
    }
    if (operands.length === 1) return first;
    return { kind: 'or', operands, start: first.start, end: operands[operands.length - 1].end };
  }

  private parseAnd(): Expr {
    const first = this.parseUnary();
    const operands = [first];
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'and')) { this.pos++; }
      else if (t?.kind === 'bad' && t.text === '&&') {
        this.error(t, 'unknown-operator', 'unknown operator "&&": write "and"', { start: t.start, end: t.end, text: 'and', title: 'Replace with "and"' });
        this.pos++;
      } else if (t && this.startsCondition(t)) {
        // Two conditions side by side: most likely a forgotten `and`/`or`.
        const prev = operands[operands.length - 1];
        this.error({ start: prev.end, end: t.start }, 'missing-connective', `missing "and" or "or" before "${t.text}"`);
      } else break;
      operands.push(this.parseUnary());
    }
    if (operands.length === 1) return first;
    return { kind: 'and', operands, start: first.start, end: operands[operands.length - 1].end };
  }

  private startsCondition(t: Token): boolean {
    if (t.kind === 'lparen') return true;
    if (t.kind !== 'word') return false;
    const w = t.value.toLowerCase();
    return w === 'not' || !KEYWORDS.has(w);
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (this.isWord(t, 'not')) {
      this.pos++;
      const operand = this.parseUnary();
      return { kind: 'not', operand, start: t!.start, end: operand.end };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    if (!t) {
      const at = this.endOffset();
      const prev = this.tokens[this.pos - 1];
      this.error({ start: prev ? prev.start : at, end: at }, 'missing-condition',
        prev ? `expected a condition after "${prev.text}"` : 'expected a condition');
      return { kind: 'error', start: at, end: at };
    }
    if (t.kind === 'lparen') return this.parseGroup();
    if (t.kind === 'word' && !KEYWORDS.has(t.value.toLowerCase())) return this.parseCondition();
    if (t.kind === 'word' && (this.isWord(t, 'and') || this.isWord(t, 'or'))) {
      this.error(t, 'missing-condition', `expected a condition before "${t.text}"`);
      return { kind: 'error', start: t.start, end: t.start };
    }
    if (t.kind === 'rparen') {
      this.error(t, 'missing-condition', 'expected a condition before ")"');
      return { kind: 'error', start: t.start, end: t.start };
    }
    if (t.kind === 'string') {
      this.error(t, 'expected-column', `a condition starts with a column id, not the value ${t.text}: write "<column> == ${t.text}"`);
    } else if (t.kind === 'bad') {
      this.error(t, 'unexpected-character', t.text === '!'
        ? 'unknown operator "!": write "not" before a condition, or "!=" between a column and a value'
        : `unexpected "${t.text}": STEELFILTER has no such character outside quotes`);
    } else {
      this.error(t, 'expected-column', `expected a column id, found "${t.text}"`);
    }
    return this.skipToSync(t.start);
  }

  /** Skips to the next `and`, `or`, `)` or the end, returning an error node over what was skipped. */
  private skipToSync(start: number): ErrorNode {
    let end = start;
    while (!this.atEnd()) {
      const t = this.peek()!;
      if (t.kind === 'rparen' || this.isWord(t, 'and') || this.isWord(t, 'or')) break;
      if (t.kind === 'bad' && (t.text === '&&' || t.text === '||')) break;
      if (t.kind === 'lparen') {
        // Skip a balanced group so that its `)` does not end the recovery early.
        this.skipBalanced();
        end = this.tokens[this.pos - 1].end;
        continue;
      }
      end = this.next().end;
    }
    return { kind: 'error', start, end };
  }

  private skipBalanced(): void {
    let level = 0;
    while (!this.atEnd()) {
      const t = this.next();
      if (t.kind === 'lparen') level++;
      else if (t.kind === 'rparen' && --level === 0) return;
    }
  }

  private parseGroup(): Expr {
    const open = this.next();
    if (++this.depth > MAX_DEPTH) {
      this.error(open, 'too-deep', `parentheses nested deeper than ${MAX_DEPTH} levels`);
      this.pos--;
      this.skipBalanced();
      this.depth--;
      return { kind: 'error', start: open.start, end: this.tokens[this.pos - 1].end };
    }
    const expr = this.parseOr();
    this.depth--;
    const close = this.peek();
    if (close?.kind === 'rparen') {
      this.pos++;
      return { kind: 'group', expr, start: open.start, end: close.end };
    }
    this.error(open, 'unclosed-paren', close
      ? `unclosed "(": expected ")" before "${close.text}"`
      : 'unclosed "(": add ")"', close ? undefined : this.closeAtEnd());
    return { kind: 'group', expr, start: open.start, end: expr.end };
  }

  private parseCondition(): Expr {
    const colTok = this.next();
    const column: ColumnRef = { id: colTok.value, start: colTok.start, end: colTok.end };
    const t = this.peek();
    if (!t || t.kind === 'rparen' || this.isWord(t, 'and') || this.isWord(t, 'or')) {
      this.error(colTok, 'missing-operator', `expected an operator after "${colTok.text}" (${OPERATOR_LIST})`);
      return { kind: 'error', start: colTok.start, end: colTok.end };
    }
    if (t.kind === 'op' && t.text in MISSPELLED_OPS) {
      const m = MISSPELLED_OPS[t.text];
      // The document's own operator table shows `=>` once; accept it, but say what the table means.
      this.diagnostics.push({
        start: t.start, end: t.end, severity: 'warning', code: 'operator-spelling',
        message: `"${t.text}" is not in the operator table: write "${m.write}"`,
        fix: { start: t.start, end: t.end, text: m.write, title: `Replace with "${m.write}"` },
      });
      this.pos++;
      return this.finishCompare(column, m.op, t);
    }
    const op = t.kind === 'op' ? SYMBOL_OPS[t.text] : t.kind === 'word' ? WORD_OPS[t.value.toLowerCase()] : undefined;
    if (op) {
      this.pos++;
      return this.finishCompare(column, op, t);
    }
    if (this.isWord(t, 'in')) {
      this.pos++;
      return this.finishIn(column, t);
    }
    if (this.isWord(t, 'not') && this.isWord(this.peek(1), 'in')) {
      const inTok = this.peek(1)!;
      this.error({ start: t.start, end: inTok.end }, 'unknown-operator',
        `"not in" is not a STEELFILTER operator: write "not ${column.id} in (…)"`);
      this.pos += 2;
      const inner = this.finishIn(column, inTok);
      return { kind: 'not', operand: inner, start: column.start, end: inner.end };
    }
    // An operator we do not know (like, ~=, contains, ...). Consume it and a value after it, then go on.
    const looksLikeValue = t.kind === 'string' || (t.kind === 'word' && /^[\d:]/.test(t.text));
    if (looksLikeValue) {
      this.error({ start: column.end, end: t.start }, 'missing-operator', `missing operator between "${column.id}" and ${t.text} (${OPERATOR_LIST})`);
    } else {
      this.error(t, 'unknown-operator', `unknown operator "${t.text}": use one of ${OPERATOR_LIST}`);
    }
    this.pos++;
    let end = t.end;
    const v = this.peek();
    if (!looksLikeValue && v && (v.kind === 'string' || (v.kind === 'word' && !KEYWORDS.has(v.value.toLowerCase())))) {
      end = this.next().end;
    } else if (v?.kind === 'lparen') {
      this.skipBalanced();
      end = this.tokens[this.pos - 1].end;
    }
    return { kind: 'error', start: column.start, end };
  }

  private finishCompare(column: ColumnRef, op: CompareOp, opTok: Token): CompareNode {
    const node: CompareNode = {
      kind: 'compare', column, op, opText: opTok.text, opSpan: { start: opTok.start, end: opTok.end },
      start: column.start, end: opTok.end,
    };
    const value = this.parseValue(opTok);
    if (value) { node.value = value; node.end = value.end; }
    return node;
  }

  private parseValue(after: Token): ValueNode | undefined {
    const t = this.peek();
    if (t && (t.kind === 'string' || (t.kind === 'word' && !KEYWORDS.has(t.value.toLowerCase())))) {
      this.pos++;
      return { kind: t.kind === 'string' ? 'string' : 'word', value: t.value, text: t.text, start: t.start, end: t.end };
    }
    if (t?.kind === 'lparen') {
      this.error(t, 'list-without-in', `a parenthesised list needs "in": write "in (…)" instead of "${after.text} (…)"`);
      this.skipBalanced();
      return undefined;
    }
    this.error({ start: after.start, end: after.end }, 'missing-value', `missing value after "${after.text}"`);
    return undefined;
  }

  private finishIn(column: ColumnRef, inTok: Token): InNode {
    let any = false;
    let opEnd = inTok.end;
    let opText = inTok.text;
    if (this.isWord(this.peek(), 'any')) {
      const anyTok = this.next();
      any = true;
      opEnd = anyTok.end;
      opText = this.text.slice(inTok.start, anyTok.end);
    }
    const node: InNode = {
      kind: 'in', column, any, opText, opSpan: { start: inTok.start, end: opEnd }, values: [],
      start: column.start, end: opEnd,
    };
    const open = this.peek();
    if (open?.kind !== 'lparen') {
      // `ip.addr in '10.0.0.1'`: take the single value, say how to write the list.
      const single = open && (open.kind === 'string' || (open.kind === 'word' && !KEYWORDS.has(open.value.toLowerCase())));
      this.error(single ? open! : { start: inTok.start, end: opEnd }, 'expected-list',
        single ? `"${opText}" needs a parenthesised list: write (${open!.text})` : `expected "(" and a list of values after "${opText}"`,
        single ? { start: open!.start, end: open!.end, text: `(${open!.text})`, title: 'Wrap in parentheses' } : undefined);
      if (single) {
        this.pos++;
        node.values.push({ kind: open!.kind === 'string' ? 'string' : 'word', value: open!.value, text: open!.text, start: open!.start, end: open!.end });
        node.end = open!.end;
      }
      return node;
    }
    this.pos++;
    let expectValue = true;
    for (;;) {
      const t = this.peek();
      if (!t) {
        this.error(open, 'unclosed-paren', 'unclosed "(" of the value list: add ")"', this.closeAtEnd());
        node.end = this.tokens[this.pos - 1].end;
        break;
      }
      if (t.kind === 'rparen') {
        this.pos++;
        if (expectValue) {
          this.error(t, 'missing-value', node.values.length ? 'missing value after ","' : `empty list after "${opText}": give at least one value`);
        }
        node.end = t.end;
        break;
      }
      if (t.kind === 'comma') {
        this.pos++;
        if (expectValue) this.error(t, 'missing-value', 'missing value before ","');
        expectValue = true;
        continue;
      }
      if (t.kind === 'string' || (t.kind === 'word' && !this.isWord(t, 'and') && !this.isWord(t, 'or'))) {
        this.pos++;
        if (!expectValue) {
          this.error({ start: t.start, end: t.start }, 'missing-comma', `missing "," before ${t.text}`, { start: t.start, end: t.start, text: ', ', title: 'Insert ","' });
        }
        node.values.push({ kind: t.kind === 'string' ? 'string' : 'word', value: t.value, text: t.text, start: t.start, end: t.end });
        expectValue = false;
        continue;
      }
      // `and`/`or`/junk inside a list: the list was not closed.
      this.error(open, 'unclosed-paren', `unclosed "(" of the value list: expected ")" before "${t.text}"`);
      node.end = this.tokens[this.pos - 1].end;
      break;
    }
    node.list = { start: open.start, end: node.end };
    return node;
  }
}

export function parse(text: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const tokens = lex(text, diagnostics);
  const parser = new Parser(tokens, text, diagnostics);
  const ast = parser.parseFilter();
  diagnostics.sort((a, b) => a.start - b.start || a.end - b.end);
  return { ast, diagnostics };
}

