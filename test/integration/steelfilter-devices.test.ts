// A .steelfilter file with two AppResponse devices configured, against two real simulators and the
// catalogue provider the extension uses: a file that names no device is still checked against what
// both catalogues agree on (an unknown column keeps its "did you mean"), with a note that says so;
// when one device cannot be read (wrong password), the other's catalogue is used and the note says which.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCatalogueProvider } from '../../src/views/language/catalogue';
import { checkSteelfilter, resolveSteelfilterContext } from '../../src/views/language/context';
import type { HttpClientApi } from '../../src/http/types';
import { clientFor, startRig, type Rig } from './appresponse-support';

let lab: Rig;
let prod: Rig;
let refused: HttpClientApi;

before(async () => {
  lab = await startRig({ seed: 1 });
  prod = await startRig({ seed: 2 });
  refused = clientFor(prod.sim, { username: prod.sim.username, password: 'not-the-password' });
});

after(async () => {
  await refused?.close();
  await lab?.close();
  await prod?.close();
});

test('two devices, a file naming neither: the unknown column is reported with "did you mean", and a note says both were checked', async () => {
  const catalogues = createCatalogueProvider({ http: async (d) => (d === 'lab' ? lab.http : prod.http) });
  const ctx = await resolveSteelfilterContext('/w/filters/web2.aggregates.steelfilter', ['lab', 'prod'], catalogues);
  assert.equal(ctx.kind, 'agreed');
  const problems = checkSteelfilter('srv_tcp.prot == 80', ctx);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.match(problems[0].message, /unknown column "srv_tcp\.prot" in source "aggregates"; did you mean "srv_tcp\.port"/);
  assert.ok('note' in ctx && ctx.note);
  assert.match(ctx.note, /names none of them: checked only against what the "aggregates" catalogues of lab and prod agree on/);
  assert.match(ctx.note, /web2\.lab\.aggregates\.steelfilter/);
  assert.deepEqual(checkSteelfilter('srv_tcp.port == 80', ctx), [], 'a column both have passes');
});

test('the same file when one device answers 401: checked against the other, and the note says which could not be read', async () => {
  const catalogues = createCatalogueProvider({ http: async (d) => (d === 'lab' ? lab.http : refused) });
  const ctx = await resolveSteelfilterContext('web2.aggregates.steelfilter', ['lab', 'prod'], catalogues);
  assert.equal(ctx.kind, 'agreed');
  assert.equal(ctx.unavailable, true, 'checked again later');
  assert.match(checkSteelfilter('srv_tcp.prot == 80', ctx)[0]?.message ?? '', /did you mean "srv_tcp\.port"/);
  assert.ok('note' in ctx && ctx.note);
  assert.match(ctx.note, /the catalogue of prod could not be read/);
});
