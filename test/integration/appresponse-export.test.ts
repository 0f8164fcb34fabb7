// Packet sources and packet export of the simulated AppResponse in every mode, through our HTTP core
// and the typed client. Every capture is checked by capinfos / tshark.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStatusError } from '../../src/http/errors';
import type { ExportConfig, ExportHandle } from '../../src/appresponse/types';
import { LiveStreamParser, LiveStreamRemoteError, LiveStreamType } from '../../src/appresponse/livestream';
import { capinfos, readAll, sleep, startRig, tmpFile, tsharkFields, type Rig } from './appresponse-support';

const JOB = 'c69a9a14-fb82-46a7-b7c1-70751b70f69b';
/** The query of the mode tests: one host's conversations (a few hundred packets a second, not the whole site). */
const HOST = '10.1.2.3';
const HOST_FILTER: ExportConfig['filters'] = [{ type: 'STEELFILTER', value: `ip.addr == '${HOST}'` }];
const onHost = (c: { client: { ip: string }; server: { ip: string } }) => c.client.ip === HOST || c.server.ip === HOST;

describe('AppResponse simulator: packet sources', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig();
  });
  after(() => rig.close());

  it('lists vifgs, capture jobs (2.0 and 3.0), clips and files', async () => {
    const vifgs = await rig.client.vifgs();
    assert.ok(vifgs.some((v) => v.id === 1004 && v.config.name === 'my_vifg' && v.config.flow_export.filter.type === 'BPF'));
    const raw = await rig.http.json<{ count: number; items: unknown[] }>({ path: '/api/npm.packet_capture/2.0/vifgs' });
    assert.equal(raw.body.count, raw.body.items.length);
    const jobs = await rig.client.jobs();
    const job = jobs.find((j) => j.id === JOB)!;
    assert.equal(job.config.name, 'default_job');
    assert.equal(job.state.status.state, 'RUNNING');
    assert.ok(Number(job.state.status.packet_start_time) < Number(job.state.status.packet_end_time));
    assert.equal(job.packet_start_time, job.state.status.packet_start_time);
    assert.ok(job.capture_size! > 0);
    const jobs2 = await rig.client.jobs({ version: '2.0' });
    assert.ok(jobs2[0].packet_start_time && jobs2[0].capture_size! > 0);
    const literal = await rig.http.json<{ items: unknown[] }>({ path: '/api/npm.packet.capture/2.0/jobs' });
    assert.equal(literal.body.items.length, jobs.length);
    const clips = await rig.client.clips();
    assert.ok(clips.length >= 1 && clips[0].config.job_id);
    const files = await rig.client.listFiles();
    assert.ok(files.some((f) => f.path === 'admin/mytrace.pcap' && f.type === 'FILE'));
  });

  it('PUT vifgs/items/1004 updates flow_export; PUT vifgs/settings updates autodiscovery (document examples)', async () => {
    const v = (await rig.client.vifgs()).find((x) => x.id === 1004)!;
    const updated = await rig.client.updateVifg(1004, { ...v.config, enabled: true, flow_export: { filter: { type: 'BPF', value: 'tcp port 80' }, enabled: true }, name: 'my_vifg' });
    assert.deepEqual(updated.config.flow_export, { filter: { type: 'BPF', value: 'tcp port 80' }, enabled: true });
    assert.equal(updated.id, 1004);
    assert.ok('state' in updated);
    const settings = await rig.http.json<Record<string, unknown>>({
      method: 'PUT', path: '/api/npm.packet_capture/2.0/vifgs/settings',
      body: { autodiscovery: { default: { flow_export: { filter: { type: 'BPF', value: 'tcp or icmp' }, enabled: true }, dedup: true }, enabled: true } },
    });
    assert.ok(Array.isArray(settings.body.supported_grouping_types));
    assert.deepEqual((settings.body.autodiscovery as { default: { flow_export: unknown } }).default.flow_export, { filter: { type: 'BPF', value: 'tcp or icmp' }, enabled: true });
  });

  it('NetProfiler export: PUT settings answers each profiler and collector with a status; GET settings and stats', async () => {
    const body = {
      enabled: true, voip_enabled: false,
      profilers: [{ address: '10.1527.12.94', sync: false }, { address: 'my_netprofiler', sync: true }],
      collectors: [{ address: 'my_v9collector.domain', port: 1324 }],
    };
    const put = await rig.client.setProfilerExportSettings(body);
    assert.deepEqual(put, {
      enabled: true, voip_enabled: false,
      profilers: [{ address: '10.1527.12.94', sync: false, status: { state: 'OK' } }, { address: 'my_netprofiler', sync: true, status: { state: 'OK' } }],
      collectors: [{ address: 'my_v9collector.domain', port: 1324, status: { state: 'OK' } }],
    });
    assert.deepEqual(await rig.client.profilerExportSettings(), put);
    const stats = (await rig.client.profilerExportStats()) as { profiler_export: { last_minute: { exported: { ip_bytes: number; packets: number; flows: number } }; last_week: { exported: Record<string, number> } } };
    assert.ok(stats.profiler_export.last_minute.exported.ip_bytes > 0);
    for (const k of ['ip_bytes', 'packets', 'flows', 'average_flows', 'peak_flows']) assert.ok(k in stats.profiler_export.last_week.exported, k);
    await assert.rejects(rig.client.setProfilerExportSettings({ ...body, profilers: [{ address: 'a', sync: true }, { address: 'b', sync: true }] }), (e: unknown) => e instanceof HttpStatusError && e.status === 400);
  });
});

