// Typed client of the Allegro Network Multimeter REST API over our HTTP core.
import { HttpStatusError, InvalidResponseError } from '../http/errors';
import { sleep } from '../http/retry';
import type { HttpClientApi, QueryValue, StreamResponse } from '../http/types';
import { connectionExpression } from './expression';
import { captureTime, toEpochSeconds } from './time';
import type {
  AsyncHandle, CaptureParams, GlobalConnection, IpDetails, IpEntry, ListParams, MultideviceEntry, PagedList, PeerPortRow, TimeRange,
} from './types';

export interface AllegroClientOptions {
  /** Slot or device: "<device>:<slot>", ":1", "local:1", or a multi-device host name. Sent as mm-id. */
  mmId?: string;
  /** Virtual link group (0 = default). */
  group?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PollOptions extends CallOptions {
  /** Delay between polls (default 500 ms; the document's script waits 1 s). */
  intervalMs?: number;
  /** Give up after this long (default 120 s). */
  timeoutMs?: number;
}

/** The asynchronous request ended with a non-zero errorCode. */
export class AllegroAsyncError extends Error {
  constructor(readonly device: string, readonly asyncID: number, readonly errorCode: number, readonly detail: string) {
    super(`${device}: asynchronous request ${asyncID} failed with errorCode ${errorCode}${detail ? `: ${detail}` : ''} (the device could not compute this list: try again, with a shorter time interval or fewer entries)`);
  }
}

/** The asynchronous request was still pending when the time ran out. */
export class AllegroAsyncTimeoutError extends Error {
  constructor(readonly device: string, readonly asyncID: number, readonly afterMs: number) {
    super(`${device}: asynchronous request ${asyncID} still pending after ${Math.round(afterMs / 1000)} s (the device is busy computing it: try again later, or with a shorter time interval)`);
  }
}

/** The maximum entries per page the device answers. */
export const MAX_PAGE_SIZE = 100;

type Query = Record<string, QueryValue>;

function toQuery(params: Record<string, unknown> | undefined): Query {
  const out: Query = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined || v === null) continue;
    if (v instanceof Date) out[k] = toEpochSeconds(v);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else out[k] = String(v);
  }
  return out;
}

/** Parses one CSV line (RFC 4180 quoting). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Splits CSV text into rows of cells (the first row is the header). */
export function parseCsv(text: string): string[][] {
  return text.split(/\r?\n/).filter((l) => l.length > 0).map(parseCsvLine);
}

export class AllegroClient {
  constructor(readonly http: HttpClientApi, readonly scope: AllegroClientOptions = {}) {}

  /** The same device seen through another slot / device (mm-id). */
  withSlot(mmId: string | undefined): AllegroClient {
    return new AllegroClient(this.http, { ...this.scope, mmId });
  }

  /** The same device restricted to a virtual link group. */
  withGroup(group: number | undefined): AllegroClient {
    return new AllegroClient(this.http, { ...this.scope, group });
  }

  private scoped(query: Query = {}): Query {
    const out: Query = { ...query };
    if (this.scope.mmId !== undefined && out['mm-id'] === undefined) out['mm-id'] = this.scope.mmId;
    if (this.scope.group && out.group === undefined) out.group = this.scope.group;
    return out;
  }

  /** OPTIONS on a node: the names of its children (parameter nodes as ":ip"). */
  async options(path: string, call: CallOptions = {}): Promise<string[]> {
    const res = await this.http.json<{ subResources?: unknown }>({ method: 'OPTIONS', path, query: this.scoped(), signal: call.signal });
    const sub = res.body?.subResources;
    if (!Array.isArray(sub) || !sub.every((s) => typeof s === 'string')) throw new InvalidResponseError(this.http.deviceName, path, 'no subResources list in the OPTIONS answer', JSON.stringify(res.body).slice(0, 200));
    return sub as string[];
  }

  /** GET a node as JSON. */
  async get<T = unknown>(path: string, query?: Record<string, unknown>, call: CallOptions = {}): Promise<T> {
    return (await this.http.json<T>({ path, query: this.scoped(toQuery(query)), signal: call.signal })).body;
  }

  /** GET with csv=true: the CSV text. */
  async csv(path: string, query?: Record<string, unknown>, call: CallOptions = {}): Promise<string> {
    return (await this.http.text({ path, query: this.scoped({ ...toQuery(query), csv: true }), headers: { 'accept-encoding': 'identity' }, signal: call.signal })).body;
  }

  /** One page of a list query (count is capped at 100 as the device does). */
  async list<T = Record<string, unknown>>(path: string, params: ListParams = {}, call: CallOptions = {}): Promise<PagedList<T>> {
    const query: Record<string, unknown> = { ...params };
    if (typeof params.count === 'number') query.count = Math.min(MAX_PAGE_SIZE, Math.max(1, params.count));
    const body = await this.get<PagedList<T>>(path, query, call);
    if (!body || !Array.isArray(body.displayedItems)) throw new InvalidResponseError(this.http.deviceName, path, 'no displayedItems in the list answer', JSON.stringify(body).slice(0, 200));
    return body;
  }

