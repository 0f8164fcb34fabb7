// Editor help inside report files, independent of any editor: what the cursor is on (a column id
// of `columns`, a key of `group_by`, a STEELFILTER filter, a duration…), completion and hover for
// it, with offsets in the file text. The VS Code providers and the webview are thin adapters.
import {
  complete as completeFilter, hover as hoverFilter, columnDetail, columnMarkdown, columnIndex, topByOf,
  type CompletionItem, type HoverResult, type Source,
} from '../steelfilter/index';
import { nodeAtOffset, parseJsonTree, pathOf, stringIndexAt, stringOffset, toValue, type JsonNode } from './jsonTree';
import { describeTimeError, resolveTime, TimeError } from './time';
import { DURATION_EXAMPLES } from './schema';

export interface AssistContext {
  /** The catalogue of a source of the file's device, if it was read. */
  source(name: string): Source | undefined;
  sourceNames?: string[];
  devices?: string[];
  /** For duration previews (epoch ms); default now. */
  now?: number;
  utc?: boolean;
}

export type SlotKind =
  | 'column' | 'group_by' | 'top_by' | 'filter' | 'source' | 'granularity' | 'resolution'
  | 'duration' | 'start' | 'end' | 'device';

export interface Slot {
  kind: SlotKind;
  /** The string under the cursor, or the array/object the cursor is in (then values are inserted quoted). */
  node: JsonNode;
  inString: boolean;
  path: string;
  /** Index of the data_def the slot belongs to. */
  dataDef?: number;
  sourceName?: string;
}

const PATTERNS: [RegExp, SlotKind][] = [
  [/^data_defs\[(\d+)\]\.columns(\[\d+\])?$/, 'column'],
  [/^data_defs\[(\d+)\]\.group_by(\[\d+\])?$/, 'group_by'],
  [/^data_defs\[(\d+)\]\.top_by\[\d+\]\.id$/, 'top_by'],
  [/^data_defs\[(\d+)\]\.filters\[\d+\]\.value$/, 'filter'],
  [/^data_defs\[(\d+)\]\.source\.name$/, 'source'],
  [/^data_defs\[(\d+)\]\.time\.granularity$/, 'granularity'],
  [/^data_defs\[(\d+)\]\.time\.resolution$/, 'resolution'],
  [/^data_defs\[(\d+)\]\.time\.duration$/, 'duration'],
  [/^data_defs\[(\d+)\]\.time\.start$/, 'start'],
  [/^data_defs\[(\d+)\]\.time\.end$/, 'end'],
  [/^device$/, 'device'],
];

function isInsideString(node: JsonNode, offset: number, text: string): boolean {
  const closed = node.end - node.start >= 2 && text[node.end - 1] === '"';
  return offset > node.start && (closed ? offset < node.end : offset <= node.end);
}

/** What the cursor is on, or undefined where we have nothing to add. */
export function slotAt(text: string, offset: number, root = parseJsonTree(text).root): Slot | undefined {
  const node = nodeAtOffset(root, offset);
  if (!node) return undefined;
  const inString = node.type === 'string' && isInsideString(node, offset, text);
  if (node.type === 'string' && !inString) return undefined;
  if (node.type !== 'string' && node.type !== 'array') return undefined;
  const path = pathOf(node);
  for (const [re, kind] of PATTERNS) {
    const m = re.exec(path);
    if (!m) continue;
    // Arrays: only the id lists take new quoted entries.
    if (node.type === 'array' && !(kind === 'column' || kind === 'group_by') ) return undefined;
    if (node.type === 'array' && m[2] !== undefined) return undefined;
    const slot: Slot = { kind, node, inString, path };
    if (m[1] !== undefined) {
      slot.dataDef = Number(m[1]);
      const def = (toValue(root) as { data_defs?: { source?: { name?: unknown } }[] } | undefined)?.data_defs?.[slot.dataDef];
      if (typeof def?.source?.name === 'string') slot.sourceName = def.source.name;
    }
    return slot;
  }
  return undefined;
}

