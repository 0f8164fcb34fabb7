// The few AppResponse reads the Devices tree needs (sources, packet sources, report instances),
// over the shared HTTP core. Versions come from /api/common/1.0/services (highest wins), as
// public clients do; the document's versions are the fallback when discovery fails.
import type { HttpClientApi } from '../http/types';
import { InvalidResponseError } from '../http/errors';
import type { CaptureJob, Clip, FsEntry, InstanceResponse, ReportSource, ServiceEntry, Vifg } from './types';
import { compareVersions } from './client';

export type InstanceNamespace = 'npm.reports' | 'npm.probe.reports';

export type ListedInstance = InstanceResponse & { owner?: string; namespace: InstanceNamespace };

export interface AppResponseTreeSource {
  /** Report sources of npm.reports.sources and npm.probe.reports.sources (the `packets` source). */
  sources(signal?: AbortSignal): Promise<Array<ReportSource & { namespace: string }>>;
  source(namespace: string, name: string, signal?: AbortSignal): Promise<ReportSource>;
  vifgs(signal?: AbortSignal): Promise<Vifg[]>;
  jobs(signal?: AbortSignal): Promise<CaptureJob[]>;
  clips(signal?: AbortSignal): Promise<Clip[]>;
  /** The npm file system root, or the directory `dir` (relative to fs/). */
  files(signal?: AbortSignal, dir?: string): Promise<FsEntry>;
  instances(signal?: AbortSignal): Promise<ListedInstance[]>;
  deleteInstance(namespace: InstanceNamespace, id: number, signal?: AbortSignal): Promise<void>;
  /** API paths, for Open / Copy. */
  paths: {
    source(namespace: string, name: string): string;
    packetSource(type: 'vifg' | 'job' | 'clip' | 'file', id: string): string;
    instance(namespace: InstanceNamespace, id: number): string;
  };
}

const FALLBACK_VERSIONS: Record<string, string> = {
  'npm.reports.sources': '1.0',
  'npm.probe.reports.sources': '1.0',
  'npm.packet_capture': '3.0',
  'npm.clips': '1.0',
  'npm.filesystem': '1.0',
  'npm.reports': '1.0',
  'npm.probe.reports': '1.0',
};

function itemsOf<T>(body: unknown, path: string, device: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const items = (body as { items?: unknown } | null)?.items;
  if (Array.isArray(items)) return items as T[];
  throw new InvalidResponseError(device, path, 'expected {"items": [...]}', JSON.stringify(body)?.slice(0, 120) ?? '');
}

/** The same instance listed twice: same id, owner and data definitions (states may have moved on). */
function sameInstance(a: ListedInstance, b: ListedInstance): boolean {
  const key = (i: ListedInstance) => JSON.stringify([i.id, i.owner, i.live === true, (i.data_defs ?? []).map((d) => [d.id, d.source?.name, d.source?.path])]);
  return key(a) === key(b);
}

function isStatus(err: unknown, ...statuses: number[]): boolean {
  const e = err as { kind?: string; status?: number };
  return e?.kind === 'http' && statuses.includes(e.status ?? 0);
}

