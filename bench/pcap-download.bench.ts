// pcap download: our full path (HTTP core -> validating, hashing .part writer -> rename ->
// sidecar) against `curl -k -o file` (the document's own method), the same capture from the
// Allegro simulator in the same run. Prints the throughput ratio (target >= 0.95) and the peak
// RSS growth of our process over idle (target < 64 MB).
//
//   PCAP_BENCH_MB=2048 (default)   size of the capture; e.g. PCAP_BENCH_MB=200 for a quick run
//   PCAP_BENCH_RUNS=2  (default)   runs of each side, alternating who goes first; best of each reported
//
// The simulator runs in a child process so that its memory and CPU are not counted as ours.
// Ours runs as the extension does: the capture digest (SHA-256 + pcap framing) on the bundled
// worker thread (dist/digestWorker.js, built first). A third side, "transport only" (our HTTP
// core reading the body and dropping it), shows how much of any gap is the HTTP/TLS stack
// rather than the validation, hashing and flushing to disk that curl does not do.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createHttpClient } from '../src/http/index';
import type { HttpClientApi } from '../src/http/types';
import { buildCaptureRequest, downloadAllegroCapture, type AllegroCaptureForm } from '../src/allegro/capture';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const TARGET_MB = Number(process.env.PCAP_BENCH_MB ?? 2048);
const RUNS = Math.max(1, Number(process.env.PCAP_BENCH_RUNS ?? 2));
const HISTORY_SECONDS = 6 * 3600;

// A real GC before the idle measurement, so "growth over idle" is not hidden by warm-up garbage.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface ServerInfo {
  url: string;
  username: string;
  password: string;
  fingerprint: string;
}

async function serve(): Promise<void> {
  const { startAllegroSimulator } = await import('../src/simulator/allegro/index');
  const sim = await startAllegroSimulator({ host: '127.0.0.1', seed: 5, historySeconds: HISTORY_SECONDS });
  const info: ServerInfo = { url: sim.url, username: sim.username, password: sim.password, fingerprint: sim.fingerprint };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop); // the parent went away
  process.stdin.resume();
}

/** CPU seconds (user + system, all threads) a process has used so far, from /proc; NaN elsewhere. */
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
function processCpu(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds per GB that SHA-256 alone costs in this process (what the sidecar needs and curl does not do). */
function sha256SecondsPerGb(): number {
  const block = Buffer.alloc(4 * 1048576, 0x5a);
  const hash = createHash('sha256');
  const before = process.cpuUsage();
  for (let i = 0; i < 64; i++) hash.update(block); // 256 MiB
  hash.digest();
  const used = process.cpuUsage(before);
  return ((used.user + used.system) / 1e6) * 4;
}

function startServer(): Promise<{ info: ServerInfo; stop: () => void; cpu: () => number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/pcap-download.bench.ts'), '--serve'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ info: JSON.parse(line) as ServerInfo, stop: () => child.kill('SIGTERM'), cpu: () => processCpu(child.pid) });
    });
    child.on('exit', (code) => reject(new Error(`simulator exited (${code})`)));
  });
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** curl's wall time, and its CPU seconds (user + system) when /usr/bin/time is there. */
function runCurl(url: string, info: ServerInfo, file: string): Promise<{ seconds: number; cpu?: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const args = ['-k', '-s', '-S', '-u', `${info.username}:${info.password}`, '-o', file, url];
    const curl = TIME ? spawn(TIME, ['-f', 'cpu %U %S', 'curl', ...args], { stdio: ['ignore', 'ignore', 'pipe'] }) : spawn('curl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    curl.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    curl.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`curl exited ${code}: ${err}`));
      const m = /cpu ([\d.]+) ([\d.]+)/.exec(err);
      resolve({ seconds, ...(m ? { cpu: Number(m[1]) + Number(m[2]) } : {}) });
    });
  });
}

const WORKER = path.join(root, 'dist/digestWorker.js');

/** Our HTTP core alone: the same request, the body read and dropped. */
async function runTransport(http: HttpClientApi, form: AllegroCaptureForm): Promise<{ seconds: number; bytes: number }> {
  const started = process.hrtime.bigint();
  const request = buildCaptureRequest(form);
  const response = await http.stream({ path: request.path, query: request.query, headers: { 'Accept-Encoding': 'identity' } });
  let bytes = 0;
  for await (const chunk of response.body) bytes += (chunk as Buffer).length;
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes };
}

