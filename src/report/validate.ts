// Validation of report requests and report files against the document's rules and a device's
// source catalogue. Each problem carries the JSON path the device would name, our message (what
// to change), and the device's own wording (`module_id`/`id`/`text`/`details`, as in
// `status.messages[]`), so the simulator can refuse with the same reason.
import { validate as validateFilter, closest, topByOf, columnIndex, unknownColumn, type Source } from '../steelfilter/index';
import { TimeError, describeTimeError, formatEpoch, resolveTime, secondsToNs } from './time';
import type { DeviceMessage, ReportProblem } from './types';

export interface ValidateOptions {
  /** The catalogue of a source by name; undefined when the device has no such source. */
  getSource: (name: string) => Source | undefined;
  /** All source names of the device, for "did you mean" on an unknown source. */
  sourceNames?: string[];
  /** The catalogue could not be read: check structure only, do not call sources unknown. */
  offline?: boolean;
  /** Reference time for resolving durations (epoch ms); defaults to Date.now(). */
  now?: number;
  utc?: boolean;
}

const DATA_DEF_PROPS = ['source', 'columns', 'group_by', 'top_by', 'limit', 'time', 'filters', 'reference', 'reference_id', 'sort'];
const TIME_PROPS = ['start', 'end', 'duration', 'granularity', 'resolution', 'retention_time'];
const SOURCE_PROPS = ['name', 'path', 'type'];
const FILTER_PROPS = ['type', 'value', 'id'];
const INSTANCE_PROPS = ['live', 'idle_timeout', 'data_defs'];
const FILE_PROPS = ['$schema', 'device', ...INSTANCE_PROPS];
const FILTER_TYPES = ['STEELFILTER', 'WIRESHARK', 'BPF'];
const PACKET_PATH = /^(fs\/.+|jobs\/[^/]+|vifgs\/\d+|clips\/[^/]+)$/;

/** A refusal of the data_def after the POST: the data_def ends in state `error` with this message. */
const dm = (id: string, text: string, details: Record<string, string> = {}): DeviceMessage =>
  ({ module_id: 'report_manager', id, text, details });
/** A refusal of the POST itself: HTTP 400 with error_id REQUEST_INVALID_INPUT and this error_text. */
const req = (text: string): DeviceMessage => ({ module_id: 'request', id: 'REQUEST_INVALID_INPUT', text });

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isPacketSource(name: string | undefined, type?: unknown): boolean {
  return type === 'PACKETS' || name === 'packets' || (name ?? '').startsWith('packets');
}

class Checker {
  readonly problems: ReportProblem[] = [];
  constructor(readonly options: ValidateOptions) {}

  add(path: string, message: string, device: DeviceMessage, extra: Partial<ReportProblem> = {}, severity: ReportProblem['severity'] = 'error'): void {
    this.problems.push({ path, severity, message, device, ...extra });
  }

  unknownProps(o: Obj, allowed: string[], path: string): void {
    for (const key of Object.keys(o)) {
      if (allowed.includes(key)) continue;
      const guess = closest(key, allowed, 1);
      const at = path ? `${path}.${key}` : key;
      this.add(at, `unknown property "${key}"${guess.length ? `; did you mean "${guess[0]}"?` : ''} (allowed: ${allowed.join(', ')})`,
        req(`${path || 'Request'}: unknown property '${key}'`),
        { key: true, ...(guess.length ? { fix: { text: JSON.stringify(guess[0]), title: `Rename to "${guess[0]}"` } } : {}) });
    }
  }

  badType(path: string, what: string, value: unknown, deviceText?: string): void {
    this.add(path, `${path} must be ${what}, not ${JSON.stringify(value)}`, req(deviceText ?? `${path}: expected ${what}`));
  }

  stringArray(v: unknown, path: string, deviceText: string): string[] | undefined {
    if (!Array.isArray(v)) { this.badType(path, 'an array of column ids', v, deviceText); return undefined; }
    const out: string[] = [];
    v.forEach((x, i) => { if (typeof x === 'string') out.push(x); else this.badType(`${path}[${i}]`, 'a column id (string)', x, deviceText); });
    return out;
  }

