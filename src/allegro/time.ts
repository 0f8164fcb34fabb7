// Time values of the Allegro API: statistics take epoch seconds, captures take epoch microseconds.

/** Epoch microseconds of a Date or of epoch milliseconds (integer). */
export function toMicroseconds(time: Date | number): number {
  const ms = time instanceof Date ? time.getTime() : time;
  return Math.round(ms * 1000);
}

/** Epoch seconds (integer, floor) of a Date or epoch milliseconds. */
export function toEpochSeconds(time: Date | number): number {
  return Math.floor((time instanceof Date ? time.getTime() : time) / 1000);
}

/** Date of epoch microseconds. */
export function fromMicroseconds(us: number): Date {
  return new Date(Math.floor(us / 1000));
}

/** Query value of a capture time parameter. */
export function captureTime(value: number | Date | 'now'): string | number {
  if (value === 'now') return 'now';
  return value instanceof Date ? toMicroseconds(value) : Math.round(value);
}
