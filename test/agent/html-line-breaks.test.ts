/**
 * Lines of an HTML block start a shown line only after a `<br>` or a block
 * tag (html-line-breaks.ts, re-review 8h): the neighbours of
 * `<div>⏎text⏎/agent x`. Oracle: cmark-gfm 0.29.0.gfm.6 `--unsafe --hardbreaks
 * -e table -e autolink -e tagfilter -e strikethrough -e footnotes`, then parse5 7.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { growthRatio } from '../helpers/growth.js';

describe('a line of an HTML block', () => {
  it.each([
    // parse5 "<div>\n<p>a</p>\n/agent x\n</div>": after a block element's end tag.
    ['after </p>', '<div>\n<p>a</p>\n/agent x\n</div>', 'x'],
    // A self-closing <br /> with spaces after it.
    ['after <br /> and spaces', '<div>\na<br />  \n/agent x\n</div>', 'x'],
    // After a list item's start tag: the item's first line.
    ['after <li>', '<div>\n<ul><li>\n/agent x\n</li></ul>\n</div>', 'x'],
    // Re-review 8i: collapsed logs, then the request on the line after </details> (an HTML block of type 6 up to the
    // end): parse5 "<details>…</details>\n/agent fix", shown on a line of its own after the details box.
    ['after </details> (collapsed logs)', '<details>\n<summary>Logs</summary>\n\n```\nerr\n```\n\n</details>\n/agent fix', 'fix'],
    // After the end of a quote, a table or code, the text is outside them, on a line of its own.
    ['after </blockquote>', '<blockquote>\nq\n</blockquote>\n/agent x', 'x'],
    ['after </table>', '<table><tr><td>a</td></tr></table>\n/agent x', 'x'],
    // Inside a <div> block (a <pre> line of its own would start a block of type 1, after which the line is a paragraph).
    ['after </pre>', '<div>\n<pre>code</pre>\n/agent x\n</div>', 'x'],
  ])('starts a request after a line-breaking tag: %s', (_name, text, prompt) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt });
  });

  it.each([
    // parse5: one <span> whose title holds "<br>": no line break, "a /agent x" is one line.
    ['a `<br>` inside a quoted value', '<div>\na <span title="<br>">\n/agent x\n</div>'],
    // An inline tag that closes the line: "a /agent x".
    ['an inline end tag', '<div>\n<b>a</b>\n/agent x\n</div>'],
    // A table's start tag: text directly inside it is moved before the table, onto the line before.
    ['a <table> tag', '<div>\na <table>\n/agent x\n</table>\n</div>'],
    // The start tags of those: inside a quote, code or a collapsed box.
    ['a <details> tag', '<div>\n<details>\n/agent x\n</details>\n</div>'],
    ['a <pre> tag', '<div>\n<pre>\n/agent x\n</pre>\n</div>'],
  ])('does not start one after %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });
});

describe('a table whose <table> a tag left open swallows', () => {
  it.each([
    // parse5 "<div><!--A\n<table-->…a…/agent x…</div>": the bogus comment ends at the <table>'s ">".
    ['a bogus comment', '<div><!A\n\n|a|\n|-|\n/agent x'],
    // parse5 "<ul>\n<li>\n<div><b <table=\"\">…a…/agent x…": in a list item, the same.
    ['in a list item', '- <div><b\n\n  |a|\n  |-|\n  /agent x'],
  ])('shows its rows as one line, so none starts a request: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it('is no table when its second line is no delimiter row: a paragraph\'s lines after its first still show', () => {
    // cmark "<div><b\n<p>a<br />\n/agent x</p>": the <p> is swallowed, the <br /> is not.
    expect(parseAgentCommand('<div><b\n\na\n/agent x')).toEqual({ kind: 'prompt', prompt: 'x' });
  });

  it('is read in linear time: swallowed tables each before a comment block that ends a paragraph', () => {
    const unit = '<div><b\n\n|a|\n|-|\nb\n<!-- -->\n';
    const build = (size: number): string => `${unit.repeat(Math.floor(size / unit.length))}\n\n/agent go`;
    expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
  });
});
