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
