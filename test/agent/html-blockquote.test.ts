/**
 * A raw `<blockquote>`, which GitHub shows as a quote: what it holds is
 * context, never instruction, read as parsed HTML to its end tag, nested
 * ones counted (issue 8, fix 8n). Each case checked against cmark-gfm 0.29
 * (`--unsafe --hardbreaks`, GitHub's extensions) and parse5 7.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a raw <blockquote>', () => {
  it.each([
    // parse5: `<blockquote><a title="</blockquote>">\n/agent x\n</a></blockquote>`: the end tag is a value.
    ['an end tag inside a quoted value', '<blockquote><a title="</blockquote>">\n/agent x'],
    // parse5: `<blockquote><blockquote>a</blockquote>\n<p>/agent x</p>\n</blockquote>`.
    ['nested in itself', '<blockquote><blockquote>a</blockquote>\n\n/agent x'],
    // parse5: `<p>a </p><blockquote> b<br>\n/agent x<p></p>\n</blockquote>`: inline, it opens a quote too.
    ['inline', 'a <blockquote> b\n/agent x'],
  ])('quotes what follows: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it('is no element in a code span', () => {
    // cmark: `<p><code>&lt;blockquote&gt;</code><br />\n/agent x</p>`.
    expect(parseAgentCommand('`<blockquote>`\n/agent x')).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});
