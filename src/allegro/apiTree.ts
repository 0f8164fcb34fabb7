// The vscode-free core of the Allegro API tree: the OPTIONS `subResources` hierarchy below
// /API/stats, loaded one level per expansion, cached per node, with parameter nodes (`:ip`, ...)
// that list real values from the matching list endpoint, cycle cutting, Find and a full walk.
// The tree view (src/views) only draws these nodes; every rule lives here so it is tested
// without an editor.
import { posix } from 'node:path';
import type { HttpClientApi, QueryValue } from '../http/types';
import { AbortedError, InvalidResponseError, httpStatusHint, type ProbeError } from '../http/errors';
import { Limiter } from './limiter';
import { AllegroClient } from './client';
import { fetchNode } from './fetchNode';
import {
  encodeSegment,
  pagedSiblingFor,
  paramSpecOf,
  validateParamValue,
  valueOfItem,
  type ParamSpec,
  type Validation,
} from './apiParams';

/** What the tree needs from the device. `httpTreeTransport` builds it from the HTTP core. */
export interface AllegroTreeTransport {
  /** OPTIONS on `path`; the parsed JSON body, whatever its shape. */
  options(path: string, signal?: AbortSignal): Promise<unknown>;
  /** GET on `path`; the parsed JSON body (asynchronous Allegro lists already resolved). */
  get(path: string, query: Record<string, QueryValue>, signal?: AbortSignal): Promise<unknown>;
}

export interface ApiTreeOptions {
  deviceName: string;
  /** Top of the hierarchy (default /API/stats). */
  rootPath?: string;
  /** Values per page under a parameter node (default 50, the document's maximum is 100). */
  pageSize?: number;
  /** Requests in flight to this device at most (default 6); Find never goes above it. */
  maxConcurrency?: number;
  /** Levels below the root that are followed at most (default 16). */
  maxDepth?: number;
  /** How the device authenticates: names the missing credential in 401/403 messages. */
  auth?: 'basic' | 'token';
  username?: string;
}

export type ApiNodeKind = 'resource' | 'parameter' | 'value' | 'enterValue' | 'loadMore' | 'error' | 'cycle' | 'link';

export interface LoadFailure {
  /** One line a person can act on. */
  message: string;
  status?: number;
  cause: unknown;
}

/** How a parameter node lists its values. */
interface ParamListing {
  /** The list endpoint, e.g. /API/stats/modules/ip/ips_paged. */
  endpoint: string;
  nextPage: number;
  hasMore: boolean;
  total?: number;
  /** A list endpoint that answers a plain array is paged here, from this copy. */
  plainItems?: unknown[];
  values: ApiNode[];
}

/** How many pages before the next one "Load more" reads again (the live order moves entries). */
const RELOAD_PAGES = 10;

let nextSerial = 0;

export class ApiNode {
  /** Cached children; undefined until loaded (or after a refresh). */
  children: ApiNode[] | undefined;
  /** The OPTIONS answer of a resource or value node, once loaded. */
  subResources: string[] | undefined;
  /** Parameter nodes: the spec of `:name`. Value nodes: the spec of their parameter. */
  readonly spec: ParamSpec | undefined;
  /** Value nodes: the value; the entry of the list it came from. */
  value: string | undefined;
  item: unknown;
  description: string | undefined;
  /** Value nodes typed by the user rather than listed. */
  entered = false;
  /** Error nodes: what failed. */
  failure: LoadFailure | undefined;
  /** Cycle and link nodes: the path they point back to. */
  target: string | undefined;
  /** Parameter nodes: the list endpoint and paging state. */
  listing: ParamListing | undefined;
  /** Parameter nodes: where values would be listed from. */
  listEndpoint: string | undefined;
  /** Parameter nodes: values entered before the first expansion. */
  pendingEntered: ApiNode[] | undefined;

  loading: Promise<ApiNode[]> | undefined;
  loadingMore: Promise<ApiNode> | undefined;
  generation = 0;
  readonly serial = nextSerial++;

  constructor(
    readonly kind: ApiNodeKind,
    /** What the tree shows: a segment (`modules`), `:ip`, a value, or a message. */
    readonly name: string,
    /** The request path (parameter nodes: the template `/…/ips/:ip`, never requested). */
    readonly path: string,
    /** The path with parameters in template form, e.g. /API/stats/modules/ip/ips/:ip/peers. */
    readonly templatePath: string,
    readonly parent: ApiNode | undefined,
    spec?: ParamSpec,
  ) {
    this.spec = spec;
  }

