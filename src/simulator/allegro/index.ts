// The embedded Allegro Network Multimeter: an HTTPS server on loopback that answers the REST API
// of ../../../shared/reference/allegro-rest-api.txt from the shared traffic model.
import { randomBytes, randomUUID } from 'node:crypto';
import { TrafficModel } from '../model/traffic';
import { PacketListSource, type TrafficSource } from '../model/source';
import { readCaptureFile } from '../model/pcap';
import type { Connection } from '../model/types';
import { parseMultipart, readBody, sendBody, sendJson } from '../shared/respond';
import { startSimulatorServer, type RequestContext } from '../shared/server';
import type { FaultSwitches } from '../shared/faults';
import type { RequestStatistics } from '../shared/stats';
import { planCapture, streamCapture, type RingBuffer } from './capture';
import { connectionItems, node, resolve, statsTree, subResources, type ApiRequest, type ApiResult, type RouteNode } from './routes';
import { ApiError, pageOf, param, timeContext, type View } from './views';
import { VaryingSource } from './varying-source';

export type AllegroRole = 'admin' | 'stats' | 'pcap';

export interface AllegroUser {
  username: string;
  password: string;
  /** API token (Authorization: Bearer ...) with the same role. */
  token: string;
  role: AllegroRole;
}

export interface AllegroSimulatorOptions {
  port?: number;
  host?: string;
  seed?: number;
  /** Added to every response. */
  latencyMs?: number;
  /** Clock in epoch milliseconds (default Date.now); tests may pin it. */
  now?: () => number;
  /** Seconds of traffic history before the start (ring buffer and allTime), default 3600. */
  historySeconds?: number;
  /** Milliseconds until an asynchronous job is done (default 300). */
  asyncDelayMs?: number;
  /** Fault switches from the start (the handle's `faults` can change them later). */
  faults?: Partial<Pick<FaultSwitches, 'latencyMs' | 'errorRate' | 'errorStatuses' | 'resetMidBody' | 'slowBodyBytesPerSecond' | 'malformedJson' | 'asyncNeverFinishes' | 'asyncErrorCode' | 'pathPrefix'>>;
}

export interface MultideviceEntry {
  id: string;
  host: string;
  name: string;
  active: boolean;
  version: string;
}

export interface AllegroSimulator {
  url: string;
  port: number;
  fingerprint: string;
  certPem: string;
  /** The admin user. */
  username: string;
  password: string;
  token: string;
  users: { admin: AllegroUser; stats: AllegroUser; pcap: AllegroUser };
  /**
   * Connections of the local device's live traffic (slot 0). What they send second by second
   * varies (./activity.ts): take counters and packets from `slots.get(0)`, not from the model's
   * per-second patterns.
   */
  model: TrafficModel;
  /** Analysis slots of the local device: 0 = live, 1 = a parallel pcap analysis, more after uploads. */
  slots: Map<number, TrafficSource>;
  devices: MultideviceEntry[];
  /** Traffic of each multi-device member by id. */
  deviceSources: Map<string, TrafficSource>;
  ringBuffer: RingBuffer & { suspended: boolean };
  stats: RequestStatistics;
  faults: FaultSwitches;
  now(): number;
  close(): Promise<void>;
}

const ASYNC_KEEP_MS = 10 * 60_000;
/** Length of the recording analysed in slot 1 (a parallel pcap analysis of the three minutes before the start). */
const RECORDING_SECONDS = 180;

/** Link groups: 0 = all traffic, 1 = office VLANs, 2 = voice VLAN. */
export const LINK_GROUPS: ((c: Connection) => boolean)[] = [() => true, (c) => c.vlan === 10 || c.vlan === 20, (c) => c.vlan === 100];

