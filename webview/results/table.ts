// Virtualized data table: only the rows on screen exist in the DOM (a small pool of row elements
// reused while scrolling; @tanstack/virtual-core observes the scroller and gives the visible range,
// rows have a fixed height and are placed by the table). Sort, resizable columns, quick filter,
// column hide/show, row selection and copy. Rows can be appended in chunks at any time.
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import { tableToCsv } from '../../src/results/csv';
import { exactCell, formatCell, isNumericKind, isSpecial, localZoneText } from '../../src/results/format';
import type { CellValue, ColumnSpec } from '../../src/results/model';
import type { ResultsTableLayout } from '../../src/shared/protocol';
import { ColumnStore } from './columns';
import { el, icon } from './dom';
import { TextFit } from './textFit';

export const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 26;
const MIN_WIDTH = 48;
/** A cell's horizontal padding (8 px each side, styles.css). */
const CELL_PADDING = 16;
/** Rows rendered beyond each edge of the viewport (ready for a scroll on the compositor). */
export const OVERSCAN = 4;

interface ColumnState {
  spec: ColumnSpec;
  index: number; // position in the row arrays
  width: number;
  visible: boolean;
  numeric: boolean;
  /** Right-aligned (numbers; dates read better left-aligned). */
  right: boolean;
  /** Width set by the user (a drag of the header's edge): never fitted to the rows again. */
  resized?: boolean;
}

export interface TableEvents {
  onCopy(text: string, what: string): void;
  onStatus(): void;
  onHiddenChange(hidden: string[]): void;
  /** The sort or a column width changed (the app keeps them across a reload of the webview). */
  onViewChange?(): void;
}

function defaultWidth(spec: ColumnSpec): number {
  const label = spec.label.length * 7 + 36;
  const byKind = spec.kind === 'timestamp' ? 170 : spec.kind === 'ipaddr' ? 140 : isNumericKind(spec.kind) ? 110 : spec.kind === 'json' ? 220 : 150;
  return Math.min(360, Math.max(label, byKind));
}

/** Widest a column is fitted to its rows (a user drag can make it wider). */
export const FIT_MAX_WIDTH = 420;
/** Rows of the first chunk measured when fitting column widths. */
const FIT_SAMPLE = 200;
/** Cell padding (8 px each side) plus room for the header's sort arrow. */
const FIT_PAD = 16 + 18;

/**
 * The width of a column fitted to its header and a sample of its cell texts, `measure` giving a
 * text's width in px: at least the default width of its kind, at most FIT_MAX_WIDTH.
 */
export function fittedWidth(spec: ColumnSpec, texts: readonly string[], measure: (text: string) => number): number {
  let widest = measure(spec.label);
  for (const t of texts) if (t) widest = Math.max(widest, measure(t));
  return Math.min(Math.max(defaultWidth(spec), FIT_MAX_WIDTH), Math.max(defaultWidth(spec), Math.ceil(widest) + FIT_PAD));
}

/** Sort key of an IPv4/IPv6 address string, so 10.0.0.9 < 10.0.0.10. */
function ipKey(s: string): string {
  if (s.includes('.') && !s.includes(':')) return '4' + s.split('.').map((p) => p.padStart(3, '0')).join('.');
  return '6' + s.toLowerCase();
}

/**
 * The sort after a click on column `col`'s header: a new column starts with its natural order
 * (quantities largest first; text, ports and ids ascending), the next click reverses it, the
 * third one clears the sort.
 */
export function nextSort(current: { col: number; dir: 1 | -1 } | null, col: number, largestFirst: boolean): { col: number; dir: 1 | -1 } | null {
  const first = largestFirst ? -1 : 1;
  if (current?.col !== col) return { col, dir: first };
  return current.dir === first ? { col, dir: first === 1 ? -1 : 1 } : null;
}

/** Tables made so far (row element ids are unique in the page). */
let tableCount = 0;

export class VirtualTable {
  readonly root: HTMLDivElement;
  private readonly scroller: HTMLDivElement;
  private readonly header: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private columns: ColumnState[] = [];
  /** The rows, by column (numbers outside the JS heap; see columns.ts). */
  private rows = new ColumnStore(0);
  /** Row indices shown, in order; null = all rows in arrival order (no filter, no sort). */
  private view: Uint32Array | null = null;
  private sort: { col: number; dir: 1 | -1 } | null = null;
  private filter = '';
  private searchText: (string | undefined)[] = [];
  /**
   * Row elements, recycled. A row keeps its element (and its text) while its view position stays in
   * the rendered range, so a scroll of a few rows lays out and paints only the rows that came in.
   * What each element shows is kept beside it (parallel arrays), so rendering reads nothing back
   * from the DOM and allocates nothing per frame.
   */
  private pool: HTMLDivElement[] = [];
  /** View position shown by pool[p]; -1 = free. */
  private poolPos: number[] = [];
  /** Data row whose text pool[p] holds; -1 = must be filled again. */
  private poolData: number[] = [];
  /** Last `top` written (px), aria-rowindex written, selected class written, hidden state. */
  private poolTop: number[] = [];
  private poolAria: number[] = [];
  private poolSel: boolean[] = [];
  private poolHidden: boolean[] = [];
  /**
   * Per pool row, per visible column, the cell's look last written (class and tooltip): 0 plain,
   * 1 #N/A, 2 #N/D, 3 clipped (a text that may not fit its column: cut with an ellipsis, whole in
   * the tooltip).
   */
  private poolLook: Uint8Array[] = [];
  /** Text width estimates in the cell font (textFit.ts); undefined until measured, null if it cannot be. */
  private textFit: TextFit | null | undefined;
  /** Scratch of renderRows: pool index per rendered slot, and the free pool indices. */
  private readonly slots: number[] = [];
  private readonly free: number[] = [];
  /** The visible columns, in order (rebuilt when visibility changes). */
  private visibleCols: ColumnState[] = [];
  private readonly selected = new Set<number>();
  private anchor = -1;
  /**
   * The selection of the rows before a refresh, found again in the rows that arrive: a row is known
   * by the text of its first column and, among rows with the same text, by its occurrence (the
   * second "10.0.0.1" stays the second). Dropped once the user changes the selection.
   */
  private reselect: { keys: Map<string, Set<number>>; anchor: string; seen: Map<string, number> } | null = null;
  private readonly virtualizer: Virtualizer<HTMLDivElement, HTMLDivElement>;
  private unmount?: () => void;
  private rebuildPending = false;
  private menu?: HTMLDivElement;
  /** The next rows are the first of new columns: fit the widths to them. */
  private fitPending = false;

