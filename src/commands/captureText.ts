// What the capture wizards and their progress say, in words: the checks of a typed start and end
// time, the export's state while the device works, a failure under a title that already names the
// device, a cancel, and what an empty mm-id means. Pure (no VS Code), so the words are tested.
import { isoFromMicros, parseTimeToMicros } from '../allegro/capture';
import type { ExportProgress } from '../appresponse/packetExport';
import type { ExportMode } from '../appresponse/types';
import { CaptureDownloadError, describeFailure } from '../pcap/download';

export interface TimeCheck {
  severity: 'error' | 'info';
  message: string;
}

/**
 * A typed time: an error when it is not one, or (for an end) not after the start; else what it
 * means, in UTC and in microseconds since the epoch.
 */
export function checkTimeInput(text: string, startUs?: number, localOffsetMinutes?: (ms: number) => number): TimeCheck {
  if (!text.trim()) return { severity: 'error', message: 'Enter a time' };
  const us = parseTimeToMicros(text, localOffsetMinutes);
  if (us === undefined) return { severity: 'error', message: 'Use 2026-01-31 14:05:00 (local), 2026-01-31T13:05:00Z, or epoch seconds' };
  if (startUs !== undefined && us <= startUs) {
    return { severity: 'error', message: `The end must be after the start (${isoFromMicros(startUs)}); this is ${isoFromMicros(us)}` };
  }
  return { severity: 'info', message: `= ${isoFromMicros(us)} = ${us} µs since the epoch` };
}

/** The review item's words for the mm-id (the document: `<device name>:<slot id>`, the name may be left out). */
export const MM_ID_PROMPT =
  'mm-id as <device name>:<slot id>, e.g. :1 for this device\'s first replay slot or branch1:0 for a member of a multi-device gateway. '
  + 'Empty: none is sent, so the capture comes from this device itself (its live-traffic analysis, slot 0), from its ring buffer or live as fromCaptureBuffer says';

export function mmIdLabel(mmId: string | undefined): string {
  return `mm-id: ${mmId || 'none (this device itself, slot 0)'}`;
}

const STATE_WORDS: Record<string, string> = {
  UNINITIALIZED: 'the device is setting up the export',
  INITIALIZING: 'the device is looking for the matching packets',
  READY: 'the export is ready',
  STREAMING: 'the device is sending the packets',
  DONE: 'the device has finished',
  ERRORS: 'the export failed on the device',
  NODATA: 'no packets match',
};

/** The progress line while the device works on an export, in words ("…, 40% done"). */
export function exportPhaseText(p: ExportProgress, mode: ExportMode): string {
  switch (p.phase) {
    case 'creating':
      return 'creating the export on the device…';
    case 'estimate':
      return 'the estimate is ready';
    case 'cleaning up':
      return 'deleting the export on the device…';
    case 'downloading':
      return 'downloading…';
    case 'waiting': {
      const running = mode === 'STREAM_TO_FILE' ? 'the device is writing the packets to a file' : 'the device is filtering the packets';
      const words = p.state === 'RUNNING' ? running : p.state ? STATE_WORDS[p.state] ?? `the export is ${p.state.toLowerCase()}` : 'waiting for the device';
      const pct = p.progress !== undefined && p.progress > 0 && p.progress < 100 ? `, ${Math.round(p.progress)}% done` : '';
      return `${words}${pct}…`;
    }
  }
}

/**
 * The failure's own text under a title that already names the device: "Download from Demo Allegro:
 * GET …", not "Download from Demo Allegro: Demo Allegro: GET …".
 */
export function failureText(title: string, deviceName: string, err: unknown): string {
  let text = describeFailure(err);
  if (deviceName && title.includes(deviceName)) {
    const name = deviceName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    text = text.replace(new RegExp(`(^|: |\\. )${name}: `, 'g'), '$1');
  }
  return `${title}: ${text}`;
}

/**
 * What a cancel did, for the user and the log (at info level: the user asked for it). An export
 * says whether its handle on the device was deleted; a download what became of its partial file.
 */
export function cancelText(kind: 'export' | 'download', err: unknown, cleanupWarnings: readonly string[]): string {
  const partial = err instanceof CaptureDownloadError && err.partial && err.partial.bytes > 0 ? ` ${err.partial.message}` : '';
  if (kind === 'download') return `Download cancelled.${partial || ' Nothing was saved.'}`;
  const device = cleanupWarnings.length
    ? `Export cancelled, but the export on the device could not be deleted: ${cleanupWarnings.join('; ')}.`
    : 'Export cancelled; the export on the device was deleted.';
  return `${device}${partial}`;
}

/** The device refused an Allegro capture request: its own words, and the wizard step to change. */
export interface CaptureRefusal {
  text: string;
  /** 'expression' when the device names the expression; else the review step (mm-id, slot, …). */
  step: 'expression' | 'review';
}

/**
 * An Allegro capture the device refused for what was asked (HTTP 400, 404 or 422: a bad
 * expression, an unknown mm-id or ring buffer), as opposed to a login, a permission, a busy device
 * or the network. The wizard then opens again with the form as it was, so nothing typed is lost.
 */
export function allegroRefusalOf(err: unknown): CaptureRefusal | undefined {
  const e = err as { kind?: string; status?: number; errorText?: string; body?: string } | undefined;
  if (e?.kind !== 'http' || (e.status !== 400 && e.status !== 404 && e.status !== 422)) return undefined;
  const text = (e.errorText ?? e.body ?? '').trim() || `HTTP ${e.status}`;
  return { text, step: /expression|filter/i.test(text) ? 'expression' : 'review' };
}

/**
 * What to do when the Allegro refuses the capture URL to this user (HTTP 403): the document says
 * the capture needs the pcap role (admins have it). Undefined for any other failure.
 */
export function allegroCaptureHint(err: unknown): string | undefined {
  const e = err as { kind?: string; status?: number } | undefined;
  if (e?.kind !== 'http' || e.status !== 403) return undefined;
  return 'The capture URL needs a user with the pcap role (or admin): enable it for this user on the Allegro, or use another user for this device (Edit Device…).';
}
