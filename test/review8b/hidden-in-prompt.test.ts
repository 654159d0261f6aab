/**
 * Re-review 8b: text GitHub does not show must not reach the agent as
 * instruction (issue 8, kind 7c; docs/security.md: HTML comments, image alt
 * text, link titles, attributes other than href/src). Each input was
 * rendered with cmark-gfm 0.29.0.gfm.6 (GitHub's renderer) and read with
 * parse5: "secret" is in a comment, an alt or title attribute, CDATA, or a
 * fence's info string, never in shown text. Today it reaches the prompt.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

function promptOf(text: string): string {
  const command = parseAgentCommand(text);
  if (command === null || command.kind === 'stop') throw new Error(`no prompt in ${JSON.stringify(text)}`);
  return command.prompt;
}

describe('hidden text next to a backtick inside raw HTML', () => {
  it.each([
    // The attribute's backtick is no code-span delimiter (CommonMark §6.1), so the comment is a comment on GitHub.
    ['after a backtick in a tag attribute', '/agent do\nx <a title="`"> <!-- `secret --> `'],
    ['after a backtick in another comment', '/agent do\nx <!-- ` --> <!-- `secret --> `'],
  ])('an HTML comment %s stays out of the prompt', (_name, text) => {
    expect(promptOf(text)).not.toContain('secret');
  });
});

describe('hidden parts inside <code>/<pre> elements (the browser hides them there too)', () => {
  it.each([
    ['an <img> alt attribute', '/agent do <code><img alt="secret" src="u"></code>'],
    ['a Markdown image alt text', '/agent do <code>![secret](u)</code>'],
    ['a Markdown link title', '/agent do <code>[a](u "secret")</code>'],
    ['CDATA (a bogus comment in HTML content)', '/agent do <code> <![CDATA[ secret ]]></code>'],
    ['an alt attribute in a <pre> element', '/agent do <pre>x <img alt="secret" src="u"></pre>'],
    // A <code> never closed makes the rest of the text "code" for the bot, so nothing after it is hidden any more.
    ['an alt attribute anywhere after an unclosed <code>', '/agent do <code> x\n\nmore <img src="u" alt="secret">'],
  ])('%s stays out of the prompt', (_name, text) => {
    expect(promptOf(text)).not.toContain('secret');
  });
});

describe('hidden HTML after a declaration cmark-gfm 0.29 shows as text (`<!x`)', () => {
  // `<!x` is text on GitHub; the bot skips from it to the next `>` without reading what lies between.
  it.each([
    ['an alt attribute', '/agent do x <!x <img alt="secret" src="u">'],
    ['CDATA', '/agent do x <!x <![CDATA[ secret ]]>'],
    ['a processing instruction', '/agent do x <!x <?p secret ?>'],
  ])('%s after it stays out of the prompt', (_name, text) => {
    expect(promptOf(text)).not.toContain('secret');
  });
});

describe('link and image titles when the brackets nest', () => {
  it.each([
    // cmark: <a href="u" title="secret">a [b] c</a>: the title is a tooltip, as in `[a](u "secret")`, which is hidden.
    ['a link title', '/agent do [a [b] c](u "secret")'],
    // cmark: <img src="u" alt="a [b] c" title="secret" />
    ['an image title', '/agent do ![a [b] c](u "secret")'],
    ['an image alt text', '/agent do ![a [secret] c](u)'],
    // cmark: the link is `[⏎…](u "secret")`; a `[x]` inside its text makes the bot skip the one-line title.
    ['a title after link text over lines', '/agent do [\nx [y] z](u "secret")'],
  ])('%s stays out of the prompt', (_name, text) => {
    expect(promptOf(text)).not.toContain('secret');
  });
});

describe("a fenced code block's info string", () => {
  // cmark: <pre><code class="language-js">code</code></pre>: GitHub shows the code and uses the first word for
  // highlighting; the rest of the info string is never shown.
  it('is not shown, so it stays out of the prompt (the code itself stays)', () => {
    const prompt = promptOf('/agent do x\n```js secret\ncode\n```');
    expect(prompt).toContain('code');
    expect(prompt).not.toContain('secret');
  });
});