  /** Unique within one tree; stable across refreshes for nodes with a path. */
  get id(): string {
    switch (this.kind) {
      case 'resource':
      case 'value':
      case 'parameter':
        return `${this.kind}:${this.path}`;
      default:
        return `${this.kind}:${this.parent?.path ?? ''}#${this.name}#${this.serial}`;
    }
  }

  get depth(): number {
    let d = 0;
    for (let n = this.parent; n; n = n.parent) d++;
    return d;
  }

  /** Whether expanding the node loads something. */
  get expandable(): boolean {
    return this.kind === 'resource' || this.kind === 'value' || this.kind === 'parameter';
  }

  get loaded(): boolean {
    return this.children !== undefined;
  }

  /** The parameter node a value, "Enter value…" or "Load more…" node belongs to. */
  get paramNode(): ApiNode | undefined {
    if (this.kind === 'parameter') return this;
    if (this.kind === 'value' || this.kind === 'enterValue' || this.kind === 'loadMore') return this.parent;
    return undefined;
  }

  /** Resource and value nodes answer a GET at `path`; parameter nodes at their list endpoint. */
  get getPath(): string | undefined {
    if (this.kind === 'resource' || this.kind === 'value') return this.path;
    if (this.kind === 'parameter') return this.listEndpoint;
    return undefined;
  }

  /** Every parameter value on the way from the root, e.g. { ip: '10.1.2.3' }. */
  get parameters(): Record<string, string> {
    const out: Record<string, string> = {};
    const chain: ApiNode[] = [];
    for (let n: ApiNode | undefined = this; n; n = n.parent) chain.unshift(n);
    for (const n of chain) if (n.kind === 'value' && n.spec && n.value !== undefined) out[n.spec.name] = n.value;
    return out;
  }
}

export interface WalkProgress {
  /** Nodes whose children are known (loaded now or before). */
  visited: number;
  /** Nodes found that still wait to be loaded. */
  pending: number;
  /** Requests this walk made. */
  requests: number;
  failed: number;
}

export interface WalkOptions {
  signal?: AbortSignal;
  /** Requests in flight at most; capped at the device's limit. */
  concurrency?: number;
  /** Stop after this many nodes (default 20 000): a guard against endless answers. */
  maxNodes?: number;
  onProgress?: (progress: WalkProgress) => void;
  /** Called for every node reached (resource, parameter and sampled value nodes). */
  onNode?: (node: ApiNode) => void;
}

export interface WalkResult extends WalkProgress {
  /** True when maxNodes stopped the walk. */
  truncated: boolean;
}

export interface FindOptions extends Omit<WalkOptions, 'onNode'> {
  onMatch?: (node: ApiNode) => void;
}

export interface FindResult extends WalkResult {
  matches: ApiNode[];
}

const DEFAULT_ROOT = '/API/stats';

export class AllegroApiTree {
  readonly root: ApiNode;
  readonly deviceName: string;
  readonly limiter: Limiter;
  readonly pageSize: number;
  readonly maxDepth: number;
  private readonly auth: ApiTreeOptions['auth'];
  private readonly username: string | undefined;
  private requestCount = 0;

  constructor(private readonly transport: AllegroTreeTransport, options: ApiTreeOptions) {
    this.deviceName = options.deviceName;
    const rootPath = normalizePath(options.rootPath ?? DEFAULT_ROOT);
    this.root = new ApiNode('resource', posix.basename(rootPath) || rootPath, rootPath, rootPath, undefined);
    this.pageSize = Math.max(1, Math.min(100, options.pageSize ?? 50));
    this.maxDepth = options.maxDepth ?? 16;
    this.limiter = new Limiter(options.maxConcurrency ?? 6, options.deviceName);
    this.auth = options.auth;
    this.username = options.username;
  }

  /** Requests this tree has sent. */
  get requests(): number {
    return this.requestCount;
  }

