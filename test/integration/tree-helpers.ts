// Shared set-up of the tree integration tests: real HTTP clients (the shared core) against the
// simulators, and a TreeEnv that records change events instead of a VS Code view.
import { createHttpClient } from '../../src/http';
import type { HttpClientApi } from '../../src/http/types';
import { clientOptionsOf, type TransportSettings } from '../../src/devices/client-options';
import type { DeviceProfile } from '../../src/devices/profile';
import type { TreeEnv, TreeNode } from '../../src/views/nodes/base';

export const transport = (maxConcurrentRequests = 6): TransportSettings => ({
  maxConcurrentRequests,
  timeouts: { connectMs: 5000, headersMs: 10000, bodyIdleMs: 10000 },
  retries: 0,
  proxy: {},
});

export interface TestEnv extends TreeEnv {
  changes: Array<TreeNode | undefined>;
  clients: HttpClientApi[];
  close(): Promise<void>;
}

export function testEnv(profiles: Array<{ profile: DeviceProfile; secret: string }>, options: { pageSize?: number; maxConcurrency?: number } = {}): TestEnv {
  const clients = new Map<string, HttpClientApi>();
  const env: TestEnv = {
    changes: [],
    clients: [],
    async http(name) {
      let client = clients.get(name);
      if (!client) {
        const entry = profiles.find((p) => p.profile.name === name);
        if (!entry) throw new Error(`No device named "${name}" is configured`);
        client = createHttpClient(clientOptionsOf(entry.profile, entry.secret, transport(options.maxConcurrency ?? 6)));
        clients.set(name, client);
        env.clients.push(client);
      }
      return client;
    },
    settings: () => ({ pageSize: options.pageSize ?? 10, maxConcurrency: options.maxConcurrency ?? 6 }),
    changed: (node) => env.changes.push(node),
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
  return env;
}

/** Labels of the children of `node`. */
export async function labels(node: TreeNode): Promise<string[]> {
  return (await node.children()).map((c) => c.item().label);
}

export async function child(node: TreeNode, label: string | RegExp): Promise<TreeNode> {
  const kids = await node.children();
  const found = kids.find((k) => (typeof label === 'string' ? k.item().label === label : label.test(k.item().label)));
  if (!found) throw new Error(`no child ${label} under ${node.id}: ${kids.map((k) => k.item().label).join(', ')}`);
  return found;
}
