/**
 * A paragraph right after an HTML block in a tight list item goes on the
 * block's shown line: cmark-gfm writes it without `<p>` (CommonMark §5.3),
 * so only a line break the browser sees (a block, `<br>`, or nothing shown
 * in the item before it) lets it start a request (block-structure.ts
 * `runOnParagraph`, raw-html.ts `Junction.RunOn`; re-review 8j). Oracle
 * for each case: cmark-gfm 0.29 `--unsafe --hardbreaks -e table -e autolink
 * -e tagfilter -e strikethrough -e footnotes` (outputs below), then parse5 7
 * as a fragment in a `div`.
 */
import { describe, expect, it } from '@jest/globals';
import { scanBlocks } from '../../src/agent/block-structure.js';
import { parseAgentCommand } from '../../src/agent/command.js';
import { growthRatio } from '../helpers/growth.js';

describe('a tight list item paragraph after an HTML block', () => {
  it.each([
    // cmark "<ul>\n<li>a</li>\n</ul>\n<ul>\n<li>Do not run:\n<!-- x -->\n/agent x</li>\n</ul>\n": another bullet
    // starts another list, and the blank line before it leaves that list tight.
    ['in a second list after a blank line', '- a\n\n* Do not run:\n  <!-- x -->\n  /agent x'],
    // cmark "…<li>\n<p>b</p>\n<p>c</p>\n</li>\n</ul>\n</li>\n<li>Do not run:\n<!-- x -->\n/agent x</li>…": the
    // nested list is loose, the outer one is not.
    ['in a tight list holding a loose one', '- a\n  - b\n\n    c\n- Do not run:\n  <!-- x -->\n  /agent x'],
    // cmark "<ul>\n<li>Do not run:\n<!-- x -->\n/agent x</li>\n</ul>\n": a definition writes nothing.
    ['after a definition', '- Do not run:\n  <!-- x -->\n  [x]: /u\n  /agent x'],
    // cmark "<ul>\n<li>\n<!-- x --> Do not run:\n/agent x</li>\n</ul>\n": the block's own text is shown.
    ['after text on the block\'s line', '- <!-- x --> Do not run:\n  /agent x'],
    // cmark "<ul>\n<li>\n&lt;script>&lt;/script>\n/agent x</li>\n</ul>\n": the tag filter shows the tags as text.
    ['after a tag-filtered block first in the item', '- <script></script>\n  /agent x'],
    // cmark "<ul>\n<li>a\n<!-- x -->\nb\n<!-- y -->\n/agent x</li>\n</ul>\n".
    ['after a second block', '- a\n  <!-- x -->\n  b\n  <!-- y -->\n  /agent x'],
    // cmark "<ol>\n<li>Do not run:\n<?x?>\n/agent x</li>\n<li>b</li>\n</ol>\n": an item after it, no blank line.
    ['with another item after it', '1. Do not run:\n   <?x?>\n   /agent x\n2. b'],
    // cmark "<ul>\n<li>\n<pre><code>\n</code></pre>\nDo not run:\n<!-- x -->\n/agent x</li>\n</ul>\n": a blank line
    // inside fenced code leaves the list tight.
    ['after a fence holding a blank line', '- ```\n\n  ```\n  Do not run:\n  <!-- x -->\n  /agent x'],
    // cmark "<ul>\n<li>\n<h2>a</h2>\n<ul>\n<li>Do not run:\n<!-- x -->\n/agent x</li>…": an empty item and a blank
    // line leave the nested list tight.
    ['in a nested list after an empty item', '- a\n  -\n\n  - Do not run:\n    <!-- x -->\n    /agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // cmark "<ul>\n<li>\n<p>Do not run:</p>\n<!-- x -->\n<p>/agent x</p>\n<p>more</p>…": a blank line later in the item.
    ['when a later blank line makes the list loose', '- Do not run:\n  <!-- x -->\n  /agent x\n\n  more', 'x\n\n  more'],
    // cmark "…<p>/agent x</p>\n</li>\n<li>\n<p>b</p>…": a blank line between two later items.
    ['when later items are loose', '- Do not run:\n  <!-- x -->\n  /agent x\n- b\n\n- c', 'x\n- b\n\n- c'],
    // cmark "<ul>\n<li>\n<p>a</p>\n<p>Do not run:</p>…<p>/agent x</p>…": a blank line between two blocks of the item.
    ['when the item is loose', '- a\n\n  Do not run:\n  <!-- x -->\n  /agent x', 'x'],
    // cmark "<ul>\n<li>Do not run:\n<pre>x</pre>\n/agent x</li>…": `</pre>` ends a block.
    ['after a <pre> block', '- Do not run:\n  <pre>x</pre>\n  /agent x', 'x'],
    // cmark "…/agent x<br />\n/agent y</li>…": the paragraph's second line follows a <br />.
    ['on the paragraph\'s second line', '- Do not run:\n  <!-- x -->\n  /agent x\n  /agent y', 'y'],
  ])('still starts it: %s', (_name, text, prompt) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt });
  });

  it('marks only the paragraph after the block, and only in a tight list', () => {
    expect(Array.from(scanBlocks(['- a', '  <!-- x -->', '  b', '  c']).runOnParagraph)).toEqual([0, 0, 1, 0]);
    expect(Array.from(scanBlocks(['- a', '  <!-- x -->', '  b', '- c', '', '- d']).runOnParagraph)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(scanBlocks(['<!-- x -->', 'b']).runOnParagraph)).toEqual([0, 0]);
  });

  it('is read in linear time: many tight items, each a paragraph after a comment block', () => {
    const unit = '- a\n  <!-- x -->\n  /agent y\n';
    const build = (size: number): string => `${unit.repeat(Math.floor(size / unit.length))}\n\n/agent go`;
    expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
  });
});