  /**
   * Children of `node`, loaded on first call and cached. Concurrent calls share one load.
   * A failed load yields an error child (cached until Retry/Refresh); a cancelled one yields nothing cached.
   */
  async children(node: ApiNode, signal?: AbortSignal): Promise<ApiNode[]> {
    if (node.children) return node.children;
    if (!node.expandable) return [];
    if (!node.loading) {
      const generation = node.generation;
      const load = this.load(node, signal).then(
        (children) => {
          if (node.generation === generation) node.children = children;
          return children;
        },
      );
      node.loading = load;
      const clear = () => {
        if (node.loading === load) node.loading = undefined;
      };
      load.then(clear, clear);
    }
    try {
      return await node.loading;
    } catch (err) {
      // The load we joined was cancelled by someone else (e.g. a cancelled Find): load again for us.
      if (isAbort(err) && !signal?.aborted) return this.children(node, signal);
      throw err;
    }
  }

  /** Forgets the children of `node` (and everything below); the next `children` call reloads. */
  refresh(node: ApiNode): ApiNode {
    const target = node.kind === 'error' || node.kind === 'loadMore' || node.kind === 'enterValue' ? node.parent ?? this.root : node;
    target.generation++;
    target.children = undefined;
    target.loading = undefined;
    target.loadingMore = undefined;
    if (target.kind === 'parameter') {
      // Values the user typed survive a refresh of the listed ones.
      const entered = target.listing?.values.filter((v) => v.entered) ?? [];
      target.pendingEntered = [...entered, ...(target.pendingEntered ?? [])];
      target.listing = undefined;
    } else target.subResources = undefined;
    return target;
  }

  /** The node a Retry on `errorNode` reloads: its parent. Returns it after clearing it. */
  retry(errorNode: ApiNode): ApiNode {
    return this.refresh(errorNode.kind === 'error' ? errorNode.parent ?? this.root : errorNode);
  }

  parentOf(node: ApiNode): ApiNode | undefined {
    return node.parent;
  }

  /** Validates `input` for the parameter node and returns the value node for it (no request). */
  enterValue(param: ApiNode, input: string): { ok: true; node: ApiNode } | { ok: false; message: string } {
    const p = param.paramNode;
    if (!p?.spec) return { ok: false, message: 'not a parameter node' };
    const checked: Validation = validateParamValue(p.spec, input);
    if (!checked.ok) return checked;
    const existing = p.children?.find((c) => c.kind === 'value' && c.value === checked.value);
    if (existing) return { ok: true, node: existing };
    const pending = p.pendingEntered?.find((c) => c.value === checked.value) ?? p.listing?.values.find((c) => c.value === checked.value);
    if (pending) return { ok: true, node: pending };
    const node = this.valueNode(p, checked.value, undefined, undefined);
    node.entered = true;
    if (p.listing) {
      // Loaded or loading: entered values come first, right after "Enter value…".
      p.listing.values.unshift(node);
      if (p.children) p.children = this.paramChildren(p);
    } else {
      (p.pendingEntered ??= []).push(node);
    }
    return { ok: true, node };
  }

  /** Loads the next page of values of the parameter node behind `node` ("Load more…"). */
  loadMore(node: ApiNode, signal?: AbortSignal): Promise<ApiNode> {
    const p = node.paramNode;
    if (!p || p.kind !== 'parameter') return Promise.reject(new Error('not a parameter node'));
    if (!p.listing || !p.listing.hasMore) return Promise.resolve(p);
    if (!p.loadingMore) {
      const generation = p.generation;
      const more = this.nextPages(p, p.listing, signal).then(
        () => {
          if (p.generation === generation) p.children = this.paramChildren(p);
          return p;
        },
        (err) => {
          if (isAbort(err)) throw err;
          if (p.generation === generation) p.children = [...this.paramChildren(p), this.errorNode(p, this.describe(err, p.listing?.endpoint ?? p.path))];
          return p;
        },
      );
      p.loadingMore = more;
      const clear = () => {
        if (p.loadingMore === more) p.loadingMore = undefined;
      };
      more.then(clear, clear);
    }
    return p.loadingMore;
  }

