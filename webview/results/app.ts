// The results webview: toolbar, optional query bar, tabs (one per table, charts, raw JSON),
// virtualized tables fed by row chunks, charts, export/copy through the panel.
import { formatInteger, formatTimestamp, localZoneText } from '../../src/results/format';
import type { AllegroQueryBar } from '../../src/results/query';
import type { ResultsHostMessage, ResultsMeta } from '../../src/shared/protocol';
import { ChartView } from './chart';
import { clear, el, icon } from './dom';
import { QueryBar } from './queryBar';
import { VirtualTable } from './table';
import { request, saveState, settleReply, vscode } from './vscodeApi';

type ValueElement = HTMLElement & { value: string };

interface TableTab {
  id: string;
  title: string;
  table: VirtualTable;
  filter: ValueElement;
  pane: HTMLDivElement;
  status: HTMLSpanElement;
  complete: boolean;
  expected: number;
}

const AUTO_REFRESH: [number, string][] = [
  [0, 'Auto-refresh off'],
  [5, 'Every 5 s'],
  [10, 'Every 10 s'],
  [30, 'Every 30 s'],
  [60, 'Every 1 min'],
  [300, 'Every 5 min'],
];

export class ResultsApp {
  private meta?: ResultsMeta;
  private tables = new Map<string, TableTab>();
  private charts: ChartView[] = [];
  private activeTab = vscode.getState()?.activeTab ?? '';
  private readonly root: HTMLElement;
  private readonly titleEl = el('h1', 'title');
  private readonly subtitleEl = el('div', 'subtitle');
  private readonly actions = el('div', 'actions');
  private readonly progress = el('vscode-progress-bar', 'progress', undefined, { indeterminate: true });
  private readonly banner = el('div', 'banner', undefined, { role: 'status' });
  /** Shown while the rows on screen are those of an earlier query (the last one failed). */
  private readonly staleNote = el('div', 'stale-note', undefined, { role: 'status' });
  private stale = false;
  private readonly queryHost = el('div', 'query-host');
  private readonly tabBar = el('div', 'tabs', undefined, { role: 'tablist' });
  private readonly content = el('div', 'content');
  private readonly footer = el('div', 'footer');
  private readonly toast = el('div', 'toast', undefined, { role: 'status', 'aria-live': 'polite' });
  private toastTimer?: ReturnType<typeof setTimeout>;
  /** Time the last chunk of every table was painted (read by the benchmark). */
  lastPaint = 0;

  constructor(root: HTMLElement) {
    this.root = root;
    const head = el('header', 'head');
    const titles = el('div', 'titles');
    titles.append(this.titleEl, this.subtitleEl);
    head.append(titles, this.actions);
    this.progress.hidden = true;
    this.banner.hidden = true;
    this.staleNote.hidden = true;
    this.root.append(head, this.progress, this.banner, this.staleNote, this.queryHost, this.tabBar, this.content, this.footer, this.toast);
    window.addEventListener('message', (e: MessageEvent<ResultsHostMessage>) => this.onMessage(e.data));
    window.addEventListener('resize', () => this.activeTable()?.table.remeasure());
    this.titleEl.textContent = 'Results';
    this.subtitleEl.textContent = 'Waiting for the result…';
    vscode.postMessage({ type: 'ready' });
  }