  /** `arrayPath` is the property the device names (`data_defs[0].columns`), `path` the element. */
  column(id: string, source: Source, path: string, deviceText: string): ReturnType<ReturnType<typeof columnIndex>['get']> {
    const column = columnIndex(source).get(id);
    if (!column) {
      // The STEELFILTER core's wording and guesses, so a filter and the columns say the same.
      const { message, guesses } = unknownColumn(id, source);
      this.add(path, message, req(deviceText),
        guesses.length ? { fix: { text: JSON.stringify(guesses[0]), title: `Change to "${guesses[0]}"` } } : {});
    }
    return column;
  }

  instance(o: unknown, path: string, file: boolean): void {
    if (!isObj(o)) { this.badType(path || '(root)', 'an object', o, 'Request body must be a JSON object'); return; }
    this.unknownProps(o, file ? FILE_PROPS : INSTANCE_PROPS, path);
    if (file && (typeof o.device !== 'string' || o.device.trim() === '')) {
      this.add('device', 'give the name of a configured AppResponse device in "device"', { module_id: 'probe_explorer', id: 'missing_device', text: 'The report file names no device' });
    }
    if (o.live !== undefined && typeof o.live !== 'boolean') this.badType('live', 'true or false', o.live);
    const idle = o.idle_timeout;
    if (idle !== undefined && ((typeof idle !== 'string' && typeof idle !== 'number') || secondsToNs(idle) === undefined)) {
      this.badType('idle_timeout', 'a number of seconds as a string (like "86400")', idle);
    }
    if (!Array.isArray(o.data_defs) || o.data_defs.length === 0) {
      this.add('data_defs', o.data_defs === undefined ? 'add "data_defs": an array with at least one data definition' : 'data_defs must be a non-empty array of data definitions',
        req('data_defs: required non-empty array'));
      if (!Array.isArray(o.data_defs)) return;
    }
    o.data_defs.forEach((d, i) => this.dataDef(d, `data_defs[${i}]`, o.live === true));
  }

  dataDef(d: unknown, path: string, live: boolean): void {
    if (!isObj(d)) { this.badType(path, 'a data definition object', d, `${path}: expected an object`); return; }
    this.unknownProps(d, DATA_DEF_PROPS, path);
    const source = this.source(d.source, `${path}.source`, live);
    const columnsText = `${path}.columns: required non-empty array of column ids`;
    if (d.columns === undefined) {
      this.add(`${path}.columns`, 'add "columns": the key and metric columns to return', req(columnsText));
    } else {
      const columns = this.stringArray(d.columns, `${path}.columns`, columnsText);
      if (columns && columns.length === 0) this.add(`${path}.columns`, 'columns is empty: name at least one column', req(columnsText));
      const seen = new Set<string>();
      columns?.forEach((id, i) => {
        if (seen.has(id)) this.add(`${path}.columns[${i}]`, `column "${id}" is listed twice`, req(`${path}.columns: duplicate column '${id}'`), {}, 'warning');
        seen.add(id);
        if (source) this.column(id, source, `${path}.columns[${i}]`, `${path}.columns: unknown column '${id}' in source '${source.name}'`);
      });
    }
    if (d.group_by !== undefined) {
      const group = this.stringArray(d.group_by, `${path}.group_by`, `${path}.group_by: expected an array of column ids`);
      group?.forEach((id, i) => {
        if (!source) return;
        const column = this.column(id, source, `${path}.group_by[${i}]`, `${path}.group_by: unknown column '${id}' in source '${source.name}'`);
        if (column && column.grouped_by !== true) {
          this.add(`${path}.group_by[${i}]`, `column "${id}" is not grouped_by in source "${source.name}": only key columns (grouped_by: true) can be in group_by`,
            req(`${path}.group_by: column '${id}' is not grouped_by in source '${source.name}'`));
        }
      });
    }
    if (d.top_by !== undefined) {
      if (!Array.isArray(d.top_by)) this.badType(`${path}.top_by`, 'an array of {"id", "direction"}', d.top_by, `${path}.top_by: expected an array`);
      else d.top_by.forEach((t, i) => this.topBy(t, `${path}.top_by[${i}]`, `${path}.top_by`, source));
    }
    if (d.limit !== undefined && !(typeof d.limit === 'number' && Number.isInteger(d.limit) && d.limit >= 0)) {
      this.badType(`${path}.limit`, 'a non-negative integer', d.limit, `${path}.limit: expected a non-negative integer`);
    }
    this.time(d.time, `${path}.time`, source, live);
    if (d.filters !== undefined) {
      if (!Array.isArray(d.filters)) this.badType(`${path}.filters`, 'an array of {"type", "value"}', d.filters, `${path}.filters: expected an array`);
      else d.filters.forEach((f, i) => this.filter(f, `${path}.filters[${i}]`, `${path}.filters`, source, isObj(d.source) ? d.source : undefined));
    }
    for (const key of ['reference', 'reference_id']) {
      if (d[key] !== undefined && typeof d[key] !== 'string') this.badType(`${path}.${key}`, 'a string', d[key]);
    }
  }