  /**
   * Loads every level below `start` with at most `concurrency` requests in flight (never more
   * than the device limit). Parameter nodes are followed through their first value only: that
   * shows what lies below `:ip` without walking every address.
   */
  async walk(start: ApiNode = this.root, options: WalkOptions = {}): Promise<WalkResult> {
    const { signal } = options;
    const concurrency = Math.max(1, Math.min(options.concurrency ?? this.limiter.max, this.limiter.max));
    const maxNodes = options.maxNodes ?? 20000;
    const queue: ApiNode[] = [start];
    const seen = new Set<ApiNode>([start]);
    const startRequests = this.requestCount;
    const progress: WalkProgress = { visited: 0, pending: 1, requests: 0, failed: 0 };
    let inFlight = 0;
    let truncated = false;
    options.onNode?.(start);

    return new Promise<WalkResult>((resolve, reject) => {
      let settled = false;
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        progress.requests = this.requestCount - startRequests;
        if (err) reject(err);
        else resolve({ ...progress, truncated });
      };
      const onAbort = () => finish(new AbortedError(this.deviceName, start.path));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });

      const report = () => {
        progress.pending = queue.length + inFlight;
        progress.requests = this.requestCount - startRequests;
        options.onProgress?.({ ...progress });
      };
      const enqueue = (child: ApiNode) => {
        if (seen.has(child)) return;
        if (seen.size >= maxNodes) {
          truncated = true;
          return;
        }
        seen.add(child);
        options.onNode?.(child);
        queue.push(child);
      };
      const pump = () => {
        if (settled) return;
        while (inFlight < concurrency && queue.length) {
          const node = queue.pop()!;
          inFlight++;
          this.children(node, signal).then(
            (kids) => {
              progress.visited++;
              if (kids.some((k) => k.kind === 'error')) progress.failed++;
              for (const kid of walkableChildren(node, kids)) enqueue(kid);
            },
            (err) => {
              if (!isAbort(err)) progress.failed++;
            },
          ).finally(() => {
            inFlight--;
            if (settled) return;
            report();
            if (!queue.length && !inFlight) finish();
            else pump();
          });
        }
      };
      pump();
    });
  }

  /** Searches node names (case-insensitive) across the whole hierarchy, loading what is not loaded. */
  async find(query: string, options: FindOptions = {}): Promise<FindResult> {
    const needle = query.trim().toLowerCase();
    const matches: ApiNode[] = [];
    const result = await this.walk(this.root, {
      ...options,
      onNode: (node) => {
        if (!needle || node === this.root) return;
        if (node.kind !== 'resource' && node.kind !== 'parameter') return;
        if (node.name.toLowerCase().includes(needle)) {
          matches.push(node);
          options.onMatch?.(node);
        }
      },
    });
    matches.sort((a, b) => a.templatePath.localeCompare(b.templatePath));
    return { ...result, matches };
  }

  /** Turns any failure into a message that says what to do (401/403 name the credential or role). */
  describe(err: unknown, path: string): LoadFailure {
    return describeFailure(err, { deviceName: this.deviceName, path, auth: this.auth, username: this.username });
  }

  // ---- loading ----

  private async load(node: ApiNode, signal?: AbortSignal): Promise<ApiNode[]> {
    if (node.kind === 'parameter') return this.loadParameter(node, signal);
    if (node.depth >= this.maxDepth) {
      return [this.errorNode(node, { message: `deeper than ${this.maxDepth} levels below ${this.root.path}: not followed`, cause: undefined })];
    }
    let body: unknown;
    try {
      body = await this.request(node.path, signal, () => this.transport.options(node.path, signal));
    } catch (err) {
      if (isAbort(err)) throw err;
      return [this.errorNode(node, this.describe(err, node.path))];
    }
    const names = subResourcesOf(body);
    if (!names) {
      const excerpt = safeExcerpt(body);
      return [this.errorNode(node, {
        message: `OPTIONS ${node.path} did not answer {"subResources": [...]}: got ${excerpt}`,
        cause: new InvalidResponseError(this.deviceName, node.path, 'not a subResources answer', excerpt),
      })];
    }
    node.subResources = names;
    const loop = repeatedAncestor(node, names);
    if (loop) return [this.markerNode('cycle', node, `↻ repeats ${loop.path}: not followed`, loop.path)];
    return this.resourceChildren(node, names);
  }

  private resourceChildren(node: ApiNode, names: string[]): ApiNode[] {
    const out: ApiNode[] = [];
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) continue; // a repeated entry in one answer: show it once
      seen.add(name);
      const spec = paramSpecOf(name);
      if (spec) {
        const param = new ApiNode('parameter', name, `${node.path}/${name}`, `${node.templatePath}/${name}`, node, spec);
        param.listEndpoint = this.listEndpointFor(node, spec);
        out.push(param);
        continue;
      }
      const childPath = resolveChild(node.path, name);
      if (childPath === undefined || childPath === node.path || isAncestorPath(node, childPath)) {
        out.push(this.markerNode('cycle', node, `${name || '(empty)'} ↻ points back to ${childPath ?? node.path}`, childPath ?? node.path));
      } else if (!childPath.startsWith(`${node.path}/`)) {
        out.push(this.markerNode('link', node, `${name} → ${childPath}`, childPath));
      } else {
        const rel = childPath.slice(node.path.length + 1);
        out.push(new ApiNode('resource', rel, childPath, `${node.templatePath}/${rel}`, node));
      }
    }
    return out;
  }

  private listEndpointFor(parent: ApiNode, spec: ParamSpec): string {
    const siblings = parent.parent?.subResources ?? [];
    const sibling = pagedSiblingFor(posix.basename(parent.path), spec, siblings, parent.parent ? posix.basename(parent.parent.path) : undefined);
    return sibling && parent.parent ? `${parent.parent.path}/${sibling}` : parent.path;
  }

  private async loadParameter(node: ApiNode, signal?: AbortSignal): Promise<ApiNode[]> {
    const listing: ParamListing = { endpoint: node.listEndpoint ?? node.parent!.path, nextPage: 0, hasMore: true, values: [] };
    node.listing = listing;
    listing.values.push(...(node.pendingEntered ?? []));
    node.pendingEntered = undefined;
    try {
      await this.fetchPage(node, listing, signal);
    } catch (err) {
      if (isAbort(err)) throw err;
      listing.hasMore = false;
      return [...this.paramChildren(node), this.errorNode(node, this.describe(err, listing.endpoint))];
    }
    return this.paramChildren(node);
  }

  private paramChildren(node: ApiNode): ApiNode[] {
    const listing = node.listing!;
    const enter = this.markerNode('enterValue', node, 'Enter value…', undefined);
    const out = [enter, ...listing.values];
    if (listing.hasMore) out.push(this.markerNode('loadMore', node, 'Load more…', undefined));
    return out;
  }

  /**
   * "Load more": the next page. The device sorts a paged list by live traffic, so entries move
   * between pages while the user reads them; asking only for page N+1 minutes after page N skips
   * those that moved up. So every page up to N+1 is read again, one right after the other, and
   * whatever is new is added: everything in the current top N+1 pages is listed, nothing silently
   * missed (entries listed before stay). A plain array is paged here, from its copy.
   */
  private async nextPages(node: ApiNode, listing: ParamListing, signal?: AbortSignal): Promise<void> {
    if (listing.plainItems) return this.fetchPage(node, listing, signal);
    const last = listing.nextPage;
    const hasMore = listing.hasMore;
    try {
      // At most RELOAD_PAGES pages back: an entry climbing further between two clicks is rare,
      // and each click stays a bounded number of requests.
      for (let page = Math.max(0, last - RELOAD_PAGES); page <= last; page++) await this.fetchPage(node, listing, signal, page);
    } catch (err) {
      // A page that failed leaves the list where it was: the next click asks for the same page.
      listing.nextPage = last;
      listing.hasMore = hasMore;
      throw err;
    }
  }

  private async fetchPage(node: ApiNode, listing: ParamListing, signal?: AbortSignal, page = listing.nextPage): Promise<void> {
    const spec = node.spec!;
    let items: unknown[];
    if (listing.plainItems) {
      items = listing.plainItems.slice(page * this.pageSize, (page + 1) * this.pageSize);
      listing.hasMore = (page + 1) * this.pageSize < listing.plainItems.length;
    } else {
      const query = { sort: 'bytes', reverse: true, page, count: this.pageSize };
      const body = await this.request(listing.endpoint, signal, () => this.transport.get(listing.endpoint, query, signal));
      if (Array.isArray(body)) {
        listing.plainItems = body;
        listing.total = body.length;
        items = body.slice(page * this.pageSize, (page + 1) * this.pageSize);
        listing.hasMore = (page + 1) * this.pageSize < body.length;
      } else if (body && typeof body === 'object' && Array.isArray((body as { displayedItems?: unknown }).displayedItems)) {
        const paged = body as { displayedItems: unknown[]; numberOfPages?: unknown; numberOfItems?: unknown };
        items = paged.displayedItems;
        if (typeof paged.numberOfItems === 'number') listing.total = paged.numberOfItems;
        listing.hasMore = typeof paged.numberOfPages === 'number' ? page + 1 < paged.numberOfPages : items.length >= this.pageSize;
      } else if (!listing.endpoint.endsWith('_paged') && body && typeof body === 'object') {
        // The parent itself, not a list endpoint: its answer may hold the entries in a property
        // named after it (capture/buffers → {"buffers": [...]}); otherwise nothing is listed.
        const rec = body as Record<string, unknown>;
        const parentName = posix.basename(listing.endpoint);
        const array = Array.isArray(rec[parentName]) ? (rec[parentName] as unknown[]) : Object.values(rec).find(Array.isArray) as unknown[] | undefined;
        listing.plainItems = array ?? [];
        listing.total = listing.plainItems.length;
        items = listing.plainItems.slice(0, this.pageSize);
        listing.hasMore = this.pageSize < listing.plainItems.length;
      } else {
        throw new InvalidResponseError(this.deviceName, listing.endpoint, 'expected a list or {"displayedItems": [...]}', safeExcerpt(body));
      }
    }
    listing.nextPage = page + 1;
    const known = new Set(listing.values.map((v) => v.value));
    for (const item of items) {
      const listed = valueOfItem(spec, item);
      if (!listed || known.has(listed.value)) continue;
      known.add(listed.value);
      listing.values.push(this.valueNode(node, listed.value, listed.description, listed.item));
    }
  }

  private valueNode(param: ApiNode, value: string, description: string | undefined, item: unknown): ApiNode {
    const base = param.parent!;
    const node = new ApiNode('value', value, `${base.path}/${encodeSegment(value)}`, param.templatePath, param, param.spec);
    node.value = value;
    node.description = description;
    node.item = item;
    return node;
  }

  private errorNode(parent: ApiNode, failure: LoadFailure): ApiNode {
    const node = new ApiNode('error', failure.message, parent.path, parent.templatePath, parent);
    node.failure = failure;
    return node;
  }

  private markerNode(kind: 'cycle' | 'link' | 'enterValue' | 'loadMore', parent: ApiNode, label: string, target: string | undefined): ApiNode {
    const node = new ApiNode(kind, label, parent.path, parent.templatePath, parent);
    node.target = target;
    return node;
  }

  private request<T>(path: string, signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
    return this.limiter.run(() => {
      this.requestCount++;
      return send();
    }, signal, path);
  }
}

