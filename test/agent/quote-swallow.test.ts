/**
 * Raw HTML still open where cmark-gfm writes tags of its own (issue 8, fix
 * 8h; raw-html.ts `Junction`, command.ts `quoteSwallowed`). The browser
 * reads cmark's tags as HTML too: a bogus comment or tag still open ends at
 * their first `>`, and one that swallows a quote's `</blockquote>` leaves
 * the quote open, so all that follows is quoted on the page, never a
 * request. Each expectation was checked against cmark-gfm 0.29.0.gfm.6
 * (`--unsafe`, GitHub's extensions) and parse5's tree; cmark's output is
 * quoted beside each input, and the comment says what the page shows.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { growthRatio } from '../helpers/growth.js';

describe('a quote whose end tag the raw HTML swallows', () => {
  it.each([
    // The reporter's first input. cmark: `<blockquote>\n<!A --<![CDATA[<?\n</blockquote>\n<!--->a\n<p>/agent x</p>\n`
    // (the bogus comment ends at `</blockquote>`'s `>`: "/agent x" is inside the quote).
    ['a bogus comment, then a comment block', '> <!A --<![CDATA[<?\n<!--->a\n\n/agent x'],
    // The reporter's second. cmark: `…<blockquote>\n<!A > </\n</blockquote>\n<!A > \n<p>/agent x</p>\n`.
    ['"</" and a space, before a declaration', '> </<!--->"\n\n> <!A > </\n<!A > \n/agent x'],
    // cmark: `<blockquote>\n<!A\n</blockquote>\n<!--->a\n<p>/agent x</p>\n`.
    ['a declaration never closed', '> <!A\n\n<!--->a\n\n/agent x'],
    // cmark: `<blockquote>\n<div title="\n</blockquote>\n<div>">\n<p>/agent x</p>\n` (the value runs to the raw `"`).
    ['a quoted value closed outside the quote', '> <div title="\n\n<div>">\n\n/agent x'],
    // cmark: `<blockquote>\n<!--\n</blockquote>\n<div>-->\n<p>/agent x</p>\n`.
    ['a comment closed in a later block', '> <!--\n\n<div>-->\n\n/agent x'],
    // cmark: `<blockquote>\n<p>a <?><!--?></p>\n</blockquote>\n<div>-->\n<p>/agent x</p>\n` (the browser's comment,
    // opened after the instruction's first `>`, runs over `</p></blockquote>`).
    ['a comment opened in an inline instruction\'s rest', '> a <?><!--?>\n\n<div>-->\n\n/agent x'],
    // cmark: `<ul>\n<li>\n<blockquote>\n<!--\n</blockquote>\n</li>\n</ul>\n<div>-->\n<p>/agent x</p>\n`: the `</li>` is
    // swallowed as well; the item would close the quote, but it is swallowed too.
    ['a comment in a quote in a list item', '- > <!--\n\n<div>-->\n\n/agent x'],
  ])('hides the request after %s (page: quoted)', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // cmark: `<blockquote>\n<!-- a -->\n</blockquote>\n<p>/agent x</p>\n`.
    ['a comment closed in the quote', '> <!-- a -->\n\n/agent x'],
    // cmark: `<blockquote>\n<div title="a">\n</blockquote>\n<p>/agent x</p>\n`.
    ['a tag closed in the quote', '> <div title="a">\n\n/agent x'],
    // cmark: `<blockquote>\n<div><!A\n<b>\n</blockquote>\n<p>/agent x</p>\n`: the next block in the same quote
    // follows with no tag between, and its `>` ends the bogus comment.
    ['a bogus comment closed by the next block in the quote', '> <div><!A\n>\n> <b>\n\n/agent x'],
  ])('lets the request through after %s (page: "/agent x")', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});

describe('raw HTML read on from where the browser reads it', () => {
  it.each([
    // cmark: `<ol>\n<li>\n<!A\n\n</li>\n<li>\n<blockquote>\n<div title=">\n</blockquote>\n</li>\n</ol>\n<p>/agent x</p>\n`:
    // the bogus comment ends at `</li>`'s `>`, so the browser opens the later value (read on, it ended inside it).
    ['a bogus comment ended by a list item\'s end tag', '1. <!A\n\n1. > <div title=">\n/agent x'],
    // cmark: `<div title="\n<ol start="2">\n<li>a</li>\n</ol>\n<div title=">\n<p>/agent x</p>\n`: the value ends at
    // cmark's `"`, and the later one opens.
    ['a quoted value that cmark\'s own attribute may close', '<div title="\n\n2. a\n\n<div title=">\n\n/agent x'],
    // cmark: `<div>a<b\n<p>/agent x</p>\n`: the tag takes `<p` as an attribute; the page shows "a/agent x" on one line.
    ['a tag that swallows the next paragraph\'s start tag', '<div>a<b\n\n/agent x'],
    // cmark: `<b>\n> - </ zq1\n<p>/agent x zq99</p>\n`: the page shows "> - /agent x zq99" on one line.
    ['a bogus comment that swallows the next paragraph\'s start tag', '<b>\n> - </ zq1\n\n/agent x zq99'],
  ])('hides the request after %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // cmark: `<ul>\n<li>\n<div><!A\n</li>\n</ul>\n<p>/agent x</p>\n`: the bogus comment ends at `</li>`, `</ul>` closes
    // the list, and the paragraph starts a line.
    ['a bogus comment ended by a list item\'s end tag', '- <div><!A\n\n/agent x'],
    // cmark: `<div><!A\n<p>a</p>\n<p>/agent x</p>\n`: the bogus comment ends at the first `<p>`.
    ['a bogus comment ended by a paragraph', '<div><!A\n\na\n\n/agent x'],
  ])('lets the request through after %s (page: "/agent x" starts a line)', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});

describe('reading junctions stays linear (ratio between an input and one 8× larger)', () => {
  const GO = { kind: 'prompt', prompt: 'go' };
  it.each([
    ['bogus comments ended by paragraphs', '<div><!A\n\na\n\n', GO],
    ['bogus comments in list items', '- <div><!A\n', GO],
    ['comments over quoted lines', '> <!-- a\n> b -->\n\n', GO],
    ['comments out of quotes', '> <!--\n\n<div>-->\n\n', null],
  ])('%s', (_name, unit, expected) => {
    const build = (size: number): string => `${unit.repeat(Math.floor(size / unit.length))}\n\n/agent go`;
    expect(parseAgentCommand(build(4096))).toEqual(expected);
    expect(growthRatio(build, parseAgentCommand, 256 * 1024)).toBeLessThan(24);
  });
});
