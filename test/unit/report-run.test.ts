// Report runner pieces without a device: the status-poll backoff and the validation gate.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, ReportInvalidError, ReportRunner, checkReport } from '../../src/appresponse/reportRunner';
import type { AppResponseClient } from '../../src/appresponse/client';
import type { Source } from '../../src/steelfilter/index';

const source: Source = {
  name: 'aggregates',
  granularities: ['60', '300'],
  columns: [
    { id: 'app.name', type: 'string', grouped_by: true, label: 'Application' },
    { id: 'sum_traffic.total_bytes', type: 'integer', metric: true, unit: 'bytes', label: 'Bytes' },
  ],
} as Source;

describe('report runner: backoff', () => {
  it('starts at 50 ms and doubles to the cap', () => {
    const b = new Backoff({ maxMs: 400 });
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => b.delay()), [50, 100, 200, 400, 400, 400]);
  });
  it('never sleeps past the device\'s remaining_sec estimate (plus 5 ms), nor below the floor', () => {
    const b = new Backoff({ initialMs: 800 });
    assert.equal(b.delay(120), 125);
    assert.equal(b.delay(0), 10);
    assert.equal(b.delay(5000), 1000);
  });
});

describe('report runner: validation before sending', () => {
  const validation = { getSource: (n: string) => (n === 'aggregates' ? source : undefined), sourceNames: ['aggregates'] };
  it('passes a valid data_def', () => {
    assert.deepEqual(checkReport([{ source: { name: 'aggregates' }, group_by: ['app.name'], columns: ['app.name', 'sum_traffic.total_bytes'] }], { validation }), []);
  });
  it('refuses group_by on a metric with the validator\'s message, without touching the client', async () => {
    const client = new Proxy({}, { get: () => { throw new Error('the client was used'); } }) as AppResponseClient;
    const runner = new ReportRunner(client);
    const err = await runner.run([{ source: { name: 'aggregates' }, group_by: ['sum_traffic.total_bytes'], columns: ['sum_traffic.total_bytes'] }], { validation }).catch((e: unknown) => e);
    assert.ok(err instanceof ReportInvalidError, String(err));
    assert.match(err.message, /^data_defs\[0\]\.group_by/);
    assert.equal(err.message.includes(err.problems[0].message), true);
  });
  it('live reports need the live rules (granularity)', () => {
    const problems = checkReport([{ source: { name: 'aggregates' }, columns: ['sum_traffic.total_bytes'] }], { validation, mode: 'live' });
    assert.ok(problems.length > 0);
  });
});
