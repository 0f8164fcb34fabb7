// Public contract of the HTTP core. Every request to an appliance goes through an HttpClient
// built from these options; no other module opens sockets or builds auth headers.
import type { Readable } from 'node:stream';

/** How the device certificate is trusted. Per device, never global. */
export type TlsPolicy =
  | { mode: 'verify' }
  | { mode: 'ca'; caFile: string }
  | { mode: 'pin'; fingerprint: string } // SHA-256 of the DER certificate, hex, colons optional
  | { mode: 'insecure' };

/** Resolved proxy settings (from VS Code `http.proxy`, `http.noProxy`, `http.proxyStrictSSL` or the environment). */
export interface ProxySettings {
  url?: string;
  noProxy?: string[];
  strictSSL?: boolean;
}

export interface Timeouts {
  connectMs: number;
  headersMs: number;
  bodyIdleMs: number;
}

/** Same shape as vscode.LogOutputChannel's logging methods, so the channel can be passed in directly. */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

/** Credentials, resolved from SecretStorage by the caller just before use. */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string } // Allegro API token
  | { kind: 'appresponse'; username: string; password: string; allowBasicFallback?: boolean }; // OAuth token login

export interface HttpClientOptions {
  /** Device display name: appears in errors and logs. */
  deviceName: string;
  /** Base URL such as https://10.0.0.5 or https://127.0.0.1:8443 (no trailing path needed). */
  baseUrl: string;
  tls?: TlsPolicy;
  credentials?: Credentials;
  /** Maximum requests in flight to this device (default 6). */
  maxConcurrency?: number;
  timeouts?: Partial<Timeouts>;
  /** Retries for idempotent requests on reset/502/503/504 (default 3). */
  retries?: number;
  /** Base backoff delay in ms (default 200); jittered and doubled per attempt. */
  retryBaseDelayMs?: number;
  proxy?: ProxySettings;
  logger?: Logger;
  /** Extra headers on every request (e.g. X-AllegroPackets-Multimeter-ID). Never credentials. */
  headers?: Record<string, string>;
}

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS' | 'PATCH' | 'HEAD';
  /** Path below the base URL, e.g. /API/stats/modules. */
  path: string;
  query?: Record<string, QueryValue | QueryValue[]>;
  headers?: Record<string, string>;
  /** A plain object is sent as JSON with Content-Type application/json (no charset). */
  body?: string | Uint8Array | object;
  signal?: AbortSignal;
  /** Overrides the method's default (GET/HEAD/OPTIONS/PUT/DELETE are idempotent). */
  idempotent?: boolean;
  /** Skip credentials (used by the token login itself). */
  anonymous?: boolean;
  timeouts?: Partial<Timeouts>;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
  /** Milliseconds from the start of the first attempt to the full body. */
  elapsedMs: number;
}

export interface StreamResponse {
  status: number;
  headers: Record<string, string>;
  /** The body with backpressure; destroy it to abort. Body-idle timeout applies. */
  body: Readable;
  /**
   * Hands the body (instead of reading `body`) to a sink straight from the HTTP parser, without a
   * stream per chunk: for large downloads. Resolves when the body ended completely, rejects with a
   * typed error when the transfer fails; destroy `body` to abort. Absent on clients without it.
   */
  pipeTo?(sink: BodySink): Promise<void>;
}

/** Takes a response body chunk by chunk (StreamResponse.pipeTo). */
export interface BodySink {
  /** Takes the chunk (always all of it); false asks the sender to wait. */
  write(chunk: Buffer): boolean;
  /** After write() returned false: call `resume` once the sink can take more. */
  wait(resume: () => void): void;
}

/** What HttpClient offers; implemented in src/http/client.ts. */
export interface HttpClientApi {
  readonly deviceName: string;
  readonly baseUrl: string;
  /** JSON body parsed (InvalidResponseError when it is not JSON); non-2xx throws HttpStatusError. */
  json<T = unknown>(options: RequestOptions): Promise<HttpResponse<T>>;
  /** Text body; non-2xx throws HttpStatusError. */
  text(options: RequestOptions): Promise<HttpResponse<string>>;
  /** Raw bytes; non-2xx throws HttpStatusError. */
  buffer(options: RequestOptions): Promise<HttpResponse<Buffer>>;
  /** Streamed body handed through with backpressure; non-2xx throws HttpStatusError (body consumed). */
  stream(options: RequestOptions): Promise<StreamResponse>;
  /** Any status, body as text: for callers that handle statuses themselves (e.g. Allegro async 202). */
  raw(options: RequestOptions): Promise<HttpResponse<string>>;
  /** Full URL for display / copy (never carries credentials). */
  url(path: string, query?: RequestOptions['query']): string;
  close(): Promise<void>;
}
