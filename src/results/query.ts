// The Allegro list query (query bar of the results view) and its mapping to URL parameters.
// Pure: the panel, the webview and the tests share it.
import { COUNTER_SETS, isCounterArray, isHistoryObject } from './allegro';
import { formatTimestamp } from './format';

export type AllegroQueryValue = string | number | boolean;
/** Query parameters of an Allegro GET, as sent. Unknown keys are passed through unchanged. */
export type AllegroQuery = Record<string, AllegroQueryValue>;

/** The time presets of the query bar; `live` means no starttime/endtime (real-time counters). */
export type TimePreset = 'live' | 'last15m' | 'last1h' | 'last24h' | 'custom';

export const TIME_PRESET_SECONDS: Record<Exclude<TimePreset, 'live' | 'custom'>, number> = {
  last15m: 15 * 60,
  last1h: 60 * 60,
  last24h: 24 * 60 * 60,
};

export const ALLEGRO_SORT_KEYS = ['bytes', 'rxbytes', 'txbytes', 'bps', 'rxbps', 'txbps'] as const;

/** Maximum `count` of one Allegro list page (documented). */
export const ALLEGRO_MAX_COUNT = 100;

/** The query bar's state. Kept in the webview state and in the panel's restore state. */
export interface AllegroQueryBar {
  sort?: string;
  reverse?: boolean;
  page?: number;
  count?: number;
  /** Fetch every page (page 0..numberOfPages-1) and concatenate displayedItems. */
  allPages?: boolean;
  timePreset?: TimePreset;
  /** Epoch seconds, only for timePreset 'custom'. */
  starttime?: number;
  endtime?: number;
  timespan?: number;
  values?: number;
  mmId?: string;
  group?: number;
}

/**
 * True when a path names a list the device pages (its answer has displayedItems), e.g. ips_paged,
 * peers. Not `ips`: the document's own script reads it as a plain array of addresses, unpaged.
 * Only a first guess, before the answer: the answer decides (queryBarPartsOf).
 */
export function isAllegroListPath(path: string): boolean {
  const last = path.replace(/\/+$/, '').split('/').pop() ?? '';
  return /_paged$|^(peers|peers_ports|ports|connections|protocols|macs|globalConnections)$/.test(last);
}

/** Which parts of the query bar a node takes. Mm-id and group apply to every request. */
export interface QueryBarParts {
  /** sort, reverse, page/count with previous/next, all pages: a list the device pages (displayedItems). */
  paging: boolean;
  /** starttime/endtime: presets and a custom interval. */
  time: boolean;
  /** timespan and values: the resolution and length of history objects. */
  history: boolean;
}

export const ALL_QUERY_BAR_PARTS: QueryBarParts = { paging: true, time: true, history: true };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The parts of the query bar that apply to a node, read from its answer (reference: "List
 * queries", "Time interval selection"): a list with displayedItems is paged and sorted by the
 * device; a plain array (e.g. `ips`) is neither; an object with traffic counters takes a time
 * interval (its `interval` counters follow it) and, when it carries history, timespan and values.
 * Anything else (system info, a module summary) has no query bar.
 */
export function queryBarPartsOf(answer: unknown): QueryBarParts | undefined {
  const v = isObject(answer) && isObject(answer.asyncResult) ? answer.asyncResult : answer;
  if (Array.isArray(v)) return { paging: false, time: true, history: false };
  if (!isObject(v)) return undefined;
  if (Array.isArray(v.displayedItems)) return { ...ALL_QUERY_BAR_PARTS };
  const values = Object.values(v);
  const history = values.some((x) => isHistoryObject(x) || (isObject(x) && typeof x.timespan === 'number' && Array.isArray(x.rows)));
  const counters = COUNTER_SETS.some((set) => isCounterArray(v[set]));
  return counters || history ? { paging: false, time: true, history } : undefined;
}

const TIME_PRESETS: readonly TimePreset[] = ['live', 'last15m', 'last1h', 'last24h', 'custom'];
const QUERY_BAR_NUMBERS = ['page', 'count', 'starttime', 'endtime', 'timespan', 'values', 'group'] as const;

/** Reads a query bar kept in a restore state (it comes back from the webview): known fields of the right type only. */
export function queryBarOf(value: unknown): AllegroQueryBar | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const bar: AllegroQueryBar = {};
  if (typeof v.sort === 'string') bar.sort = v.sort;
  if (typeof v.reverse === 'boolean') bar.reverse = v.reverse;
  if (typeof v.allPages === 'boolean') bar.allPages = v.allPages;
  if (typeof v.timePreset === 'string' && (TIME_PRESETS as readonly string[]).includes(v.timePreset)) bar.timePreset = v.timePreset as TimePreset;
  for (const key of QUERY_BAR_NUMBERS) {
    const n = v[key];
    if (typeof n === 'number' && Number.isFinite(n)) bar[key] = n;
  }
  if (typeof v.mmId === 'string') bar.mmId = v.mmId;
  return bar;
}

