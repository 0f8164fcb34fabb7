// What the capture wizards learn from the simulators before and after a capture: the source read
// again when Export Packets opens (a tree node's copy may be hours old); a capture without one
// packet leaves no file and says why; one a stop rule cut short says so, in the sidecar too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpClient } from '../../src/http/index';
import type { HttpClientApi } from '../../src/http/types';
import { startAppResponseSimulator, type AppResponseSimulator } from '../../src/simulator/appresponse/index';
import {
  ExportChangeRequested, estimateIsEmpty, httpPacketExportTransport, listPacketSources, readPacketSource, runPacketExport, type PacketExportForm,
} from '../../src/appresponse/packetExport';
import { downloadAllegroCapture } from '../../src/allegro/capture';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro/index';
import { EmptyCaptureError } from '../../src/pcap/download';
import type { PacketSourceRef } from '../../src/pcap/target';
import { readFileSync } from 'node:fs';
import { capinfosPackets, files, tempFolder } from './pcap-support';
import { checkPacketFilter, filterRefusalOf } from '../../src/appresponse/packetFilters';
import { cleanupNotice, cleanupWarningsOf, type PacketExportTransport } from '../../src/appresponse/packetExport';
import { cancelText, exportPhaseText } from '../../src/commands/captureText';
import { AppResponseClient } from '../../src/appresponse/client';
import type { Source } from '../../src/steelfilter/index';

let sim: AppResponseSimulator;
let http: HttpClientApi;
let job: PacketSourceRef;

before(async () => {
  sim = await startAppResponseSimulator({ seed: 7, knobs: { stepMs: 15, keepaliveMs: 100, doneGraceMs: 5_000 } });
  http = createHttpClient({
    deviceName: 'ar-sim',
    baseUrl: sim.url,
    tls: { mode: 'pin', fingerprint: sim.fingerprint },
    credentials: { kind: 'appresponse', username: sim.username, password: sim.password },
    retries: 0,
  });
  job = (await listPacketSources(http)).sources.find((s) => s.type === 'job' && s.name === 'default_job')!;
  assert.ok(job);
});

after(async () => {
  await http.close();
  await sim.close();
});

