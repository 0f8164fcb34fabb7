// Full walk of the simulated Allegro OPTIONS hierarchy with 20 ms added latency per request.
// ours: the API tree core (AllegroApiTree.walk), requests in parallel up to the device limit.
// peer: a sequential walk the way the document's scripts do it: one request at a time over one
//       keep-alive session, recursing into every name (a parameter through its first listed value).
// Both walks send the same requests through the same HTTP core; the simulator (in its own process,
// bench/tree-walk-sim.ts) counts them and the largest number in flight, and the bench fails if ours
// ever exceeds the device limit, counted by the client or by the simulator, or if the simulator
// counts the sequential walk more than one request at a time.
// Ours runs at device limits 16, 12 and 6 (the default); the 8x target is checked at 16, and every
// run must stay within its limit. An untimed warm-up walk runs first.
// Prints JSON lines {"bench","ours","peer","ratio","unit","note"} (ratio = ours / peer; lower is better).
import { fork, type ChildProcess } from 'node:child_process';
import { posix } from 'node:path';
import { AllegroApiTree, httpTreeTransport, type AllegroTreeTransport, type ApiNode } from '../src/allegro/apiTree';
import { encodeSegment, pagedSiblingFor, paramSpecOf, valueOfItem } from '../src/allegro/apiParams';
import { createHttpClient } from '../src/http';
import type { HttpClientApi } from '../src/http/types';

const LATENCY_MS = 20;
/** Device limits measured (the setting allows 1–64, default 6); the 8x target is checked at the first. */
const TARGET_LIMITS = [16, 12, 6];
/** Runs per measurement; the best counts (the machine is shared, noise only ever adds time). */
const OURS_RUNS = 3;
const PEER_RUNS = 2;
const PAGE_SIZE = 50;

function emit(bench: string, ours: number, peer: number, unit: string, note: string): void {
  const round = (x: number) => Math.round(x * 10000) / 10000;
  console.log(JSON.stringify({ bench, ours: round(ours), peer: round(peer), ratio: round(ours / peer), unit, note }));
}

/** The document's way: OPTIONS, then recurse name by name; a parameter through the first value its list gives. */
async function sequentialWalk(http: HttpClientApi, root: string): Promise<Set<string>> {
  const templates = new Set<string>();
  const visit = async (path: string, template: string, parentAnswer: string[]): Promise<void> => {
    templates.add(template);
    const names = ((await http.json<{ subResources: string[] }>({ method: 'OPTIONS', path })).body).subResources;
    for (const name of names) {
      const spec = paramSpecOf(name);
      if (!spec) {
        await visit(`${path}/${name}`, `${template}/${name}`, names);
        continue;
      }
      templates.add(`${template}/${name}`);
      const sibling = pagedSiblingFor(posix.basename(path), spec, parentAnswer, posix.basename(posix.dirname(path)));
      const endpoint = sibling ? `${posix.dirname(path)}/${sibling}` : path;
      const list = (await http.json<unknown>({ path: endpoint, query: { sort: 'bytes', reverse: true, page: 0, count: PAGE_SIZE } })).body;
      const rec = list as Record<string, unknown>;
      const items = Array.isArray(list) ? list
        : Array.isArray(rec?.displayedItems) ? rec.displayedItems as unknown[]
        : (Object.values(rec ?? {}).find(Array.isArray) as unknown[] | undefined) ?? [];
      const first = items.map((i) => valueOfItem(spec, i)).find(Boolean);
      if (first) await visit(`${path}/${encodeSegment(first.value)}`, `${template}/${name}`, names);
    }
  };
  await visit(root, root, []);
  return templates;
}

function templatesOf(tree: AllegroApiTree): Set<string> {
  const out = new Set<string>();
  const visit = (n: ApiNode) => {
    if (n.kind === 'resource' || n.kind === 'parameter') out.add(n.templatePath);
    n.children?.forEach(visit);
  };
  visit(tree.root);
  return out;
}

interface SimStats { total: number; inFlight: number; maxInFlight: number; cpuMs: number }

/** The simulator process and its request statistics. */
async function startSim(): Promise<{ url: string; fingerprint: string; username: string; password: string; reset(): Promise<void>; stats(): Promise<SimStats>; close(): Promise<void> }> {
  const child: ChildProcess = fork(new URL('./tree-walk-sim.ts', import.meta.url).pathname, ['1', String(LATENCY_MS)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let next = 1;
  const waiting = new Map<number, (m: { stats?: SimStats }) => void>();
  const ready = new Promise<{ url: string; fingerprint: string; username: string; password: string }>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: { id: number; ready?: { url: string; fingerprint: string; username: string; password: string }; stats?: SimStats }) => {
      if (m.ready) resolve(m.ready);
      waiting.get(m.id)?.(m);
      waiting.delete(m.id);
    });
  });
  const ask = (type: string) => new Promise<{ stats?: SimStats }>((resolve) => {
    const id = next++;
    waiting.set(id, resolve);
    child.send({ type, id });
  });
  const info = await ready;
  return {
    ...info,
    reset: async () => void (await ask('reset')),
    stats: async () => (await ask('stats')).stats!,
    close: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.send({ type: 'close', id: next++ });
    }),
  };
}

