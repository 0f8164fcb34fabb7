// How the Devices tree presents an AppResponse: report sources with their columns grouped into
// Keys and Metrics (by `grouped_by` / `metric`) and then by `categories`, packet sources (virtual
// interface groups, capture jobs, clips, files) and report instances. Pure: no vscode, no network.
import { formatBytes, formatDuration } from '../shared/format';
import type { CaptureJob, Clip, FsEntry, InstanceResponse, ReportSource, SourceColumn, Vifg } from './types';

export type ColumnSectionKind = 'keys' | 'metrics' | 'other';

export interface ColumnCategory {
  name: string;
  columns: SourceColumn[];
}

export interface ColumnSection {
  kind: ColumnSectionKind;
  label: string;
  /** Distinct columns in the section (a column in two categories counts once). */
  count: number;
  categories: ColumnCategory[];
}

const sectionLabels: Record<ColumnSectionKind, string> = { keys: 'Keys', metrics: 'Metrics', other: 'Other columns' };

/** Keys: columns that may go into `group_by`; Metrics: `metric: true`; the rest: Other. */
export function sectionOf(column: SourceColumn): ColumnSectionKind {
  if (column.grouped_by === true) return 'keys';
  if (column.metric === true) return 'metrics';
  return 'other';
}

/**
 * Keys, Metrics and Other (empty sections left out), each split by `categories`; a column with
 * several categories appears under each, one without under "Uncategorized". Sorted by name/label.
 */
export function groupColumns(columns: readonly SourceColumn[]): ColumnSection[] {
  const sections = new Map<ColumnSectionKind, Map<string, SourceColumn[]>>();
  const counts = new Map<ColumnSectionKind, number>();
  for (const column of columns) {
    const kind = sectionOf(column);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    let byCategory = sections.get(kind);
    if (!byCategory) sections.set(kind, (byCategory = new Map()));
    const categories = column.categories?.filter((c) => typeof c === 'string' && c.trim()) ?? [];
    for (const category of categories.length ? [...new Set(categories)] : ['Uncategorized']) {
      const list = byCategory.get(category) ?? [];
      list.push(column);
      byCategory.set(category, list);
    }
  }
  const order: ColumnSectionKind[] = ['keys', 'metrics', 'other'];
  return order
    .filter((kind) => sections.has(kind))
    .map((kind) => ({
      kind,
      label: sectionLabels[kind],
      count: counts.get(kind) ?? 0,
      categories: [...sections.get(kind)!.entries()]
        .sort(([a], [b]) => (a === 'Uncategorized' ? 1 : b === 'Uncategorized' ? -1 : a.localeCompare(b)))
        .map(([name, list]) => ({ name, columns: [...list].sort((x, y) => (x.label ?? x.id).localeCompare(y.label ?? y.id)) })),
    }));
}

/** The line beside a column's label: id, type and unit. */
export function columnDescription(column: SourceColumn): string {
  const parts = [column.id, column.type];
  if (column.unit && column.unit !== 'none') parts.push(column.unit + (column.rate ? `/${column.rate === 'ps' ? 's' : column.rate}` : ''));
  return parts.join(' · ');
}

const propertyOrder = [
  'id', 'label', 'field', 'description', 'type', 'unit', 'rate', 'operation', 'direction', 'role', 'grouped_by', 'metric',
  'top_by', 'sortable', 'enum', 'minimum', 'maximum', 'categories', 'groups', 'source_name', 'default_if_absent',
  'synthesized', 'custom', 'custom_id',
];

function show(value: unknown): string {
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (value && typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k}: ${show(v)}`).join(', ');
  return String(value);
}

/** Every property of a column, one `name: value` line each (known ones first, then the rest). */
export function columnTooltip(column: SourceColumn): string {
  const rec = column as unknown as Record<string, unknown>;
  const keys = [...propertyOrder.filter((k) => k in rec), ...Object.keys(rec).filter((k) => !propertyOrder.includes(k)).sort()];
  return keys.filter((k) => rec[k] !== undefined).map((k) => `${k}: ${show(rec[k])}`).join('\n');
}

/** 60 → "1 min", 0.001 → "1 ms", 86400 → "1 d". */
export function formatGranularity(seconds: string | number): string {
  const s = Number(seconds);
  if (!Number.isFinite(s)) return String(seconds);
  if (s < 1) return s >= 0.001 ? `${+(s * 1000).toFixed(3)} ms` : `${+(s * 1e6).toFixed(3)} µs`;
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${+(s / 60).toFixed(2)} min`;
  if (s < 86400) return `${+(s / 3600).toFixed(2)} h`;
  return `${+(s / 86400).toFixed(2)} d`;
}

export interface SourceFact {
  label: string;
  value: string;
}

