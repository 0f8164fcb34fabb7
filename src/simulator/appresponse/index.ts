// The embedded Riverbed AppResponse 11 appliance: HTTPS on loopback, OAuth-style tokens, the report
// sources catalogue, report instances (async, sync with re-attach, live), packet capture inventory,
// packet export in every mode, the npm file system, NetProfiler export settings, fault injection.
// Everything answers as /work/shared/reference/appresponse-rest-api.txt documents it.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { generateCertificate } from '../shared/cert';
import { TrafficModel } from '../model/traffic';
import { Rng } from '../model/rng';
import { DEFAULT_USERS, TokenStore, type SimUser } from './auth';
import { buildSources, fieldInfo, PROBE_SOURCE_NAMES, type Locale } from './catalogue';
import { ApiError, badRequest, makeCtx, notFound, Router, type Access, type Ctx } from './router';
import { ReportService, type Instance, type ReportFaults, type ReportKnobs } from './reports';
import { ExportService, type ExportFaults, type ExportKnobs } from './exports';
import { Inventory } from './inventory';
import { NS } from './time';
import type { EngineContext } from './engine';
import type { ReportSource } from '../../appresponse/types';

export { buildSources, buildLargeSource, fieldInfo, localizeLabel, decomposeColumnId } from './catalogue';
export { DEFAULT_USERS, type SimUser, type Right } from './auth';

export interface AppResponseSimulatorOptions {
  port?: number;
  host?: string;
  seed?: number;
  /** Added to every response (ms). */
  latencyMs?: number;
  /** Access token lifetime (default 3600 s). */
  tokenLifetimeSec?: number;
  /** Overrides of the timing knobs (defaults mimic a device but stay snappy). */
  knobs?: Partial<AppResponseKnobs>;
  faults?: Partial<AppResponseFaults>;
  users?: SimUser[];
  /** Generated metric columns added to `aggregates` (large catalogues). */
  extraColumns?: number;
  /** Token services offered (default both; releases before 11.6 have only 1.0; [] = Basic auth only). */
  tokenApiVersions?: ('1.0' | '2.0')[];
}

export interface AppResponseKnobs extends ReportKnobs, ExportKnobs {
  /** Report history the appliance holds (seconds before now); older time ranges are clipped. */
  historySec: number;
}

export interface AppResponseFaults extends ReportFaults, ExportFaults {
  /** Added latency in ms (also settable by the `latencyMs` option). */
  latencyMs: number;
  /** Fraction (0..1) of API requests answered with one of `errorStatuses`. */
  errorRate: number;
  errorStatuses: number[];
  /** Fraction (0..1) of JSON answers cut off mid-body by a connection reset. */
  resetRate: number;
  /** Fraction (0..1) of JSON answers sent as broken JSON with status 200. */
  malformedRate: number;
  /** Access tokens expire after this many authenticated requests (token expiry mid-session). */
  expireTokensAfterRequests?: number;
  /** Only paths matching this are subject to errorRate/resetRate/malformedRate (default: every /api/ path but the token login). */
  pathPattern?: RegExp;
}

export interface RequestStats {
  total: number;
  inFlight: number;
  maxInFlight: number;
  byStatus: Record<string, number>;
  /** "METHOD /route/pattern" → count. */
  byRoute: Record<string, number>;
  /** Requests answered with an injected fault. */
  faults: number;
}

export interface AppResponseSimulator {
  url: string;
  port: number;
  host: string;
  fingerprint: string;
  certPem: string;
  /** The admin user. */
  username: string;
  password: string;
  users: SimUser[];
  stats: RequestStats;
  resetStats(): void;
  /** Mutable: tests flip fault switches at any time. */
  faults: AppResponseFaults;
  /** Mutable: timing knobs (step duration, sync re-attach window, purge idle times, ...). */
  knobs: AppResponseKnobs;
  /** Access token lifetime in seconds (mutable; applies to tokens issued afterwards). */
  tokenLifetimeSec: number;
  /** Fault: every access token issued so far expires now. */
  expireTokens(): void;
  /** Current report instances and export handles (counts). */
  readonly instanceCount: number;
  readonly exportCount: number;
  /** The traffic model the reports and packets are computed from. */
  model: TrafficModel;
  /** The catalogue as served (en_US). */
  sources(): ReportSource[];
  close(): Promise<void>;
}

