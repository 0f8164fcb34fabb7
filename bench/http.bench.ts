// HTTP core overhead. Prints JSON lines {"bench","ours","peer","ratio","unit","note"}:
//  - median time per JSON GET over kept-alive HTTPS to a loopback server, ours and peer interleaved
//    request by request (the machine is shared, so both see the same load);
//    peer: undici's own Pool.request on the same server with the same certificate pinned-off
//    (what every request would cost without our limiter, auth, retry, logging and typed errors);
//  - throughput with 6 requests in flight, batches alternated, median of 5 batches each;
//    peer: the same with the bare undici Pool.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { createHttpClient } from '../src/http';
import { generateCertificate } from '../src/simulator/shared/cert';

const N = Number(process.env.BENCH_REQUESTS ?? 1500);

function emit(bench: string, ours: number, peer: number, unit: string, note: string): void {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  console.log(JSON.stringify({ bench, ours: round(ours), peer: round(peer), ratio: round(ours / peer), unit, note }));
}

async function main(): Promise<void> {
  const cert = await generateCertificate();
  const payload = JSON.stringify({ displayedItems: Array.from({ length: 20 }, (_, i) => ({ ip: `10.0.0.${i}`, allTime: { bytes: i * 1000 } })) });
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem, keepAliveTimeout: 30_000 }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} }; // a logger as the extension has one
  const ours = createHttpClient({ deviceName: 'bench', baseUrl: url, tls: { mode: 'pin', fingerprint: cert.fingerprint }, credentials: { kind: 'basic', username: 'u', password: 'p' }, logger, maxConcurrency: 6 });
  const pool = new Pool(url, { connections: 6, connect: { rejectUnauthorized: false } });
  const viaOurs = async () => (await ours.json({ path: '/API/stats/modules/ip/ips_paged', query: { page: 0, count: 20 } })).body;
  const viaUndici = async () => {
    const r = await pool.request({ path: '/API/stats/modules/ip/ips_paged?page=0&count=20', method: 'GET', headers: { authorization: 'Basic dTpw', accept: 'application/json' } });
    return JSON.parse(await r.body.text());
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  const timeOne = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  const batch = async (fn: () => Promise<unknown>, count: number) => {
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 6 }, async () => {
      while (next++ < count) await fn();
    }));
    return count / ((performance.now() - t0) / 1000);
  };
  try {
    for (let i = 0; i < 200; i++) {
      await viaOurs();
      await viaUndici();
    }
    const oursTimes: number[] = [];
    const peerTimes: number[] = [];
    for (let i = 0; i < N; i++) {
      oursTimes.push(await timeOne(viaOurs));
      peerTimes.push(await timeOne(viaUndici));
    }
    emit('http GET latency (sequential, keep-alive)', median(oursTimes), median(peerTimes), 'ms/request', `median of ${N}, interleaved; peer: bare undici Pool.request + JSON.parse`);
    const oursRates: number[] = [];
    const peerRates: number[] = [];
    for (let round = 0; round < 5; round++) {
      oursRates.push(await batch(viaOurs, 300));
      peerRates.push(await batch(viaUndici, 300));
    }
    emit('http GET throughput (6 in flight)', median(oursRates), median(peerRates), 'requests/s', 'median of 5 alternated batches of 300; peer: bare undici Pool with 6 connections (higher is better)');
  } finally {
    await ours.close();
    await pool.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
