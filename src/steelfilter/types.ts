// Editor-neutral results of the STEELFILTER core. Offsets are UTF-16 indexes, `end` exclusive,
// so a VS Code adapter maps them with `document.positionAt` and CodeMirror uses them as they are.

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  start: number;
  end: number;
  severity: Severity;
  /** Stable identifier of the rule, e.g. `unknown-column`. */
  code: string;
  message: string;
  /** A replacement that fixes the problem, when there is an obvious one (did-you-mean, operator spelling). */
  fix?: { start: number; end: number; text: string; title: string };
}

export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export interface Span { start: number; end: number }

export interface ColumnRef extends Span { id: string }

export interface ValueNode extends Span {
  /** `string` was quoted; `word` is an unquoted value (number, IP, wildcard, DNS name, ...). */
  kind: 'string' | 'word';
  /** The value without quotes. */
  value: string;
  /** The source text (with quotes for strings). */
  text: string;
}

export interface CompareNode extends Span {
  kind: 'compare';
  column: ColumnRef;
  op: CompareOp;
  /** The operator as written (`==`, `eq`, `is`, ...). */
  opText: string;
  opSpan: Span;
  /** Missing when the filter ends right after the operator (the parser reported it). */
  value?: ValueNode;
}

export interface InNode extends Span {
  kind: 'in';
  column: ColumnRef;
  /** `in any` rather than `in`. */
  any: boolean;
  opText: string;
  opSpan: Span;
  values: ValueNode[];
  /** Span of the parenthesised list, when present. */
  list?: Span;
}

export interface LogicalNode extends Span {
  kind: 'and' | 'or';
  operands: Expr[];
}

export interface NotNode extends Span {
  kind: 'not';
  operand: Expr;
}

/** Parentheses as written, kept so the formatter does not move the user's grouping. */
export interface GroupNode extends Span {
  kind: 'group';
  expr: Expr;
}

/** Stands in for text the parser could not understand; the diagnostics say why. */
export interface ErrorNode extends Span {
  kind: 'error';
}

export type Expr = CompareNode | InNode | LogicalNode | NotNode | GroupNode | ErrorNode;

export interface ParseResult {
  /** Undefined only for an empty (or blank) filter. */
  ast: Expr | undefined;
  diagnostics: Diagnostic[];
}

export type CompletionKind = 'column' | 'operator' | 'keyword' | 'value' | 'punctuation';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** One line: label, type and unit for columns; meaning for operators. */
  detail?: string;
  /** Longer Markdown text (column description). */
  documentation?: string;
  /** Text to insert in place of [replaceStart, replaceEnd). Defaults to `label`. */
  insertText?: string;
  replaceStart: number;
  replaceEnd: number;
  /** Sorts ascending; shorter is better. */
  sortText?: string;
}

export interface HoverResult extends Span {
  /** Markdown. */
  contents: string;
}
