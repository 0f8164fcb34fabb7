// Display formatting of cell values by column kind. Pure; used by the webview (cells, chart axes,
// legends) and by the generated CSV. Byte counters use decimal units (kB = 1000 B) like the
// appliances' own UIs; rates are shown in bits per second (bytes × 8).
import { NO_DATA, NOT_APPLICABLE, type CellValue, type ColumnKind } from './model';

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
const BIT_UNITS = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s', 'Pbit/s'];

function scaled(value: number, units: string[]): string {
  const sign = value < 0 ? '-' : '';
  let v = Math.abs(value);
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = i === 0 ? (Number.isInteger(v) ? 0 : 1) : v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${sign}${v.toFixed(digits)} ${units[i]}`;
}

export function formatBytes(bytes: number): string {
  return scaled(bytes, BYTE_UNITS);
}

export function formatBitrate(bitsPerSecond: number): string {
  return scaled(bitsPerSecond, BIT_UNITS);
}

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

/** Seconds → "850 µs", "12.5 ms", "1.234 s", "2 min 3 s", "1 h 2 min", "3 d 4 h". */
export function formatDuration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  if (s === 0) return '0 s';
  if (s < 1e-3) return `${sign}${+(s * 1e6).toPrecision(3)} µs`;
  if (s < 1) return `${sign}${+(s * 1e3).toPrecision(3)} ms`;
  if (s < 60) return `${sign}${+s.toFixed(3)} s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`;
  if (s < 86400) return `${sign}${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${sign}${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
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
  return kind === 'integer' || kind === 'number' || kind === 'bytes' || kind === 'byterate' || kind === 'bitrate' || kind === 'duration' || kind === 'timestamp';
}
