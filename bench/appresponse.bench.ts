// AppResponse benchmarks.
// 1. LIVE_STREAM decoding: our streaming LiveStreamDecoder vs the straightforward peer that appends
//    every chunk to one buffer and re-parses from it (what a quick client does), MB/s of pcap out.
// 2. Report engine on the simulator: a day of `aggregates` top-20 IPs and a 5-minute series,
//    through our HTTP core (sync API), ms per report; peer = the same report on a cold model.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LiveStreamDecoder, LiveStreamType, encodeLiveStreamFrame } from '../src/appresponse/livestream';
import { startRig } from '../test/integration/appresponse-support';
import type { DataDefRequest } from '../src/appresponse/types';

function emit(bench: string, ours: number, peer: number, unit: string, higherIsBetter = true): void {
  const ratio = higherIsBetter ? ours / peer : peer / ours;
  console.log(JSON.stringify({ bench, ours: round(ours), peer: round(peer), ratio: round(ratio), unit }));
}
const round = (v: number) => Math.round(v * 100) / 100;

function framedBody(totalBytes: number): Buffer[] {
  const frames: Buffer[] = [];
  const payload = Buffer.alloc(256 * 1024, 0x5a);
  for (let n = 0; n < totalBytes; n += payload.length) {
    frames.push(encodeLiveStreamFrame(LiveStreamType.DATA, payload));
    if (frames.length % 8 === 0) frames.push(encodeLiveStreamFrame(LiveStreamType.NODATA));
  }
  frames.push(encodeLiveStreamFrame(LiveStreamType.EOF));
  // Re-chunk like a socket would (64 KiB reads, not aligned to frames).
  const all = Buffer.concat(frames);
  const chunks: Buffer[] = [];
  for (let at = 0; at < all.length; at += 65536) chunks.push(all.subarray(at, at + 65536));
  return chunks;
}

async function ours(chunks: Buffer[]): Promise<number> {
  let out = 0;
  await pipeline(Readable.from(chunks), new LiveStreamDecoder(), new Writable({ write(c: Buffer, _e, cb) { out += c.length; cb(); } }));
  return out;
}

/** The naive client: one growing buffer, re-parsed from the start of the unconsumed part each chunk. */
function peer(chunks: Buffer[]): number {
  let pending = Buffer.alloc(0);
  let out = 0;
  for (const chunk of chunks) {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 8) break;
      const len = pending.readUInt32BE(4);
      if (pending.length < 8 + len) break;
      if (pending.readUInt16BE(2) === LiveStreamType.DATA) out += Buffer.from(pending.subarray(8, 8 + len)).length;
      pending = pending.subarray(8 + len);
    }
  }
  return out;
}

async function timeIt(fn: () => Promise<unknown> | unknown, runs = 3): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

async function main(): Promise<void> {
  const size = 256 * 1024 * 1024;
  const chunks = framedBody(size);
  const mb = size / 1e6;
  const oursMs = await timeIt(() => ours(chunks));
  const peerMs = await timeIt(() => peer(chunks));
  emit('appresponse-livestream-decode', mb / (oursMs / 1000), mb / (peerMs / 1000), 'MB/s');

  const reports: Record<string, DataDefRequest> = {
    'day-top-ips': { source: { name: 'aggregates' }, group_by: ['tcp.ip'], time: { duration: 'last 1 day' }, limit: 20, top_by: [{ id: 'sum_traffic.total_bytes', direction: 'desc' }], columns: ['tcp.ip', 'tcp.dns', 'sum_traffic.total_bytes'] },
    'day-series-5min': { source: { name: 'aggregates' }, group_by: ['start_time', 'host_group.id'], time: { duration: 'last 1 day', granularity: '300' }, columns: ['start_time', 'host_group.id', 'avg_traffic.total_bytes_ps'] },
  };
  for (const [name, def] of Object.entries(reports)) {
    const rig = await startRig({ knobs: { stepMs: 1 } });
    try {
      const cold = await timeIt(() => rig.client.runSync([def]), 1);
      const warm = await timeIt(() => rig.client.runSync([def]), 3);
      emit(`appresponse-report-${name}`, warm, cold, 'ms (warm vs cold model)', false);
    } finally {
      await rig.close();
    }
  }
}

void main();
