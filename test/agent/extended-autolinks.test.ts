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

  it.each([
    // <p>[;](<a href="http://www.a%5C">www.a\</a><!--⏎/agent x  --></p>: `www.a\<!--⏎/agent` is no destination
    // with a `)` after it, so cmark makes no link, and the `(` is text before an autolink.
    ['a comment after the link', '[;](www.a\\<!--\n/agent x  -->', null],
    // <p>[a](<a href="http://www.%60">www.`</a><br />/agent x `</p>: the autolink takes the first backtick.
    ['a backtick in the link', '[a](www.`\n/agent x `', { kind: 'prompt', prompt: 'x `' }],
    // <p><a href="http://x%3C!--">a</a><br />/agent x --&gt;</p>: here the link is made, so its destination holds
    // the `\<!--`, and no comment starts.
    ['a link made: no autolink, no comment', '[a](http://x\\<!--)\n/agent x -->', { kind: 'prompt', prompt: 'x -->' }],
  ])('a `](` whose link cmark does not make leaves the autolink after its `(`: %s', (_name, text, expected) => {
    expect(parseAgentCommand(text)).toEqual(expected);
  });

  it('a `](` with no `[` before it opens no destination, so the autolink still takes the backtick', () => {
    // <p>/agent ](<a href="http://x%60">http://x`</a><g t="secret`"></p>
    expect(promptOf('/agent ](http://x`<g t="secret`">')).not.toContain('secret');
  });
});

describe('a backslash that ends an extended autolink escapes nothing after it', () => {
  // The link runs to the `<`, backslashes included, so the `<` after it may open raw HTML (issue 8, fix8d).
  it.each([
    // <p><a href="http://www.%5C">www.\</a><!--⏎/agent x --></p>
    ['`www.`', 'www.\\<!--\n/agent x -->'],
    // <p><a href="http://a.b%5C">http://a.b\</a><!--⏎/agent x --></p>
    ['`http://`', 'http://a.b\\<!--\n/agent x -->'],
    // <p><a href="ftp://a%5C">ftp://a\</a><!--⏎/agent x --></p>
    ['`ftp://`', 'ftp://a\\<!--\n/agent x -->'],
    // <p><a href="http://www.a.b%5C%5C%5C">www.a.b\\\</a><!--⏎/agent x --></p>: three backslashes, all the link's.
    ['an odd run of backslashes', 'www.a.b\\\\\\<!--\n/agent x -->'],
    // <p>(<a href="http://www.a%5C">www.a\</a><!--⏎/agent x --></p>
    ['after `(`', '(www.a\\<!--\n/agent x -->'],
    // <p>x <a href="http://www.%5C">www.\</a><!--⏎/agent x --></p>: after a code span that ends before the link.
    ['after a code span', '`a` www.\\<!--\n/agent x -->'],
    // <p>[a] <a href="http://www.%5C">www.\</a><!--⏎/agent x --></p>: the bracket is closed before the link.
    ['after a closed bracket', '[a] www.\\<!--\n/agent x -->'],
    // <p><a href="https://%C3%A9_%5C">https://é_\</a><!--⏎/agent x --></p> (found by the differential fuzz)
    ['a host of a non-ASCII letter and `_`', 'https://é_\\<!--\n/agent x -->'],
  ])('the request is in a comment on GitHub: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // <p>a &lt;!--<br />/agent x --&gt;</p>: no link, the backslash escapes the `<`.
    ['no link before it', 'a \\<!--\n/agent x -->', 'x -->'],
    // <p>[www.&lt;!--<br />/agent x --&gt;</p>: no autolink while a `[` is open.
    ['inside an open bracket', '[www.\\<!--\n/agent x -->', 'x -->'],
    // <p>xwww.a&lt;!--<br />/agent x --&gt;</p>: `www.` after a letter starts no link.
    ['`www.` after a letter', 'xwww.a\\<!--\n/agent x -->', 'x -->'],
    // <p>www.a_b.c&lt;!--<br />/agent x --&gt;</p>: an `_` in the host's last two parts makes no link.
    ['an `_` in the host', 'www.a_b.c\\<!--\n/agent x -->', 'x -->'],
  ])('where no link holds the backslash, it escapes the `<`: %s', (_name, text, prompt) => {
    expect(promptOf(text)).toBe(prompt);
  });
});

describe('after `://` the host starts with a letter, a digit or a non-ASCII non-punctuation character', () => {
  it.each([
    // <p>a HTTP://-b?-<code>/agent x</code></p>
    ['`-`', 'a HTTP://-b?-`\n/agent x `'],
    // <p>https://.é<code>/agent x</code></p>
    ['`.`', 'https://.é`\n/agent x `'],
    // <p>http://_b<code>/agent x</code></p>
    ['`_`', 'http://_b`\n/agent x `'],
  ])('no link, so the backtick opens a code span over the request: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // <p><a href="https://%C3%A9%60">https://é`</a><br />/agent x `</p>
    ['a non-ASCII letter', 'https://é`\n/agent x `'],
    // <p><a href="http://1%60">http://1`</a><br />/agent x `</p>
    ['a digit', 'http://1`\n/agent x `'],
    // <p><a href="https://%C3%A9_a.b_c%60">https://é_a.b_c`</a><br />/agent x `</p>: cmark reads the host byte by
    // byte, and the second byte of `é` ends it, so the `_` after it is not checked.
    ['a non-ASCII letter, then `_` in the last parts', 'https://é_a.b_c`\n/agent x `'],
  ])('a link takes the backtick, so the request shows: %s', (_name, text) => {
    expect(promptOf(text)).toBe('x `');
  });
});
