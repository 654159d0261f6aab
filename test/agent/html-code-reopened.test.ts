/**
 * A `<code>` (or `<tt>`) left open is reopened by the browser in every later
 * paragraph ("reconstruct the active formatting elements", WHATWG HTML
 * §13.2.4.3), so what follows is shown as code. An end tag in a GFM table
 * cell or in a footnote definition does not close it: the cell bounds the
 * scope, and cmark-gfm moves the definition to the end or drops it
 * (html-code-elements.ts; issue 8, fix8u). Oracle for each case: cmark-gfm
 * 0.29 `--unsafe --hardbreaks -e table -e autolink -e tagfilter
 * -e strikethrough -e footnotes`, then parse5 7 as a fragment in a `div`.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { growthRatio } from '../helpers/growth.js';

describe('a <code> left open, with its end tag in a cell or footnote definition', () => {
  it.each([
    // The fuzz's reduced inputs (issue 8, stop 17): parse5 puts both phrases under `div > code`.
    ['a list item table', '<code> [^1]\n1. </code>|/agent t151062|</p>\n   |-|-|-|\n/agent t151076'],
    ['a footnote definition', '</del> <code>\n[^f]: </tr>|</del></code>\n\n/agent t166541'],
    ['the end tag in a header cell', '<code>a\n\n|</code>|b|\n|-|-|\n\n/agent x'],
    ['the end tag in body cells', 'a <code>\n\n|x|</code>|\n|-|-|\n|</code>|\n\n/agent x'],
    ['the end tag in a footnote definition interrupting the paragraph', '<code>a\n[^f]: </code>\n\n/agent x'],
    ['the end tag in a later footnote definition', 'a <code>b\n\n[^f]: </code>\n\n/agent x'],
    ['a <pre> whose end tag is in a cell', '<div><pre>\n\n|</pre>|b|\n|-|-|\n\n/agent x'],
    // `<tt>` is the same formatting element to the tree builder, and shown in monospace.
    ['an open <tt>, then a hard break', 'a <tt>\n/agent x'],
    ['an open <tt>, then a paragraph', '<tt>a\n\n/agent x'],
    ['an open <TT>, its end tag in a cell', '<TT>a\n\n|</tt>|\n|-|\n\n/agent x'],
    // `</tt>` closes no `<code>`: the tree builder ignores an end tag whose element is not open.
    ['a <code> and a </tt>', 'a <code> b </tt>\n/agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // Opened and closed in the same cell or the same footnote definition: the phrase after it is prose.
    ['closed in its own cell', '|<code>a</code>|b|\n|-|-|\n\n/agent x'],
    ['closed in a body cell', '|a|b|\n|-|-|\n|<code>c</code>|d|\n\n/agent x'],
    ['closed in its own footnote definition', '[^f]: <code>a</code>\n\n/agent x'],
    ['closed before a footnote definition', '<code>a</code> b\n\n[^f]: x\n\n/agent x'],
    ['a closed <tt>', 'a <tt>b</tt>\n/agent x'],
    // `<pre>` opens an HTML block that ends on the line holding `</pre>`: closed there, table or not.
    ['a <pre> block ended on a table line', '<pre>\n\n|</pre>|b|\n|-|-|\n\n/agent x'],
  ])('still starts the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });

  it('is read in linear time: tables and footnote definitions of end tags after an open <code>', () => {
    const unit = '|</code>|</pre>|\n|-|-|\n\n[^f]: </code></tt>\n\n';
    const build = (size: number): string => `<code><pre>\n\n${unit.repeat(Math.floor(size / unit.length))}/agent go`;
    expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
  });

  it('is read in linear time: <code> opened and closed in every cell', () => {
    const unit = '|<code>a</code>|<tt>b</tt>|\n';
    const build = (size: number): string => `|a|b|\n|-|-|\n${unit.repeat(Math.floor(size / unit.length))}\n/agent go`;
    expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
  });
});
