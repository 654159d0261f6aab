/**
 * Re-review 8j: quoted lines are context, never instruction (issue 8), and
 * a raw `<blockquote>` is a quote, like `> ` (docs/security.md).
 *
 * A paragraph ending in `<!X` (a declaration's start) is followed by a
 * line `<blockquote>`, which opens an HTML block of type 6 and so ends the
 * paragraph: cmark-gfm writes `<p>Do not run: &lt;!X</p>` (text: a
 * declaration must close inside its paragraph) and passes `<blockquote>`
 * raw, so everything after it is quoted on GitHub. The bot reads `<!X⏎
 * <blockquote>` as one inline declaration across the line break, which
 * hides the `<blockquote>`, and starts the agent on the quoted
 * `/agent x`. With `<?` in place of `<!X` the bot is right.
 * Oracle: cmark-gfm 0.29 `--unsafe --hardbreaks -e table -e autolink
 * -e tagfilter -e strikethrough -e footnotes`, then parse5 7 as a fragment
 * in a `div`: "<p>Do not run: &lt;!X</p>\n<blockquote>\n<p>/agent x</p>\n
 * </blockquote>".
 * How found: the differential fuzz (shape "blocks-in-containers") gave
 * `[^f]: ## *w &lt;⏎> - #<!X⏎<blockquote>⏎</table> …⏎/agent t1`; reduced
 * by hand. Count in the report.
 * Severity: low to medium (the phrase is shown, but in a quote, which the
 * bot promises never to take as a request).
 * Fix (a suggestion): end an inline declaration (and any inline raw HTML
 * candidate) where its paragraph ends, with the paragraph-interrupting
 * block starts (HTML blocks of types 1–6 among them) taken first, as
 * cmark-gfm does: blocks before inlines.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a raw <blockquote> after a paragraph that ends in <!X', () => {
  it('does not start the agent on the quoted line', () => {
    // Oracle: cmark "<p>Do not run: &lt;!X</p>\n<blockquote>\n<p>/agent x</p>\n". Expected: null. Got: a prompt "x".
    expect(parseAgentCommand('Do not run: <!X\n<blockquote>\n\n/agent x')).toBeNull();
  });

  it('reads the same as GitHub after <?', () => {
    // Oracle: cmark "<p>Do not run: &lt;?</p>\n<blockquote>\n<p>/agent x</p>\n": the bot agrees today.
    expect(parseAgentCommand('Do not run: <?\n<blockquote>\n\n/agent x')).toBeNull();
  });
});
