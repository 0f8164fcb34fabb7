// Export file names: the result title and the local time to the second; a second export within the
// same second takes the next free name instead of overwriting the first file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportFileName, freeExportName } from '../../src/results/exportName';

test('an export name is the title made file-safe plus the time to the second', () => {
  const when = new Date(2026, 10, 22, 12, 5, 9);
  assert.equal(exportFileName('ips 10.0.54.24', 'csv', when), 'ips-10.0.54.24-20261122-120509.csv');
  assert.equal(exportFileName('../../etc/passwd', 'json', when), 'etc-passwd-20261122-120509.json');
  assert.equal(exportFileName('<>', 'png', when), 'result-20261122-120509.png');
  assert.equal(exportFileName('.hidden', 'csv', when), 'hidden-20261122-120509.csv', 'no dot file');
});

test('a name already taken gets -2, -3 … before its extension', async () => {
  const files = new Set(['ips-20261122-120509.csv', 'ips-20261122-120509-2.csv']);
  const taken = async (n: string): Promise<boolean> => files.has(n);
  assert.equal(await freeExportName('ips-20261122-120509.csv', taken), 'ips-20261122-120509-3.csv');
  assert.equal(await freeExportName('ips-20261122-120509.json', taken), 'ips-20261122-120509.json');
});

test('a folder with no free name is an error, not an overwrite', async () => {
  await assert.rejects(freeExportName('a.csv', async () => true, 5), /No free file name for a\.csv/);
});
