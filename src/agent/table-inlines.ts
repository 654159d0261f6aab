/**
 * Where the inline content of GFM tables is: each cell on its own
 * (re-review 8j). cmark-gfm 0.29's table extension splits a row into
 * cells before it reads any inline, and parses each cell's text alone, so a
 * backtick run left open in one cell pairs with nothing in another cell,
 * another row or a paragraph after the table, and neither does raw HTML
 * (`|\`|⏎|-|⏎|a <!-- x -->|⏎|\`|` shows "`", "a", "`" and hides the
 * comment). The delimiter row holds no inline content.
 *
 * A table exists only where cmark-gfm makes one (`try_opening_table_header`
 * in `extensions/table.c`, checked on the oracle): a paragraph line that
 * is a delimiter row (block-structure.ts finds them) opens a table when the
 * paragraph's last line before it has as many cells; otherwise it stays
 * paragraph text, and cmark-gfm 0.29.0.gfm.6 tries again at every later
 * delimiter row of that paragraph. A table ends at a row with no cell (a
 * lone `|`), which starts a paragraph, and at a lazy line (a table takes
 * none: `> |a|⏎> |-|⏎c` puts "c" after the quote), as well as wherever
 * block-structure.ts ends its paragraph.
 *
 * Cells are split as cmark-gfm splits a row (table-rows.ts).
 */
import { Leaf, TableRow, isTableDelimiterRow } from './block-structure.js';
import { cellCount } from './table-rows.js';

/** A line's part in the inline content of tables (`tableInlineRoles`). */
export const TableInline = {
  /** Read as block-structure.ts says (a paragraph line goes on its paragraph). */
  None: 0,
  /** A header or body row of a table: its own block, each cell its own inline content. */
  Row: 1,
  /** A delimiter row: no inline content. */
  Delimiter: 2,
  /** A paragraph line that starts a paragraph after a table that ended there. */
  ParagraphStart: 3,
} as const;

/** The block scan's per-line arrays that `tableInlineRoles` reads (block-structure.ts `BlockScan`). */
export interface TableLines {
  leaf: Uint8Array;
  paragraphStart: Uint8Array;
  tableRow: Uint8Array;
  contentAt: Int32Array;
}

/**
 * Per line of `text` (its offsets `starts`, one more entry than lines), a
 * `TableInline` value; null when the text has no table row (most comments).
 * Each line is read a bounded number of times: linear in the text.
 */
export function tableInlineRoles(text: string, starts: Int32Array, lines: TableLines): Uint8Array | null {
  const { leaf, paragraphStart, tableRow } = lines;
  const count = starts.length - 1;
  let any = false;
  for (let i = 0; i < count && !any; i++) any = tableRow[i] !== 0;
  if (!any) return null;
  const roles = new Uint8Array(count);
  const from = (i: number): number => (starts[i] ?? 0) + (lines.contentAt[i] ?? 0);
  const end = (i: number): number => (starts[i + 1] ?? 0) - 1;
  let inTable = false;
  for (let i = 0; i < count; i++) {
    if (leaf[i] !== Leaf.Paragraph || paragraphStart[i] === 1) inTable = false;
    if (leaf[i] !== Leaf.Paragraph) continue;
    if (inTable) {
      // A body row goes on the table if it has a cell; a lazy line (no table part) never does.
      if (tableRow[i] === TableRow.Body && cellCount(text, from(i), end(i)) > 0) {
        roles[i] = TableInline.Row;
        continue;
      }
      inTable = false;
      roles[i] = TableInline.ParagraphStart;
    }
    // A paragraph line heads a table when the next line goes on its paragraph (not lazily: block-structure.ts marks
    // those lines Delimiter or Body) as a delimiter row with as many cells.
    const next = i + 1;
    const nextRow = next < count && leaf[next] === Leaf.Paragraph && paragraphStart[next] === 0 ? tableRow[next] : 0;
    if (nextRow !== TableRow.Delimiter && nextRow !== TableRow.Body) continue;
    if (nextRow === TableRow.Body && !isTableDelimiterRow(text, from(next), end(next))) continue;
    if (cellCount(text, from(i), end(i)) !== cellCount(text, from(next), end(next))) continue;
    roles[i] = TableInline.Row;
    roles[next] = TableInline.Delimiter;
    inTable = true;
    i = next;
  }
  return roles;
}
