/**
 * Parts of Markdown links and images that GitHub does not show as text, so
 * they may neither trigger the bot nor reach the agent as instruction (the
 * inline cousins of link reference definitions, issue 8 kind 7c):
 * - an image's alt text (`![alt](url)`): shown only if the image fails;
 * - a link's or image's title (`[text](url "title")`): a tooltip.
 * Either may run over lines of a paragraph, which is how a line starting
 * with `/agent` could hide inside. Only ranges holding a line break matter
 * (the phrase must start a line), so only those are returned, and a
 * prompt that talks about a one-line link keeps it whole.
 *
 * Linear in the text: candidates are searched left to right, the next `](`
 * is found once per stretch (a remembered answer serves every later
 * question before it), and blank lines, which end a paragraph and so any
 * link, are looked up by binary search in a list made once.
 */
import { nextOccurrence, rangeWalker } from './markdown.js';

/** After `](`: spaces, a destination, spaces, a title, spaces, `)`. Sticky; the title may hold line breaks, not a blank line (checked apart). */
const DESTINATION_AND_TITLE = /[ \t]*\n?[ \t]*(?:<[^<>\n]*>|[^\s()<]+)[ \t]*\n?[ \t]*("[^"]*"|'[^']*'|\([^()]*\))[ \t]*\n?[ \t]*\)/dy;

/**
 * Hidden link parts in `text` outside `code` (sorted flat [start, end)
 * lists of code shown as code), as one sorted flat list of [start, end)
 * offsets, each holding a line break.
 */
export function findHiddenLinkParts(text: string, code: readonly (readonly number[])[]): number[] {
  if (!text.includes('](')) return [];
  const blanks = blankLineStarts(text);
  const inCode = code.map((ranges) => rangeWalker(ranges));
  const hidden: number[] = [];
  const nextCloser = nextOccurrence(text, '](');
  const nextNewline = nextOccurrence(text, '\n');
  // Many `[` may share one `](`: what follows it is read once.
  let readAt = -1;
  let rest: RegExpExecArray | null = null;
  for (let open = text.indexOf('['); open !== -1; open = text.indexOf('[', open + 1)) {
    if (inCode.some((walk) => walk(open))) continue;
    const closer = nextCloser(open + 1);
    if (closer === -1) break;
    if (crossesBlank(blanks, open, closer)) continue;
    const image = open > 0 && text.charCodeAt(open - 1) === 33; // `!`
    const after = closer + 2;
    if (readAt !== after) {
      readAt = after;
      DESTINATION_AND_TITLE.lastIndex = after;
      rest = DESTINATION_AND_TITLE.exec(text);
    }
    const end = after + (rest?.[0].length ?? 0);
    if (rest !== null && (rest[1] ?? '').includes('\n') && !crossesBlank(blanks, after, end)) {
      // The title is hidden, and an image's alt text; a link's text and any destination are shown and stay.
      const title = rest.indices?.[1] ?? [after, end];
      if (image) hidden.push(open + 1, closer);
      hidden.push(title[0], title[1]);
      open = end - 1;
    } else if (image && isBefore(nextNewline(open), closer)) {
      hidden.push(open + 1, closer);
      open = closer;
    }
  }
  return hidden;
}

/** Whether an `indexOf` answer (-1 for none) comes before `limit`. */
const isBefore = (found: number, limit: number): boolean => found !== -1 && found < limit;


/** Offsets of the `\n` that starts each blank line, in order. */
function blankLineStarts(text: string): number[] {
  const starts: number[] = [];
  const blank = /\n[ \t]*(?=\n)/g;
  for (let m = blank.exec(text); m !== null; m = blank.exec(text)) starts.push(m.index);
  return starts;
}

/** Whether a blank line starts within [from, to). */
function crossesBlank(blanks: readonly number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = blanks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((blanks[mid] ?? 0) < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < blanks.length && (blanks[lo] ?? Infinity) < to;
}
