/**
 * GFM extended autolinks (`www.`, `http://`) start in the same
 * left-to-right scan as code spans, so a backtick inside one opens no code
 * span (re-review 8c, the largest remaining class). Each input was rendered
 * with cmark-gfm 0.29.0.gfm.6 (`--unsafe --hardbreaks -e autolink`); the
 * output is quoted per case.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

function promptOf(text: string): string {
  const command = parseAgentCommand(text);
  if (command === null || command.kind === 'stop') throw new Error(`no prompt in ${JSON.stringify(text)}`);
  return command.prompt;
}

describe('a backtick inside an extended autolink opens no code span', () => {
  it.each([
    // <p><a href="http://www.%60">www.`</a><code>`<br />/agent x</p>: the link ends at `<`, so `<code>` is an
    // element, left open over the request.
    ['`www.` then `<code>`', 'www.`<code>`\n/agent x'],
    // <p><a href="http://y%60">http://y`</a> <code>/agent</code></p>: the span opens at the second backtick.
    ['`http://` then a code span over the request', 'http://y` `\n/agent `'],
  ])('the request is code on GitHub: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it('raw HTML after the link is read as HTML, so its attributes stay out of the prompt', () => {
    // <p>/agent <a href="http://www.%60">www.`</a><g t="secret">`</p>
    expect(promptOf('/agent www.`<g t="secret">` ')).not.toContain('secret');
  });
});

describe('where cmark-gfm starts no extended autolink, code spans stay', () => {
  it.each([
    // <p><a href="u">www.<code> </code><br />/agent x`</a></p>: no autolink while a `[` is open.
    ['inside link text', '[www.` `\n/agent x`](u)', 'x`](u)'],
    // <p>/agent x www.a_b.c<code> </code>y` z</p>: an `_` in the host's last two parts makes no link.
    ['an `_` in the host', '/agent x www.a_b.c` `y` z', 'x www.a_b.c` `y` z'],
    // <p>/agent see <a href="https://x.io/a%60b%60">https://x.io/a`b`</a> and <code>c</code></p>
    ['a backtick pair inside the URL', '/agent see https://x.io/a`b` and `c`', 'see https://x.io/a`b` and `c`'],
  ])('%s', (_name, text, prompt) => {
    expect(promptOf(text)).toBe(prompt);
  });

  it('a destination is read by its link, not as an autolink', () => {
    // <p><a href="www."></a><code>/agent</code></p>
    expect(parseAgentCommand('[](www.)`\n/agent `')).toBeNull();
  });

  it('a `](` with no `[` before it opens no destination, so the autolink still takes the backtick', () => {
    // <p>/agent ](<a href="http://x%60">http://x`</a><g t="secret`"></p>
    expect(promptOf('/agent ](http://x`<g t="secret`">')).not.toContain('secret');
  });
});
