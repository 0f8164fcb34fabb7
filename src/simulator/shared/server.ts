// The HTTPS front of a simulated appliance on loopback: certificate, request statistics,
// latency and fault injection around an application handler.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { generateCertificate } from './cert';
import { FaultSwitches, type FaultPlan } from './faults';
import { RequestStatistics } from './stats';
import { sendJson, sleep } from './respond';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Decoded path without query. */
  path: string;
  /** Query without the sim.* fault flags. */
  query: URLSearchParams;
  plan: FaultPlan;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export interface SimulatorServerOptions {
  host?: string;
  port?: number;
  latencyMs?: number;
  seed?: number;
  /** Handles a request; must send a response (errors become 500). */
  handle(ctx: RequestContext): Promise<void>;
}

export interface SimulatorServer {
  url: string;
  port: number;
  host: string;
  certPem: string;
  fingerprint: string;
  stats: RequestStatistics;
  faults: FaultSwitches;
  close(): Promise<void>;
}

export async function startSimulatorServer(options: SimulatorServerOptions): Promise<SimulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const cert = await generateCertificate({ commonName: 'allegro-mm simulator' });
  const stats = new RequestStatistics();
  const faults = new FaultSwitches(options.seed ?? 1);
  const sockets = new Set<Socket>();
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    void serve(req, res);
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => undefined);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://simulator');
    const method = (req.method ?? 'GET').toUpperCase();
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    // A request stops counting once the handler has ended its response. 'finish' (and even more
    // 'close') can come after a keep-alive client already has the response and sent its next request,
    // which would count a sequential client twice. 'finish' covers responses ended after the handler
    // returned, 'close' the ones whose client went away; done() counts once.
    const done = stats.begin(method, path);
    res.once('finish', done);
    res.once('close', done);
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const query = url.searchParams;
    const plan = faults.plan(path, query, options.latencyMs ?? 0);
    try {
      await sleep(plan.latencyMs, controller.signal);
      if (controller.signal.aborted) return;
      if (plan.status !== undefined) {
        req.resume();
        await sendJson(res, plan.status, { error: `simulated HTTP ${plan.status}`, errorId: 'simulated' }, { ...plan, malformedJson: false, resetMidBody: false }, plan.status === 503 ? { 'Retry-After': '1' } : {});
        return;
      }
      await options.handle({ req, res, method, path, query, plan, signal: controller.signal });
    } catch (err) {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: `internal simulator error: ${(err as Error).message}` }));
      } else res.destroy();
    } finally {
      if (res.writableEnded) done();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    host,
    certPem: cert.certPem,
    fingerprint: cert.fingerprint,
    stats,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
