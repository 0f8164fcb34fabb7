// Allegro nodes of the Devices tree: the device (= /API/stats) and one wrapper per node of the
// API tree core. Loading, caching, paging and cycle rules live in src/allegro/apiTree.ts; these
// classes only draw the core nodes and keep one wrapper per core node (TreeView.reveal needs
// stable objects). Each scope (analysis slot, multi-device member, link group) has a tree of its own.
import { AllegroApiTree, allegroTreeTransport, isAbort, type ApiNode, type LoadFailure } from '../../allegro/apiTree';
import { describeScope, isDefaultScope, normalizeScope, scopeKey, scopeQuery, type AllegroScope } from '../../allegro/scope';
import type { MultideviceEntry } from '../../allegro/types';
import { AllegroClient } from '../../allegro/client';
import { placeholderOf } from '../../allegro/apiParams';
import { formatBytes } from '../../shared/format';
import type { ConnectionRef } from '../../pcap/target';
import type { DeviceProfile } from '../../devices/profile';
import { deferredHttp, DeviceNode, ErrorNode, errorContextValue, failureAt, MessageNode, TreeNode, type ItemSpec, type NodeRequest, type TreeEnv } from './base';

/**
 * One API tree of an Allegro device seen in one scope (its own live traffic, an analysis slot,
 * a multi-device member, a link group). The device node owns the tree of its default scope and
 * each scope node one more; both draw the tree's root level as their children.
 */
export class ScopedApiTree {
  private treePromise: Promise<AllegroApiTree> | undefined;
  /** Set once the tree is built; wrappers exist only after that. */
  tree: AllegroApiTree | undefined;
  /** The client the tree reads through (lists beside the tree, e.g. connections). */
  allegro: AllegroClient | undefined;
  private readonly wrappers = new WeakMap<ApiNode, AllegroApiNodeView>();
  readonly scope: AllegroScope;

  constructor(readonly root: TreeNode, readonly device: AllegroDeviceNode, private readonly env: TreeEnv, scope: AllegroScope) {
    this.scope = normalizeScope(scope);
  }

  get profile(): DeviceProfile {
    return this.device.profile;
  }

  /** Prefix of the ids of this tree's nodes (the device's name alone for its own traffic). */
  get idPrefix(): string {
    return isDefaultScope(this.scope) ? this.profile.name : `${this.profile.name}|${scopeKey(this.scope)}`;
  }

  /** Asks the view to draw `node` again. */
  redraw(node: TreeNode): void {
    this.env.changed(node);
  }

