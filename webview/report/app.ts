// The report editor form: one section per data_def (source, columns with search, group_by, top_by,
// limit, time, granularity/resolution, filter). The report file is the source of truth: every edit
// sends the whole new value to the host, which writes it to the file; the file's value comes back
// and the form follows it. Device strings (labels, descriptions, ids) are inserted with textContent.
import type { EditorView } from '@codemirror/view';
import { columnIndex, topByOf, unknownColumn, type Column, type Source } from '../../src/steelfilter/index';
import { applyProblemFix, describeTimeError, resolveTime, TimeError, validateReportFile, type DataDef, type ReportFile, type TimeSpec } from '../../src/report/index';
import type { JsonValue } from '../../src/results/model';
import type { ReportEditorHostMessage, ReportEditorState, ReportEditorWebviewMessage } from '../../src/shared/protocol';
import { formatTimestamp, localZoneText } from '../../src/results/format';
import { createFilterEditor, relint, setEditorText } from './filterEditor';

interface VsCodeApi {
  postMessage(message: ReportEditorWebviewMessage): void;
  getState(): ReportEditorState | undefined;
  setState(state: ReportEditorState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const DURATION_PRESETS = ['last 15 min', 'last 1 hour', 'last 6 hours', 'last 1 day', 'last 1 week', 'this day', 'previous 1 day', 'previous 1 week'];
const MAX_RESULTS = 150;

type Obj = Record<string, unknown>;
/** Something asked of the host: on its way, arrived, or failed with the host's reason. */
type Loadable<T> = { loading: true } | { value: T } | { error: string };
const LOADING: { loading: true } = { loading: true };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Element helper: text only, never HTML. */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, ...children: (Node | string | undefined)[]): HTMLElementTagNameMap[K];
function el(tag: string, attrs?: Record<string, string>, ...children: (Node | string | undefined)[]): HTMLElement;
function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string | undefined)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== undefined) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

interface FormControl extends HTMLElement { value: string; checked?: boolean; disabled?: boolean }

function textfield(value: string, attrs: Record<string, string>, onChange: (v: string) => void): FormControl {
  const f = el('vscode-textfield', attrs) as unknown as FormControl;
  f.value = value;
  f.addEventListener('change', () => onChange(f.value));
  return f;
}