  private onMessage(m: ResultsHostMessage): void {
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'result':
        this.showResult(m.meta);
        break;
      case 'rows': {
        if (!this.meta || m.seq !== this.meta.seq) return;
        const tab = this.tables.get(m.tableId);
        if (!tab) return;
        tab.table.appendRows(m.rows);
        if (m.last) {
          tab.complete = true;
          this.updateStatus(tab);
          requestAnimationFrame(() => (this.lastPaint = performance.now()));
        }
        break;
      }
      case 'busy':
        this.progress.hidden = false;
        this.showBanner(m.message, 'info');
        break;
      case 'failed':
        this.progress.hidden = true;
        if (!this.meta) this.subtitleEl.textContent = '';
        else this.markStale(true);
        this.showBanner(m.message, 'error');
        break;
      case 'reply':
        settleReply(m.requestId, m.ok, m.message);
        break;
    }
  }

  private showBanner(message: string, kind: 'info' | 'error'): void {
    clear(this.banner);
    this.banner.className = `banner ${kind}`;
    this.banner.append(icon(kind === 'error' ? 'error' : 'sync', kind === 'info' ? 'codicon-modifier-spin' : ''), el('span', 'banner-text', message));
    if (kind === 'error' && this.meta?.canRefresh !== false) {
      const retry = el('vscode-button', 'banner-retry', 'Retry', { secondary: true, icon: 'refresh' });
      retry.addEventListener('click', () => this.refresh());
      this.banner.append(retry);
    }
    this.banner.hidden = false;
  }

  /** Marks the rows on screen as those of the previous query, with the time they were fetched. */
  private markStale(on: boolean): void {
    this.stale = on;
    this.root.classList.toggle('stale', on);
    clear(this.staleNote);
    if (on && this.meta) {
      const fetched = formatTimestamp(Math.floor(this.meta.fetchedAt / 1000));
      this.staleNote.append(icon('history'), el('span', 'stale-text', `Previous result, fetched ${fetched}: the last query failed, so these rows are not its answer.`));
    }
    this.staleNote.hidden = !on;
    this.renderFooter();
  }

  private notify(text: string): void {
    this.toast.textContent = text;
    this.toast.classList.add('shown');
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => this.toast.classList.remove('shown'), 2500);
  }

  private refresh(): void {
    void request({ type: 'refresh' }).then((r) => {
      if (!r.ok && r.message) this.notify(`Refresh failed: ${r.message}`);
    });
  }

  // ───────────── a new result ─────────────

  private showResult(meta: ResultsMeta): void {
    const previous = this.meta;
    this.meta = meta;
    saveState({ restore: meta.restore });
    this.progress.hidden = true;
    this.banner.hidden = true;
    this.markStale(false);
    this.titleEl.textContent = meta.title;
    this.subtitleEl.textContent = meta.subtitle;
    this.renderActions(meta);
    if (meta.queryBar) {
      const bar = new QueryBar(
        meta.queryBar,
        meta.paging,
        (b: AllegroQueryBar) => {
          void request({ type: 'query', bar: b }).then((r) => {
            if (!r.ok && r.message) this.notify(`Query failed: ${r.message}`);
          });
        },
        meta.queryBarParts,
      );
      this.queryHost.replaceChildren(bar.root);
    } else this.queryHost.replaceChildren();

    const hidden = vscode.getState()?.hiddenColumns ?? {};
    const sameShape = previous && previous.tables.map((t) => t.id + ':' + t.columns.map((c) => c.id).join(',')).join('|') === meta.tables.map((t) => t.id + ':' + t.columns.map((c) => c.id).join(',')).join('|');
    if (!sameShape) {
      for (const t of this.tables.values()) t.table.dispose();
      this.tables.clear();
    }
    for (const c of this.charts) c.dispose();
    this.charts = [];
    clear(this.content);
    clear(this.tabBar);

    const tabIds: string[] = [];
    for (const t of meta.tables) {
      let tab = this.tables.get(t.id);
      if (tab) tab.table.setColumnsKeepingLayout(t.columns);
      else {
        tab = this.createTableTab(t.id, t.title);
        tab.table.setColumns(t.columns, hidden[t.id]);
        // The webview is dropped while its editor tab is hidden: bring back the sort, filter and widths.
        const view = vscode.getState()?.tableViews?.[t.id];
        if (view) {
          tab.table.restoreView(view);
          tab.filter.value = view.filter ?? '';
        }
        this.tables.set(t.id, tab);
      }
      tab.complete = t.rowCount === 0;
      tab.expected = t.rowCount;
      this.content.append(tab.pane);
      this.addTab(t.id, t.title, formatInteger(t.rowCount), 'table');
      tabIds.push(t.id);
    }
    if (meta.charts.length) {
      const pane = el('div', 'pane charts');
      pane.dataset.tab = 'charts';
      for (const chart of meta.charts) {
        const view = new ChartView(chart, (v) => this.exportPng(v));
        this.charts.push(view);
        pane.append(view.root);
      }
      this.content.append(pane);
      this.addTab('charts', 'Charts', String(meta.charts.length), 'graph-line');
      tabIds.push('charts');
    }
    const raw = el('div', 'pane raw');
    raw.dataset.tab = 'raw';
    // Focusable, so the keyboard can scroll a long answer (arrow keys, Page Up/Down).
    const pre = el('pre', 'raw-json', undefined, { tabindex: 0, 'aria-label': 'Raw JSON of the answer' });
    pre.textContent = meta.rawJson + (meta.rawJsonTruncated ? '\n… (cut here: export JSON for the whole answer)' : '');
    raw.append(pre);
    this.content.append(raw);
    this.addTab('raw', 'Raw JSON', undefined, 'json');
    tabIds.push('raw');
    // Keep the tab the user was on; otherwise the first table (or the charts for history answers).
    const preferred = tabIds.includes(this.activeTab) ? this.activeTab : meta.charts.length && !meta.tables.some((t) => t.rowCount > 1) ? 'charts' : tabIds[0];
    this.selectTab(preferred);
    this.renderFooter();
  }

  private renderActions(meta: ResultsMeta): void {
    clear(this.actions);
    if (meta.canRefresh) {
      const auto = el('vscode-single-select', 'auto-refresh', undefined, { title: 'Auto-refresh interval', 'aria-label': 'Auto-refresh interval' }) as ValueElement;
      for (const [s, label] of AUTO_REFRESH) {
        const o = el('vscode-option', undefined, label, { value: String(s) });
        if (s === meta.autoRefreshSeconds) o.setAttribute('selected', '');
        auto.append(o);
      }
      auto.addEventListener('change', () => {
        const seconds = Number(auto.value);
        saveState({ autoRefreshSeconds: seconds }); // a reload brings the panel back with it
        void request({ type: 'autoRefresh', seconds });
      });
      const refresh = el('vscode-button', undefined, 'Refresh', { icon: 'refresh', title: 'Run the query again', secondary: true });
      refresh.addEventListener('click', () => this.refresh());
      this.actions.append(auto, refresh);
    }
    const csv = el('vscode-button', undefined, 'CSV', { icon: 'export', secondary: true, title: 'Export the rows and columns shown as CSV into the workspace (or the device’s own CSV, where it offers one)' });
    csv.addEventListener('click', () => this.exportTable('csv'));
    const json = el('vscode-button', undefined, 'JSON', { icon: 'json', secondary: true, title: 'Export the rows and columns shown (on the Raw JSON tab, the whole answer) as JSON into the workspace' });
    json.addEventListener('click', () => this.exportTable('json'));
    this.actions.append(csv, json);
  }

  private createTableTab(id: string, title: string): TableTab {
    const pane = el('div', 'pane table-pane');
    pane.dataset.tab = id;
    const tools = el('div', 'table-tools');
    const filter = el('vscode-textfield', 'filter', undefined, { placeholder: 'Filter rows', 'aria-label': 'Filter rows', type: 'search' }) as ValueElement;
    const search = icon('filter');
    search.setAttribute('slot', 'content-before');
    filter.append(search);
    const status = el('span', 'table-status');
    const columnsBtn = el('vscode-button', 'columns-btn', 'Columns', { secondary: true, icon: 'list-selection', title: 'Show or hide columns' });
    const tab: TableTab = { id, title, pane, status, filter, complete: false, expected: 0, table: undefined as unknown as VirtualTable };
    const saveView = (): void => {
      const views = vscode.getState()?.tableViews ?? {};
      saveState({ tableViews: { ...views, [id]: { ...tab.table.viewState(), ...(filter.value.trim() ? { filter: filter.value } : {}) } } });
    };
    tab.table = new VirtualTable({
      onCopy: (text, what) => void request({ type: 'copy', text }).then((r) => r.ok && this.notify(`Copied ${what}`)),
      onStatus: () => this.updateStatus(tab),
      onHiddenChange: (ids) => {
        const all = vscode.getState()?.hiddenColumns ?? {};
        saveState({ hiddenColumns: { ...all, [id]: ids } });
      },
      onViewChange: saveView,
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    filter.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        tab.table.setFilter(filter.value);
        saveView();
      }, 120);
    });
    columnsBtn.addEventListener('click', (e) => this.columnChooser(tab, e.currentTarget as HTMLElement));
    tools.append(filter, columnsBtn, status);
    pane.append(tools, tab.table.root);
    return tab;
  }

  private columnChooser(tab: TableTab, anchor: HTMLElement): void {
    document.querySelector('.column-chooser')?.remove();
    const pop = el('div', 'column-chooser', undefined, { role: 'dialog', 'aria-label': 'Columns' });
    const head = el('div', 'chooser-head', 'Columns');
    const close = el('vscode-button', 'chooser-close', undefined, { icon: 'close', secondary: true, 'aria-label': 'Close' });
    close.addEventListener('click', () => {
      pop.remove();
      anchor.focus();
    });
    head.append(close);
    pop.append(head);
    for (const c of tab.table.columnStates) {
      const box = el('vscode-checkbox', 'chooser-item', undefined, { label: c.label }) as HTMLElement & { checked: boolean };
      box.checked = c.visible;
      box.addEventListener('change', () => tab.table.setColumnVisible(c.id, box.checked));
      pop.append(box);
    }
    const r = anchor.getBoundingClientRect();
    pop.style.top = `${r.bottom + 4}px`;
    pop.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - 280))}px`;
    document.body.append(pop);
    const off = (e: MouseEvent): void => {
      if (!pop.contains(e.target as Node) && e.target !== anchor) {
        pop.remove();
        document.removeEventListener('mousedown', off);
      }
    };
    setTimeout(() => document.addEventListener('mousedown', off));
    // From the keyboard: the first checkbox takes the focus, Escape closes and gives it back.
    pop.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopPropagation();
      pop.remove();
      document.removeEventListener('mousedown', off);
      anchor.focus();
    });
    // After the element has rendered (a focus() before that is lost) and the button's own key handling.
    requestAnimationFrame(() => (pop.querySelector('vscode-checkbox') as HTMLElement | null)?.focus());
  }

  private addTab(id: string, title: string, badge: string | undefined, iconName: string): void {
    // WAI-ARIA tabs: one tab in the Tab order (the selected one), arrow keys move between tabs.
    const b = el('button', 'tab', undefined, { role: 'tab', type: 'button', 'aria-selected': 'false', id: `tab-${id}`, 'aria-controls': `panel-${id}`, tabindex: -1 });
    b.dataset.tab = id;
    b.append(icon(iconName), el('span', 'tab-label', title));
    if (badge !== undefined) b.append(el('span', 'tab-badge', badge));
    b.addEventListener('click', () => this.selectTab(id));
    b.addEventListener('keydown', (e) => this.onTabKey(e, id));
    this.tabBar.append(b);
    const pane = Array.from(this.content.children).find((p) => (p as HTMLElement).dataset.tab === id) as HTMLElement | undefined;
    if (pane) {
      pane.id = `panel-${id}`;
      pane.setAttribute('role', 'tabpanel');
      pane.setAttribute('aria-labelledby', `tab-${id}`);
    }
  }

  private onTabKey(e: KeyboardEvent, id: string): void {
    const ids = (Array.from(this.tabBar.children) as HTMLElement[]).map((b) => b.dataset.tab ?? '');
    const at = ids.indexOf(id);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: ids.length - 1 }[e.key];
    if (next === undefined || !ids.length) return;
    e.preventDefault();
    const target = ids[(next + ids.length) % ids.length];
    this.selectTab(target);
    (this.tabBar.querySelector(`[data-tab="${CSS.escape(target)}"]`) as HTMLElement | null)?.focus();
  }

  private selectTab(id: string): void {
    this.activeTab = id;
    saveState({ activeTab: id });
    for (const b of Array.from(this.tabBar.children) as HTMLElement[]) {
      const on = b.dataset.tab === id;
      b.classList.toggle('active', on);
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    for (const p of Array.from(this.content.children) as HTMLElement[]) p.hidden = p.dataset.tab !== id;
    const tab = this.tables.get(id);
    if (tab) {
      tab.table.mount();
      tab.table.remeasure();
    }
    if (id === 'charts') for (const c of this.charts) c.show();
    this.renderFooter();
  }

  private activeTable(): TableTab | undefined {
    return this.tables.get(this.activeTab);
  }

  private updateStatus(tab: TableTab): void {
    const t = tab.table;
    const parts = [`${formatInteger(t.rowCount)}${tab.complete ? '' : ` of ${formatInteger(tab.expected)}`} rows`];
    if (t.shownCount !== t.rowCount) parts.push(`${formatInteger(t.shownCount)} shown`);
    if (t.selectedCount) parts.push(`${formatInteger(t.selectedCount)} selected`);
    tab.status.textContent = parts.join(' · ');
  }

  private renderFooter(): void {
    const m = this.meta;
    if (!m) return;
    // Times on screen are the analyst's local time; exports are UTC: say the zone once, here.
    const parts = [`${this.stale ? 'Previous result · fetched' : 'Fetched'} ${formatTimestamp(Math.floor(m.fetchedAt / 1000))}${m.elapsedMs !== undefined ? ` in ${formatInteger(m.elapsedMs)} ms` : ''}`, `times in local time (${localZoneText(new Date(m.fetchedAt))})`];
    if (m.notes?.length) parts.push(...m.notes);
    this.footer.textContent = parts.join(' · ');
  }

  // ───────────── export ─────────────

  private exportTable(format: 'csv' | 'json'): void {
    const tab = this.activeTable() ?? (format === 'csv' ? this.tables.values().next().value : undefined);
    // The table as shown (filter, sort, hidden columns live here): row indices and column ids, not rows.
    const rows = tab?.table.shownRows();
    const msg = tab && this.meta
      ? { type: 'export' as const, format, tableId: tab.id, view: { seq: this.meta.seq, columnIds: tab.table.visibleColumnIds(), ...(rows ? { rows } : {}) } }
      : { type: 'export' as const, format };
    void request(msg).then((r) => this.notify(r.ok ? `Exported to ${r.message ?? 'the workspace'}` : `Export failed: ${r.message ?? ''}`));
  }

  private exportPng(view: ChartView): void {
    void request({ type: 'exportPng', chartId: view.chart.id, title: view.chart.title, dataUrl: view.toPng() }).then((r) =>
      this.notify(r.ok ? `Saved ${r.message ?? 'the chart'}` : `Export failed: ${r.message ?? ''}`),
    );
  }
}
