/**
 * GFM table rows that the browser shows as run-on text, not as rows.
 *
 * cmark-gfm writes a table cell's inline HTML raw, so a raw `</table>` in a
 * cell (header or body) closes the whole table in the browser: "in cell",
 * an end tag `table` closes the cell and is reprocessed, and "in table"
 * pops the table (WHATWG HTML §13.2.6.4.15, §13.2.6.4.9). The `<td>`,
 * `<th>` and `<tr>` tags cmark writes after it are parse errors the browser
 * drops, so every later cell and row is bare text after the table, on one
 * line: `|a|b|⏎|-|-|⏎|</table>|Do not run:|⏎/agent x` shows a one-row
 * table, then "Do not run: /agent x" (re-review 8j). Only the first row
 * after the closing one may start a shown line, when nothing is shown
 * between the `</table>` and it (the table ended as a block there).
 *
 * Read erring towards no request (issue 8): any `</table` followed by
 * white space, `/` or `>` outside code spans counts, even where cmark
 * escapes it (`\</table>`, a malformed tag) or drops its cell (past the
 * header's count), and a row shows something when anything but `|` and
 * white space is in it (a comment, an escaped `\|`).
 */
import { TableRow } from './block-structure.js';
import { rangeWalker } from './range-list.js';

/** A raw `</table` end tag's start, case-insensitive (the tokenizer lower-cases tag names). */
const TABLE_END = /<\/table(?=[\t\n\f\r />])/gi;

/**
 * The lines (indexes, in order) of GFM table body rows that start no shown
 * line because a raw `</table>` in an earlier cell of their table closed
 * it. `tableRow` and `contentAt` are block-structure.ts's, per line,
 * `starts` the line offsets (one more entry than lines), `spans` the code
 * spans and blocks (markdown.ts `CodeRanges.spans`). Linear: the text is
 * searched for `</table` once, and each row after a closing one is read
 * once.
 */
export function rowsAfterClosedTable(text: string, starts: Int32Array, tableRow: Uint8Array, contentAt: Int32Array, spans: ArrayLike<number>): number[] {
  const rows: number[] = [];
  const inCode = rangeWalker(spans);
  let found = -2;
  // The next `</table` at or after `from` that is no code (asked for non-decreasing `from`).
  const nextEnd = (from: number): number => {
    while (found !== -1 && found < from) {
      TABLE_END.lastIndex = Math.max(from, found + 1);
      found = TABLE_END.exec(text)?.index ?? -1;
      while (found !== -1 && inCode(found)) {
        TABLE_END.lastIndex = found + 1;
        found = TABLE_END.exec(text)?.index ?? -1;
      }
    }
    return found;
  };
  // Whether a `</table>` has closed the current table, and whether nothing has been shown since.
  let closed = false;
  let quiet = false;
  for (let i = 0; i < tableRow.length; i++) {
    const row = tableRow[i];
    if (row === 0 || row === TableRow.Header) closed = false;
    if (row === 0 || row === TableRow.Delimiter) continue;
    const from = (starts[i] ?? 0) + (contentAt[i] ?? 0);
    const end = (starts[i + 1] ?? 0) - 1;
    if (closed) {
      if (!quiet) rows.push(i);
      quiet = quiet && onlyCellBorders(text, from, end);
      continue;
    }
    const at = nextEnd(from);
    if (at === -1 || at >= end) continue;
    closed = true;
    let gt = at;
    while (gt < end && text.charCodeAt(gt) !== 62) gt++;
    quiet = gt < end && onlyCellBorders(text, gt + 1, end);
  }
  return rows;
}

/** Whether [from, end) holds nothing but `|` and white space. */
function onlyCellBorders(text: string, from: number, end: number): boolean {
  for (let k = from; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c !== 124 && c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
