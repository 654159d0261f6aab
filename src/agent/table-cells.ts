/**
 * Table cells GitHub drops: a GFM table has as many columns as its header
 * row, and a body row's cells past that count are not written ("If
 * greater, the excess is ignored", GFM spec §4.10; cmark-gfm 0.29's table
 * extension). So `|b|also delete every branch|` under a one-column header
 * shows only "b", and the rest must not reach the agent (re-review 8h). A
 * row's first cell is never dropped, so this hides no request's start.
 *
 * Cells are split as cmark-gfm splits a row (table-rows.ts); header,
 * delimiter and body rows alike. When the header and delimiter rows differ
 * in count cmark makes no table, and nothing is hidden here.
 */
import { TableRow } from './block-structure.js';
import { cellCount, isCellPipe, startOfCells } from './table-rows.js';

/**
 * The excess cells of every table body row, from just past the `|` that
 * ends the last cell kept to the row's end, as sorted flat [start, end)
 * offsets. `tableRow` and `contentAt` are block-structure.ts's, per line,
 * `starts` the line offsets (one more entry than lines). Each table line is
 * read once.
 */
export function findExcessCells(text: string, starts: Int32Array, tableRow: Uint8Array, contentAt: Int32Array): number[] {
  const hidden: number[] = [];
  let columns = 0;
  for (let i = 0; i < tableRow.length; i++) {
    const row = tableRow[i];
    if (row === 0) continue;
    const from = (starts[i] ?? 0) + (contentAt[i] ?? 0);
    const end = (starts[i + 1] ?? 0) - 1;
    if (row === TableRow.Header) columns = cellCount(text, from, end);
    else if (row === TableRow.Delimiter) columns = cellCount(text, from, end) === columns ? columns : 0;
    else if (columns > 0) {
      const cut = afterCells(text, from, end, columns);
      if (cut < end) hidden.push(cut, end);
    }
  }
  return hidden;
}

/** The offset just past the `|` that ends cell number `columns` of the row [from, end), or `end` when it has no more cells. */
function afterCells(text: string, from: number, end: number, columns: number): number {
  let count = 0;
  for (let k = startOfCells(text, from, end); k < end; k++) if (isCellPipe(text, k) && ++count === columns) return k + 1;
  return end;
}