  constructor(private readonly events: TableEvents) {
    this.root = el('div', 'vt');
    this.scroller = el('div', 'vt-scroller', undefined, { tabindex: 0, role: 'grid', 'aria-multiselectable': 'true' });
    this.header = el('div', 'vt-header', undefined, { role: 'row', 'aria-rowindex': 1 });
    this.body = el('div', 'vt-body', undefined, { role: 'rowgroup' });
    this.empty = el('div', 'vt-empty');
    this.scroller.append(this.header, this.body);
    this.root.append(this.scroller, this.empty);
    this.virtualizer = new Virtualizer<HTMLDivElement, HTMLDivElement>({
      count: 0,
      getScrollElement: () => this.scroller,
      estimateSize: () => ROW_HEIGHT,
      // The table adds its own overscan (renderRows): none while a scroll jumps to rows that share
      // none with those rendered, since every row is new then and the extra rows would be laid out
      // only to be replaced in the next frame; they follow as soon as the scroll stops or slows.
      overscan: 0,
      paddingStart: HEADER_HEIGHT,
      scrollPaddingStart: HEADER_HEIGHT,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      initialRect: { width: 800, height: 600 },
      onChange: () => this.renderRows(),
    });
    this.scroller.addEventListener('mousedown', (e) => this.onMouseDown(e));
    this.scroller.addEventListener('contextmenu', (e) => this.onContextMenu(e));
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    document.addEventListener('mousedown', (e) => {
      if (this.menu && !this.menu.contains(e.target as Node)) this.closeMenu();
    });
  }

  /** Call once the root is in the document. */
  mount(): void {
    if (!this.unmount) {
      const didMount = this.virtualizer._didMount();
      // VS Code sets the theme's variables (font family and size among them) on <html> and its
      // kind as a class of <body>: the cell font may change, so which cells need a clip too.
      const themed = new MutationObserver(() => this.reclip(true));
      themed.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
      themed.observe(document.body, { attributes: true, attributeFilter: ['style', 'class'] });
      this.unmount = () => {
        themed.disconnect();
        didMount();
      };
    }
    this.virtualizer._willUpdate();
    this.reclip(true);
    this.renderRows();
  }

  /** Re-measures after the table became visible again (tab switch, resize). */
  remeasure(): void {
    this.virtualizer._willUpdate();
    this.virtualizer.measure();
    if (this.textFit === null) this.reclip(true); // measured while hidden: measure now
    this.renderRows();
  }

  dispose(): void {
    this.unmount?.();
    this.closeMenu();
    this.root.remove();
  }

  /** Starts a new table: columns, no rows. */
  setColumns(specs: ColumnSpec[], hidden?: string[]): void {
    const hide = hidden ? new Set(hidden) : undefined;
    this.columns = specs.map((spec, index) => ({ spec, index, width: defaultWidth(spec), visible: hide ? !hide.has(spec.id) : !spec.hidden, numeric: isNumericKind(spec.kind), right: isNumericKind(spec.kind) && spec.kind !== 'timestamp' }));
    this.visibleCols = this.columns.filter((c) => c.visible);
    this.rows = new ColumnStore(specs.length);
    this.searchText = [];
    this.view = null;
    this.sort = null;
    this.selected.clear();
    this.anchor = -1;
    this.reselect = null;
    this.fitPending = true;
    this.dropRows();
    this.renderHeader();
    this.updateCount();
  }

  /**
   * Fits the columns the user did not resize to their header and the first rows (a property table's
   * values, dates, host names are read whole instead of cut at a fixed width).
   */
  private fitColumns(): void {
    const ctx = this.cellFontContext();
    if (!ctx) return;
    const measure = (t: string): number => ctx.measureText(t).width;
    const n = Math.min(this.rows.length, FIT_SAMPLE);
    let changed = false;
    for (const c of this.columns) {
      if (c.resized) continue;
      const texts: string[] = [];
      for (let i = 0; i < n; i++) texts.push(formatCell(this.rows.get(i, c.index), c.spec.kind));
      const w = fittedWidth(c.spec, texts, measure);
      if (w !== c.width) {
        c.width = w;
        changed = true;
      }
    }
    if (!changed) return;
    this.renderHeader();
    this.applyWidths();
  }