describe('AppResponse simulator: packet export', () => {
  let rig: Rig;
  let window: { start_time: string; end_time: string };
  let t0: number;
  let t1: number;
  before(async () => {
    rig = await startRig();
    const now = Math.floor(Date.now() / 1000);
    t0 = now - 300;
    t1 = now - 298;
    window = { start_time: String(t0), end_time: String(t1) };
  });
  after(() => rig.close());

  /** Packets in [t0, t1) of the connections/directions that pass `keep`, from the model. */
  function modelPackets(keep: (c: { client: { ip: string }; server: { ip: string }; l4: string; serverPort: number; clientPort: number }, dir: 'c2s' | 's2c') => boolean = () => true, end = t1): number {
    let n = 0;
    for (const c of rig.sim.model.connections(t0, end)) {
      const f = rig.sim.model.flowCounters(c, t0, end);
      if (keep(c, 'c2s')) n += f.c2sPackets;
      if (keep(c, 's2c')) n += f.s2cPackets;
    }
    return n;
  }

  async function legacy(config: Partial<ExportConfig>): Promise<{ bytes: Buffer; handle: ExportHandle }> {
    const created = await rig.client.createExport({ path: `jobs/${JOB}`, ...window, filters: HOST_FILTER, ...config, mode: 'LEGACY' });
    const handle = await rig.client.waitForExport(created.id, ['RUNNING'], { intervalMs: 10 });
    assert.equal(handle.status.state, 'RUNNING');
    const bytes = await readAll(await rig.client.exportCapture(created.id, 'LEGACY'));
    return { bytes, handle: created };
  }

  it('LEGACY: 201 + Location, UNINITIALIZED → RUNNING, the stream is a valid pcap holding exactly the model\'s packets; the handle goes away after the download', async () => {
    const r = await rig.http.json<ExportHandle>({ method: 'POST', path: '/api/npm.packet_export/1.3/exports', body: { config: { path: `jobs/${JOB}`, mode: 'LEGACY', ...window, filters: HOST_FILTER } } });
    assert.equal(r.status, 201);
    assert.equal(r.headers.location, `/api/npm.packet_export/1.3/exports/items/${r.body.id}`);
    assert.match(r.body.id, /^[0-9a-f]{8}$/);
    assert.equal(r.body.status.state, 'UNINITIALIZED');
    for (const k of ['state', 'progress', 'creation_time', 'owner']) assert.ok(k in r.body.status, k);
    const running = await rig.client.waitForExport(r.body.id, ['RUNNING'], { intervalMs: 5 });
    assert.equal(running.status.state, 'RUNNING');
    const stream = await rig.client.exportPackets(r.body.id);
    assert.equal(stream.status, 200);
    const bytes = await readAll(stream.body);
    const info = capinfos(tmpFile('legacy.pcap', bytes));
    assert.equal(Number(info['Number of packets']), modelPackets(onHost));
    assert.ok(Number(info['Number of packets']) > 100);
    await sleep(30);
    await assert.rejects(rig.client.exportStatus(r.body.id), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
  });

  it('LIVE_STREAM: INITIALIZING → READY → STREAMING → DONE; the frames rebuild byte for byte the LEGACY pcap of the same query', async () => {
    const reference = (await legacy({})).bytes;
    const created = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'LIVE_STREAM', ...window, filters: HOST_FILTER, handle_timeout_msec: 5000 });
    assert.equal(created.status.state, 'INITIALIZING');
    await rig.client.waitForExport(created.id, ['READY'], { intervalMs: 5 });
    const stream = await rig.client.exportPackets(created.id);
    const parser = new LiveStreamParser();
    const data: Buffer[] = [];
    const types: LiveStreamType[] = [];
    for await (const chunk of stream.body) {
      for (const f of parser.push(chunk as Buffer)) {
        types.push(f.type);
        if (f.type === LiveStreamType.DATA) data.push(f.data);
      }
    }
    assert.equal(types[types.length - 1], LiveStreamType.EOF);
    assert.ok(types.filter((t) => t === LiveStreamType.DATA).length >= 1);
    assert.ok(Buffer.concat(data).equals(reference), 'same pcap as LEGACY');
    const done = await rig.client.exportStatus(created.id);
    assert.equal(done.status.state, 'DONE');
    assert.equal(done.status.stats!.exported_packets, Number(capinfos(tmpFile('live.pcap', Buffer.concat(data)))['Number of packets']));
    assert.equal((await rig.http.raw({ method: 'DELETE', path: `/api/npm.packet_export/1.3/exports/items/${created.id}` })).status, 204);
  });

  it('LIVE_STREAM follows the clock: STREAMING while packets are awaited, NODATA keepalives, EOF at end_time', async () => {
    const now = Date.now() / 1000;
    const created = await rig.client.createExport({
      path: 'vifgs/1000', mode: 'LIVE_STREAM', start_time: (now + 2).toFixed(3), end_time: (now + 2.5).toFixed(3),
      filters: [{ type: 'BPF', value: 'host 192.0.2.1' }], handle_timeout_msec: 5000,
    });
    await rig.client.waitForExport(created.id, ['READY'], { intervalMs: 5 });
    const stream = await rig.client.exportPackets(created.id);
    assert.equal((await rig.client.exportStatus(created.id)).status.state, 'STREAMING');
    const parser = new LiveStreamParser();
    const types: LiveStreamType[] = [];
    const data: Buffer[] = [];
    for await (const chunk of stream.body) {
      for (const f of parser.push(chunk as Buffer)) {
        types.push(f.type);
        if (f.type === LiveStreamType.DATA) data.push(f.data);
      }
    }
    assert.ok(types.includes(LiveStreamType.NODATA), types.join(','));
    assert.equal(types[types.length - 1], LiveStreamType.EOF);
    assert.equal(capinfos(tmpFile('empty-live.pcap', Buffer.concat(data)))['Number of packets'], '0');
    assert.equal((await rig.client.exportStatus(created.id)).status.state, 'DONE');
  });

  it('BUFFER_STREAM: needs size_limit; INITIALIZING → READY ⇄ STREAMING; downloadable again until DELETE', async () => {
    await assert.rejects(rig.client.createExport({ path: `jobs/${JOB}`, mode: 'BUFFER_STREAM', ...window, filters: HOST_FILTER }), (e: unknown) => e instanceof HttpStatusError && e.status === 400);
    const reference = (await legacy({})).bytes;
    const created = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'BUFFER_STREAM', ...window, filters: HOST_FILTER, stop_rule: { size_limit: 1_000_000_000 } });
    assert.equal(created.status.state, 'INITIALIZING');
    const ready = await rig.client.waitForExport(created.id, ['READY'], { intervalMs: 5 });
    assert.equal(ready.status.state, 'READY');
    assert.equal(ready.status.progress, 100);
    const first = await readAll(await rig.client.exportCapture(created.id, 'BUFFER_STREAM'));
    assert.ok(first.equals(reference));
    assert.equal((await rig.client.exportStatus(created.id)).status.state, 'READY');
    const second = await readAll(await rig.client.exportCapture(created.id, 'BUFFER_STREAM'));
    assert.ok(second.equals(reference));
    await rig.client.deleteExport(created.id);
    await assert.rejects(rig.client.exportStatus(created.id), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
  });

  it("replays the document's BUFFER_STREAM config (start 123456789, end 2345678890, size_limit 1e9) within the appliance's storage", async () => {
    rig.sim.knobs.maxStoredBytes = 300_000;
    try {
      const created = await rig.client.createExport({
        path: `jobs/${JOB}`, mode: 'BUFFER_STREAM', filters: [{ type: 'STEELFILTER', value: `(ip.addr == '${HOST}' and ip.addr == '${HOST}')` }],
        start_time: '123456789', end_time: '2345678890', stop_rule: { size_limit: 1000000000 },
      });
      const ready = await rig.client.waitForExport(created.id, ['READY'], { intervalMs: 10, timeoutMs: 20_000 });
      assert.equal(ready.status.state, 'READY');
      assert.equal(ready.status.stats!.truncated, true);
      assert.ok(ready.status.stats!.exported_bytes <= 300_000);
      const pcap = await readAll(await rig.client.exportCapture(created.id, 'BUFFER_STREAM'));
      assert.equal(Number(capinfos(tmpFile('doc-buffer.pcap', pcap))['Number of packets']), ready.status.stats!.exported_packets);
      await rig.client.deleteExport(created.id);
    } finally {
      rig.sim.knobs.maxStoredBytes = 256 * 1024 * 1024;
    }
  });

  it('GET packets before the handle is ready answers "state is not RUNNING: state UNINITIALIZED"', async () => {
    rig.sim.knobs.stepMs = 1500;
    try {
      const created = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'LEGACY', ...window, filters: HOST_FILTER });
      await assert.rejects(rig.client.exportPackets(created.id), (e: unknown) => e instanceof HttpStatusError && e.status === 409 && /state is not RUNNING: state UNINITIALIZED/.test(e.errorText ?? ''));
      await rig.client.deleteExport(created.id);
    } finally {
      rig.sim.knobs.stepMs = 15;
    }
  });

  it('BUFFER_STREAM with nothing to export ends in NODATA', async () => {
    const created = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'BUFFER_STREAM', ...window, filters: [{ type: 'BPF', value: 'host 192.0.2.1' }], stop_rule: { size_limit: 1_000_000 } });
    const h = await rig.client.waitForExport(created.id, ['READY'], { intervalMs: 5 });
    assert.equal(h.status.state, 'NODATA');
    assert.equal(h.status.stats!.exported_packets, 0);
    await assert.rejects(rig.client.exportPackets(created.id), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
    await rig.client.deleteExport(created.id);
  });

  it('DELETE stops an export that waits for future packets', async () => {
    const now = Date.now() / 1000;
    const created = await rig.client.createExport({ path: 'vifgs/1000', mode: 'BUFFER_STREAM', start_time: now.toFixed(3), end_time: (now + 600).toFixed(3), filters: HOST_FILTER, stop_rule: { size_limit: 100_000_000 } });
    await sleep(150);
    assert.equal((await rig.client.exportStatus(created.id)).status.state, 'INITIALIZING');
    const before = rig.sim.exportCount;
    await rig.client.deleteExport(created.id);
    assert.equal(rig.sim.exportCount, before - 1);
    await assert.rejects(rig.client.exportStatus(created.id), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
  });

  it('STREAM_TO_FILE: UNINITIALIZED → RUNNING → DONE, the file is listed, downloadable with fileop/download and deletable', async () => {
    await assert.rejects(rig.client.createExport({ path: `jobs/${JOB}`, mode: 'STREAM_TO_FILE', ...window, filters: HOST_FILTER }), (e: unknown) => e instanceof HttpStatusError && e.status === 400);
    const reference = (await legacy({})).bytes;
    const created = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'STREAM_TO_FILE', ...window, filters: HOST_FILTER, output_filename: 'admin/exports/window.pcap' });
    assert.equal(created.status.state, 'UNINITIALIZED');
    const done = await rig.client.waitForExport(created.id, ['DONE'], { intervalMs: 5 });
    assert.equal(done.status.state, 'DONE');
    assert.ok((await rig.client.listFiles('admin')).some((f) => f.path === 'admin/exports/window.pcap'));
    const download = await rig.client.download('admin/exports/window.pcap');
    assert.ok((await readAll(download.body)).equals(reference));
    await rig.client.deleteFile('admin/exports/window.pcap');
    assert.ok(!(await rig.client.listFiles()).some((f) => f.path === 'admin/exports/window.pcap'));
  });

  it('PREPARE: INITIALIZING → READY with estimates; PUT picks LIVE_STREAM and the stream follows', async () => {
    const reference = (await legacy({})).bytes;
    const created = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'PREPARE', ...window, filters: HOST_FILTER });
    const ready = await rig.client.waitForExport(created.id, ['READY'], { intervalMs: 5 });
    assert.equal(ready.status.stats!.estimated_packets, modelPackets(onHost));
    assert.ok(ready.status.stats!.estimated_bytes! >= reference.length - 24);
    const picked = await rig.client.updateExport(created.id, { mode: 'LIVE_STREAM' });
    assert.equal(picked.status.state, 'READY');
    assert.equal(picked.config.mode, 'LIVE_STREAM');
    const pcap = await readAll(await rig.client.exportCapture(created.id, 'LIVE_STREAM'));
    assert.ok(pcap.equals(reference));
    // PUT to a handle that is no longer PREPARE is refused.
    const other = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'PREPARE', ...window, filters: HOST_FILTER });
    await rig.client.waitForExport(other.id, ['READY'], { intervalMs: 5 });
    const toFile = await rig.client.updateExport(other.id, { mode: 'STREAM_TO_FILE', output_filename: 'admin/prepared.pcap', output_format: 'PCAPNG_US' });
    assert.equal(toFile.status.state, 'RUNNING');
    await rig.client.waitForExport(other.id, ['DONE'], { intervalMs: 5 });
    const info = capinfos(tmpFile('prepared.pcapng', await readAll((await rig.client.download('admin/prepared.pcap')).body)));
    assert.equal(info['File type'], 'pcapng');
    await assert.rejects(rig.client.updateExport(other.id, { mode: 'LEGACY' }), (e: unknown) => e instanceof HttpStatusError && e.status === 400);
  });

  for (const [format, type, precision] of [
    ['PCAP_US', 'pcap', 'microseconds'],
    ['PCAP_NS', 'nsecpcap', 'nanoseconds'],
    ['PCAPNG_US', 'pcapng', 'microseconds'],
    ['PCAPNG_NS', 'pcapng', 'nanoseconds'],
  ] as const) {
    it(`output_format ${format} gives a valid ${type} with ${precision} timestamps and the same packets`, async () => {
      const { bytes } = await legacy({ output_format: format });
      const info = capinfos(tmpFile(`fmt-${format}`, bytes));
      assert.equal(info['File type'], type);
      assert.equal(info['Number of packets'], String(modelPackets(onHost)));
      const times = tsharkFields(tmpFile(`fmt2-${format}`, bytes), ['frame.time_epoch']).map(([t]) => t);
      assert.ok(Number(times[0]) >= t0 && Number(times[times.length - 1]) < t1);
      // tshark prints nine digits; microsecond captures end in 000.
      assert.equal(times.every((t) => t.endsWith('000')) ? 'microseconds' : 'nanoseconds', precision);
    });
  }

  it('snap_length cuts every frame; stop_rule packet_limit truncates (stats.truncated)', async () => {
    const { bytes } = await legacy({ snap_length: 64 });
    const file = tmpFile('snap.pcap', bytes);
    assert.equal(capinfos(file)['Packet size limit'], '64');
    assert.ok(tsharkFields(file, ['frame.cap_len']).every(([len]) => Number(len) <= 64));
    const created = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'LEGACY', ...window, filters: HOST_FILTER, stop_rule: { packet_limit: 10 }, handle_timeout_msec: 5000 });
    await rig.client.waitForExport(created.id, ['RUNNING'], { intervalMs: 5 });
    const limited = await readAll(await rig.client.exportCapture(created.id, 'LEGACY'));
    assert.equal(capinfos(tmpFile('limit.pcap', limited))['Number of packets'], '10');
    const after = await rig.client.exportStatus(created.id);
    assert.equal(after.status.stats!.exported_packets, 10);
    assert.equal(after.status.stats!.truncated, true);
    assert.equal(after.status.state, 'DONE');
  });

  const filterCases: [string, ExportConfig['filters'], string, (c: { client: { ip: string }; server: { ip: string }; l4: string; serverPort: number }) => boolean][] = [
    ['STEELFILTER on an IP', [{ type: 'STEELFILTER', value: "ip.addr == '10.1.2.3'" }], 'ip.addr==10.1.2.3', (c) => c.client.ip === '10.1.2.3' || c.server.ip === '10.1.2.3'],
    ['BPF host and port', [{ type: 'BPF', value: 'host 10.1.2.3 and tcp port 548' }], 'ip.addr==10.1.2.3 && tcp.port==548', (c) => (c.client.ip === '10.1.2.3' || c.server.ip === '10.1.2.3') && c.l4 === 'TCP' && c.serverPort === 548],
    ['BPF protocol', [{ type: 'BPF', value: 'udp' }], 'udp', (c) => c.l4 === 'UDP'],
    ['WIRESHARK ip and port', [{ type: 'WIRESHARK', value: 'ip.addr==10.1.2.3 && udp.port==53' }], 'ip.addr==10.1.2.3 && udp.port==53', (c) => (c.client.ip === '10.1.2.3' || c.server.ip === '10.1.2.3') && c.l4 === 'UDP' && c.serverPort === 53],
    ['WIRESHARK subnet and protocol', [{ type: 'WIRESHARK', value: 'ip.src==10.1.2.0/24 and tcp' }], 'ip.src==10.1.2.0/24 && tcp', () => true],
  ];
  for (const [name, filters, display, keep] of filterCases) {
    it(`filters: ${name}; tshark confirms every packet matches`, async () => {
      const { bytes } = await legacy({ filters, end_time: String(t0 + 1) });
      const file = tmpFile(`filter-${name.replace(/\W+/g, '_')}.pcap`, bytes);
      const total = Number(capinfos(file)['Number of packets']);
      assert.ok(total > 0, 'some packets');
      const matching = tsharkFields(file, ['frame.number'], display).length;
      assert.equal(matching, total, `every packet matches ${display}`);
      if (name !== 'WIRESHARK subnet and protocol') assert.equal(total, modelPackets((c) => keep(c), t0 + 1));
    });
  }

  it('refuses a malformed filter, an unknown path and a bad output_format with 400', async () => {
    for (const config of [
      { path: `jobs/${JOB}`, filters: [{ type: 'BPF' as const, value: 'host and and' }] },
      { path: 'jobs/does-not-exist' },
      { path: `jobs/${JOB}`, output_format: 'PCAP_XS' as never },
      { path: `jobs/${JOB}`, colour: 'red' } as never,
    ]) {
      await assert.rejects(rig.client.createExport(config), (e: unknown) => e instanceof HttpStatusError && e.status === 400, JSON.stringify(config));
    }
  });

  it('time_intervals export only the packets inside the intervals', async () => {
    const intervals = [{ start_time: String(t0), end_time: String(t0 + 1) }, { start_time: String(t0 + 3), end_time: String(t0 + 4) }];
    const created = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'LEGACY', filters: HOST_FILTER, time_intervals: intervals });
    await rig.client.waitForExport(created.id, ['RUNNING'], { intervalMs: 5 });
    const file = tmpFile('intervals.pcap', await readAll(await rig.client.exportCapture(created.id, 'LEGACY')));
    const seconds = new Set(tsharkFields(file, ['frame.time_epoch']).map(([t]) => Math.floor(Number(t))));
    assert.deepEqual([...seconds].sort(), [t0, t0 + 3]);
  });

  it('connection_timeout_msec: a handle nobody downloads goes away', async () => {
    const created = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'LEGACY', ...window, filters: HOST_FILTER, connection_timeout_msec: 300 });
    assert.ok(['UNINITIALIZED', 'RUNNING'].includes((await rig.client.exportStatus(created.id)).status.state));
    await sleep(1200);
    await assert.rejects(rig.client.exportStatus(created.id), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
  });

  it('faults: an export ending in ERRORS, a LIVE_STREAM that sends an ERROR frame', async () => {
    rig.sim.faults.exportErrors = true;
    try {
      const created = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'PREPARE', ...window, filters: HOST_FILTER });
      const h = await rig.client.waitForExport(created.id, ['READY'], { intervalMs: 5 });
      assert.equal(h.status.state, 'ERRORS');
      assert.ok(h.status.error?.error_id && h.status.error.error_text);
    } finally {
      rig.sim.faults.exportErrors = false;
    }
    rig.sim.faults.liveStreamErrorAfterFrames = 0;
    try {
      const created = await rig.client.createExport({ path: `jobs/${JOB}`, mode: 'LIVE_STREAM', ...window, filters: HOST_FILTER, handle_timeout_msec: 5000 });
      await rig.client.waitForExport(created.id, ['READY'], { intervalMs: 5 });
      const decoded = await rig.client.exportCapture(created.id, 'LIVE_STREAM');
      await assert.rejects(readAll(decoded), (e: unknown) => e instanceof LiveStreamRemoteError && /simulated/.test(e.text));
      assert.equal((await rig.client.exportStatus(created.id)).status.state, 'ERRORS');
    } finally {
      rig.sim.faults.liveStreamErrorAfterFrames = undefined;
    }
  });

  it('exports from a vifg, a clip and a file', async () => {
    for (const path of ['vifgs/1000', (await rig.client.clips())[0].id.replace(/^/, 'clips/'), 'fs/admin/mytrace.pcap']) {
      const created = await rig.client.createExport({ path, mode: 'LEGACY', stop_rule: { packet_limit: 50 } });
      await rig.client.waitForExport(created.id, ['RUNNING'], { intervalMs: 5 });
      const info = capinfos(tmpFile(`src-${path.replace(/\W+/g, '_')}.pcap`, await readAll(await rig.client.exportCapture(created.id, 'LEGACY'))));
      assert.equal(info['Number of packets'], '50', path);
    }
    for (const name of ['admin/web.pcap', 'admin/mytrace.pcap', 'analyst/voip.pcap']) {
      const listed = (await rig.client.listFiles()).find((f) => f.path === name)!;
      const bytes = await readAll((await rig.client.download(name)).body);
      assert.equal(bytes.length, listed.size, `${name}: listed size`);
      assert.equal(Number(capinfos(tmpFile(name.replace(/\W+/g, '_'), bytes))['Number of packets']), listed.packets, name);
    }
  });
});
