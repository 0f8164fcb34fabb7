// Sizes, rates and durations as people read them: the one formatter behind the results table and
// charts, the device and capture trees, device identities and capture summaries. Pure (no vscode,
// no Node APIs), so every layer and the webviews can use it.
//
// Three significant digits above the base unit ("1.50 kB", "87.2 kB", "253 MB"). Traffic counters
// use decimal units (kB = 1000 B) like the appliances' own UIs; capture files on disk use binary
// units (KiB = 1024 B) when asked, as file tools show them.

const DECIMAL_BYTES = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
const BINARY_BYTES = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const BITS = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s', 'Pbit/s'];

function scaled(value: number, units: string[], base: number): string {
  const sign = value < 0 ? '-' : '';
  let v = Math.abs(value);
  let i = 0;
  while (v >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  const digits = i === 0 ? (Number.isInteger(v) ? 0 : 1) : v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${sign}${v.toFixed(digits)} ${units[i]}`;
}

export interface ByteFormat {
  /** Binary units (KiB = 1024 B, MiB, …) instead of decimal ones (kB = 1000 B, MB, …). */
  binary?: boolean;
}

export function formatBytes(bytes: number, options: ByteFormat = {}): string {
  return options.binary ? scaled(bytes, BINARY_BYTES, 1024) : scaled(bytes, DECIMAL_BYTES, 1000);
}

export function formatBitrate(bitsPerSecond: number): string {
  return scaled(bitsPerSecond, BITS, 1000);
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
