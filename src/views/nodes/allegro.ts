// Allegro nodes of the Devices tree: the device (= /API/stats) and one wrapper per node of the
// API tree core. Loading, caching, paging and cycle rules live in src/allegro/apiTree.ts; these
// classes only draw the core nodes and keep one wrapper per core node (TreeView.reveal needs
// stable objects).
import { AllegroApiTree, allegroTreeTransport, type ApiNode } from '../../allegro/apiTree';
import { AllegroClient } from '../../allegro/client';
import { placeholderOf } from '../../allegro/apiParams';
import { formatBytes } from '../../shared/format';
import type { ConnectionRef } from '../../pcap/target';
import type { DeviceProfile } from '../../devices/profile';
import { deferredHttp, DeviceNode, ErrorNode, MessageNode, TreeNode, type ItemSpec, type NodeRequest, type TreeEnv } from './base';

export class AllegroDeviceNode extends DeviceNode {
  private treePromise: Promise<AllegroApiTree> | undefined;
  /** Set once the tree is built; wrappers exist only after that. */
  tree: AllegroApiTree | undefined;
  /** The client the tree reads through (lists beside the tree, e.g. connections). */
  allegro: AllegroClient | undefined;
  private readonly wrappers = new WeakMap<ApiNode, AllegroApiNodeView>();

  constructor(profile: DeviceProfile, env: TreeEnv) {
    super(profile, env);
  }

  /** The API tree of this device, built on first use from the device's HTTP client. */
  apiTree(): Promise<AllegroApiTree> {
    if (this.tree) return Promise.resolve(this.tree);
    if (!this.treePromise) {
      const building = (async () => {
        const { pageSize, maxConcurrency } = this.env.settings();
        const http = deferredHttp(this.profile.name, this.profile.url, () => this.env.http(this.profile.name));
        this.allegro = new AllegroClient(http);
        this.tree = new AllegroApiTree(allegroTreeTransport(this.allegro), {
          deviceName: this.profile.name,
          pageSize,
          maxConcurrency,
          auth: this.profile.auth,
          username: this.profile.username,
        });
        return this.tree;
      })();
      this.treePromise = building;
      building.catch(() => {
        if (this.treePromise === building) this.treePromise = undefined;
      });
    }
    return this.treePromise;
  }

  item(): ItemSpec {
    return {
      label: this.profile.name,
      description: `${this.host} · ${this.stateText()}`,
      tooltip: `Allegro Network Multimeter\n${this.profile.url}\nauth: ${this.profile.auth === 'token' ? 'API token' : `user ${this.profile.username ?? '?'}`}\n${this.stateText()}`,
      icon: 'pulse',
      iconColor: this.connection.state === 'failed' ? 'errorForeground' : this.connection.state === 'connected' ? 'charts.green' : undefined,
      contextValue: this.deviceContext(['api', 'capturable']),
      collapsible: 'collapsed',
    };
  }

  override request(): NodeRequest {
    return { device: this.profile.name, deviceKind: 'allegro', method: 'GET', path: '/API/stats', displayPath: '/API/stats', title: this.profile.name };
  }

  override async children(signal?: AbortSignal): Promise<TreeNode[]> {
    let tree: AllegroApiTree;
    try {
      tree = await this.apiTree();
    } catch (err) {
      const error = new ErrorNode(this, this.failureOf(err));
      this.noteLoad(error.failure);
      return [error];
    }
    const kids = await tree.children(tree.root, signal);
    this.noteLoad(kids.find((k) => k.kind === 'error')?.failure);
    return kids.map((k) => this.wrap(k));
  }

  override get loaded(): boolean {
    return this.tree?.root.loaded ?? false;
  }

  /** Entries per listed page (the device answers at most 100). */
  pageSize(): number {
    return Math.max(1, Math.min(100, this.env.settings().pageSize));
  }

  /** The device's client (built with the tree). */
  async client(): Promise<AllegroClient> {
    await this.apiTree();
    return this.allegro!;
  }

  override refresh(): TreeNode {
    this.tree?.refresh(this.tree.root);
    return this;
  }

  /** The wrapper of a core node (created once, parents first, so reveal finds the same objects). */
  wrap(core: ApiNode): AllegroApiNodeView {
    const existing = this.wrappers.get(core);
    if (existing) return existing;
    const parent: TreeNode = core.parent && core.parent.parent !== undefined ? this.wrap(core.parent) : this;
    const view = new AllegroApiNodeView(parent, core, this);
    this.wrappers.set(core, view);
    return view;
  }
}

const valueIcons: Record<string, string> = { ip: 'globe', mac: 'circuit-board', port: 'plug', vlan: 'layers' };

export class AllegroApiNodeView extends TreeNode {
  constructor(parent: TreeNode, readonly core: ApiNode, private readonly owner: AllegroDeviceNode) {
    super(parent);
  }

  get id(): string {
    return `${this.owner.profile.name}|${this.core.id}`;
  }

  get deviceName(): string {
    return this.owner.profile.name;
  }

  override get expandable(): boolean {
    return this.core.expandable;
  }