async function expectNoHandles(): Promise<void> {
  for (let i = 0; i < 50 && sim.exportCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(sim.exportCount, 0, 'an export handle stayed on the device');
}

function exportTo(dir: string, form: PacketExportForm, extra: Partial<Parameters<typeof runPacketExport>[0]> = {}) {
  return runPacketExport({ transport: httpPacketExportTransport(http), device: { name: 'ar-sim' }, form, writer: { folder: dir, stem: 'x' }, pollMs: 20, ...extra });
}

/** The last 5 minutes of the running job, ending a few seconds ago. */
function lastMinutes(): { startTime: number; endTime: number } {
  const end = Math.floor(Date.now() / 1000) - 3;
  return { startTime: end - 300, endTime: end };
}

describe('Export Packets reads its source again', () => {
  test("a running job from a node read 35 minutes ago: the wizard's copy ends now and is marked still capturing", async () => {
    const stale: PacketSourceRef = { ...job, endTime: job.endTime! - 35 * 60 };
    delete stale.live;
    const before = Math.floor(Date.now() / 1000);
    const fresh = await readPacketSource(http, stale);
    assert.equal(fresh.live, true);
    assert.ok(fresh.endTime! >= before, `ends now (${fresh.endTime} ≥ ${before}), not at the node's ${stale.endTime}`);
    assert.equal(fresh.startTime, job.startTime);
    assert.equal(fresh.name, 'default_job');
  });

  test('a clip and a file are read with their own time ranges, and are not live', async () => {
    const listed = (await listPacketSources(http)).sources;
    for (const type of ['clip', 'file'] as const) {
      const s = listed.find((x) => x.type === type)!;
      const fresh = await readPacketSource(http, { type, id: s.id });
      assert.deepEqual([fresh.startTime, fresh.endTime, fresh.live], [s.startTime, s.endTime, undefined], type);
    }
  });

  test('a source the device no longer has is said so', async () => {
    await assert.rejects(readPacketSource(http, { type: 'job', id: 'gone' }), /ar-sim has no job gone any more/);
  });
});

describe('a capture without one packet leaves no file and says why', () => {
  test('LEGACY with a STEELFILTER that matches nothing: no file, the filter and the source\'s span named, the handle deleted', async (t) => {
    const dir = tempFolder(t);
    const source = await readPacketSource(http, job);
    const err = await exportTo(dir, { source, ...lastMinutes(), filters: [{ type: 'STEELFILTER', value: 'foo.bar == 3' }], mode: 'LEGACY' }).then(
      () => assert.fail('an empty export is not a success'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof EmptyCaptureError, String(err));
    assert.match(err.message, /^No packets: the filter STEELFILTER foo\.bar == 3 matched no packet in default_job between /);
    assert.match(err.message, /default_job holds packets from .* until now\)\. No file was kept\.$/);
    assert.deepEqual(files(dir), [], 'no empty pcap, no sidecar, no .part');
    await expectNoHandles();
  });

  test('a time range from yesterday on a file: "ends before the first packet", nothing written', async (t) => {
    const dir = tempFolder(t);
    const file = (await listPacketSources(http)).sources.find((s) => s.type === 'file' && s.id === 'admin/mytrace.pcap')!;
    const source = await readPacketSource(http, file);
    const err = await exportTo(dir, { source, startTime: source.startTime! - 86400, endTime: source.startTime! - 86400 + 300, mode: 'LEGACY' }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof EmptyCaptureError, String(err));
    assert.match(err.message, /^No packets: the time range between .* ends before the first packet of admin\/mytrace\.pcap \(admin\/mytrace\.pcap holds packets from /);
    assert.deepEqual(files(dir), []);
    await expectNoHandles();
  });

  test('BUFFER_STREAM that finds nothing (NODATA) is the same warning, not a device failure', async (t) => {
    const dir = tempFolder(t);
    const err = await exportTo(dir, { source: job, ...lastMinutes(), filters: [{ type: 'STEELFILTER', value: "ip.addr == '192.0.2.99'" }], stopRule: { size_limit: 5_000_000 }, mode: 'BUFFER_STREAM' }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof EmptyCaptureError, String(err));
    assert.match(err.message, /matched no packet in default_job/);
    assert.deepEqual(files(dir), []);
    await expectNoHandles();
  });

  for (const outputFormat of ['PCAP_NS', 'PCAPNG_US'] as const) {
    test(`BUFFER_STREAM that finds nothing (NODATA) with "keep an empty file" on: an empty ${outputFormat} is kept, the handle deleted`, async (t) => {
      const dir = tempFolder(t);
      const r = await exportTo(dir, { source: job, ...lastMinutes(), filters: [{ type: 'STEELFILTER', value: "ip.addr == '192.0.2.99'" }], stopRule: { size_limit: 5_000_000 }, mode: 'BUFFER_STREAM', outputFormat, keepEmpty: true });
      assert.equal(r.capture.packetCount, 0);
      const ext = outputFormat === 'PCAP_NS' ? 'pcap' : 'pcapng';
      assert.deepEqual(files(dir), [`x.${ext}`, `x.${ext}.json`]);
      assert.equal(capinfosPackets(r.capture.path), 0);
      assert.equal(JSON.parse(readFileSync(`${r.capture.path}.json`, 'utf8')).mode, 'BUFFER_STREAM');
      await expectNoHandles();
    });
  }

  test('asked to keep an empty file, it is kept with its sidecar', async (t) => {
    const dir = tempFolder(t);
    const r = await exportTo(dir, { source: job, ...lastMinutes(), filters: [{ type: 'STEELFILTER', value: 'foo.bar == 3' }], mode: 'LEGACY', keepEmpty: true });
    assert.equal(r.capture.packetCount, 0);
    assert.deepEqual(files(dir), ['x.pcap', 'x.pcap.json']);
    assert.equal(capinfosPackets(r.capture.path), 0);
  });

  test('PREPARE estimating 0 packets: the wizard may go back to the filter; the handle is deleted, nothing written', async (t) => {
    const dir = tempFolder(t);
    let empty: boolean | undefined;
    const err = await exportTo(dir, { source: job, ...lastMinutes(), filters: [{ type: 'STEELFILTER', value: 'foo.bar == 3' }], mode: 'PREPARE' }, {
      pickMode: async (estimate) => {
        empty = estimateIsEmpty(estimate);
        return { change: 'filter' };
      },
    }).then(() => undefined, (e: unknown) => e);
    assert.equal(empty, true, 'the estimate says 0 packets');
    assert.ok(err instanceof ExportChangeRequested && err.step === 'filter', String(err));
    assert.deepEqual(files(dir), []);
    await expectNoHandles();
  });
});

describe('an export that goes back to its wizard still says what it left on the device', () => {
  /** The simulator's transport whose DELETE of the handle fails; the handle is deleted after the test. */
  function stuckHandle(t: { after: (fn: () => Promise<void>) => void }): PacketExportTransport {
    const real = httpPacketExportTransport(http);
    const ids: string[] = [];
    t.after(async () => {
      for (const id of ids) await real.remove(id).catch(() => undefined);
      await expectNoHandles();
    });
    return { ...real, remove: async (id: string) => { ids.push(id); throw new Error('503 the device is busy'); } };
  }

  test('PREPARE estimating 0 packets, the user goes back to the filter: the handle left is in the notice', async (t) => {
    const dir = tempFolder(t);
    const err = await exportTo(dir, { source: job, ...lastMinutes(), filters: [{ type: 'STEELFILTER', value: 'foo.bar == 3' }], mode: 'PREPARE' }, {
      transport: stuckHandle(t),
      pickMode: async () => ({ change: 'filter' }),
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ExportChangeRequested, String(err));
    assert.match(cleanupNotice('Packet export from ar-sim', err) ?? '', /^Packet export from ar-sim: cleanup on the device failed: export handle \S+ could not be deleted: 503 the device is busy$/);
    assert.deepEqual(files(dir), []);
  });

  test('BUFFER_STREAM NODATA (empty, not kept): the handle left is in the notice', async (t) => {
    const dir = tempFolder(t);
    const err = await exportTo(dir, { source: job, ...lastMinutes(), filters: [{ type: 'STEELFILTER', value: "ip.addr == '192.0.2.99'" }], stopRule: { size_limit: 5_000_000 }, mode: 'BUFFER_STREAM' }, {
      transport: stuckHandle(t),
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof EmptyCaptureError, String(err));
    assert.match(cleanupNotice('x', err) ?? '', /export handle \S+ could not be deleted: 503/);
  });

  test('an export that cleaned up says nothing more', async (t) => {
    const err = await exportTo(tempFolder(t), { source: job, ...lastMinutes(), filters: [{ type: 'STEELFILTER', value: 'foo.bar == 3' }], mode: 'PREPARE' }, {
      pickMode: async () => ({ change: 'time' }),
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ExportChangeRequested);
    assert.equal(cleanupNotice('x', err), undefined);
    await expectNoHandles();
  });
});

describe('a capture a stop rule cut short says so', () => {
  test('BUFFER_STREAM with size_limit 5000000 over 5 minutes: stopped by size_limit after N s of 5 min, in the result and the sidecar', async (t) => {
    const dir = tempFolder(t);
    const range = lastMinutes();
    const r = await exportTo(dir, { source: job, ...range, stopRule: { size_limit: 5_000_000 }, mode: 'BUFFER_STREAM' });
    const cut = r.sidecar.cutShort;
    assert.ok(cut, `cut short: ${JSON.stringify(r.sidecar)}`);
    assert.equal(cut.by, 'size_limit');
    assert.match(cut.text, /^stopped by size_limit \(5\.00 MB\) after \d+ s of 5 min$/);
    assert.ok(cut.coveredSeconds! < 300);
    assert.deepEqual(JSON.parse(readFileSync(r.sidecarPath, 'utf8')).cutShort, cut, 'the sidecar records it');
    await expectNoHandles();
  });

  test('an export that covers its range has no cutShort', async (t) => {
    const dir = tempFolder(t);
    const end = Math.floor(Date.now() / 1000) - 3;
    const r = await exportTo(dir, { source: job, startTime: end - 5, endTime: end, mode: 'LEGACY' });
    assert.ok(r.capture.packetCount > 0);
    assert.equal(r.sidecar.cutShort, undefined);
  });
});

describe('an Allegro capture without one packet', () => {
  let mm: AllegroSimulator;
  let mmHttp: HttpClientApi;
  before(async () => {
    mm = await startAllegroSimulator({ seed: 11, historySeconds: 900 });
    mmHttp = createHttpClient({ deviceName: 'mm-sim', baseUrl: mm.url, tls: { mode: 'pin', fingerprint: mm.fingerprint }, credentials: { kind: 'basic', username: mm.username, password: mm.password }, retries: 0 });
  });
  after(async () => {
    await mmHttp.close();
    await mm.close();
  });

  test('an expression that matches nothing in the capture buffer: no file, the expression and the buffer named', async (t) => {
    const dir = tempFolder(t);
    const end = Math.floor(Date.now() / 1000) * 1000 - 5000;
    const err = await downloadAllegroCapture({
      http: mmHttp, device: { name: 'mm-sim' }, writer: { folder: dir, stem: 'cap' },
      form: { expression: 'ip==192.0.2.99', window: { kind: 'absolute', startMs: end - 10_000, endMs: end } },
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof EmptyCaptureError, String(err));
    assert.match(err.message, /^No packets: likely the filter expression ip==192\.0\.2\.99 matched no packet in the capture buffer between .* or the time range lies outside what the capture buffer holds\. No file was kept\.$/);
    assert.deepEqual(files(dir), []);
  });
});

describe('the filter step checks what it can, and the device has the last word', () => {
  test("STEELFILTER is checked against the device's own packets source: foo.bar and 10.1.2.300 are refused before sending", async () => {
    const packets = (await new AppResponseClient(http).source('packets')) as unknown as Source;
    const first = (f: string) => checkPacketFilter('STEELFILTER', f, packets)[0];
    assert.equal(first('foo.bar == 3')?.severity, 'error');
    assert.match(first('foo.bar == 3')!.message, /unknown column "foo\.bar" in source "packets"/);
    assert.equal(first("ip.addr == '10.1.2.300'")?.severity, 'error');
    assert.equal(first("ip.addr == '10.1.2.3' and srv_tcp.port == 443"), undefined, 'the example the wizard shows is valid');
  });

  test("a filter the device refuses comes back as a refusal of the filter, in the device's words, with no handle left", async (t) => {
    const dir = tempFolder(t);
    // "===" is only a warning here (Wireshark 4 knows it); this device refuses it.
    assert.deepEqual(checkPacketFilter('WIRESHARK', 'tcp.port === 443').map((p) => p.severity), ['warning']);
    const err = await exportTo(dir, { source: job, ...lastMinutes(), filters: [{ type: 'WIRESHARK', value: 'tcp.port === 443' }], mode: 'LEGACY' }).then(() => undefined, (e: unknown) => e);
    const refusal = filterRefusalOf(err);
    assert.ok(refusal, `a refusal of the filter: ${String(err)}`);
    assert.match(refusal, /^config\.filters: /);
    assert.deepEqual(files(dir), []);
    await expectNoHandles();
  });
});

describe('a cancelled export', () => {
  test('cancelled while the device works: said in words, the export on the device deleted, as the message says', async (t) => {
    const dir = tempFolder(t);
    const ac = new AbortController();
    const phases: string[] = [];
    const err = await exportTo(dir, { source: job, ...lastMinutes(), stopRule: { size_limit: 50_000_000 }, mode: 'BUFFER_STREAM' }, {
      signal: ac.signal,
      onProgress: (p) => {
        phases.push(exportPhaseText(p, 'BUFFER_STREAM'));
        if (p.phase === 'waiting') ac.abort(new Error('cancelled by the user'));
      },
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err, 'the export did not finish');
    assert.equal(cancelText('export', err, cleanupWarningsOf(err)), 'Export cancelled; the export on the device was deleted.');
    assert.ok(phases.every((p) => !/[A-Z]{4,}/.test(p)), `progress in words: ${phases.join(' | ')}`);
    assert.deepEqual(files(dir), []);
    await expectNoHandles();
  });
});