const QUERY_BAR_KEYS = ['sort', 'reverse', 'page', 'count', 'starttime', 'endtime', 'timespan', 'values', 'mm-id', 'group'];

/** Reads a query bar from query parameters (the inverse of applyQueryBar, time presets become custom). */
export function queryBarFrom(query: AllegroQuery): AllegroQueryBar {
  const num = (v: AllegroQueryValue | undefined): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const bar: AllegroQueryBar = {};
  if (query.sort !== undefined) bar.sort = String(query.sort);
  if (query.reverse !== undefined) bar.reverse = query.reverse === true || query.reverse === 'true';
  bar.page = num(query.page);
  bar.count = num(query.count);
  bar.timespan = num(query.timespan);
  bar.values = num(query.values);
  bar.group = num(query.group);
  if (query['mm-id'] !== undefined) bar.mmId = String(query['mm-id']);
  const start = num(query.starttime);
  const end = num(query.endtime);
  if (start !== undefined && end !== undefined) {
    bar.timePreset = 'custom';
    bar.starttime = start;
    bar.endtime = end;
  } else bar.timePreset = 'live';
  for (const key of Object.keys(bar) as (keyof AllegroQueryBar)[]) if (bar[key] === undefined) delete bar[key];
  return bar;
}

/** The query of a list's own CSV on the device (csv=true): the same list (sort, time, scope) with every item, so no page or count. */
export function deviceCsvQuery(query: AllegroQuery): AllegroQuery {
  const out: AllegroQuery = {};
  for (const [k, v] of Object.entries(query)) if (k !== 'page' && k !== 'count') out[k] = v;
  out.csv = true;
  return out;
}

/** Why a query bar cannot be sent, and which of its fields to mark. */
export interface QueryBarProblem {
  fields: ('starttime' | 'endtime')[];
  message: string;
}

/**
 * What keeps a query bar from being sent: a custom interval without both ends, or one that ends
 * before it starts (the device answers HTTP 400 "endtime is before starttime") or when it starts
 * (an empty interval). Times in the message are local, as the fields show them.
 */
export function queryBarProblem(bar: AllegroQueryBar, parts: QueryBarParts = ALL_QUERY_BAR_PARTS): QueryBarProblem | undefined {
  if (!parts.time || bar.timePreset !== 'custom') return undefined;
  const { starttime: start, endtime: end } = bar;
  if (start === undefined || end === undefined) {
    const fields = [...(start === undefined ? ['starttime' as const] : []), ...(end === undefined ? ['endtime' as const] : [])];
    return { fields, message: `Enter the ${fields.length === 2 ? 'start and the end' : fields[0] === 'starttime' ? 'start' : 'end'} of the interval.` };
  }
  if (end < start) return { fields: ['starttime', 'endtime'], message: `The end (${formatTimestamp(end)}) is before the start (${formatTimestamp(start)}).` };
  if (end === start) return { fields: ['starttime', 'endtime'], message: `The start and the end are the same time (${formatTimestamp(start)}): the interval is empty.` };
  return undefined;
}

/**
 * Builds the query parameters from a base query and the query bar. Keys the bar does not know
 * (csv, skiphistorydata, detail…) are kept from the base. `nowSeconds` resolves the time presets.
 */
export function applyQueryBar(base: AllegroQuery, bar: AllegroQueryBar, nowSeconds: number, parts: QueryBarParts = ALL_QUERY_BAR_PARTS): AllegroQuery {
  const out: AllegroQuery = {};
  for (const [k, v] of Object.entries(base)) if (!QUERY_BAR_KEYS.includes(k)) out[k] = v;
  if (parts.paging) {
    if (bar.sort) out.sort = bar.sort;
    if (bar.reverse !== undefined) out.reverse = bar.reverse;
    if (bar.page !== undefined) out.page = Math.max(0, Math.floor(bar.page));
    if (bar.count !== undefined) out.count = Math.min(ALLEGRO_MAX_COUNT, Math.max(1, Math.floor(bar.count)));
  }
  const preset = parts.time ? (bar.timePreset ?? 'live') : 'live';
  if (preset === 'custom') {
    if (bar.starttime !== undefined && bar.endtime !== undefined) {
      out.starttime = Math.floor(bar.starttime);
      out.endtime = Math.floor(bar.endtime);
    }
  } else if (preset !== 'live') {
    const end = Math.floor(nowSeconds);
    out.starttime = end - TIME_PRESET_SECONDS[preset];
    out.endtime = end;
  }
  if (parts.history && bar.timespan !== undefined && bar.timespan > 0) out.timespan = Math.floor(bar.timespan);
  if (parts.history && bar.values !== undefined && bar.values > 0) out.values = Math.floor(bar.values);
  if (bar.mmId) out['mm-id'] = bar.mmId;
  if (bar.group !== undefined && bar.group > 0) out.group = Math.floor(bar.group);
  return out;
}
