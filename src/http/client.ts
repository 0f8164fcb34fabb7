// The HTTP client of one device: every request passes the concurrency limit, carries the device's
// credentials, is retried when that is safe, and fails with a typed error naming device and path.
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { HttpStatusError, InvalidResponseError, NetworkError, ProbeError, TlsError } from './errors';
import type { HttpClientApi, HttpClientOptions, HttpResponse, Logger, RequestOptions, StreamResponse, Timeouts } from './types';
import { createAuthenticator, type Authenticator } from './auth';
import { createDispatcher, type DispatcherOptions } from './dispatcher';
import { parseErrorBody, excerpt } from './error-body';
import { Limiter, type Release } from './limiter';
import { toProbeError } from './map-error';
import { proxyFor, type ProxyRoute } from './proxy';
import { redact, redactingLogger, silentLogger } from './redact';
import { CertificateRejected } from './tls';
import { encodeBody, flattenHeaders, mergeHeaders, queryString } from './request-parts';
import { requestBody, type ResponseBody } from './body';
import { RETRY_STATUSES, backoffDelay, isConnectionReset, isIdempotent, retryAfterMs, sleep } from './retry';

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: 30_000, bodyIdleMs: 60_000 };

/** Extra options beyond the shared contract (all optional). */
export interface HttpClientExtras {
  /** Longest Retry-After honoured (default 10 s); a longer one fails at once. */
  maxRetryAfterMs?: number;
  /** Environment for the proxy variables (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Keep-alive of idle sockets (default 10 s). */
  keepAliveTimeoutMs?: number;
}

const MAX_ERROR_BODY = 64 * 1024;

/** A response whose headers arrived; its concurrency slot is freed once the body is read or closes. */
interface Exchange {
  status: number;
  headers: Record<string, string>;
  body: Readable;
  started: number;
  release: Release;
}

export class HttpClient implements HttpClientApi {
  readonly deviceName: string;
  readonly baseUrl: string;
  readonly route: ProxyRoute;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly dispatcherOptions: DispatcherOptions;
  private dispatcherInstance: Dispatcher | undefined;
  private readonly limiter: Limiter;
  private readonly auth: Authenticator;
  private readonly log: Logger;
  private readonly timeouts: Timeouts;
  private readonly retries: number;
  private readonly retryBaseDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly headers: Record<string, string>;
  private closed = false;

