// Allegro pcap extraction against the Allegro simulator through our HTTP core: each variant
// (IP, MAC, connection, port, time windows, live N seconds, capture buffer, snap length, mm-id)
// lands as a valid file whose packets tshark confirms match the filter; faults leave no file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createHttpClient } from '../../src/http/index';
import type { HttpClientApi } from '../../src/http/types';
import { startAllegroSimulator, type AllegroSimulator } from '../../src/simulator/allegro/index';
import type { Connection } from '../../src/simulator/model/types';
import { CaptureFormError, downloadAllegroCapture, prefillExpression, type AllegroCaptureForm } from '../../src/allegro/capture';
import { CaptureDownloadError } from '../../src/pcap/download';
import { summarizeFile } from '../../src/pcap/summary';
import { execFileSync } from 'node:child_process';
import { openFileSink, type OpenSink } from '../../src/pcap/writer';
import type { CaptureTarget } from '../../src/pcap/target';
import { allegroStem, planRerun } from '../../src/commands/rerun';
import { allegroCaptureHint, allegroRefusalOf } from '../../src/commands/captureText';
import { capinfosPackets, displayFilterForIp, files, tempFolder, tsharkCount } from './pcap-support';

let sim: AllegroSimulator;
let http: HttpClientApi;
let nowMs: number;
let conn: Connection;

function client(username = sim.username, password = sim.password): HttpClientApi {
  // Retries as configured by default: a GET on a keep-alive socket the device closed is retried.
  return createHttpClient({ deviceName: 'mm-sim', baseUrl: sim.url, tls: { mode: 'pin', fingerprint: sim.fingerprint }, credentials: { kind: 'basic', username, password }, retries: 2, retryBaseDelayMs: 5 });
}

before(async () => {
  sim = await startAllegroSimulator({ seed: 11, historySeconds: 900 });
  http = client();
  nowMs = Date.now();
  const t1 = Math.floor(nowMs / 1000) - 5;
  // A moderately busy IPv4 TCP conversation of the last minute, on a port few others use, so the
  // filtered captures stay small (tshark reads every file twice).
  const all = sim.model.connections(t1 - 60, t1);
  const portUse = new Map<number, number>();
  for (const c of all) portUse.set(c.serverPort, (portUse.get(c.serverPort) ?? 0) + c.c2s.packets + c.s2c.packets);
  const conns = all.filter((c) => c.client.family === 4 && c.l4 === 'TCP' && c.start <= t1 - 60 && c.end >= t1 && c.c2s.packets + c.s2c.packets >= 2 && (portUse.get(c.serverPort) ?? 0) <= 400);
  conns.sort((a, b) => b.c2s.packets + b.s2c.packets - (a.c2s.packets + a.s2c.packets));
  conn = conns[0]!;
  assert.ok(conn, 'the model has an active TCP conversation');
});

after(async () => {
  await http.close();
  await sim.close();
});

async function capture(dir: string, form: AllegroCaptureForm, extra: { http?: HttpClientApi; signal?: AbortSignal; stop?: AbortSignal; openSink?: OpenSink; onBytes?: (n: number) => void } = {}) {
  return downloadAllegroCapture({
    http: extra.http ?? http,
    device: { name: 'mm-sim', url: sim.url },
    form,
    writer: { folder: dir, stem: 'cap', ...(extra.openSink ? { openSink: extra.openSink } : {}), ...(extra.onBytes ? { onBytes: extra.onBytes } : {}) },
    ...(extra.signal ? { signal: extra.signal } : {}),
    ...(extra.stop ? { stop: extra.stop } : {}),
  });
}

/** A window ending 5 s ago, from the ring buffer (short for unfiltered captures). */
function recent(seconds = 10): AllegroCaptureForm['window'] {
  const end = Math.floor(Date.now() / 1000) * 1000 - 5000;
  return { kind: 'absolute', startMs: end - seconds * 1000, endMs: end };
}

function check(path: string, packets: number, displayFilter: string): void {
  assert.ok(packets > 0, 'the capture holds packets');
  assert.equal(capinfosPackets(path), packets, 'capinfos agrees on the packet count');
  assert.equal(tsharkCount(path), packets, 'tshark reads every packet');
  assert.equal(tsharkCount(path, displayFilter), packets, `every packet matches ${displayFilter}`);
}

