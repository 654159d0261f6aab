/**
 * Footnote definitions in the block reader (re-review 8j, fix 8s): cmark-gfm
 * 0.29 opens a footnote definition as a container in the innermost matched
 * container, wherever a block may start (it interrupts a paragraph and ends
 * a lazy line's containers), and it matches only lines indented four
 * columns more, so a line indented less after its paragraph is lazy: a
 * block start there need not interrupt a paragraph (a lone tag opens an
 * HTML block of type 7, an ordered list may start at 2). Further shapes of
 * the two kinds in test/review8j/footnote-lazy-lone-tag.test.ts and
 * footnote-after-quote-in-list.test.ts.
 * Oracle: cmark-gfm 0.29 `--unsafe --hardbreaks -e table -e autolink
 * -e tagfilter -e strikethrough -e footnotes` (outputs below), then parse5 7
 * as a fragment in a `div` (a comment left open runs to the end).
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { growthRatio } from '../helpers/growth.js';

describe('a lone tag on a lazy line of a footnote definition', () => {
  it.each([
    // Oracle: cmark "<p>a</p>\n<b>\n<!--\n<p>--&gt;</p>\n<p>/agent x</p>\n": the definition interrupts the paragraph.
    ['a definition that interrupts a paragraph', 'a\n[^1]: b\n<b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: cmark "<b>\n<!--\n<p>--&gt;</p>\n<p>/agent x</p>\n": `b` is lazy, and so is `<b>`.
    ['after a lazy line', '[^1]: a\nb\n<b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: cmark "  <b>\n<!--\n<p>--&gt;</p>\n<p>/agent x</p>\n": two columns are too few for the definition.
    ['indented two columns', '[^1]: a\n  <b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: cmark "<b>\n<!--\n<p>--&gt;</p>\n<p>/agent x</p>\n".
    ['after an empty definition', '[^1]:\n<b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: the same: the definition holds a quote, which `<b>` does not continue.
    ['after a definition holding a quote', '[^1]: > a\n<b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: the same, after nested definitions.
    ['after nested definitions', '[^1]: [^2]: a\n<b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: cmark "<x-y>\n<!--\n<p>--&gt;</p>\n<p>/agent x</p>\n": a custom element's tag.
    ['a custom element', '[^1]: a\n<x-y>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: cmark "<ul>\n<li>\n<b>\n<!--\n</li>\n</ul>\n<p>--&gt;</p>\n<p>/agent x</p>\n": in a list item.
    ['in a list item', '- [^1]: a\n  <b>\n  <!--\n\n-->\n\n/agent x'],
    // Oracle: cmark "<table>…</table>\n<b>\n<!--\n<p>--&gt;</p>\n<p>/agent x</p>\n": the definition ends a table.
    ['after a table', 'a|b\n-|-\n[^f]: c\n<b>\n<!--\n\n-->\n\n/agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // Oracle: cmark "<!--\n\n-->\n<p>/agent x</p>\n": four columns match the definition, so `<b>` goes on its
    // paragraph and `<!--` opens a block of type 2 that `-->` ends.
    ['a tag indented four columns', '[^1]: a\n    <b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: cmark "<p><b></p>\n<!--\n\n-->\n<p>/agent x</p>\n": a label with a space makes a link reference
    // definition, no footnote, and `<b>` goes on its paragraph.
    ['a label with a space', '[^a b]: /u\n<b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: cmark "<ol start=\"2\">\n<li>\n<p>b</p>\n<p>/agent x</p>\n</li>\n</ol>\n": on a lazy line an ordered
    // list may start at 2.
    ['an ordered list at 2 after it', '[^1]: a\n2. b\n\n   /agent x'],
  ])('still starts it: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});

describe('a footnote definition whose first line holds another block', () => {
  it.each([
    // Oracle: cmark "<b>\n<!--\n<p>--&gt;</p>\n<p>/agent x</p>\n": no paragraph is open after the heading, so `<b>`
    // opens an HTML block outside the definition.
    ['a heading', '[^1]: # h\n<b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: the same after a fence, a thematic break and an empty item.
    ['a fence', '[^1]: ```\n<b>\n<!--\n\n-->\n\n/agent x'],
    ['a thematic break', '[^1]: - - -\n<b>\n<!--\n\n-->\n\n/agent x'],
    ['an empty item', '[^1]: -\n<b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: the same: a quote's paragraph in the definition is left open, so `c` and `<b>` are lazy.
    ['a paragraph in a list item', '[^1]: - a\nc\n<b>\n<!--\n\n-->\n\n/agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // Oracle: cmark "<p>c<br />\n<b></p>\n<!--\n\n-->\n<p>/agent x</p>\n": `<dl>` opens an HTML block in the
    // definition, so `c` is no lazy line: it starts a paragraph outside, which `<b>` goes on.
    ['an HTML block', '[^1]: <dl>\nc\n<b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: the same inside a quote, a list item, a nested definition, and after a lone tag.
    ['an HTML block in a quote', '[^1]: > <dl>\nc\n<b>\n<!--\n\n-->\n\n/agent x'],
    ['an HTML block in an item', '[^1]: - <dl>\nc\n<b>\n<!--\n\n-->\n\n/agent x'],
    ['an HTML block in a nested definition', '[^1]: [^2]: <dl>\nc\n<b>\n<!--\n\n-->\n\n/agent x'],
    ['a lone tag', '[^1]: <span>\nc\n<b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: cmark "<blockquote>\n</blockquote>\n<p>/agent x</p>\n": no lazy line of the quote either.
    ['an HTML block, in a quote', '> [^1]: <dl>\n/agent x'],
  ])('still starts it: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });

  it('never reads a later definition as the HTML block’s text', () => {
    // Oracle: cmark "<p>a<br />\n</span><br />\n/agent x</p>\n": `[^f]: w2` interrupts that paragraph and, defined
    // twice, is dropped. Read as lazy, `</span>` opened an HTML block that took the second definition in as text.
    const command = parseAgentCommand('[^f]: <dl>\na\n</span>\n    /agent x\n[^f]: w2');
    expect(command === null || command.kind === 'stop' ? '' : command.prompt).not.toContain('w2');
  });
});

describe('a footnote definition on a lazy line', () => {
  it.each([
    // Oracle: cmark "<ul>\n<li>\n<blockquote>\n<blockquote>\n<p>a</p>\n</blockquote>\n</blockquote>\n</li>\n</ul>\n".
    ['after two quotes in an item', '- > > a\n[^f]: b\n\n    /agent x'],
    // Oracle: cmark "<blockquote>\n<ul>\n<li>\n<blockquote>\n<p>a</p>\n</blockquote>\n</li>\n</ul>\n</blockquote>\n
    // <pre><code>/agent x\n</code></pre>\n": the definition starts in the outer quote.
    ['in a quote, after a quote in an item', '> - > a\n> [^f]: b\n\n    /agent x'],
    // Oracle: cmark "<ul>\n<li>\n<blockquote>\n<p>a</p>\n</blockquote>\n</li>\n</ul>\n".
    ['with no text', '- > a\n[^f]:\n\n    /agent x'],
    ['with its body on the next line', '- > a\n[^f]: b\n    /agent x'],
    // Oracle: cmark "<ul>…</ul>\n<b>\n<!--\n<p>--&gt;</p>\n<p>/agent x</p>\n": both kinds at once.
    ['then a lone tag', '- > a\n[^f]: b\n<b>\n<!--\n\n-->\n\n/agent x'],
    // Oracle: cmark "<ul>\n<li>\n<blockquote>\n<p>a</p>\n</blockquote>\n</li>\n</ul>\n": `*` is a label character.
    ['a label with an asterisk', '- > a\n[^a*b]: c\n\n    /agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // Oracle: cmark "<ul>\n<li>\n<blockquote>\n<p>a<br />\n[^a b]: c</p>\n</blockquote>\n<p>/agent x</p>\n</li>\n
    // </ul>\n": no footnote (a space in the label), so the line is lazy and the item goes on.
    ['a label with a space', '- > a\n[^a b]: c\n\n    /agent x'],
    // Oracle: cmark "<ul>…</ul>\n<p>/agent x</p>\n": a later paragraph at two columns is outside both.
    ['after the definition’s second paragraph', '- > a\n[^f]: b\n\n    c\n\n  /agent x'],
  ])('still starts it: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});

describe('footnote definition starts in the block reader', () => {
  it.each([
    ['definitions after quotes in items', '- > a\n[^f]: b\n\n'],
    ['lone tags after definitions', '[^1]: a\n<b>\n\n'],
    ['definitions with lazy lines', '[^1]: a\nb\n'],
    ['labels never closed', `[^${'a'.repeat(30)}\n`],
  ])('is read in time linear in the text: %s', (_name, unit) => {
    const build = (size: number): string => `${unit.repeat(Math.floor(size / unit.length))}\n\n/agent go`;
    expect(parseAgentCommand(build(4096))).toEqual({ kind: 'prompt', prompt: 'go' });
    expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
  });
});
