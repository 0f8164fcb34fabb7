// A small in-memory OPTIONS hierarchy for the pure tree logic (our own data, not our HTTP stack).
// Objects are resources; keys starting with ':' take any value; `{ list }` is a paged list endpoint,
// `$list` on a resource makes a GET of it answer a plain array.
import type { AllegroTreeTransport } from '../../src/allegro/apiTree';
import type { QueryValue } from '../../src/http/types';
import { HttpStatusError } from '../../src/http/errors';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FakeNode = { [name: string]: any };

export interface FakeTransport extends AllegroTreeTransport {
  calls: Array<{ method: 'OPTIONS' | 'GET'; path: string; query?: Record<string, QueryValue> }>;
  inFlight: number;
  peak: number;
  /** Make the next answer(s) for a path fail with this status. */
  failNext: Map<string, number>;
}

function isLeafSpec(n: FakeNode): boolean {
  return 'list' in n || 'answer' in n || 'fail' in n;
}

export function fakeTransport(root: FakeNode, options: { rootPath?: string; latencyMs?: number } = {}): FakeTransport {
  const rootPath = options.rootPath ?? '/API/stats';
  const latency = options.latencyMs ?? 0;
  const t: FakeTransport = {
    calls: [],
    inFlight: 0,
    peak: 0,
    failNext: new Map(),
    async options(path, signal) {
      t.calls.push({ method: 'OPTIONS', path });
      return run(path, signal, () => {
        const node = resolve(path);
        if (!node) throw new HttpStatusError('fake', path, 'OPTIONS', 404, undefined, 'no such resource', '');
        if ('answer' in node) return node.answer;
        if ('fail' in node) throw new HttpStatusError('fake', path, 'OPTIONS', node.fail, undefined, undefined, '');
        if (isLeafSpec(node)) return { subResources: [] };
        return { subResources: Object.keys(node).filter((k) => !k.startsWith('$')) };
      });
    },
    async get(path, query, signal) {
      t.calls.push({ method: 'GET', path, query });
      return run(path, signal, () => {
        const node = resolve(path);
        if (node && '$list' in node) return node.$list;
        if (!node || !('list' in node)) throw new HttpStatusError('fake', path, 'GET', 404, undefined, undefined, '');
        const page = Number(query.page ?? 0);
        const count = Number(query.count ?? 10);
        const items = node.list;
        return {
          displayedItems: items.slice(page * count, (page + 1) * count),
          numberOfItems: items.length,
          numberOfPages: Math.ceil(items.length / count),
          itemsPerPage: count,
        };
      });
    },
  };

  async function run<T>(path: string, signal: AbortSignal | undefined, answer: () => T): Promise<T> {
    t.inFlight++;
    t.peak = Math.max(t.peak, t.inFlight);
    try {
      await new Promise<void>((res, rej) => {
        if (signal?.aborted) return rej(Object.assign(new Error('aborted'), { kind: 'aborted' }));
        const timer = setTimeout(res, latency);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          rej(Object.assign(new Error('aborted'), { kind: 'aborted' }));
        }, { once: true });
      });
      const status = t.failNext.get(path);
      if (status) {
        t.failNext.delete(path);
        throw new HttpStatusError('fake', path, 'X', status, undefined, undefined, '');
      }
      return answer();
    } finally {
      t.inFlight--;
    }
  }

  function resolve(path: string): FakeNode | undefined {
    if (!path.startsWith(rootPath)) return undefined;
    const rest = path.slice(rootPath.length).split('/').filter(Boolean);
    let node: FakeNode | undefined = root;
    for (const seg of rest) {
      if (!node || isLeafSpec(node)) return undefined;
      const dict = node as { [name: string]: FakeNode };
      node = dict[decodeURIComponent(seg)] ?? Object.entries(dict).find(([k]) => k.startsWith(':'))?.[1];
    }
    return node;
  }
  return t;
}

export const ips = Array.from({ length: 25 }, (_, i) => ({
  ip: `10.0.0.${i + 1}`,
  hostName: `host-${i + 1}`,
  allTime: [1, 1000 * (25 - i), 1, 1000 * (25 - i)],
}));

/** A hierarchy shaped like the document's: modules/ip/ips/:ip/..., modules/mac/macs/:mac. */
export function sampleApi(): FakeNode {
  return {
    modules: {
      ip: {
        ips: { protocol: {}, ':ip': { peers: { ':ip': {} }, ports: {}, connections: {} } },
        ips_paged: { list: ips },
      },
      mac: {
        macs: { ':mac': { ips: {} } },
        mac_paged: { list: [{ mac: '00:11:22:33:44:55', allTime: [0, 10, 0, 10] }, { mac: 'ff:ff:ff:ff:ff:ff' }] },
      },
      l4_ports: { ports: { ':port': {}, $list: ['80', '443', '53'] } },
      vlan: { vlans: { ':vlan': {} } },
    },
    time: {},
    interfaces: {},
  };
}
