/**
 * The phrase is read as GitHub shows it: comments GitHub hides are skipped,
 * and one cmark-gfm 0.29 shows as text (an inline `<!--` whose text holds
 * `--`, `<!--->`) is read as text, inside or before the phrase (issue 8,
 * fix 8n). Each case checked against cmark-gfm 0.29 (`--unsafe
 * --hardbreaks`, GitHub's extensions) and parse5 7.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('comments in and before the phrase', () => {
  it.each([
    // cmark: `<p>/ag&lt;!-- -- --&gt;ent x</p>`.
    ['"--" as the whole text, inside', '/ag<!-- -- -->ent x'],
    // cmark: `<p>\u200B&lt;!---&gt;/agent x</p>`: `<!--->` is text inline.
    ['"<!--->" before it', '\u200B<!--->/agent x'],
  ])('a comment shown as text stops it: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it('skips comments GitHub hides, one after another', () => {
    // cmark: `<p>\u200B<!-- a -->\u200B<!-- b -->/agent x</p>`: both hidden.
    expect(parseAgentCommand('\u200B<!-- a -->\u200B<!-- b -->/agent x')).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});
