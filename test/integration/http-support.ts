// Loopback servers for the HTTP core tests: an HTTPS server with a fresh certificate, a counting
// CONNECT proxy and a logger that keeps every line it is given.
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { generateCertificate, type GeneratedCertificate } from '../../src/simulator/shared/cert';
import { createHttpClient } from '../../src/http/index';
import type { HttpClientApi, HttpClientOptions, Logger } from '../../src/http/types';

export interface TestServer {
  url: string;
  port: number;
  certificate: GeneratedCertificate;
  /** Requests seen, in order. */
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }>;
  /** Most requests in flight at once. */
  maxInFlight: number;
  inFlight: number;
  /** Sockets that closed while a response was still open (a client-side abort). */
  abortedResponses: number;
  /** TLS connections accepted. */
  connections: number;
  close(): Promise<void>;
}

/** Our HTTP client of a test server, its certificate pinned; `options` add to or override the defaults. */
export function pinnedClient(server: TestServer, deviceName: string, options: Partial<HttpClientOptions> = {}): HttpClientApi {
  return createHttpClient({ deviceName, baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint }, ...options });
}

export type Handler = (req: http.IncomingMessage & { body: string }, res: http.ServerResponse, server: TestServer) => unknown;

export async function startHttpsServer(handler: Handler, certificate?: GeneratedCertificate): Promise<TestServer> {
  const cert = certificate ?? (await generateCertificate());
  const sockets = new Set<net.Socket>();
  const state: TestServer = {
    url: '',
    port: 0,
    certificate: cert,
    requests: [],
    maxInFlight: 0,
    inFlight: 0,
    abortedResponses: 0,
    connections: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    let finished = false;
    res.on('finish', () => (finished = true));
    res.on('close', () => {
      state.inFlight--;
      if (!finished) state.abortedResponses++;
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      Promise.resolve(handler(Object.assign(req, { body }), res, state)).catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
  });
  server.on('secureConnection', (socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `https://127.0.0.1:${state.port}`;
  return state;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export interface TestProxy {
  url: string;
  tunnels: string[];
  close(): Promise<void>;
}

/** A tiny HTTP CONNECT proxy on loopback that records each tunnel's target. */
export async function startConnectProxy(): Promise<TestProxy> {
  const sockets = new Set<net.Socket>();
  const tunnels: string[] = [];
  const server = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = splitHostPort(req.url ?? '');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function splitHostPort(target: string): [string, string] {
  const index = target.lastIndexOf(':');
  return [target.slice(0, index).replace(/^\[|\]$/g, ''), target.slice(index + 1)];
}

export interface CapturingLogger extends Logger {
  lines: string[];
  text(): string;
}

export function capturingLogger(): CapturingLogger {
  const lines: string[] = [];
  const push = (level: string) => (message: string | Error, ...args: unknown[]) => {
    lines.push(`${level} ${message instanceof Error ? message.message : message} ${args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  };
  return { lines, text: () => lines.join('\n'), trace: push('trace'), debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}
