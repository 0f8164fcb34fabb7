// AppResponse returns every data value as a string; the column's `type` says how to read it.
// Special values: "#N/A" (not applicable), "#N/D" (no data), "NULL". Pure: the one caster, used by
// the results view (src/results/appresponse.ts) as well as by anything reading report data.

export type ColumnType =
  | 'string' | 'boolean' | 'number' | 'integer' | 'ipaddr' | 'ether' | 'port' | 'timestamp' | 'duration' | 'array'
  | (string & {});

export type SpecialValue = 'N/A' | 'N/D' | 'NULL';

/** A cast value: numbers for numeric types, booleans, strings, arrays, a special marker, or an average as total|samples. */
export type CastValue =
  | { kind: 'number'; value: number; text: string }
  | { kind: 'boolean'; value: boolean; text: string }
  | { kind: 'string'; value: string; text: string }
  | { kind: 'array'; value: unknown[]; text: string }
  | { kind: 'special'; value: SpecialValue; text: string }
  | { kind: 'samples'; value: number; total: number; samples: number; text: string };

const NUMERIC = new Set(['number', 'integer', 'timestamp', 'duration']);

export function specialOf(text: string): SpecialValue | undefined {
  if (text === '#N/A') return 'N/A';
  if (text === '#N/D') return 'N/D';
  if (text === 'NULL') return 'NULL';
  return undefined;
}

/** Cast one string value by column type. Never throws: what cannot be read stays a string. */
export function castValue(text: string | null | undefined, type: ColumnType | undefined): CastValue {
  if (text === null || text === undefined) return { kind: 'special', value: 'NULL', text: 'NULL' };
  const special = specialOf(text);
  if (special) return { kind: 'special', value: special, text };
  const t = type ?? 'string';
  if (NUMERIC.has(t)) {
    // nsamples=true returns averages as "total|samples".
    const bar = text.indexOf('|');
    if (bar > 0) {
      const total = Number(text.slice(0, bar));
      const samples = Number(text.slice(bar + 1));
      if (Number.isFinite(total) && Number.isFinite(samples)) {
        return { kind: 'samples', value: samples ? total / samples : 0, total, samples, text };
      }
    }
    const value = Number(text);
    if (text.trim() !== '' && Number.isFinite(value)) return { kind: 'number', value, text };
    return { kind: 'string', value: text, text };
  }
  if (t === 'port') {
    // A port is a label, not a quantity: normalised ("080" → "80") but kept as text.
    const n = Number(text);
    return { kind: 'string', value: Number.isInteger(n) ? String(n) : text, text };
  }
  if (t === 'boolean') {
    const lower = text.toLowerCase();
    if (lower === 'true' || lower === '1') return { kind: 'boolean', value: true, text };
    if (lower === 'false' || lower === '0') return { kind: 'boolean', value: false, text };
    return { kind: 'string', value: text, text };
  }
  if (t === 'array') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return { kind: 'array', value: parsed, text };
    } catch {
      // not JSON: keep the text
    }
    return { kind: 'string', value: text, text };
  }
  return { kind: 'string', value: text, text };
}

/** Cast a whole row given the column ids of the response and a lookup of column types. */
export function castRow(row: readonly string[], columns: readonly string[], typeOf: (columnId: string) => ColumnType | undefined): CastValue[] {
  return row.map((value, i) => castValue(value, typeOf(columns[i])));
}

/** The plain JS value of a cast (numbers as numbers, specials as null). Handy for charts. */
export function plainValue(value: CastValue): number | boolean | string | unknown[] | null {
  return value.kind === 'special' ? null : value.value;
}

/**
 * Epoch seconds with up to nanosecond precision, split exactly (Number would lose the nanoseconds).
 * "1522772201.123456789" → { seconds: 1522772201, nanos: 123456789 }.
 */
export function parseEpochNanos(text: string): { seconds: number; nanos: number } | undefined {
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!m) return undefined;
  return { seconds: Number(m[1]), nanos: m[2] ? Number(m[2].padEnd(9, '0')) : 0 };
}