export async function startAllegroSimulator(options: AllegroSimulatorOptions = {}): Promise<AllegroSimulator> {
  const seed = options.seed ?? 1;
  const clock = options.now ?? Date.now;
  const history = options.historySeconds ?? 3600;
  const startedAt = Math.floor(clock() / 60_000) * 60 - history;
  const model = new TrafficModel({ seed, startedAt });
  const recording = new TrafficModel({ seed: seed + 101, startedAt: startedAt - RECORDING_SECONDS });
  const slots = new Map<number, TrafficSource>([
    [0, new VaryingSource(model)],
    [1, new VaryingSource(recording, startedAt - RECORDING_SECONDS, startedAt)],
  ]);
  const devices: MultideviceEntry[] = [
    { id: 'allegro-mm-branch1', host: 'allegro-mm-branch1', name: 'Branch office 1', active: true, version: '4.3.2' },
    { id: 'allegro-mm-branch2', host: 'allegro-mm-branch2', name: 'Branch office 2', active: true, version: '4.3.2' },
    { id: 'allegro-mm-lab', host: 'allegro-mm-lab', name: 'Lab (offline)', active: false, version: '4.2.0' },
  ];
  const deviceSources = new Map<string, TrafficSource>(devices.map((d, i) => [d.id, new VaryingSource(new TrafficModel({ seed: seed + 1000 + i, startedAt }))]));
  const ringBuffer: RingBuffer & { suspended: boolean } = { gaps: [], suspended: false };
  const secret = () => randomBytes(12).toString('base64url');
  const users = {
    admin: { username: 'admin', password: 'allegro', token: `allegro-admin-${secret()}`, role: 'admin' as const },
    stats: { username: 'stats', password: 'stats-only', token: `allegro-stats-${secret()}`, role: 'stats' as const },
    pcap: { username: 'pcap', password: 'pcap-role', token: `allegro-pcap-${secret()}`, role: 'pcap' as const },
  };
  const jobs = new Map<number, { uuid: string; mmId: string; readyAt: number; never: boolean; errorCode: number; result: unknown; createdAt: number }>();
  let nextJob = 1;
  const uploads = new Map<number, { fileName: string; fileSize: number; started: boolean }>();
  const asyncDelay = options.asyncDelayMs ?? 300;

  const nowSeconds = (source: TrafficSource) => source.endedAt ?? Math.floor(clock() / 1000);

  function authenticate(ctx: RequestContext): AllegroUser | undefined {
    const header = ctx.req.headers.authorization ?? '';
    const [scheme, value = ''] = header.split(' ', 2);
    const all = Object.values(users);
    if (/^basic$/i.test(scheme ?? '')) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return all.find((u) => u.username === decoded.slice(0, colon) && u.password === decoded.slice(colon + 1));
    }
    if (/^bearer$/i.test(scheme ?? '')) return all.find((u) => u.token === value.trim());
    return undefined;
  }

  /**
   * The mm-id parameter or X-AllegroPackets-Multimeter-ID header: "[device]:[slot]" or "device".
   * `local` is true for this device ("", "local", its own name); `key` spells it one way ('' for the
   * live traffic, else "device:slot" / ":slot").
   */
  function mmIdOf(ctx: RequestContext): { text: string; device: string; slot: number; local: boolean; key: string } {
    const text = (param(ctx.query, 'mm-id') ?? (ctx.req.headers['x-allegropackets-multimeter-id'] as string | undefined) ?? '').trim();
    const colon = text.lastIndexOf(':');
    const device = colon >= 0 ? text.slice(0, colon) : text;
    const slotText = colon >= 0 ? text.slice(colon + 1) : '0';
    if (!/^\d+$/.test(slotText)) throw new ApiError(400, `mm-id "${text}": slot must be a number`);
    const slot = Number(slotText);
    const local = device === '' || device === 'local' || device === 'allegro-mm-sim';
    return { text, device, slot, local, key: local && slot === 0 ? '' : `${local ? '' : device}:${slot}` };
  }

  function selectSource(ctx: RequestContext): { source: TrafficSource; name: string; live: boolean } {
    const { text, device, slot, local } = mmIdOf(ctx);
    if (!text) return { source: slots.get(0)!, name: 'allegro-mm-sim', live: true };
    if (local) {
      const source = slots.get(slot);
      if (!source) throw new ApiError(404, `mm-id "${text}": no analysis slot ${slot}`);
      return { source, name: slot === 0 ? 'allegro-mm-sim' : `slot${slot}`, live: source.endedAt === undefined };
    }
    const entry = devices.find((d) => d.id === device || d.host === device);
    const source = deviceSources.get(entry?.id ?? '');
    if (!entry || !source) throw new ApiError(404, `mm-id "${text}": unknown device "${device}"`);
    if (!entry.active) throw new ApiError(503, `device "${device}" is not connected`);
    if (slot !== 0) throw new ApiError(404, `mm-id "${text}": device ${device} has no slot ${slot}`);
    return { source, name: entry.host, live: true };
  }

  const requireRole = (r: ApiRequest, roles: AllegroRole[]) => {
    if (!roles.includes(r.user.role)) throw new ApiError(403, `user "${r.user.name}" lacks the permission for ${r.method} ${r.raw.path}`);
  };

  const jsonBody = async (r: ApiRequest): Promise<Record<string, unknown>> => {
    const text = (await readBody(r.raw.req, 1 << 20)).toString('utf8');
    try {
      const v = JSON.parse(text || '{}') as unknown;
      if (!v || typeof v !== 'object') throw new Error('not an object');
      return v as Record<string, unknown>;
    } catch {
      throw new ApiError(400, 'request body is not a JSON object');
    }
  };

  const ringStatus = () => ({
    id: 0,
    name: 'Ring buffer 0',
    isSuspended: ringBuffer.suspended,
    startTime: slots.get(0)!.startedAt * 1e6,
    endTime: Math.floor(clock() * 1000),
    gaps: ringBuffer.gaps.map((g) => ({ from: g.fromUs, to: Number.isFinite(g.toUs) ? g.toUs : null })),
  });

  const stats = statsTree({
    globalConnections: (r) => {
      const items = connectionItems(r);
      const hasCount = param(r.query, 'count') !== undefined;
      const result = pageOf(items, r.query, !hasCount);
      const id = nextJob++;
      const uuid = randomUUID();
      const now = clock();
      for (const [k, j] of jobs) if (now - j.createdAt > ASYNC_KEEP_MS) jobs.delete(k);
      jobs.set(id, { uuid, mmId: mmIdOf(r.raw).key, readyAt: now + asyncDelay, never: r.raw.plan.asyncNeverFinishes, errorCode: r.raw.plan.asyncErrorCode, result, createdAt: now });
      return { json: { asyncID: id, asyncUUID: uuid } };
    },
    captureStatus: () => ({ json: { buffers: [ringStatus()], capturing: true } }),
    pcapSlots: () => ({ json: { slots: [...slots].map(([id, s]) => ({ id, name: id === 0 ? 'live' : `Pcap analysis ${id}`, live: s.endedAt === undefined, startTime: s.startedAt * 1000, endTime: s.endedAt === undefined ? null : s.endedAt * 1000 })) } }),
    reset: (r) => { requireRole(r, ['admin']); return { json: { success: true } }; },
  });

  const capture = node({
    get: async (r) => {
      requireRole(r, ['admin', 'pcap']);
      const sel = selectSource(r.raw);
      const req = { ctx: r.raw, source: sel.source, live: sel.live, nowMs: clock(), ring: sel.source === slots.get(0) ? ringBuffer : { gaps: [] }, slotName: sel.name, clock };
      const plan = planCapture(req);
      if (plan.toMedia) return { json: { success: true, message: 'capture to external storage started', fileName: plan.fileName } };
      if (r.method === 'HEAD') {
        r.raw.res.writeHead(200, { 'Content-Type': plan.format === 'pcap' ? 'application/vnd.tcpdump.pcap' : 'application/x-pcapng' });
        r.raw.res.end();
        return { handled: true };
      }
      await streamCapture(req, plan);
      return { handled: true };
    },
  }, {
    buffer: node({ get: () => ({ json: [ringStatus()] }) }, {
      ':id': node({
        get: (r) => { if (r.params.id !== '0') throw new ApiError(404, `no ring buffer ${r.params.id}`); return { json: ringStatus() }; },
        post: async (r) => {
          requireRole(r, ['admin']);
          if (r.params.id !== '0') throw new ApiError(404, `no ring buffer ${r.params.id}`);
          const body = await jsonBody(r);
          if (body.command !== 'changeConfig') throw new ApiError(400, `unknown command "${String(body.command)}"`);
          const config = (body.config ?? {}) as Record<string, unknown>;
          if (typeof config.isSuspended === 'boolean' && config.isSuspended !== ringBuffer.suspended) {
            const nowUs = Math.floor(clock() * 1000);
            if (config.isSuspended) ringBuffer.gaps.push({ fromUs: nowUs, toUs: Infinity });
            else ringBuffer.gaps[ringBuffer.gaps.length - 1]!.toUs = nowUs;
            ringBuffer.suspended = config.isSuspended;
          }
          return { json: { success: true, config: { isSuspended: ringBuffer.suspended } } };
        },
      }),
    }),
  });

  const slotFromQuery = (r: ApiRequest): number => {
    const v = param(r.query, 'replaySlotID') ?? param(r.query, 'mm-id')?.split(':').pop();
    if (!v || !/^\d+$/.test(v) || v === '0') throw new ApiError(400, 'replaySlotID must name a pcap analysis slot (1 or more)');
    return Number(v);
  };

  const root: RouteNode = node({}, {
    stats,
    data: node({}, {
      modules: node({}, { capture }),
      pcap: node({
        get: () => ({ json: { uploads: [...uploads].map(([slot, u]) => ({ replaySlotID: slot, ...u })) } }),
        post: async (r) => {
          requireRole(r, ['admin']);
          const slot = slotFromQuery(r);
          const body = await jsonBody(r);
          const entry = uploads.get(slot) ?? { fileName: '', fileSize: 0, started: false };
          if (body.command === 'start') entry.started = true;
          else if (body.command === 'stop') entry.started = false;
          else throw new ApiError(400, `unknown command "${String(body.command)}"`);
          uploads.set(slot, entry);
          return { json: { success: true, replaySlotID: slot, started: entry.started } };
        },
      }),
    }),
    system: node({}, {
      multidevice: node({}, { devices: node({ get: () => ({ json: devices }) }) }),
      replay: node({}, {
        upload: node({
          post: async (r) => {
            requireRole(r, ['admin']);
            const body = await jsonBody(r);
            const requested = Number(body.replaySlotID);
            let slot = Number.isInteger(requested) && requested > 0 && (body.forceSlotID === true || !slots.has(requested)) ? requested : 0;
            if (!slot) for (slot = 1; slots.has(slot) || uploads.has(slot); slot++);
            uploads.set(slot, { fileName: String(body.fileName ?? 'upload.pcap'), fileSize: Number(body.fileSize ?? 0), started: false });
            return { json: { success: true, replaySlotID: slot } };
          },
        }),
      }),
      'analyze-pcap': node({
        post: async (r) => {
          requireRole(r, ['admin']);
          const slot = slotFromQuery(r);
          const type = r.raw.req.headers['content-type'] ?? '';
          const body = await readBody(r.raw.req);
          let file = body;
          if (/multipart\/form-data/i.test(type)) {
            let parts;
            try {
              parts = parseMultipart(body, type);
            } catch (e) {
              throw new ApiError(400, `malformed multipart body: ${(e as Error).message}`);
            }
            const part = parts.find((p) => p.filename !== undefined) ?? parts.find((p) => p.name === 'file');
            if (!part) throw new ApiError(400, 'no file part in the form');
            file = part.data;
          }
          let packets;
          try {
            packets = readCaptureFile(file);
          } catch (e) {
            throw new ApiError(400, `not a capture file: ${(e as Error).message}`);
          }
          slots.set(slot, new PacketListSource(packets));
          const entry = uploads.get(slot);
          uploads.delete(slot);
          return { json: { success: true, replaySlotID: slot, fileName: entry?.fileName ?? '', packets: packets.length } };
        },
      }),
    }),
    info: node({ get: () => ({ json: { system: '/API/info/system' } }) }, {
      system: node({ get: () => ({ json: { hostname: 'allegro-mm-sim', model: 'Allegro 1000 (simulated)', version: '4.3.2', serial: `SIM-${seed}`, uptimeSec: Math.floor(clock() / 1000) - startedAt } }) }),
    }),
    async: node({}, {
      ':id': node({
        get: (r) => {
          const job = jobs.get(Number(r.params.id));
          if (!job || job.uuid !== param(r.query, 'uuid')) throw new ApiError(404, `no asynchronous request ${r.params.id} with this uuid`);
          // a job belongs to the slot or device it was started on: poll it with the same mm-id
          const where = mmIdOf(r.raw).key;
          if (job.mmId !== where) throw new ApiError(404, `no asynchronous request ${r.params.id} on ${where ? `mm-id "${where}"` : 'the live traffic'} (it was started on ${job.mmId ? `mm-id "${job.mmId}"` : 'the live traffic'})`);
          if (job.never || clock() < job.readyAt) return { status: 202, json: { asyncID: Number(r.params.id), status: 'pending' } };
          if (job.errorCode) return { json: { errorCode: job.errorCode, errorMessage: 'the asynchronous request failed (simulated)' } };
          return { json: { errorCode: 0, asyncResult: job.result } };
        },
      }),
    }),
  });

  const server = await startSimulatorServer({
    host: options.host,
    port: options.port,
    latencyMs: options.latencyMs,
    seed,
    async handle(ctx) {
      const user = authenticate(ctx);
      if (!user) {
        ctx.req.resume();
        await sendJson(ctx.res, 401, { error: 'authentication required' }, ctx.plan, { 'WWW-Authenticate': 'Basic realm="Allegro Network Multimeter"' });
        return;
      }
      try {
        const segments = ctx.path.split('/').filter(Boolean);
        if (segments[0] !== 'API') throw new ApiError(404, `no such resource ${ctx.path}`);
        const params: Record<string, string> = {};
        const target = resolve(root, segments.slice(1), params);
        if (!target) throw new ApiError(404, `no such resource ${ctx.path}`);
        if (ctx.method === 'OPTIONS') {
          ctx.req.resume();
          await sendJson(ctx.res, 200, { subResources: subResources(target) }, ctx.plan, { Allow: allowed(target) });
          return;
        }
        const handler = ctx.method === 'GET' || ctx.method === 'HEAD' ? target.get : ctx.method === 'POST' ? target.post : undefined;
        if (!handler) throw new ApiError(target.get || target.post ? 405 : 404, `${ctx.method} is not supported on ${ctx.path}`);
        if (ctx.method !== 'GET' && user.role !== 'admin') throw new ApiError(403, `user "${user.username}" may not change the configuration`);
        // the upload flow names slots that do not exist yet: its mm-id is not a view
        const sel = /^\/API\/(system|data\/pcap)\b/.test(ctx.path) ? { source: slots.get(0)!, name: 'allegro-mm-sim', live: true } : selectSource(ctx);
        const groupText = param(ctx.query, 'group') ?? '0';
        const group = /^\d+$/.test(groupText) ? LINK_GROUPS[Number(groupText)] : undefined;
        if (!group) throw new ApiError(404, `no virtual link group ${groupText}`);
        const view: View = { source: sel.source, group: groupText === '0' ? undefined : group, now: nowSeconds(sel.source) };
        let time: ReturnType<typeof timeContext> | undefined;
        const request: ApiRequest = {
          method: ctx.method, raw: ctx, user: { name: user.username, role: user.role }, view, query: ctx.query, params,
          // computed on first use: the capture URL has its own (microsecond) time parameters
          get time() { return (time ??= timeContext(view, ctx.query)); },
        };
        const result: ApiResult = await handler(request);
        if ('handled' in result) return;
        if ('csv' in result) {
          await sendBody(ctx.res, result.status ?? 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${result.fileName ?? `${segments[segments.length - 1]}.csv`}"` }, result.csv, ctx.plan);
          return;
        }
        await sendJson(ctx.res, result.status ?? 200, result.json, ctx.plan);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        if (ctx.res.headersSent) {
          ctx.res.destroy();
          return;
        }
        ctx.req.resume();
        await sendJson(ctx.res, e.status, { error: e.message, status: e.status }, { ...ctx.plan, malformedJson: false, resetMidBody: false, slowBodyBytesPerSecond: 0 });
      }
    },
  });

  Object.assign(server.faults, options.faults ?? {});
  return {
    url: server.url,
    port: server.port,
    fingerprint: server.fingerprint,
    certPem: server.certPem,
    username: users.admin.username,
    password: users.admin.password,
    token: users.admin.token,
    users,
    model,
    slots,
    devices,
    deviceSources,
    ringBuffer,
    stats: server.stats,
    faults: server.faults,
    now: clock,
    close: () => server.close(),
  };
}

function allowed(n: RouteNode): string {
  return ['OPTIONS', ...(n.get ? ['GET'] : []), ...(n.post ? ['POST'] : [])].join(', ');
}

