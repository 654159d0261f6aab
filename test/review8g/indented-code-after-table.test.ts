/**
 * Re-review 8g: an indented code block never counts as a command (issue 8,
 * kind 3; docs/security.md: code blocks are ignored).
 *
 * A GFM table ends at a line that starts another block. cmark-gfm 0.29 with
 * the table extension (`cmark-gfm --unsafe -e table …`) ends it at a line
 * indented four columns or a tab, which then opens an indented code block;
 * the bot reads that line as one more table row (prose), so `/agent` there
 * starts the agent. Found by the differential fuzz (generators "fn" and
 * "table": 2 false triggers in 6,000 documents).
 * Fix (a suggestion): a line indented four or more columns after a table is
 * no table row (cmark-gfm's table extension: a row must be a paragraph-like
 * line; indented code wins), so it is code.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('an indented code block right after a table', () => {
  it.each([
    // Oracle: "<table>…<th>a</th>…</table>\n<pre><code>/agent x\n</code></pre>". Expected: null.
    // Got: { kind: 'prompt', prompt: 'x' }.
    ['four spaces', '|a|\n|-|\n    /agent x'],
    // Oracle: the same, with a tab. Got: { kind: 'prompt', prompt: 'x' }.
    ['a tab', '| a |\n| - |\n\t/agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });
});
