/**
 * Where a line opens an HTML block of type 7, white space read cmark-gfm
 * 0.29's way (`scanners.re`: ASCII only; after the tag only spaces, tabs
 * and form feeds), so code GitHub shows as code is code here too, and a line
 * GitHub shows in an HTML block is read there (issue 8, fix 8n). Each case
 * checked against cmark-gfm 0.29 (`--unsafe --hardbreaks`).
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a type 7 HTML block start', () => {
  it('is no tag with a line separator inside', () => {
    // cmark: `<p>&lt;b\u2028x&gt;</p>\n<pre><code>/agent x\n</code></pre>`.
    expect(parseAgentCommand('<b\u2028x>\n```\n/agent x\n```')).toBeNull();
  });

  it.each([
    // cmark passes `<b>\f` and the lines after it on as an HTML block: no code span, and after the `<br>` the browser
    // shows "/agent x" at a line's start (without it, the line runs on after "`a": html-line-breaks.ts).
    ['a form feed after the tag', '<b>\f\n`a<br>\n/agent x\n`'],
    // cmark: `<b x=\u00A0>` is a tag (an unquoted value may be a no-break space), so an HTML block.
    ['a no-break space as an unquoted value', '<b x=\u00A0>\n`a<br>\n/agent x\n`'],
  ])('opens the block: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toMatchObject({ kind: 'prompt' });
  });
});
