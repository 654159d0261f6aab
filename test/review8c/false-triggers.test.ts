/**
 * Re-review 8c: text GitHub shows as alt text or inside a `<code>` element
 * must not start the agent (issue 8, kind 3; docs/security.md, "Who can
 * trigger what"). Each input was rendered with cmark-gfm 0.29.0.gfm.6
 * (`--unsafe --hardbreaks -e table -e strikethrough -e autolink -e
 * tagfilter`, GitHub's renderer) and the HTML read with parse5 (the
 * browser's HTML5 tree builder); the rendered HTML is quoted per case. The
 * bot reads each as a request on the branch that holds fix-inline and
 * fix-links (af9bf40).
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a `<!--` that cmark-gfm 0.29 keeps as text must not hide the `]` that closes an image', () => {
  it.each([
    // cmark: <p><img src="u" alt="a /agent do x &lt;!--" /></p>. An inline `<!--` with no `-->` is text, so the
    // `](u)` after it closes the image; the bot takes the rest of the paragraph for a comment and sees no image.
    ['an unclosed `<!--`', '![a\n/agent do x <!--](u)'],
    // cmark: <p><img src="u" alt="a /agent do x &lt;!-- a -- b" /> --&gt;</p>. A `--` inside makes it no comment
    // in 0.29 (the bot's own inline grammar, inline-html.ts commentEnd, says so too).
    ['a comment 0.29 rejects (`--` inside)', '![a\n/agent do x <!-- a -- b](u) -->'],
  ])('the request is alt text on GitHub: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });
});

describe('a `<code>` the browser sees must count as nested even where the Markdown text around it is no tag', () => {
  it.each([
    // cmark: <p><code>a &lt;b<code></code><br />/agent x</p>. `<b<code>` is not inline HTML, so cmark escapes the
    // first `<`; the browser sees a second <code>, and the one </code> closes only that. html-code-elements.ts
    // reads a `<` in a paragraph with cmark's inline grammar (fix8d): text, then a real `<code>`.
    ['after a `<` cmark escapes', '<code>a <b<code></code>\n/agent x'],
    // cmark: <p><code>a &lt;b c=&quot;d&quot; <code></code>…: the attribute list has no `>`, so it is text.
    ['after an unfinished tag cmark escapes', '<code>a <b c="d" <code></code>\n/agent x'],
    // Raw in an HTML block: <div>\n<code>a <b="x><code>"></code>\n<p>/agent x</p>. The browser's tag name is
    // `b="x` (an `=` right after the name is part of it) and ends at the first `>`.
    ['after `=` in a tag name (HTML block)', '<div>\n<code>a <b="x><code>"></code>\n\n/agent x'],
    // Raw: <div>\n<code>a <b ="x><code>"></code>\n<p>/agent x</p>. An `=` where an attribute's name starts is
    // part of that name (unexpected-equals-sign-before-attribute-name): the tag ends at the first `>`.
    ['after `=` starting an attribute name (HTML block)', '<div>\n<code>a <b ="x><code>"></code>\n\n/agent x'],
    // cmark: <p><code>a &lt;!-- -- <code></code><br />/agent x</p>: 0.29 takes no comment with `--` inside.
    ['after a comment cmark escapes', '<code>a <!-- -- <code></code>\n/agent x'],
    // cmark: <p><code>a &lt;b x=&quot;<code>&quot;&gt;</code><br />/agent x</p>: an escaped `<` opens no tag.
    ['after an escaped `<`', '<code>a \\<b x="<code>"></code>\n/agent x'],
  ])('the request is inside an unclosed <code> on GitHub: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // cmark: <p><code>a <b x="<code>"></code><br />/agent x</p>: inline HTML cmark takes; the `<code>` is a value.
    ['inside a quoted value of inline HTML', '<code>a <b x="<code>"></code>\n/agent x'],
    // Raw: <div>\n<code>a <b c ="x><code>"></code>\n<p>/agent x</p>: after a name, `=` starts its value.
    ['inside a quoted value after `name =` (HTML block)', '<div>\n<code>a <b c ="x><code>"></code>\n\n/agent x'],
    // cmark: <p><code>a <b c="d"><code></code></code><br />/agent x</p>: two openers, two closers.
    ['two openers, two closers', '<code>a <b c="d"><code></code></code>\n/agent x'],
  ])('the request shows: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});

describe('a destination with an unbalanced `(` inside an image description', () => {
  // cmark 0.29 (`manual_scan_link_url_2`) ends a destination at whitespace or at a `)` with no `(` open, and fails
  // it only past 32 open: parentheses need not balance. cmark: <p><img src="u" alt="a  /agent x " /></p>: `[](](⏎)`
  // is a link inside the description, so `](u)` closes the image. link-hidden.ts reads every destination in one
  // pass (DestinationEnds, fix8d); a scan from each `](` cost about 160 ms/MB on `[x](` repeated.
  it('the request is alt text on GitHub', () => {
    expect(parseAgentCommand('![a [](](\n)\n/agent x\n](u)')).toBeNull();
  });

  it.each([
    // <p><img src="u" alt="a  /agent x " /></p>
    ['`b(` then a line break', '![a [](b(\n)\n/agent x\n](u)'],
    // <p><img src="u" alt="a  /agent x " /></p>: an escaped `(` opens nothing, the destination ends at the break.
    ['an escaped `(`', '![a [](b\\(\n)\n/agent x\n](u)'],
    // <p><img src="u" alt="a  /agent x " /></p>: `<` inside a destination not in pointy brackets is fine.
    ['a `<` inside', '![a [](b<c\n)\n/agent x\n](u)'],
  ])('the request is alt text on GitHub: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // <p><a href="b(" title="t⏎/agent x">a</a></p>: the title is a tooltip.
    ['`b(`', '[a](b( "t\n/agent x")'],
    // <p><a href="((((((((((((((((((((((((((((((((b" title="t⏎/agent x">a</a></p>: 32 open is the most.
    ['32 `(` open', `[a](${'('.repeat(32)}b "t\n/agent x")`],
    // <p><a href="b%5C(" title="t⏎/agent x">a</a></p>: `\\` is one escaped backslash, so the `(` counts.
    ['an escaped backslash before `(`', '[a](b\\\\( "t\n/agent x")'],
  ])('the request is in a link title on GitHub: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // <p>[a]((((((((((((((((((((((((((((((((((b &quot;t<br />/agent x&quot;)</p>: the 33rd `(` fails the link.
    ['33 `(` open', `[a](${'('.repeat(33)}b "t\n/agent x")`, 'x")'],
    // <p>[a](b(c<br />/agent x</p>: the destination ends at the break, and no `)` or title follows.
    ['no `)` after the destination', '[a](b(c\n/agent x', 'x'],
    // <p><a href="b">a</a> &quot;t<br />/agent x&quot;)</p>: a `)` with none open ends the destination and the link.
    ['a `)` before the title', '[a](b) "t\n/agent x")', 'x")'],
  ])('the request shows: %s', (_name, text, prompt) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt });
  });
});
