/**
 * Re-review 8h: text GitHub does not show as a paragraph start must not
 * start the agent (issue 8; docs/security.md: tags GFM's tag filter escapes
 * "are shown as text on GitHub").
 *
 * The bot takes every `<title>`, `<textarea>`, `<xmp>`, `<iframe>`,
 * `<noembed>`, `<noframes>` and `<plaintext>` tag for one the tag filter
 * escapes, by its name alone (html-blocks.ts `isFilteredTagName`, used by
 * raw-html.ts). cmark-gfm 0.29's tag filter (extensions/tagfilter.c
 * `is_tag`) escapes such a tag only when the name is followed by
 * whitespace, `>` or `/>`. The browser's tokenizer ends a tag name at `/`
 * too (WHATWG HTML §13.2.5.8), so `<xmp/x>` on a line of an HTML block
 * reaches the browser unescaped and opens a real `xmp` (raw text), `title`
 * or `textarea` (RCDATA) or `plaintext` element: everything cmark writes
 * after it, its own `<p>` tags included, is that element's text. Its end
 * tag cannot follow as written (`</xmp>` is escaped), only as `</xmp/x>`.
 * So `/agent x` in the next paragraph is shown, at most, as the literal
 * text "<p>/agent x</p>" (if GitHub's sanitiser keeps the removed element's
 * text) or not at all (if it drops it): no shown line starts with `/agent`.
 * The bot reads it as a paragraph and starts the agent. The same text stays
 * in the instruction after a real request (`/agent fix⏎⏎<div><xmp/x>⏎⏎…`),
 * hidden where the sanitiser drops the element's content.
 * Only HTML-block lines carry it: inline, cmark's tag grammar never lets a
 * name be followed by `/` and anything but `>`.
 * Oracle: cmark-gfm 0.29 `--unsafe -e table -e autolink -e tagfilter
 * -e strikethrough -e footnotes`, then parse5 7. Found by reading the tag
 * filter against html-blocks.ts; the first fuzz shapes held no `<name/x>`;
 * the seeded shape "tagfilter" (3,000 documents) had 211 hits holding it (13 with no
 * other suspect piece).
 * Severity: medium (a false trigger from ordinary comment text, and a
 * hidden instruction where the sanitiser drops the element's content).
 * Fix (a suggestion): a filtered name counts as escaped only when
 * followed by whitespace, `>` or `/>` (tagfilter.c); otherwise it is a real
 * raw-text (`xmp`, `iframe`, `noembed`, `noframes`), RCDATA (`title`,
 * `textarea`) or PLAINTEXT element: hide up to its end tag (`</name` and
 * whitespace, `/` or `>`, as raw HTML) or, for `plaintext` or when none
 * follows, to the end of the text, as inline-bogus.ts does after a
 * processing instruction.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a raw-text tag the tag filter lets through (<xmp/x>)', () => {
  it.each([
    // Oracle: cmark "<div>\n<xmp/x>\n<p>/agent x</p>\n"; parse5: an <xmp> whose text is "\n<p>/agent x</p>\n".
    // Expected: null. Got: { kind: 'prompt', prompt: 'x' }.
    ['xmp in a <div> block', '<div>\n<xmp/x>\n\n/agent x'],
    // Oracle: cmark "<div><xmp/x>\n<p>/agent x</p>\n"; parse5 as above. Got: a prompt.
    ['xmp on the block\'s first line', '<div><xmp/x>\n\n/agent x'],
    // Oracle: cmark "<div>\n<textarea/x>\n<p>/agent x</p>\n"; parse5: a <textarea> holding "<p>/agent x</p>\n". Got: a prompt.
    ['textarea (RCDATA)', '<div>\n<textarea/x>\n\n/agent x'],
    // Oracle: cmark "<div>\n<title/x>\n<p>/agent x</p>\n"; parse5: a <title> holding it. Got: a prompt.
    ['title (RCDATA)', '<div>\n<title/x>\n\n/agent x'],
    // Oracle: cmark "<div>\n<plaintext/x>\n<p>/agent x</p>\n"; parse5: all the rest is plaintext. Got: a prompt.
    ['plaintext', '<div>\n<plaintext/x>\n\n/agent x'],
    // Oracle: cmark "<div>\n<iframe/x>\n<p>/agent x</p>\n"; parse5: an <iframe> holding it. Got: a prompt.
    ['iframe', '<div>\n<iframe/x>\n\n/agent x'],
    // Oracle: cmark "<b>\n<XMP/x>\n<p>/agent x</p>\n" (a type 7 block; the name in any case). Got: a prompt.
    ['in a type 7 block, upper case', '<b>\n<XMP/x>\n\n/agent x'],
    // Oracle: cmark "<blockquote>\n<div><xmp/x>\n</blockquote>\n<p>/agent x</p>\n"; parse5: the xmp's text
    // holds "</blockquote>\n<p>/agent x</p>". Got: a prompt.
    ['in a quote', '> <div><xmp/x>\n\n/agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it('still starts it where the filter escapes the tag (<xmp/> is shown as text)', () => {
    // Oracle: cmark "<div>\n&lt;xmp/>\n<p>/agent x</p>\n": the tag is text, the paragraph is shown.
    expect(parseAgentCommand('<div>\n<xmp/>\n\n/agent x')).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});
