// A CodeMirror 6 editor for one data_def's filter: STEELFILTER completion, lint and hover come from
// the shared core through the adapters in steelfilter-codemirror.ts; WIRESHARK/BPF filters are plain text.
import { EditorState, StateEffect } from '@codemirror/state';
import { EditorView, keymap, placeholder, hoverTooltip, type ViewUpdate } from '@codemirror/view';
import { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { linter, lintGutter, setDiagnostics } from '@codemirror/lint';
import type { Source } from '../../src/steelfilter/index';
import { steelfilterCompletionSource, steelfilterHoverSource, steelfilterLintSource } from './steelfilter-codemirror';

export interface FilterEditorOptions {
  parent: HTMLElement;
  text: string;
  /** The data_def's catalogue; undefined while it loads (keywords still complete). */
  schema: () => Source | undefined;
  /** STEELFILTER gets completion, lint and hover; other filter types are plain text. */
  isSteelfilter: () => boolean;
  /** The page's CSP nonce: CodeMirror mounts its styles in a <style> element that needs it. */
  nonce?: string;
  /** Called (debounced) with the new text. */
  onChange: (text: string) => void;
}

const theme = EditorView.theme({
  '&': {
    color: 'var(--vscode-input-foreground)',
    backgroundColor: 'var(--vscode-input-background)',
    border: '1px solid var(--vscode-input-border, transparent)',
    fontFamily: 'var(--vscode-editor-font-family)',
    fontSize: 'var(--vscode-editor-font-size)',
    minHeight: '2.2em',
  },
  '&.cm-focused': { outline: '1px solid var(--vscode-focusBorder)' },
  '.cm-content': { caretColor: 'var(--vscode-editorCursor-foreground)', padding: '4px 0' },
  '.cm-cursor': { borderLeftColor: 'var(--vscode-editorCursor-foreground)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'var(--vscode-editor-selectionBackground)' },
  '.cm-gutters': { backgroundColor: 'var(--vscode-input-background)', border: 'none' },
  '.cm-tooltip': {
    backgroundColor: 'var(--vscode-editorWidget-background)',
    color: 'var(--vscode-editorWidget-foreground, var(--vscode-foreground))',
    border: '1px solid var(--vscode-editorWidget-border)',
  },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: 'var(--vscode-list-activeSelectionBackground)',
    color: 'var(--vscode-list-activeSelectionForeground)',
  },
  '.cm-completionDetail': { color: 'var(--vscode-descriptionForeground)', marginLeft: '1em', fontStyle: 'normal' },
  '.cm-placeholder': { color: 'var(--vscode-input-placeholderForeground)' },
  '.cm-steelfilter-hover': { padding: '4px 8px', maxWidth: '36em' },
  '.cm-steelfilter-hover p': { margin: '2px 0' },
}, { dark: document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast') });

// An empty filter is no filter: its diagnostics go in the same transaction that empties it. Without
// this the lint gutter keeps the last marker (mapped onto line 1) until the debounced lint runs again.
const emptyFilterHasNoDiagnostics = EditorState.transactionExtender.of((tr) =>
  tr.docChanged && !tr.newDoc.toString().trim() ? { effects: setDiagnostics(tr.startState, []).effects } : null);

// The lint depends on more than the text: the catalogue (it may arrive later) and the filter type.
const relintEffect = StateEffect.define<null>();
const needsRelint = (u: ViewUpdate) => u.transactions.some((tr) => tr.effects.some((e) => e.is(relintEffect)));

/** Checks the filter again (the catalogue arrived, or the filter type changed). */
export function relint(view: EditorView): void {
  view.dispatch({ effects: relintEffect.of(null) });
}

export function createFilterEditor(options: FilterEditorOptions): EditorView {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schema = () => (options.isSteelfilter() ? options.schema() : undefined);
  const complete = steelfilterCompletionSource(schema);
  const lint = steelfilterLintSource(schema);
  const hover = steelfilterHoverSource(schema);
  const state = EditorState.create({
    doc: options.text,
    extensions: [
      history(),
      closeBrackets(),
      placeholder("e.g. app.name == 'HTTP' and srv_tcp.port in (80, 443)"),
      autocompletion({ override: [(ctx) => (options.isSteelfilter() ? complete(ctx) : null)], activateOnTyping: true, icons: false }),
      linter((view) => (options.isSteelfilter() ? lint(view) : []), { delay: 250, needsRefresh: needsRelint }),
      lintGutter(),
      emptyFilterHasNoDiagnostics,
      hoverTooltip((view, pos) => (options.isSteelfilter() ? hover(view, pos) : null)),
      keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap]),
      EditorView.lineWrapping,
      ...(options.nonce ? [EditorView.cspNonce.of(options.nonce)] : []),
      theme,
      EditorView.updateListener.of((u) => {
        if (!u.docChanged) return;
        if (timer) clearTimeout(timer);
        // Chromium's contenteditable can turn a typed space at the end of a line into U+00A0.
        timer = setTimeout(() => options.onChange(u.state.doc.toString().replace(/\u00a0/g, ' ')), 400);
      }),
    ],
  });
  return new EditorView({ state, parent: options.parent });
}

/** Puts `text` into the editor unless it already holds it (keeps the cursor when nothing changed). */
export function setEditorText(view: EditorView, text: string): void {
  const current = view.state.doc.toString();
  if (current === text) return;
  view.dispatch({ changes: { from: 0, to: current.length, insert: text } });
}
