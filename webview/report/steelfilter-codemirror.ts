// CodeMirror 6 sources for a STEELFILTER editor in a webview: completion, lint and hover are thin
// adapters over the shared core (src/steelfilter), the same one the native editor uses. The
// catalogue comes from the panel (a getter, so a newly loaded source is used at once).
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import type { Action, Diagnostic as LintDiagnostic } from '@codemirror/lint';
import type { EditorView, Tooltip } from '@codemirror/view';
import { complete, hover, validate, type CompletionItem, type Source } from '../../src/steelfilter/index';

export type SchemaGetter = () => Source | undefined;

const TYPES: Record<CompletionItem['kind'], string> = {
  column: 'property', operator: 'keyword', keyword: 'keyword', value: 'enum', punctuation: 'text',
};

/** `autocompletion({ override: [steelfilterCompletionSource(getSchema)] })`. */
export function steelfilterCompletionSource(getSchema: SchemaGetter) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const items = complete(ctx.state.doc.toString(), ctx.pos, getSchema());
    if (!items.length) return null;
    // Every item of one answer replaces the same range (the word or string being typed).
    const from = items[0].replaceStart;
    const to = Math.max(items[0].replaceEnd, ctx.pos);
    if (from === to && !ctx.explicit && items[0].kind === 'column') return null;
    const options: Completion[] = items.map((i) => {
      const option: Completion = { label: i.label, type: TYPES[i.kind], apply: i.insertText ?? i.label };
      if (i.detail) option.detail = i.detail;
      if (i.documentation) option.info = i.documentation;
      // CodeMirror sorts by match score, then by boost: keep the core's order among equals.
      if (i.sortText) option.boost = -Math.min(99, Number.parseInt(i.sortText, 10) || 0);
      return option;
    });
    return { from, to, options, validFor: /^[\w.:/*-]*$/ };
  };
}

/** `linter(steelfilterLintSource(getSchema))`: syntax and catalogue diagnostics, with quick fixes as actions. */
export function steelfilterLintSource(getSchema: SchemaGetter) {
  return (view: Pick<EditorView, 'state'>): LintDiagnostic[] => {
    const text = view.state.doc.toString();
    return validate(text, getSchema()).map((d) => {
      const out: LintDiagnostic = { from: d.start, to: Math.max(d.end, d.start), severity: d.severity, message: d.message, source: 'STEELFILTER' };
      if (d.fix) {
        const fix = d.fix;
        const action: Action = {
          name: fix.title,
          apply: (v: EditorView) => v.dispatch({ changes: { from: fix.start, to: fix.end, insert: fix.text } }),
        };
        out.actions = [action];
      }
      return out;
    });
  };
}

/** Appends Markdown (bold, code spans, paragraphs) as DOM built with textContent only. */
export function renderMarkdownText(parent: HTMLElement, markdown: string): void {
  const doc = parent.ownerDocument;
  for (const paragraph of markdown.split(/\n\s*\n/)) {
    const p = doc.createElement('p');
    const re = /\*\*(.+?)\*\*|`([^`]+)`|\\(.)/g;
    let at = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(paragraph))) {
      if (m.index > at) p.append(doc.createTextNode(paragraph.slice(at, m.index)));
      if (m[1] !== undefined) { const b = doc.createElement('strong'); b.textContent = m[1].replace(/\\(.)/g, '$1'); p.append(b); }
      else if (m[2] !== undefined) { const c = doc.createElement('code'); c.textContent = m[2]; p.append(c); }
      else p.append(doc.createTextNode(m[3]));
      at = re.lastIndex;
    }
    if (at < paragraph.length) p.append(doc.createTextNode(paragraph.slice(at)));
    parent.append(p);
  }
}

/** `hoverTooltip(steelfilterHoverSource(getSchema))`. */
export function steelfilterHoverSource(getSchema: SchemaGetter) {
  return (view: Pick<EditorView, 'state'>, pos: number): Tooltip | null => {
    const h = hover(view.state.doc.toString(), pos, getSchema());
    if (!h) return null;
    return {
      pos: h.start,
      end: h.end,
      above: true,
      create: (v: EditorView) => {
        const dom = v.dom.ownerDocument.createElement('div');
        dom.className = 'cm-steelfilter-hover';
        renderMarkdownText(dom, h.contents);
        return { dom };
      },
    };
  };
}
