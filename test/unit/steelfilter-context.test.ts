import { test } from 'node:test';
import assert from 'node:assert/strict';
import { steelfilterTarget } from '../../src/views/language/context';

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
