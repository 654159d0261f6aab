/**
 * Parts of Markdown links and images that GitHub does not show as text, so
 * they may neither trigger the bot nor reach the agent as instruction (the
 * inline cousins of link reference definitions, issue 8 kind 7c):
 * - an image's alt text (`![alt](url)`): shown only if the image fails;
 * - a link's or image's title (`[text](url "title")`): a tooltip.
 * Either may run over lines of a paragraph, which is how a line starting
 * with `/agent` could hide inside; on one line they cannot trigger, but
 * they are still left out of the instruction (issue 8, N1 item b: a
 * reader never sees `![do X](u)` or `[a](u "do X")` ask for anything). A
 * link's text and destination stay: the text is shown, and the agent needs
 * the address.
 *
 * Linear in the text: candidates are searched left to right, the next `](`
 * is found once per stretch (a remembered answer serves every later
 * question before it), and blank lines, which end a paragraph and so any
 * link, are looked up by binary search in a list made once.
 */
import { nextOccurrence, rangeWalker } from './markdown.js';

/**
 * After `](`: spaces (at most one line break among them), a destination,
 * spaces, an optional title, spaces, `)`. Sticky; the title may hold line
 * breaks, not a blank line (checked apart). Each run of spaces is read as
 * `[ \t]*(?:\n[ \t]*)?`, which splits it one way only: `[ \t]*\n?[ \t]*`
 * tried every split of a long run of spaces, quadratic in its length.
 */
const DESTINATION_AND_TITLE = /([ \t]*(?:\n[ \t]*)?)(<[^<>\n]*>|[^\s()<]+)(?:[ \t]*(?:\n[ \t]*)?("[^"]*"|'[^']*'|\([^()]*\)))?[ \t]*(?:\n[ \t]*)?\)/y;

/**
 * Hidden link parts in `text` outside `code` (sorted flat [start, end)
 * lists of code shown as code), as one sorted flat list of [start, end)
 * offsets, each holding a line break.
 */
export function findHiddenLinkParts(text: string, code: readonly ArrayLike<number>[]): number[] {
  const referenceAlts = referenceImageAlts(text, code);
  if (!text.includes('](')) return referenceAlts;
  return mergeByStart(inlineLinkParts(text, code), referenceAlts);
}

/** Hidden parts of inline links and images (`[text](dest "title")`), as `findHiddenLinkParts` returns them. */
function inlineLinkParts(text: string, code: readonly ArrayLike<number>[]): number[] {
  const blanks = blankLineStarts(text);
  const inCode = code.map((ranges) => rangeWalker(ranges));
  const hidden: number[] = [];
  const nextCloser = nextOccurrence(text, '](');
  const nextNewline = nextOccurrence(text, '\n');
  const nextBracket = nextOccurrence(text, ']');
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
    // A destination after a line break starts a line but is an href (review-sec finding 4: `[docs](⏎/agent "x")`).
    const destinationOwnLine = rest !== null && (rest[1] ?? '').includes('\n');
    const titleOverLines = rest !== null && (rest[3] ?? '').includes('\n');
    // No `]` between `[` and `](`: surely this link's own brackets. With one between (`![a][b] [c](u "t")`), which `[`
    // opens the link is not read here, so only what could hide a line's start is cut, erring towards hidden.
    const simple = nextBracket(open + 1) === closer;
    if (rest !== null && (simple || destinationOwnLine || titleOverLines) && !crossesBlank(blanks, after, end)) {
      // The title is hidden, and an image's alt text, and a destination on its own line; a link's text is shown.
      if (image && closer > open + 1) hidden.push(open + 1, closer);
      // Offsets from the groups' lengths: the `d` flag's index arrays cost an allocation per link.
      const destinationAt = after + (rest[1] ?? '').length;
      const destinationEnd = destinationAt + (rest[2] ?? '').length;
      if (destinationOwnLine) hidden.push(destinationAt, destinationEnd);
      const title = rest[3] ?? '';
      const titleAt = after + rest[0].indexOf(title, destinationEnd - after);
      if (title !== '' && (simple || titleOverLines)) hidden.push(titleAt, titleAt + title.length);
      open = end - 1;
    } else if (image && isBefore(nextNewline(open), closer)) {
      hidden.push(open + 1, closer);
      open = closer;
    }
  }
  return hidden;
}

/**
 * Alt text of reference-style images (`![alt][ref]`, over lines too:
 * review-sec finding 4): shown only if the image fails, like an inline
 * image's. Whether `ref` is defined is not checked: erring towards hidden.
 * Every `![` before one `]` shares it, so each is found once: linear.
 */
function referenceImageAlts(text: string, code: readonly ArrayLike<number>[]): number[] {
  if (!text.includes('][')) return [];
  const inCode = code.map((ranges) => rangeWalker(ranges));
  const nextClose = nextOccurrence(text, ']');
  let blanks: number[] | undefined;
  const hidden: number[] = [];
  for (let open = text.indexOf('!['); open !== -1; open = text.indexOf('![', open + 1)) {
    if (inCode.some((walk) => walk(open))) continue;
    const close = nextClose(open + 2);
    if (close === -1) break;
    if (text.charCodeAt(close + 1) !== 91 || crossesBlank((blanks ??= blankLineStarts(text)), open, close)) continue;
    if (close > open + 2) hidden.push(open + 2, close);
    open = close;
  }
  return hidden;
}

/** Two sorted flat [start, end) lists as one, sorted by start (what `rangeWalker` needs). */
function mergeByStart(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return [...a];
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i] ?? 0) <= (b[j] ?? 0))) merged.push(a[i] ?? 0, a[(i += 2) - 1] ?? 0);
    else merged.push(b[j] ?? 0, b[(j += 2) - 1] ?? 0);
  }
  return merged;
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
