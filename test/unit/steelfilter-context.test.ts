// Which device and source a .steelfilter file is checked against: the file name, the configured
// devices and, with several devices and none named, what their catalogues agree on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agreedSource, checkSteelfilter, fileNameFor, resolveSteelfilterContext, steelfilterTarget, type CatalogueAccess } from '../../src/views/language/context';
import type { Column, Source } from '../../src/steelfilter/index';

test('a .steelfilter file names its source before the extension, longest candidate first', () => {
  assert.deepEqual(steelfilterTarget('/w/notes/web.aggregates.steelfilter', ['lab']), { device: 'lab', sourceCandidates: ['aggregates'] });
  assert.deepEqual(steelfilterTarget('cpu.system_metrics.cpu.steelfilter', ['lab']).sourceCandidates, ['system_metrics.cpu', 'cpu']);
});

test('with several devices, the one named in the file name is used; otherwise none', () => {
  assert.equal(steelfilterTarget('x.prod.aggregates.steelfilter', ['lab', 'prod']).device, 'prod');
  assert.equal(steelfilterTarget('x.aggregates.steelfilter', ['lab', 'prod']).device, undefined);
  assert.equal(steelfilterTarget('x.aggregates.steelfilter', []).device, undefined);
});

test('a plain name has no source candidates (syntax checks only)', () => {
  assert.deepEqual(steelfilterTarget('C:\\filters\\servers.steelfilter', ['lab']).sourceCandidates, []);
});

// ---------- several AppResponse devices ----------

const col = (id: string, type: string, extra: Partial<Column> = {}): Column => ({ id, type, grouped_by: true, ...extra });
const aggregates = (...extra: Column[]): Source => ({
  name: 'aggregates',
  columns: [col('srv_tcp.port', 'port'), col('cli_tcp.ip', 'ipaddr'), col('sum_traffic.total_bytes', 'integer', { grouped_by: false, metric: true }), ...extra],
});
/** Catalogues by device; a device mapped to an Error cannot be read. */
function access(catalogues: Record<string, Source[] | Error>): CatalogueAccess {
  const of = (device: string) => {
    const c = catalogues[device];
    if (c instanceof Error) throw c;
    return c ?? [];
  };
  return {
    getSourceNames: async (device) => of(device).map((s) => s.name),
    getSource: async (device, name) => of(device).find((s) => s.name === name),
  };
}

test('with several devices and none named, the target lists them all as ambiguous', () => {
  assert.deepEqual(steelfilterTarget('web2.aggregates.steelfilter', ['lab', 'prod']), { ambiguous: ['lab', 'prod'], sourceCandidates: ['aggregates'] });
  assert.deepEqual(steelfilterTarget('web2.prod.aggregates.steelfilter', ['lab', 'prod']).ambiguous, undefined);
});

test('a device name with dots or spaces, or in another case, is found in the file name', () => {
  assert.equal(steelfilterTarget('web.Lab AppResponse.aggregates.steelfilter', ['Lab AppResponse', 'prod']).device, 'Lab AppResponse');
  assert.equal(steelfilterTarget('web.ar.eu.aggregates.steelfilter', ['ar', 'ar.eu']).device, 'ar.eu');
  assert.equal(steelfilterTarget('web.PROD.aggregates.steelfilter', ['lab', 'prod']).device, 'prod');
});

test('the file name that names a device puts it before the source', () => {
  assert.equal(fileNameFor('/w/web2.aggregates.steelfilter', 'Lab AppResponse', 'aggregates'), 'web2.Lab AppResponse.aggregates.steelfilter');
  assert.equal(fileNameFor('cpu.system_metrics.cpu.steelfilter', 'lab', 'system_metrics.cpu'), 'cpu.lab.system_metrics.cpu.steelfilter');
});

