/**
 * A growing list of [start, end) offset pairs, flat, in a typed array.
 *
 * The trigger parser's hidden ranges are many (a megabyte of tags with
 * attributes makes a million offsets), and pushing a million numbers onto
 * a plain array cost 26 ms on Node 20 against 5 ms for a typed array that
 * doubles (re-review 8, "Speed"). Offsets fit in 32 bits: a comment is far
 * shorter than 2 Gi characters.
 */
export class RangeList {
  private data = new Int32Array(64);
  private size = 0;

  /** Appends [start, end). */
  push(start: number, end: number): void {
    if (this.size + 2 > this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size] = start;
    this.data[this.size + 1] = end;
    this.size += 2;
  }

  /**
   * Extends the last pair to `end` when it ends at `joinAt`, else appends
   * [start, end): adjacent ranges kept as one, fewer for walkers to step over.
   */
  pushOrJoin(start: number, end: number, joinAt: number): void {
    if (this.size > 0 && this.data[this.size - 1] === joinAt) this.data[this.size - 1] = end;
    else this.push(start, end);
  }

  /** Extends the last pair to `end` (if further) when `start` is inside it, else appends [start, end). */
  pushOrExtend(start: number, end: number): void {
    const last = this.data[this.size - 1] ?? 0;
    if (this.size > 0 && start < last) this.data[this.size - 1] = Math.max(last, end);
    else this.push(start, end);
  }

  /** How many offsets (twice the pairs) the list holds. */
  get length(): number {
    return this.size;
  }

  /**
   * Drops the pairs past the first `length` offsets: an enclosing range
   * replaces those it holds, so the list stays sorted for `rangeWalker`.
   */
  truncate(length: number): void {
    this.size = Math.min(this.size, length);
  }

  /** The pairs so far, flat (a view: later pushes may or may not show in it). */
  toArray(): Int32Array {
    return this.data.subarray(0, this.size);
  }
}

/**
 * A growing list (or stack) of offsets (or other 32-bit integers), in a
 * typed array that doubles: as `RangeList`, for lists with an entry per line or tag
 * (plain arrays grown by `push` to hundreds of thousands of entries cost
 * more than the reading that fills them on Node 20: perf8a).
 */
export class OffsetList {
  private data = new Int32Array(64);
  private size = 0;

  /** Appends `value`. */
  push(value: number): void {
    if (this.size === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = value;
  }

  /** How many values the list holds. */
  get length(): number {
    return this.size;
  }

  /** The value at `index` (0 past the end). */
  at(index: number): number {
    return index < this.size ? (this.data[index] ?? 0) : 0;
  }

  /** The last value, or -1 when the list is empty. */
  last(): number {
    return this.size > 0 ? (this.data[this.size - 1] ?? -1) : -1;
  }

  /** The first value, or -1 when the list is empty. */
  first(): number {
    return this.size > 0 ? (this.data[0] ?? -1) : -1;
  }

  /** Removes the last value and returns it, or -1 when the list is empty. */
  pop(): number {
    return this.size > 0 ? (this.data[--this.size] ?? -1) : -1;
  }

  /** Empties the list, keeping its storage. */
  clear(): void {
    this.size = 0;
  }

  /** The values so far (a view: later pushes may or may not show in it). */
  toArray(): Int32Array {
    return this.data.subarray(0, this.size);
  }
}

/** A walker over sorted ranges that answers "is this offset inside one?" for increasing offsets in O(1) amortised. */
export function rangeWalker(ranges: ArrayLike<number>): (offset: number) => boolean {
  let r = 0;
  return (offset) => {
    while (r < ranges.length && (ranges[r + 1] ?? 0) <= offset) r += 2;
    return r < ranges.length && (ranges[r] ?? Infinity) <= offset;
  };
}

/**
 * A walker over sorted ranges that answers "where does the range holding
 * this offset end?" (-1 when none holds it) for non-decreasing offsets in
 * O(1) amortised.
 */
export function rangeEndWalker(ranges: ArrayLike<number>): (offset: number) => number {
  let r = 0;
  return (offset) => {
    while (r < ranges.length && (ranges[r + 1] ?? 0) <= offset) r += 2;
    return r < ranges.length && (ranges[r] ?? Infinity) <= offset ? (ranges[r + 1] ?? 0) : -1;
  };
}

/** A walker over sorted ranges that answers "does one start exactly here?" for non-decreasing offsets in O(1) amortised. */
export function rangeStartWalker(ranges: ArrayLike<number>): (offset: number) => boolean {
  let r = 0;
  return (offset) => {
    while (r < ranges.length && (ranges[r] ?? 0) < offset) r += 2;
    return r < ranges.length && ranges[r] === offset;
  };
}

/**
 * The flat (offset, value) pairs of `a` and `b`, each in order of offset, as one list in order: a merge, linear,
 * into a typed array of the known size (a plain array pushed a pair at a time cost a tenth of the parse: perf8a).
 */
export function mergePairs(a: ArrayLike<number>, b: ArrayLike<number>): ArrayLike<number> {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const merged = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let m = 0;
  while (i < a.length || j < b.length) {
    const fromA = j >= b.length || (i < a.length && (a[i] ?? 0) <= (b[j] ?? 0));
    const list = fromA ? a : b;
    const at = fromA ? i : j;
    merged[m] = list[at] ?? 0;
    merged[m + 1] = list[at + 1] ?? 0;
    m += 2;
    if (fromA) i += 2;
    else j += 2;
  }
  return merged;
}

/**
 * The union of two sorted flat [start, end) lists whose own ranges do not
 * overlap, as one such list (ranges that overlap or touch are joined).
 * Linear in their lengths.
 */
export function unionOfRanges(a: ArrayLike<number>, b: ArrayLike<number>): Int32Array {
  const merged = mergePairs(a, b);
  const out = new Int32Array(merged.length);
  let m = 0;
  for (let k = 0; k < merged.length; k += 2) {
    const start = merged[k] ?? 0;
    const end = merged[k + 1] ?? 0;
    if (m > 0 && start <= (out[m - 1] ?? 0)) out[m - 1] = Math.max(out[m - 1] ?? 0, end);
    else {
      out[m] = start;
      out[m + 1] = end;
      m += 2;
    }
  }
  return out.subarray(0, m);
}
