/**
 * Re-review 8h: only `/agent` that GitHub shows at the start of a line
 * counts (issue 8: "only `/agent` lines GitHub shows as a paragraph start";
 * command.ts: "at the start of a line of prose").
 *
 * GitHub renders a comment's line breaks as `<br>` only in Markdown text
 * (hard breaks). The lines of an HTML block (`<div>` up to a blank line)
 * reach the browser as written, where a line break is white space like a
 * space (CSS `white-space: normal`): `<div>⏎Please do not run this:⏎/agent x`
 * shows "Please do not run this: /agent x" on one line. The bot reads each
 * line of the block as a line of prose (markdown-lines.ts `html`), so a
 * phrase in the middle of the shown line starts the agent. The same
 * happens when a tag left open in an HTML block swallows the `<table>` cmark
 * writes for a GFM table (raw-html.ts junctions): the browser then drops the
 * `<tr>`/`<td>` tags outside a table, and the rows run together as one line
 * of text ("a /agent x"), while the bot reads the row after the delimiter row as a line.
 * Oracle: cmark-gfm 0.29 `--unsafe --hardbreaks -e table -e autolink
 * -e tagfilter -e strikethrough -e footnotes`, then parse5 7 (trees below);
 * a line starts only after a block element's boundary or a `<br>`. Found by
 * the differential fuzz (its "design" class: the bot triggers where the
 * phrase is shown, but not at a line's start) and by reading raw-html.ts.
 * Severity: low (the phrase is shown, but mid-line: a reader does not see a
 * request there).
 * Fix (a suggestion): a line of an HTML block counts only when nothing is
 * shown between the last line-breaking point and it: the block's first
 * line, or a line after one that ends with a block-level tag (`<div>`,
 * `</p>`, …) or `<br>`; a row of a table whose `<table>` tag was swallowed
 * never counts.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a line break inside an HTML block, which GitHub shows as a space', () => {
  it.each([
    // Oracle: cmark passes the block on as written; parse5 "<div>\nPlease do not run this:\n/agent x\n</div>",
    // shown "Please do not run this: /agent x". Expected: null. Got: { kind: 'prompt', prompt: 'x' }.
    ['after a line of text', '<div>\nPlease do not run this:\n/agent x\n</div>'],
    // Oracle: parse5 "<div>\n<span>a</span>\n/agent x\n</div>", shown "a /agent x". Got: a prompt.
    ['after an inline element', '<div>\n<span>a</span>\n/agent x\n</div>'],
    // Oracle: cmark "<div><b\n<table>\n<thead>\n<tr>\n<th>a</th>…<td>/agent x</td>…</table>\n"; parse5
    // "<div><b <table=\"\">\n\n\na\n\n\n\n\n/agent x\n\n\n\n</b></div>", shown "a /agent x". Got: a prompt.
    ['a table row after a swallowed <table>', '<div><b\n\n|a|\n|-|\n/agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // Oracle: parse5 "<div>\n/agent x\n</div>": the first shown text of the block.
    ['the block\'s first line', '<div>\n/agent x\n</div>'],
    // Oracle: parse5 "<div>\na<br>\n/agent x\n</div>": after a <br>.
    ['a line after <br>', '<div>\na<br>\n/agent x\n</div>'],
  ])('still starts it where the line starts a shown line: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});