  source(s: unknown, path: string, live: boolean): Source | undefined {
    if (s === undefined || !isObj(s) || typeof s.name !== 'string' || s.name === '') {
      if (s !== undefined && isObj(s)) this.unknownProps(s, SOURCE_PROPS, path);
      this.add(s === undefined ? path : `${path}.name`, 'add "source": {"name": "<source>"} (for example "aggregates" or "packets")', req(`${path}.name: required string`));
      return undefined;
    }
    this.unknownProps(s, SOURCE_PROPS, path);
    if (s.type !== undefined && s.type !== 'INDEX' && s.type !== 'PACKETS') {
      this.add(`${path}.type`, `source type must be "INDEX" or "PACKETS", not ${JSON.stringify(s.type)}`, req(`${path}.type: invalid value '${String(s.type)}' (INDEX, PACKETS)`));
    }
    const packets = isPacketSource(s.name, s.type);
    if (s.path !== undefined) {
      if (typeof s.path !== 'string') this.badType(`${path}.path`, 'a string', s.path);
      else if (!PACKET_PATH.test(s.path)) {
        this.add(`${path}.path`, `source path "${s.path}" is not one of fs/<path>.pcap, jobs/<id>, vifgs/<id>, clips/<id>`,
          req(`${path}.path: unknown packet source '${s.path}'`));
      } else if (!packets) {
        this.add(`${path}.path`, `a source path is used for packet data; source "${s.name}" ignores it`, req(`${path}.path: not used by source '${s.name}'`), {}, 'warning');
      }
    } else if (s.name === 'packets') {
      this.add(path, 'the packets source needs a "path": fs/<path>.pcap, jobs/<id>, vifgs/<id> or clips/<id>',
        req(`${path}.path: required for the packets source (fs/..., jobs/..., vifgs/..., clips/...)`));
    }
    if (live && !packets) {
      this.add(`${path}.name`, `live reports are for packet data: source "${s.name}" is not a packet source`, req(`${path}.name: live requests need a packet source`), {}, 'warning');
    }
    const source = this.options.getSource(s.name);
    if (!source && !this.options.offline) {
      const guess = closest(s.name, this.options.sourceNames ?? [], 1);
      this.add(`${path}.name`, `unknown source "${s.name}"${guess.length ? `; did you mean "${guess[0]}"?` : ''}`,
        req(`${path}.name: unknown source '${s.name}'`),
        guess.length ? { fix: { text: JSON.stringify(guess[0]), title: `Change to "${guess[0]}"` } } : {});
    }
    if (source?.info?.external_api_access === 'not_supported') {
      // The document: such a source may change in a future release, and API queries on it can cause
      // data processing gaps on the appliance. The device answers them all the same.
      this.add(`${path}.name`, `source "${s.name}" is not supported for API use on this device (external_api_access: not_supported): `
        + 'it may change or go away in future releases, and API queries on it can cause gaps in the appliance\'s data processing; prefer a supported source',
      dm('external_api_not_supported', `Source ${s.name} is not supported for API access`), {}, 'warning');
    }
    return source;
  }

