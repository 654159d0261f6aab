/**
 * Re-review 8h: only `/agent` that GitHub shows at the start of a line
 * counts (issue 8; docs/security.md).
 *
 * cmark-gfm 0.29 reads an inline `<!-- … -->` as a comment only when its
 * text holds no `--` and does not end in `-` (CommonMark 0.29 §6.6); any
 * other (`<!-- a -- b -->`, `<!-- a --->`) is escaped and shown as text.
 * The 8f fix stopped such a comment from separating the phrase from what
 * follows (command.ts `followedAsShown`), but the phrase itself is still
 * read with every comment skipped (`firstShown`, `shownText`), so a comment
 * GitHub shows inside the phrase (`/ag<!-- -- -->ent x`, shown as written)
 * or before it (`\u200B<!-- -- -->/agent x`: the invisible character keeps
 * the line from opening an HTML block, so the comment is a paragraph's text)
 * joins the phrase or puts it at the line's start, and the agent starts.
 * Not the known 8g kind (`/agent<!--⏎-->y`: a comment after the phrase).
 * Oracle: cmark-gfm 0.29 `--unsafe --hardbreaks -e table -e autolink
 * -e tagfilter -e strikethrough -e footnotes`, then parse5 7 (outputs below).
 * Found by reading command.ts against the 8f fix; the
 * fuzz shape "late" (3,000 documents, seeded with such comments) had 68 hits
 * times (7 with no other suspect piece).
 * Severity: low (the text is shown, but no request can be seen in it).
 * Fix (a suggestion): in `firstShown` and `shownText`, skip only the
 * comments GitHub hides (`opaqueComments`, as `followedAsShown` does); a
 * comment cmark shows as text is shown text.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a comment cmark-gfm shows as text, inside or before the phrase', () => {
  it.each([
    // Oracle: cmark "<p>/ag&lt;!-- a -- b --&gt;ent x</p>\n": shown "/ag<!-- a -- b -->ent x". Expected: null.
    // Got: { kind: 'prompt', prompt: 'x' }.
    ['inside, with "--"', '/ag<!-- a -- b -->ent x'],
    // Oracle: cmark "<p>/ag&lt;!-- a ---&gt;ent x</p>\n". Got: a prompt.
    ['inside, ending "--->"', '/ag<!-- a --->ent x'],
    // Oracle: cmark "<p>\u200B&lt;!-- a -- b --&gt;/agent x</p>\n": shown "<!-- a -- b -->/agent x". Got: a prompt.
    ['before it, after an invisible character', '\u200B<!-- a -- b -->/agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // Oracle: cmark "<p>/ag<!---a-->ent x</p>\n": a comment GitHub drops; shown "/agent x".
    ['inside', '/ag<!---a-->ent x'],
    // Oracle: cmark "<p>\u200B<!-- a -->/agent x</p>\n": shown "/agent x".
    ['before it', '\u200B<!-- a -->/agent x'],
  ])('still skips a comment GitHub hides: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});