test('two devices, none named: an unknown column both catalogues lack is still reported, with "did you mean", and a note names the choice', async () => {
  const ctx = await resolveSteelfilterContext('/w/web2.aggregates.steelfilter', ['lab', 'prod'], access({ lab: [aggregates()], prod: [aggregates()] }));
  assert.equal(ctx.kind, 'agreed');
  const [d, ...rest] = checkSteelfilter('srv_tcp.prot == 80', ctx);
  assert.deepEqual(rest, []);
  assert.equal(d.code, 'unknown-column');
  assert.match(d.message, /unknown column "srv_tcp\.prot" in source "aggregates"; did you mean "srv_tcp\.port"\?/);
  assert.equal(d.fix?.text, 'srv_tcp.port');
  assert.ok('note' in ctx && ctx.note);
  assert.match(ctx.note, /2 AppResponse devices are configured and "web2\.aggregates\.steelfilter" names none of them/);
  assert.match(ctx.note, /lab and prod agree on/);
  assert.match(ctx.note, /web2\.lab\.aggregates\.steelfilter/);
  assert.equal(ctx.unavailable, undefined, 'nothing to try again');
});

test('two devices that disagree on a column: the column one of them has is not reported, a value both refuse is', async () => {
  const ctx = await resolveSteelfilterContext('web2.aggregates.steelfilter', ['lab', 'prod'],
    access({ lab: [aggregates(col('web.url', 'string'))], prod: [aggregates()] }));
  assert.deepEqual(checkSteelfilter("web.url == 'x'", ctx), [], 'web.url exists on lab: not called unknown');
  const port = checkSteelfilter('srv_tcp.port == 70000', ctx);
  assert.equal(port.length, 1);
  assert.match(port[0].message, /out of range/);
  // Completion offers only what both have.
  assert.deepEqual(agreedSource(ctx)!.columns.map((c) => c.id), ['srv_tcp.port', 'cli_tcp.ip', 'sum_traffic.total_bytes']);
});

test('a device whose catalogue cannot be read: the others are still checked against, and the note says which could not be read', async () => {
  const ctx = await resolveSteelfilterContext('web2.aggregates.steelfilter', ['lab', 'prod'], access({ lab: [aggregates()], prod: new Error('HTTP 401') }));
  assert.equal(ctx.kind, 'agreed');
  assert.equal(ctx.unavailable, true, 'checked again later');
  assert.match(checkSteelfilter('srv_tcp.prot == 80', ctx)[0].message, /did you mean "srv_tcp\.port"/);
  assert.ok('note' in ctx && ctx.note);
  assert.match(ctx.note, /the "aggregates" catalogue of lab only; the catalogue of prod could not be read/);
});

test('no catalogue readable at all: syntax only, said so, and tried again', async () => {
  const ctx = await resolveSteelfilterContext('web2.aggregates.steelfilter', ['lab', 'prod'], access({ lab: new Error('down'), prod: new Error('down') }));
  assert.equal(ctx.kind, 'syntax');
  assert.equal(ctx.unavailable, true);
  assert.ok('note' in ctx && ctx.note);
  assert.match(ctx.note, /only the syntax is checked/);
  assert.deepEqual(checkSteelfilter('srv_tcp.prot == 80', ctx), []);
});

test('one named device is checked against its own catalogue, with no note', async () => {
  const ctx = await resolveSteelfilterContext('web2.prod.aggregates.steelfilter', ['lab', 'prod'], access({ lab: [aggregates(col('srv_tcp.prot', 'port'))], prod: [aggregates()] }));
  assert.equal(ctx.kind, 'device');
  assert.equal('note' in ctx, false);
  assert.match(checkSteelfilter('srv_tcp.prot == 80', ctx)[0].message, /unknown column "srv_tcp\.prot"/);
});

test('a file whose name misspells a source of its device says so, with the name to rename it to, instead of silently checking only the syntax', async () => {
  const ctx = await resolveSteelfilterContext('/w/web.agregates.steelfilter', ['lab'], access({ lab: [aggregates()] }));
  assert.equal(ctx.kind, 'syntax');
  assert.ok(ctx.kind === 'syntax' && ctx.note, 'a note');
  assert.equal(ctx.note, '"web.agregates.steelfilter" names no source of lab ("agregates"; did you mean "aggregates"?), so only the syntax is checked. Rename it web.aggregates.steelfilter.');
  assert.equal(ctx.rename, 'web.aggregates.steelfilter');
  // A name with dots that is not meant as a source says nothing.
  const plain = await resolveSteelfilterContext('/w/notes.v2.steelfilter', ['lab'], access({ lab: [aggregates()] }));
  assert.deepEqual(plain, { kind: 'syntax' });
});
