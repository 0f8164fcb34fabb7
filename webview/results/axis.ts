// Room for a chart's value axis. uPlot's axis `size` is fixed unless computed: a fixed 80 px cut the
// left of wide tick labels ("16.0 Mbit/s" read "6.0 Mbit/s"), so the size follows the widest label.

/** uPlot's default tick length and the gap between ticks and labels (px). */
const TICKS = 10;
const GAP = 5;
/** Space kept left of the widest label (px). */
const PAD = 6;

/** Width (px) of a y axis whose tick labels are `labels`, `measure` giving a label's width in px. */
export function valueAxisSize(labels: readonly (string | null | undefined)[] | null | undefined, measure: (label: string) => number, min = 50): number {
  let widest = 0;
  for (const label of labels ?? []) if (label) widest = Math.max(widest, measure(label));
  return Math.max(min, Math.ceil(widest) + TICKS + GAP + PAD);
}

/** Seconds shown each side of a time axis whose data is one instant (a one-point history). */
export const ONE_POINT_PAD = 60;

/**
 * The time axis range asked for (`min`–`max`, epoch seconds) of a chart whose points are at `xs`:
 * as asked, except that data at one instant gets a minute each side (uPlot alone widens one point
 * to a day before asking, and the axis then spans years).
 */
export function timeAxisRange(xs: ArrayLike<number | null | undefined>, min: number | null, max: number | null): [number | null, number | null] {
  let first: number | undefined;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (typeof x !== 'number') continue;
    if (first === undefined) first = x;
    else if (x !== first) return [min, max];
  }
  if (first === undefined) return [min, max];
  return [first - ONE_POINT_PAD, first + ONE_POINT_PAD];
}
