// Report runs against the AppResponse simulator: the time from a data_def's `completed` state to its
// rows being available in the client. Ours (src/appresponse/reportRunner.ts: backoff from 50 ms,
// bounded by the device's remaining_sec, rows fetched as each data_def completes) against a client
// that polls every 0.5 s like the public SDK, then fetches the rows.
//
// When does a data_def complete? The simulator's state machine is clocked from the instance's creation:
// `completed` after 3 steps of `stepMs`. We take the arrival of the POST answer as the creation time,
// so the estimate is a hair late and both clients' latencies are a hair low (the same for both).
// The step duration varies between runs (so the 0.5 s poller is not always lucky or unlucky).
// Lines: {"bench","ours","peer","ratio","unit"} (ratio = ours / peer, lower is better).
import { createHttpClient } from '../src/http/index';
import { AppResponseClient } from '../src/appresponse/client';
import { ReportRunner } from '../src/appresponse/reportRunner';
import { startAppResponseSimulator } from '../src/simulator/appresponse/index';
import type { DataDef } from '../src/report/index';
import type { Source } from '../src/steelfilter/index';

const RUNS = Number(process.env.REPORT_RUN_BENCH_RUNS ?? 12);
const round = (x: number) => Math.round(x * 100) / 100;
const out = (bench: string, ours: number, peer: number, unit: string) =>
  console.log(JSON.stringify({ bench, ours: round(ours), peer: round(peer), ratio: round(ours / peer), unit }));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const sim = await startAppResponseSimulator({ knobs: { stepMs: 200 } });
  const http = createHttpClient({
    deviceName: 'bench', baseUrl: sim.url, tls: { mode: 'pin', fingerprint: sim.fingerprint },
    credentials: { kind: 'appresponse', username: sim.username, password: sim.password }, retries: 0,
  });
  try {
    const client = new AppResponseClient(http);
    const aggregates = (await client.source('aggregates')) as unknown as Source;
    const runner = new ReportRunner(client);
    const end = Math.floor(Date.now() / 60_000) * 60 - 300;
    const def: DataDef = { source: { name: 'aggregates' }, time: { start: String(end - 300), end: String(end) }, group_by: ['app.name'], columns: ['app.name', 'sum_traffic.total_bytes'] };
    const validation = { getSource: (n: string) => (n === 'aggregates' ? aggregates : undefined), sourceNames: ['aggregates'] };
    // Warm-up (login, connection, the engine's first computation).
    await runner.run([def], { validation });

    const ours: number[] = [];
    const peer: number[] = [];
    const oursRequests: number[] = [];
    const peerRequests: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // 3 steps between 150 and ~1.4 s, spread over the 0.5 s poll phase.
      const step = 50 + ((i * 137) % 420);
      sim.knobs.stepMs = step;

      sim.resetStats();
      let created = 0;
      let rowsAt = 0;
      await runner.run([def], {
        validation,
        onProgress: () => { created ||= performance.now(); },
        onDataDef: (o) => { if (o.data.length) rowsAt = performance.now(); },
      });
      ours.push(rowsAt - (created + 3 * step));
      oursRequests.push(sim.stats.total);

      sim.resetStats();
      const { ref } = await client.createInstance([def as never]);
      const t0 = performance.now();
      await client.waitForInstance(ref, { intervalMs: 500 });
      const data = await client.data(ref, 1);
      const t1 = performance.now();
      if (!data.data?.length) throw new Error('peer: no rows');
      await client.deleteInstance(ref);
      peer.push(t1 - (t0 + 3 * step));
      peerRequests.push(sim.stats.total);
      await sleep(20);
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    out('report-run completed→rows mean', mean(ours), mean(peer), 'ms');
    out('report-run completed→rows p50', quantile(ours, 0.5), quantile(peer, 0.5), 'ms');
    out('report-run completed→rows max', Math.max(...ours), Math.max(...peer), 'ms');
    out('report-run requests per report', mean(oursRequests), mean(peerRequests), 'requests');
  } finally {
    await http.close();
    await sim.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
