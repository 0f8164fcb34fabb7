// The document lists `sort` among the data_def properties ("source, time, group_by, sort, limit,
// and filters"): the simulated device accepts it and ranks by it when top_by is absent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DataDefRequest } from '../../src/appresponse/types';
import { startRig, type Rig } from './appresponse-support';

let rig: Rig;
before(async () => { rig = await startRig({ seed: 3 }); });
after(async () => { await rig.close(); });

const base: DataDefRequest = {
  source: { name: 'aggregates' },
  group_by: ['tcp.ip'],
  time: { duration: '1 hour' },
  limit: 5,
  columns: ['tcp.ip', 'sum_traffic.total_bytes'],
};

const bytesOf = (rows: unknown[][]) => rows.map((r) => Number(r[1]));

test('a data_def with sort ascending answers the smallest talkers first', async () => {
  const { instance, ref } = await rig.client.runSync([{ ...base, sort: [{ id: 'sum_traffic.total_bytes', direction: 'asc' }] }]);
  try {
    const dd = instance.data_defs[0]!;
    assert.equal(dd.status.state, 'completed');
    const asc = bytesOf(dd.data as unknown[][]);
    assert.equal(asc.length, 5);
    assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
    const top = await rig.client.runSync([{ ...base, top_by: [{ id: 'sum_traffic.total_bytes', direction: 'desc' }] }]);
    const desc = bytesOf(top.instance.data_defs[0]!.data as unknown[][]);
    assert.ok(Math.max(...asc) <= Math.min(...desc), 'ascending sort picks other talkers than the top by bytes');
    await rig.client.deleteInstance(top.ref);
  } finally {
    await rig.client.deleteInstance(ref);
  }
});

test('sort on an unknown column is refused like top_by', async () => {
  await assert.rejects(rig.client.runSync([{ ...base, sort: [{ id: 'no.such', direction: 'desc' }] }]), /sort: unknown column 'no.such'/);
});
