/**
 * A raw `</table>` in a GFM table cell closes the table in the browser, so
 * later cells and rows run on as one line of text (table-closed.ts;
 * re-review 8j). Oracle for each case: cmark-gfm 0.29 `--unsafe
 * --hardbreaks -e table -e autolink -e tagfilter -e strikethrough
 * -e footnotes`, then parse5 7 as a fragment in a `div`.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { rowsAfterClosedTable } from '../../src/agent/table-closed.js';
import { findCode } from '../../src/agent/markdown.js';
import { growthRatio } from '../helpers/growth.js';

describe('GFM table rows after a raw </table> in a cell', () => {
  it.each([
    // The tokenizer lower-cases tag names: parse5 ends the table at `</TABLE>`, then "b /agent x".
    ['an upper-case end tag', '|a|\n|-|\n|Do not run: </TABLE>|\n|b|\n/agent x'],
    // CommonMark allows white space before the `>` of a closing tag: the same tree.
    ['white space before the >', '|a|\n|-|\n|Do not run: </table >|\n|b|\n/agent x'],
    // Rows after the first run-on row run on too: "b c /agent x".
    ['two rows between', '|a|\n|-|\n|Do not run: </table>|\n|b|\n|c|\n/agent x'],
    // A table in a block quote is quoted anyway; in a nested item the same run-on: "Do not run: /agent x".
    ['in a nested list item', '- - |a|\n    |-|\n    |</table>|\n    |Do not run:|\n    /agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // A code span is no tag: cmark "<td><code>&lt;/table&gt;</code></td>", the table goes on.
    ['in a code span', '|a|\n|-|\n|`</table>`|\n|b|\n/agent x'],
    // Nothing shown after the end tag but empty cells and rows: the phrase is the first text after the table.
    ['after an empty cell', '|a|b|\n|-|-|\n|</table>||\n/agent x'],
    ['after an empty row', '|a|\n|-|\n|</table>|\n||\n/agent x'],
    // A blank line ends the table: cmark's `<p>` after it is a block either way.
    ['after the table', '|a|\n|-|\n|</table> x|\n\n/agent x'],
  ])('still starts it: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });

  it('lists only the rows after the closing one, per table', () => {
    const text = '|a|\n|-|\n|x </table> y|\n|b|\n|c|\n\n|c|\n|-|\n|d|\n|e|';
    const code = findCode(text);
    expect(rowsAfterClosedTable(text, code.starts, code.tableRow, code.contentAt, code.spans)).toEqual([3, 4]);
  });

  it('is read in linear time: many tables closed by a `</table` that never ends, each row read once', () => {
    const unit = '|a|\n|-|\n|x </table b|\n|/agent y|\n|/agent z|\n\n';
    const build = (size: number): string => `${unit.repeat(Math.floor(size / unit.length))}/agent go`;
    expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
  });
});
