// Turns the editor-neutral results of the STEELFILTER core and the report assistant (offsets,
// Markdown strings) into VS Code objects. Quick fixes travel with their diagnostics in a WeakMap.
import * as vscode from 'vscode';
import type { CompletionItem, HoverResult, Severity } from '../../steelfilter/index';

const KINDS: Record<CompletionItem['kind'], vscode.CompletionItemKind> = {
  column: vscode.CompletionItemKind.Field,
  operator: vscode.CompletionItemKind.Operator,
  keyword: vscode.CompletionItemKind.Keyword,
  value: vscode.CompletionItemKind.EnumMember,
  punctuation: vscode.CompletionItemKind.Text,
};

const SEVERITIES: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export interface Fix { range: vscode.Range; text: string; title: string }
/** A quick fix that renames the document (e.g. to name the device a .steelfilter file is for). */
export interface RenameFix { title: string; to: vscode.Uri }

/** Quick fixes of the diagnostics we publish. */
export const fixes = new WeakMap<vscode.Diagnostic, Fix>();
export const renameFixes = new WeakMap<vscode.Diagnostic, RenameFix[]>();

export function rangeOf(doc: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(doc.positionAt(start), doc.positionAt(Math.max(start, end)));
}

export function toCompletionItem(doc: vscode.TextDocument, item: CompletionItem): vscode.CompletionItem {
  const out = new vscode.CompletionItem(item.label, KINDS[item.kind]);
  if (item.detail) out.detail = item.detail;
  if (item.documentation) out.documentation = new vscode.MarkdownString(item.documentation);
  if (item.sortText) out.sortText = item.sortText;
  out.range = rangeOf(doc, item.replaceStart, item.replaceEnd);
  let insert = item.insertText ?? item.label;
  if (item.kind === 'operator' || (item.kind === 'keyword' && item.label !== 'not')) {
    // After an operator or a connective comes a value or a column: leave a space and ask again.
    if (!insert.endsWith('(')) insert += ' ';
    out.command = { command: 'editor.action.triggerSuggest', title: 'Suggest' };
  }
  out.insertText = insert;
  return out;
}

export function toHover(doc: vscode.TextDocument, h: HoverResult | undefined): vscode.Hover | undefined {
  if (!h) return undefined;
  return new vscode.Hover(new vscode.MarkdownString(h.contents), rangeOf(doc, h.start, h.end));
}

export function toDiagnostic(
  doc: vscode.TextDocument,
  d: { start: number; end: number; severity: Severity; message: string; code?: string },
  source: string,
  fix?: { start: number; end: number; text: string; title: string },
): vscode.Diagnostic {
  const out = new vscode.Diagnostic(rangeOf(doc, d.start, d.end), d.message, SEVERITIES[d.severity]);
  out.source = source;
  if (d.code) out.code = d.code;
  if (fix) fixes.set(out, { range: rangeOf(doc, fix.start, fix.end), text: fix.text, title: fix.title });
  return out;
}

/** Quick fixes for the diagnostics under the cursor that carry one. */
export class FixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      for (const rename of renameFixes.get(d) ?? []) {
        const action = new vscode.CodeAction(rename.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.renameFile(doc.uri, rename.to, { overwrite: false });
        action.diagnostics = [d];
        actions.push(action);
      }
      const fix = fixes.get(d);
      if (!fix) continue;
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(doc.uri, fix.range, fix.text);
      action.diagnostics = [d];
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }
}