describe('Allegro capture variants', () => {
  test('IP node, last N minutes: ip==a.b.c.d from the capture buffer', async (t) => {
    const dir = tempFolder(t);
    const target: CaptureTarget = { deviceName: 'mm-sim', ip: conn.client.ip };
    const saved = await capture(dir, { expression: prefillExpression(target), window: { kind: 'lastMinutes', minutes: 0.5 } });
    assert.deepEqual(files(dir), ['cap.pcap', 'cap.pcap.json']);
    check(saved.capture.path, saved.capture.packetCount, displayFilterForIp(conn.client.ip));
    const sidecar = JSON.parse(readFileSync(saved.sidecarPath, 'utf8'));
    assert.equal(sidecar.query.expression, `ip==${conn.client.ip}`);
    assert.equal(sidecar.query.fromCaptureBuffer, true);
    assert.equal(sidecar.mode, 'allegro');
    assert.equal(sidecar.packetCount, saved.capture.packetCount);
    assert.equal(sidecar.size, saved.capture.size);
    assert.match(sidecar.firstPacketTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  test('connection node: both endpoints with ports and l4Protocol, as in the document', async (t) => {
    const dir = tempFolder(t);
    const target: CaptureTarget = { deviceName: 'mm-sim', connection: { clientIp: conn.client.ip, clientPort: conn.clientPort, serverIp: conn.server.ip, serverPort: conn.serverPort, l4Protocol: conn.l4 } };
    const expression = prefillExpression(target);
    assert.equal(expression, `IP==${conn.client.ip}:${conn.clientPort} and IP==${conn.server.ip}:${conn.serverPort} and l4Protocol==TCP`);
    const saved = await capture(dir, { expression, window: recent() });
    check(saved.capture.path, saved.capture.packetCount, `ip.addr==${conn.client.ip} && ip.addr==${conn.server.ip} && tcp.port==${conn.clientPort} && tcp.port==${conn.serverPort}`);
  });

  test('port node: port==N and l4Protocol==TCP', async (t) => {
    const dir = tempFolder(t);
    const saved = await capture(dir, { expression: prefillExpression({ deviceName: 'mm-sim', port: conn.serverPort, protocol: 'TCP' }), window: recent() });
    check(saved.capture.path, saved.capture.packetCount, `tcp.port==${conn.serverPort}`);
  });

  test('MAC node: mac==aa:bb:..', async (t) => {
    const dir = tempFolder(t);
    const mac = conn.client.mac;
    const saved = await capture(dir, { expression: prefillExpression({ deviceName: 'mm-sim', mac }), window: recent() });
    check(saved.capture.path, saved.capture.packetCount, `eth.addr==${mac}`);
  });

  test('absolute window: every packet lies inside [start, end)', async (t) => {
    const dir = tempFolder(t);
    const w = recent() as Extract<AllegroCaptureForm['window'], { kind: 'absolute' }>;
    const saved = await capture(dir, { expression: `ip==${conn.client.ip}`, window: { kind: 'absolute', startMs: w.startMs + 3000, endMs: w.startMs + 8000 } });
    const first = Date.parse(saved.sidecar.firstPacketTime!);
    const last = Date.parse(saved.sidecar.lastPacketTime!);
    assert.ok(first >= w.startMs + 3000 && last < w.startMs + 8000, `${saved.sidecar.firstPacketTime} .. ${saved.sidecar.lastPacketTime}`);
    check(saved.capture.path, saved.capture.packetCount, displayFilterForIp(conn.client.ip));
    assert.equal(saved.sidecar.timeRange.start, new Date(w.startMs + 3000).toISOString().replace('Z', '000Z'));
  });

  test('re-running from the sidecar fetches the same capture again, under a new name', async (t) => {
    const dir = tempFolder(t);
    const first = await capture(dir, { expression: `ip==${conn.client.ip}`, window: recent(5) });
    const again = await capture(dir, first.sidecar.rerun.form as unknown as AllegroCaptureForm);
    assert.equal(again.capture.path.endsWith('cap-1.pcap'), true);
    assert.equal(again.capture.sha256, first.capture.sha256, 'same window, same bytes');
    assert.deepEqual(files(dir), ['cap-1.pcap', 'cap-1.pcap.json', 'cap.pcap', 'cap.pcap.json']);
  });

  test('Re-run from the sidecar: a fresh name, the relative window taken from now, the original recorded', async (t) => {
    const dir = tempFolder(t);
    const earlier = Date.now() - 120_000;
    const form: AllegroCaptureForm = { expression: `ip==${conn.client.ip}`, window: { kind: 'lastMinutes', minutes: 0.1 } };
    const original = await downloadAllegroCapture({
      http, device: { name: 'mm-sim', url: sim.url }, form, nowMs: earlier,
      writer: { folder: dir, stem: allegroStem('mm-sim', form, new Date(earlier)) },
    });
    const plan = planRerun(original.capture.path, original.sidecar);
    assert.equal(plan.kind, 'allegro');
    const again = await downloadAllegroCapture({
      http, device: { name: 'mm-sim', url: sim.url }, form: plan.form as AllegroCaptureForm, rerunOf: plan.rerunOf,
      writer: { folder: plan.folder, stem: plan.stem },
    });
    const stamp = (p: string) => /_(\d{8}-\d{6}Z)(-\d+)?\.pcap$/.exec(p)?.slice(1);
    assert.notDeepEqual(stamp(again.capture.path), stamp(original.capture.path), 'named after when it ran, not after the original');
    assert.equal(stamp(again.capture.path)![1], undefined, 'not the original name with a -1 suffix');
    assert.ok(Date.parse(again.sidecar.firstPacketTime!) >= Date.parse(plan.window.start!) - 1, `${again.sidecar.firstPacketTime} is in the window re-evaluated from now (${plan.window.start})`);
    assert.ok(Date.parse(original.sidecar.lastPacketTime!) < Date.parse(plan.window.start!), 'the original window was earlier');
    const sidecar = JSON.parse(readFileSync(again.sidecarPath, 'utf8'));
    assert.deepEqual(sidecar.rerunOf, { file: basename(original.capture.path), sha256: original.capture.sha256, startedAt: original.sidecar.startedAt });
    check(again.capture.path, again.capture.packetCount, displayFilterForIp(conn.client.ip));
  });

  test('Summarize agrees with tshark on the packet count and on every top talker', async (t) => {
    const dir = tempFolder(t);
    const saved = await capture(dir, { expression: `ip==${conn.server.ip}`, window: recent(5) });
    const summary = await summarizeFile(saved.capture.path);
    assert.equal(summary.complete, true);
    assert.equal(summary.packetCount, tsharkCount(saved.capture.path));
    const out = execFileSync('tshark', ['-n', '-r', saved.capture.path, '-q', '-z', 'endpoints,ip'], { encoding: 'utf8' });
    const tsharkPackets = new Map<string, number>();
    for (const line of out.split('\n')) {
      const m = /^(\d+\.\d+\.\d+\.\d+)\s+(\d+)\s+(\d+)/.exec(line.trim());
      if (m) tsharkPackets.set(m[1]!, Number(m[2]));
    }
    assert.ok(summary.topTalkers.length > 0);
    for (const talker of summary.topTalkers) assert.equal(talker.packets, tsharkPackets.get(talker.name), `packets of ${talker.name}`);
    assert.equal(summary.topTalkers.find((x) => x.name === conn.server.ip)?.packets, summary.packetCount, 'the filtered address is in every packet');
    assert.ok(summary.protocols.some((p) => p.name === 'TCP'));
  });

  test('live for N seconds: the download ends by itself after N seconds with live packets', async (t) => {
    const dir = tempFolder(t);
    const started = Date.now();
    const saved = await capture(dir, { expression: `ip==${conn.client.ip}`, window: { kind: 'live', seconds: 2 } });
    const took = Date.now() - started;
    assert.ok(took >= 1500 && took < 15_000, `took ${took} ms`);
    assert.equal(saved.sidecar.query.fromCaptureBuffer, false);
    assert.equal(saved.sidecar.timeRange.liveSeconds, 2);
    assert.ok(Date.parse(saved.sidecar.firstPacketTime!) >= started - 1000, 'packets are live, not from the buffer');
    check(saved.capture.path, saved.capture.packetCount, displayFilterForIp(conn.client.ip));
  });

  test('capture buffer slot, snap length and mm-id of the first pcap analysis slot', async (t) => {
    const dir = tempFolder(t);
    const saved = await capture(dir, { expression: '', window: recent(1), fromCaptureBuffer: true, captureBufferSlotId: 0, snapPacketLength: 96 });
    assert.equal(saved.sidecar.query.captureBufferSlotId, 0);
    assert.equal(saved.sidecar.query.snapPacketLength, 96);
    assert.equal(tsharkCount(saved.capture.path, 'frame.cap_len > 96'), 0, 'no packet is longer than the snap length');
    assert.ok(tsharkCount(saved.capture.path, 'frame.len > 96') > 0, 'some packets were truncated');
    assert.equal(capinfosPackets(saved.capture.path), saved.capture.packetCount);
    const slot = sim.slots.get(1);
    if (slot) {
      const dir2 = tempFolder(t);
      const startMs = slot.startedAt * 1000;
      const s2 = await capture(dir2, { expression: '', window: { kind: 'absolute', startMs, endMs: startMs + 1000 }, fromCaptureBuffer: true, mmId: ':1' });
      assert.equal(s2.sidecar.query['mm-id'], ':1');
      assert.equal(capinfosPackets(s2.capture.path), s2.capture.packetCount);
    }
  });

  test('an invalid expression is refused before anything is sent', async (t) => {
    const dir = tempFolder(t);
    const before = sim.stats.count('GET', '/API/data/modules/capture', true);
    await assert.rejects(capture(dir, { expression: 'ip==10.1.2', window: recent() }), CaptureFormError);
    assert.equal(sim.stats.count('GET', '/API/data/modules/capture', true), before);
    assert.deepEqual(files(dir), []);
  });
});

describe('Allegro capture faults', () => {
  test('an expression the device refuses sends the wizard back to the expression step, with the device\'s words', async (t) => {
    const dir = tempFolder(t);
    // Well-formed for our checker (an unknown field is only a warning): the device decides.
    const err = await capture(dir, { expression: 'ipp==10.1.2.3', window: recent() }).then(() => undefined, (e: unknown) => e);
    assert.deepEqual(allegroRefusalOf(err), { text: 'invalid capture expression: unknown field "ipp" (at character 1)', step: 'expression' });
    assert.deepEqual(files(dir), []);
  });

  test('an mm-id the device does not know sends the wizard back to the review step, with the device\'s words', async (t) => {
    const dir = tempFolder(t);
    const err = await capture(dir, { expression: '', window: recent(), mmId: 'nosuch:0' }).then(() => undefined, (e: unknown) => e);
    const refusal = allegroRefusalOf(err);
    assert.equal(refusal?.step, 'review');
    assert.match(refusal!.text, /mm-id "nosuch:0"/);
  });

  test('a refused login or role is not a refusal of what was asked: the wizard does not open again', async (t) => {
    const dir = tempFolder(t);
    const wrong = client(sim.username, 'not-the-password');
    t.after(() => wrong.close());
    const err = await capture(dir, { expression: 'ipp==10.1.2.3', window: recent() }, { http: wrong }).then(() => undefined, (e: unknown) => e);
    assert.match(String(err), /HTTP 401/);
    assert.equal(allegroRefusalOf(err), undefined);
  });

  test('connection reset mid-body: no complete-looking file, the user is told what happened to the partial', async (t) => {
    const dir = tempFolder(t);
    sim.faults.resetMidBody = true;
    sim.faults.pathPrefix = '/API/data/modules/capture';
    t.after(() => sim.faults.clear());
    const err = await capture(dir, { expression: '', window: recent() }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CaptureDownloadError, String(err));
    assert.match(err.message, /Download failed: .*(ECONNRESET|reset|terminated|socket|closed)/i);
    assert.match(err.message, /partial download \(.*\) was deleted|Nothing was received; no capture file was created/);
    assert.deepEqual(files(dir), []);
  });

  test('401 (wrong password): a clear message, no file', async (t) => {
    const dir = tempFolder(t);
    const wrong = client(sim.username, 'not-the-password');
    t.after(() => wrong.close());
    await assert.rejects(capture(dir, { expression: '', window: recent() }, { http: wrong }), /HTTP 401.*check the user name and password/);
    assert.deepEqual(files(dir), []);
  });

  test('403 for a user without the pcap role: a clear message, no file', async (t) => {
    const dir = tempFolder(t);
    const stats = client(sim.users.stats.username, sim.users.stats.password);
    t.after(() => stats.close());
    await assert.rejects(capture(dir, { expression: '', window: recent() }, { http: stats }), /HTTP 403.*lacks the role or permission/);
    assert.deepEqual(files(dir), []);
  });

  test('403 for a user without the pcap role: the message says which role the capture needs, and where to change the user', async (t) => {
    const dir = tempFolder(t);
    const stats = client(sim.users.stats.username, sim.users.stats.password);
    t.after(() => stats.close());
    const err = await capture(dir, { expression: '', window: recent() }, { http: stats }).then(() => undefined, (e: unknown) => e);
    assert.match(allegroCaptureHint(err) ?? '', /needs a user with the pcap role \(or admin\).*Edit Device…/);
    // Other failures get no such hint: a wrong password is not a missing role.
    const wrong = client(sim.username, 'not-the-password');
    t.after(() => wrong.close());
    const err401 = await capture(dir, { expression: '', window: recent() }, { http: wrong }).then(() => undefined, (e: unknown) => e);
    assert.equal(allegroCaptureHint(err401), undefined);
  });

  test('disk full while writing: the download fails with ENOSPC and leaves no file', async (t) => {
    const dir = tempFolder(t);
    let written = 0;
    const fullAfter64k: OpenSink = async (p) => {
      const real = await openFileSink(p);
      return {
        ...real,
        async write(chunks) {
          const n = chunks.reduce((a, c) => a + c.length, 0);
          if (written + n > 65536) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          written += n;
          await real.write(chunks);
        },
      };
    };
    const err = await capture(dir, { expression: '', window: recent() }, { openSink: fullAfter64k }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CaptureDownloadError, String(err));
    assert.match(err.message, /ENOSPC/);
    assert.deepEqual(files(dir), []);
  });

  test('Stop and keep during a live capture: every complete packet is kept, capinfos accepts the file, the sidecar says the user stopped it', async (t) => {
    const dir = tempFolder(t);
    const stop = new AbortController();
    const started = Date.now();
    let received = 0;
    const saved = await capture(dir, { expression: '', window: { kind: 'live', seconds: 30 } }, {
      stop: stop.signal,
      onBytes: (n) => {
        received += n;
        if (received > 1024 * 1024) stop.abort();
      },
    });
    assert.ok(Date.now() - started < 20_000, 'the capture ended when it was stopped, not after 30 s');
    assert.deepEqual(files(dir), ['cap.pcap', 'cap.pcap.json']);
    const sidecar = JSON.parse(readFileSync(saved.sidecarPath, 'utf8'));
    assert.equal(sidecar.stoppedEarly.by, 'user');
    assert.ok(sidecar.packetCount > 0);
    assert.equal(capinfosPackets(saved.capture.path), sidecar.packetCount, 'capinfos reads the file and counts the packets the sidecar records');
    const bytes = readFileSync(saved.capture.path);
    assert.equal(bytes.length, sidecar.size);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), sidecar.sha256, 'the SHA-256 is of the kept bytes');
    assert.equal(sidecar.stoppedEarly.receivedBytes - sidecar.stoppedEarly.droppedBytes, sidecar.size);
    assert.ok(sidecar.stoppedEarly.receivedBytes >= 1024 * 1024);
    assert.ok(Date.parse(sidecar.firstPacketTime) >= started - 1000 && Date.parse(sidecar.lastPacketTime) <= Date.parse(sidecar.stoppedEarly.at), `${sidecar.firstPacketTime} .. ${sidecar.lastPacketTime}, stopped ${sidecar.stoppedEarly.at}`);
    assert.equal(sidecar.timeRange.liveSeconds, 30);
  });

  test('cancel during a live capture: the partial file is deleted and the request ends', async (t) => {
    const dir = tempFolder(t);
    const ac = new AbortController();
    const err = await capture(dir, { expression: '', window: { kind: 'live', seconds: 30 } }, { signal: ac.signal, onBytes: () => ac.abort(new Error('cancelled by the user')) }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CaptureDownloadError, String(err));
    assert.equal(err.cancelled, true);
    assert.match(err.message, /Download cancelled\. The partial download \(.*\) was deleted/);
    assert.deepEqual(files(dir), []);
  });
});