function select(options: { value: string; label: string }[], value: string, attrs: Record<string, string>, onChange: (v: string) => void): FormControl {
  const s = el('vscode-single-select', attrs) as unknown as FormControl;
  for (const o of options) {
    const opt = el('vscode-option', { value: o.value }, o.label);
    if (o.value === value) opt.setAttribute('selected', '');
    s.append(opt);
  }
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

/** The text input inside a form control (a vscode-textfield draws one in its shadow root). */
function innerInput(e: Element | null): HTMLInputElement | undefined {
  const input = e instanceof HTMLInputElement ? e : e?.shadowRoot?.querySelector('input');
  return input instanceof HTMLInputElement ? input : undefined;
}

/** Where the caret is in a focused text field (undefined where the input type has none, as number). */
function caretOf(e: Element | null): [number, number] | undefined {
  const input = innerInput(e);
  return input && input.selectionStart !== null && input.selectionEnd !== null ? [input.selectionStart, input.selectionEnd] : undefined;
}

function setCaret(e: Element, [start, end]: [number, number]): void {
  try { innerInput(e)?.setSelectionRange(start, end); } catch { /* an input type without a caret */ }
}

function button(label: string, action: string, onClick: () => void, secondary = false): HTMLElement {
  const b = el('vscode-button', { 'data-action': action, ...(secondary ? { secondary: '' } : {}) }, label);
  b.addEventListener('click', onClick);
  return b;
}

const columnKind = (c: Column) => (c.metric ? 'metric' : c.grouped_by ? 'key' : 'attribute');
/** The label's tooltip: the whole label (it may be cut with an ellipsis) and the description. */
const labelTooltip = (c: Column) => [c.label, c.description].filter(Boolean).join('\n');

/** A column id that may wrap after its dots and underscores (text nodes and <wbr>, never HTML). */
function columnId(id: string): HTMLElement {
  const span = el('span', { class: 'col-id', title: id });
  for (const part of id.split(/(?<=[._])/)) span.append(part, el('wbr'));
  span.lastChild?.remove();
  return span;
}
const typeUnit = (c: Column) => [c.type, c.unit && c.unit !== 'none' ? c.unit : undefined, c.rate].filter(Boolean).join(' · ');

function toLocalInput(epochSec: string | undefined): string {
  const n = Number(epochSec);
  if (!epochSec || !Number.isFinite(n)) return '';
  const d = new Date(n * 1000);
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (v: string) => (v ? String(Math.floor(new Date(v).getTime() / 1000)) : undefined);
/** Epoch seconds as the results view writes local times ("2026-11-22 14:17:50"; "last 1 hour" ends now, to the millisecond: shown to the second). */
const formatSec = (s: string) => formatTimestamp(Math.round(Number(s)));

export class ReportEditorApp {
  private readonly vscode = acquireVsCodeApi();
  private file: ReportFile | undefined;
  private lastSent = '';
  private name = '';
  private jsonErrors: string[] = [];
  private devices: string[] = [];
  /** Per device (names) and per device and source (catalogues): loading, loaded, or why it failed. */
  private sourceNames = new Map<string, Loadable<string[]>>();
  private sources = new Map<string, Loadable<Source>>();
  /** The device the form was last drawn for: choosing a device again retries what failed on it. */
  private shownDevice: string | undefined;
  private readonly editors = new Map<number, EditorView>();
  private readonly searches = new Map<number, string>();
  private nextRequest = 1;

  constructor(private readonly root: HTMLElement, private readonly nonce?: string) {
    root.id = 'report-editor';
    window.addEventListener('message', (e: MessageEvent<ReportEditorHostMessage>) => this.receive(e.data));
    this.post({ type: 'ready' });
  }

  private post(m: ReportEditorWebviewMessage): void {
    this.vscode.postMessage(m);
  }

  private receive(m: ReportEditorHostMessage): void {
    switch (m.type) {
      case 'file': {
        this.vscode.setState({ uri: m.uri });
        this.name = m.name;
        this.devices = m.devices;
        this.jsonErrors = m.jsonErrors;
        const text = JSON.stringify(m.value ?? null);
        // Our own edit coming back: the form already shows it (and keeps focus and cursor).
        if (text === this.lastSent && this.file) return;
        this.file = isObj(m.value) ? (m.value as unknown as ReportFile) : undefined;
        this.lastSent = text;
        this.render();
        return;
      }
      case 'sources':
        this.sourceNames.set(m.device, m.error ? { error: m.error } : { value: m.names });
        this.render();
        return;
      case 'source':
        this.sources.set(`${m.device}\u0000${m.name}`, m.source && isObj(m.source) ? { value: m.source as unknown as Source } : { error: m.error ?? 'not found' });
        this.render();
        return;
      case 'reply':
        if (!m.ok) this.showBanner(m.message ?? 'The edit was not applied');
        return;
    }
  }

  // ---------- model ----------

  private defs(): DataDef[] {
    return Array.isArray(this.file?.data_defs) ? this.file!.data_defs : [];
  }

  /** `light`: only the problems list is redrawn (typing in a filter editor keeps its focus). */
  private commit(change: (file: ReportFile) => void, light = false): void {
    if (!this.file) return;
    const next = clone(this.file);
    change(next);
    this.file = next;
    this.lastSent = JSON.stringify(next);
    this.post({ type: 'edit', requestId: this.nextRequest++, value: next as unknown as JsonValue });
    if (light) this.root.querySelector('.problems-section')?.replaceWith(this.problems());
    else this.renderSoon();
  }

  private renderTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Redraws once the event that made the edit is over: a field committed by Tab changes while the
   * focus moves on, and redrawing at once would remove the control the focus is moving to.
   */
  private renderSoon(): void {
    this.renderTimer ??= setTimeout(() => this.render(), 0);
  }

  private commitDef(index: number, change: (def: DataDef) => void, light = false): void {
    this.commit((f) => {
      const def = f.data_defs[index];
      if (def) change(def);
    }, light);
  }

  private names(): string[] | undefined {
    const device = this.file?.device;
    if (!device) return undefined;
    const n = this.sourceNames.get(device);
    if (n === undefined) {
      this.sourceNames.set(device, LOADING);
      this.post({ type: 'loadSources', device });
      return undefined;
    }
    return 'value' in n ? n.value : undefined;
  }

  /** Why the source names of the file's device could not be read, if they could not. */
  private namesError(): string | undefined {
    const n = this.file?.device ? this.sourceNames.get(this.file.device) : undefined;
    return n && 'error' in n ? n.error : undefined;
  }

  /** Forgets what failed on `device`, so the next render asks again. */
  private forgetFailures(device: string): void {
    const n = this.sourceNames.get(device);
    if (n && 'error' in n) this.sourceNames.delete(device);
    for (const [key, s] of this.sources) if (key.startsWith(`${device}\u0000`) && 'error' in s) this.sources.delete(key);
  }

  /** The catalogue of a source (asked for once; undefined until it arrives). */
  private source(name: string | undefined): Source | undefined {
    const device = this.file?.device;
    if (!device || !name) return undefined;
    const key = `${device}\u0000${name}`;
    const s = this.sources.get(key);
    if (s === undefined) {
      this.sources.set(key, LOADING);
      this.post({ type: 'loadSource', device, name });
      return undefined;
    }
    return 'value' in s ? s.value : undefined;
  }

  private sourceError(name: string | undefined): string | undefined {
    const device = this.file?.device;
    if (!device || !name) return undefined;
    const s = this.sources.get(`${device}\u0000${name}`);
    return s && 'error' in s ? s.error : undefined;
  }

  /**
   * The catalogue as far as the form needs it: still loading, or why it failed (the device's names
   * or a source's catalogue), or neither. A source the device does not list is not waited for: the
   * validator calls it unknown.
   */
  private catalogueState(): { loading: boolean; failure?: string } {
    const device = this.file?.device;
    if (!device) return { loading: false };
    const names = this.names();
    const namesError = this.namesError();
    if (namesError) return { loading: false, failure: namesError };
    let loading = names === undefined;
    for (const d of this.defs()) {
      const name = d?.source?.name;
      if (!name || (names && !names.includes(name))) continue;
      if (this.source(name)) continue;
      const error = this.sourceError(name);
      if (error) return { loading: false, failure: error };
      loading = true;
    }
    return { loading };
  }

  // ---------- view ----------

  private showBanner(text: string): void {
    const b = this.root.querySelector('.banner');
    if (b) b.textContent = text;
  }

  private render(): void {
    clearTimeout(this.renderTimer);
    this.renderTimer = undefined;
    const device = this.file?.device;
    if (device !== this.shownDevice) {
      this.shownDevice = device;
      if (device) this.forgetFailures(device);
    }
    const scrollY = window.scrollY;
    const focusedEditor = [...this.editors.entries()].find(([, v]) => v.hasFocus)?.[1];
    const focusedControl = focusedEditor ? undefined : this.focusedControl();
    const caret = focusedControl ? caretOf(document.activeElement) : undefined;
    // Editors survive re-renders: they are moved into the new tree.
    const fragment = el('div', { class: 'report-form' });
    fragment.append(this.header());
    if (this.jsonErrors.length || !this.file) {
      fragment.append(el('div', { class: 'json-errors' }, el('strong', {}, 'The file is not valid JSON; fix it in the text editor:'),
        el('ul', {}, ...this.jsonErrors.map((e) => el('li', {}, e)))));
    }
    if (this.file) {
      fragment.append(this.problems());
      this.defs().forEach((def, i) => fragment.append(this.dataDef(def, i)));
      for (const [i, view] of this.editors) if (i >= this.defs().length) { view.destroy(); this.editors.delete(i); }
      fragment.append(el('div', { class: 'actions' }, button('Add data definition', 'add-data-def', () => this.commit((f) => {
        const first = f.data_defs[0];
        f.data_defs.push(first ? { source: clone(first.source), columns: [], time: first.time ? clone(first.time) : { duration: 'last 1 hour' } } : { source: { name: 'aggregates' }, columns: [], time: { duration: 'last 1 hour' } });
      }), true)));
    }
    this.root.replaceChildren(fragment);
    const control = focusedControl ? this.root.querySelector<HTMLElement>(focusedControl) : null;
    // A vscode-elements control draws its inner <input> asynchronously: focus it once it has.
    if (control) void ((control as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete ?? Promise.resolve()).then(() => {
      if (!control.isConnected) return;
      control.focus();
      if (caret) setCaret(control, caret);
    });
    focusedEditor?.focus();
    window.scrollTo(0, scrollY);
  }

  /**
   * A selector for the form control that has the keyboard focus, to give the focus to the same
   * control of the redrawn form (a field committed with Tab or Enter, a preset, a checkbox). Without
   * it the focus falls back to the page and a keyboard user starts again from the top.
   */
  private focusedControl(): string | undefined {
    const a = document.activeElement;
    if (!(a instanceof HTMLElement) || a === document.body || !this.root.contains(a)) return undefined;
    const attr = (e: Element, name: string) => (e.hasAttribute(name) ? `[${name}="${CSS.escape(e.getAttribute(name)!)}"]` : '');
    const own = a.tagName.toLowerCase()
      + [...a.classList].filter((c) => c !== 'active').map((c) => `.${CSS.escape(c)}`).join('')
      + ['data-action', 'data-duration', 'data-id'].map((n) => attr(a, n)).join('');
    const scopes: string[] = [];
    for (let e = a.parentElement; e && e !== this.root; e = e.parentElement) {
      const scope = ['data-index', 'data-id', 'data-path'].map((n) => attr(e!, n)).join('');
      if (scope) scopes.unshift(scope);
    }
    return [...scopes, own].join(' ');
  }

  private header(): HTMLElement {
    const f = this.file;
    const devices = [...new Set([...(f?.device ? [f.device] : []), ...this.devices])];
    const live = el('vscode-checkbox', { class: 'live-toggle', label: 'Live (packet sources)' }) as unknown as FormControl;
    live.checked = f?.live === true;
    live.addEventListener('change', () => this.commit((x) => { if (live.checked) x.live = true; else delete x.live; }));
    return el('header', { class: 'report-header' },
      el('h1', {}, this.name),
      el('div', { class: 'row' },
        el('label', {}, 'Device'),
        select(devices.map((d) => ({ value: d, label: d })), f?.device ?? '', { class: 'device-select' }, (v) => this.commit((x) => { x.device = v; })),
        live,
        el('span', { class: 'spacer' }),
        button('Run', 'run', () => this.post({ type: 'run', live: false })),
        button('Run live', 'run-live', () => this.post({ type: 'run', live: true }), true),
        button('Open JSON', 'open-json', () => this.post({ type: 'openJson' }), true)),
      el('div', { class: 'banner', role: 'status' }));
  }

  private problems(): HTMLElement {
    const f = this.file!;
    const names = this.names();
    const catalogues = new Map<string, Source>();
    for (const d of this.defs()) {
      const s = this.source(d?.source?.name);
      if (s) catalogues.set(s.name, s);
    }
    const state = this.catalogueState();
    const problems = validateReportFile(f, { getSource: (n) => catalogues.get(n), sourceNames: names, offline: state.loading || state.failure !== undefined });
    const list = el('ul', { class: 'problems' });
    for (const p of problems) {
      const item = el('li', { class: `problem ${p.severity}`, 'data-path': p.path }, el('code', {}, p.path || 'file'), ` ${p.message}`);
      // The quick fix the JSON editor offers, as a button (it changes the file like any other edit).
      if (p.fix) item.append(' ', button(p.fix.title, 'apply-fix', () => this.commit((x) => { applyProblemFix(x, p); }), true));
      list.append(item);
    }
    let note: HTMLElement | undefined;
    if (state.failure !== undefined) {
      const device = f.device;
      note = el('p', { class: 'note error catalogue-failed' }, `The catalogue of ${device} could not be read: ${state.failure}. Only the structure of the report is checked.`, ' ',
        button('Retry', 'retry-catalogue', () => { this.forgetFailures(device); this.render(); }, true));
    } else if (state.loading) note = el('p', { class: 'note' }, 'Reading the catalogue…');
    else if (!problems.length) note = el('p', { class: 'note' }, 'No problems: the report is valid for this device.');
    return el('section', { class: 'problems-section' }, note, problems.length ? list : undefined);
  }

  private dataDef(def: DataDef, i: number): HTMLElement {
    const sourceName = def?.source?.name;
    const source = this.source(sourceName);
    const names = this.names() ?? (sourceName ? [sourceName] : []);
    const section = el('section', { class: 'dd', 'data-index': String(i) });
    const title = el('div', { class: 'dd-title' }, el('h2', {}, `Data definition ${i + 1}`),
      def?.reference ? el('span', { class: 'reference' }, def.reference) : undefined,
      el('span', { class: 'spacer' }),
      this.defs().length > 1 ? button('Remove', 'remove-data-def', () => this.commit((f) => { f.data_defs.splice(i, 1); this.editors.get(i)?.destroy(); this.editors.delete(i); }), true) : undefined);
    section.append(title);

    // Source and packet path.
    const sourceRow = el('div', { class: 'row dd-source' }, el('label', {}, 'Source'),
      select([...new Set([...(sourceName ? [sourceName] : []), ...names])].map((n) => ({ value: n, label: n })), sourceName ?? '', { class: 'source-select', combobox: '' },
        (v) => this.commitDef(i, (d) => { d.source = { name: v }; d.columns = d.columns.filter(() => false); delete d.group_by; delete d.top_by; })));
    if (sourceName === 'packets' || def?.source?.path !== undefined) {
      sourceRow.append(el('label', {}, 'Path'), textfield(def.source.path ?? '', { class: 'source-path', placeholder: 'jobs/<id>, vifgs/<id>, clips/<id>, fs/<file>' },
        (v) => this.commitDef(i, (d) => { if (v) d.source.path = v; else delete d.source.path; })));
    }
    section.append(sourceRow);
    // The device-wide failure is said once, above; a source of its own that failed is said here.
    const err = this.namesError() ? undefined : this.sourceError(sourceName);
    if (err) section.append(el('p', { class: 'note error' }, err));

    section.append(this.columns(def, i, source));
    section.append(this.topBy(def, i, source));
    section.append(this.time(def, i, source));
    section.append(this.filter(def, i, source));
    return section;
  }

  private columns(def: DataDef, i: number, source: Source | undefined): HTMLElement {
    const index = source ? columnIndex(source) : undefined;
    const chosen = Array.isArray(def.columns) ? def.columns : [];
    const groupBy = new Set(def.group_by ?? []);
    const list = el('div', { class: 'chosen-columns' });
    for (const id of chosen) {
      const c = index?.get(id);
      const guess = !c && source ? unknownColumn(id, source).guesses[0] : undefined;
      const label = c?.label ?? (index ? `not in this source${guess ? `; did you mean "${guess}"?` : ''}` : '');
      const row = el('div', { class: `chosen-column ${c ? columnKind(c) : 'unknown'}`, 'data-id': id },
        el('span', { class: 'kind' }, c ? (c.metric ? 'M' : 'K') : '?'),
        columnId(id),
        el('span', { class: 'col-label', title: c ? labelTooltip(c) : label }, label),
        el('span', { class: 'col-type', title: c ? typeUnit(c) : '' }, c ? typeUnit(c) : ''));
      if (guess) {
        const fix = button(`Change to ${guess}`, 'fix-column', () => this.commitDef(i, (d) => {
          // The id changes wherever the data definition names it.
          const swap = (x: string) => (x === id ? guess : x);
          d.columns = [...new Set(d.columns.map(swap))];
          if (d.group_by) d.group_by = [...new Set(d.group_by.map(swap))];
          if (d.top_by) d.top_by = d.top_by.map((t) => ({ ...t, id: swap(t.id) }));
        }), true);
        fix.classList.add('group-by-slot', 'fix-column');
        row.append(fix);
      } else if (c?.grouped_by) {
        const g = el('vscode-checkbox', { class: 'group-by group-by-slot', label: 'group by' }) as unknown as FormControl;
        g.checked = groupBy.has(id);
        g.addEventListener('change', () => this.commitDef(i, (d) => {
          const set = new Set(d.group_by ?? []);
          if (g.checked) set.add(id); else set.delete(id);
          const ordered = (d.columns ?? []).filter((x) => set.has(x));
          if (ordered.length) d.group_by = ordered; else delete d.group_by;
        }));
        row.append(g);
      } else row.append(el('span', { class: 'group-by-slot' }));
      const remove = el('vscode-button', { class: 'remove-column', secondary: '', title: `Remove ${id}` }, '×');
      remove.addEventListener('click', () => this.commitDef(i, (d) => {
        d.columns = d.columns.filter((x) => x !== id);
        if (d.group_by) { d.group_by = d.group_by.filter((x) => x !== id); if (!d.group_by.length) delete d.group_by; }
        if (d.top_by) { d.top_by = d.top_by.filter((t) => t.id !== id); if (!d.top_by.length) delete d.top_by; }
      }));
      row.append(remove);
      list.append(row);
    }

    const results = el('div', { class: 'column-results', role: 'listbox' });
    const failed = !source && this.catalogueState().failure !== undefined;
    const search = el('vscode-textfield', {
      class: 'column-search',
      placeholder: source ? `Search ${source.columns.length} columns (id, label, type, unit)` : failed ? 'No columns: the catalogue could not be read' : 'Loading columns…',
      ...(failed ? { disabled: '' } : {}),
    }) as unknown as FormControl;
    search.value = this.searches.get(i) ?? '';
    const fill = () => {
      const q = search.value.trim().toLowerCase();
      this.searches.set(i, search.value);
      results.replaceChildren();
      if (!source || !q) return;
      const words = q.split(/\s+/);
      const hits = source.columns.filter((c) => !chosen.includes(c.id) && words.every((w) => `${c.id} ${c.label ?? ''} ${c.type ?? ''} ${c.unit ?? ''} ${columnKind(c)}`.toLowerCase().includes(w)));
      for (const c of hits.slice(0, MAX_RESULTS)) {
        const option = el('div', { class: `column-option ${columnKind(c)}`, 'data-id': c.id, role: 'option', tabindex: '0', title: c.description ?? '' },
          el('span', { class: 'kind' }, c.metric ? 'M' : 'K'),
          columnId(c.id),
          el('span', { class: 'col-label', title: labelTooltip(c) }, c.label ?? ''),
          el('span', { class: 'col-type', title: typeUnit(c) }, typeUnit(c)));
        const add = () => this.commitDef(i, (d) => { d.columns = [...(d.columns ?? []), c.id]; });
        option.addEventListener('click', add);
        option.addEventListener('keydown', (e) => { if (e.key === 'Enter') add(); });
        results.append(option);
      }
      results.append(el('div', { class: 'note' }, hits.length > MAX_RESULTS ? `${MAX_RESULTS} of ${hits.length} matches; type more to narrow` : `${hits.length} match${hits.length === 1 ? '' : 'es'}`));
    };
    search.addEventListener('input', fill);
    fill();
    return el('div', { class: 'dd-columns' }, el('h3', {}, 'Columns'), list, search, results);
  }

  private topBy(def: DataDef, i: number, source: Source | undefined): HTMLElement {
    const index = source ? columnIndex(source) : undefined;
    const metrics = (def.columns ?? []).filter((id) => index?.get(id)?.metric);
    const current = def.top_by?.[0];
    const flags = current && index?.get(current.id) ? topByOf(index.get(current.id)!) : undefined;
    const directions = [{ value: 'desc', label: 'highest first (desc)' }, { value: 'asc', label: 'lowest first (asc)' }]
      .filter((d) => !flags || (d.value === 'asc' ? flags.asc : flags.desc) || d.value === current?.direction);
    const limit = textfield(def.limit !== undefined ? String(def.limit) : '', { class: 'limit', type: 'number', min: '1', placeholder: 'all' },
      (v) => this.commitDef(i, (d) => { if (v.trim()) d.limit = Number(v); else delete d.limit; }));
    return el('div', { class: 'row dd-top' },
      el('label', {}, 'Top by'),
      select([{ value: '', label: '(none)' }, ...[...new Set([...(current ? [current.id] : []), ...metrics])].map((m) => ({ value: m, label: m }))], current?.id ?? '', { class: 'top-by' },
        (v) => this.commitDef(i, (d) => { if (v) d.top_by = [{ id: v, direction: d.top_by?.[0]?.direction ?? 'desc' }]; else delete d.top_by; })),
      current ? select(directions, current.direction, { class: 'top-direction' }, (v) => this.commitDef(i, (d) => { if (d.top_by?.[0]) d.top_by[0].direction = v as 'asc' | 'desc'; })) : undefined,
      el('label', {}, 'Limit'), limit);
  }

  private time(def: DataDef, i: number, source: Source | undefined): HTMLElement {
    const t: TimeSpec = def.time ?? {};
    const absolute = t.duration === undefined && (t.start !== undefined || t.end !== undefined);
    const box = el('div', { class: 'dd-time' }, el('h3', {}, 'Time'));
    const mode = select([{ value: 'duration', label: 'Duration' }, { value: 'absolute', label: 'Start and end' }], absolute ? 'absolute' : 'duration', { class: 'time-mode' },
      (v) => this.commitDef(i, (d) => {
        const time = { ...(d.time ?? {}) };
        if (v === 'absolute') {
          try {
            const r = resolveTime(time, Date.now());
            time.start = String(Math.floor(Number(r.start))); time.end = String(Math.floor(Number(r.end)));
          } catch {
            time.end = String(Math.floor(Date.now() / 1000)); time.start = String(Number(time.end) - 3600);
          }
          delete time.duration;
        } else {
          delete time.start; delete time.end; time.duration = 'last 1 hour';
        }
        d.time = time;
      }));
    const row = el('div', { class: 'row' }, mode);
    if (absolute) {
      const input = (prop: 'start' | 'end') => {
        const x = el('input', { type: 'datetime-local', class: `time-${prop}` }) as HTMLInputElement;
        x.value = toLocalInput(t[prop]);
        x.addEventListener('change', () => this.commitDef(i, (d) => { const v = fromLocalInput(x.value); d.time = { ...(d.time ?? {}) }; if (v) d.time[prop] = v; else delete d.time[prop]; }));
        return x;
      };
      row.append(el('label', {}, 'From'), input('start'), el('label', {}, 'to'), input('end'));
    } else {
      row.append(textfield(t.duration ?? '', { class: 'time-duration', placeholder: 'last 1 hour' }, (v) => this.commitDef(i, (d) => { d.time = { ...(d.time ?? {}) }; if (v.trim()) d.time.duration = v.trim(); else delete d.time.duration; })));
      const presets = el('div', { class: 'presets' });
      for (const p of DURATION_PRESETS) {
        const b = el('button', { class: `preset${t.duration === p ? ' active' : ''}`, 'data-duration': p, type: 'button' }, p);
        b.addEventListener('click', () => this.commitDef(i, (d) => { d.time = { ...(d.time ?? {}), duration: p }; delete d.time.start; delete d.time.end; }));
        presets.append(b);
      }
      row.append(presets);
    }
    box.append(row);
    let resolved: string;
    let failed = false;
    try {
      const r = resolveTime(t, Date.now());
      const seconds = Number(r.end) - Number(r.start);
      resolved = `${formatSec(r.start)} → ${formatSec(r.end)} (${seconds >= 3600 ? `${Math.round((seconds / 3600) * 10) / 10} h` : `${Math.round(seconds / 60)} min`}) · local time (${localZoneText()})`;
    } catch (e) {
      resolved = e instanceof TimeError ? describeTimeError(e) : e instanceof Error ? e.message : String(e);
      failed = true;
    }
    box.append(el('p', { class: `time-resolved${failed ? ' error' : ''}` }, resolved));
    const grans = source?.granularities ?? [];
    box.append(el('div', { class: 'row' },
      el('label', {}, 'Granularity'),
      select([{ value: '', label: 'chosen by the device' }, ...[...new Set([...(t.granularity ? [t.granularity] : []), ...grans])].map((g) => ({ value: g, label: `${g} s` }))], t.granularity ?? '', { class: 'granularity' },
        (v) => this.commitDef(i, (d) => { d.time = { ...(d.time ?? {}) }; if (v) d.time.granularity = v; else delete d.time.granularity; })),
      el('label', {}, 'Resolution'),
      textfield(t.resolution ?? '', { class: 'resolution', placeholder: 'a multiple of the granularity (s)' }, (v) => this.commitDef(i, (d) => { d.time = { ...(d.time ?? {}) }; if (v.trim()) d.time.resolution = v.trim(); else delete d.time.resolution; }))));
    return box;
  }

  private filter(def: DataDef, i: number, source: Source | undefined): HTMLElement {
    const f = def.filters?.[0];
    const type = f?.type ?? 'STEELFILTER';
    const box = el('div', { class: 'dd-filter' });
    box.append(el('div', { class: 'row' }, el('h3', {}, 'Filter'),
      select(['STEELFILTER', 'WIRESHARK', 'BPF'].map((v) => ({ value: v, label: v })), type, { class: 'filter-type' },
        (v) => this.commitDef(i, (d) => { const value = d.filters?.[0]?.value ?? ''; d.filters = [{ ...(v === 'STEELFILTER' ? {} : { type: v as 'WIRESHARK' | 'BPF' }), value }, ...(d.filters ?? []).slice(1)]; }))));
    const host = el('div', { class: 'steelfilter-editor' });
    let view = this.editors.get(i);
    if (view) {
      setEditorText(view, f?.value ?? '');
      relint(view);
      host.append(view.dom);
    } else {
      view = createFilterEditor({
        parent: host,
        nonce: this.nonce,
        text: f?.value ?? '',
        schema: () => this.source(this.defs()[i]?.source?.name),
        isSteelfilter: () => (this.defs()[i]?.filters?.[0]?.type ?? 'STEELFILTER') === 'STEELFILTER',
        onChange: (text) => this.commitDef(i, (d) => {
          const rest = (d.filters ?? []).slice(1);
          const t = d.filters?.[0]?.type;
          if (!text.trim() && !rest.length) delete d.filters;
          else d.filters = [{ ...(t && t !== 'STEELFILTER' ? { type: t } : {}), value: text }, ...rest];
        }, true),
      });
      this.editors.set(i, view);
    }
    box.append(host);
    if ((def.filters?.length ?? 0) > 1) box.append(el('p', { class: 'note' }, `${def.filters!.length - 1} more filter(s) in the JSON`));
    if (!source && type === 'STEELFILTER') {
      box.append(el('p', { class: 'note' }, this.catalogueState().failure !== undefined
        ? 'Only the syntax is checked and no column ids are completed: the catalogue could not be read.'
        : 'Completion of column ids starts once the catalogue is read.'));
    }
    return box;
  }
}