  /** Every entry of a list, page after page (as the document's pagination script does). */
  async *listAll<T = Record<string, unknown>>(path: string, params: ListParams = {}, call: CallOptions = {}): AsyncGenerator<T> {
    const count = Math.min(MAX_PAGE_SIZE, params.count ?? MAX_PAGE_SIZE);
    const first = await this.list<T>(path, { ...params, page: 0, count }, call);
    yield* first.displayedItems;
    for (let page = 1; page < first.numberOfPages; page++) {
      const next = await this.list<T>(path, { ...params, page, count }, call);
      yield* next.displayedItems;
    }
  }

  /** The plain list of IP addresses (/API/stats/modules/ip/ips). */
  async ips(call: CallOptions = {}): Promise<string[]> {
    return this.get<string[]>('/API/stats/modules/ip/ips', undefined, call);
  }

  /** Counters of one IP, for the last second or for starttime..endtime. */
  async ipCounters(address: string, range: TimeRange = {}, call: CallOptions = {}): Promise<IpDetails> {
    return this.get<IpDetails>(`/API/stats/modules/ip/ips/${encodeURIComponent(address)}`, { ...range }, call);
  }

  /** Top IPs (ips_paged). */
  async topIps(params: ListParams = {}, call: CallOptions = {}): Promise<PagedList<IpEntry>> {
    return this.list<IpEntry>('/API/stats/modules/ip/ips_paged', { sort: 'bytes', reverse: true, ...params }, call);
  }

  /** Peers of one IP. */
  async peers(address: string, params: ListParams = {}, call: CallOptions = {}): Promise<PagedList<IpEntry>> {
    return this.list<IpEntry>(`/API/stats/modules/ip/ips/${encodeURIComponent(address)}/peers`, params, call);
  }

  /** peers_ports of one IP as CSV rows (header skipped, short rows dropped, as the document's script). */
  async peersPorts(address: string, call: CallOptions = {}): Promise<PeerPortRow[]> {
    const text = await this.csv(`/API/stats/modules/ip/ips/${encodeURIComponent(address)}/peers_ports`, undefined, call);
    return parseCsv(text).slice(1).filter((r) => r.length >= 7).map((cells) => ({ peer: cells[0]!, port: Number(cells[1]), protocol: cells[2]!, role: cells[6]!, cells }));
  }

  /** Server ports of one IP: ports it serves (asServer) and ports it contacts (asClient). */
  async serverPorts(address: string, call: CallOptions = {}): Promise<{ asServer: number[]; asClient: number[] }> {
    const asServer = new Set<number>();
    const asClient = new Set<number>();
    for (const row of await this.peersPorts(address, call)) (row.role === 'client' ? asServer : asClient).add(row.port);
    const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
    return { asServer: sorted(asServer), asClient: sorted(asClient) };
  }

  /** Starts an asynchronous request (e.g. ip/globalConnections). */
  async startAsync(path: string, query?: Record<string, unknown>, call: CallOptions = {}): Promise<AsyncHandle> {
    const body = await this.get<AsyncHandle>(path, query, call);
    if (typeof body?.asyncID !== 'number' && typeof body?.asyncID !== 'string') throw new InvalidResponseError(this.http.deviceName, path, 'no asyncID in the answer', JSON.stringify(body).slice(0, 200));
    return body;
  }

  /** Polls /API/async/<id>?uuid= until it is no longer 202; returns asyncResult or throws AllegroAsyncError. */
  async awaitAsync<T = unknown>(handle: AsyncHandle, poll: PollOptions = {}): Promise<T> {
    const path = `/API/async/${handle.asyncID}`;
    const started = Date.now();
    const timeout = poll.timeoutMs ?? 120_000;
    for (;;) {
      const res = await this.http.raw({ path, query: this.scoped({ uuid: handle.asyncUUID }), signal: poll.signal });
      if (res.status === 202) {
        if (Date.now() - started + (poll.intervalMs ?? 500) > timeout) throw new AllegroAsyncTimeoutError(this.http.deviceName, Number(handle.asyncID), timeout);
        await sleep(poll.intervalMs ?? 500, poll.signal);
        continue;
      }
      if (res.status < 200 || res.status >= 300) throw new HttpStatusError(this.http.deviceName, path, 'GET', res.status, undefined, errorText(res.body), res.body);
      let body: { errorCode?: number; asyncResult?: T; errorMessage?: string; error?: string };
      try {
        body = JSON.parse(res.body);
      } catch {
        throw new InvalidResponseError(this.http.deviceName, path, 'the asynchronous result is not JSON', res.body.slice(0, 200));
      }
      if (body.errorCode !== 0) throw new AllegroAsyncError(this.http.deviceName, Number(handle.asyncID), Number(body.errorCode ?? -1), body.errorMessage ?? body.error ?? '');
      return body.asyncResult as T;
    }
  }

