// Packet export against the AppResponse simulator, every mode, through our HTTP core; every
// file is checked by capinfos and tshark, and no export handle may stay on the device.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpClient } from '../../src/http/index';
import type { HttpClientApi } from '../../src/http/types';
import { startAppResponseSimulator, type AppResponseSimulator } from '../../src/simulator/appresponse/index';
import {
  cleanupWarningsOf, ExportFailedError, httpPacketExportTransport, listPacketSources, runPacketExport, type DownloadMode, type ExportEstimate, type PacketExportForm,
} from '../../src/appresponse/packetExport';
import { RunningJobs } from '../../src/shared/running';
import { CaptureDownloadError } from '../../src/pcap/download';
import type { PacketSourceRef } from '../../src/pcap/target';
import { exportFormAt, planRerun } from '../../src/commands/rerun';
import { capinfosPackets, displayFilterForIp, files, startResetRelay, tempFolder, tsharkCount } from './pcap-support';

let sim: AppResponseSimulator;
let http: HttpClientApi;
let job: PacketSourceRef;
let ip: string;
let t0: number;
let t1: number;

function client(baseUrl = sim.url, password = sim.password): HttpClientApi {
  return createHttpClient({
    deviceName: 'ar-sim',
    baseUrl,
    tls: { mode: 'pin', fingerprint: sim.fingerprint },
    credentials: { kind: 'appresponse', username: sim.username, password },
    retries: 0,
  });
}

before(async () => {
  sim = await startAppResponseSimulator({ seed: 7, knobs: { stepMs: 15, keepaliveMs: 100, doneGraceMs: 5_000 } });
  http = client();
  const listed = await listPacketSources(http);
  job = listed.sources.find((s) => s.type === 'job' && s.name === 'default_job')!;
  assert.ok(job, `no default job among ${JSON.stringify(listed)}`);
  t1 = Math.floor(Date.now() / 1000) - 5;
  t0 = t1 - 10;
  // The busiest client of the window: its packets are what the filter must keep.
  const conns = sim.model.connections(t0, t1).filter((c) => c.client.family === 4);
  conns.sort((a, b) => b.c2s.packets + b.s2c.packets - (a.c2s.packets + a.s2c.packets));
  ip = conns[0]!.client.ip;
});

after(async () => {
  await http.close();
  await sim.close();
});

function form(mode: PacketExportForm['mode'], extra: Partial<PacketExportForm> = {}): PacketExportForm {
  return { source: job, startTime: t0, endTime: t1, filters: [{ type: 'STEELFILTER', value: `ip.addr == '${ip}'` }], mode, ...extra };
}

