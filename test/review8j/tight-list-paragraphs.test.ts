/**
 * Re-review 8j: only `/agent` that GitHub shows at the start of a line
 * starts the agent (issue 8).
 *
 * In a tight list, cmark-gfm writes an item's paragraphs without `<p>`
 * (CommonMark §5.3: "paragraphs in tight lists are not wrapped in <p>
 * tags"). An HTML block of types 1 to 5 (`<!--`, `<?`, `<!X`, `<![CDATA[`,
 * `<script>`/`<style>`/`<pre>`/`<textarea>`) may interrupt a paragraph and
 * ends on its closing line, so the item reads paragraph, HTML block,
 * paragraph, with no blank line, and the list stays tight. cmark-gfm then
 * writes the three as bare text and raw HTML inside one `<li>`:
 * `- Do not run:⏎  <!-- x -->⏎  /agent x` gives
 * `<li>Do not run:\n<!-- x -->\n/agent x</li>`. Nothing there breaks the
 * line (no `<br>`, no block element; the newlines are spaces), so GitHub
 * shows one line, "Do not run: /agent x". The bot reads `/agent x` as the
 * first line of a paragraph and starts the agent. A comment is the natural
 * carrier: it shows nothing, so the reader sees only the run-on sentence.
 * Types 2 to 5 all do it; so does type 1 `<script>` (tag-filtered, shown as
 * text), a comment over lines, a nested item, and any item of a tight list.
 * Not `<pre>` (a block element breaks the line), not a loose list (`<p>`
 * wraps each paragraph), not an item whose first block is the HTML block
 * (nothing is shown before the phrase), not a lazy line (the paragraph
 * leaves the item).
 * Oracle: cmark-gfm 0.29 `--unsafe --hardbreaks -e table -e autolink
 * -e tagfilter -e strikethrough -e footnotes` (outputs below), then parse5 7
 * as a fragment in a `div`: the tree is the same, the `li` holds one line of
 * text.
 * How found: the differential fuzz (shape "blocks-in-containers": HTML block
 * openers and closers, tables, headings, fences, definitions under stacked
 * `>`, `-`, `1.`, `[^f]:` prefixes) gave `- - ?> … [w][x]⏎    <!X <b>⏎    /agent t1`
 * as a false trigger; reduced by hand, then the probes below. Fuzz counts
 * are in the report (re-review 8j).
 * Severity: medium (the phrase is shown, but in the middle of a sentence:
 * "Do not run: /agent x" starts the agent; any writer can write it by
 * accident with a note in a comment).
 * Fix (a suggestion): block-structure.ts already knows the list items and
 * the blank lines between their blocks; mark a list tight or loose as
 * cmark does (a blank line between two blocks of an item, or between
 * items, makes it loose: `S_ends_with_blank_line` in cmark's
 * `finalize`/`list` code), and in a tight item let a paragraph that follows
 * an HTML block of types 1–5 run on the shown line before it, as
 * html-line-breaks.ts does for lines of an HTML block: no request unless
 * the block before ends with a line-breaking tag, or nothing before it in
 * the item is shown.
 * Fixed by 8t (block-structure.ts `runOnParagraph`, raw-html.ts
 * `Junction.RunOn`): as suggested; more shapes in
 * test/agent/tight-list-run-on.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a paragraph after an HTML block in a tight list item', () => {
  it.each([
    // Oracle: cmark "<ul>\n<li>Do not run:\n<!-- x -->\n/agent x</li>\n</ul>\n": one line "Do not run: /agent x".
    // Expected: null. Got: a prompt "x".
    ['a comment (type 2)', '- Do not run:\n  <!-- x -->\n  /agent x'],
    // Oracle: cmark "<ol>\n<li>Do not run:\n<?x?>\n/agent x</li>\n</ol>\n".
    ['a processing instruction (type 3), ordered list', '1. Do not run:\n   <?x?>\n   /agent x'],
    // Oracle: cmark "<ul>\n<li>Do not run:\n<!X y>\n/agent x</li>\n</ul>\n".
    ['a declaration (type 4)', '- Do not run:\n  <!X y>\n  /agent x'],
    // Oracle: cmark "<ul>\n<li>Do not run:\n<![CDATA[x]]>\n/agent x</li>\n</ul>\n".
    ['a CDATA section (type 5)', '- Do not run:\n  <![CDATA[x]]>\n  /agent x'],
    // Oracle: cmark "<ul>\n<li>Do not run:\n&lt;script>&lt;/script>\n/agent x</li>\n</ul>\n": shown as text, same line.
    ['a tag-filtered <script> (type 1)', '- Do not run:\n  <script></script>\n  /agent x'],
    // Oracle: cmark "<ul>\n<li>Do not run:\n<!--\n-->\n/agent x</li>\n</ul>\n".
    ['a comment over two lines', '- Do not run:\n  <!--\n  -->\n  /agent x'],
    // Oracle: cmark "<ul>\n<li>\n<ul>\n<li>Do not run:\n<!X <b>\n/agent x</li>\n</ul>\n</li>\n</ul>\n" (the fuzz's shape).
    ['a nested item', '- - Do not run:\n    <!X <b>\n    /agent x'],
    // Oracle: cmark "<ul>\n<li>a</li>\n<li>Do not run:\n<!-- x -->\n/agent x</li>\n</ul>\n".
    ['the second item of a tight list', '- a\n- Do not run:\n  <!-- x -->\n  /agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // Oracle: cmark "…<li>\n<p>Do not run:</p>\n<!-- x -->\n<p>/agent x</p>\n</li>…": a loose list wraps each paragraph.
    ['in a loose list', '- a\n\n- Do not run:\n  <!-- x -->\n  /agent x'],
    // Oracle: cmark "<ul>\n<li>\n<!-- x -->\n/agent x</li>\n</ul>\n": nothing shown before the phrase in the item.
    ['when the HTML block comes first in the item', '- <!-- x -->\n  /agent x'],
    // Oracle: cmark "<ul>\n<li>Do not run:\n<!-- x -->\n</li>\n</ul>\n<p>/agent x</p>\n": a lazy line leaves the item.
    ['on a line outside the item', '- Do not run:\n  <!-- x -->\n/agent x'],
  ])('still starts it: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});
