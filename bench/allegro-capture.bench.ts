// Capture stream rate of the Allegro simulator, read by curl to /dev/null:
//   curl -k -s -o /dev/null -w '%{size_download} %{time_total}' '<sim>/API/data/modules/capture?startTime=..&endTime=..&fromCaptureBuffer=true'
// The simulator runs in its own child process. Peer: curl reading a static file of the same size
// from a plain Node https server (also a child process) in the same run. Target: >= 500 MB/s.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const WINDOW_SECONDS = Number(process.env.ALLEGRO_BENCH_WINDOW ?? 45);
const RUNS = 2;

function startChild(args: string[]): Promise<{ child: ChildProcess; info: Record<string, string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('bench', 'allegro-capture-server.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, info: JSON.parse(line) as Record<string, string> }));
    child.once('exit', (code) => reject(new Error(`benchmark server exited (${code})`)));
  });
}

function curl(url: string, extra: string[] = []): { bytes: number; seconds: number } {
  const out = execFileSync('curl', ['-k', '-s', '-o', '/dev/null', '-w', '%{size_download} %{time_total}', ...extra, url], { encoding: 'utf8' });
  const [bytes, seconds] = out.trim().split(' ').map(Number);
  return { bytes: bytes!, seconds: seconds! };
}

function best(runs: { bytes: number; seconds: number }[]): { bytes: number; mbps: number } {
  const rates = runs.map((r) => ({ bytes: r.bytes, mbps: r.bytes / r.seconds / 1e6 }));
  return rates.sort((a, b) => b.mbps - a.mbps)[0]!;
}

async function main(): Promise<void> {
  const sim = await startChild(['sim']);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'allegro-bench-'));
  let peer: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    const end = Math.floor(Date.now() / 1000) - 120;
    const url = `${sim.info.url}/API/data/modules/capture?startTime=${(end - WINDOW_SECONDS) * 1e6}&endTime=${end * 1e6}&fromCaptureBuffer=true`;
    const auth = ['-u', `${sim.info.username}:${sim.info.password}`];
    curl(`${sim.info.url}/API/data/modules/capture?startTime=${(end - 2) * 1e6}&endTime=${end * 1e6}&fromCaptureBuffer=true`, auth); // warm-up
    const oursRuns = [curl(url, auth)];
    const file = path.join(tmp, 'static.bin');
    const fd = fs.openSync(file, 'w');
    const block = Buffer.alloc(1 << 24, 0x5a);
    for (let written = 0; written < oursRuns[0]!.bytes; written += block.length) fs.writeSync(fd, block, 0, Math.min(block.length, oursRuns[0]!.bytes - written));
    fs.closeSync(fd);
    peer = await startChild(['static', file]);
    curl(peer.info.url!); // warm-up
    // alternate the two so that load from other processes on the machine hits both alike
    const peerRuns: { bytes: number; seconds: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      peerRuns.push(curl(peer.info.url!));
      oursRuns.push(curl(url, auth));
    }
    const ours = best(oursRuns);
    const theirs = best(peerRuns);
    const round = (v: number) => Math.round(v * 10) / 10;
    process.stdout.write(`${JSON.stringify({ bench: 'allegro-capture-stream', ours: round(ours.mbps), peer: round(theirs.mbps), ratio: Math.round((ours.mbps / theirs.mbps) * 100) / 100, unit: 'MB/s', bytes: ours.bytes, target: 500 })}\n`);
  } finally {
    sim.child.kill('SIGTERM');
    peer?.child.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