/** What a source node shows above its columns: granularities, capabilities, API access, version. */
export function sourceFacts(source: ReportSource): SourceFact[] {
  const facts: SourceFact[] = [];
  facts.push({
    label: 'Granularities',
    value: source.granularities?.length ? source.granularities.map(formatGranularity).join(', ') : 'chosen automatically',
  });
  const caps = Object.entries(source.capabilities ?? {});
  facts.push({ label: 'Capabilities', value: caps.length ? caps.map(([k, v]) => `${k}: ${v === true ? 'yes' : v === false ? 'no' : show(v)}`).join(', ') : 'none' });
  facts.push({ label: 'External API access', value: source.info?.external_api_access ?? 'unknown' });
  if (source.info?.version) facts.push({ label: 'Column set version', value: source.info.version });
  return facts;
}

export function sourceDescription(source: ReportSource): string {
  const access = source.info?.external_api_access === 'supported' ? '' : ' · API access not supported';
  return `${source.columns?.length ?? 0} columns${access}`;
}

export function sourceTooltip(source: ReportSource): string {
  const lines = [`source: ${source.name}`, ...sourceFacts(source).map((f) => `${f.label}: ${f.value}`)];
  if (source.info?.vendor) lines.push(`vendor: ${source.info.vendor}`);
  if (source.info?.generated_at) lines.push(`generated at: ${source.info.generated_at}`);
  return lines.join('\n');
}

// ---- packet sources ----

export type PacketSourceKind = 'vifg' | 'job' | 'clip' | 'file';

export interface PacketSourceEntry {
  type: PacketSourceKind;
  /** VIFG number, job or clip id, file path below fs/. */
  id: string;
  /** The `source.path` / export `config.path`: vifgs/1000, jobs/<id>, clips/<id>, fs/<path>. */
  path: string;
  label: string;
  description: string;
  tooltip: string;
  /** Seconds since the epoch when known. */
  startTime?: number;
  endTime?: number;
  /** Still capturing (a RUNNING job, a VIFG): its data reaches now, its end above is when it was read. */
  live?: boolean;
}

