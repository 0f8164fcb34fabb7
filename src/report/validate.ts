// Validation of report requests and report files against the document's rules and a device's
// source catalogue. Each problem carries the JSON path the device would name, our message (what
// to change), and the device's own wording (`module_id`/`id`/`text`/`details`, as in
// `status.messages[]`), so the simulator can refuse with the same reason.
import { validate as validateFilter, closest, topByOf, columnIndex, type Source } from '../steelfilter/index';
import { TimeError, parseEpoch, resolveTime } from './time';
import type { DeviceMessage, ReportProblem } from './types';

export interface ValidateOptions {
  /** The catalogue of a source by name; undefined when the device has no such source. */
  getSource: (name: string) => Source | undefined;
  /** All source names of the device, for "did you mean" on an unknown source. */
  sourceNames?: string[];
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

const dm = (id: string, text: string, details: Record<string, string> = {}): DeviceMessage =>
  ({ module_id: 'report_manager', id, text, details });

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
        { module_id: 'request', id: 'REQUEST_INVALID_INPUT', text: `Request parsing error: unknown property '${key}' at ${at}`, details: { property: at } },
        { key: true, ...(guess.length ? { fix: { text: JSON.stringify(guess[0]), title: `Rename to "${guess[0]}"` } } : {}) });
    }
  }

  badType(path: string, what: string, value: unknown): void {
    this.add(path, `${path} must be ${what}, not ${JSON.stringify(value)}`,
      { module_id: 'request', id: 'REQUEST_INVALID_INPUT', text: `Request parsing error: invalid value for ${path}: expected ${what}`, details: { property: path } });
  }

  stringArray(v: unknown, path: string): string[] | undefined {
    if (!Array.isArray(v)) { this.badType(path, 'an array of column ids', v); return undefined; }
    const out: string[] = [];
    v.forEach((x, i) => { if (typeof x === 'string') out.push(x); else this.badType(`${path}[${i}]`, 'a column id (string)', x); });
    return out;
  }

  column(id: string, source: Source, path: string): ReturnType<ReturnType<typeof columnIndex>['get']> {
    const column = columnIndex(source).get(id);
    if (!column) {
      const guess = closest(id, columnIndex(source).keys(), 3);
      this.add(path, `unknown column "${id}" in source "${source.name}"${guess.length ? `; did you mean ${guess.map((g) => `"${g}"`).join(', ')}?` : ''}`,
        dm('unknown_column', `Unknown column: ${id}`, { column: id, source: source.name }),
        guess.length ? { fix: { text: JSON.stringify(guess[0]), title: `Change to "${guess[0]}"` } } : {});
    }
    return column;
  }

  instance(o: unknown, path: string, file: boolean): void {
    if (!isObj(o)) { this.badType(path || '(root)', 'an object', o); return; }
    this.unknownProps(o, file ? FILE_PROPS : INSTANCE_PROPS, path);
    if (file && (typeof o.device !== 'string' || o.device.trim() === '')) {
      this.add('device', 'give the name of a configured AppResponse device in "device"', dm('missing_device', 'Missing device'));
    }
    if (o.live !== undefined && typeof o.live !== 'boolean') this.badType('live', 'true or false', o.live);
    const idle = o.idle_timeout;
    if (idle !== undefined && ((typeof idle !== 'string' && typeof idle !== 'number') || parseEpoch(String(idle)) === undefined)) {
      this.badType('idle_timeout', 'a number of seconds as a string (like "86400")', o.idle_timeout);
    }
    if (!Array.isArray(o.data_defs)) {
      this.add('data_defs', o.data_defs === undefined ? 'add "data_defs": an array with at least one data definition' : 'data_defs must be an array of data definitions',
        { module_id: 'request', id: 'REQUEST_INVALID_INPUT', text: 'Request parsing error: data_defs is required and must be an array', details: { property: 'data_defs' } });
      return;
    }
    if (o.data_defs.length === 0) {
      this.add('data_defs', 'data_defs is empty: add at least one data definition', dm('empty_data_defs', 'No data definitions'));
    }
    o.data_defs.forEach((d, i) => this.dataDef(d, `data_defs[${i}]`, o.live === true));
  }

  dataDef(d: unknown, path: string, live: boolean): void {
    if (!isObj(d)) { this.badType(path, 'a data definition object', d); return; }
    this.unknownProps(d, DATA_DEF_PROPS, path);
    const source = this.source(d.source, `${path}.source`, live);
    if (d.columns === undefined) {
      this.add(`${path}.columns`, 'add "columns": the key and metric columns to return', dm('missing_columns', 'Missing columns'));
    } else {
      const columns = this.stringArray(d.columns, `${path}.columns`);
      if (columns && columns.length === 0) this.add(`${path}.columns`, 'columns is empty: name at least one column', dm('missing_columns', 'Missing columns'));
      const seen = new Set<string>();
      columns?.forEach((id, i) => {
        if (seen.has(id)) this.add(`${path}.columns[${i}]`, `column "${id}" is listed twice`, dm('duplicate_column', `Duplicate column: ${id}`, { column: id }), {}, 'warning');
        seen.add(id);
        if (source) this.column(id, source, `${path}.columns[${i}]`);
      });
    }
    if (d.group_by !== undefined) {
      const group = this.stringArray(d.group_by, `${path}.group_by`);
      group?.forEach((id, i) => {
        if (!source) return;
        const column = this.column(id, source, `${path}.group_by[${i}]`);
        if (column && column.grouped_by !== true) {
          this.add(`${path}.group_by[${i}]`, `column "${id}" is not grouped_by in source "${source.name}": only key columns (grouped_by: true) can be in group_by`,
            dm('invalid_group_by_column', `Column cannot be used in group_by: ${id}`, { column: id, source: source.name }));
        }
      });
    }
    if (d.top_by !== undefined) {
      if (!Array.isArray(d.top_by)) this.badType(`${path}.top_by`, 'an array of {"id", "direction"}', d.top_by);
      else d.top_by.forEach((t, i) => this.topBy(t, `${path}.top_by[${i}]`, source));
    }
    if (d.limit !== undefined && !(typeof d.limit === 'number' && Number.isInteger(d.limit) && d.limit >= 1)) {
      this.badType(`${path}.limit`, 'a positive integer', d.limit);
    }
    this.time(d.time, `${path}.time`, source, live);
    if (d.filters !== undefined) {
      if (!Array.isArray(d.filters)) this.badType(`${path}.filters`, 'an array of {"type", "value"}', d.filters);
      else d.filters.forEach((f, i) => this.filter(f, `${path}.filters[${i}]`, source, isObj(d.source) ? d.source : undefined));
    }
    for (const key of ['reference', 'reference_id']) {
      if (d[key] !== undefined && typeof d[key] !== 'string') this.badType(`${path}.${key}`, 'a string', d[key]);
    }
  }

  source(s: unknown, path: string, live: boolean): Source | undefined {
    if (s === undefined) {
      this.add(path, 'add "source": {"name": "<source>"} (for example "aggregates" or "packets")', dm('missing_source', 'Missing source'));
      return undefined;
    }
    if (!isObj(s)) { this.badType(path, 'an object with "name"', s); return undefined; }
    this.unknownProps(s, SOURCE_PROPS, path);
    if (typeof s.name !== 'string' || s.name === '') { this.badType(`${path}.name`, 'a source name', s.name); return undefined; }
    if (s.type !== undefined && s.type !== 'INDEX' && s.type !== 'PACKETS') {
      this.add(`${path}.type`, `source type must be "INDEX" or "PACKETS", not ${JSON.stringify(s.type)}`, dm('invalid_source_type', `Invalid source type: ${String(s.type)}`, { type: String(s.type) }));
    }
    const packets = isPacketSource(s.name, s.type);
    if (s.path !== undefined) {
      if (typeof s.path !== 'string') this.badType(`${path}.path`, 'a string', s.path);
      else if (!PACKET_PATH.test(s.path)) {
        this.add(`${path}.path`, `source path "${s.path}" is not one of fs/<path>.pcap, jobs/<id>, vifgs/<id>, clips/<id>`,
          dm('invalid_source_path', `Invalid source path: ${s.path}`, { path: s.path }));
      } else if (!packets) {
        this.add(`${path}.path`, `a source path is used for packet data; source "${s.name}" ignores it`, dm('unexpected_source_path', `Source path not used by ${s.name}`), {}, 'warning');
      }
    }
    if (live && !packets) {
      this.add(`${path}.name`, `live reports are for packet data: source "${s.name}" is not a packet source`, dm('live_not_supported', `Live not supported by source ${s.name}`, { source: s.name }), {}, 'warning');
    }
    const source = this.options.getSource(s.name);
    if (!source) {
      const names = this.options.sourceNames ?? [];
      const guess = closest(s.name, names, 1);
      this.add(`${path}.name`, `unknown source "${s.name}"${guess.length ? `; did you mean "${guess[0]}"?` : ''}`,
        dm('unknown_source', `Unknown source: ${s.name}`, { source: s.name }),
        guess.length ? { fix: { text: JSON.stringify(guess[0]), title: `Change to "${guess[0]}"` } } : {});
    }
    return source;
  }

  topBy(t: unknown, path: string, source: Source | undefined): void {
    if (!isObj(t)) { this.badType(path, 'an object {"id", "direction"}', t); return; }
    this.unknownProps(t, ['id', 'direction'], path);
    if (typeof t.id !== 'string') { this.badType(`${path}.id`, 'a column id', t.id); return; }
    const direction = t.direction ?? 'desc';
    if (direction !== 'asc' && direction !== 'desc') {
      const guess = closest(String(direction), ['asc', 'desc'], 1);
      this.add(`${path}.direction`, `direction must be "asc" or "desc", not ${JSON.stringify(direction)}`,
        dm('invalid_top_by_direction', `Invalid top_by direction: ${String(direction)}`, { direction: String(direction) }),
        guess.length ? { fix: { text: JSON.stringify(guess[0]), title: `Change to "${guess[0]}"` } } : {});
      return;
    }
    if (!source) return;
    const column = this.column(t.id, source, `${path}.id`);
    if (!column) return;
    const top = topByOf(column);
    if (top && !top[direction]) {
      const other = direction === 'asc' ? 'desc' : 'asc';
      const what = direction === 'asc' ? 'bottom talkers (asc)' : 'top talkers (desc)';
      this.add(`${path}.direction`, `source "${source.name}" cannot give ${what} by "${t.id}"${top[other] ? `: use "${other}"` : ''}`,
        dm('top_by_direction_not_supported', `Column ${t.id} does not support top_by direction ${direction}`, { column: t.id, direction }),
        top[other] ? { fix: { text: JSON.stringify(other), title: `Change to "${other}"` } } : {});
    }
  }

  time(t: unknown, path: string, source: Source | undefined, live: boolean): void {
    if (t === undefined) {
      if (live) this.add(path, 'live reports need "time": {"granularity": "…", "retention_time": "…"}', dm('missing_granularity', 'Live requests require granularity'));
      return;
    }
    if (!isObj(t)) { this.badType(path, 'an object', t); return; }
    this.unknownProps(t, TIME_PROPS, path);
    const seconds = (key: string): bigint | undefined => {
      const v = t[key];
      if (v === undefined) return undefined;
      const ns = typeof v === 'string' || typeof v === 'number' ? parseEpoch(String(v)) : undefined;
      if (ns === undefined) {
        this.add(`${path}.${key}`, `${key} must be a number of seconds as a string (like "60" or "0.001"), not ${JSON.stringify(v)}`,
          dm(`invalid_${key}`, `Invalid ${key}: ${String(v)}`, { [key]: String(v) }));
      } else if (typeof v === 'number') {
        this.add(`${path}.${key}`, `write ${key} as a string: "${v}"`, dm(`invalid_${key}`, `Invalid ${key}: ${v}`), { fix: { text: JSON.stringify(String(v)), title: 'Quote it' } }, 'warning');
      }
      return ns;
    };
    for (const key of ['start', 'end', 'duration']) {
      if (t[key] !== undefined && typeof t[key] !== 'string') this.badType(`${path}.${key}`, 'a string', t[key]);
    }
    const granularity = seconds('granularity');
    const resolution = seconds('resolution');
    seconds('retention_time');
    if (live && granularity === undefined) {
      this.add(`${path}.granularity`, 'live reports need a granularity (seconds, like "1" or "0.001")', dm('missing_granularity', 'Live requests require granularity'));
    }
    if (granularity !== undefined && granularity !== 0n && source?.granularities?.length) {
      const allowed = source.granularities.map((g) => parseEpoch(String(g)));
      if (!allowed.includes(granularity)) {
        this.add(`${path}.granularity`, `granularity "${t.granularity}" is not offered by source "${source.name}" (offered: ${source.granularities.join(', ')}, or "0" for automatic)`,
          dm('invalid_granularity', `Invalid granularity: ${String(t.granularity)}`, { granularity: String(t.granularity), source: source.name }));
      }
    }
    if (resolution !== undefined && granularity !== undefined && granularity !== 0n) {
      if (resolution === 0n || resolution % granularity !== 0n) {
        this.add(`${path}.resolution`, `resolution "${t.resolution}" must be a multiple of the granularity "${t.granularity}"`,
          dm('invalid_resolution', `Resolution ${String(t.resolution)} is not a multiple of granularity ${String(t.granularity)}`, { resolution: String(t.resolution), granularity: String(t.granularity) }));
      }
    }
    if (live) return;
    if (t.start === undefined && t.end === undefined && t.duration === undefined) {
      this.add(path, 'give "start" and "end", or a "duration" (like "last 1 hour")', dm('invalid_time_properties', 'Time needs start and end, or a duration'), {}, 'warning');
      return;
    }
    if (t.duration === undefined && (t.start === undefined) !== (t.end === undefined)) {
      const missing = t.start === undefined ? 'start' : 'end';
      this.add(path, `give "${missing}" too, or a "duration" with "${missing === 'start' ? 'end' : 'start'}"`, dm('invalid_time_properties', 'Time needs start and end, or a duration'));
      return;
    }
    try {
      resolveTime({ start: t.start as string | undefined, end: t.end as string | undefined, duration: t.duration as string | undefined },
        this.options.now ?? Date.now(), { utc: this.options.utc });
    } catch (e) {
      if (!(e instanceof TimeError)) throw e;
      const at = e.property === 'time' ? path : `${path}.${e.property}`;
      const message = e.device.id === 'invalid_time_properties' && t.start !== undefined && t.end !== undefined && t.duration !== undefined
        ? 'start, end and duration cannot be given together: drop one of them'
        : e.device.id.startsWith('invalid_time_duration')
          ? `${e.device.text}: write a duration like "last 5 days", "previous 1 month", "this week", "12 min" or "2 quarters"`
          : e.device.text;
      this.add(at, message, e.device);
    }
  }

  filter(f: unknown, path: string, source: Source | undefined, sourceRef: Obj | undefined): void {
    if (!isObj(f)) { this.badType(path, 'an object {"type", "value"}', f); return; }
    this.unknownProps(f, FILTER_PROPS, path);
    const type = f.type ?? 'STEELFILTER';
    if (typeof type !== 'string' || !FILTER_TYPES.includes(type)) {
      this.add(`${path}.type`, `filter type must be STEELFILTER, WIRESHARK or BPF, not ${JSON.stringify(type)}`,
        dm('invalid_filter_type', `Invalid filter type: ${String(type)}`, { type: String(type) }));
      return;
    }
    if (typeof f.value !== 'string') { this.badType(`${path}.value`, 'a filter string', f.value); return; }
    if (type !== 'STEELFILTER') {
      const name = typeof sourceRef?.name === 'string' ? sourceRef.name : undefined;
      if (!isPacketSource(name, sourceRef?.type)) {
        this.add(`${path}.type`, `${type} filters work only on packet sources; source "${name ?? '?'}" needs STEELFILTER`,
          dm('filter_type_not_supported', `Filter type ${type} is not supported by source ${name ?? ''}`.trim(), { type, source: name ?? '' }));
      }
      return;
    }
    for (const d of validateFilter(f.value, source)) {
      this.add(`${path}.value`, d.message, dm('invalid_filter', `Invalid filter: ${d.message}`, { filter: f.value, code: d.code }),
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