  override get loaded(): boolean {
    return this.core.loaded;
  }

  /** Capture fields read by the pcap commands (CaptureTarget in src/pcap/target.ts). */
  get ip(): string | undefined {
    return this.core.kind === 'value' && this.core.spec?.kind === 'ip' ? this.core.value : undefined;
  }

  get mac(): string | undefined {
    return this.core.kind === 'value' && this.core.spec?.kind === 'mac' ? this.core.value : undefined;
  }

  get port(): number | undefined {
    return this.core.kind === 'value' && this.core.spec?.kind === 'port' ? Number(this.core.value) : undefined;
  }

  /** Every parameter value on the way down, e.g. { ip: '10.1.2.3', port: '443' }. */
  get parameters(): Record<string, string> {
    return this.core.parameters;
  }

  private get capturable(): boolean {
    return this.core.kind === 'value' && ['ip', 'mac', 'port'].includes(this.core.spec?.kind ?? '');
  }

  item(): ItemSpec {
    const c = this.core;
    // A level known to be empty (loaded by a walk or an earlier expansion) is drawn as a leaf.
    const collapsible = c.children && c.children.length === 0 ? 'none' : 'collapsed';
    switch (c.kind) {
      case 'resource':
        if (this.isConnectionList) {
          return {
            label: c.name,
            description: `top ${this.owner.pageSize()} by bytes`,
            tooltip: `${c.templatePath}\nThe connections with the most bytes; each can be downloaded as a pcap. Open shows the whole list.`,
            icon: 'symbol-namespace',
            contextValue: 'refreshable openable api',
            collapsible: 'collapsed',
          };
        }
        return {
          label: c.name,
          tooltip: `${c.templatePath}\nOPTIONS lists what lies below; Open sends GET.`,
          icon: 'symbol-namespace',
          contextValue: 'refreshable openable api',
          collapsible,
        };
      case 'parameter':
        return {
          label: c.name,
          description: c.listEndpoint ? `values from ${c.listEndpoint.split('/').pop()}` : undefined,
          tooltip: `${c.templatePath}\n${c.spec ? placeholderOf(c.spec) : ''}${c.listEndpoint ? `\nvalues from ${c.listEndpoint} (sorted by bytes)` : ''}`,
          icon: 'symbol-parameter',
          contextValue: 'refreshable openable api',
          collapsible: 'collapsed',
        };
      case 'value':
        return {
          label: c.name,
          description: c.entered ? 'entered' : c.description,
          tooltip: `${c.path}${c.description ? `\n${c.description}` : ''}`,
          icon: valueIcons[c.spec?.kind ?? ''] ?? 'symbol-constant',
          contextValue: ['refreshable openable api', this.capturable ? 'capturable' : ''].filter(Boolean).join(' '),
          collapsible,
        };
      case 'enterValue':
        return {
          label: c.name,
          description: c.parent?.spec ? placeholderOf(c.parent.spec) : undefined,
          icon: 'edit',
          contextValue: 'enterValue',
          collapsible: 'none',
          command: { command: 'probeExplorer.enterValue', title: 'Enter Value…', arguments: [this] },
        };
      case 'loadMore': {
        const listing = c.parent?.listing;
        const shown = listing?.values.filter((v) => !v.entered).length ?? 0;
        return {
          label: c.name,
          description: listing?.total !== undefined ? `${shown} of ${listing.total}` : undefined,
          icon: 'ellipsis',
          contextValue: 'loadMore',
          collapsible: 'none',
          command: { command: 'probeExplorer.loadMore', title: 'Load More…', arguments: [this] },
        };
      }
      case 'error':
        return {
          label: c.name,
          tooltip: `${c.failure?.message ?? c.name}\n\nClick to retry.`,
          icon: 'error',
          iconColor: 'errorForeground',
          contextValue: 'error retry',
          collapsible: 'none',
          command: { command: 'probeExplorer.retryNode', title: 'Retry', arguments: [this] },
        };
      case 'cycle':
        return { label: c.name, tooltip: `The device's OPTIONS answer leads back to ${c.target}: not followed.`, icon: 'sync', collapsible: 'none', contextValue: 'cycle' };
      case 'link':
        return { label: c.name, tooltip: `This name points to ${c.target}, elsewhere in the hierarchy.`, icon: 'link', collapsible: 'none', contextValue: 'link' };
    }
  }

  override request(): NodeRequest | undefined {
    const c = this.core;
    const path = c.getPath;
    if (!path) return undefined;
    const isList = c.kind === 'parameter';
    return {
      device: this.deviceName,
      deviceKind: 'allegro',
      method: 'GET',
      path,
      ...(isList ? { query: { sort: 'bytes', reverse: true, page: 0, count: 100 } } : {}),
      displayPath: c.kind === 'parameter' ? c.templatePath : c.path,
      title: c.kind === 'value' ? `${c.parent?.parent?.name ?? ''} ${c.name}`.trim() : c.name,
    };
  }

