// The words of the capture wizards and their progress: typed times checked where they are typed,
// the export's state in words, failures under a title that names the device once, cancels, and
// what an empty mm-id means (the Allegro document's own terms).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTimeInput, MM_ID_PROMPT, mmIdLabel } from '../../src/commands/captureText';
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
