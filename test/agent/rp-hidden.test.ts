/**
 * Text inside `<rp>`, which no browser renders (WHATWG HTML §15.3.1), read
 * as parsed HTML: tags inside are tags, so an `</rp>` in a quoted value or a
 * code span ends nothing (issue 8, fix 8n). Each case checked against
 * cmark-gfm 0.29 (`--unsafe --hardbreaks`, GitHub's extensions) and parse5 7.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { growthRatio } from '../helpers/growth.js';

describe('an <rp> element', () => {
  it.each([
    // parse5: `<p><rp><span title="</rp>"><br>\n/agent x</span></rp></p>`: the `</rp>` is a value.
    ['an </rp> inside a quoted value', '<rp><span title="</rp>">\n/agent x</rp>'],
    // parse5: `<p><rp><rp>a</rp><br>\n/agent x</rp></p>`: the first end tag closes the inner one.
    ['nested in itself', '<rp><rp>a</rp>\n/agent x'],
    // cmark: `<p><rp><code>a&lt;/rp&gt;</code><br />\n/agent x</p>`: an end tag in a code span is text.
    ['an </rp> in a code span', '<rp>`a</rp>`\n/agent x'],
    // cmark: `<p><rp>&lt;/rp&gt;<br />\n/agent x</p>`: an escaped end tag is text.
    ['an escaped </rp>', '<rp>\\</rp>\n/agent x'],
  ])('hides what follows: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // parse5: `<!-- <rp> -->\n<p>/agent x</p>`.
    ['inside a comment', '<!-- <rp> -->\n/agent x'],
    // cmark: `<p>&lt;rp&gt;<br />\n/agent x</p>`.
    ['escaped', '\\<rp>\n/agent x'],
    // cmark: `<p><code>&lt;rp&gt;</code><br />\n/agent x</p>`.
    ['in a code span', '`<rp>`\n/agent x'],
  ])('is no element: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });

  it('keeps the text around it in the instruction, and hides what is inside', () => {
    expect(parseAgentCommand('/agent fix <rp><b>not</b> this</rp> the <i>tests</i>')).toEqual({ kind: 'prompt', prompt: 'fix  the tests' });
  });

  it('costs linear time over many elements with tags inside', () => {
    const unit = '<rp><b>a</b> <i title="x">b</i></rp> ';
    const build = (size: number): string => `/agent go ${unit.repeat(Math.floor(size / unit.length))}`;
    expect(parseAgentCommand(build(4096))).toMatchObject({ kind: 'prompt' });
    expect(growthRatio(build, parseAgentCommand, 256 * 1024)).toBeLessThan(24);
  });

  it('is read in time linear in the text in an HTML block, where a tag cmark would not take still opens one', () => {
    // Re-review 8i: `<div>⏎<rp/x>` and `<div>⏎\<rp>` open an rp (the browser's tokenizer reads the block); each such
    // tag looks for a later `>`, which must be searched for once, not once per tag.
    expect(parseAgentCommand('<div>\n<rp/x>\n\n/agent x')).toBeNull();
    expect(parseAgentCommand('<div>\n\\<rp>\n\n/agent x')).toBeNull();
    const build = (size: number): string => `<div>\n${'<rp/ </rp/ '.repeat(Math.floor(size / 12))}\n\n/agent go`;
    expect(growthRatio(build, parseAgentCommand, 256 * 1024)).toBeLessThan(24);
  });
});
