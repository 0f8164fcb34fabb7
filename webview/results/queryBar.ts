// Query bar of Allegro nodes: sort, reverse, page/count with previous/next and all pages (lists
// the device pages), time interval presets or custom start/end (lists and objects with counters),
// timespan and values (history), mm-id slot and link group. Only the parts that apply to the node
// are shown. Every change re-queries (text fields on Enter or when they lose focus).
import type { PagingInfo } from '../../src/results/model';
import { ALL_QUERY_BAR_PARTS, ALLEGRO_MAX_COUNT, ALLEGRO_SORT_KEYS, queryBarProblem, type AllegroQueryBar, type QueryBarParts, type QueryBarProblem, type TimePreset } from '../../src/results/query';
import { el } from './dom';

type ValueElement = HTMLElement & { value: string };
type CheckElement = HTMLElement & { checked: boolean };

const PRESETS: [TimePreset, string][] = [
  ['live', 'Live (real-time counters)'],
  ['last15m', 'Last 15 minutes'],
  ['last1h', 'Last 1 hour'],
  ['last24h', 'Last 24 hours'],
  ['custom', 'Custom interval…'],
];

function select(options: [string, string][], value: string, label: string): ValueElement {
  const s = el('vscode-single-select', 'qb-select', undefined, { 'aria-label': label, title: label }) as ValueElement;
  for (const [v, text] of options) {
    const o = el('vscode-option', undefined, text, { value: v });
    if (v === value) o.setAttribute('selected', '');
    s.append(o);
  }
  return s;
}

function field(value: string, label: string, type: string, width: string, placeholder = ''): ValueElement {
  const f = el('vscode-textfield', 'qb-field', undefined, { type, 'aria-label': label, title: label, placeholder }) as ValueElement;
  f.value = value;
  f.style.width = width;
  return f;
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  const wrap = el('label', 'qb-item');
  wrap.append(el('span', 'qb-label', text), control);
  return wrap;
}

