/**
 * Re-review 8i: only `/agent` that GitHub shows at the start of a line
 * starts the agent (issue 8).
 *
 * Fix 8m (html-line-breaks.ts `afterLoneTag`) lets the line after a type 7
 * HTML block's lone first tag start a request: the tag "shows nothing: the
 * text after it is the first the block shows, on a line of its own after
 * the block before". That holds when the block before ends a line (a
 * paragraph, a heading). It fails in two ways:
 * - the block before is an HTML block whose text ends inline, so its
 *   element is still open: cmark-gfm passes both blocks through and the
 *   browser runs them together, `<div>⏎Please do not run:⏎<span>⏎/agent x`,
 *   one line "Please do not run: /agent x" (the blank line between the
 *   blocks is whitespace to HTML);
 * - the lone tag shows something inline: `<img src="x">` or
 *   `<input type="checkbox">` (both kept by GitHub's sanitiser) put an image
 *   or a box before the phrase on its line.
 * Oracle: cmark-gfm 0.29 `--unsafe --hardbreaks -e table -e autolink
 * -e tagfilter -e strikethrough -e footnotes`, then parse5 7 (the trees
 * below: no `<br>` or block boundary before the phrase).
 * Found by reading `afterLoneTag` against block sequences; the fuzz's shape
 * "htmllines" (4,500 documents) and "new8i" (5,000) found the image form
 * once each; the open-block form needs a blank line between two HTML
 * blocks, which neither shape writes often.
 * Severity: low to medium (the phrase is shown, but in the middle of a line
 * of the block before: "Please do not run: /agent x" starts the agent; with
 * an image, low).
 * Fix (a suggestion): apply `afterLoneTag` only when the block before the
 * type 7 block is not an HTML block (or is one whose last line ends with a
 * line-breaking tag, as `lineBreakWalker` reads it) and the lone tag is not
 * a void element that shows something (`img`, `input`, `video`…); else the
 * line counts only after a line-breaking tag, as other lines of the block.
 *
 * Fixed by 8p (html-line-breaks.ts `LineStarts`): the tags of HTML blocks
 * are read in order with the special elements open, as the tree builder
 * reads them; more shapes in test/agent/html-line-breaks.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('the line after a lone tag, when the line before it goes on', () => {
  it.each([
    // Oracle: cmark "<div>\nPlease do not run:\n<span>\n/agent x\n</span>\n</div>\n"; parse5 the same: one line of
    // the div, "Please do not run: /agent x". Expected: null. Got: a prompt "x".
    ['after a <div> block\'s text', '<div>\nPlease do not run:\n\n<span>\n/agent x\n</span>\n</div>'],
    // Oracle: parse5 "<span>\na\n<b>\n/agent x\n</b></span>": one line. Got: a prompt.
    ['after a <span> block\'s text', '<span>\na\n\n<b>\n/agent x'],
    // Oracle: parse5 "<div>\na\n\n/agent x\n</div>": the stray </span> is dropped. Got: a prompt.
    ['a lone end tag', '<div>\na\n\n</span>\n/agent x'],
    // Oracle: parse5 "<ul><li><div>\na\n<span>\n/agent x\n</span></div></li></ul>". Got: a prompt.
    ['in a list item', '- <div>\n  a\n\n  <span>\n  /agent x'],
    // Oracle: parse5 "<img src=\"x\">\n/agent x": the image is on the phrase's line. Got: a prompt.
    ['a lone <img>, shown', '<img src="x">\n/agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it('still starts it after a paragraph', () => {
    // Oracle: parse5 "<p>a</p>\n<span>\n/agent x\n</span>": the paragraph ends the line.
    expect(parseAgentCommand('a\n\n<span>\n/agent x')).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});
