// The node model of the Devices tree. Deliberately free of `vscode`: each node says how to draw
// itself (an ItemSpec the provider turns into a TreeItem) and how to load its children, so the
// whole tree is tested under plain Node against the simulators.
import type { HttpClientApi, Logger, QueryValue, RequestOptions } from '../../http/types';
import type { DeviceProfile } from '../../devices/profile';
import { describeFailure, isAbort, type LoadFailure } from '../../allegro/apiTree';

export type Collapsible = 'none' | 'collapsed' | 'expanded';

/** What a TreeItem is made of, without vscode types. Icons are codicon ids. */
export interface ItemSpec {
  label: string;
  description?: string;
  tooltip?: string;
  icon?: string;
  /** A theme color id for the icon, e.g. `errorForeground`, `charts.green`. */
  iconColor?: string;
  contextValue?: string;
  collapsible: Collapsible;
  command?: { command: string; title: string; arguments?: unknown[] };
}

/** The request behind a node: what Open, Copy path/URL and Copy as curl use. */
export interface NodeRequest {
  device: string;
  deviceKind: DeviceProfile['kind'];
  method: 'GET';
  path: string;
  query?: Record<string, QueryValue>;
  /** What Copy path shows (template form for parameter nodes). */
  displayPath: string;
  title: string;
}

/** What nodes need from the extension: HTTP clients, settings, and a way to say "I changed". */
export interface TreeEnv {
  http(deviceName: string): Promise<HttpClientApi>;
  settings(): { pageSize: number; maxConcurrency: number };
  /** Fires the tree's change event for `node` (undefined: the whole tree). */
  changed(node: TreeNode | undefined): void;
  log?: Logger;
}

export type ConnectionState =
  | { state: 'unknown' }
  | { state: 'connected' }
  | { state: 'failed'; reason: string };

let serial = 0;

export abstract class TreeNode {
  private cache: TreeNode[] | undefined;
  private loading: Promise<TreeNode[]> | undefined;
  private generation = 0;
  /** Distinguishes nodes without a natural identity (messages, errors). */
  protected readonly serial = serial++;

  constructor(readonly parent: TreeNode | undefined) {}

  /** Unique in the whole tree (device name first) and stable across refreshes where possible. */
  abstract get id(): string;
  abstract get deviceName(): string;
  abstract item(): ItemSpec;

  /** The device node this node belongs to. */
  get device(): DeviceNode {
    let n: TreeNode = this;
    while (n.parent) n = n.parent;
    return n as DeviceNode;
  }

  get expandable(): boolean {
    return false;
  }

  /** The GET behind the node, when it has one. */
  request(): NodeRequest | undefined {
    return undefined;
  }

  /** Expensive tooltip text, filled in on hover (resolveTreeItem). */
  resolveTooltip(): string | undefined {
    return undefined;
  }

  get loaded(): boolean {
    return this.cache !== undefined;
  }

  protected loadChildren(_signal?: AbortSignal): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }

  /**
   * Children, loaded once and cached; two expansions at once share one load. A failure becomes
   * an ErrorNode child with the reason and Retry; a cancelled load leaves nothing cached.
   */
  async children(signal?: AbortSignal): Promise<TreeNode[]> {
    if (this.cache) return this.cache;
    if (!this.expandable) return [];
    if (!this.loading) {
      const generation = this.generation;
      const load = this.loadChildren(signal).then(
        (kids) => kids,
        (err) => {
          if (isAbort(err)) throw err;
          return [new ErrorNode(this, this.failureOf(err))];
        },
      ).then((kids) => {
        if (this.generation === generation) this.cache = kids;
        this.afterLoad(kids);
        return kids;
      });
      this.loading = load;
      const clear = () => {
        if (this.loading === load) this.loading = undefined;
      };
      load.then(clear, clear);
    }
    try {
      return await this.loading;
    } catch (err) {
      if (isAbort(err) && !signal?.aborted) return this.children(signal);
      throw err;
    }
  }

  /** Forgets the cached children; returns the node whose change event must fire. */
  refresh(): TreeNode {
    this.generation++;
    this.cache = undefined;
    this.loading = undefined;
    return this;
  }

  /** Replaces the cached children (e.g. after Load more) without a reload. */
  protected setChildren(kids: TreeNode[]): void {
    this.cache = kids;
  }

  protected failureOf(err: unknown): LoadFailure {
    return failureAt(this.device.profile, this.request()?.path, err);
  }

  /** Hook for the device node to learn its connection state from any load below it. */
  protected afterLoad(kids: TreeNode[]): void {
    const failed = kids.find((k): k is ErrorNode => k instanceof ErrorNode);
    this.device.noteLoad(failed?.failure);
  }
}

/** A failed load of `path` (the device's URL when there is none) on the device of `profile`, described for a node. */
export function failureAt(profile: DeviceProfile, path: string | undefined, err: unknown): LoadFailure {
  return describeFailure(err, { deviceName: profile.name, path: path ?? profile.url, auth: profile.auth, username: profile.username, kind: profile.kind });
}