async function main(): Promise<void> {
  const sim = await startSim();
  const clientFor = (limit: number) => createHttpClient({
    deviceName: 'bench-mm',
    baseUrl: sim.url,
    tls: { mode: 'pin', fingerprint: sim.fingerprint },
    credentials: { kind: 'basic', username: sim.username, password: sim.password },
    maxConcurrency: limit,
    retries: 0,
  });
  let failed = false;
  try {
    // Warm-up (untimed): both processes compile their hot paths before anything is measured.
    const warmHttp = clientFor(6);
    await new AllegroApiTree(httpTreeTransport(warmHttp), { deviceName: 'bench-mm', pageSize: PAGE_SIZE, maxConcurrency: 6 }).walk();
    await warmHttp.close();

    // The sequential walk: one session, one request at a time. Best of PEER_RUNS.
    let seqMs = Infinity;
    let seqTemplates = new Set<string>();
    let seqRequests = 0;
    let seqPeak = 0;
    let seqPeakAll = 0;
    for (let run = 0; run < PEER_RUNS; run++) {
      const seqHttp = clientFor(6);
      await seqHttp.json({ method: 'OPTIONS', path: '/API/stats' }); // connection set up outside the timing, as for ours
      await sim.reset();
      const t0 = performance.now();
      const templates = await sequentialWalk(seqHttp, '/API/stats');
      const ms = performance.now() - t0;
      const stats = await sim.stats();
      await seqHttp.close();
      seqPeakAll = Math.max(seqPeakAll, stats.maxInFlight);
      if (ms < seqMs) [seqMs, seqTemplates, seqRequests, seqPeak] = [ms, templates, stats.total, stats.maxInFlight];
    }
    if (seqPeakAll !== 1) {
      console.error(`tree-walk: the simulator counted ${seqPeakAll} requests in flight for the sequential walk (expected 1)`);
      failed = true;
    }

    for (const limit of TARGET_LIMITS) {
      // Best of OURS_RUNS, each with a fresh tree (nothing cached) and a fresh client.
      let best: { ms: number; clientPeak: number; peak: number; requests: number; failedLevels: number; templates: Set<string> } | undefined;
      let clientPeakAll = 0;
      let simPeakAll = 0;
      for (let run = 0; run < OURS_RUNS; run++) {
        const http = clientFor(limit);
        await http.json({ method: 'OPTIONS', path: '/API/stats' });
        // Counts requests in flight where they leave the client, next to the simulator's own count.
        const real = httpTreeTransport(http);
        let inFlight = 0;
        let clientPeak = 0;
        const counted = <T>(send: () => Promise<T>): Promise<T> => {
          inFlight++;
          clientPeak = Math.max(clientPeak, inFlight);
          return send().finally(() => inFlight--);
        };
        const transport: AllegroTreeTransport = {
          options: (path, signal) => counted(() => real.options(path, signal)),
          get: (path, query, signal) => counted(() => real.get(path, query, signal)),
        };
        const tree = new AllegroApiTree(transport, { deviceName: 'bench-mm', pageSize: PAGE_SIZE, maxConcurrency: limit });
        await sim.reset();
        const t1 = performance.now();
        const result = await tree.walk();
        const ms = performance.now() - t1;
        const stats = await sim.stats();
        await http.close();
        clientPeakAll = Math.max(clientPeakAll, clientPeak);
        simPeakAll = Math.max(simPeakAll, stats.maxInFlight);
        if (!best || ms < best.ms) best = { ms, clientPeak, peak: stats.maxInFlight, requests: stats.total, failedLevels: result.failed, templates: templatesOf(tree) };
      }
      const { ms, peak, requests, failedLevels, templates } = best!;
      const same = templates.size === seqTemplates.size && [...templates].every((t) => seqTemplates.has(t));
      const speedup = seqMs / ms;
      emit(
        `tree-walk full Allegro hierarchy, ${LATENCY_MS} ms latency, device limit ${limit}`,
        ms,
        seqMs,
        'ms',
        `speedup ${speedup.toFixed(1)}x (best of ${OURS_RUNS} vs best of ${PEER_RUNS}); ${requests} requests (sequential ${seqRequests}); ${templates.size} paths; ` +
          `max in flight ${clientPeakAll} sent by the client and ${simPeakAll} counted by the simulator over all runs (${peak} in the best run; limit ${limit}; sequential walk: simulator counted ${seqPeak}); ${failedLevels} failed levels`,
      );
      if (clientPeakAll > limit) {
        console.error(`tree-walk: ${clientPeakAll} requests in flight exceed the device limit ${limit}`);
        failed = true;
      }
      if (simPeakAll > limit) {
        console.error(`tree-walk: the simulator counted ${simPeakAll} requests in flight, above the device limit ${limit}`);
        failed = true;
      }
      if (!same || requests !== seqRequests || failedLevels) {
        console.error(`tree-walk: the walks differ: ${templates.size} vs ${seqTemplates.size} paths, ${requests} vs ${seqRequests} requests, ${failedLevels} failed`);
        failed = true;
      }
      if (limit === TARGET_LIMITS[0] && speedup < 8) {
        console.error(`tree-walk: speedup ${speedup.toFixed(1)}x is below the 8x target`);
        failed = true;
      }
    }
  } finally {
    await sim.close();
  }
  if (failed) process.exitCode = 1;
}

void main();
