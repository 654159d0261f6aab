/**
 * Re-review 8j: only `/agent` that GitHub shows at the start of a line
 * starts the agent (issue 8).
 *
 * A GFM table row needs no pipe: after the delimiter row, any line up to a
 * blank line or another block's start is a body row, its first cell the
 * whole line (`/agent x` is written `<tr><td>/agent x</td>…`). The bot lets
 * such a row start a request, since its first cell begins a row on the
 * page. But a cell's inline HTML goes to the browser raw, and a raw
 * `</table>` in a cell (header or body) closes the whole table there ("in
 * cell": an end tag `table` closes the cell and is reprocessed, WHATWG HTML
 * §13.2.6.4.15, then "in table" pops the table). The `<td>`, `<th>`, `<tr>`
 * tags cmark writes after it are parse errors the browser ignores, so every
 * later cell and row is bare text after the table, one line: in
 * `|a|b|⏎|-|-|⏎|</table>|Do not run:|⏎/agent x` GitHub shows a one-row table,
 * then "Do not run: /agent x". The bot starts the agent on the last row.
 * Oracle: cmark-gfm 0.29 `--unsafe --hardbreaks -e table -e autolink
 * -e tagfilter -e strikethrough -e footnotes`, then parse5 7 as a fragment
 * in a `div` (trees below: the text after `</table>` has no `<br>` and no
 * block between the cells).
 * How found: the differential fuzz (shape "blocks-in-containers", tables in
 * lists and quotes with HTML pieces in their cells) gave two false triggers
 * of this kind (`|[w][x] </table> </a>|w|w www.w.com|⏎|-|-|-|⏎/agent t1`, and
 * one in a list item); reduced by hand. Counts are in the report.
 * Severity: low to medium (the phrase is shown, mid-line, after the
 * author's text; it needs an odd raw `</table>` in a cell, which the table
 * above it shows as cut short).
 * Fix (a suggestion): when a cell of a GFM table holds a raw `</table>`
 * outside code (table-cells.ts splits the cells; raw-html.ts or
 * inline-html.ts knows what is a tag there), treat the rest of the table as
 * one run of inline text: no later row starts a request, and the first
 * line after the table does (it follows the `</table>` cmark writes, a
 * real block end only when nothing runs on before it: erring to no request
 * there is safe too).
 * Fixed by 8t (table-closed.ts): the rows after the closing one start no
 * request, but the first when nothing is shown between; more shapes in
 * test/agent/table-closed.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a raw </table> in a GFM table cell', () => {
  it.each([
    // Oracle: cmark "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td></table></td>\n
    // <td>Do not run:</td>\n</tr>\n<tr>\n<td>/agent x</td>\n<td></td>\n</tr>\n</tbody>\n</table>\n"; parse5
    // "<table>…<td></td></tr></tbody></table>\nDo not run:\n\n\n/agent x\n…": one line "Do not run: /agent x".
    // Expected: null. Got: a prompt "x".
    ['in a body cell', '|a|b|\n|-|-|\n|</table>|Do not run:|\n/agent x'],
    // Oracle: parse5 "<table>\n<thead>\n<tr>\n<th>a </th></tr></thead></table>\nb\n\n\n\n\n/agent x\n…": "b /agent x".
    ['in a header cell', '|a </table>|b|\n|-|-|\n/agent x'],
    // Oracle: cmark "…<td>Do not run: </table></td>\n</tr>\n<tr>\n<td>b</td>…<td>/agent x</td>…"; parse5: the table
    // ends in the first body cell, then "b /agent x" on one line.
    ['with a row between', '|a|\n|-|\n|Do not run: </table>|\n|b|\n/agent x'],
    // Oracle: cmark "<ul>\n<li>\n<table>…<td></table></td>\n</tr>\n<tr>\n<td>Do not run:</td>…<td>/agent x</td>…";
    // parse5: "Do not run: /agent x" on one line in the item.
    ['in a list item', '- |a|\n  |-|\n  |</table>|\n  |Do not run:|\n  /agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it('still starts it on the row right after the closing cell', () => {
    // Oracle: parse5 "<table>…<td>Do not run: </td></tr></tbody></table>\n\n\n/agent x…": the table is a block, so
    // nothing runs on before the phrase.
    expect(parseAgentCommand('|a|\n|-|\n|Do not run: </table>|\n/agent x')).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});