/** Top-level node of one configured device. */
export abstract class DeviceNode extends TreeNode {
  connection: ConnectionState = { state: 'unknown' };

  /** Replaced in place when only the device's scopes change (its trees stay). */
  constructor(public profile: DeviceProfile, protected readonly env: TreeEnv) {
    super(undefined);
  }

  get id(): string {
    return `device:${this.profile.name}`;
  }

  get deviceName(): string {
    return this.profile.name;
  }

  override get expandable(): boolean {
    return true;
  }

  get host(): string {
    try {
      return new URL(this.profile.url).host;
    } catch {
      return this.profile.url;
    }
  }

  /** Updates the connection state from a load; fires a change of this node when it changes. */
  noteLoad(failure: LoadFailure | undefined): void {
    let next: ConnectionState;
    if (!failure) next = { state: 'connected' };
    else if (failure.status && failure.status !== 401 && failure.status !== 403 && failure.status < 500) return; // a 404 below says nothing about the device
    else next = { state: 'failed', reason: failure.status ? `HTTP ${failure.status}` : shortReason(failure) };
    const before = JSON.stringify(this.connection);
    this.connection = next;
    if (JSON.stringify(next) !== before) this.env.changed(this);
  }

  protected stateText(): string {
    switch (this.connection.state) {
      case 'connected': return 'connected';
      case 'failed': return this.connection.reason;
      default: return 'not connected';
    }
  }

  protected deviceContext(extra: string[]): string {
    return ['device', 'refreshable', ...extra].join(' ');
  }
}

function shortReason(failure: LoadFailure): string {
  const kind = (failure.cause as { kind?: string } | undefined)?.kind;
  if (kind === 'tls') return 'certificate not trusted';
  if (kind === 'network') return 'unreachable';
  if (kind === 'timeout') return 'timed out';
  return 'error';
}

/** A failed load: says what failed and retries its parent when clicked. */
/**
 * The contextValue of a node that shows a failure: Retry, and the command its message tells the
 * user to run ("Edit Device…", "Trust Device Certificate…"), which package.json offers on the node.
 */
export function errorContextValue(message: string): string {
  return [
    'error retry',
    /"Edit Device…"/.test(message) ? 'editDevice' : '',
    /"Trust Device Certificate…"/.test(message) ? 'trustCertificate' : '',
  ].filter(Boolean).join(' ');
}

export class ErrorNode extends TreeNode {
  constructor(parent: TreeNode, readonly failure: LoadFailure) {
    super(parent);
  }

  get id(): string {
    return `${this.parent!.id}/error#${this.serial}`;
  }

  get deviceName(): string {
    return this.parent!.deviceName;
  }

  item(): ItemSpec {
    return {
      label: this.failure.message,
      tooltip: `${this.failure.message}\n\nClick to retry.`,
      icon: 'error',
      iconColor: 'errorForeground',
      contextValue: errorContextValue(this.failure.message),
      collapsible: 'none',
      command: { command: 'probeExplorer.retryNode', title: 'Retry', arguments: [this] },
    };
  }
}

/** A leaf that only says something ("No report instances", "Granularities: ..."). */
export class MessageNode extends TreeNode {
  constructor(parent: TreeNode, readonly label: string, readonly extra: Partial<ItemSpec> = {}, private readonly key = '') {
    super(parent);
  }

  get id(): string {
    return `${this.parent!.id}/msg:${this.key || this.label}`;
  }

  get deviceName(): string {
    return this.parent!.deviceName;
  }

  item(): ItemSpec {
    return { label: this.label, icon: 'info', collapsible: 'none', ...this.extra };
  }
}

/**
 * An HttpClientApi that asks `get` for the device's current client on every call: the registry
 * replaces a client when the device's secret or settings change, and the tree must follow.
 */
export function deferredHttp(deviceName: string, baseUrl: string, get: () => Promise<HttpClientApi>): HttpClientApi {
  return {
    deviceName,
    baseUrl,
    json: async <T>(options: RequestOptions) => (await get()).json<T>(options),
    text: async (options) => (await get()).text(options),
    buffer: async (options) => (await get()).buffer(options),
    stream: async (options) => (await get()).stream(options),
    raw: async (options) => (await get()).raw(options),
    url: (path, query) => urlOf(baseUrl, path, query),
    close: async () => undefined,
  };
}

/** base + path + query, the way the HTTP core builds URLs for display (no credentials). */
export function urlOf(baseUrl: string, path: string, query?: RequestOptions['query']): string {
  const url = new URL(baseUrl);
  url.username = '';
  url.password = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
  for (const [k, v] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(v) ? v : [v]) if (item !== undefined && item !== null) url.searchParams.append(k, String(item));
  }
  return url.toString();
}