  /** The API tree, built on first use from the device's HTTP client. */
  apiTree(): Promise<AllegroApiTree> {
    if (this.tree) return Promise.resolve(this.tree);
    if (!this.treePromise) {
      const building = (async () => {
        const { pageSize, maxConcurrency } = this.env.settings();
        const profile = this.profile;
        const http = deferredHttp(profile.name, profile.url, () => this.env.http(profile.name));
        this.allegro = new AllegroClient(http, this.scope);
        this.tree = new AllegroApiTree(allegroTreeTransport(this.allegro), {
          deviceName: profile.name,
          pageSize,
          maxConcurrency,
          auth: profile.auth,
          username: profile.username,
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

  /** The root level, wrapped; the device learns its connection state from the load. */
  async rootChildren(signal?: AbortSignal): Promise<TreeNode[]> {
    let tree: AllegroApiTree;
    try {
      tree = await this.apiTree();
    } catch (err) {
      const error = new ErrorNode(this.root, failureAt(this.profile, undefined, err));
      this.noteLoad(error.failure);
      return [error];
    }
    const kids = await tree.children(tree.root, signal);
    this.noteLoad(kids.find((k) => k.kind === 'error')?.failure);
    return kids.map((k) => this.wrap(k));
  }

  /**
   * Tells the device how a load went. A slot or member that answers, or fails on its own (a member
   * offline, 503; a slot that does not exist, 404; a member refusing, 401/403), says nothing about
   * the device itself; not reaching it at all does.
   */
  noteLoad(failure: LoadFailure | undefined): void {
    if (!isDefaultScope(this.scope) && (!failure || failure.status !== undefined)) return;
    this.device.noteLoad(failure);
  }

  /** The client of this scope (built with the tree). */
  async client(): Promise<AllegroClient> {
    await this.apiTree();
    return this.allegro!;
  }

  /** Entries per listed page (the device answers at most 100). */
  pageSize(): number {
    return Math.max(1, Math.min(100, this.env.settings().pageSize));
  }

  /** The wrapper of a core node (created once, parents first, so reveal finds the same objects). */
  wrap(core: ApiNode): AllegroApiNodeView {
    const existing = this.wrappers.get(core);
    if (existing) return existing;
    const parent: TreeNode = core.parent && core.parent.parent !== undefined ? this.wrap(core.parent) : this.root;
    const view = new AllegroApiNodeView(parent, core, this);
    this.wrappers.set(core, view);
    return view;
  }

  /** Refresh of a core node: returns the tree node whose children reload. */
  refresh(core: ApiNode): TreeNode {
    const tree = this.tree!;
    const changed = tree.refresh(core);
    return changed === tree.root ? this.root : this.wrap(changed);
  }
}

export class AllegroDeviceNode extends DeviceNode {
  /** The device's own live traffic (no mm-id, link group 0). */
  readonly api: ScopedApiTree;
  private readonly scopesNode: AllegroScopesNode;

  constructor(profile: DeviceProfile, env: TreeEnv) {
    super(profile, env);
    this.api = new ScopedApiTree(this, this, env, {});
    this.scopesNode = new AllegroScopesNode(this, env);
  }

  /** Set once the tree of the device's own traffic is built. */
  get tree(): AllegroApiTree | undefined {
    return this.api.tree;
  }

  /** The API tree of the device's own traffic. */
  apiTree(): Promise<AllegroApiTree> {
    return this.api.apiTree();
  }

  item(): ItemSpec {
    return {
      label: this.profile.name,
      description: `${this.host} · ${this.stateText()}`,
      tooltip: `Allegro Network Multimeter\n${this.profile.url}\nauth: ${this.profile.auth === 'token' ? 'API token' : `user ${this.profile.username ?? '?'}`}\n${this.stateText()}`,
      icon: 'pulse',
      iconColor: this.connection.state === 'failed' ? 'errorForeground' : this.connection.state === 'connected' ? 'charts.green' : undefined,
      contextValue: this.deviceContext(['api', 'capturable', 'allegroScopes']),
      collapsible: 'collapsed',
    };
  }

  override request(): NodeRequest {
    return { device: this.profile.name, deviceKind: 'allegro', method: 'GET', path: '/API/stats', displayPath: '/API/stats', title: this.profile.name };
  }

  override async children(signal?: AbortSignal): Promise<TreeNode[]> {
    const kids = await this.api.rootChildren(signal);
    // Slots, members and link groups only once the device answers (an error node stands alone).
    const failed = kids.some((k) => k instanceof ErrorNode || (k instanceof AllegroApiNodeView && k.core.kind === 'error'));
    return failed ? kids : [...kids, this.scopesNode];
  }

  override get loaded(): boolean {
    return this.api.tree?.root.loaded ?? false;
  }

  /** Entries per listed page (the device answers at most 100). */
  pageSize(): number {
    return this.api.pageSize();
  }

  /** The client of the device's own traffic (built with the tree). */
  client(): Promise<AllegroClient> {
    return this.api.client();
  }

  /** The folder of slots, multi-device members and link groups. */
  get scopes(): AllegroScopesNode {
    return this.scopesNode;
  }

  override refresh(): TreeNode {
    this.api.tree?.refresh(this.api.tree.root);
    this.scopesNode.refreshAll();
    return this;
  }

  /** The wrapper of a core node of the device's own tree. */
  wrap(core: ApiNode): AllegroApiNodeView {
    return this.api.wrap(core);
  }
}

const MEMBERS_PATH = '/API/system/multidevice/devices';

/**
 * "Slots, devices and link groups": the members a multi-device gateway lists
 * (/API/system/multidevice/devices) and the scopes configured for the device (`scopes` in its
 * profile: parallel pcap analysis slots, members, virtual link groups), each with its own tree.
 */
export class AllegroScopesNode extends TreeNode {
  private readonly nodes = new Map<string, AllegroScopeNode>();

  constructor(readonly owner: AllegroDeviceNode, private readonly env: TreeEnv) {
    super(owner);
  }

  get id(): string {
    return `${this.owner.profile.name}|scopes`;
  }

  get deviceName(): string {
    return this.owner.profile.name;
  }

  override get expandable(): boolean {
    return true;
  }

  item(): ItemSpec {
    const configured = this.owner.profile.scopes?.length ?? 0;
    return {
      label: 'Slots, devices and link groups',
      description: configured ? `${configured} configured` : undefined,
      tooltip: 'The same API seen through a parallel pcap analysis slot or another device of a multi-device setup (mm-id), or a virtual link group (group).\nMembers the device lists are shown here; add others with "Add Slot, Device or Link Group…".',
      icon: 'server-environment',
      contextValue: 'refreshable allegroScopes scopeFolder',
      collapsible: 'collapsed',
    };
  }

  protected override async loadChildren(signal?: AbortSignal): Promise<TreeNode[]> {
    const out: TreeNode[] = [];
    const client = await this.owner.client();
    let members: MultideviceEntry[] = [];
    try {
      const listed = await client.devices({ signal });
      members = Array.isArray(listed) ? listed.filter((m) => m && typeof m.id === 'string' && m.id.trim() !== '') : [];
    } catch (err) {
      if (isAbort(err)) throw err;
      const failure = failureAt(this.owner.profile, MEMBERS_PATH, err);
      // A device that is no multi-device gateway (or a user without the right) has no list: say nothing.
      if (!(failure.status === 404 || failure.status === 403)) out.push(new ErrorNode(this, failure));
    }
    const configured = new Set((this.owner.profile.scopes ?? []).map(scopeKey));
    const seen = new Set<string>();
    for (const m of members) {
      const scope: AllegroScope = { mmId: m.id.trim() };
      const key = scopeKey(scope);
      if (seen.has(key)) continue; // a member listed twice is shown once
      seen.add(key);
      out.push(this.scopeNode(scope, { member: m, configured: configured.has(key) }));
    }
    for (const scope of this.owner.profile.scopes ?? []) {
      const key = scopeKey(scope);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(this.scopeNode(scope, { configured: true }));
    }
    // scopes no longer listed or configured are forgotten (with their trees)
    for (const key of [...this.nodes.keys()]) if (!seen.has(key)) this.nodes.delete(key);
    out.push(new MessageNode(this, 'Add slot, device or link group…', {
      icon: 'add',
      tooltip: 'Shows the API of a parallel pcap analysis slot (mm-id :1), a multi-device member (mm-id name:slot) or a virtual link group (group=1) here.',
      contextValue: 'addScope',
      command: { command: 'probeExplorer.addAllegroScope', title: 'Add Slot, Device or Link Group…', arguments: [this] },
    }, 'add'));
    return out;
  }

  /**
   * Refresh (and Retry, and a change of the configured scopes) reloads the list only: the scopes
   * that stay keep their trees. Refresh of the device reloads those too (refreshAll).
   */
  refreshAll(): TreeNode {
    for (const node of this.nodes.values()) node.refresh();
    return this.refresh();
  }

  /** The member list failing (a 5xx of the gateway) is shown here; the device's state comes from its own tree. */
  protected override afterLoad(): void {}

  /** One node per scope, kept across reloads so its tree (and what is expanded) survives. */
  private scopeNode(scope: AllegroScope, how: { member?: MultideviceEntry; configured?: boolean }): AllegroScopeNode {
    const key = scopeKey(scope);
    let node = this.nodes.get(key);
    if (!node) {
      node = new AllegroScopeNode(this, scope, this.env);
      this.nodes.set(key, node);
    }
    node.member = how.member;
    node.configured = how.configured === true;
    return node;
  }
}

/** The API of the device seen in one scope (slot, member, link group). */
export class AllegroScopeNode extends TreeNode {
  readonly api: ScopedApiTree;
  member: MultideviceEntry | undefined;
  configured = false;

  constructor(readonly folder: AllegroScopesNode, scope: AllegroScope, env: TreeEnv) {
    super(folder);
    this.api = new ScopedApiTree(this, folder.owner, env, scope);
  }

  get scope(): AllegroScope {
    return this.api.scope;
  }

  get id(): string {
    return `${this.api.idPrefix}|scope`;
  }

  get deviceName(): string {
    return this.folder.owner.profile.name;
  }

  /** Captures started here read from this slot or member (CaptureTarget.mmId). */
  get mmId(): string | undefined {
    return this.scope.mmId;
  }

  override get expandable(): boolean {
    return true;
  }

  override get loaded(): boolean {
    return this.api.tree?.root.loaded ?? false;
  }

  item(): ItemSpec {
    const m = this.member;
    const query = Object.entries(scopeQuery(this.scope)).map(([k, v]) => `${k}=${String(v)}`).join('&');
    const name = m ? (typeof m.name === 'string' && m.name.trim() ? m.name : m.host || m.id) : describeScope(this.scope);
    const state = m && m.active === false ? 'inactive' : undefined;
    return {
      label: name,
      description: [query, state].filter(Boolean).join(' · '),
      tooltip: [
        m ? `Multi-device member ${m.id}${m.host && m.host !== m.id ? ` (${m.host})` : ''}${m.active === false ? ', inactive' : ''}` : `Configured for ${this.deviceName}`,
        `Every request below carries ${query}.`,
        this.configured ? 'Remove from Tree takes it out of the device\'s settings.' : '',
      ].filter(Boolean).join('\n'),
      icon: this.scope.mmId !== undefined && !/^(local)?:\d+$/.test(this.scope.mmId) ? 'vm' : this.scope.group !== undefined && this.scope.mmId === undefined ? 'type-hierarchy' : 'layers',
      iconColor: state ? 'disabledForeground' : undefined,
      // Captures take mm-id but no link group: a group-only scope offers none (it would capture the whole device).
      contextValue: ['refreshable openable api allegroScope', this.scope.group === undefined || this.scope.mmId !== undefined ? 'capturable' : '', this.configured ? 'configuredScope' : ''].filter(Boolean).join(' '),
      collapsible: 'collapsed',
    };
  }

  override request(): NodeRequest {
    return { device: this.deviceName, deviceKind: 'allegro', method: 'GET', path: '/API/stats', query: scopeQuery(this.scope), displayPath: '/API/stats', title: `${this.deviceName} · ${describeScope(this.scope)}` };
  }

  override children(signal?: AbortSignal): Promise<TreeNode[]> {
    return this.api.rootChildren(signal);
  }

  override refresh(): TreeNode {
    this.api.tree?.refresh(this.api.tree.root);
    return this;
  }
}

const valueIcons: Record<string, string> = { ip: 'globe', mac: 'circuit-board', port: 'plug', vlan: 'layers' };

export class AllegroApiNodeView extends TreeNode {
  constructor(parent: TreeNode, readonly core: ApiNode, readonly host: ScopedApiTree) {
    super(parent);
  }

  get id(): string {
    return `${this.host.idPrefix}|${this.core.id}`;
  }

  get deviceName(): string {
    return this.host.profile.name;
  }

  /** The slot or multi-device member this node reads from (captures started here use it). */
  get mmId(): string | undefined {
    return this.host.scope.mmId;
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
            description: `top ${this.host.pageSize()} by bytes`,
            tooltip: `${c.templatePath}\nThe connections with the most bytes; each can be downloaded as a pcap. Open shows the whole list.`,
            icon: 'symbol-namespace',
            contextValue: 'refreshable openable api',
            collapsible: 'collapsed',
          };
        }
        return {
          label: c.name,
          tooltip: `${c.templatePath}\nOPTIONS lists what lies below; Open sends GET.${this.isCaptureModule ? '\nDownload pcap… starts a capture of this device from here.' : ''}`,
          icon: 'symbol-namespace',
          contextValue: this.isCaptureModule ? 'refreshable openable api capturable' : 'refreshable openable api',
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
          contextValue: errorContextValue(c.failure?.message ?? c.name),
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
      ...(isList || !isDefaultScope(this.host.scope) ? { query: { ...(isList ? { sort: 'bytes', reverse: true, page: 0, count: 100 } : {}), ...scopeQuery(this.host.scope) } } : {}),
      displayPath: c.kind === 'parameter' ? c.templatePath : c.path,
      // A result from a slot, member or link group says so in its title.
      title: `${c.kind === 'value' ? `${c.parent?.parent?.name ?? ''} ${c.name}`.trim() : c.name}${isDefaultScope(this.host.scope) ? '' : ` · ${describeScope(this.host.scope)}`}`,
    };
  }

  override async children(signal?: AbortSignal): Promise<TreeNode[]> {
    const tree = await this.host.apiTree();
    const known = this.core.children !== undefined;
    const kids = await tree.children(this.core, signal);
    const failure = kids.find((k) => k.kind === 'error')?.failure;
    this.host.noteLoad(failure);
    const out: TreeNode[] = kids.map((k) => this.host.wrap(k));
    if (this.isConnectionList && !failure) out.push(...(await this.connectionChildren(signal)));
    // A level just found empty is drawn as a leaf from now on (item()); tell the view, which still
    // shows it expanded with nothing below it.
    else if (!known && out.length === 0 && this.core.children !== undefined) this.host.redraw(this);
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

  /** `…/modules/capture`: the capture module, where an analyst looks for Download pcap… too (no expression prefilled). */
  get isCaptureModule(): boolean {
    const c = this.core;
    return c.kind === 'resource' && c.name === 'capture' && c.parent?.kind === 'resource' && c.parent.name === 'modules';
  }

  private connections: Promise<TreeNode[]> | undefined;

  private connectionChildren(signal?: AbortSignal): Promise<TreeNode[]> {
    if (!this.connections) {
      const load = (async (): Promise<TreeNode[]> => {
        const client = await this.host.client();
        const count = this.host.pageSize();
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
    return this.host.refresh(this.core);
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

  /** The slot or multi-device member of the list this connection was read from. */
  get mmId(): string | undefined {
    return (this.parent as AllegroApiNodeView).mmId;
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