/** Which children a walk follows: resources, parameters, and the first value of a parameter. */
function walkableChildren(node: ApiNode, kids: ApiNode[]): ApiNode[] {
  if (node.kind === 'parameter') {
    const sample = kids.find((k) => k.kind === 'value');
    return sample ? [sample] : [];
  }
  return kids.filter((k) => k.kind === 'resource' || k.kind === 'parameter');
}

/** `{"subResources": ["a", ...]}` → the names; anything else → undefined. */
export function subResourcesOf(body: unknown): string[] | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const list = (body as { subResources?: unknown }).subResources;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) return undefined;
  return list as string[];
}

function normalizePath(p: string): string {
  const n = posix.normalize(`/${p}`).replace(/\/+$/, '');
  return n || '/';
}

/** Where a name in an OPTIONS answer leads: `a` → parent/a; `..`, `/API/stats` are taken literally. */
function resolveChild(parentPath: string, name: string): string | undefined {
  if (!name.trim()) return undefined;
  return name.startsWith('/') ? normalizePath(name) : normalizePath(`${parentPath}/${name}`);
}

function isAncestorPath(node: ApiNode, path: string): boolean {
  for (let n: ApiNode | undefined = node; n; n = n.parent) if (n.path === path && n.kind !== 'parameter') return true;
  return false;
}