const DEFAULT_KNOBS: AppResponseKnobs = {
  stepMs: 300,
  syncWindowMs: 50_000,
  instanceIdleMs: 86_400_000,
  liveIdleMs: 3_600_000,
  liveInitSteps: 4,
  doneGraceMs: 60_000,
  keepaliveMs: 1_000,
  defaultSpanSec: 60,
  maxStoredBytes: 256 * 1024 * 1024,
  historySec: 86_400,
};

const SERVICES = [
  { id: 'common', versions: ['1.0'] },
  { id: 'mgmt.aaa', versions: ['1.0', '2.0'] as string[] },
  { id: 'npm.reports', versions: ['1.0'] },
  { id: 'npm.reports.sources', versions: ['1.0'] },
  { id: 'npm.probe.reports', versions: ['1.0'] },
  { id: 'npm.probe.reports.sources', versions: ['1.0'] },
  { id: 'npm.packet_capture', versions: ['1.0', '2.0', '3.0'] },
  { id: 'npm.packet_export', versions: ['1.0', '1.1', '1.2', '1.3'] },
  { id: 'npm.clips', versions: ['1.0'] },
  { id: 'npm.filesystem', versions: ['1.0'] },
  { id: 'npm.profiler_export', versions: ['1.0'] },
];

export async function startAppResponseSimulator(options: AppResponseSimulatorOptions = {}): Promise<AppResponseSimulator> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const clock = () => Date.now();
  const knobs: AppResponseKnobs = { ...DEFAULT_KNOBS, ...options.knobs };
  const faults: AppResponseFaults = {
    latencyMs: options.latencyMs ?? 0, errorRate: 0, errorStatuses: [500, 502, 503, 504], resetRate: 0, malformedRate: 0,
    neverComplete: false, exportErrors: false, ...options.faults,
  };
  const users = (options.users ?? DEFAULT_USERS).map((u) => ({ ...u, rights: [...u.rights] }));
  const tokens = new TokenStore(users, (options.tokenLifetimeSec ?? 3600) * 1000, clock);
  const startedAt = Math.floor(clock() / 60_000) * 60 - 3600;
  const model = new TrafficModel({ seed, startedAt });
  const inventory = new Inventory(startedAt, model);
  const rng = new Rng(seed, 0xfa17);
  const cert = await generateCertificate({ commonName: 'appresponse.simulator' });

  const catalogue = new Map<string, Map<string, ReportSource>>();
  const sourcesFor = (locale: Locale = 'en_US') => {
    let m = catalogue.get(locale);
    if (!m) catalogue.set(locale, (m = new Map(buildSources({ locale, extraColumns: options.extraColumns }).map((s) => [s.name, s]))));
    return m;
  };
  const names = new Map(model.hosts.map((h) => [h.hostName.toLowerCase(), h.ip]));
  const resolveName = (name: string) => names.get(name.toLowerCase().replace(/\.$/, ''));
  const engineContext = (): EngineContext => {
    const now = BigInt(clock()) * 1_000_000n;
    return { model, now, dataStart: now - BigInt(knobs.historySec) * NS, resolveName };
  };
  const reports = new ReportService({
    sources: sourcesFor, engineContext, clock, knobs, faults,
    packetPathExists: (path) => !!inventory.source(path, clock()),
  });
  const exportsService = new ExportService({ model, inventory, clock, knobs, faults, resolveName });

  const stats: RequestStats = { total: 0, inFlight: 0, maxInFlight: 0, byStatus: {}, byRoute: {}, faults: 0 };
  let authenticatedRequests = 0;
  const router = new Router();
  const route = (method: string, pattern: string, access: Access, handler: (ctx: Ctx) => unknown) => router.add(method, pattern, access, handler);

  // ---------- auth and discovery ----------
  const tokenLogin = async (ctx: Ctx) => {
    const body = await ctx.jsonBody<Record<string, unknown>>();
    if (typeof body.refresh_token === 'string') {
      const user = tokens.redeem(body.refresh_token);
      if (!user) throw new ApiError(401, 'AUTH_INVALID_REFRESH_TOKEN', 'Invalid refresh token');
      return send(ctx, 201, tokens.issue(user, false));
    }
    const creds = body.user_credentials as Record<string, unknown> | undefined;
    if (!creds || typeof creds.username !== 'string' || typeof creds.password !== 'string') throw badRequest('user_credentials: username and password required');
    const user = tokens.checkPassword(creds.username, creds.password);
    if (!user) throw new ApiError(401, 'AUTH_INVALID_CREDENTIALS', 'Invalid username or password');
    return send(ctx, 201, tokens.issue(user, body.generate_refresh_token === true));
  };
  for (const version of options.tokenApiVersions ?? ['1.0', '2.0']) route('POST', `/api/mgmt.aaa/${version}/token`, 'none', tokenLogin);
  route('GET', '/api/common/1.0/info', 'none', (ctx) => send(ctx, 200, {
    device_name: 'ar11-sim', model: 'SCAN-8180', sw_version: '11.13.0 #27741', serial: `SIM${String(seed).padStart(9, '0')}`, hw_version: 'SCAN-8180-10G',
    mgmt_addresses: [host],
  }));
  const services = SERVICES.map((s) => (s.id === 'mgmt.aaa' ? { ...s, versions: options.tokenApiVersions ?? s.versions } : s)).filter((s) => s.versions.length);
  route('GET', '/api/common/1.0/services', 'none', (ctx) => send(ctx, 200, services));
  route('GET', '/api/common/1.0/auth_info', 'none', (ctx) => send(ctx, 200, { supported_methods: ['BASIC', 'COOKIE', 'OAUTH_2_PASSWORD'], specify_purpose: false, login_banner: 'Probe Explorer simulated AppResponse' }));
  route('GET', '/api/common/1.0/ping', 'none', (ctx) => send(ctx, 204));

  // ---------- sources catalogue ----------
  for (const ns of ['npm.reports.sources', 'npm.reports.soutrces', 'npm.probe.reports.sources']) {
    const probe = ns === 'npm.probe.reports.sources';
    const visible = (ctx: Ctx) => [...sourcesFor(ctx.locale).values()].filter((s) => PROBE_SOURCE_NAMES.includes(s.name) === probe || (!probe && s.name === 'packets'));
    const list = (ctx: Ctx) => send(ctx, 200, { items: visible(ctx) });
    route('GET', `/api/${ns}/1.0`, 'any', list);
    route('GET', `/api/${ns}/1.0/sources`, 'any', list);
    route('GET', `/api/${ns}/1.0/sources/items/:name`, 'any', (ctx) => {
      const s = visible(ctx).find((x) => x.name === ctx.params.name);
      if (!s) throw notFound(`source ${ctx.params.name}`);
      return send(ctx, 200, s);
    });
    route('GET', `/api/${ns}/1.0/fields`, 'any', (ctx) => {
      const fields = new Set<string>();
      for (const s of visible(ctx)) for (const c of s.columns) fields.add(c.field);
      return send(ctx, 200, { items: [...fields].sort().map((f) => fieldInfo(f, ctx.locale)).filter(Boolean) });
    });
    route('GET', `/api/${ns}/1.0/fields/items/:field`, 'any', (ctx) => {
      const info = fieldInfo(ctx.params.field, ctx.locale);
      if (!info) throw notFound(`field ${ctx.params.field}`);
      return send(ctx, 200, info);
    });
  }

  // ---------- report instances ----------
  const waitSync = async (ctx: Ctx, instance: Instance) => {
    const deadline = clock() + knobs.syncWindowMs;
    while (!reports.isDone(instance) && clock() < deadline && !ctx.res.destroyed) {
      await sleep(Math.max(2, Math.min(knobs.stepMs / 2, 50, deadline - clock())));
    }
  };
  const location = (ns: string, id: number) => `/api/${ns}/1.0/instances/items/${id}`;
  for (const ns of ['npm.reports', 'npm.probe.reports'] as const) {
    const base = `/api/${ns}/1.0/instances`;
    route('POST', base, 'reports', async (ctx) => {
      const instance = reports.create(await ctx.jsonBody(), ctx.user!.username, ns);
      return send(ctx, 201, reports.instanceJson(instance), { Location: location(ns, instance.id) });
    });
    route('POST', `${base}/sync`, 'reports', async (ctx) => {
      const instance = reports.create(await ctx.jsonBody(), ctx.user!.username, ns);
      await waitSync(ctx, instance);
      return send(ctx, 201, reports.instanceJson(instance, true), { Location: location(ns, instance.id) });
    });
    route('GET', base, 'reports', (ctx) => send(ctx, 200, { items: reports.list().filter((i) => i.namespace === ns).map((i) => reports.instanceJson(i)) }));
    route('GET', `${base}/items/:id`, 'reports', (ctx) => {
      const i = reports.get(ctx.params.id);
      // The document's live example: ".../instances/items/1234/" answers the data objects as an array.
      if (ctx.path.endsWith('/')) return send(ctx, 200, i.defs.map((d) => reports.defJson(i, d)));
      return send(ctx, 200, reports.instanceJson(i));
    });
    route('DELETE', `${base}/items/:id`, 'reports', (ctx) => {
      reports.get(ctx.params.id);
      reports.delete(ctx.params.id);
      return send(ctx, 204);
    });
    route('GET', `${base}/items/:id/sync`, 'reports', async (ctx) => {
      const instance = reports.get(ctx.params.id);
      await waitSync(ctx, instance);
      return send(ctx, 200, reports.instanceJson(instance, true));
    });
    route('GET', `${base}/items/:id/data`, 'reports', (ctx) => send(ctx, 200, reports.bulkData(reports.get(ctx.params.id))));
    const allDefs = (ctx: Ctx) => {
      const i = reports.get(ctx.params.id);
      return send(ctx, 200, i.defs.map((d) => reports.defJson(i, d)));
    };
    route('GET', `${base}/items/:id/data_defs`, 'reports', allDefs);
    const allStatus = (ctx: Ctx) => {
      const i = reports.get(ctx.params.id);
      return send(ctx, 200, i.defs.map((d) => reports.statusJson(i, d)));
    };
    route('GET', `${base}/items/:id/data_defs/status`, 'reports', allStatus);
    const oneDef = (ctx: Ctx) => {
      const i = reports.get(ctx.params.id);
      return send(ctx, 200, reports.defJson(i, reports.def(i, ctx.params.def)));
    };
    const oneStatus = (ctx: Ctx) => {
      const i = reports.get(ctx.params.id);
      return send(ctx, 200, reports.statusJson(i, reports.def(i, ctx.params.def)));
    };
    const oneData = (ctx: Ctx) => {
      const i = reports.get(ctx.params.id);
      return send(ctx, 200, reports.data(i, reports.def(i, ctx.params.def), ctx.query, ctx.locale));
    };
    route('GET', `${base}/items/:id/data_defs/items/:def`, 'reports', oneDef);
    route('GET', `${base}/items/:id/data_defs/items/:def/status`, 'reports', oneStatus);
    route('GET', `${base}/items/:id/data_defs/items/:def/data`, 'reports', oneData);
    // The document's examples repeat "data_defs/items/1/data_defs/...": served as written.
    route('GET', `${base}/items/:id/data_defs/items/:other/data_defs/items/:def/status`, 'reports', oneStatus);
    route('GET', `${base}/items/:id/data_defs/items/:def/data_defs/status`, 'reports', allStatus);
    route('GET', `${base}/items/:id/data_defs/items/:def/data_defs/data`, 'reports', oneData);
  }

  // ---------- packet capture inventory ----------
  for (const ns of ['npm.packet_capture', 'npm.packet.capture']) {
    for (const ver of ['1.0', '2.0', '3.0']) {
      const base = `/api/${ns}/${ver}`;
      route('GET', `${base}/vifgs`, 'any', (ctx) => send(ctx, 200, { count: inventory.vifgs.length, items: inventory.vifgs }));
      route('GET', `${base}/vifgs/items/:id`, 'any', (ctx) => send(ctx, 200, findVifg(ctx.params.id)));
      route('PUT', `${base}/vifgs/items/:id`, 'admin', async (ctx) => {
        const v = findVifg(ctx.params.id);
        const body = await ctx.jsonBody<{ config?: Record<string, unknown> }>();
        if (!body.config || typeof body.config !== 'object') throw badRequest('config: required object');
        const fe = body.config.flow_export as { enabled?: unknown; filter?: { type?: unknown; value?: unknown } } | undefined;
        if (fe && (typeof fe.enabled !== 'boolean' || (fe.filter && (fe.filter.type !== 'BPF' || typeof fe.filter.value !== 'string')))) {
          throw badRequest('config.flow_export: expected {enabled: boolean, filter: {type: "BPF", value: string}}');
        }
        v.config = { ...v.config, ...body.config } as typeof v.config;
        return send(ctx, 200, v);
      });
      route('GET', `${base}/vifgs/settings`, 'any', (ctx) => send(ctx, 200, inventory.vifgSettings));
      route('PUT', `${base}/vifgs/settings`, 'admin', async (ctx) => {
        const body = await ctx.jsonBody<Record<string, unknown>>();
        inventory.vifgSettings = { ...inventory.vifgSettings, ...body, supported_grouping_types: inventory.vifgSettings.supported_grouping_types };
        return send(ctx, 200, inventory.vifgSettings);
      });
      route('GET', `${base}/jobs`, 'any', (ctx) => send(ctx, 200, { items: inventory.jobs(ver === '3.0' ? '3.0' : '2.0', clock()) }));
      route('GET', `${base}/jobs/items/:id`, 'any', (ctx) => {
        const job = inventory.jobs(ver === '3.0' ? '3.0' : '2.0', clock()).find((j) => j.id === ctx.params.id);
        if (!job) throw notFound(`capture job ${ctx.params.id}`);
        return send(ctx, 200, job);
      });
    }
  }
  function findVifg(id: string) {
    const v = inventory.vifgs.find((x) => String(x.id) === id);
    if (!v) throw notFound(`vifg ${id}`);
    return v;
  }
  route('GET', '/api/npm.clips/1.0/clips', 'any', (ctx) => send(ctx, 200, { items: inventory.clips(clock()) }));
  route('GET', '/api/npm.clips/1.0/clips/items/:id', 'any', (ctx) => {
    const clip = inventory.clips(clock()).find((c) => c.id === ctx.params.id);
    if (!clip) throw notFound(`clip ${ctx.params.id}`);
    return send(ctx, 200, clip);
  });
  route('GET', '/api/npm.filesystem/1.0/fs', 'any', (ctx) => send(ctx, 200, inventory.fsTree('', clock())));
  route('GET', '/api/npm.filesystem/1.0/fs/:path*', 'any', (ctx) => {
    const entry = inventory.fsTree(ctx.params.path, clock());
    if (!entry) throw notFound(`file ${ctx.params.path}`);
    return send(ctx, 200, entry);
  });
  route('DELETE', '/api/npm.filesystem/1.0/fs/:path*', 'packets', (ctx) => {
    if (!inventory.deleteFile(ctx.params.path.replace(/^\/+/, ''))) throw notFound(`file ${ctx.params.path}`);
    return send(ctx, 204);
  });
  route('GET', '/api/npm.filesystem/1.0/fileop/download/:path*', 'packets', async (ctx) => {
    const path = ctx.params.path.replace(/^\/+/, '').replace(/^fs\//, '');
    const stored = inventory.files.get(path);
    if (stored) {
      ctx.res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(stored.bytes.length), 'Content-Disposition': `attachment; filename="${path.split('/').pop()}"` });
      ctx.res.end(stored.bytes);
      return;
    }
    if (!inventory.isVirtualFile(path)) throw notFound(`file ${path}`);
    // A model-backed file: stream it as a LEGACY export of the whole file would.
    const handle = exportsService.create({ config: { path: `fs/${path}`, mode: 'LEGACY', start_time: '0', end_time: String(Math.floor(clock() / 1000) + 1) } }, ctx.user!.username);
    await waitUntil(() => exportsService.json(exportsService.get(handle.id)).status.state === 'RUNNING', knobs.stepMs * 4 + 1000);
    await exportsService.stream(handle.id, ctx.res, closedSignal(ctx));
    ctx.res.end();
  });

  // ---------- packet export ----------
  for (const ver of ['1.0', '1.1', '1.2', '1.3']) {
    const base = `/api/npm.packet_export/${ver}`;
    route('POST', `${base}/exports`, 'packets', async (ctx) => {
      const handle = exportsService.create(await ctx.jsonBody(), ctx.user!.username);
      return send(ctx, 201, handle, { Location: `${base}/exports/items/${handle.id}` });
    });
    route('GET', `${base}/exports`, 'packets', (ctx) => send(ctx, 200, { items: exportsService.list() }));
    route('GET', `${base}/exports/items/:id`, 'packets', (ctx) => send(ctx, 200, exportsService.json(exportsService.get(ctx.params.id))));
    route('DELETE', `${base}/exports/items/:id`, 'packets', (ctx) => {
      exportsService.delete(ctx.params.id);
      return send(ctx, 204);
    });
    const put = async (ctx: Ctx) => send(ctx, 200, exportsService.update(ctx.params.id, await ctx.jsonBody()));
    route('PUT', `${base}/exports/items/:id`, 'packets', put);
    route('PUT', `${base}/packets/items/:id`, 'packets', put);
    route('GET', `${base}/packets/items/:id`, 'packets', async (ctx) => {
      await exportsService.stream(ctx.params.id, ctx.res, closedSignal(ctx));
      if (!ctx.res.writableEnded) ctx.res.end();
    });
  }

  // ---------- NetProfiler export ----------
  let profilerSettings: Record<string, unknown> = { enabled: false, voip_enabled: false, profilers: [], collectors: [] };
  const withStatus = (s: Record<string, unknown>) => ({
    ...s,
    profilers: ((s.profilers as Record<string, unknown>[]) ?? []).map((p) => ({ ...p, sync: p.sync ?? false, status: s.enabled ? { state: 'OK' } : { state: 'DISABLED' } })),
    collectors: ((s.collectors as Record<string, unknown>[]) ?? []).map((c) => ({ ...c, status: s.enabled ? { state: 'OK' } : { state: 'DISABLED' } })),
  });
  route('GET', '/api/npm.profiler_export/1.0/settings', 'any', (ctx) => send(ctx, 200, withStatus(profilerSettings)));
  route('PUT', '/api/npm.profiler_export/1.0/settings', 'admin', async (ctx) => {
    const body = await ctx.jsonBody<Record<string, unknown>>();
    if (typeof body.enabled !== 'boolean') throw badRequest('enabled: required boolean');
    if (!Array.isArray(body.profilers)) throw badRequest('profilers: required array');
    if (!Array.isArray(body.collectors)) throw badRequest('collectors: required array');
    for (const p of body.profilers as Record<string, unknown>[]) if (typeof p?.address !== 'string') throw badRequest('profilers: each needs an address');
    if ((body.profilers as Record<string, unknown>[]).filter((p) => p.sync === true).length > 1) throw badRequest('profilers: only one NetProfiler can have sync enabled');
    for (const c of body.collectors as Record<string, unknown>[]) {
      if (typeof c?.address !== 'string' || !Number.isInteger(c.port)) throw badRequest('collectors: each needs an address and an integer port');
    }
    const strip = (list: Record<string, unknown>[]) => list.map(({ status: _status, ...rest }) => rest);
    profilerSettings = { enabled: body.enabled, voip_enabled: body.voip_enabled === true, profilers: strip(body.profilers as Record<string, unknown>[]), collectors: strip(body.collectors as Record<string, unknown>[]) };
    return send(ctx, 200, withStatus(profilerSettings));
  });
  route('GET', '/api/npm.profiler_export/1.0/stats', 'any', (ctx) => {
    const now = Math.floor(clock() / 1000);
    const minute = model.hostCounters(now - 60, now);
    let bytes = 0;
    let packets = 0;
    for (const c of minute.values()) {
      bytes += c.txBytes;
      packets += c.txPackets;
    }
    const flows = model.connections(now - 60, now).length;
    const on = profilerSettings.enabled === true;
    const zero = { ip_bytes: 0, packets: 0, flows: 0 };
    return send(ctx, 200, {
      collector_export: { last_minute: { exported: zero, rejected: zero }, last_week: { exported: { ...zero, average_flows: 0, peak_flows: 0 }, rejected: { ...zero, average_flows: 0, peak_flows: 0 } } },
      profiler_export: {
        last_minute: { exported: on ? { ip_bytes: bytes, packets, flows } : zero, rejected: zero },
        last_week: {
          exported: on ? { ip_bytes: bytes * 10080, packets: packets * 10080, flows: flows * 10080, average_flows: flows, peak_flows: Math.round(flows * 2) } : { ...zero, average_flows: 0, peak_flows: 0 },
          rejected: { ...zero, average_flows: 0, peak_flows: 0 },
        },
      },
    });
  });

  // ---------- the server ----------
  const sockets = new Set<Socket>();
  const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    void handle(req, res);
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.total++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    // A request stops counting once the handler has ended its response: 'finish' and 'close' can
    // come after a keep-alive client already sent its next request (a sequential client would count
    // twice). 'finish' covers responses ended later, 'close' aborted ones; counted once.
    let ended = false;
    const done = () => {
      if (ended) return;
      ended = true;
      stats.inFlight--;
      stats.byStatus[String(res.statusCode)] = (stats.byStatus[String(res.statusCode)] ?? 0) + 1;
    };
    res.once('finish', done);
    res.once('close', done);
    try {
      await serve(req, res);
    } finally {
      if (res.writableEnded) done();
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const ctx = makeCtx(req, res, url, 8 * 1024 * 1024);
    try {
      const perRequest = parseFaultHeader(req.headers['x-sim-fault']);
      const latency = perRequest.latencyMs ?? faults.latencyMs;
      if (latency > 0) await sleep(latency);
      const matched = router.match(ctx.method, ctx.path);
      if ('status' in matched) {
        if (matched.status === 405) throw new ApiError(405, 'METHOD_NOT_ALLOWED', `Method ${ctx.method} is not supported for ${ctx.path}`);
        throw notFound(ctx.path);
      }
      const { route: r, params } = matched;
      ctx.params = params;
      stats.byRoute[`${r.method} ${r.pattern}`] = (stats.byRoute[`${r.method} ${r.pattern}`] ?? 0) + 1;
      if (ctx.method === 'POST' || ctx.method === 'PUT') {
        const type = req.headers['content-type'] ?? '';
        if (/charset/i.test(type)) throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Unsupported Content-Type '${type}': send application/json without a charset`);
      }
      const subject = faults.pathPattern ? faults.pathPattern.test(ctx.path) : ctx.path.startsWith('/api/') && !ctx.path.startsWith('/api/mgmt.aaa/');
      if (perRequest.status || (subject && faults.errorRate > 0 && rng.next() < faults.errorRate)) {
        stats.faults++;
        const status = perRequest.status ?? faults.errorStatuses[Math.floor(rng.next() * faults.errorStatuses.length)];
        throw new ApiError(status, status === 503 ? 'SERVICE_UNAVAILABLE' : status === 504 ? 'GATEWAY_TIMEOUT' : status === 502 ? 'BAD_GATEWAY' : 'INTERNAL_ERROR', `Injected fault: HTTP ${status}`);
      }
      (res as ServerResponse & { simFault?: 'reset' | 'malformed' }).simFault =
        perRequest.reset || (subject && faults.resetRate > 0 && rng.next() < faults.resetRate) ? 'reset'
          : perRequest.malformed || (subject && faults.malformedRate > 0 && rng.next() < faults.malformedRate) ? 'malformed' : undefined;
      if (r.access !== 'none') {
        ctx.user = authenticate(req);
        if (r.access !== 'any' && !ctx.user.rights.includes(r.access) && !ctx.user.rights.includes('admin')) {
          throw new ApiError(403, 'AUTH_FORBIDDEN', `User '${ctx.user.username}' is not allowed to ${ctx.method} ${ctx.path}`);
        }
      }
      await r.handler(ctx);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof ApiError) {
        send(ctx, error.status, { error_id: error.errorId, error_text: error.errorText }, error.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="AppResponse"' } : {});
      } else {
        send(ctx, 500, { error_id: 'INTERNAL_ERROR', error_text: (error as Error).message });
      }
    }
  }

  function authenticate(req: IncomingMessage): SimUser {
    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer) {
      const result = tokens.verify(bearer[1]);
      if (!result.ok) throw new ApiError(401, result.errorId, result.errorText);
      authenticatedRequests++;
      if (faults.expireTokensAfterRequests !== undefined && authenticatedRequests % faults.expireTokensAfterRequests === 0) tokens.expireAll();
      return result.user;
    }
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    if (basic) {
      const text = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = text.indexOf(':');
      const user = colon > 0 ? tokens.checkPassword(text.slice(0, colon), text.slice(colon + 1)) : undefined;
      if (!user) throw new ApiError(401, 'AUTH_INVALID_CREDENTIALS', 'Invalid username or password');
      return user;
    }
    throw new ApiError(401, 'AUTH_REQUIRED', 'Authentication required: missing access token');
  }

  // Like the appliance's web server: idle keep-alive connections stay open a minute.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const sweeper = setInterval(() => reports.purge(), 1000);
  sweeper.unref();
  const admin = users.find((u) => u.rights.includes('admin')) ?? users[0];
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `https://${urlHost}:${port}`,
    port,
    host,
    fingerprint: cert.fingerprint,
    certPem: cert.certPem,
    username: admin.username,
    password: admin.password,
    users,
    stats,
    resetStats() {
      Object.assign(stats, { total: 0, maxInFlight: stats.inFlight, byStatus: {}, byRoute: {}, faults: 0 });
    },
    faults,
    knobs,
    get tokenLifetimeSec() {
      return tokens.tokenLifetimeMs / 1000;
    },
    set tokenLifetimeSec(v: number) {
      tokens.tokenLifetimeMs = v * 1000;
    },
    expireTokens: () => tokens.expireAll(),
    get instanceCount() {
      reports.purge();
      return reports.count;
    },
    get exportCount() {
      return exportsService.count;
    },
    model,
    sources: () => [...sourcesFor('en_US').values()],
    async close() {
      clearInterval(sweeper);
      exportsService.clear();
      reports.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** Sends JSON (or an empty body), applying the reset / malformed faults chosen for this request. */
function send(ctx: Ctx, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const res = ctx.res as ServerResponse & { simFault?: 'reset' | 'malformed' };
  if (body === undefined || status === 204) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  let text = JSON.stringify(body, null, 2);
  if (res.simFault === 'malformed' && status < 400) text = text.slice(0, Math.max(1, Math.floor(text.length / 2))) + ' <<garbage';
  const payload = Buffer.from(text);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(payload.length), ...headers });
  if (res.simFault === 'reset' && status < 400) {
    res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.destroy());
    return;
  }
  res.end(payload);
}

interface PerRequestFault {
  status?: number;
  latencyMs?: number;
  reset?: boolean;
  malformed?: boolean;
}

/** `X-Sim-Fault: 503`, `reset`, `malformed`, `latency=200` (comma-separated): faults for one request. */
function parseFaultHeader(value: string | string[] | undefined): PerRequestFault {
  const out: PerRequestFault = {};
  for (const part of String(value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (/^\d{3}$/.test(part)) out.status = Number(part);
    else if (part === 'reset') out.reset = true;
    else if (part === 'malformed') out.malformed = true;
    else if (/^latency=\d+$/.test(part)) out.latencyMs = Number(part.slice(8));
  }
  return out;
}

function closedSignal(ctx: Ctx): AbortSignal {
  const ac = new AbortController();
  ctx.res.on('close', () => ac.abort());
  return ac.signal;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(test: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test() && Date.now() < deadline) await sleep(5);
}
