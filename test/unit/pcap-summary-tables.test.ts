// The capture summary in the results view: byte counts are typed (shown with units, sorted as
// numbers), the share is a number (a text "9.5%" sorted above "26.1%"), and the average rate is a bit
// rate with the byte rate beside it, as capinfos says it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeFile } from '../../src/pcap/summary';
import { summaryMarkdown, summaryTables, type SummaryColumn } from '../../src/pcap/report';
import { formatBitrate, formatBytes } from '../../src/shared/format';
import { pcapBytes, samplePackets } from './pcap-fixtures';

async function summary(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-tables-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 's.pcap');
  writeFileSync(file, pcapBytes(samplePackets(30)));
  return summarizeFile(file);
}

test('counter tables type their columns: bytes as bytes, the share as a number', async (t) => {
  const s = await summary(t);
  for (const table of summaryTables(s).slice(1)) {
    const cols = table.columns as SummaryColumn[];
    assert.deepEqual(cols.slice(1).map((c) => [c.id, c.kind]), [['packets', 'integer'], ['bytes', 'bytes'], ['share', 'number']], table.title);
    for (const row of table.rows) {
      assert.equal(typeof row[3], 'number', `${table.title}: share ${JSON.stringify(row[3])} is a number`);
      assert.equal(row[3], Math.round(((row[2] as number) / s.wireBytes) * 1000) / 10);
    }
  }
});

test('the overview gives the average rate in bits per second with the byte rate, and the wire bytes with units', async (t) => {
  const s = await summary(t);
  assert.ok(s.durationSeconds && s.durationSeconds > 0);
  const rows = new Map(summaryTables(s)[0].rows.map((r) => [r[0], r[1]]));
  assert.equal(rows.get('average rate'), `${formatBitrate((s.wireBytes * 8) / s.durationSeconds)} (${formatBytes(s.wireBytes / s.durationSeconds)}/s)`);
  assert.match(String(rows.get('average rate')), /bit\/s \(.* [kMG]?B\/s\)$/);
  assert.equal(rows.get('bytes on the wire'), `${formatBytes(s.wireBytes)} (${s.wireBytes} bytes)`);
});

test('the Markdown summary heads its tables with the column labels', async (t) => {
  const s = await summary(t);
  const md = summaryMarkdown('s.pcap', s);
  assert.match(md, /\| address \| packets \| bytes \| share % \|/);
  assert.doesNotMatch(md, /\[object Object\]/);
});

test('the overview names the link type as capinfos does (Ethernet), not by its number alone', async (t) => {
  const s = await summary(t);
  assert.deepEqual(s.linkTypes, [1]);
  const rows = new Map(summaryTables(s)[0].rows.map((r) => [r[0], r[1]]));
  assert.equal(rows.get('link types'), 'Ethernet (1)');
});
