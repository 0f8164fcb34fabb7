// "Export API map": the walked Allegro hierarchy as JSON (for tools) and Markdown (for notes).
// Parameters appear in template form (`/API/stats/modules/ip/ips/:ip/peers`) with the list
// endpoint their values come from and the sample value the walk went through. Pure.
import type { AllegroApiTree, ApiNode } from './apiTree';

export interface ApiMapEntry {
  name: string;
  /** Template path, e.g. /API/stats/modules/ip/ips/:ip */
  path: string;
  kind: 'resource' | 'parameter';
  /** Parameter: where its values are listed. */
  listEndpoint?: string;
  /** Parameter: the value the walk followed to see what lies below. */
  sample?: string;
  /** Parameter: its list was empty when walked, so nothing below it is known. */
  noValues?: boolean;
  /** undefined: not loaded (not walked). */
  children?: ApiMapEntry[];
  /** Why this level could not be loaded. */
  error?: string;
  /** Names in the answer that point back to an ancestor or elsewhere: not followed. */
  cycles?: string[];
  links?: string[];
}

export interface ApiMap {
  device: string;
  baseUrl?: string;
  generatedAt: string;
  /** Number of distinct template paths (resources and parameters) below the root. */
  paths: number;
  root: ApiMapEntry;
}

function entryOf(node: ApiNode, kids: ApiNode[] | undefined): ApiMapEntry {
  const entry: ApiMapEntry = { name: node.name, path: node.templatePath, kind: 'resource' };
  if (kids) fill(entry, kids);
  return entry;
}

function fill(entry: ApiMapEntry, kids: ApiNode[]): void {
  entry.children = [];
  for (const kid of kids) {
    switch (kid.kind) {
      case 'resource':
        entry.children.push(entryOf(kid, kid.children));
        break;
      case 'parameter': {
        const param: ApiMapEntry = { name: kid.name, path: kid.templatePath, kind: 'parameter' };
        if (kid.listEndpoint) param.listEndpoint = kid.listEndpoint;
        const sample = kid.children?.find((c) => c.kind === 'value' && c.children);
        if (sample) {
          param.sample = sample.value;
          fill(param, sample.children!);
        }
        const error = kid.children?.find((c) => c.kind === 'error');
        if (error && !sample) param.error = error.name;
        else if (kid.children && !sample) {
          // Walked, but the list had no value to look below with.
          param.children = [];
          param.noValues = true;
        }
        entry.children.push(param);
        break;
      }
      case 'error':
        entry.error = kid.name;
        break;
      case 'cycle':
        (entry.cycles ??= []).push(kid.target ?? kid.name);
        break;
      case 'link':
        (entry.links ??= []).push(kid.target ?? kid.name);
        break;
      default:
        break;
    }
  }
}

function count(entry: ApiMapEntry): number {
  return (entry.children ?? []).reduce((n, c) => n + 1 + count(c), 0);
}

/** The map of everything loaded so far (walk the tree first for a complete map). */
export function apiMapOf(tree: AllegroApiTree, options: { baseUrl?: string; now?: Date } = {}): ApiMap {
  const root = entryOf(tree.root, tree.root.children);
  return {
    device: tree.deviceName,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    generatedAt: (options.now ?? new Date()).toISOString(),
    paths: count(root),
    root,
  };
}

/** Every template path in the map, depth first. */
export function apiMapPaths(map: ApiMap): string[] {
  const out: string[] = [];
  const visit = (e: ApiMapEntry) => {
    out.push(e.path);
    e.children?.forEach(visit);
  };
  visit(map.root);
  return out;
}

function mdEscape(s: string): string {
  return s.replace(/`/g, "'");
}

export function apiMapMarkdown(map: ApiMap): string {
  const lines: string[] = [
    `# API map: ${map.device}`,
    '',
    `Allegro Network Multimeter${map.baseUrl ? ` at <${map.baseUrl}>` : ''}, walked ${map.generatedAt}: ` +
      `${map.paths} paths below \`${mdEscape(map.root.path)}\` (OPTIONS \`subResources\`).`,
    '',
  ];
  const visit = (e: ApiMapEntry, depth: number) => {
    const pad = '  '.repeat(depth);
    let text = `${pad}- \`${mdEscape(depth === 0 ? e.path : e.name)}\``;
    if (e.kind === 'parameter') {
      const from = e.listEndpoint ? `values from \`${mdEscape(e.listEndpoint)}\`` : 'values entered by hand';
      text += ` — ${from}${e.sample ? `; walked with \`${mdEscape(e.sample)}\`` : ''}${e.noValues ? '; none listed' : ''}`;
    }
    if (e.children === undefined && !e.error) text += ' _(not walked)_';
    lines.push(text);
    if (e.error) lines.push(`${pad}  - ⚠ ${e.error}`);
    for (const c of e.cycles ?? []) lines.push(`${pad}  - ↻ \`${mdEscape(c)}\` (cycle, not followed)`);
    for (const l of e.links ?? []) lines.push(`${pad}  - → \`${mdEscape(l)}\` (elsewhere in the hierarchy)`);
    e.children?.forEach((c) => visit(c, depth + 1));
  };
  visit(map.root, 0);
  lines.push('', '## All paths', '', '```text', ...apiMapPaths(map), '```', '');
  return lines.join('\n');
}
