// The time range step of Export Packets: the range a new export starts with and the choices the
// step offers. The source is the one just read from the device (a tree node's copy may be hours
// old), and a source that is still capturing is exported up to when the export starts, so no
// choice carries an end that went stale while the tree sat open. Every choice says what it is;
// the highlighted one says why it is the default. Pure (no VS Code).
import type { PacketExportForm } from '../appresponse/packetExport';
import type { PacketSourceRef } from '../pcap/target';

/** What a new export asks for by default: the last 5 minutes. */
export const DEFAULT_SECONDS = 300;
const PRESET_MINUTES = [5, 15, 60];

export type ExportRange = Pick<PacketExportForm, 'startTime' | 'endTime' | 'lastSeconds'>;

export interface RangeChoice {
  label: string;
  description?: string;
  detail?: string;
  /** An absolute range, seconds since the epoch. */
  range?: [number, number];
  /** Relative: the last N seconds before the export starts. */
  lastSeconds?: number;
  /** Keeps the form's range as it is. */
  keep?: boolean;
  /** Asks for a start and an end. */
  custom?: boolean;
  /** Highlighted when the step opens. */
  active?: boolean;
}

/** "2026-11-22 09:51:25 UTC" */
export function utcClock(seconds: number): string {
  return `${new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "2026-11-22 09:51:25 → 09:56:25 UTC" (the date once when both are on the same day). */
export function utcSpan(start: number, end: number): string {
  const a = utcClock(start);
  const b = utcClock(end);
  return a.slice(0, 10) === b.slice(0, 10) ? `${a.slice(0, 19)} → ${b.slice(11)}` : `${a} → ${b}`;
}

/**
 * The range a new export starts with, and what to call it: a report row's own range; for a source
 * still capturing (or one whose times are unknown), the last 5 minutes before the export starts;
 * else the last 5 minutes of the source's data.
 */
export function initialExportRange(source: PacketSourceRef, rowRange: { start: number; end: number } | undefined): { range: ExportRange; label: string } {
  if (rowRange) return { range: { startTime: rowRange.start, endTime: rowRange.end }, label: "the report row's time range" };
  if (source.live || source.endTime === undefined) {
    return { range: { lastSeconds: DEFAULT_SECONDS }, label: source.live ? 'default: the source is still capturing' : "default: the source's times are unknown" };
  }
  const end = source.endTime;
  const start = Math.max(source.startTime ?? 0, end - DEFAULT_SECONDS);
  // A source shorter than that (a 30 s clip, a 10 s file) is exported whole: say so.
  if (source.startTime !== undefined && start === source.startTime) {
    return { range: { startTime: start, endTime: end }, label: `all of its data (${formatMinutes(end - start)})` };
  }
  return { range: { startTime: start, endTime: end }, label: `last ${DEFAULT_SECONDS / 60} minutes of its data` };
}

/**
 * The choices of the time range step. `current` is the form's range and `currentLabel` what it was
 * called when it was set (the default's reason, "the original export's time range", …); it comes
 * first and is highlighted, or, when it is one of the "last N minutes" presets, that preset is.
 */
export function exportRangeChoices(current: ExportRange, currentLabel: string, source: PacketSourceRef, nowSeconds: number): RangeChoice[] {
  const now = Math.floor(nowSeconds);
  const choices: RangeChoice[] = [];
  const preset = current.lastSeconds !== undefined && PRESET_MINUTES.includes(current.lastSeconds / 60) ? current.lastSeconds : undefined;
  if (current.lastSeconds !== undefined && preset === undefined) {
    choices.push({ label: `$(history) ${currentLabel}`, description: `the last ${formatMinutes(current.lastSeconds)} before the export starts`, keep: true, active: true });
  } else if (current.lastSeconds === undefined && current.startTime !== undefined && current.endTime !== undefined) {
    choices.push({ label: `$(history) ${currentLabel}`, description: utcSpan(current.startTime, current.endTime), keep: true, active: true });
  }
  for (const m of PRESET_MINUTES) {
    const chosen = preset === m * 60;
    const why = currentLabel.startsWith('default') ? currentLabel : 'current';
    choices.push({
      label: `last ${m} minutes`,
      description: `before the export starts${chosen ? ` · ${why}` : ''}`,
      range: [now - m * 60, now],
      lastSeconds: m * 60,
      ...(chosen ? { active: true } : {}),
    });
  }
  if (source.startTime !== undefined && (source.endTime !== undefined || source.live)) {
    const end = source.live ? Math.max(now, source.endTime ?? 0) : source.endTime!;
    choices.push({
      label: 'everything in this source',
      detail: source.live ? `${utcClock(source.startTime)} → now (${source.name ?? source.id} is still capturing)` : utcSpan(source.startTime, end),
      range: [source.startTime, end],
    });
  }
  choices.push({ label: 'absolute start and end…', detail: 'local time, ISO 8601 or epoch seconds', custom: true });
  if (!choices.some((c) => c.active)) choices[0]!.active = true;
  return choices;
}

/** "5 minutes", "1 minute", "90 s". */
export function formatMinutes(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} s`;
}