/** epoch seconds ↔ the value of an <input type=datetime-local> (local time). */
function toLocalInput(epoch?: number): string {
  if (epoch === undefined) return '';
  const d = new Date(epoch * 1000 - new Date(epoch * 1000).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}
function fromLocalInput(text: string): number | undefined {
  if (!text) return undefined;
  const t = new Date(text).getTime();
  return Number.isFinite(t) ? Math.floor(t / 1000) : undefined;
}

export class QueryBar {
  readonly root: HTMLDivElement;
  private readonly startField: ValueElement;
  private readonly endField: ValueElement;
  /** Why the bar is not sent (an interval ending before it starts), beside the fields. */
  private readonly problemText = el('span', 'qb-problem', undefined, { role: 'alert' });

  constructor(
    private bar: AllegroQueryBar,
    paging: PagingInfo | undefined,
    private readonly onChange: (bar: AllegroQueryBar) => void,
    parts: QueryBarParts = ALL_QUERY_BAR_PARTS,
  ) {
    this.root = el('div', 'querybar', undefined, { role: 'toolbar', 'aria-label': 'Query' });
    const b = bar;
    const num = (v: string): number | undefined => (v.trim() === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));
    const commit = (patch: Partial<AllegroQueryBar>): void => {
      this.bar = { ...this.bar, ...patch };
      for (const k of Object.keys(this.bar) as (keyof AllegroQueryBar)[]) if (this.bar[k] === undefined) delete this.bar[k];
      // A query the device would refuse is marked, not sent; the next edit that fixes it sends it.
      const problem = queryBarProblem(this.bar, parts);
      this.showProblem(problem);
      if (!problem) this.onChange(this.bar);
    };
    const onCommit = (f: ValueElement, apply: (v: string) => void): void => {
      f.addEventListener('change', () => apply(f.value));
      f.addEventListener('keydown', (e) => {
        if ((e as KeyboardEvent).key === 'Enter') apply(f.value);
      });
    };

    const sort = select([['', '(device default)'], ...ALLEGRO_SORT_KEYS.map((k): [string, string] => [k, k])], b.sort ?? '', 'sort: sorting criterion');
    sort.addEventListener('change', () => commit({ sort: sort.value || undefined, page: 0 }));
    const reverse = el('vscode-checkbox', 'qb-check', undefined, { label: 'descending', title: 'reverse: sort descending' }) as CheckElement;
    reverse.checked = b.reverse ?? false;
    reverse.addEventListener('change', () => commit({ reverse: reverse.checked, page: 0 }));

    const count = field(String(b.count ?? ''), `count: entries per page (max ${ALLEGRO_MAX_COUNT})`, 'number', '64px', '100');
    onCommit(count, (v) => commit({ count: num(v), page: 0 }));

    const page = b.page ?? 0;
    const pages = paging?.numberOfPages;
    const prev = el('vscode-button', 'qb-btn', undefined, { secondary: true, icon: 'chevron-left', title: 'Previous page', 'aria-label': 'Previous page' });
    const next = el('vscode-button', 'qb-btn', undefined, { secondary: true, icon: 'chevron-right', title: 'Next page', 'aria-label': 'Next page' });
    if (page <= 0 || b.allPages) prev.setAttribute('disabled', '');
    if ((pages !== undefined && page >= pages - 1) || b.allPages) next.setAttribute('disabled', '');
    prev.addEventListener('click', () => commit({ page: Math.max(0, page - 1) }));
    next.addEventListener('click', () => commit({ page: page + 1 }));
    const pageText = b.allPages
      ? `all ${paging?.numberOfItems ?? ''} items`.replace('  ', ' ')
      : `page ${page + 1}${pages !== undefined ? ` of ${Math.max(1, pages)}` : ''}${paging?.numberOfItems !== undefined ? ` · ${paging.numberOfItems} items` : ''}`;
    const pageLabel = el('span', 'qb-page', pageText);
    const all = el('vscode-checkbox', 'qb-check', undefined, { label: 'all pages', title: 'Fetch every page and show them as one table' }) as CheckElement;
    all.checked = b.allPages ?? false;
    all.addEventListener('change', () => commit({ allPages: all.checked, page: 0 }));

    const preset = select(PRESETS, b.timePreset ?? 'live', 'Time interval (starttime / endtime)');
    const start = (this.startField = field(toLocalInput(b.starttime), 'starttime', 'datetime-local', '190px'));
    const end = (this.endField = field(toLocalInput(b.endtime), 'endtime', 'datetime-local', '190px'));
    const custom = el('span', 'qb-custom');
    custom.append(start, el('span', 'qb-sep', '→'), end, this.problemText);
    custom.hidden = (b.timePreset ?? 'live') !== 'custom';
    preset.addEventListener('change', () => {
      const p = preset.value as TimePreset;
      custom.hidden = p !== 'custom';
      if (p === 'custom') {
        const now = Math.floor(Date.now() / 1000);
        const s = this.bar.starttime ?? now - 3600;
        const e = this.bar.endtime ?? now;
        start.value = toLocalInput(s);
        end.value = toLocalInput(e);
        commit({ timePreset: p, starttime: s, endtime: e });
      } else commit({ timePreset: p, starttime: undefined, endtime: undefined });
    });
    onCommit(start, (v) => commit({ starttime: fromLocalInput(v) }));
    onCommit(end, (v) => commit({ endtime: fromLocalInput(v) }));

    const timespan = field(String(b.timespan ?? ''), 'timespan: resolution of the history data, seconds', 'number', '64px', 's');
    onCommit(timespan, (v) => commit({ timespan: num(v) }));
    const values = field(String(b.values ?? ''), 'values: maximal number of values in history objects', 'number', '64px');
    onCommit(values, (v) => commit({ values: num(v) }));
    const mmId = field(b.mmId ?? '', 'mm-id: <device>:<slot>, e.g. :1 for the first PCAP analysis slot', 'text', '90px', ':0');
    onCommit(mmId, (v) => commit({ mmId: v.trim() || undefined }));
    const group = field(String(b.group ?? ''), 'group: virtual link group index (0 = default)', 'number', '52px', '0');
    onCommit(group, (v) => commit({ group: num(v) }));

    const paging1 = el('span', 'qb-item qb-paging');
    paging1.append(prev, pageLabel, next);
    const groups: HTMLElement[][] = [];
    // Sorting and paging only where the device sorts and pages (displayedItems lists).
    if (parts.paging) groups.push([labelled('Sort', sort), reverse], [labelled('Count', count), paging1, all]);
    const time: HTMLElement[] = [];
    if (parts.time) time.push(labelled('Time', preset), custom);
    if (parts.history) time.push(labelled('Timespan', timespan), labelled('Values', values));
    if (time.length) groups.push(time);
    groups.push([labelled('mm-id', mmId), labelled('Group', group)]);
    groups.forEach((g, i) => {
      if (i) this.root.append(el('span', 'qb-divider'));
      this.root.append(...g);
    });
    this.showProblem(queryBarProblem(b, parts));
  }

  private showProblem(problem: QueryBarProblem | undefined): void {
    for (const [name, f] of [['starttime', this.startField], ['endtime', this.endField]] as const) {
      const bad = problem?.fields.includes(name) ?? false;
      f.toggleAttribute('invalid', bad);
      if (bad) f.setAttribute('aria-invalid', 'true');
      else f.removeAttribute('aria-invalid');
    }
    this.problemText.textContent = problem ? `${problem.message} Not sent.` : '';
    this.problemText.hidden = !problem;
  }
}