  override async children(signal?: AbortSignal): Promise<TreeNode[]> {
    const tree = await this.owner.apiTree();
    const kids = await tree.children(this.core, signal);
    const failure = kids.find((k) => k.kind === 'error')?.failure;
    this.owner.noteLoad(failure);
    const out: TreeNode[] = kids.map((k) => this.owner.wrap(k));
    if (this.isConnectionList && !failure) out.push(...(await this.connectionChildren(signal)));
    return out;
  }

  /**
   * `…/ips/<ip>/connections` and the like: a list of connections, not a level of the API. Its
   * top connections by bytes are shown below it (read here, beside the API tree, so a walk or
   * a Find of the API does not fetch every connection list).
   */
  get isConnectionList(): boolean {
    const c = this.core;
    return c.kind === 'resource' && c.name === 'connections' && c.parent?.kind === 'value';
  }

  private connections: Promise<TreeNode[]> | undefined;

  private connectionChildren(signal?: AbortSignal): Promise<TreeNode[]> {
    if (!this.connections) {
      const load = (async (): Promise<TreeNode[]> => {
        const client = await this.owner.client();
        const count = this.owner.pageSize();
        const page = await client.list<Record<string, unknown>>(this.core.path, { sort: 'bytes', reverse: true, page: 0, count }, { signal });
        const nodes: TreeNode[] = [];
        for (const item of page.displayedItems) {
          const ref = connectionRefOf(item);
          if (ref) nodes.push(new AllegroConnectionNode(this, ref, item));
        }
        if (nodes.length === 0) nodes.push(new MessageNode(this, 'No connections in this interval', { icon: 'info' }));
        const total = typeof page.numberOfItems === 'number' ? page.numberOfItems : undefined;
        if (total !== undefined && total > nodes.length && page.displayedItems.length === count) {
          nodes.push(new MessageNode(this, `${total - count} more: Open the list`, { icon: 'ellipsis', tooltip: 'Open shows every connection, with paging, sorting and CSV.' }));
        }
        return nodes;
      })().catch((err: unknown) => {
        if (this.connections === load) this.connections = undefined;
        if (signal?.aborted) throw err;
        return [new ErrorNode(this, this.failureOf(err))];
      });
      this.connections = load;
    }
    return this.connections;
  }

  /** Refresh of a node, or Retry of an error node: returns the node whose children reload. */
  override refresh(): TreeNode {
    this.connections = undefined;
    const tree = this.owner.tree!;
    const changed = tree.refresh(this.core);
    return changed === tree.root ? this.owner : this.owner.wrap(changed);
  }
}

/** A connection row of an Allegro list (`clientIp`, `serverIp`, ports, `connectionStart`, ...). */
export function connectionRefOf(item: Record<string, unknown>): ConnectionRef | undefined {
  const { clientIp, serverIp } = item;
  if (typeof clientIp !== 'string' || typeof serverIp !== 'string') return undefined;
  const ref: ConnectionRef = { clientIp, serverIp };
  if (typeof item.clientPort === 'number') ref.clientPort = item.clientPort;
  if (typeof item.serverPort === 'number') ref.serverPort = item.serverPort;
  if (typeof item.l4ProtocolShortName === 'string') ref.l4Protocol = item.l4ProtocolShortName;
  if (typeof item.connectionStart === 'number') ref.startMs = item.connectionStart;
  if (typeof item.lastActivity === 'number') ref.endMs = item.lastActivity;
  return ref;
}

function endpoint(ip: string, port: number | undefined): string {
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return port === undefined ? host : `${host}:${port}`;
}

/** One connection below a connection list: Download pcap captures exactly it, over its lifetime. */
export class AllegroConnectionNode extends TreeNode {
  constructor(parent: AllegroApiNodeView, readonly connection: ConnectionRef, private readonly row: Record<string, unknown>) {
    super(parent);
  }

  get id(): string {
    const c = this.connection;
    return `${this.parent!.id}/${c.l4Protocol ?? ''}:${endpoint(c.clientIp, c.clientPort)}>${endpoint(c.serverIp, c.serverPort)}`;
  }

  get deviceName(): string {
    return this.parent!.deviceName;
  }

  item(): ItemSpec {
    const c = this.connection;
    const bytes = typeof this.row.bytes === 'number' ? formatBytes(this.row.bytes) : undefined;
    const app = typeof this.row.dpiProtocol === 'string' ? this.row.dpiProtocol : undefined;
    const when = c.startMs !== undefined && c.endMs !== undefined ? `\n${new Date(c.startMs).toISOString()} to ${new Date(c.endMs).toISOString()}` : '';
    return {
      label: `${endpoint(c.clientIp, c.clientPort)} → ${endpoint(c.serverIp, c.serverPort)}`,
      description: [c.l4Protocol, app, bytes].filter(Boolean).join(' · '),
      tooltip: `${c.l4Protocol ?? ''} connection, client ${endpoint(c.clientIp, c.clientPort)}, server ${endpoint(c.serverIp, c.serverPort)}${when}\nDownload pcap captures this connection over its lifetime.`,
      icon: 'arrow-swap',
      contextValue: 'capturable',
      collapsible: 'none',
    };
  }
}
