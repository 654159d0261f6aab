/**
 * Re-review 8b: text GitHub shows as code, or does not show at all, must not
 * start the agent (issue 8, kind 3; docs/security.md, "Who can trigger
 * what"). Each input was rendered with cmark-gfm 0.29.0.gfm.6 (`--unsafe -e
 * table -e strikethrough -e autolink -e tagfilter`, GitHub's renderer) and
 * the HTML read with parse5 (the browser's HTML5 tree builder): in every
 * one the `/agent` line ends up inside a `<code>`/`<pre>` element, an image's
 * alt text, a tag's attribute, or an indented code block. The bot reads each
 * as a request today.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('code spans: a backtick inside raw HTML or an autolink is no delimiter (CommonMark §6.1, "except HTML tags and autolinks")', () => {
  it.each([
    // cmark: <p>x <a title="`"><code>a /agent do</code></p>; the bot pairs the attribute's backtick with the second one.
    ['in a tag attribute', 'x <a title="`">` a\n/agent do `'],
    // cmark: <p>x <!-- ` --><code>a /agent do</code></p>
    ['in an HTML comment', 'x <!-- ` -->` a\n/agent do `'],
    // cmark: <p>x <a href="http://a.b/%60">http://a.b/`</a><code>a /agent do</code></p>
    ['in an autolink', 'x <http://a.b/`>` a\n/agent do `'],
    // Processing instruction, declaration and CDATA are raw HTML too.
    ['in a processing instruction', 'x <?p ` ?>` a\n/agent do `'],
  ])('the request is inside a code span on GitHub: backtick %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });
});

describe('image alt text over lines when the brackets nest', () => {
  it.each([
    // cmark: <p><img src="u" alt="a b /agent x " /></p>: a link inside an image's description (CommonMark §6.4).
    ['a link inside the alt text', '![a [b](u)\n/agent x\n](u)'],
    // cmark: <p>[<img src="u" alt=" /agent x " /></p>: the innermost opener `![` takes the `](`; the outer `[` is literal.
    ['a `[` before the image opener', '[![\n/agent x\n](u)'],
  ])('the request is alt text on GitHub: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });
});

describe('an HTML comment opener that is not one must not swallow the tag that hides the request', () => {
  it.each([
    // `\<` is an escaped `<` (CommonMark §2.4): "<!--" is text, and `<span title="-->⏎/agent x⏎">` is one tag.
    ['a backslash-escaped `<!--`', '\\<!--<span title="-->\n/agent x\n">'],
    // The `<!--` is inside a quoted attribute value, so the `-->` in the next tag's value ends nothing.
    ['a `<!--` inside an attribute value', '<a title="<!--"> <span title="-->\n/agent x\n">'],
  ])('the request is an attribute of a tag over lines: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });
});

describe('a declaration cmark-gfm 0.29 shows as text (`<!` and a lower-case letter)', () => {
  // cmark: <p>x &lt;!x <span title=">⏎/agent y⏎"></p>: `<!x` is text, and the tag after it holds the request in an
  // attribute. The bot skips from `<!x` to the next `>` (inside the title) and never reads the tag.
  it('does not make the bot skip the tag after it', () => {
    expect(parseAgentCommand('x <!x <span title=">\n/agent y\n">')).toBeNull();
  });
});

describe('a list item whose only content is a link reference definition', () => {
  // cmark-gfm: the definition is taken out of the item when its paragraph closes, the item is left empty, and an empty
  // item ends at a blank line (blocks.c: "a list item can begin with at most one blank line"). The indented line is
  // then indented code at the top level: <ul><li></li></ul><pre><code>/agent x</code></pre>.
  it.each([
    ['a bullet item', '- [x]: /u\n\n\n    /agent x'],
    ['an ordered item', '1. [x]: /u\n\n\n     /agent x'],
    ['two such items', '- [x]: /u\n- [y]: /u\n\n\n    /agent x'],
  ])('the line after two blank lines is indented code on GitHub: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });
});

describe('<pre>/<code> elements as the browser builds them', () => {
  it.each([
    // <pre> inside <code> outlives the code element: `</p>` does not close it, so the next paragraph is inside <pre>.
    ['a <pre> opened inside a <code> element', 'a <code>b <pre>c</code>\n\n/agent x'],
    // A <code> opened inside a <pre> block is a formatting element: the browser reopens it in the next paragraph.
    ['a <code> left open inside a <pre> block', '<pre>x <code>y\n</pre>\n\n/agent x'],
    // Two <code> need two </code>: the outer one is reopened in the next paragraph.
    ['nested <code> closed once', 'a <code>b <code>c</code>\n\n/agent x'],
    // `\<` makes `\</code>` text, not an end tag (cmark writes &lt;/code&gt;).
    ['an escaped </code>', 'a <code>b \\</code>\n/agent x'],
    // The `</code>` is inside an HTML comment: the browser drops it with the comment.
    ['a </code> inside a comment', 'a <code>b <!-- </code> -->\n/agent x'],
    // The `</code>` is inside an attribute value of the <code> tag itself.
    ['a </code> inside an attribute value', 'a <code title="</code>">b\n/agent x'],
    // cmark ends the type 1 block at the line holding "</pre>", but the browser reads `<a title="</pre>">` as one tag,
    // so <pre> stays open and the paragraph after it is inside it.
    ['a </pre> inside an attribute value', '<pre>\n<a title="</pre>">\n\n/agent y'],
    // The browser's tokenizer reads `<br</pre>` as one tag named "br<" (WHATWG HTML §13.2.5.8): no end tag.
    ['a </pre> glued to another tag', '<pre>\nx <br</pre>\n\n/agent y'],
  ])('the request is inside <pre> or <code> on GitHub: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });
});

describe('an empty comment cmark-gfm 0.29 does not accept', () => {
  // Inline, cmark-gfm 0.29 reads `<!-->` and `<!--->` as text (its comment grammar: the text may not start with `>` or
  // `->`), so GitHub shows "<!-->/agent x": the phrase does not start the line. (Inside an HTML block the browser reads
  // them as comments; an invisible character keeps this line out of one.)
  it.each([
    ['<!-->', '\u200B<!-->/agent x'],
    ['<!--->', 'x\n\u200B<!--->/agent x'],
  ])('%s before the phrase is shown as text', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });
});
