// Re-run Capture, planned from a capture's sidecar before anything is sent: the same request,
// named like a fresh capture (device, subject, the current time), saved beside the note the
// command was started from (and linked there) or else beside the original, recording which
// capture it repeats. Relative windows ("last 10 min", "live for 30 s", an export's "last 5
// minutes") are re-evaluated from when it starts; absolute ones are repeated as they were.
// Pure (no VS Code): the capture wizards show the plan at their review step.
import * as path from 'node:path';
import { captureSubject, isoFromMicros, toEpochMicros, type AllegroCaptureForm, type CaptureWindow } from '../allegro/capture';
import type { PacketExportForm } from '../appresponse/packetExport';
import type { ExportMode } from '../appresponse/types';
import { defaultBaseName } from '../pcap/naming';
import { formatMinutes, utcClock } from './exportRange';
import type { CaptureSidecar, RerunSource } from '../pcap/sidecar';

/** The time window a capture asks for, as it would be if it started at `nowMs`. */
export interface WindowPlan {
  /** Re-evaluated from the start of each run (false: the same absolute times every time). */
  relative: boolean;
  /** ISO 8601 UTC, when the window has them. */
  start?: string;
  end?: string;
  /** One line for the review: which kind of window, and its times if started now. */
  text: string;
}

interface PlanCommon {
  device: string;
  /** Where the new capture goes: the note's folder when started from one, else the original's. */
  folder: string;
  /** Insert a link into the note the command was started from. */
  linkNote: boolean;
  /** File name stem of a fresh capture made now. */
  stem: string;
  rerunOf: RerunSource;
  /** What is captured: the expression, or the source and filters. */
  what: string;
  window: WindowPlan;
}

export type RerunPlan = PlanCommon & ({ kind: 'allegro'; form: AllegroCaptureForm } | { kind: 'appresponse'; form: PacketExportForm });

/** "2026-11-22 10:13:30 UTC" */
/** The stem a fresh capture of this form gets (the wizards' default file name). */
export function allegroStem(device: string, form: AllegroCaptureForm, time = new Date()): string {
  return defaultBaseName({ device, subject: captureSubject(form), time });
}

export function exportStem(device: string, form: PacketExportForm, time = new Date()): string {
  return defaultBaseName({ device, subject: form.source.name ?? form.source.id, time });
}

/** An Allegro window as it would be sent at `nowMs`; `rerun` says "as the original" for absolute ones. */
export function allegroWindowPlan(w: CaptureWindow, nowMs: number, rerun = false): WindowPlan {
  if (w.kind === 'lastMinutes') {
    const start = nowMs - w.minutes * 60_000;
    return {
      relative: true, start: new Date(start).toISOString(), end: new Date(nowMs).toISOString(),
      text: `relative: the last ${w.minutes} min before it starts (started now: ${utcClock(start / 1000)} → ${utcClock(nowMs / 1000).slice(11)})`,
    };
  }
  if (w.kind === 'live') {
    const end = nowMs + w.seconds * 1000;
    return {
      relative: true, start: new Date(nowMs).toISOString(), end: new Date(end).toISOString(),
      text: `relative: live traffic for ${w.seconds} s from when it starts (started now: ${utcClock(nowMs / 1000)} → ${utcClock(end / 1000).slice(11)})`,
    };
  }
  const startUs = w.startUs ?? toEpochMicros(w.startMs);
  const endUs = w.endUs ?? toEpochMicros(w.endMs);
  const future = endUs > toEpochMicros(nowMs) ? ', ending in the future (live traffic until then)' : '';
  return {
    relative: false, start: isoFromMicros(startUs), end: isoFromMicros(endUs),
    text: `absolute: ${rerun ? 'the same window as the original capture, ' : ''}${isoFromMicros(startUs)} → ${isoFromMicros(endUs)}${future}`,
  };
}

/**
 * The form of an export about to start at `nowMs`: a relative range ("last 5 minutes") becomes
 * the last N seconds before now; an absolute one is unchanged.
 */
export function exportFormAt(form: PacketExportForm, nowMs: number): PacketExportForm {
  if (form.lastSeconds === undefined) return form;
  const end = Math.floor(nowMs / 1000);
  return { ...form, startTime: end - form.lastSeconds, endTime: end };
}

/** An export's time range as it would be sent at `nowMs`; `rerun` says "as the original" for absolute ones. */
export function exportWindowPlan(form: PacketExportForm, nowMs: number, rerun = false): WindowPlan {
  const iso = (s: number) => new Date(s * 1000).toISOString();
  if (form.lastSeconds !== undefined) {
    const at = exportFormAt(form, nowMs);
    return {
      relative: true, start: iso(at.startTime!), end: iso(at.endTime!),
      text: `relative: the last ${formatMinutes(form.lastSeconds)} before it starts (started now: ${utcClock(at.startTime!)} → ${utcClock(at.endTime!).slice(11)})`,
    };
  }
  if (form.startTime === undefined && form.endTime === undefined) return { relative: false, text: 'everything the source holds' };
  const plan: WindowPlan = { relative: false, text: '' };
  if (form.startTime !== undefined) plan.start = iso(form.startTime);
  if (form.endTime !== undefined) plan.end = iso(form.endTime);
  plan.text = `absolute: ${rerun ? 'the same time range as the original export, ' : ''}${plan.start ?? 'the start of the source'} → ${plan.end ?? 'its end'}`;
  return plan;
}

/** What an Allegro form captures, in a few words. */
export function allegroWhat(form: AllegroCaptureForm): string {
  return `${form.expression.trim() || 'all traffic'}${form.mmId ? ` (mm-id ${form.mmId})` : ''}`;
}

/** What an export captures, in a few words. */
export function exportWhat(form: PacketExportForm): string {
  const filters = form.filters?.map((f) => `${f.type} ${f.value}`).join(' and ');
  return `${form.source.name ?? form.source.id} (${form.source.type}), ${filters || 'no filter'}`;
}

export interface RerunOptions {
  /** The moment the plan is for (default: now). */
  nowMs?: number;
  /** The folder of the Markdown note the command was started from, if any. */
  noteFolder?: string;
}

/** What Re-run Capture will do for the capture at `capturePath` with this sidecar. */
export function planRerun(capturePath: string, sidecar: CaptureSidecar, options: RerunOptions = {}): RerunPlan {
  const nowMs = options.nowMs ?? Date.now();
  const device = sidecar.device.name;
  const common = {
    device,
    folder: options.noteFolder ?? path.dirname(capturePath),
    linkNote: options.noteFolder !== undefined,
    rerunOf: { path: capturePath, sha256: sidecar.sha256, startedAt: sidecar.startedAt },
  };
  if (sidecar.rerun.kind === 'allegro') {
    const form = sidecar.rerun.form as unknown as AllegroCaptureForm;
    return {
      ...common, kind: 'allegro', form,
      stem: allegroStem(device, form, new Date(nowMs)), what: allegroWhat(form), window: allegroWindowPlan(form.window, nowMs, true),
    };
  }
  const saved = sidecar.rerun.form as unknown as PacketExportForm;
  // A PREPARE export is repeated in the mode picked after its estimate last time.
  const form: PacketExportForm = { ...saved, mode: saved.mode === 'PREPARE' ? (sidecar.mode as ExportMode) : saved.mode };
  return {
    ...common, kind: 'appresponse', form,
    stem: exportStem(device, form, new Date(nowMs)), what: exportWhat(form), window: exportWindowPlan(form, nowMs, true),
  };
}