/** "1522772201.5" → 1522772201.5; anything else → undefined. */
function epoch(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Seconds since the epoch as `2026-01-02 03:04:05` (UTC). */
export function formatEpoch(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace('Z', ' UTC');
}

function span(start: number | undefined, end: number | undefined): string | undefined {
  if (start === undefined || end === undefined) return undefined;
  return `${formatEpoch(start)} → ${formatEpoch(end)} (${formatDuration(Math.max(0, end - start))})`;
}

export function vifgEntries(vifgs: readonly Vifg[]): PacketSourceEntry[] {
  return vifgs.map((v) => {
    const members = Array.isArray(v.config?.members) ? v.config.members.join(', ') : '';
    const enabled = v.config?.enabled === false ? 'disabled' : 'enabled';
    return {
      type: 'vifg' as const,
      id: String(v.id),
      path: `vifgs/${v.id}`,
      label: v.config?.name ?? `VIFG ${v.id}`,
      description: `${v.id} · ${enabled}${members ? ` · ${members}` : ''}`,
      tooltip: [`virtual interface group ${v.id}`, `name: ${v.config?.name ?? ''}`, `state: ${enabled}`, members && `members: ${members}`, v.config?.description && `description: ${v.config.description}`]
        .filter(Boolean).join('\n'),
      live: true,
    };
  });
}

/** "08:54 UTC", with the date when it is not the day of `refMs`. */
function clockAt(seconds: number, refMs: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(refMs).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

/**
 * Capture jobs as packet sources. A RUNNING job keeps growing after it was read, so its line says
 * when it started and when its size was read ("RUNNING · since 08:54 UTC · 4.49 GB as of 09:56 UTC")
 * instead of a duration and size that would silently go stale in the tree.
 */
export function jobEntries(jobs: readonly CaptureJob[], readAtMs = Date.now()): PacketSourceEntry[] {
  return jobs.map((j) => {
    const status = j.state?.status;
    const state = typeof status?.state === 'string' ? status.state : 'UNKNOWN';
    const start = epoch(status?.packet_start_time ?? j.packet_start_time);
    const end = epoch(status?.packet_end_time ?? j.packet_end_time);
    const size = typeof (status?.capture_size ?? j.capture_size) === 'number' ? (status?.capture_size ?? j.capture_size)! : undefined;
    const range = span(start, end);
    const running = state === 'RUNNING';
    const readAt = clockAt(readAtMs / 1000, readAtMs);
    const parts = [state];
    if (running) {
      if (start !== undefined) parts.push(`since ${clockAt(start, readAtMs)}`);
      if (size !== undefined) parts.push(`${formatBytes(size)} as of ${readAt}`);
    } else {
      if (start !== undefined && end !== undefined) parts.push(formatDuration(Math.max(0, end - start)));
      if (size !== undefined) parts.push(formatBytes(size));
    }
    const filter = j.config?.filter?.value ? `${j.config.filter.type}: ${j.config.filter.value}` : undefined;
    const asOf = running ? `read at ${formatEpoch(Math.floor(readAtMs / 1000))}: still capturing, Refresh for its current end and size` : undefined;
    return {
      type: 'job' as const,
      id: j.id,
      path: `jobs/${j.id}`,
      label: j.config?.name ?? j.id,
      description: parts.join(' · '),
      tooltip: [`capture job ${j.id}`, `state: ${state}`, range && `packets: ${range}`, size !== undefined && `size: ${formatBytes(size)}`, filter && `filter: ${filter}`, asOf]
        .filter(Boolean).join('\n'),
      ...(start !== undefined ? { startTime: start } : {}),
      ...(end !== undefined ? { endTime: end } : {}),
      ...(running ? { live: true } : {}),
    };
  });
}

export function clipEntries(clips: readonly Clip[]): PacketSourceEntry[] {
  return clips.map((c) => {
    const start = epoch(c.config?.start_time);
    const end = epoch(c.config?.end_time);
    const range = span(start, end);
    const size = typeof c.status?.size === 'number' ? formatBytes(c.status.size) : undefined;
    return {
      type: 'clip' as const,
      id: c.id,
      path: `clips/${c.id}`,
      label: c.config?.description || `clip ${c.id}`,
      description: [start !== undefined && end !== undefined ? formatDuration(Math.max(0, end - start)) : undefined, size].filter(Boolean).join(' · '),
      tooltip: [`clip ${c.id}`, `job: ${c.config?.job_id ?? ''}`, range && `packets: ${range}`, size && `size: ${size}`].filter(Boolean).join('\n'),
      ...(start !== undefined ? { startTime: start } : {}),
      ...(end !== undefined ? { endTime: end } : {}),
    };
  });
}

/** Files of the npm file system (the tree of `dirs` and `files` flattened; directories left out). */
export function fileEntries(root: FsEntry | readonly FsEntry[]): PacketSourceEntry[] {
  const out: PacketSourceEntry[] = [];
  const visit = (e: FsEntry) => {
    if (e.type === 'FILE') {
      const path = e.path.replace(/^\/+/, '').replace(/^fs\//, '');
      const start = epoch(e.start_time);
      const end = epoch(e.end_time);
      const parts = [e.size !== undefined ? formatBytes(e.size) : undefined, e.owner ? `owner ${e.owner}` : undefined];
      out.push({
        type: 'file',
        id: path,
        path: `fs/${path}`,
        label: path.split('/').pop() || path,
        description: parts.filter(Boolean).join(' · '),
        tooltip: [`file fs/${path}`, e.owner && `owner: ${e.owner}`, e.size !== undefined && `size: ${formatBytes(e.size)}`,
          e.packets !== undefined && `packets: ${e.packets}`, span(start, end) && `packets: ${span(start, end)}`, e.modified && `modified: ${e.modified}`]
          .filter(Boolean).join('\n'),
        ...(start !== undefined ? { startTime: start } : {}),
        ...(end !== undefined ? { endTime: end } : {}),
      });
    }
    e.dirs?.forEach(visit);
    e.files?.forEach(visit);
  };
  (Array.isArray(root) ? root : [root as FsEntry]).forEach(visit);
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

// ---- report instances ----

export interface ReportInstanceEntry {
  id: number;
  label: string;
  description: string;
  tooltip: string;
  owner?: string;
  /** Created by the user this device logs in as. */
  mine: boolean;
  live: boolean;
}

type InstanceLike = InstanceResponse & { owner?: string; user?: string; created_by?: string };

export function ownerOf(instance: InstanceLike): string | undefined {
  return instance.owner ?? instance.user ?? instance.created_by;
}

export function reportInstanceEntries(instances: readonly InstanceLike[], username: string | undefined): ReportInstanceEntry[] {
  return [...instances].sort((a, b) => a.id - b.id).map((i) => {
    const owner = ownerOf(i);
    const defs = i.data_defs ?? [];
    const states = [...new Set(defs.map((d) => d.status?.state).filter(Boolean))].join('/');
    const sources = [...new Set(defs.map((d) => d.source?.name).filter(Boolean))].join(', ');
    return {
      id: i.id,
      label: `Instance ${i.id}`,
      description: [i.live ? 'live' : undefined, sources, states, owner ? `by ${owner}` : undefined].filter(Boolean).join(' · '),
      tooltip: [`report instance ${i.id}`, owner && `owner: ${owner}`, `data definitions: ${defs.length}`, sources && `sources: ${sources}`, states && `state: ${states}`]
        .filter(Boolean).join('\n'),
      ...(owner ? { owner } : {}),
      mine: owner !== undefined && username !== undefined && owner === username,
      live: i.live === true,
    };
  });
}
