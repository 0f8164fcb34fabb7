// Our report validator against the simulated AppResponse: for each invalid data_def, the validator
// refuses it before anything is sent, naming the same reason the device gives when it is sent anyway
// (HTTP 400 REQUEST_INVALID_INPUT error_text, or the data_def's error message id and text). Valid
// requests pass the validator and complete on the device. The catalogue comes from the device.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStatusError } from '../../src/http/errors';
import type { InstanceResponse } from '../../src/appresponse/types';
import { exampleReportFile, topHostGroupsDataDef, validateReportRequest, type ReportProblem } from '../../src/report/index';
import { createCatalogueProvider, type CatalogueProvider } from '../../src/views/language/catalogue';
import type { Source } from '../../src/steelfilter/index';
import { startRig, type Rig } from './appresponse-support';

const base = topHostGroupsDataDef;

const INVALID: [string, Record<string, unknown>][] = [
  ['group_by on a metric', { ...base(), group_by: ['avg_traffic.total_bytes_ps'] }],
  ['an unknown column', { ...base(), columns: ['host_group.id', 'host_group.nam'] }],
  ['bottom talkers where only top talkers exist', { ...base(), top_by: [{ id: 'avg_traffic.total_bytes_ps', direction: 'asc' }] }],
  ['a misspelt direction', { ...base(), top_by: [{ id: 'avg_traffic.total_bytes_ps', direction: 'acs' }] }],
  ['an unknown property', { ...base(), top: 5 }],
  ['an unknown source', { ...base(), source: { name: 'agregates' } }],
  ['a bad source type', { ...base(), source: { name: 'aggregates', type: 'FLOWS' } }],
  ['the packets source without a path', { source: { name: 'packets' }, columns: ['start_time', 'sum_traffic.total_bytes'], group_by: ['start_time'], time: { duration: 'last 1 minute' } }],
  ['the document\'s "xyz seconds"', { ...base(), time: { duration: 'xyz seconds' } }],
  ['an unknown duration unit', { ...base(), time: { duration: 'last 5 fortnights' } }],
  ['start, end and duration together', { ...base(), time: { start: '1461703405', end: '1461709465', duration: '1 hour' } }],
  ['an end before the start', { ...base(), time: { start: '1461709465', end: '1461703405' } }],
  ['a millisecond epoch as the start', { ...base(), time: { start: '1461703405000', duration: '1 hour' } }],
  ['a fractional count of calendar months', { ...base(), time: { duration: 'previous 1.5 months' } }],
  ['a granularity the source does not offer', { ...base(), time: { duration: 'last 1 hour', granularity: '120' } }],
  ['a resolution that is not a multiple of the granularity', { ...base(), time: { duration: 'last 1 day', granularity: '300', resolution: '1000' } }],
  ['a filter on an unknown column', { ...base(), filters: [{ value: "srv_tcp.prot == 80" }] }],
  ['an IP column compared with a word', { ...base(), filters: [{ type: 'STEELFILTER', value: "cli_tcp.ip == 'abc'" }] }],
  ['a syntax error in a filter', { ...base(), filters: [{ value: "(app.name == 'HTTP'" }] }],
  ['a port out of range', { ...base(), filters: [{ value: 'srv_tcp.port == 70000' }] }],
  ['a WIRESHARK filter on aggregates', { ...base(), filters: [{ type: 'WIRESHARK', value: 'ip.src==192.168.0.0/16' }] }],
  ['a filter type that does not exist', { ...base(), filters: [{ type: 'SQL', value: 'x' }] }],
];

describe('report validator and the device agree on why a data_def is refused', () => {
  let rig: Rig;
  let catalogues: CatalogueProvider;
  let sources: Map<string, Source>;
  let names: string[];

  before(async () => {
    rig = await startRig();
    catalogues = createCatalogueProvider({ http: async () => rig.http });
    names = await catalogues.getSourceNames('sim');
    sources = new Map();
    for (const n of ['aggregates', 'packets']) sources.set(n, (await catalogues.getSource('sim', n))!);
  });
  after(() => rig.close());

  const ours = (def: unknown): ReportProblem[] =>
    validateReportRequest({ data_defs: [def] }, { getSource: (n) => sources.get(n), sourceNames: names }).filter((p) => p.severity === 'error');

  /** What the device says: the 400 error_text, or the first message of the data_def in state error. */
  async function device(def: unknown): Promise<{ kind: 'request' | 'data_def' | 'ok'; id?: string; text?: string }> {
    let instance: InstanceResponse;
    try {
      instance = (await rig.http.json<InstanceResponse>({ method: 'POST', path: '/api/npm.reports/1.0/instances/sync', body: { data_defs: [def] } })).body;
    } catch (e) {
      if (e instanceof HttpStatusError && e.status === 400) return { kind: 'request', id: e.errorId, text: e.errorText };
      throw e;
    }
    await rig.client.deleteInstance(instance.id);
    const d = instance.data_defs[0];
    if (d.status.state === 'error') return { kind: 'data_def', id: d.status.messages?.[0]?.id, text: d.status.messages?.[0]?.text };
    return { kind: 'ok' };
  }

  it('reads the catalogue from the device, with enum values from the fields API', () => {
    assert.ok(names.includes('aggregates') && names.includes('packets'), names.join());
    const proto = sources.get('aggregates')!.columns.find((c) => c.id === 'ip.protocol.type_name');
    assert.ok(proto?.enum_values?.some((v) => (typeof v === 'string' ? v : v.value) === 'TCP'), JSON.stringify(proto?.enum_values));
  });

  it('the document\'s top host groups request passes our validator and completes on the device', async () => {
    assert.deepEqual(ours(base()), []);
    assert.equal((await device(base())).kind, 'ok');
  });

  it('the example report file passes our validator and every data_def completes on the device', async () => {
    for (const def of exampleReportFile('sim').data_defs) {
      assert.deepEqual(ours(def), []);
      assert.equal((await device(def)).kind, 'ok');
    }
  });

  for (const [name, def] of INVALID) {
    it(`${name}: refused by both, for the same reason`, async () => {
      const problems = ours(def);
      assert.ok(problems.length > 0, 'our validator lets it through');
      const first = problems[0];
      const said = await device(def);
      if (first.device.module_id === 'request') {
        assert.equal(said.kind, 'request', `device: ${JSON.stringify(said)}`);
        assert.equal(said.id, 'REQUEST_INVALID_INPUT');
        assert.equal(said.text, first.device.text);
      } else {
        assert.equal(said.kind, 'data_def', `device: ${JSON.stringify(said)}`);
        assert.equal(said.id, first.device.id);
        assert.equal(said.text, first.device.text);
      }
    });
  }
});