  topBy(t: unknown, path: string, arrayPath: string, source: Source | undefined): void {
    if (!isObj(t)) { this.badType(path, 'an object {"id", "direction"}', t, `${arrayPath}: unknown column 'undefined'`); return; }
    this.unknownProps(t, ['id', 'direction'], path);
    if (typeof t.id !== 'string') { this.badType(`${path}.id`, 'a column id', t.id, `${arrayPath}: unknown column '${String(t.id)}'`); return; }
    const column = source ? this.column(t.id, source, `${path}.id`, `${arrayPath}: unknown column '${t.id}'`) : undefined;
    const direction = t.direction ?? 'desc';
    if (direction !== 'asc' && direction !== 'desc') {
      const guess = closest(String(direction), ['asc', 'desc'], 1);
      this.add(`${path}.direction`, `direction must be "asc" or "desc", not ${JSON.stringify(direction)}`,
        req(`${arrayPath}: invalid direction '${String(direction)}' (asc, desc)`),
        guess.length ? { fix: { text: JSON.stringify(guess[0]), title: `Change to "${guess[0]}"` } } : {});
      return;
    }
    if (!source || !column) return;
    const top = topByOf(column);
    if (top && !top[direction]) {
      const other = direction === 'asc' ? 'desc' : 'asc';
      const what = direction === 'asc' ? 'bottom talkers (asc)' : 'top talkers (desc)';
      this.add(`${path}.direction`, `source "${source.name}" cannot give ${what} by "${t.id}"${top[other] ? `: use "${other}"` : ''}`,
        req(`${arrayPath}: column '${t.id}' of source '${source.name}' cannot be topped in '${direction}' direction`),
        top[other] ? { fix: { text: JSON.stringify(other), title: `Change to "${other}"` } } : {});
    }
  }

  time(t: unknown, path: string, source: Source | undefined, live: boolean): void {
    if (t === undefined) {
      if (live) this.add(path, 'live reports need "time": {"granularity": "…", "retention_time": "…"}', req(`${path}.granularity: required for live requests`));
      else this.add(path, 'no "time": the device picks the time frame (the simulator: the last hour); add a "duration" such as "last 1 hour" to be explicit', dm('default_time', 'Default time frame'), {}, 'info');
      return;
    }
    if (!isObj(t)) { this.badType(path, 'an object', t, `${path}: expected an object`); return; }
    this.unknownProps(t, TIME_PROPS, path);
    for (const [key, v] of Object.entries(t)) {
      if (!TIME_PROPS.includes(key)) continue;
      if (typeof v !== 'string' && typeof v !== 'number') this.badType(`${path}.${key}`, 'a string', v, `${path}.${key}: expected a string`);
      else if (typeof v === 'number') {
        this.add(`${path}.${key}`, `the document writes ${key} as a string: "${v}"`, req(`${path}.${key}: expected a string`), { fix: { text: JSON.stringify(String(v)), title: 'Quote it' } }, 'warning');
      }
    }
    const seconds = (key: 'granularity' | 'resolution' | 'retention_time'): bigint | undefined => {
      const v = t[key];
      if (v === undefined || (typeof v !== 'string' && typeof v !== 'number')) return undefined;
      const ns = secondsToNs(v);
      if (ns === undefined) {
        this.add(`${path}.${key}`, `${key} must be a number of seconds (like "60" or "0.001"), not ${JSON.stringify(v)}`,
          dm(`invalid_${key}`, `Invalid ${key}: ${String(v)}`, { [key]: String(v) }));
      }
      return ns;
    };
    const granularity = seconds('granularity');
    const resolution = seconds('resolution');
    seconds('retention_time');
    if (live && t.granularity === undefined) {
      this.add(`${path}.granularity`, 'live reports need a granularity (seconds, like "1" or "0.001")', req(`${path}.granularity: required for live requests`));
    }
    const offered = source?.granularities;
    if (granularity !== undefined && granularity !== 0n && offered?.length && !offered.some((g) => secondsToNs(g) === granularity)) {
      this.add(`${path}.granularity`, `granularity "${t.granularity}" is not offered by source "${source!.name}" (offered: ${offered.join(', ')}, or "0" for automatic)`,
        dm('invalid_granularity', `Invalid granularity: ${String(t.granularity)}; supported granularities: ${offered.join(', ')}`, { granularity: String(t.granularity) }));
    }
    if (resolution !== undefined && resolution !== 0n && granularity !== undefined && granularity !== 0n) {
      if (resolution < granularity || resolution % granularity !== 0n) {
        this.add(`${path}.resolution`, `resolution "${t.resolution}" must be a multiple of the granularity "${t.granularity}"`,
          dm('invalid_resolution', `Invalid resolution: ${String(t.resolution)}; it must be a multiple of the granularity ${formatEpoch(granularity)}`, { resolution: String(t.resolution), granularity: formatEpoch(granularity) }));
      }
    }
    if (live) return;
    try {
      const str = (v: unknown) => (v === undefined ? undefined : String(v));
      resolveTime({ start: str(t.start), end: str(t.end), duration: str(t.duration) }, this.options.now ?? Date.now(), { utc: this.options.utc });
    } catch (e) {
      if (!(e instanceof TimeError)) throw e;
      const at = e.property === 'time' ? path : `${path}.${e.property}`;
      this.add(at, describeTimeError(e), e.device);
    }
  }

