// Display formatting of cell values by column kind. Pure; used by the webview (cells, chart axes,
// legends) and by the generated CSV. Byte counters use decimal units (kB = 1000 B) like the
// appliances' own UIs; rates are shown in bits per second (bytes × 8). Sizes, rates and durations
// come from the shared formatter (src/shared/format.ts).
import { formatBitrate, formatBytes, formatDuration } from '../shared/format';
import { NO_DATA, NOT_APPLICABLE, type CellValue, type ColumnKind } from './model';

export { formatBitrate, formatBytes, formatDuration } from '../shared/format';

/** Bytes per second shown as a bit rate. */
export function formatByterate(bytesPerSecond: number): string {
  return formatBitrate(bytesPerSecond * 8);
}

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

export function formatInteger(value: number): string {
  return integerFormat.format(value);
}

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

/** Epoch seconds → local "YYYY-MM-DD HH:MM:SS" (+ ".mmm" when the value has a fraction). */
export function formatTimestamp(epochSeconds: number, utc = false): string {
  const d = new Date(epochSeconds * 1000);
  if (Number.isNaN(d.getTime())) return String(epochSeconds);
  const [y, mo, da, h, mi, s] = utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  const base = `${y}-${pad2(mo)}-${pad2(da)} ${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
  const ms = Math.round((epochSeconds % 1) * 1000);
  return ms ? `${base}.${String(ms).padStart(3, '0')}` : base;
}

/**
 * The zone of local times as people read it: "UTC", "UTC+01:00", "UTC−05:00" (a minus sign),
 * from the offset east of UTC in minutes (-new Date().getTimezoneOffset()).
 */
export function utcOffsetText(minutesEast: number): string {
  if (!minutesEast) return 'UTC';
  const m = Math.abs(Math.round(minutesEast));
  return `UTC${minutesEast > 0 ? '+' : '\u2212'}${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`;
}

/** The zone of the local times shown now (by the webview: the analyst's zone). */
export function localZoneText(at = new Date()): string {
  return utcOffsetText(-at.getTimezoneOffset());
}

export function isSpecial(value: CellValue): value is typeof NOT_APPLICABLE | typeof NO_DATA {
  return value === NOT_APPLICABLE || value === NO_DATA;
}

/** The text a cell shows. Specials stay as they are; null is empty. */
export function formatCell(value: CellValue, kind: ColumnKind): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    switch (kind) {
      case 'bytes': return formatBytes(value);
      case 'byterate': return formatByterate(value);
      case 'bitrate': return formatBitrate(value);
      case 'timestamp': return formatTimestamp(value);
      case 'duration': return formatDuration(value);
      case 'integer': return formatInteger(value);
      case 'number': return formatNumber(value);
      default: return String(value);
    }
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return value;
}

/** Exact value for tooltips and copies: the raw number with its unit. */
export function exactCell(value: CellValue, kind: ColumnKind): string {
  if (typeof value !== 'number') return formatCell(value, kind);
  switch (kind) {
    case 'bytes': return `${formatInteger(value)} B`;
    case 'byterate': return `${formatInteger(value)} B/s = ${formatInteger(value * 8)} bit/s`;
    case 'bitrate': return `${formatInteger(value)} bit/s`;
    case 'timestamp': return `${formatTimestamp(value)} (${value})`;
    case 'duration': return `${value} s`;
    default: return String(value);
  }
}

/** True for kinds that are right-aligned and summed/charted as numbers. */
export function isNumericKind(kind: ColumnKind): boolean {
  return kind === 'integer' || kind === 'identifier' || kind === 'number' || kind === 'bytes' || kind === 'byterate' || kind === 'bitrate' || kind === 'duration' || kind === 'timestamp';
}