  /** Same columns again (a refresh): keeps widths, visibility, sort and filter; drops the rows. */
  setColumnsKeepingLayout(specs: ColumnSpec[]): void {
    specs.forEach((spec, i) => {
      if (this.columns[i]) this.columns[i].spec = spec;
    });
    this.reselect = this.selected.size ? this.selectionKeys() : null;
    this.rows = new ColumnStore(this.columns.length);
    this.searchText = [];
    this.view = this.filter || this.sort ? new Uint32Array(0) : null;
    this.selected.clear();
    this.anchor = -1;
    this.unassign();
    this.updateCount();
  }

  /** The selected rows (and the anchor) as first-column text and occurrence, for `reselect`. */
  private selectionKeys(): NonNullable<VirtualTable['reselect']> {
    const keys = new Map<string, Set<number>>();
    const seen = new Map<string, number>();
    let anchor = '';
    let last = this.anchor;
    for (const i of this.selected) if (i > last) last = i;
    for (let i = 0; i <= last && i < this.rows.length; i++) {
      const key = this.rowKey(i, seen);
      if (this.selected.has(i)) {
        const [text, occurrence] = key;
        let set = keys.get(text);
        if (!set) keys.set(text, (set = new Set()));
        set.add(occurrence);
      }
      if (i === this.anchor) anchor = `${key[1]}\u0000${key[0]}`;
    }
    return { keys, anchor, seen: new Map() };
  }

  /** Row i's first-column text and its occurrence among the rows so far (`seen` counts them). */
  private rowKey(i: number, seen: Map<string, number>): [string, number] {
    const c = this.columns[0];
    const text = c ? exactCell(this.rows.get(i, c.index), c.spec.kind) : '';
    const occurrence = seen.get(text) ?? 0;
    seen.set(text, occurrence + 1);
    return [text, occurrence];
  }

  /** Appends rows (a chunk); the screen updates at once, sort/filter are applied to the new rows. */
  appendRows(rows: CellValue[][]): void {
    const start = this.rows.length;
    this.rows.append(rows);
    const reselect = this.reselect;
    if (reselect) {
      for (let i = start; i < this.rows.length; i++) {
        const [text, occurrence] = this.rowKey(i, reselect.seen);
        if (reselect.keys.get(text)?.has(occurrence)) this.selected.add(i);
        if (reselect.anchor === `${occurrence}\u0000${text}`) this.anchor = i;
      }
    }
    if (this.fitPending && rows.length) {
      this.fitPending = false;
      this.fitColumns();
    }
    if (this.view) {
      if (this.sort) this.scheduleRebuild();
      else {
        const add: number[] = [];
        for (let i = start; i < this.rows.length; i++) if (this.matches(i)) add.push(i);
        const next = new Uint32Array(this.view.length + add.length);
        next.set(this.view);
        next.set(add, this.view.length);
        this.view = next;
      }
    }
    // Chunks arriving within one frame share one count update (the virtualizer re-measures on each).
    if (start === 0) this.updateCount();
    else this.scheduleCount();
  }

  private countPending = false;

  private scheduleCount(): void {
    if (this.countPending) return;
    this.countPending = true;
    requestAnimationFrame(() => {
      this.countPending = false;
      this.updateCount();
    });
  }

  get rowCount(): number {
    return this.rows.length;
  }

  get shownCount(): number {
    return this.view ? this.view.length : this.rows.length;
  }

  get selectedCount(): number {
    return this.selected.size;
  }

  get columnStates(): readonly { id: string; label: string; visible: boolean }[] {
    return this.columns.map((c) => ({ id: c.spec.id, label: c.spec.label, visible: c.visible }));
  }

  visibleColumnIds(): string[] {
    return this.columns.filter((c) => c.visible).map((c) => c.spec.id);
  }

  /** Indices of the rows shown (after the filter, in the shown order); undefined = every row in arrival order. */
  shownRows(): number[] | undefined {
    if (this.rebuildPending) this.rebuild(true); // rows that arrived in this frame are sorted in now
    return this.view ? Array.from(this.view) : undefined;
  }

  setColumnVisible(id: string, visible: boolean): void {
    const col = this.columns.find((c) => c.spec.id === id);
    if (!col || col.visible === visible) return;
    if (!visible && this.columns.filter((c) => c.visible).length === 1) return; // keep one
    col.visible = visible;
    this.visibleCols = this.columns.filter((c) => c.visible);
    this.dropRows();
    this.renderHeader();
    this.renderRows();
    this.events.onHiddenChange(this.columns.filter((c) => !c.visible).map((c) => c.spec.id));
  }

  setFilter(text: string): void {
    const f = text.trim().toLowerCase();
    if (f === this.filter) return;
    this.filter = f;
    this.rebuild();
  }

  sortBy(col: number, dir?: 1 | -1): void {
    this.sort = dir ? { col, dir } : nextSort(this.sort, col, this.columns[col].numeric && this.columns[col].spec.kind !== 'identifier');
    this.renderHeader();
    this.rebuild();
    this.events.onViewChange?.();
  }

  /** The sort and the widths the user gave the columns (the filter is the app's field). */
  viewState(): Omit<ResultsTableLayout, 'filter'> {
    const view: Omit<ResultsTableLayout, 'filter'> = {};
    const sorted = this.sort && this.columns[this.sort.col];
    if (this.sort && sorted) view.sort = { column: sorted.spec.id, dir: this.sort.dir };
    const widths: Record<string, number> = {};
    for (const c of this.columns) if (c.resized) widths[c.spec.id] = c.width;
    if (Object.keys(widths).length) view.widths = widths;
    return view;
  }