/**
 * A server that maps a name back onto the same resource answers `/x/a`, `/x/a/a`, `/x/a/a/a`, ...
 * with the same list forever. When the path below an ancestor repeats the path into that ancestor
 * and the answer is the same, the node is that ancestor again.
 */
function repeatedAncestor(node: ApiNode, names: string[]): ApiNode | undefined {
  const segments = node.path.split('/');
  let ancestor = node.parent;
  for (let k = 1; ancestor && k <= 8; k++, ancestor = ancestor.parent) {
    if (ancestor.kind === 'parameter') {
      k--;
      continue;
    }
    if (!ancestor.subResources || !sameList(ancestor.subResources, names)) continue;
    const ancestorSegments = ancestor.path.split('/');
    if (ancestorSegments.length !== segments.length - k) continue;
    const tail = segments.slice(-k).join('/');
    const ancestorTail = ancestorSegments.slice(-k).join('/');
    if (tail === ancestorTail) return ancestor;
  }
  return undefined;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function safeExcerpt(body: unknown): string {
  let text: string;
  try {
    text = typeof body === 'string' ? body : JSON.stringify(body) ?? String(body);
  } catch {
    text = String(body);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function isAbort(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { kind?: unknown; name?: unknown };
  return e.kind === 'aborted' || e.name === 'AbortError';
}

export interface FailureContext {
  deviceName: string;
  path: string;
  auth?: 'basic' | 'token';
  username?: string;
  /** The device kind changes the advice for 403. */
  kind?: 'allegro' | 'appresponse';
}

/** A failure as one actionable line. 401 says which credential failed, 403 which role is missing. */
export function describeFailure(err: unknown, ctx: FailureContext): LoadFailure {
  const probe = err as Partial<ProbeError> & { status?: number; errorText?: string; errorId?: string; method?: string };
  if (probe && typeof probe === 'object' && probe.kind === 'http' && typeof probe.status === 'number') {
    const credential = ctx.auth === 'token'
      ? ctx.kind === 'appresponse' ? `the access token login of user "${ctx.username ?? '?'}"` : 'the API token'
      : `the password of user "${ctx.username ?? '?'}"`;
    const deviceText = probe.errorText ? ` (${probe.errorText})` : '';
    if (probe.status === 401) {
      return {
        status: 401,
        message: `401 Unauthorized: ${ctx.deviceName} refused ${credential}${deviceText}. Set it again with "Edit Device…".`,
        cause: err,
      };
    }
    if (probe.status === 403) {
      const who = ctx.auth === 'token' && ctx.kind !== 'appresponse' ? 'the API token lacks the permission' : `user "${ctx.username ?? '?'}" lacks the role`;
      const role = ctx.kind === 'appresponse'
        ? ' Ask an administrator for a role with access to this API.'
        : /\/capture\b|\/pcap\b/.test(ctx.path)
          ? ' Capture needs the pcap role (Allegro role settings, firmware 4.1 and later).'
          : ' An administrator grants it in the Allegro role settings (firmware 4.1 and later).';
      return { status: 403, message: `403 Forbidden: ${who} for ${ctx.path}${deviceText}.${role}`, cause: err };
    }
    if (probe.status === 404) {
      return { status: 404, message: `404 Not found: ${ctx.path} does not exist on ${ctx.deviceName}${deviceText}`, cause: err };
    }
    return { status: probe.status, message: `HTTP ${probe.status} for ${ctx.path}${deviceText}${httpStatusHint(probe.status)}`, cause: err };
  }
  if (probe && typeof probe === 'object' && probe.kind === 'tls') {
    return { message: `${probe.message} Use "Trust Device Certificate…" if you recognise it.`, cause: err };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { message, cause: err };
}

// ---- transports ----

/**
 * The transport over the typed AllegroClient (what the extension uses): OPTIONS through
 * `client.options` (an answer without a subResources list fails there and becomes an error node),
 * GET through `fetchNode`, which waits for asynchronous lists.
 */
export function allegroTreeTransport(client: AllegroClient): AllegroTreeTransport {
  return {
    options: async (path, signal) => ({ subResources: await client.options(path, { signal }) }),
    get: (path, query, signal) => fetchNode(client, path, query, signal),
  };
}

/**
 * The transport over the shared HTTP core: OPTIONS answers as they come (the tree judges them),
 * GET through `fetchNode` on an AllegroClient, which waits for asynchronous lists.
 */
export function httpTreeTransport(http: HttpClientApi): AllegroTreeTransport {
  const client = new AllegroClient(http);
  return {
    async options(path, signal) {
      return (await http.json({ method: 'OPTIONS', path, signal })).body;
    },
    get: (path, query, signal) => fetchNode(client, path, query, signal),
  };
}