/** Characters inside a JSON string need escaping when inserted. */
function jsonEscape(s: string): string {
  return s.replace(/[\\"]/g, (c) => `\\${c}`);
}

function replacement(slot: Slot, text: string, offset: number): { replaceStart: number; replaceEnd: number; quote: boolean } {
  if (!slot.inString) return { replaceStart: offset, replaceEnd: offset, quote: true };
  const closed = slot.node.end - slot.node.start >= 2 && text[slot.node.end - 1] === '"';
  return { replaceStart: slot.node.start + 1, replaceEnd: closed ? slot.node.end - 1 : slot.node.end, quote: false };
}

function columnItems(source: Source, slot: Slot, text: string, offset: number): CompletionItem[] {
  const { replaceStart, replaceEnd, quote } = replacement(slot, text, offset);
  const fits = slot.kind === 'group_by' ? (c: Source['columns'][number]) => c.grouped_by === true
    : slot.kind === 'top_by' ? (c: Source['columns'][number]) => { const t = topByOf(c); return t ? t.asc || t.desc : c.metric === true; }
      : () => true;
  const items: CompletionItem[] = [];
  for (const c of source.columns) {
    if (!fits(c)) continue;
    items.push({
      label: c.id, kind: 'column', detail: columnDetail(c), documentation: columnMarkdown(c, source),
      insertText: quote ? `"${jsonEscape(c.id)}"` : jsonEscape(c.id),
      // Keys before metrics in columns, the way a data_def is usually written.
      sortText: (slot.kind === 'column' ? (c.grouped_by ? '0' : c.metric ? '1' : '2') : '0') + c.id,
      replaceStart, replaceEnd,
    });
  }
  return items;
}

function valueItems(values: { label: string; detail?: string }[], slot: Slot, text: string, offset: number, kind: CompletionItem['kind'] = 'value'): CompletionItem[] {
  const { replaceStart, replaceEnd, quote } = replacement(slot, text, offset);
  return values.map((v, i) => ({
    label: v.label, kind, detail: v.detail, insertText: quote ? `"${jsonEscape(v.label)}"` : jsonEscape(v.label),
    sortText: String(i).padStart(4, '0'), replaceStart, replaceEnd,
  }));
}

/** Completion items for a report file at `offset`; ranges are offsets in `text`. */
export function completeReport(text: string, offset: number, ctx: AssistContext): CompletionItem[] {
  const slot = slotAt(text, offset);
  if (!slot) return [];
  const source = slot.sourceName ? ctx.source(slot.sourceName) : undefined;
  switch (slot.kind) {
    case 'column': case 'group_by': case 'top_by':
      return source ? columnItems(source, slot, text, offset) : [];
    case 'filter': {
      const index = stringIndexAt(slot.node, offset);
      return completeFilter(String(slot.node.value), index, source).map((item) => ({
        ...item,
        insertText: jsonEscape(item.insertText ?? item.label),
        replaceStart: stringOffset(slot.node, item.replaceStart),
        replaceEnd: stringOffset(slot.node, item.replaceEnd),
      }));
    }
    case 'source':
      return valueItems((ctx.sourceNames ?? []).map((n) => ({ label: n, detail: 'report source' })), slot, text, offset);
    case 'granularity': case 'resolution': {
      const g = source?.granularities ?? [];
      return valueItems(g.map((x) => ({ label: x, detail: `${describeSeconds(x)}${slot.kind === 'granularity' ? ` (offered by ${source!.name})` : ''}` })), slot, text, offset);
    }
    case 'duration':
      // The static schema offers the same examples; offer them here too for editors without it.
      return valueItems(DURATION_EXAMPLES.map((d) => ({ label: d, detail: 'duration' })), slot, text, offset);
    case 'device':
      return valueItems((ctx.devices ?? []).map((d) => ({ label: d, detail: 'configured device' })), slot, text, offset);
    default:
      return [];
  }
}

export function describeSeconds(text: string): string {
  const s = Number(text);
  if (!Number.isFinite(s)) return text;
  if (s === 0) return 'automatic';
  if (s < 1) return s >= 0.001 ? `${+(s * 1000).toFixed(3)} ms` : `${+(s * 1e6).toFixed(3)} µs`;
  if (s % 86400 === 0) return `${s / 86400} day${s === 86400 ? '' : 's'}`;
  if (s % 3600 === 0) return `${s / 3600} hour${s === 3600 ? '' : 's'}`;
  if (s % 60 === 0) return `${s / 60} minute${s === 60 ? '' : 's'}`;
  return `${s} second${s === 1 ? '' : 's'}`;
}

function isoOf(epoch: string, utc: boolean | undefined): string {
  const d = new Date(Number(epoch) * 1000);
  if (utc) return d.toISOString().replace('T', ' ').replace(/\.000Z$/, ' UTC').replace(/Z$/, ' UTC');
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} (local)`;
}

/** Hover for a report file at `offset`. */
export function hoverReport(text: string, offset: number, ctx: AssistContext): HoverResult | undefined {
  const root = parseJsonTree(text).root;
  const slot = slotAt(text, offset, root);
  if (!slot || !slot.inString) return undefined;
  const node = slot.node;
  const value = String(node.value);
  const span = { start: node.start, end: node.end };
  const source = slot.sourceName ? ctx.source(slot.sourceName) : undefined;
  switch (slot.kind) {
    case 'column': case 'group_by': case 'top_by': {
      const column = source ? columnIndex(source).get(value) : undefined;
      return column && source ? { ...span, contents: columnMarkdown(column, source) } : undefined;
    }
    case 'filter': {
      const h = hoverFilter(value, stringIndexAt(node, offset), source);
      return h ? { start: stringOffset(node, h.start), end: stringOffset(node, h.end), contents: h.contents } : undefined;
    }
    case 'source': {
      if (!source) return undefined;
      const keys = source.columns.filter((c) => c.grouped_by).length;
      const metrics = source.columns.filter((c) => c.metric).length;
      const lines = [`**${source.name}**: ${source.columns.length} columns (${keys} keys, ${metrics} metrics)`];
      if (source.granularities?.length) lines.push('', `granularities: ${source.granularities.map((g) => `${g} (${describeSeconds(g)})`).join(', ')}`);
      lines.push('', `threshold filters on metrics: ${source.capabilities?.filters_on_metrics ? 'yes' : 'no'}`);
      if (source.info?.version) lines.push('', `column set version ${source.info.version}`);
      return { ...span, contents: lines.join('\n') };
    }
    case 'duration': {
      const def = (toValue(root) as { data_defs?: { time?: Record<string, unknown> }[] }).data_defs?.[slot.dataDef ?? 0];
      const time = def?.time ?? {};
      try {
        const r = resolveTime({ duration: value, start: time.start as string | undefined, end: time.end as string | undefined }, ctx.now ?? Date.now(), { utc: ctx.utc });
        return { ...span, contents: `**${value}**: ${isoOf(r.start, ctx.utc)} → ${isoOf(r.end, ctx.utc)} (end exclusive; resolved now, the device resolves it when the report runs)` };
      } catch (e) {
        return e instanceof TimeError ? { ...span, contents: describeTimeError(e) } : undefined;
      }
    }
    case 'start': case 'end':
      return /^\d+(\.\d+)?$/.test(value) ? { ...span, contents: `${isoOf(value, ctx.utc)} (epoch ${value})` } : undefined;
    case 'granularity': case 'resolution':
      return { ...span, contents: `${slot.kind}: ${describeSeconds(value)}` };
    default:
      return undefined;
  }
}