async function expectNoHandles(): Promise<void> {
  // Handles of synchronous modes go away when their stream closes; give the device a moment.
  for (let i = 0; i < 50 && sim.exportCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(sim.exportCount, 0, 'an export handle stayed on the device');
}

function checkFile(path: string, packets: number): void {
  assert.equal(capinfosPackets(path), packets, 'capinfos packet count');
  assert.equal(tsharkCount(path), packets, 'tshark reads every packet');
  assert.equal(tsharkCount(path, displayFilterForIp(ip)), packets, 'every packet matches the filter');
}

describe('AppResponse packet export, each mode', () => {
  test('the source picker lists jobs, VIFGs, clips and files, with time ranges where known', async () => {
    const listed = await listPacketSources(http);
    assert.deepEqual(listed.problems, []);
    assert.deepEqual([...new Set(listed.sources.map((s) => s.type))].sort(), ['clip', 'file', 'job', 'vifg']);
    assert.ok(job.startTime! < job.endTime!, 'a job carries its packet time range');
  });

  for (const mode of ['LEGACY', 'LIVE_STREAM', 'BUFFER_STREAM', 'STREAM_TO_FILE'] as const) {
    test(`${mode}: a valid filtered pcap and its sidecar land in the folder, the handle is deleted`, async (t) => {
      const dir = tempFolder(t);
      const r = await runPacketExport({
        transport: httpPacketExportTransport(http),
        device: { name: 'ar-sim', url: sim.url },
        form: form(mode, mode === 'BUFFER_STREAM' ? { stopRule: { size_limit: 50_000_000 } } : {}),
        writer: { folder: dir, stem: `export-${mode}` },
        pollMs: 20,
      });
      assert.equal(r.mode, mode);
      assert.ok(r.capture.packetCount > 0, 'some packets');
      assert.deepEqual(files(dir), [`export-${mode}.pcap`, `export-${mode}.pcap.json`]);
      checkFile(r.capture.path, r.capture.packetCount);
      const sidecar = JSON.parse(readFileSync(r.sidecarPath, 'utf8'));
      assert.equal(sidecar.mode, mode);
      assert.equal(sidecar.packetCount, r.capture.packetCount);
      assert.equal(sidecar.query.filters[0].value, `ip.addr == '${ip}'`);
      assert.equal(sidecar.device.kind, 'appresponse');
      assert.match(sidecar.sha256, /^[0-9a-f]{64}$/);
      assert.deepEqual(r.warnings, []);
      await expectNoHandles();
      if (mode === 'STREAM_TO_FILE') {
        const path = (sidecar.query as { output_filename: string }).output_filename;
        const probe = await http.raw({ path: `/api/npm.filesystem/1.0/fs/${path}` });
        assert.equal(probe.status, 404, 'the device file was deleted after the download');
      }
    });
  }

  test('VIFG, clip and file sources export too (their own config.path)', async (t) => {
    const listed = await listPacketSources(http);
    for (const type of ['vifg', 'clip', 'file'] as const) {
      const source = listed.sources.find((s) => s.type === type)!;
      const dir = tempFolder(t);
      const start = source.startTime ?? t0;
      const r = await runPacketExport({
        transport: httpPacketExportTransport(http), device: { name: 'ar-sim' },
        form: { source, startTime: start, endTime: Math.min(source.endTime ?? t1, start + 1), mode: 'LEGACY' },
        writer: { folder: dir, stem: type }, pollMs: 20,
      });
      assert.equal(r.sidecar.query.path, { vifg: `vifgs/${source.id}`, clip: `clips/${source.id}`, file: `fs/${source.id}` }[type]);
      assert.equal(capinfosPackets(r.capture.path), r.capture.packetCount, `${type} capture passes capinfos`);
    }
    await expectNoHandles();
  });

  test('PCAPNG_NS output becomes a .pcapng that tshark reads', async (t) => {
    const dir = tempFolder(t);
    const r = await runPacketExport({
      transport: httpPacketExportTransport(http), device: { name: 'ar-sim' },
      form: form('LEGACY', { outputFormat: 'PCAPNG_NS' }), writer: { folder: dir, stem: 'ng' }, pollMs: 20,
    });
    assert.equal(r.capture.format, 'pcapng');
    assert.deepEqual(files(dir), ['ng.pcapng', 'ng.pcapng.json']);
    checkFile(r.capture.path, r.capture.packetCount);
    await expectNoHandles();
  });

  test('PREPARE shows the estimate, then downloads in the picked mode', async (t) => {
    const dir = tempFolder(t);
    let seen: ExportEstimate | undefined;
    const r = await runPacketExport({
      transport: httpPacketExportTransport(http), device: { name: 'ar-sim' }, form: form('PREPARE'), writer: { folder: dir, stem: 'prep' }, pollMs: 20,
      pickMode: async (estimate): Promise<DownloadMode> => {
        seen = estimate;
        return 'LIVE_STREAM';
      },
    });
    assert.ok(seen && (seen.bytes ?? 0) > 0 && (seen.packets ?? 0) > 0, `estimate ${JSON.stringify(seen)}`);
    assert.equal(r.mode, 'LIVE_STREAM');
    checkFile(r.capture.path, r.capture.packetCount);
    assert.deepEqual(JSON.parse(readFileSync(r.sidecarPath, 'utf8')).estimate, seen && { bytes: seen.bytes, packets: seen.packets });
    await expectNoHandles();
  });

  test('PREPARE then BUFFER_STREAM without a size limit is bounded by the estimate', async (t) => {
    const dir = tempFolder(t);
    const r = await runPacketExport({
      transport: httpPacketExportTransport(http), device: { name: 'ar-sim' }, form: form('PREPARE'), writer: { folder: dir, stem: 'prepbuf' }, pollMs: 20,
      pickMode: async () => 'BUFFER_STREAM',
    });
    checkFile(r.capture.path, r.capture.packetCount);
    await expectNoHandles();
  });

  test('Re-run from the sidecar: "last N minutes" taken again from now, a fresh name, the original recorded', async (t) => {
    const dir = tempFolder(t);
    const first = await runPacketExport({
      transport: httpPacketExportTransport(http), device: { name: 'ar-sim' }, form: form('LEGACY', { lastSeconds: 10 }),
      writer: { folder: dir, stem: 'ar-sim_default_job_20261122-100656Z' }, pollMs: 20,
    });
    const plan = planRerun(first.capture.path, first.sidecar, { nowMs: Date.now() + 60_000 });
    assert.equal(plan.kind, 'appresponse');
    assert.equal(plan.window.relative, true);
    const startsAt = Date.now();
    const again = await runPacketExport({
      transport: httpPacketExportTransport(http), device: { name: 'ar-sim' }, form: exportFormAt(plan.form as PacketExportForm, startsAt),
      writer: { folder: plan.folder, stem: plan.stem }, pollMs: 20, rerunOf: plan.rerunOf,
    });
    assert.ok(!again.capture.path.includes('20261122-100656Z'), `${again.capture.path} is named like a fresh export`);
    assert.equal(again.sidecar.query.start_time, String(Math.floor(startsAt / 1000) - 10), 'the last 10 s before this run');
    assert.deepEqual(again.sidecar.rerunOf, { file: 'ar-sim_default_job_20261122-100656Z.pcap', sha256: first.capture.sha256, startedAt: first.sidecar.startedAt });
    checkFile(again.capture.path, again.capture.packetCount);
    await expectNoHandles();
  });

  test('cancelling after the estimate deletes the handle and writes nothing', async (t) => {
    const dir = tempFolder(t);
    await assert.rejects(
      runPacketExport({ transport: httpPacketExportTransport(http), device: { name: 'ar-sim' }, form: form('PREPARE'), writer: { folder: dir, stem: 'x' }, pollMs: 20, pickMode: async () => undefined }),
      /cancelled after the estimate/,
    );
    assert.deepEqual(files(dir), []);
    await expectNoHandles();
  });
});

describe('AppResponse packet export, faults', () => {
  test('a LIVE_STREAM ERROR frame fails clearly, leaves no capture and no handle', async (t) => {
    const dir = tempFolder(t);
    sim.faults.liveStreamErrorAfterFrames = 1;
    t.after(() => (sim.faults.liveStreamErrorAfterFrames = undefined));
    const err = await runPacketExport({
      transport: httpPacketExportTransport(http), device: { name: 'ar-sim' }, form: form('LIVE_STREAM', { filters: [] }), writer: { folder: dir, stem: 'err' }, pollMs: 20,
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CaptureDownloadError, String(err));
    assert.match(err.message, /device reported an error: Export aborted/);
    assert.match(err.message, /partial download .* was deleted|Nothing was received/);
    assert.deepEqual(files(dir), []);
    await expectNoHandles();
  });

  test('an export that ends in ERRORS is reported with the device error and its handle deleted', async (t) => {
    const dir = tempFolder(t);
    sim.faults.exportErrors = true;
    t.after(() => (sim.faults.exportErrors = false));
    await assert.rejects(
      runPacketExport({ transport: httpPacketExportTransport(http), device: { name: 'ar-sim' }, form: form('BUFFER_STREAM', { stopRule: { size_limit: 1_000_000 } }), writer: { folder: dir, stem: 'e' }, pollMs: 20 }),
      (e: unknown) => e instanceof ExportFailedError && /EXPORT_FAILED/.test(e.message),
    );
    assert.deepEqual(files(dir), []);
    await expectNoHandles();
  });

  test('cancel mid-stream: the partial file is deleted, the user is told, the handle is deleted', async (t) => {
    const dir = tempFolder(t);
    const ac = new AbortController();
    const err = await runPacketExport({
      transport: httpPacketExportTransport(http), device: { name: 'ar-sim' },
      form: { source: job, startTime: t1 - 120, endTime: t1, mode: 'LEGACY' },
      writer: { folder: dir, stem: 'cancel', onBytes: () => ac.abort(new Error('cancelled by the user')) },
      signal: ac.signal, pollMs: 20,
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CaptureDownloadError, String(err));
    assert.equal(err.cancelled, true);
    assert.match(err.message, /Download cancelled\. The partial download \(.*\) was deleted/);
    assert.deepEqual(files(dir), []);
    await expectNoHandles();
  });

  test('a window that closes mid-stream (deactivate: runningJobs.abortAll): the partial file and the handle are gone by the time abortAll resolves', async (t) => {
    const dir = tempFolder(t);
    const jobs = new RunningJobs();
    const ac = new AbortController();
    let receiving!: () => void;
    const started = new Promise<void>((resolve) => (receiving = resolve));
    const run = jobs.track(ac, runPacketExport({
      transport: httpPacketExportTransport(http), device: { name: 'ar-sim' },
      form: { source: job, startTime: t1 - 120, endTime: t1, mode: 'BUFFER_STREAM', stopRule: { size_limit: 200_000_000 } },
      writer: { folder: dir, stem: 'closing', onBytes: () => receiving() },
      signal: ac.signal, pollMs: 20,
    }));
    await Promise.race([started, run]);
    assert.ok(sim.exportCount > 0, 'the export handle exists while the bytes arrive');
    const outcome = await jobs.abortAll(new Error('cancelled: the window closed'), 5000);
    assert.deepEqual(outcome, { aborted: 1, unfinished: 0 });
    assert.deepEqual(files(dir), [], 'no .part file is left');
    assert.equal(sim.exportCount, 0, 'the handle was deleted before abortAll resolved');
    const err = await run.then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CaptureDownloadError && err.cancelled, String(err));
  });

  test('Stop and keep during a LIVE_STREAM export: the complete packets are kept, capinfos accepts them, no handle stays', async (t) => {
    const dir = tempFolder(t);
    const stop = new AbortController();
    const now = Math.floor(Date.now() / 1000);
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    t.after(() => clearTimeout(timer));
    const r = await runPacketExport({
      transport: httpPacketExportTransport(http), device: { name: 'ar-sim' },
      // Reaches 30 s into the future: the device streams live packets as they come.
      form: { source: job, startTime: now - 1, endTime: now + 30, mode: 'LIVE_STREAM' },
      writer: { folder: dir, stem: 'live', onBytes: () => (timer ??= setTimeout(() => stop.abort(), 1500)) },
      stop: stop.signal, pollMs: 20,
    });
    assert.ok(Date.now() - started < 20_000, 'the export ended when it was stopped');
    assert.deepEqual(files(dir), ['live.pcap', 'live.pcap.json']);
    const sidecar = JSON.parse(readFileSync(r.sidecarPath, 'utf8'));
    assert.equal(sidecar.mode, 'LIVE_STREAM');
    assert.equal(sidecar.stoppedEarly.by, 'user');
    assert.ok(sidecar.packetCount > 0);
    assert.equal(capinfosPackets(r.capture.path), sidecar.packetCount, 'capinfos reads the file and counts the packets the sidecar records');
    assert.equal(tsharkCount(r.capture.path), sidecar.packetCount);
    const bytes = readFileSync(r.capture.path);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), sidecar.sha256);
    assert.equal(bytes.length, sidecar.stoppedEarly.receivedBytes - sidecar.stoppedEarly.droppedBytes);
    assert.ok(Date.parse(sidecar.lastPacketTime) > (now + 0.5) * 1000, `live packets were kept (last ${sidecar.lastPacketTime})`);
    assert.deepEqual(r.warnings, []);
    await expectNoHandles();
  });

  test('a connection reset mid-body leaves no complete-looking file and no handle', async (t) => {
    const dir = tempFolder(t);
    const relay = await startResetRelay(sim.port);
    const viaRelay = client(relay.url(sim.url));
    t.after(async () => {
      await viaRelay.close();
      await relay.close();
    });
    relay.resetAfterBytes = 300_000;
    const err = await runPacketExport({
      transport: httpPacketExportTransport(viaRelay), device: { name: 'ar-sim' },
      form: { source: job, startTime: t1 - 120, endTime: t1, mode: 'LEGACY' },
      writer: { folder: dir, stem: 'reset' }, pollMs: 20,
      // Cleanup goes through a fresh connection (the relay resets only big transfers).
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CaptureDownloadError, String(err));
    assert.match(err.message, /Download failed: .*(reset|ECONNRESET|terminated|socket|network)/i);
    assert.deepEqual(files(dir), []);
    await expectNoHandles();
  });

  test('a token that expires mid-way (401) is renewed and the export completes', async (t) => {
    const dir = tempFolder(t);
    let expired = false;
    const r = await runPacketExport({
      transport: httpPacketExportTransport(http), device: { name: 'ar-sim' }, form: form('LIVE_STREAM'), writer: { folder: dir, stem: 'renew' }, pollMs: 20,
      onProgress: (p) => {
        if (p.phase === 'waiting' && !expired) {
          expired = true;
          sim.expireTokens();
        }
      },
    });
    assert.ok(expired);
    assert.ok((sim.stats.byStatus['401'] ?? 0) > 0, 'the device answered 401 at least once');
    checkFile(r.capture.path, r.capture.packetCount);
    await expectNoHandles();
  });

  test('a 401 mid-way that cannot be renewed (password changed) fails clearly and writes nothing', async (t) => {
    const dir = tempFolder(t);
    const user = sim.users.find((u) => u.username === sim.username)!;
    const original = user.password;
    t.after(() => (user.password = original));
    const basic = createHttpClient({ deviceName: 'ar-sim', baseUrl: sim.url, tls: { mode: 'pin', fingerprint: sim.fingerprint }, credentials: { kind: 'basic', username: sim.username, password: original }, retries: 0 });
    t.after(() => basic.close());
    const err = await runPacketExport({
      transport: httpPacketExportTransport(basic), device: { name: 'ar-sim' }, form: form('LEGACY'), writer: { folder: dir, stem: 'denied' }, pollMs: 20,
      onProgress: (p) => {
        if (p.phase === 'waiting') user.password = 'changed-elsewhere';
      },
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof Error, 'the export must fail');
    assert.match(err.message, /HTTP 401.*check the user name and password/);
    assert.deepEqual(files(dir), []);
    assert.ok(!existsSync(join(dir, 'denied.pcap')));
    // With the credentials refused we cannot delete the handle: the error must say so.
    user.password = original;
    if (sim.exportCount > 0) assert.match(cleanupWarningsOf(err).join(' '), /export handle .* could not be deleted: .*401/);
    for (const h of (await http.json<{ items: { id: string }[] }>({ path: '/api/npm.packet_export/1.3/exports' })).body.items) {
      await http.raw({ method: 'DELETE', path: `/api/npm.packet_export/1.3/exports/items/${h.id}` });
    }
    await expectNoHandles();
  });
});
