// Shared setup of the AppResponse integration tests: the simulator with short steps, and our own
// HTTP core (pinned to the simulator's certificate) under the typed client.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHttpClient } from '../../src/http/index';
import type { HttpClientApi } from '../../src/http/types';
import { AppResponseClient } from '../../src/appresponse/client';
import { startAppResponseSimulator, type AppResponseSimulator, type AppResponseSimulatorOptions } from '../../src/simulator/appresponse/index';

export interface Rig {
  sim: AppResponseSimulator;
  http: HttpClientApi;
  client: AppResponseClient;
  close(): Promise<void>;
}

export const FAST_KNOBS = { stepMs: 15, keepaliveMs: 200, doneGraceMs: 5_000, liveInitSteps: 3 };

export async function startRig(options: AppResponseSimulatorOptions = {}, user?: { username: string; password: string }): Promise<Rig> {
  const sim = await startAppResponseSimulator({ ...options, knobs: { ...FAST_KNOBS, ...options.knobs } });
  const http = clientFor(sim, user);
  return {
    sim,
    http,
    client: new AppResponseClient(http),
    async close() {
      await http.close();
      await sim.close();
    },
  };
}

export function clientFor(sim: AppResponseSimulator, user?: { username: string; password: string }, extra: { retries?: number } = {}): HttpClientApi {
  return createHttpClient({
    deviceName: 'ar-sim',
    baseUrl: sim.url,
    tls: { mode: 'pin', fingerprint: sim.fingerprint },
    credentials: { kind: 'appresponse', username: user?.username ?? sim.username, password: user?.password ?? sim.password },
    retries: extra.retries ?? 0,
    retryBaseDelayMs: 5,
  });
}

export function anonymousClient(sim: AppResponseSimulator): HttpClientApi {
  return createHttpClient({ deviceName: 'ar-sim-anon', baseUrl: sim.url, tls: { mode: 'pin', fingerprint: sim.fingerprint }, credentials: { kind: 'none' }, retries: 0 });
}

export function bearerClient(sim: AppResponseSimulator, token: string): HttpClientApi {
  return createHttpClient({ deviceName: 'ar-sim-bearer', baseUrl: sim.url, tls: { mode: 'pin', fingerprint: sim.fingerprint }, credentials: { kind: 'bearer', token }, retries: 0 });
}

/**
 * The top IPs by bytes over [t0, t1) as [ip, bytes, packets], biggest first, computed here from the
 * simulator's traffic model (each connection counts for its client and its server), independently
 * of the simulator's report code.
 */
export function modelTopIps(model: AppResponseSimulator['model'], t0: number, t1: number, limit = 10): [string, number, number][] {
  const bytes = new Map<string, number>();
  const packets = new Map<string, number>();
  for (const c of model.connections(t0, t1)) {
    const f = model.flowCounters(c, t0, t1);
    for (const ip of [c.client.ip, c.server.ip]) {
      bytes.set(ip, (bytes.get(ip) ?? 0) + f.c2sBytes + f.s2cBytes);
      packets.set(ip, (packets.get(ip) ?? 0) + f.c2sPackets + f.s2cPackets);
    }
  }
  return [...bytes.entries()].filter(([, b]) => b > 0).sort((a, b) => b[1] - a[1]).slice(0, limit).map(([ip, b]) => [ip, b, packets.get(ip)!]);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

let tmp: string | undefined;
export function tmpFile(name: string, bytes: Buffer): string {
  tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'ar-sim-test-'));
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** capinfos machine-readable summary; throws when the file is not a valid capture. */
export function capinfos(file: string): Record<string, string> {
  const r = spawnSync('capinfos', ['-T', '-m', '-c', '-t', '-E', '-l', '-a', '-e', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`capinfos failed on ${file}: ${r.stderr || r.stdout}`);
  const [header, values] = r.stdout.trim().split('\n');
  const keys = header.split(',');
  const fields = values.split(',');
  return Object.fromEntries(keys.map((k, i) => [k, fields[i]]));
}

/** tshark fields of every packet (validates the file too). */
export function tsharkFields(file: string, fields: string[], displayFilter?: string): string[][] {
  const args = ['-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f]), '-E', 'separator=|'];
  if (displayFilter) args.push('-Y', displayFilter);
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tshark failed on ${file}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split('|'));
}