export function httpAppResponseTreeSource(http: HttpClientApi): AppResponseTreeSource {
  let versions: Promise<Record<string, string>> | undefined;
  /** The discovered versions once known (paths for Open / Copy are synchronous). */
  let resolved: Record<string, string> = { ...FALLBACK_VERSIONS };
  const discover = (signal?: AbortSignal) => {
    if (!versions) {
      versions = http.json<ServiceEntry[]>({ path: '/api/common/1.0/services', signal }).then(
        ({ body }) => {
          const out = { ...FALLBACK_VERSIONS };
          if (Array.isArray(body)) {
            for (const s of body) {
              if (s && typeof s.id === 'string' && Array.isArray(s.versions) && s.versions.length) {
                out[s.id] = [...s.versions].sort(compareVersions).at(-1)!;
              }
            }
          }
          resolved = out;
          return out;
        },
        () => {
          versions = undefined; // try discovery again next time
          return { ...FALLBACK_VERSIONS };
        },
      );
    }
    return versions;
  };
  const base = async (service: string, signal?: AbortSignal) => `/api/${service}/${(await discover(signal))[service] ?? FALLBACK_VERSIONS[service]}`;
  const get = async <T>(path: string, signal?: AbortSignal) => (await http.json<T>({ path, signal })).body;

  const source: AppResponseTreeSource = {
    async sources(signal) {
      const out: Array<ReportSource & { namespace: string }> = [];
      for (const ns of ['npm.reports.sources', 'npm.probe.reports.sources']) {
        const path = `${await base(ns, signal)}/sources`;
        try {
          for (const s of itemsOf<ReportSource>(await get(path, signal), path, http.deviceName)) out.push({ ...s, namespace: ns });
        } catch (err) {
          // Older releases have no separate probe namespace: its absence is no error.
          if (ns === 'npm.probe.reports.sources' && isStatus(err, 404)) continue;
          throw err;
        }
      }
      const seen = new Set<string>();
      return out.filter((s) => (seen.has(s.name) ? false : (seen.add(s.name), true)));
    },
    async source(namespace, name, signal) {
      return get<ReportSource>(`${await base(namespace, signal)}/sources/items/${encodeURIComponent(name)}`, signal);
    },
    async vifgs(signal) {
      const path = `${await base('npm.packet_capture', signal)}/vifgs`;
      return itemsOf<Vifg>(await get(path, signal), path, http.deviceName);
    },
    async jobs(signal) {
      const path = `${await base('npm.packet_capture', signal)}/jobs`;
      return itemsOf<CaptureJob>(await get(path, signal), path, http.deviceName);
    },
    async clips(signal) {
      const path = `${await base('npm.clips', signal)}/clips`;
      return itemsOf<Clip>(await get(path, signal), path, http.deviceName);
    },
    async files(signal, dir) {
      const rel = dir ? `/${dir.replace(/^\/+|\/+$/g, '').split('/').map(encodeURIComponent).join('/')}` : '';
      const path = `${await base('npm.filesystem', signal)}/fs${rel}`;
      const body = await get<FsEntry | { items: FsEntry[] }>(path, signal);
      if (body && typeof body === 'object' && 'items' in body && Array.isArray(body.items)) {
        return { id: '/', type: 'DIRECTORY', path: '/', files: body.items };
      }
      return body as FsEntry;
    },
    async instances(signal) {
      const out: ListedInstance[] = [];
      for (const ns of ['npm.reports', 'npm.probe.reports'] as const) {
        const path = `${await base(ns, signal)}/instances`;
        try {
          for (const i of itemsOf<InstanceResponse & { owner?: string }>(await get(path, signal), path, http.deviceName)) out.push({ ...i, namespace: ns });
        } catch (err) {
          if (ns === 'npm.probe.reports' && isStatus(err, 404)) continue;
          throw err;
        }
      }
      // A device may list the same instance under both namespaces: keep one, under the namespace
      // that serves it (live instances belong to npm.probe.reports).
      const byId = new Map<number, ListedInstance[]>();
      for (const i of out) byId.set(i.id, [...(byId.get(i.id) ?? []), i]);
      return out.filter((i) => {
        const same = byId.get(i.id)!.filter((o) => sameInstance(o, i));
        if (same.length < 2) return true;
        const preferred = same.find((o) => o.namespace === (i.live ? 'npm.probe.reports' : 'npm.reports')) ?? same[0];
        return preferred === i;
      });
    },
    async deleteInstance(namespace, id, signal) {
      try {
        await http.text({ method: 'DELETE', path: `${await base(namespace, signal)}/instances/items/${id}`, signal });
      } catch (err) {
        if (!isStatus(err, 404)) throw err; // already gone (purged or deleted elsewhere)
      }
    },
    paths: {
      source: (namespace, name) => `/api/${namespace}/${resolved[namespace] ?? '1.0'}/sources/items/${encodeURIComponent(name)}`,
      packetSource(type, id) {
        const at = (service: string) => `/api/${service}/${resolved[service]}`;
        switch (type) {
          case 'vifg': return `${at('npm.packet_capture')}/vifgs/items/${encodeURIComponent(id)}`;
          case 'job': return `${at('npm.packet_capture')}/jobs/items/${encodeURIComponent(id)}`;
          case 'clip': return `${at('npm.clips')}/clips/items/${encodeURIComponent(id)}`;
          default: return `${at('npm.filesystem')}/fs/${id.split('/').map(encodeURIComponent).join('/')}`;
        }
      },
      instance: (namespace, id) => `/api/${namespace}/${resolved[namespace] ?? '1.0'}/instances/items/${id}`,
    },
  };
  return source;
}
