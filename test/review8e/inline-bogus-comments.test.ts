/**
 * Re-review 8e: text GitHub hides must neither start the agent nor reach it
 * as instruction (issue 8; docs/security.md, "Who can trigger what").
 *
 * In a paragraph, cmark-gfm 0.29 (`--unsafe --hardbreaks -e autolink -e
 * tagfilter -e table -e strikethrough`, GitHub's renderer) passes an inline
 * processing instruction (`<?` … `?>`) and CDATA section (`<![CDATA[` …
 * `]]>`) through as raw HTML, whole. The browser (and GitHub's HTML5
 * sanitiser) reads them differently: outside SVG/MathML both are bogus
 * comments that end at the FIRST `>`. A `<!--` after that `>` but before
 * cmark's `?>`/`]]>` therefore opens a real comment; with no `-->` later it
 * runs to the end of the comment and hides everything after it. The bot
 * reads the span as cmark does, so it skips the span and reads the text
 * after it as prose.
 *
 * html-code-elements.ts already reads `<code>` after such a `>` the
 * browser's way (`a <?><code>?>⏎/agent y` starts nothing); comments do not.
 * Found by the differential fuzz (generator "codeel": 3 + 2 leaks in 10,000).
 * Fix: in the inline reading, end `<?` and `<![CDATA[` at the first `>` as
 * the browser does and read a `<!--` after it as an opening comment (as
 * raw-html.ts does for HTML blocks), hiding up to the next `-->` or the end.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a comment opened inside an inline processing instruction or CDATA section', () => {
  // cmark: <p>a <![CDATA[><!--]]><br />⏎/agent y</p>. parse5 (the browser): <p>a <!--[CDATA[--><!--]]><br />⏎/agent y</p>⏎-->:
  // the page shows "a" only. Expected: null (nothing visible asks for the agent). Got: { kind: 'prompt', prompt: 'y' }.
  it.each([
    ['CDATA', 'a <![CDATA[><!--]]>\n/agent y'],
    // cmark: <p>a <?><!--?><br />⏎/agent y</p>. parse5: <p>a <!--?--><!--?><br />⏎/agent y</p>⏎-->.
    ['a processing instruction', 'a <?><!--?>\n/agent y'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  // cmark: <p>/agent x <![CDATA[><!--]]><br />⏎zq1</p>. The page shows "/agent x" only; "zq1" is inside the
  // open comment. Expected: the prompt is "x" without "zq1". Got: "x \nzq1".
  it.each([
    ['CDATA', '/agent x <![CDATA[><!--]]>\nzq1'],
    // cmark: <p>/agent x <?><!--?><br />⏎zq1</p>. Got: "x \nzq1".
    ['a processing instruction', '/agent x <?><!--?>\nzq1'],
    // Same line: cmark <p>/agent x <?><!--?> zq1</p>; the page shows "/agent x". Got: "x  zq1".
    ['a processing instruction, same line', '/agent x <?><!--?> zq1'],
  ])('keeps hidden text out of the prompt: %s', (_name, text) => {
    const command = parseAgentCommand(text);
    expect(command).toMatchObject({ kind: 'prompt' });
    const prompt = command !== null && command.kind !== 'stop' ? command.prompt : '';
    expect(prompt).toContain('x');
    expect(prompt).not.toContain('zq1');
  });
});