  /** The global connection list (asynchronous on the device), e.g. { mode: 'rtpStats', sort: 'bytes', reverse: true }. */
  async globalConnections(params: ListParams & { mode?: string } = {}, poll: PollOptions = {}): Promise<PagedList<GlobalConnection>> {
    const handle = await this.startAsync('/API/stats/modules/ip/globalConnections', params, poll);
    return this.awaitAsync<PagedList<GlobalConnection>>(handle, poll);
  }

  /** The connection table as CSV. */
  async globalConnectionsCsv(call: CallOptions = {}): Promise<string> {
    return this.csv('/API/stats/modules/ip/globalConnections/csv', undefined, call);
  }

  /** Query of a capture request. */
  captureQuery(params: CaptureParams = {}): Query {
    const q: Query = {};
    if (params.expression) q.expression = params.expression;
    if (params.startTime !== undefined) q.startTime = captureTime(params.startTime);
    if (params.endTime !== undefined) q.endTime = captureTime(params.endTime);
    if (params.timespan !== undefined) q.timespan = params.timespan;
    if (params.snapPacketLength !== undefined) q.snapPacketLength = params.snapPacketLength;
    if (params.fromCaptureBuffer !== undefined) q.fromCaptureBuffer = params.fromCaptureBuffer;
    if (params.captureBufferSlotId !== undefined) q.captureBufferSlotId = params.captureBufferSlotId;
    if (params.captureToMedia !== undefined) q.captureToMedia = params.captureToMedia;
    if (params.format === 'pcapng') q.format = 'pcapng';
    return this.scoped(q);
  }

  /** The capture stream (pcap / pcapng bytes with backpressure); destroy the body to stop a live capture. */
  async capture(params: CaptureParams = {}, call: CallOptions = {}): Promise<StreamResponse> {
    return this.http.stream({ path: '/API/data/modules/capture', query: this.captureQuery(params), headers: { 'accept-encoding': 'identity' }, signal: call.signal, timeouts: { bodyIdleMs: 600_000 } });
  }

  /** Capture parameters of one connection of the global list (the document's script). */
  static connectionCapture(c: GlobalConnection, extra: Partial<CaptureParams> = {}): CaptureParams {
    return {
      expression: connectionExpression(c),
      fromCaptureBuffer: true,
      captureBufferSlotId: 0,
      startTime: c.connectionStart * 1000,
      endTime: c.lastActivity * 1000,
      ...extra,
    };
  }

  /** Pauses (true) or resumes (false) a ring buffer. */
  async setRingBufferSuspended(suspended: boolean, bufferId = 0, call: CallOptions = {}): Promise<unknown> {
    const res = await this.http.json({ method: 'POST', path: `/API/data/modules/capture/buffer/${bufferId}`, query: this.scoped(), body: { command: 'changeConfig', config: { isSuspended: suspended } }, signal: call.signal });
    return res.body;
  }

  /** Multi-device members (/API/system/multidevice/devices). */
  async devices(call: CallOptions = {}): Promise<MultideviceEntry[]> {
    return (await this.http.json<MultideviceEntry[]>({ path: '/API/system/multidevice/devices', signal: call.signal })).body;
  }

  /** The system information (/API/info/system). */
  async systemInfo(call: CallOptions = {}): Promise<Record<string, unknown>> {
    return (await this.http.json<Record<string, unknown>>({ path: '/API/info/system', signal: call.signal })).body;
  }

  /**
   * Uploads a capture file for parallel analysis (the document's three steps): initialise the
   * replay, start the analysis, stream the file as multipart. Returns the analysis slot.
   */
  async uploadPcap(fileName: string, data: Uint8Array, options: { replaySlotID?: number; forceSlotID?: boolean } & CallOptions = {}): Promise<{ replaySlotID: number; packets?: number }> {
    const init = await this.http.json<{ replaySlotID?: number }>({
      method: 'POST', path: '/API/system/replay/upload', signal: options.signal,
      body: { fileName, fileSize: data.length, replaySlotID: options.replaySlotID ?? 1, forceSlotID: options.forceSlotID ?? true, useReplayBuffer: true },
    });
    const slot = Number(init.body?.replaySlotID ?? options.replaySlotID ?? 1);
    await this.http.json({ method: 'POST', path: '/API/data/pcap', query: { 'mm-id': `:${slot}` }, body: { command: 'start' }, signal: options.signal });
    const boundary = `----probe-explorer-${Date.now().toString(36)}`;
    const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const safeName = fileName.replace(/["\r\n]/g, '_');
    const body = Buffer.concat([
      Buffer.from(field('name', 'file') + field('filename', safeName)),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await this.http.json<{ replaySlotID?: number; packets?: number }>({
      method: 'POST', path: '/API/system/analyze-pcap', query: { replaySlotID: slot }, body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, signal: options.signal,
    });
    return { replaySlotID: Number(res.body?.replaySlotID ?? slot), packets: res.body?.packets };
  }
}

function errorText(body: string): string | undefined {
  try {
    const v = JSON.parse(body) as { error?: unknown };
    return typeof v.error === 'string' ? v.error : undefined;
  } catch {
    return undefined;
  }
}
