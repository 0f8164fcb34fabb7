// The time range step of Export Packets: what a new export asks for by default and the choices
// the step offers, each labelled, none with an end that went stale while the tree sat open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportRangeChoices, initialExportRange } from '../../src/commands/exportRange';
import { exportFormAt } from '../../src/commands/rerun';
import type { PacketSourceRef } from '../../src/pcap/target';

// 10:31:00 UTC; the job was read at 09:56:25 by the tree, but the wizard reads it again.
const now = Date.UTC(2026, 10, 22, 10, 31, 0) / 1000;
const jobStart = Date.UTC(2026, 10, 22, 9, 29, 0) / 1000;
const running: PacketSourceRef = { type: 'job', id: 'c69a', name: 'default_job', startTime: jobStart, endTime: now, live: true };

test('a source still capturing defaults to the last 5 minutes before the export starts, highlighted and labelled as the default', () => {
  const { range, label } = initialExportRange(running, undefined);
  assert.deepEqual(range, { lastSeconds: 300 });
  const choices = exportRangeChoices(range, label, running, now);
  const active = choices.filter((c) => c.active);
  assert.equal(active.length, 1);
  assert.equal(active[0]!.label, 'last 5 minutes');
  assert.match(active[0]!.description!, /default: the source is still capturing/);
  // Started 35 minutes later, it still asks for the 5 minutes before the start.
  const later = exportFormAt({ source: running, mode: 'LEGACY', ...range }, (now + 35 * 60) * 1000);
  assert.equal(later.endTime, now + 35 * 60);
});

test('every time range choice has a label; "everything in this source" of a running job ends now', () => {
  const { range, label } = initialExportRange(running, undefined);
  const choices = exportRangeChoices(range, label, running, now);
  for (const c of choices) assert.match(c.label, /[a-z]/, `a choice with words: ${JSON.stringify(c)}`);
  const everything = choices.find((c) => c.label === 'everything in this source')!;
  assert.deepEqual(everything.range, [jobStart, now]);
  assert.match(everything.detail!, /→ now \(default_job is still capturing\)/);
});

test('a node read long ago does not hold the range back: a live source ends when the step is shown', () => {
  const stale: PacketSourceRef = { ...running, endTime: now - 35 * 60 };
  const everything = exportRangeChoices({ lastSeconds: 300 }, 'default: the source is still capturing', stale, now).find((c) => c.label === 'everything in this source')!;
  assert.equal(everything.range![1], now);
});

test('a stopped source defaults to the last 5 minutes of its data, and the first choice says so', () => {
  const stopped: PacketSourceRef = { type: 'clip', id: 'x', name: 'incident', startTime: now - 3600, endTime: now - 1800 };
  const { range, label } = initialExportRange(stopped, undefined);
  assert.deepEqual(range, { startTime: now - 2100, endTime: now - 1800 });
  const [first] = exportRangeChoices(range, label, stopped, now);
  assert.equal(first!.label, '$(history) last 5 minutes of its data');
  assert.equal(first!.description, '2026-11-22 09:56:00 → 10:01:00 UTC');
  assert.equal(first!.active, true);
  assert.equal(first!.keep, true);
});

test("a report row's range is the default, named as such", () => {
  const { range, label } = initialExportRange(running, { start: now - 600, end: now - 540 });
  assert.deepEqual(range, { startTime: now - 600, endTime: now - 540 });
  const [first] = exportRangeChoices(range, label, running, now);
  assert.equal(first!.label, "$(history) the report row's time range");
});

test('a stopped source shorter than 5 minutes (a 30 s clip) is exported whole, and the first choice says so instead of "last 5 minutes"', () => {
  const clip: PacketSourceRef = { type: 'clip', id: 'y', name: 'Slow page loads', startTime: now - 630, endTime: now - 600 };
  const { range, label } = initialExportRange(clip, undefined);
  assert.deepEqual(range, { startTime: now - 630, endTime: now - 600 });
  const [first] = exportRangeChoices(range, label, clip, now);
  assert.equal(first!.label, '$(history) all of its data (30 s)');
  assert.equal(first!.description, '2026-11-22 10:20:30 → 10:21:00 UTC');
  assert.equal(first!.active, true);
});