async function runOurs(http: HttpClientApi, form: AllegroCaptureForm, dir: string, stem: string): Promise<{ seconds: number; cpu: number; bytes: number; peakRss: number; path: string }> {
  const cpuBefore = process.cpuUsage();
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
  }, 20);
  const started = process.hrtime.bigint();
  try {
    const saved = await downloadAllegroCapture({ http, device: { name: 'bench-mm' }, form, writer: { folder: dir, stem, digest: { workerScript: WORKER } } });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const cpu = process.cpuUsage(cpuBefore);
    return { seconds, cpu: (cpu.user + cpu.system) / 1e6, bytes: saved.capture.size, peakRss, path: saved.capture.path };
  } finally {
    clearInterval(sampler);
  }
}

async function main(): Promise<void> {
  const build = spawnSync(process.execPath, [path.join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0 || !existsSync(WORKER)) throw new Error('could not build dist/digestWorker.js');
  const dir = path.join(root, '.bench-tmp', `pcap-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const server = await startServer();
  const http = createHttpClient({
    deviceName: 'bench-mm',
    baseUrl: server.info.url,
    tls: { mode: 'pin', fingerprint: server.info.fingerprint },
    credentials: { kind: 'basic', username: server.info.username, password: server.info.password },
    timeouts: { bodyIdleMs: 120_000 },
  });
  try {
    // Probe the traffic rate with a 2-second capture, then size the window for the target.
    const end = Math.floor(Date.now() / 1000) * 1000 - 10_000;
    const probe = await runOurs(http, { expression: '', window: { kind: 'absolute', startMs: end - 2000, endMs: end }, fromCaptureBuffer: true }, dir, 'warmup');
    rmSync(probe.path, { force: true });
    rmSync(`${probe.path}.json`, { force: true });
    const bytesPerSecond = probe.bytes / 2;
    const seconds = Math.min(HISTORY_SECONDS - 60, Math.max(1, Math.ceil((TARGET_MB * 1048576) / bytesPerSecond)));
    const form: AllegroCaptureForm = { expression: '', window: { kind: 'absolute', startMs: end - seconds * 1000, endMs: end }, fromCaptureBuffer: true };
    const request = buildCaptureRequest(form);
    const url = http.url(request.path, request.query);
    console.error(`pcap-download: ${(bytesPerSecond / 1048576).toFixed(1)} MB/s of simulated traffic; a ${seconds} s window for ~${TARGET_MB} MB`);

    gc();
    await new Promise((r) => setTimeout(r, 200));
    const idleRss = process.memoryUsage.rss();
    let bestOurs = Infinity;
    let bestCurl = Infinity;
    let bytes = 0;
    let peakGrowth = 0;
    let bestOursCpu = Infinity;
    let bestCurlCpu = Infinity;
    let bestTransport = Infinity;
    // The simulator's CPU per run (it shares the machine's cores with whichever client runs).
    let simForCurl = Infinity;
    let simForOurs = Infinity;
    for (let run = 0; run < RUNS; run++) {
      const curlFile = path.join(dir, `curl-${run}.pcap`);
      const curlSide = async () => {
        const sim0 = server.cpu();
        const r = await runCurl(url, server.info, curlFile);
        simForCurl = Math.min(simForCurl, server.cpu() - sim0);
        const size = statSync(curlFile).size;
        rmSync(curlFile, { force: true });
        return { t: r.seconds, cpu: r.cpu, size };
      };
      // Alternate who goes first: the simulator caches recently built minutes of traffic.
      let curl: { t: number; cpu?: number; size: number };
      let ours: Awaited<ReturnType<typeof runOurs>>;
      const oursSide = async () => {
        const sim0 = server.cpu();
        const r = await runOurs(http, form, dir, `ours-${run}`);
        simForOurs = Math.min(simForOurs, server.cpu() - sim0);
        return r;
      };
      if (run % 2 === 0) {
        curl = await curlSide();
        ours = await oursSide();
      } else {
        ours = await oursSide();
        curl = await curlSide();
      }
      const transport = await runTransport(http, form);
      if (transport.bytes !== curl.size) throw new Error(`size mismatch: transport ${transport.bytes} bytes, curl ${curl.size} bytes`);
      bestTransport = Math.min(bestTransport, transport.seconds);
      const curlSeconds = curl.t;
      const curlBytes = curl.size;
      if (ours.bytes !== curlBytes) throw new Error(`size mismatch: ours ${ours.bytes} bytes, curl ${curlBytes} bytes`);
      rmSync(ours.path, { force: true });
      rmSync(`${ours.path}.json`, { force: true });
      bytes = ours.bytes;
      bestCurl = Math.min(bestCurl, curlSeconds);
      bestOurs = Math.min(bestOurs, ours.seconds);
      peakGrowth = Math.max(peakGrowth, ours.peakRss - idleRss);
      bestOursCpu = Math.min(bestOursCpu, ours.cpu);
      if (curl.cpu !== undefined) bestCurlCpu = Math.min(bestCurlCpu, curl.cpu);
      console.error(`pcap-download run ${run + 1}: ${(bytes / 1048576).toFixed(0)} MB, curl ${curlSeconds.toFixed(2)} s (CPU ${curl.cpu?.toFixed(2) ?? '?'} s), ours ${ours.seconds.toFixed(2)} s (CPU ${ours.cpu.toFixed(2)} s), transport only ${transport.seconds.toFixed(2)} s, RSS +${((ours.peakRss - idleRss) / 1048576).toFixed(1)} MB`);
    }
    const mb = bytes / 1048576;
    const oursRate = mb / bestOurs;
    const curlRate = mb / bestCurl;
    const growthMb = peakGrowth / 1048576;
    console.log(JSON.stringify({ bench: `pcap-download throughput (${mb.toFixed(0)} MB, vs curl -k -o)`, ours: round(oursRate), peer: round(curlRate), ratio: round(oursRate / curlRate, 3), unit: 'MB/s' }));
    console.log(JSON.stringify({ bench: `pcap-download, our HTTP core alone: body read and dropped (${mb.toFixed(0)} MB, vs curl -k -o)`, ours: round(mb / bestTransport), peer: round(curlRate), ratio: round(mb / bestTransport / curlRate, 3), unit: 'MB/s' }));
    // CPU per GB does not depend on how busy the machine is (wall-clock throughput does).
    if (Number.isFinite(bestCurlCpu)) {
      const gb = bytes / 1073741824;
      console.log(JSON.stringify({ bench: 'pcap-download CPU seconds per GB (validate + SHA-256 + write, vs curl)', ours: round(bestOursCpu / gb, 2), peer: round(bestCurlCpu / gb, 2), ratio: round(bestOursCpu / bestCurlCpu, 2), unit: 's/GB' }));
      // What this machine allows at best, from CPU seconds alone (so other load does not skew it).
      // The simulator and the client share the cores: a client that must do more work per GB
      // than curl takes CPU the simulator would have used. Each side at best, perfectly parallel:
      // rate <= min(1 / simulator, cores / (simulator + client)); the ideal hashing client costs
      // curl's CPU plus SHA-256 (which the sidecar needs and curl does not compute).
      const cores = os.cpus().length;
      const sim = simForCurl / gb;
      const curlCpu = bestCurlCpu / gb;
      const sha = sha256SecondsPerGb();
      const best = (client: number) => Math.min(1 / sim, cores / (sim + client));
      const ceiling = best(curlCpu + sha) / best(curlCpu);
      if (Number.isFinite(ceiling)) {
        console.log(JSON.stringify({ bench: `pcap-download: the best ratio this ${cores}-core machine allows a client that also hashes (ceiling, vs curl)`, ours: round(oursRate / curlRate, 3), peer: round(ceiling, 3), ratio: round(oursRate / curlRate / ceiling, 3), unit: 'ratio', note: `from CPU per GB: simulator ${round(sim, 2)} s/GB while serving curl (${round(simForOurs / gb, 2)} while serving ours), curl ${round(curlCpu, 2)} s/GB, SHA-256 alone ${round(sha, 2)} s/GB, ours ${round(bestOursCpu / gb, 2)} s/GB; best(client) = min(1 / simulator, cores / (simulator + client)); ceiling = best(curl + SHA-256) / best(curl)` }));
      }
    }
    console.log(JSON.stringify({ bench: 'pcap-download peak RSS growth over idle (peer = 64 MB budget)', ours: round(growthMb), peer: 64, ratio: round(growthMb / 64, 3), unit: 'MB' }));
  } finally {
    await http.close();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

if (process.argv.includes('--serve')) void serve();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
