/**
 * Re-review 8c: text GitHub does not show must not reach the agent as
 * instruction (issue 8, kind 7c; docs/security.md: image alt text and link
 * titles). Each input was rendered with cmark-gfm 0.29.0.gfm.6 (GitHub's
 * renderer) and read with parse5: "secret" is only in an alt or title
 * attribute. Today it reaches the prompt.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

function promptOf(text: string): string {
  const command = parseAgentCommand(text);
  if (command === null || command.kind === 'stop') throw new Error(`no prompt in ${JSON.stringify(text)}`);
  return command.prompt;
}

describe('alt text before a `<!--` that cmark-gfm 0.29 keeps as text', () => {
  it.each([
    // cmark: <p>/agent do <img src="u" alt="secret &lt;!--" /></p>; prompt today: "do ![secret".
    ['an unclosed `<!--`', '/agent do ![secret <!--](u)'],
    // cmark: <p>/agent do <img src="u" alt="secret &lt;!-- a -- b" /> --&gt;</p>
    ['a comment 0.29 rejects', '/agent do ![secret <!-- a -- b](u) -->'],
  ])('the alt text stays out of the prompt: %s', (_name, text) => {
    expect(promptOf(text)).not.toContain('secret');
  });
});

describe('a link right after `![x]` whose label is not defined', () => {
  // cmark: <p>/agent do ![x]<a href="u" title="secret">a</a></p>: with no definition of `a`, `![x]` is text and
  // `[a](u "secret")` an inline link. The bot's choice to read `![x][a]` as a reference image (fix-links) hides the
  // shown `x` and leaves the link's title in the prompt: "do ![][a](u \"secret\")".
  it('the link title stays out of the prompt', () => {
    expect(promptOf('/agent do ![x][a](u "secret")')).not.toContain('secret');
  });
});
