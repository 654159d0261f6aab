/**
 * A paragraph that became a GFM table is no paragraph to cmark-gfm, so a
 * line after it that matches fewer containers is no lazy line: it ends the
 * list items and quotes it does not match (block-structure.ts; issue 8,
 * fix8u). Oracle for each case: cmark-gfm 0.29 `--unsafe --hardbreaks
 * -e table -e autolink -e tagfilter -e strikethrough -e footnotes`, then
 * parse5 7 as a fragment in a `div`; quoted text is never instruction.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { growthRatio } from '../helpers/growth.js';

describe('lines after a table in a container', () => {
  it.each([
    // The fuzz's input (issue 8, stop 17): `|w411685` ends the list, so the indented line is top-level code.
    ['a table in a quote in an item', '- > _w411640_|</details> <b>|/agent \n  > |-|-|-|\n|w411685 \n\n    /agent t40585'],
    ['a table in a quote in an item, reduced', '- > |a|b|\n  > |-|-|\n|c\n\n    /agent x'],
    ['a table in an item', '- |a|b|\n  |-|-|\nc\n\n    /agent x'],
    ['a table without outer pipes', '- > a|b\n  > -|-\nc\n\n    /agent x'],
    // `  c` matches the outer item only: the inner ends, and six spaces are code in the outer item.
    ['a table in a nested item', '- - |a|\n    |-|\n  c\n\n      /agent x'],
    ['a table in an item in a quote', '> - |a|\n>   |-|\n> c\n>\n>     Do not run:\n\n    /agent x'],
    // No table to cmark-gfm when the header's cells are fewer than the delimiter row's: the quoted paragraph goes on
    // lazily, so the line is quoted (a fix8u regression found in review: any delimiter row refused lazy lines).
    ['a header of one cell over a delimiter row of two', '> a\n> -|-\n/agent x'],
    ['the same with pipes', '> |a|\n> -|-\n/agent x'],
    ['a header of two cells over a delimiter row of one', '> a|b\n> |-|\n/agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // The line is a paragraph of its own after the quote: shown, not quoted.
    ['after a table in a quote', '> |a|\n> |-|\n/agent x'],
    // A paragraph's next line, after a hard break: "c⏎/agent x".
    ['the paragraph after the list goes on', '- > |a|b|\n  > |-|-|\n|c\n    /agent x'],
    // Rows that match every container are the table's; the item goes on after the blank line.
    ['a body row in the item', '- |a|b|\n  |-|-|\n  c\n\n    /agent x'],
  ])('starts the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });

  it('is read in linear time: many tables in items, each ended by a line', () => {
    const unit = '- > |a|b|\n  > |-|-|\nc\n\n';
    const build = (size: number): string => `${unit.repeat(Math.floor(size / unit.length))}/agent go`;
    expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
  });
});
