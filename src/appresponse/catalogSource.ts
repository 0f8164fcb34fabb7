// The few AppResponse reads the Devices tree needs (sources, packet sources, report instances): an
// adapter over AppResponseClient, which makes the requests. What is the tree's own is here: service
// versions come from /api/common/1.0/services (highest wins), as public clients do, with the
// document's versions as the fallback when discovery fails; both report namespaces are read and
// merged; API paths for Open / Copy. Errors are the HTTP core's typed ones (401/403 included).
import type { HttpClientApi } from '../http/types';
import type { BulkDataResponse, CaptureJob, Clip, FsEntry, InstanceResponse, ReportSource, Vifg } from './types';
import { AppResponseClient, compareVersions, isHttpStatus } from './client';

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
  /** Every data definition's answer of an instance (the bulk GET …/instances/items/{id}/data). */
  instanceData(namespace: InstanceNamespace, id: number, signal?: AbortSignal): Promise<BulkDataResponse>;
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

/** The same instance listed twice: same id, owner and data definitions (states may have moved on). */
function sameInstance(a: ListedInstance, b: ListedInstance): boolean {
  const key = (i: ListedInstance) => JSON.stringify([i.id, i.owner, i.live === true, (i.data_defs ?? []).map((d) => [d.id, d.source?.name, d.source?.path])]);
  return key(a) === key(b);
}

export function httpAppResponseTreeSource(http: HttpClientApi): AppResponseTreeSource {
  const client = new AppResponseClient(http);
  let versions: Promise<Record<string, string>> | undefined;
  /** The discovered versions once known (paths for Open / Copy are synchronous). */
  let resolved: Record<string, string> = { ...FALLBACK_VERSIONS };
  const discover = (signal?: AbortSignal) => {
    if (!versions) {
      versions = client.services({ signal }).then(
        (services) => {
          const out = { ...FALLBACK_VERSIONS };
          if (Array.isArray(services)) {
            for (const s of services) {
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
  const version = async (service: string, signal?: AbortSignal) => (await discover(signal))[service] ?? FALLBACK_VERSIONS[service];

  const source: AppResponseTreeSource = {
    async sources(signal) {
      const out: Array<ReportSource & { namespace: string }> = [];
      for (const ns of ['npm.reports.sources', 'npm.probe.reports.sources']) {
        try {
          const listed = await client.sources({ probe: ns === 'npm.probe.reports.sources', version: await version(ns, signal), signal });
          for (const s of listed) out.push({ ...s, namespace: ns });
        } catch (err) {
          // Older releases have no separate probe namespace: its absence is no error.
          if (ns === 'npm.probe.reports.sources' && isHttpStatus(err, 404)) continue;
          throw err;
        }
      }
      const seen = new Set<string>();
      return out.filter((s) => (seen.has(s.name) ? false : (seen.add(s.name), true)));
    },
    async source(namespace, name, signal) {
      return client.source(name, { probe: namespace === 'npm.probe.reports.sources', version: await version(namespace, signal), signal });
    },
    async vifgs(signal) {
      return client.vifgs({ version: await version('npm.packet_capture', signal), signal });
    },
    async jobs(signal) {
      return client.jobs({ version: await version('npm.packet_capture', signal), signal });
    },
    async clips(signal) {
      return client.clips({ version: await version('npm.clips', signal), signal });
    },
    async files(signal, dir) {
      return client.fs(dir ?? '', { version: await version('npm.filesystem', signal), signal });
    },
    async instances(signal) {
      const out: ListedInstance[] = [];
      for (const ns of ['npm.reports', 'npm.probe.reports'] as const) {
        try {
          const listed = await client.listInstances({ namespace: ns, version: await version(ns, signal), signal });
          for (const i of listed as Array<InstanceResponse & { owner?: string }>) out.push({ ...i, namespace: ns });
        } catch (err) {
          if (ns === 'npm.probe.reports' && isHttpStatus(err, 404)) continue;
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
      const path = `${client.instancesBase(namespace, await version(namespace, signal))}/items/${id}`;
      await client.deleteInstance({ id, namespace, path }, { signal });
    },
    async instanceData(namespace, id, signal) {
      const path = `${client.instancesBase(namespace, await version(namespace, signal))}/items/${id}`;
      return client.bulkData({ id, namespace, path }, { signal });
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
      instance: (namespace, id) => `${client.instancesBase(namespace, resolved[namespace] ?? '1.0')}/items/${id}`,
    },
  };
  return source;
}