  /** Brings back a sort, filter and widths kept by viewState (columns that no longer exist are skipped). */
  restoreView(view: ResultsTableLayout): void {
    for (const [id, w] of Object.entries(view.widths ?? {})) {
      const c = this.columns.find((col) => col.spec.id === id);
      if (c && Number.isFinite(w)) {
        c.width = Math.max(MIN_WIDTH, Math.round(w));
        c.resized = true;
      }
    }
    const col = view.sort ? this.columns.findIndex((c) => c.spec.id === view.sort!.column) : -1;
    this.sort = col >= 0 && (view.sort!.dir === 1 || view.sort!.dir === -1) ? { col, dir: view.sort!.dir } : null;
    this.filter = (view.filter ?? '').trim().toLowerCase();
    this.renderHeader();
    this.applyWidths();
    this.rebuild();
  }

  scrollToTop(): void {
    this.scroller.scrollTop = 0;
  }

  /** The scrolling element (benchmarks drive it). */
  get scrollElement(): HTMLDivElement {
    return this.scroller;
  }

  // ───────────── view (filter + sort) ─────────────

  private scheduleRebuild(): void {
    if (this.rebuildPending) return;
    this.rebuildPending = true;
    requestAnimationFrame(() => {
      this.rebuildPending = false;
      this.rebuild(true);
    });
  }

  private rowText(i: number): string {
    let t = this.searchText[i];
    if (t === undefined) {
      const parts: string[] = [];
      for (const c of this.columns) {
        const v = this.rows.get(i, c.index);
        if (v === null) continue;
        parts.push(formatCell(v, c.spec.kind));
        if (typeof v !== 'string') parts.push(String(v));
      }
      t = parts.join('\u0001').toLowerCase();
      this.searchText[i] = t;
    }
    return t;
  }

  private matches(i: number): boolean {
    return !this.filter || this.rowText(i).includes(this.filter);
  }

  /** Applies the filter and sort; a change of them (not `keepSelection`: rows that arrived) clears the selection. */
  private rebuild(keepSelection = false): void {
    const n = this.rows.length;
    if (!this.filter && !this.sort) {
      this.view = null;
    } else {
      let idx: number[] = [];
      if (this.filter) {
        for (let i = 0; i < n; i++) if (this.matches(i)) idx.push(i);
      } else idx = Array.from({ length: n }, (_, i) => i);
      if (this.sort) {
        const { col, dir } = this.sort;
        const c = this.columns[col];
        const rows = this.rows;
        // Blanks and #N/A / #N/D sort last in both directions.
        const rank = (v: CellValue): number => (v === null ? 2 : isSpecial(v) ? 1 : 0);
        if (c.numeric) {
          const key = new Float64Array(n);
          const r = new Uint8Array(n);
          for (const i of idx) {
            const v = rows.get(i, c.index);
            r[i] = rank(v);
            key[i] = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : Number.NaN;
          }
          idx.sort((a, b) => r[a] - r[b] || (Number.isNaN(key[a]) ? (Number.isNaN(key[b]) ? 0 : 1) : Number.isNaN(key[b]) ? -1 : (key[a] - key[b]) * dir) || a - b);
        } else {
          const keys: string[] = new Array(n);
          const r = new Uint8Array(n);
          const ip = c.spec.kind === 'ipaddr';
          for (const i of idx) {
            const v = rows.get(i, c.index);
            r[i] = rank(v);
            const s = v === null ? '' : String(v).toLowerCase();
            keys[i] = ip ? ipKey(s) : s;
          }
          idx.sort((a, b) => r[a] - r[b] || (keys[a] < keys[b] ? -dir : keys[a] > keys[b] ? dir : a - b));
        }
      }
      this.view = Uint32Array.from(idx);
    }
    if (!keepSelection) {
      this.selected.clear();
      this.reselect = null;
    }
    this.unassign();
    this.updateCount();
  }

  private updateCount(): void {
    const count = this.shownCount;
    if (this.virtualizer.options.count !== count) {
      this.virtualizer.setOptions({ ...this.virtualizer.options, count });
      this.virtualizer._willUpdate();
    }
    this.renderRows();
    this.scroller.setAttribute('aria-rowcount', String(count + 1));
    this.empty.textContent = this.rows.length === 0 ? 'No rows.' : count === 0 ? 'No row matches the filter.' : '';
    this.empty.hidden = count > 0;
    this.events.onStatus();
  }

  // ───────────── rendering ─────────────

  private totalWidth(): number {
    let w = 0;
    for (const c of this.columns) if (c.visible) w += c.width;
    return w;
  }

