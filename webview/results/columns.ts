// Column store of the results table. Rows arrive as arrays of cells (one array, and for large
// numbers one boxed number, per cell in the JS heap); kept like that, 100,000 rows × 8 columns are
// about 700,000 heap objects that every garbage collection marks, and the last chunk received is
// copied by the next scavenge, a pause that lands in a scroll frame. Here numbers are stored in a
// Float64Array per column (outside the heap, nothing to mark or copy) and anything else (strings,
// #N/A / #N/D, booleans, null) in a plain array per column that exists only once such a value was
// seen. The received row arrays become garbage at once, which a scavenge collects for free.
import type { CellValue } from '../../src/results/model';

export class ColumnStore {
  private count = 0;
  private capacity = 0;
  /** Numbers of column c (NaN where the cell is not a number); null until a number was seen. */
  private nums: (Float64Array | null)[];
  /** Non-number cells of column c (undefined where the cell is a number); null until one was seen. */
  private vals: ((CellValue | undefined)[] | null)[];

  constructor(readonly width: number) {
    this.nums = new Array<Float64Array | null>(width).fill(null);
    this.vals = new Array<(CellValue | undefined)[] | null>(width).fill(null);
  }

  get length(): number {
    return this.count;
  }

  /** Appends rows; a missing cell (short row) is null. */
  append(rows: readonly (readonly CellValue[])[]): void {
    const start = this.count;
    const end = start + rows.length;
    if (end > this.capacity) this.grow(end);
    for (let c = 0; c < this.width; c++) {
      let nums = this.nums[c];
      let vals = this.vals[c];
      for (let r = 0; r < rows.length; r++) {
        const i = start + r;
        const v = rows[r][c];
        if (typeof v === 'number') {
          if (nums === null) nums = this.nums[c] = this.numbers(i);
          nums[i] = v;
          if (vals !== null) vals.push(undefined);
        } else {
          if (vals === null) {
            vals = this.vals[c] = new Array<CellValue | undefined>(i);
            vals.fill(undefined);
          }
          vals.push(v === undefined ? null : v);
          if (nums !== null) nums[i] = Number.NaN;
        }
      }
      if (nums !== null) this.nums[c] = nums;
      if (vals !== null) this.vals[c] = vals;
    }
    this.count = end;
  }

  /** The cell at row i, column c (null outside the table). */
  get(i: number, c: number): CellValue {
    if (i < 0 || i >= this.count) return null;
    const vals = this.vals[c];
    if (vals !== null) {
      const v = vals[i];
      if (v !== undefined) return v;
    }
    const nums = this.nums[c];
    return nums !== null ? nums[i] : null;
  }

  /** A new numbers array of the current capacity, NaN for the rows before `upTo`. */
  private numbers(upTo: number): Float64Array {
    const a = new Float64Array(this.capacity);
    a.fill(Number.NaN, 0, upTo);
    return a;
  }

  private grow(min: number): void {
    let cap = Math.max(1024, this.capacity);
    while (cap < min) cap *= 2;
    for (let c = 0; c < this.width; c++) {
      const old = this.nums[c];
      if (old === null) continue;
      const next = new Float64Array(cap);
      next.set(old.subarray(0, this.count));
      this.nums[c] = next;
    }
    this.capacity = cap;
  }
}