  constructor(options: HttpClientOptions & HttpClientExtras) {
    this.deviceName = options.deviceName;
    const url = parseBaseUrl(options.deviceName, options.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.baseUrl = `${this.origin}${this.basePath}`;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.retries = Math.max(0, options.retries ?? 3);
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 200;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
    const maxConcurrency = options.maxConcurrency ?? 6;
    this.limiter = new Limiter(maxConcurrency);
    this.headers = mergeHeaders({ 'user-agent': 'probe-explorer' }, withoutCredentials(options.headers));
    this.route = proxyFor(url, options.proxy, options.env ?? process.env);
    this.dispatcherOptions = {
      policy: options.tls ?? { mode: 'verify' },
      route: this.route,
      connections: maxConcurrency,
      connectTimeoutMs: this.timeouts.connectMs,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs,
    };
    this.auth = createAuthenticator(options.credentials, {
      post: (path, body, signal) => this.raw({ method: 'POST', path, body, signal, anonymous: true, idempotent: true, headers: { accept: 'application/json' } }),
      fail: (path, response) => this.statusError('POST', path, response.status, response.headers, response.body),
      invalid: (path, detail, body) => new InvalidResponseError(this.deviceName, path, detail, excerpt(body)),
    });
    const secrets = () => [...this.auth.secrets(), ...proxySecrets(this.route.proxyUrl)];
    this.log = redactingLogger(options.logger ?? silentLogger, secrets);
  }

  /** Requests in flight right now (streams count until their body ends). */
  get inFlight(): number {
    return this.limiter.inFlight;
  }

  url(path: string, query?: RequestOptions['query']): string {
    return `${this.baseUrl}${path}${queryString(query)}`;
  }

  async json<T = unknown>(options: RequestOptions): Promise<HttpResponse<T>> {
    const response = await this.text({ ...options, headers: mergeHeaders({ accept: 'application/json' }, options.headers) });
    if (response.status === 204 || options.method === 'HEAD') return { ...response, body: undefined as T };
    try {
      return { ...response, body: JSON.parse(response.body) as T };
    } catch (error) {
      throw new InvalidResponseError(this.deviceName, options.path, `not JSON (${(error as Error).message})`, excerpt(response.body));
    }
  }

  async text(options: RequestOptions): Promise<HttpResponse<string>> {
    const response = await this.buffer(options);
    return { ...response, body: response.body.toString('utf8') };
  }

  async buffer(options: RequestOptions): Promise<HttpResponse<Buffer>> {
    const exchange = await this.exchange(options);
    const body = await this.readAll(exchange, options);
    if (exchange.status < 200 || exchange.status > 299) {
      throw this.statusError(options.method ?? 'GET', options.path, exchange.status, exchange.headers, body.toString('utf8'));
    }
    return { status: exchange.status, headers: exchange.headers, body, elapsedMs: elapsed(exchange.started) };
  }

  async raw(options: RequestOptions): Promise<HttpResponse<string>> {
    const exchange = await this.exchange(options);
    const body = await this.readAll(exchange, options);
    return { status: exchange.status, headers: exchange.headers, body: body.toString('utf8'), elapsedMs: elapsed(exchange.started) };
  }

  async stream(options: RequestOptions): Promise<StreamResponse> {
    const exchange = await this.exchange(options, true);
    if (exchange.status < 200 || exchange.status > 299) {
      const body = await this.readAll(exchange, options, MAX_ERROR_BODY);
      throw this.statusError(options.method ?? 'GET', options.path, exchange.status, exchange.headers, body.toString('utf8'));
    }
    // The body's transport errors are typed where they happen (see body.ts).
    const body = exchange.body as unknown as ResponseBody;
    return { status: exchange.status, headers: exchange.headers, body, pipeTo: (sink) => body.pipeTo(sink) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.dispatcherInstance?.close();
  }

  /** Built on the first request, so a bad CA file fails that request with a TlsError naming the path. */
  private dispatcher(path: string): Dispatcher {
    if (this.dispatcherInstance) return this.dispatcherInstance;
    try {
      return (this.dispatcherInstance = createDispatcher(this.dispatcherOptions));
    } catch (error) {
      if (error instanceof CertificateRejected) throw new TlsError(this.deviceName, path, error.reason, undefined, { cause: error });
      throw error;
    }
  }

  /** Sends the request until it gets a final answer: auth renewal once, retries when safe. */
  /** `streamed`: the body is a ResponseBody (read as a stream or piped to a sink). */
  private async exchange(options: RequestOptions, streamed = false): Promise<Exchange> {
    const method = options.method ?? 'GET';
    const path = options.path;
    if (!path.startsWith('/')) throw new TypeError(`${this.deviceName}: path must start with "/": ${path}`);
    const timeouts = this.timeoutsOf(options);
    const signal = options.signal;
    const encoded = encodeBody(options.body);
    const retryable = encoded.replayable && isIdempotent(method, options.idempotent);
    const wirePath = `${this.basePath}${path}${queryString(options.query)}`;
    const logPath = `${path}${queryString(options.query)}`;
    const started = performance.now();
    let attempt = 0;
    let renewed = false;
    for (;;) {
      if (this.closed) throw new NetworkError(this.deviceName, path, 'CLOSED', 'the client of this device was closed');
      let authorization: string | undefined;
      let release: Release | undefined;
      let response: { statusCode: number; headers: Dispatcher.ResponseData['headers']; body: unknown };
      const attemptStarted = performance.now();
      try {
        authorization = options.anonymous ? undefined : await this.auth.authorization(signal);
        release = await this.limiter.acquire(signal);
        const request = {
          origin: this.origin,
          path: wirePath,
          method,
          headers: mergeHeaders(
            this.headers,
            encoded.contentType ? { 'content-type': encoded.contentType } : undefined,
            withoutCredentials(options.headers),
            authorization ? { authorization } : undefined,
          ),
          body: encoded.body,
          signal,
          headersTimeout: timeouts.headersMs,
          bodyTimeout: timeouts.bodyIdleMs,
        };
        const dispatcher = this.dispatcher(path);
        response = streamed
          ? await requestBody(dispatcher, request, (error) => toProbeError(error, this.deviceName, path, timeouts, signal))
          : await dispatcher.request(request);
      } catch (error) {
        release?.();
        const failure = toProbeError(error, this.deviceName, path, timeouts, signal);
        if (retryable && attempt < this.retries && failure.kind === 'network' && isConnectionReset(error)) {
          const delay = backoffDelay(attempt++, this.retryBaseDelayMs);
          this.log.debug(`${this.deviceName}: ${method} ${logPath} connection reset; retry ${attempt}/${this.retries} in ${delay} ms`);
          await this.pause(delay, signal, path, timeouts);
          continue;
        }
        this.log.debug(`${this.deviceName}: ${method} ${logPath} failed after ${elapsed(attemptStarted)} ms: ${failure.message}`);
        throw failure;
      }
      const status = response.statusCode;
      const headers = flattenHeaders(response.headers as Record<string, string | string[] | undefined>);
      this.log.debug(`${this.deviceName}: ${method} ${logPath} ${status} ${elapsed(attemptStarted)} ms`);
      const body = response.body as unknown as Readable;
      // The slot is held until the body is consumed or destroyed (streams count until they end).
      if (body.destroyed) release();
      else body.once('close', release);

      if (status === 401 && !options.anonymous && !renewed && encoded.replayable) {
        renewed = true;
        const text = await this.readAll({ status, headers, body, started, release }, options, MAX_ERROR_BODY);
        if (await this.renewAuth(authorization, signal, path, timeouts)) continue;
        return { status, headers, body: Readable.from([text]), started, release };
      }
      if (RETRY_STATUSES.has(status) && retryable && attempt < this.retries) {
        const wait = retryAfterMs(headers['retry-after']);
        if (wait === undefined || wait <= this.maxRetryAfterMs) {
          await this.readAll({ status, headers, body, started, release }, options, MAX_ERROR_BODY).catch(() => undefined);
          const delay = wait ?? backoffDelay(attempt, this.retryBaseDelayMs);
          attempt++;
          this.log.debug(`${this.deviceName}: ${method} ${logPath} ${status}; retry ${attempt}/${this.retries} in ${delay} ms`);
          await this.pause(delay, signal, path, timeouts);
          continue;
        }
      }
      return { status, headers, body, started, release };
    }
  }

  private async renewAuth(used: string | undefined, signal: AbortSignal | undefined, path: string, timeouts: Timeouts): Promise<boolean> {
    try {
      return await this.auth.renew(used, signal);
    } catch (error) {
      throw toProbeError(error, this.deviceName, path, timeouts, signal);
    }
  }

  private async pause(ms: number, signal: AbortSignal | undefined, path: string, timeouts: Timeouts): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw toProbeError(error, this.deviceName, path, timeouts, signal);
    }
  }