  private renderHeader(): void {
    this.header.replaceChildren();
    this.columns.forEach((c, col) => {
      if (!c.visible) return;
      // A focusable header: Enter or Space sorts, as a click does (aria-sort says the order).
      const cell = el('div', `vt-hcell${c.right ? ' num' : ''}`, undefined, { role: 'columnheader', tabindex: 0, 'aria-sort': 'none' });
      cell.style.width = `${c.width}px`;
      cell.dataset.col = String(col);
      const zone = c.spec.kind === 'timestamp' ? `\nLocal time (${localZoneText()}); CSV and JSON exports are in UTC.` : '';
      cell.title = `${c.spec.description ? `${c.spec.label}\n${c.spec.description}` : c.spec.label}${zone}`;
      const label = el('span', 'vt-hlabel', c.spec.label);
      cell.append(label);
      if (this.sort?.col === col) {
        cell.classList.add('sorted');
        cell.setAttribute('aria-sort', this.sort.dir === 1 ? 'ascending' : 'descending');
        cell.append(icon(this.sort.dir === 1 ? 'arrow-up' : 'arrow-down', 'vt-sorticon'));
      }
      const grip = el('div', 'vt-resize', undefined, { 'aria-hidden': 'true' });
      grip.addEventListener('pointerdown', (e) => this.startResize(e, col, cell));
      cell.append(grip);
      cell.addEventListener('click', (e) => {
        if ((e.target as HTMLElement).classList.contains('vt-resize')) return;
        this.sortBy(col);
      });
      cell.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        e.stopPropagation();
        this.sortBy(col);
        // The header was drawn again: keep the focus on this column's header.
        (this.header.querySelector(`.vt-hcell[data-col="${col}"]`) as HTMLElement | null)?.focus();
      });
      this.header.append(cell);
    });
    this.scroller.setAttribute('aria-colcount', String(this.visibleCols.length));
    const w = `${this.totalWidth()}px`;
    this.header.style.width = w;
    this.body.style.width = w;
  }

  private startResize(e: PointerEvent, col: number, cell: HTMLElement): void {
    e.preventDefault();
    e.stopPropagation();
    const grip = e.currentTarget as HTMLElement;
    grip.setPointerCapture(e.pointerId);
    const startX = e.clientX;
    const startW = this.columns[col].width;
    const move = (ev: PointerEvent): void => {
      const w = Math.max(MIN_WIDTH, Math.round(startW + ev.clientX - startX));
      this.columns[col].width = w;
      this.columns[col].resized = true;
      cell.style.width = `${w}px`;
      const total = `${this.totalWidth()}px`;
      this.header.style.width = total;
      this.body.style.width = total;
      this.applyWidths();
    };
    const up = (): void => {
      grip.removeEventListener('pointermove', move);
      grip.removeEventListener('pointerup', up);
      if (this.columns[col].resized) this.events.onViewChange?.();
    };
    grip.addEventListener('pointermove', move);
    grip.addEventListener('pointerup', up);
  }

  private applyWidths(): void {
    const widths = this.visibleCols.map((c) => `${c.width}px`);
    for (const row of this.pool) {
      const cells = row.children;
      for (let i = 0; i < cells.length; i++) (cells[i] as HTMLElement).style.width = widths[i];
    }
    this.reclip(false);
  }

  private makeRow(): HTMLDivElement {
    const row = el('div', 'vt-row', undefined, { role: 'row' });
    for (const c of this.columns) {
      if (!c.visible) continue;
      const cell = el('div', c.right ? 'vt-cell num' : 'vt-cell', undefined, { role: 'gridcell' });
      cell.style.width = `${c.width}px`;
      cell.append(document.createTextNode(''));
      row.append(cell);
    }
    this.body.append(row);
    return row;
  }

  /** Removes every row element (columns changed). */
  private dropRows(): void {
    for (const row of this.pool) row.remove();
    this.pool = [];
    this.poolPos = [];
    this.poolData = [];
    this.poolTop = [];
    this.poolAria = [];
    this.poolSel = [];
    this.poolHidden = [];
    this.poolLook = [];
  }

  /** Forgets which element shows which position (the view changed: sort, filter, new rows). */
  private unassign(): void {
    this.poolPos.fill(-1);
    this.poolData.fill(-1);
  }

  private addPoolRow(): number {
    const p = this.pool.length;
    const row = this.makeRow();
    row.id = `${this.idPrefix}-r${this.rowIds++}`;
    this.pool.push(row);
    this.poolPos.push(-1);
    this.poolData.push(-1);
    this.poolTop.push(Number.NaN);
    this.poolAria.push(-1);
    this.poolSel.push(false);
    this.poolHidden.push(false);
    this.poolLook.push(new Uint8Array(this.visibleCols.length));
    return p;
  }

  private fillRow(p: number, dataIndex: number): void {
    const rows = this.rows;
    const visible = this.visibleCols;
    const cells = this.pool[p].children;
    this.poolData[p] = dataIndex;
    for (let c = 0; c < visible.length; c++) {
      const col = visible[c];
      const v = rows.get(dataIndex, col.index);
      const sp = v === '#N/A' ? 1 : v === '#N/D' ? 2 : 0;
      const text = sp === 0 ? formatCell(v, col.spec.kind) : sp === 1 ? 'N/A' : 'N/D';
      const cell = cells[c] as HTMLElement;
      // A text node's data: device strings can never become markup.
      (cell.firstChild as Text).data = text;
      this.setLook(p, c, sp === 0 && !this.fits(text, col.width) ? 3 : sp, text);
    }
  }

  /** True when `text` surely fits a column `width` px wide (else the cell is clipped). */
  private fits(text: string, width: number): boolean {
    if (this.textFit === undefined) this.textFit = this.measureTextFit();
    return this.textFit !== null && this.textFit.fits(text, width - CELL_PADDING);
  }

  /** Writes a cell's class and tooltip when its look (see poolLook) changed; a clipped cell's tooltip is its whole text. */
  private setLook(p: number, c: number, look: number, text: string): void {
    const looks = this.poolLook[p];
    const was = looks[c];
    if (was === look && look !== 3) return;
    const cell = this.pool[p].children[c] as HTMLElement;
    if (was !== look) {
      looks[c] = look;
      cell.className = look === 1 ? 'vt-cell special na' : look === 2 ? 'vt-cell special nd' : this.visibleCols[c].right ? (look === 3 ? 'vt-cell num clip' : 'vt-cell num') : look === 3 ? 'vt-cell clip' : 'vt-cell';
    }
    if (look === 3) cell.title = text;
    else if (was !== look) cell.title = look === 1 ? '#N/A: not applicable' : look === 2 ? '#N/D: no data' : '';
  }

  /**
   * Measures the cell font for TextFit: canvas advances, and the width of a digit as the cells show
   * digits (tabular figures). Null while the table is not laid out (not in the document, or hidden):
   * measured again on mount/remeasure, and until then every cell with a text is clipped.
   */
  private measureTextFit(): TextFit | null {
    if (!this.scroller.isConnected) return null;
    const ctx = this.cellFontContext();
    if (!ctx) return null;
    ctx.fontKerning = 'none';
    const probe = el('span', 'vt-digits', '0123456789');
    this.body.append(probe);
    const digit = probe.getBoundingClientRect().width / 10;
    probe.remove();
    if (!(digit > 0)) return null; // not laid out (a hidden tab): measured again when shown
    return new TextFit((t) => ctx.measureText(t).width, digit);
  }

  /** A canvas context in the cells' font (its text widths measure the cells' text); null without one. */
  private cellFontContext(): CanvasRenderingContext2D | null {
    const ctx = document.createElement('canvas').getContext('2d');
    const style = getComputedStyle(this.scroller);
    if (!ctx || !style.fontSize) return null;
    ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    return ctx;
  }

  /** Re-decides which shown cells are clipped: the column widths changed, or (`font`) the font may have. */
  private reclip(font: boolean): void {
    if (font) this.textFit = undefined;
    const visible = this.visibleCols;
    for (let p = 0; p < this.pool.length; p++) {
      if (this.poolData[p] < 0) continue;
      const cells = this.pool[p].children;
      const looks = this.poolLook[p];
      for (let c = 0; c < visible.length && c < cells.length; c++) {
        if (looks[c] === 1 || looks[c] === 2) continue;
        const text = (cells[c].firstChild as Text).data;
        this.setLook(p, c, this.fits(text, visible[c].width) ? 0 : 3, text);
      }
    }
  }

  private renderRows(): void {
    const items = this.virtualizer.getVirtualItems();
    const total = this.virtualizer.getTotalSize();
    const bodyHeight = Math.max(0, total - HEADER_HEIGHT);
    if (bodyHeight !== this.bodyHeight) {
      this.bodyHeight = bodyHeight;
      this.body.style.height = `${bodyHeight}px`;
    }
    // Visible positions (contiguous), widened by the overscan unless this scroll jumped.
    let first = 0;
    let n = 0;
    if (items.length) {
      const visFirst = items[0].index;
      const visLast = items[items.length - 1].index;
      const jumped = this.virtualizer.isScrolling && this.renderedLast >= 0 && (visFirst > this.renderedLast || visLast < this.renderedFirst);
      const over = jumped ? 0 : OVERSCAN;
      first = Math.max(0, visFirst - over);
      n = Math.min(this.shownCount - 1, visLast + over) - first + 1;
    }
    this.renderedFirst = first;
    this.renderedLast = n ? first + n - 1 : -1;
    const { pool, poolPos, slots, free } = this;
    slots.length = n;
    slots.fill(-1);
    free.length = 0;
    for (let p = 0; p < pool.length; p++) {
      const k = poolPos[p] - first;
      if (poolPos[p] >= 0 && k >= 0 && k < n && slots[k] === -1) slots[k] = p;
      else {
        poolPos[p] = -1;
        free.push(p);
      }
    }
    // Free elements are taken from the end; keep DOM order = pool order for the first render.
    free.reverse();
    const view = this.view;
    const selected = this.selected;
    const hasSelection = selected.size > 0;
    const anchor = this.anchor;
    let activeRow: HTMLDivElement | undefined;
    for (let k = 0; k < n; k++) {
      const pos = first + k;
      let p = slots[k];
      if (p === -1) {
        p = free.length ? free.pop()! : this.addPoolRow();
        poolPos[p] = pos;
        this.poolData[p] = -1;
      }
      const rowEl = pool[p];
      const dataIndex = view ? view[pos] : pos;
      if (this.poolData[p] !== dataIndex) this.fillRow(p, dataIndex);
      if (this.poolHidden[p]) {
        this.poolHidden[p] = false;
        rowEl.hidden = false;
      }
      // Screen readers (and tests) get the row's place in the whole grid; DOM order is recycled.
      if (this.poolAria[p] !== pos) {
        this.poolAria[p] = pos;
        rowEl.setAttribute('aria-rowindex', String(pos + 2));
      }
      // `top`, not a transform: a moved row is re-positioned by layout without a paint property
      // node of its own, so rows share one paint chunk and the compositor's layerization stays cheap.
      const top = pos * ROW_HEIGHT; // fixed row height: the virtualizer never measures a row
      const was = this.poolTop[p];
      if (was !== top) {
        this.poolTop[p] = top;
        rowEl.style.top = `${top}px`;
        // Odd rows are striped by a class of their own. A striped background on the whole body
        // (a repeating gradient 2,200,000 px tall) cost ten times the rest of a frame's raster.
        const odd = (pos & 1) === 1;
        if (odd !== (((was / ROW_HEIGHT) & 1) === 1)) rowEl.classList.toggle('odd', odd); // NaN (new): even
      }
      if (dataIndex === anchor) activeRow = rowEl;
      const sel = hasSelection && selected.has(dataIndex);
      if (this.poolSel[p] !== sel) {
        this.poolSel[p] = sel;
        rowEl.classList.toggle('selected', sel);
        if (sel) rowEl.setAttribute('aria-selected', 'true');
        else rowEl.removeAttribute('aria-selected');
      }
    }
    for (let i = 0; i < free.length; i++) {
      const p = free[i];
      if (!this.poolHidden[p]) {
        this.poolHidden[p] = true;
        pool[p].hidden = true;
      }
    }
    // The focus stays on the grid; screen readers follow the row the keyboard is on.
    const active = activeRow && hasSelection ? activeRow.id : '';
    if (active !== this.activeId) {
      this.activeId = active;
      if (active) this.scroller.setAttribute('aria-activedescendant', active);
      else this.scroller.removeAttribute('aria-activedescendant');
    }
  }

  /** Id of the row element named by aria-activedescendant ('' = none). */
  private activeId = '';
  private rowIds = 0;
  private readonly idPrefix = `vt${++tableCount}`;

  private bodyHeight = -1;
  /** Positions rendered by the last renderRows (-1: none). */
  private renderedFirst = -1;
  private renderedLast = -1;

  /** Forces every pooled row to redraw (after selection or column changes). */
  private invalidate(): void {
    this.unassign();
    this.renderRows();
  }

  // ───────────── selection, copy, menu ─────────────

  private hit(e: MouseEvent): { row: number; col: number } | null {
    const cell = (e.target as HTMLElement).closest('.vt-cell');
    const p = cell?.parentElement ? this.pool.indexOf(cell.parentElement as HTMLDivElement) : -1;
    if (!cell || p < 0 || this.poolPos[p] < 0 || this.poolData[p] < 0) return null;
    const visible = this.visibleCols;
    const c = Array.prototype.indexOf.call(cell.parentElement!.children, cell) as number;
    return { row: this.poolData[p], col: visible[c] ? this.columns.indexOf(visible[c]) : -1 };
  }

  private positionOf(dataIndex: number): number {
    if (!this.view) return dataIndex;
    return this.view.indexOf(dataIndex);
  }

  private onMouseDown(e: MouseEvent): void {
    const h = this.hit(e);
    if (!h) return;
    if (e.button === 2 && this.selected.has(h.row)) return;
    this.reselect = null;
    if (e.shiftKey && this.anchor >= 0) {
      const a = this.positionOf(this.anchor);
      const b = this.positionOf(h.row);
      if (!(e.ctrlKey || e.metaKey)) this.selected.clear();
      for (let p = Math.min(a, b); p <= Math.max(a, b); p++) this.selected.add(this.view ? this.view[p] : p);
    } else if (e.ctrlKey || e.metaKey) {
      if (this.selected.has(h.row)) this.selected.delete(h.row);
      else this.selected.add(h.row);
      this.anchor = h.row;
    } else {
      this.selected.clear();
      this.selected.add(h.row);
      this.anchor = h.row;
    }
    this.renderRows();
    this.events.onStatus();
  }

  private onKey(e: KeyboardEvent): void {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c') {
      e.preventDefault();
      this.copySelected(false);
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      this.reselect = null;
      const n = this.shownCount;
      for (let p = 0; p < n; p++) this.selected.add(this.view ? this.view[p] : p);
      this.renderRows();
      this.events.onStatus();
    } else if (['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End'].includes(e.key) && !e.altKey) {
      const n = this.shownCount;
      if (!n) return;
      e.preventDefault();
      const page = Math.max(1, Math.floor((this.scroller.clientHeight - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
      const delta = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -n, End: n }[e.key] ?? 0;
      const current = this.anchor >= 0 ? this.positionOf(this.anchor) : -1;
      const pos = Math.max(0, Math.min(n - 1, current < 0 ? 0 : current + delta));
      const index = this.view ? this.view[pos] : pos;
      this.reselect = null;
      if (!e.shiftKey) this.selected.clear();
      this.selected.add(index);
      this.anchor = index;
      this.virtualizer.scrollToIndex(pos, { align: 'auto' });
      this.renderRows();
      this.events.onStatus();
    } else if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) {
      // The row menu from the keyboard, at the focused (anchor) row, first entry focused.
      e.preventDefault();
      this.openMenuFromKeyboard();
    } else if (e.key === 'Escape') {
      this.reselect = null;
      this.selected.clear();
      this.renderRows();
      this.closeMenu();
      this.events.onStatus();
    }
  }

  private cellText(row: number, col: number, exact = false): string {
    const c = this.columns[col];
    const v = this.rows.get(row, c.index);
    return exact ? exactCell(v, c.spec.kind) : formatCell(v, c.spec.kind);
  }

  /** Selected rows as tab-separated text (visible columns, in view order), with a header line. */
  selectedText(withHeader: boolean): string {
    const visible = this.visibleCols;
    const lines: string[] = [];
    if (withHeader) lines.push(visible.map((c) => c.spec.label).join('\t'));
    const order = this.view ?? null;
    const n = this.shownCount;
    for (let p = 0; p < n; p++) {
      const i = order ? order[p] : p;
      if (!this.selected.has(i)) continue;
      lines.push(visible.map((c) => formatCell(this.rows.get(i, c.index), c.spec.kind).replace(/[\t\r\n]+/g, ' ')).join('\t'));
    }
    return lines.join('\n');
  }

  /**
   * Selected rows as CSV with the visible columns, written as the CSV export writes them (labels as
   * headers, raw numbers, ISO 8601 UTC times): for a spreadsheet, where "1.23 GB" is text.
   */
  selectedCsv(): string {
    const visible = this.visibleCols;
    const rows: CellValue[][] = [];
    const order = this.view ?? null;
    const n = this.shownCount;
    for (let p = 0; p < n; p++) {
      const i = order ? order[p] : p;
      if (this.selected.has(i)) rows.push(visible.map((c) => this.rows.get(i, c.index)));
    }
    return tableToCsv({ id: 'selection', title: '', columns: visible.map((c) => c.spec), rows });
  }

  copySelected(withHeader: boolean): void {
    if (!this.selected.size) return;
    this.events.onCopy(this.selectedText(withHeader), `${this.selected.size} row${this.selected.size > 1 ? 's' : ''}`);
  }

  private openMenuFromKeyboard(): void {
    if (!this.shownCount) return;
    const row = this.anchor >= 0 && this.positionOf(this.anchor) >= 0 ? this.anchor : this.view ? this.view[0] : 0;
    this.virtualizer.scrollToIndex(this.positionOf(row), { align: 'auto' });
    this.renderRows();
    const p = this.poolData.indexOf(row);
    const rowEl = p >= 0 && this.poolPos[p] >= 0 ? this.pool[p] : undefined;
    const box = (rowEl ?? this.scroller).getBoundingClientRect();
    const col = this.visibleCols.length ? this.columns.indexOf(this.visibleCols[0]) : 0;
    this.showMenu({ row, col }, box.left + 24, rowEl ? box.bottom : box.top + HEADER_HEIGHT);
    (this.menu?.querySelector('.vt-menu-item') as HTMLElement | null)?.focus();
  }

  private onContextMenu(e: MouseEvent): void {
    const h = this.hit(e);
    if (!h) return;
    e.preventDefault();
    this.showMenu(h, e.clientX, e.clientY);
  }

  private showMenu(h: { row: number; col: number }, x: number, y: number): void {
    if (!this.selected.has(h.row)) {
      this.reselect = null;
      this.selected.clear();
      this.selected.add(h.row);
      this.anchor = h.row;
      this.invalidate();
    }
    this.closeMenu();
    const menu = el('div', 'vt-menu', undefined, { role: 'menu' });
    const item = (label: string, action: () => void): void => {
      const b = el('button', 'vt-menu-item', label, { role: 'menuitem', type: 'button' });
      b.addEventListener('click', () => {
        this.closeMenu();
        action();
      });
      menu.append(b);
    };
    const colLabel = this.columns[h.col]?.spec.label ?? '';
    item('Copy Cell', () => this.events.onCopy(this.cellText(h.row, h.col), 'cell'));
    item('Copy Exact Value', () => this.events.onCopy(this.cellText(h.row, h.col, true), 'value'));
    item(this.selected.size > 1 ? `Copy ${this.selected.size} Rows` : 'Copy Row', () => this.copySelected(false));
    item('Copy Rows with Header', () => this.copySelected(true));
    item(this.selected.size > 1 ? `Copy ${this.selected.size} Rows as CSV (Raw Values)` : 'Copy Row as CSV (Raw Values)', () =>
      this.events.onCopy(this.selectedCsv(), `${this.selected.size} row${this.selected.size > 1 ? 's' : ''} as CSV`),
    );
    item(`Copy Column “${colLabel}”`, () => {
      const n = this.shownCount;
      const out: string[] = [colLabel];
      for (let p = 0; p < n; p++) out.push(this.cellText(this.view ? this.view[p] : p, h.col));
      this.events.onCopy(out.join('\n'), 'column');
    });
    item(`Hide Column “${colLabel}”`, () => this.setColumnVisible(this.columns[h.col].spec.id, false));
    menu.style.left = `${Math.min(x, window.innerWidth - 240)}px`;
    menu.style.top = `${Math.min(y, window.innerHeight - 200)}px`;
    // Arrow keys move between the entries, Escape closes the menu and gives the focus back to the grid.
    menu.addEventListener('keydown', (ev) => {
      const items = Array.from(menu.querySelectorAll<HTMLElement>('.vt-menu-item'));
      const at = items.indexOf(document.activeElement as HTMLElement);
      const move = { ArrowDown: 1, ArrowUp: -1 }[ev.key];
      if (move) {
        ev.preventDefault();
        items[(at + move + items.length) % items.length]?.focus();
      } else if (ev.key === 'Home' || ev.key === 'End') {
        ev.preventDefault();
        items[ev.key === 'Home' ? 0 : items.length - 1]?.focus();
      } else if (ev.key === 'Escape' || ev.key === 'Tab') {
        ev.preventDefault();
        ev.stopPropagation();
        this.closeMenu();
        this.scroller.focus();
      }
    });
    document.body.append(menu);
    this.menu = menu;
  }

  private closeMenu(): void {
    const hadFocus = this.menu?.contains(document.activeElement) ?? false;
    this.menu?.remove();
    this.menu = undefined;
    if (hadFocus) this.scroller.focus();
  }
}
