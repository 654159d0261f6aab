/**
 * Keeping a comment body within GitHub's limit.
 *
 * GitHub rejects issue and review comment bodies over 65,536 characters with
 * 422 "body is too long". An agent's answer can be longer than that, and a
 * 422 would lose it, so every body the bot posts goes through
 * `fitCommentBody`: the text is cut cleanly, the reader is told, and the
 * footer and marker (which link the thread to its chat) are never cut.
 */
import { markdownLink } from './markdown.js';
import { closeOpenBlocks } from './open-blocks.js';

/** GitHub's documented limit on a comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/**
 * What we allow ourselves. GitHub counts characters, JavaScript's `length`
 * counts UTF-16 code units (never fewer), and we keep a margin for GitHub
 * normalizing line endings or entities on its side.
 */
export const MAX_COMMENT_LENGTH = 65_000;

/**
 * A line boundary is the clean place to cut, unless the last one is so far
 * back that most of the room would go unused (one enormous line, a minified
 * file); then we cut between characters instead.
 */
const MIN_LINE_CUT_FILL = 0.8;

export interface CommentParts {
  /** The text that may be cut: the answer, an error detail. */
  content: string;
  /** Footer and marker: always kept whole, placed after the content. */
  tail: string;
  /** Where the whole text can be read; linked from the note when the content is cut. */
  fullTextUrl?: string | undefined;
  /** What the content is, for the note: "answer" by default. */
  noun?: string;
}

/**
 * Joins content and tail with a blank line, cutting the content so the body
 * is ≤ MAX_COMMENT_LENGTH. A code fence, block HTML element or HTML comment
 * the content leaves open is closed before the tail, cut or not
 * (open-blocks.ts), so the footer and marker never become code or hidden.
 */
export function fitCommentBody(parts: CommentParts, limit: number = MAX_COMMENT_LENGTH): string {
  const tail = parts.tail === '' ? '' : `\n\n${parts.tail}`;
  const whole = closeOpenBlocks(parts.content) + tail;
  if (whole.length <= limit) return whole;

  const note = `\n\n${cutNote(parts.noun ?? 'answer', parts.fullTextUrl)}`;
  let budget = limit - tail.length - note.length;
  // Closing an open fence or element adds lines, so re-cut with less room until it all fits.
  for (;;) {
    const kept = budget > 0 ? cutCleanly(parts.content, budget) : '';
    const body = closeOpenBlocks(kept) + note + tail;
    if (body.length <= limit || budget <= 0) return body;
    budget -= body.length - limit;
  }
}

function cutNote(noun: string, url: string | undefined): string {
  const reason = `✂️ The ${noun} was cut here: GitHub comments hold at most ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')} characters.`;
  return url === undefined ? `> ${reason}` : `> ${reason} ${markdownLink(`Read the whole ${noun} in Coder`, url)}.`;
}

/**
 * The longest prefix of `text` within `budget` code units that ends at a line
 * boundary, or, failing that, at a grapheme boundary: never half a surrogate
 * pair, never half an emoji sequence.
 */
export function cutCleanly(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const newline = text.lastIndexOf('\n', budget);
  if (newline >= budget * MIN_LINE_CUT_FILL) return text.slice(0, newline).replace(/\r$/, '');
  return text.slice(0, graphemeBoundaryAtOrBefore(text, budget));
}

/**
 * The longest clean cut (`cutCleanly`) of `text` that, passed through
 * `finish` (closing what the cut left open), is at most `budgetBytes` of
 * UTF-8. UTF-8 takes 1 to 3 bytes per UTF-16 code unit, so the cut shrinks
 * in proportion until it fits. '' when nothing fits.
 */
export function cutToBytes(text: string, budgetBytes: number, finish: (kept: string) => string = (kept) => kept): string {
  let units = Math.max(0, budgetBytes);
  for (;;) {
    const kept = finish(cutCleanly(text, units));
    const bytes = Buffer.byteLength(kept);
    if (bytes <= budgetBytes || units === 0) return bytes <= budgetBytes ? kept : '';
    units = Math.max(0, Math.min(units - 1, Math.floor((units * budgetBytes) / bytes) - 8));
  }
}

/** Made on first use: building a segmenter loads ICU data (tens of ms), which a run that never cuts text should not pay for. */
let graphemes: Intl.Segmenter | undefined;

/**
 * Whether a boundary falls before `index` depends on the text up to and
 * including the code point at `index` (regional-indicator flags pair up from
 * the left), so that prefix is segmented, whole, including a low surrogate.
 */
function graphemeBoundaryAtOrBefore(text: string, index: number): number {
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  const segment = graphemes.segment(text.slice(0, index + 2)).containing(index);
  return segment === undefined ? index : segment.index;
}
