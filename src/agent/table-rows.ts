/**
 * How cmark-gfm 0.29 splits a GFM table row into cells (`row_from_string`
 * in `extensions/table.c`), for table-cells.ts and table-inlines.ts: after
 * leading whitespace and one optional leading `|`, on each `|` that has no
 * backslash right before it, a last cell that is blank (after a trailing
 * `|`) not counted. Code spans do not protect a `|`: the row is split before
 * its inlines are read. The one byte before a `|` is all cmark looks at, so
 * a `|` right after a backslash is escaped even when that backslash is
 * itself escaped as Markdown (`|a\\|b|` over `|-|` is one header cell,
 * shown "a\|b"; re-review 8i, checked on the oracle).
 */

/**
 * Calls `cell(start, end)` for each cell of the row [from, end) in order,
 * from just after the `|` before it (or the row's first cell start) to the
 * `|` after it (or the row's end), spaces included.
 */
export function forEachCell(text: string, from: number, end: number, cell: (start: number, end: number) => void): void {
  let start = startOfCells(text, from, end);
  for (let k = start; k < end; k++) {
    if (isCellPipe(text, k)) {
      cell(start, k);
      start = k + 1;
    }
  }
  if (start < end) cell(start, end);
}

/** The number of cells of the row [from, end), as cmark-gfm counts them (a blank last cell is none). */
export function cellCount(text: string, from: number, end: number): number {
  let count = 0;
  let blank = true;
  for (let k = startOfCells(text, from, end); k < end; k++) {
    const c = text.charCodeAt(k);
    if (isCellPipe(text, k)) {
      count++;
      blank = true;
    } else if (c !== 32 && c !== 9 && c !== 13) blank = false;
  }
  return blank ? count : count + 1;
}

/** Whether the character at `k` is a `|` that ends a cell: one with no backslash right before it. */
export function isCellPipe(text: string, k: number): boolean {
  return text.charCodeAt(k) === 124 && text.charCodeAt(k - 1) !== 92;
}

/** Where the row's first cell starts: after leading spaces and one leading `|`. */
export function startOfCells(text: string, from: number, end: number): number {
  let k = from;
  while (k < end && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  return k < end && text.charCodeAt(k) === 124 ? k + 1 : k;
}
