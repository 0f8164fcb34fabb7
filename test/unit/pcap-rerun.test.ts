// Re-run Capture, planned from a sidecar: a fresh name, relative windows re-evaluated from now,
// absolute ones kept (and said so), the note's folder and link when started from a note, and
// the original recorded for the new sidecar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { exportFormAt, planRerun } from '../../src/commands/rerun';
import { rerunRecord, SIDECAR_SCHEMA, type CaptureSidecar } from '../../src/pcap/sidecar';
import type { AllegroCaptureForm } from '../../src/allegro/capture';
import type { PacketExportForm } from '../../src/appresponse/packetExport';

const ORIGINAL_AT = Date.UTC(2026, 10, 22, 10, 6, 56);
const NOW = Date.UTC(2026, 10, 22, 10, 13, 30);
const CAPTURES = path.join(path.sep, 'work', 'notes', 'captures');
const ORIGINAL = path.join(CAPTURES, 'lab-mm_10.1.2.3_20261122-100656Z.pcap');

function sidecar(kind: 'allegro' | 'appresponse', form: object, mode: CaptureSidecar['mode'] = kind === 'allegro' ? 'allegro' : 'LEGACY'): CaptureSidecar {
  return {
    schema: SIDECAR_SCHEMA, file: path.basename(ORIGINAL), device: { name: kind === 'allegro' ? 'lab-mm' : 'lab-ar', kind }, query: {}, timeRange: {}, mode,
    format: 'pcap', size: 100, packetCount: 3, sha256: 'a'.repeat(64), linkTypes: [1],
    startedAt: new Date(ORIGINAL_AT).toISOString(), finishedAt: new Date(ORIGINAL_AT + 400_000).toISOString(),
    rerun: { kind, form: form as Record<string, unknown> },
  };
}

const lastTen: AllegroCaptureForm = { expression: 'ip==10.1.2.3', window: { kind: 'lastMinutes', minutes: 10 } };

test('a re-run is named like a fresh capture made now, not after the original', () => {
  const plan = planRerun(ORIGINAL, sidecar('allegro', lastTen), { nowMs: NOW });
  assert.equal(plan.stem, 'lab-mm_10.1.2.3_20261122-101330Z');
  const ar = planRerun(ORIGINAL, sidecar('appresponse', { source: { type: 'job', id: 'j1', name: 'default_job' }, startTime: 1, endTime: 2, mode: 'LEGACY' }), { nowMs: NOW });
  assert.equal(ar.stem, 'lab-ar_default_job_20261122-101330Z');
});

test('a relative Allegro window is re-evaluated from now and the plan says so', () => {
  const plan = planRerun(ORIGINAL, sidecar('allegro', lastTen), { nowMs: NOW });
  assert.equal(plan.kind, 'allegro');
  assert.equal(plan.window.relative, true);
  assert.equal(plan.window.start, '2026-11-22T10:03:30.000Z');
  assert.equal(plan.window.end, '2026-11-22T10:13:30.000Z');
  assert.match(plan.window.text, /^relative: the last 10 min before it starts \(started now: 2026-11-22 10:03:30 UTC → 10:13:30 UTC\)$/);
  const live = planRerun(ORIGINAL, sidecar('allegro', { expression: '', window: { kind: 'live', seconds: 30 } }), { nowMs: NOW });
  assert.equal(live.window.relative, true);
  assert.equal(live.window.end, '2026-11-22T10:14:00.000Z');
  assert.match(live.window.text, /^relative: live traffic for 30 s from when it starts/);
  assert.equal(live.what, 'all traffic');
});

test('an absolute Allegro window is repeated as it was, and the plan says it is the same window', () => {
  const form: AllegroCaptureForm = { expression: 'ip==10.1.2.3', window: { kind: 'absolute', startMs: ORIGINAL_AT - 60_000, endMs: ORIGINAL_AT } };
  const plan = planRerun(ORIGINAL, sidecar('allegro', form), { nowMs: NOW });
  assert.equal(plan.window.relative, false);
  assert.deepEqual((plan.form as AllegroCaptureForm).window, form.window);
  assert.equal(plan.window.text, 'absolute: the same window as the original capture, 2026-11-22T10:05:56.000000Z → 2026-11-22T10:06:56.000000Z');
  assert.equal(plan.what, 'ip==10.1.2.3');
});

test('an export picked as "last N minutes" is re-evaluated when it starts; an absolute one is kept', () => {
  const relative: PacketExportForm = { source: { type: 'job', id: 'j1' }, startTime: 100, endTime: 400, lastSeconds: 300, mode: 'LEGACY', filters: [{ type: 'BPF', value: 'port 53' }] };
  const plan = planRerun(ORIGINAL, sidecar('appresponse', relative), { nowMs: NOW });
  assert.equal(plan.window.relative, true);
  assert.match(plan.window.text, /^relative: the last 5 minutes before it starts \(started now: 2026-11-22 10:08:30 UTC → 10:13:30 UTC\)$/);
  assert.deepEqual(
    [exportFormAt(plan.form as PacketExportForm, NOW + 5000).startTime, exportFormAt(plan.form as PacketExportForm, NOW + 5000).endTime],
    [NOW / 1000 + 5 - 300, NOW / 1000 + 5],
  );
  assert.equal(plan.what, 'j1 (job), BPF port 53');
  const absolute: PacketExportForm = { source: { type: 'job', id: 'j1' }, startTime: ORIGINAL_AT / 1000 - 300, endTime: ORIGINAL_AT / 1000, mode: 'LEGACY' };
  const kept = planRerun(ORIGINAL, sidecar('appresponse', absolute), { nowMs: NOW });
  assert.equal(kept.window.relative, false);
  assert.equal(kept.window.text, 'absolute: the same time range as the original export, 2026-11-22T10:01:56.000Z → 2026-11-22T10:06:56.000Z');
  assert.deepEqual(exportFormAt(kept.form as PacketExportForm, NOW), kept.form);
});

test('a PREPARE export is re-run in the mode picked after its estimate', () => {
  const plan = planRerun(ORIGINAL, sidecar('appresponse', { source: { type: 'job', id: 'j1' }, mode: 'PREPARE' }, 'LIVE_STREAM'), { nowMs: NOW });
  assert.equal((plan.form as PacketExportForm).mode, 'LIVE_STREAM');
});

test('started from a note, the re-run goes beside the note and links there; else beside the original', () => {
  const notes = path.join(path.sep, 'work', 'notes');
  const fromNote = planRerun(ORIGINAL, sidecar('allegro', lastTen), { nowMs: NOW, noteFolder: notes });
  assert.equal(fromNote.folder, notes);
  assert.equal(fromNote.linkNote, true);
  const fromView = planRerun(ORIGINAL, sidecar('allegro', lastTen), { nowMs: NOW });
  assert.equal(fromView.folder, CAPTURES);
  assert.equal(fromView.linkNote, false);
});

test('the new sidecar records the original, relative to the new capture', () => {
  const plan = planRerun(ORIGINAL, sidecar('allegro', lastTen), { nowMs: NOW });
  assert.deepEqual(plan.rerunOf, { path: ORIGINAL, sha256: 'a'.repeat(64), startedAt: '2026-11-22T10:06:56.000Z' });
  assert.deepEqual(rerunRecord(path.join(path.sep, 'work', 'notes', 'x.pcap'), plan.rerunOf), {
    file: 'captures/lab-mm_10.1.2.3_20261122-100656Z.pcap', sha256: 'a'.repeat(64), startedAt: '2026-11-22T10:06:56.000Z',
  });
});
