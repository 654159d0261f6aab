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

// Fix 8p: the tags of HTML blocks are read in order as the browser's tree builder reads them (html-line-breaks.ts
// `LineStarts`). Oracle for each: cmark-gfm 0.29 (flags above), then parse5 7 as a fragment in a div, text laid out
// with white-space: normal; the quoted trees are parse5's.
describe('an end tag whose element is not open (dropped by the parser)', () => {
  it.each([
    // "<div>\na \n/agent x\n</div>": no dt is open.
    ['</dt>', '<div>\na </dt>\n/agent x'],
    ['</figure>', '<div>\na </figure>\n/agent x'],
    ['</details>', '<div>\na </details>\n/agent x'],
    ['</blockquote>', '<div>\na </blockquote>\n/agent x'],
    ['</table>', '<div>\na </table>\n/agent x'],
    ['</pre>', '<div>\na </pre>\n/agent x'],
    // "<table><tbody><tr><td>a \n/agent x</td>…": the cell bounds the scope, so the div outside it is not closed.
    ['</div> inside a table cell', '<table><tr><td>a </div>\n/agent x'],
    // "<div>\n<img src=\"x\"> \n/agent x\n</div>": the image is on the phrase's line, the </li> dropped.
    ['</li> after an image', '<div>\n<img src="x"> </li>\n/agent x'],
  ])('breaks no line: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // "<ul>\n<li>a</li></ul> \n/agent x": </ul> closes the item and the list; the </li> after is dropped, harmless.
    ['the list\'s end tag, then a stray </li>', '<ul>\n<li>a</ul> </li>\n/agent x'],
    // "<li>a\n</li><li>b</li> \n/agent x": the second <li> closed the first, its </li> closes the second.
    ['an item closed by the next item\'s start tag', '<li>a\n<li>b</li> </li>\n/agent x'],
    // "<h2>a</h2>\n/agent x": </h1> closes any open heading.
    ['</h1> closing an <h2>', '<h2>a</h1>\n/agent x'],
    // The div outside the table is closed after the table's end.
    ['</div> after a table inside it', '<div><table><tr><td>x</td></tr></table>\na </div>\n/agent x'],
    // A Markdown paragraph inside the cells keeps the raw table open: its </table> closes it.
    ['</table> after Markdown in a cell', '<table><tr><td>\n\n**bold**\n\n</td></tr></table>\n/agent x'],
    // A Markdown list inside <details> leaves it open: its </details> closes it.
    ['</details> after a Markdown list inside it', '<details>\n<summary>Logs</summary>\n\n- a\n- b\n\n</details>\n/agent x'],
  ])('still breaks one when it closes an open element: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});

describe('the line after a tag that shows nothing', () => {
  it.each([
    // "<div>\nPlease do not run:\n<b>\n/agent x\n</b></div>": the blank line between the blocks is white space.
    ['after a <div> block\'s text, a <b>', '<div>\nPlease do not run:\n\n<b>\n/agent x'],
    ['after an open list item\'s text', '<ul><li>\nPlease do not run:\n\n<em>\n/agent x'],
    // A link reference definition between writes nothing: "<div>\na\n<span>\n/agent x".
    ['with only a link reference definition between', '<div>\na\n\n[x]: /u\n\n<span>\n/agent x'],
    // An unknown element (dropped by GitHub's sanitizer, its text kept) shows nothing either.
    ['after an open <p>\'s text, an unknown element', '<div>\na\n\n<custom-x>\n/agent x'],
    // The tag itself shows something: a box, a quotation mark.
    ['a lone checkbox', '<input type="checkbox">\n/agent x'],
    ['a lone <q>', '<q>\n/agent x'],
    // A tight list item's paragraph has no </p>: "<li>Please do not run:\n<tr></dt>\n/agent x</li>" is one line.
    ['after a tight list item\'s paragraph', '- Please do not run:\n  <tr></dt>\n  /agent x'],
  ])('starts no request when the line before goes on: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // "<div>\n<span>\n/agent x\n</span></div>": nothing is shown between the <div> and the phrase.
    ['after a block\'s start tag and a <span>', '<div>\n<span>\n/agent x'],
    ['after a <br> and a <span>', '<div>\na<br>\n<span>\n/agent x'],
    ['at the start of the comment', '<span>\n/agent x'],
    ['after a paragraph', 'a\n\n<b>\n/agent x'],
  ])('starts one when the line before ended: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});

describe('the reading of open elements', () => {
  it('is linear: many open elements and a stray end tag per line, blocks apart', () => {
    const unit = '<div><ul><li><dl><dd>\na </li></dt>\n\n<span>\n';
    const build = (size: number): string => `${unit.repeat(Math.floor(size / unit.length))}/agent go`;
    expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
  });

  it('is linear: nested list items, each closed by the next, then Markdown between blocks', () => {
    const unit = '<li>a <h1>b</h2>\n\npara\n\n';
    const build = (size: number): string => `${unit.repeat(Math.floor(size / unit.length))}/agent go`;
    expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
  });
});