  /** Reads the whole body (at most `limit` bytes are kept), mapping undici's errors. */
  private async readAll(exchange: Exchange, options: RequestOptions, limit = Infinity): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        exchange.body.on('data', (chunk: Buffer | string) => {
          const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          if (size < limit) chunks.push(buffer);
          size += buffer.length;
        });
        exchange.body.once('end', resolve);
        exchange.body.once('error', reject);
      });
    } catch (error) {
      throw toProbeError(error, this.deviceName, options.path, this.timeoutsOf(options), options.signal);
    } finally {
      exchange.release(); // at once: waiting for 'close' would hold the slot into the caller's next request
    }
    const all = Buffer.concat(chunks);
    return all.length > limit ? all.subarray(0, limit) : all;
  }

  private statusError(method: string, path: string, status: number, headers: Record<string, string>, body: string): ProbeError {
    const detail = parseErrorBody(body, headers['content-type']);
    return new HttpStatusError(this.deviceName, path, method, status, detail.errorId, detail.errorText, redact(body.slice(0, MAX_ERROR_BODY)));
  }

  private timeoutsOf(options: RequestOptions): Timeouts {
    return { ...this.timeouts, ...options.timeouts };
  }
}

function parseBaseUrl(device: string, baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`${device}: "${redact(baseUrl)}" is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`${device}: URL must start with https:// (got ${url.protocol})`);
  if (url.username || url.password) throw new TypeError(`${device}: put credentials in the device's secret store, not in the URL`);
  if (url.search || url.hash) throw new TypeError(`${device}: the base URL must not carry a query or fragment`);
  return url;
}

/** Extra headers never carry credentials: those come from the authenticator only. */
function withoutCredentials(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers) return undefined;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(proxy-)?authorization$/i.test(name)));
}

function proxySecrets(proxyUrl: string | undefined): string[] {
  if (!proxyUrl) return [];
  try {
    const url = new URL(proxyUrl);
    return [decodeURIComponent(url.password)].filter(Boolean);
  } catch {
    return [];
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
