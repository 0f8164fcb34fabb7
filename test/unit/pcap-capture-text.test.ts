// The words of the capture wizards and their progress: typed times checked where they are typed,
// the export's state in words, failures under a title that names the device once, cancels, and
// what an empty mm-id means (the Allegro document's own terms).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cancelText, checkTimeInput, exportPhaseText, failureText, MM_ID_PROMPT, mmIdLabel } from '../../src/commands/captureText';
import { HttpStatusError } from '../../src/http/errors';
import { CaptureDownloadError } from '../../src/pcap/download';
import { parseTimeToMicros } from '../../src/allegro/capture';

test('an end before (or at) the start is refused at the End input, naming both', () => {
  const startUs = parseTimeToMicros('2026-11-22T10:00:00Z')!;
  const before = checkTimeInput('2026-11-22T09:00:00Z', startUs);
  assert.equal(before.severity, 'error');
  assert.equal(before.message, 'The end must be after the start (2026-11-22T10:00:00.000000Z); this is 2026-11-22T09:00:00.000000Z');
  assert.equal(checkTimeInput('2026-11-22T10:00:00Z', startUs).severity, 'error', 'an empty window is refused too');
  assert.deepEqual(checkTimeInput('2026-11-22T10:00:01Z', startUs), { severity: 'info', message: `= 2026-11-22T10:00:01.000000Z = ${startUs + 1e6} µs since the epoch` });
});

test('a start, or anything typed, is checked as a time', () => {
  assert.equal(checkTimeInput('').message, 'Enter a time');
  assert.equal(checkTimeInput('yesterday').severity, 'error');
  assert.equal(checkTimeInput('1763805600').severity, 'info');
});

test('an empty mm-id is worded as the document has it: none sent, this device itself, ring buffer or live as fromCaptureBuffer says', () => {
  assert.doesNotMatch(MM_ID_PROMPT, /local live traffic/);
  assert.match(MM_ID_PROMPT, /<device name>:<slot id>/);
  assert.match(MM_ID_PROMPT, /:1 for this device's first replay slot/);
  assert.match(MM_ID_PROMPT, /Empty: none is sent, so the capture comes from this device itself .* from its ring buffer or live as fromCaptureBuffer says/);
  assert.equal(mmIdLabel(undefined), 'mm-id: none (this device itself, slot 0)');
  assert.equal(mmIdLabel(':1'), 'mm-id: :1');
});

test('the progress of an export says in words what the device is doing, never a raw state or "0%"', () => {
  assert.equal(exportPhaseText({ phase: 'waiting', state: 'UNINITIALIZED', progress: 0 }, 'LEGACY'), 'the device is setting up the export…');
  assert.equal(exportPhaseText({ phase: 'waiting', state: 'INITIALIZING', progress: 40.4 }, 'BUFFER_STREAM'), 'the device is looking for the matching packets, 40% done…');
  assert.equal(exportPhaseText({ phase: 'waiting', state: 'RUNNING', progress: 12 }, 'STREAM_TO_FILE'), 'the device is writing the packets to a file, 12% done…');
  assert.equal(exportPhaseText({ phase: 'waiting', state: 'RUNNING' }, 'LEGACY'), 'the device is filtering the packets…');
  assert.equal(exportPhaseText({ phase: 'creating' }, 'PREPARE'), 'creating the export on the device…');
  assert.equal(exportPhaseText({ phase: 'cleaning up' }, 'LEGACY'), 'deleting the export on the device…');
  for (const state of ['UNINITIALIZED', 'INITIALIZING', 'READY', 'RUNNING', 'STREAMING', 'DONE'] as const) {
    const text = exportPhaseText({ phase: 'waiting', state, progress: 0 }, 'LEGACY');
    assert.doesNotMatch(text, /[A-Z]{4,}|0%/, text);
  }
});

test('a failure under a title that names the device does not name it again', () => {
  const err = new HttpStatusError('Demo Allegro', '/API/data/modules/capture', 'GET', 403, undefined, 'Forbidden', '');
  const text = failureText('Download from Demo Allegro', 'Demo Allegro', err);
  assert.match(text, /^Download from Demo Allegro: GET \/API\/data\/modules\/capture: HTTP 403/);
  assert.doesNotMatch(text, /Demo Allegro: Demo Allegro/);
  // Wrapped by the download ("Download failed: <device>: …"), the name goes too.
  const wrapped = new CaptureDownloadError(`Download failed: ${err.message}. Nothing was received; no capture file was created.`, undefined, false);
  assert.equal(failureText('Download from Demo Allegro', 'Demo Allegro', wrapped).match(/Demo Allegro/g)?.length, 1);
  // A title without the device keeps the name in the message.
  assert.match(failureText('Listing packet sources', 'Demo Allegro', err), /: Demo Allegro: GET/);
});

test('a cancelled export says the export on the device was deleted (or why not); a cancelled download what became of its file', () => {
  const aborted = new Error('Lab AppResponse: GET /api/npm.packet_export/1.3/exports/items/00000016: cancelled');
  assert.equal(cancelText('export', aborted, []), 'Export cancelled; the export on the device was deleted.');
  assert.equal(cancelText('export', aborted, ['export handle 00000016 could not be deleted: HTTP 500']), 'Export cancelled, but the export on the device could not be deleted: export handle 00000016 could not be deleted: HTTP 500.');
  const partial = new CaptureDownloadError('Download cancelled. The partial download (1.00 MB, 700 packets) was deleted; no capture file was created.', { partPath: '/x.pcap.part', kept: false, bytes: 1_000_000, packets: 700, message: 'The partial download (1.00 MB, 700 packets) was deleted; no capture file was created.' }, true);
  assert.equal(cancelText('download', partial, []), 'Download cancelled. The partial download (1.00 MB, 700 packets) was deleted; no capture file was created.');
  assert.equal(cancelText('download', aborted, []), 'Download cancelled. Nothing was saved.');
});
