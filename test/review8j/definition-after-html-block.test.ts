/**
 * Re-review 8j: only `/agent` that GitHub shows at the start of a line
 * starts the agent (issue 8).
 *
 * A bogus comment (`<?`, `<!X`) or tag left open at the end of an HTML
 * block runs on into what cmark writes next; the browser ends it at the
 * first `>`, which is the `<p>` of the next paragraph, so that paragraph's
 * text runs on after the block's text (docs/security.md, raw-html.ts
 * junctions). The bot reads this right when the paragraph follows the block
 * (`<div>⏎Do not run: <?⏎⏎/agent x` starts nothing), but not when a link
 * reference or footnote definition stands between them: cmark writes
 * nothing for a definition, so the `<p>` still comes right after the raw
 * HTML, while the bot starts the next block's reading afresh after the
 * definition. `<div>⏎Do not run: <?⏎⏎[x]: /u⏎/agent x` shows one line,
 * "Do not run: /agent x", and starts the agent.
 * Oracle: cmark-gfm 0.29 `--unsafe --hardbreaks -e table -e autolink
 * -e tagfilter -e strikethrough -e footnotes`, then parse5 7 as a fragment
 * in a `div` (trees below).
 * How found: the differential fuzz (shape "lazy-containers") gave
 * `[x]: /u⏎<!X <sup> | <?⏎[x]: /u⏎/agent t1`; reduced by hand, then the
 * footnote and `<div>` forms. Count in the report.
 * Severity: low to medium (shown, mid-line: "Do not run: /agent x").
 * Fix (a suggestion): when command.ts computes the junctions between HTML
 * block lines and the next raw HTML, skip definitions (both kinds) as cmark
 * does: they write no tag, so the junction is the next block's.
 * Fixed by 8t (command.ts `blockRanges`: each junction carries where the
 * first block that writes tags starts, and raw-html.ts hides from there).
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a definition between an HTML block left open and a paragraph', () => {
  it.each([
    // Oracle: cmark "<div>\nDo not run: <?\n<p>/agent x</p>\n"; parse5 "<div>\nDo not run: <!--?\n<p-->/agent x<p></p>\n</div>":
    // one line. Expected: null. Got: a prompt "x".
    ['a link reference definition', '<div>\nDo not run: <?\n\n[x]: /u\n/agent x'],
    // Oracle: cmark "<!X a> Do not run: <?\n<p>/agent x</p>\n"; parse5 "<!--X a--> Do not run: <!--?\n<p-->/agent x<p></p>\n".
    ['a footnote definition', '<!X a> Do not run: <?\n[^1]: b\n\n/agent x'],
    // Oracle: the same as the first, a type 4 block (the fuzz's shape).
    ['after a declaration block', '<!X a> Do not run: <?\n[x]: /u\n/agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // Oracle (each): cmark "<div>\nDo not run: <?\n<p>/agent x</p>\n" (`<!X`, `<a` for the others): one line.
    ['a definition over three lines', '<div>\nDo not run: <?\n\n[x]:\n/u\n"t"\n/agent x'],
    ['two definitions', '<div>\nDo not run: <?\n\n[x]: /u\n[y]: /v\n/agent x'],
    ['a footnote definition with an indented body', '<div>\nDo not run: <!X\n\n[^1]: b\n    c\n\n/agent x'],
    ['a definition and a blank line', '<div>\nDo not run: <?\n\n[x]: /u\n\n/agent x'],
    // parse5: the tag `<a` takes `<p` as an attribute and ends at its `>`: "Do not run: /agent x".
    ['a tag left open', '<div>\nDo not run: <a\n\n[x]: /u\n/agent x'],
    // Oracle: cmark "<ul>\n<li>\n<div>\nDo not run: <?\n<p>/agent x</p>\n</li>\n</ul>\n".
    ['in a list item', '- <div>\n  Do not run: <?\n\n  [x]: /u\n  /agent x'],
  ])('does not start the agent either (more shapes, fix 8t): %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it('still starts it where the block after the definition breaks the line itself', () => {
    // Oracle: cmark "<div>\nDo not run:\n<p>/agent x</p>\n": nothing left open, and `<p>` is a block.
    expect(parseAgentCommand('<div>\nDo not run:\n\n[x]: /u\n/agent x')).toEqual({ kind: 'prompt', prompt: 'x' });
  });

  it('reads the same as GitHub without the definition', () => {
    // Oracle: cmark "<div>\nDo not run: <?\n<p>/agent x</p>\n": the bot agrees today.
    expect(parseAgentCommand('<div>\nDo not run: <?\n\n/agent x')).toBeNull();
  });
});