  filter(f: unknown, path: string, arrayPath: string, source: Source | undefined, sourceRef: Obj | undefined): void {
    if (!isObj(f) || typeof f.value !== 'string') {
      this.badType(isObj(f) ? `${path}.value` : path, 'a filter {"type", "value"} with a string value', isObj(f) ? f.value : f, `${arrayPath}: each filter needs a string 'value'`);
      return;
    }
    this.unknownProps(f, FILTER_PROPS, path);
    const type = f.type ?? 'STEELFILTER';
    if (typeof type !== 'string' || !FILTER_TYPES.includes(type)) {
      const guess = closest(String(type), FILTER_TYPES, 1);
      this.add(`${path}.type`, `filter type must be STEELFILTER, WIRESHARK or BPF, not ${JSON.stringify(type)}`,
        req(`${arrayPath}: invalid type '${String(type)}' (STEELFILTER, WIRESHARK, BPF)`),
        guess.length ? { fix: { text: JSON.stringify(guess[0]), title: `Change to ${guess[0]}` } } : {});
      return;
    }
    if (type !== 'STEELFILTER') {
      const name = typeof sourceRef?.name === 'string' ? sourceRef.name : undefined;
      if (name !== 'packets' && !isPacketSource(name, sourceRef?.type)) {
        this.add(`${path}.type`, `${type} filters work only on packet sources; source "${name ?? '?'}" needs STEELFILTER`,
          dm('unsupported_filter_type', `Filter type ${type} is supported for packet data sources only`, { filter_type: type }));
      }
      return;
    }
    const diagnostics = validateFilter(f.value, source);
    for (const d of diagnostics) {
      // The device reports the first error of a filter, in compileFilter's words.
      this.add(`${path}.value`, d.message,
        dm('invalid_filter', `Invalid STEELFILTER "${f.value.length > 120 ? f.value.slice(0, 117) + '…' : f.value}": ${d.message} (at ${d.start})`, { filter: f.value }),
        { range: { start: d.start, end: d.end }, ...(d.fix ? { fix: { text: d.fix.text, title: d.fix.title, range: { start: d.fix.start, end: d.fix.end } } } : {}) },
        d.severity);
    }
  }
}

/** Problems of one instance request (`{live?, idle_timeout?, data_defs}`), paths from its root. */
export function validateReportRequest(request: unknown, options: ValidateOptions): ReportProblem[] {
  const c = new Checker(options);
  c.instance(request, '', false);
  return c.problems;
}

/** Problems of a report file (`{device, live?, idle_timeout?, data_defs}`). */
export function validateReportFile(file: unknown, options: ValidateOptions): ReportProblem[] {
  const c = new Checker(options);
  c.instance(file, '', true);
  return c.problems;
}

/** Problems of one data_def, paths starting at `path` (default `data_defs[0]`). */
export function validateDataDef(def: unknown, options: ValidateOptions & { live?: boolean; path?: string }): ReportProblem[] {
  const c = new Checker(options);
  c.dataDef(def, options.path ?? 'data_defs[0]', options.live === true);
  return c.problems;
}

/** The source names a report refers to, to fetch their catalogues before validating. */
export function sourceNamesOf(request: unknown): string[] {
  if (!isObj(request) || !Array.isArray(request.data_defs)) return [];
  const names = new Set<string>();
  for (const d of request.data_defs) if (isObj(d) && isObj(d.source) && typeof d.source.name === 'string') names.add(d.source.name);
  return [...names];
}
