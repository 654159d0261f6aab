/**
 * The part of an inline link after its `]`: `(destination "title")`, as
 * cmark-gfm 0.29 reads it (`handle_close_bracket`, `manual_scan_link_url`),
 * shared by the bracket reader (link-hidden.ts) and the extended autolinks,
 * which cmark never starts inside a destination it reads (extended-autolinks.ts).
 */

/** A destination in pointy brackets: `<…>` on one line, no `<` inside, backslash escapes allowed. */
const POINTY_DESTINATION = /<(?:[^<>\n\\]|\\.)*>/y;

/**
 * After a destination: a title only after spaces (`"…"`, `'…'`, `(…)`,
 * backslash escapes allowed), spaces, `)`. Sticky; the title may hold line
 * breaks, not a blank line (checked apart). The alternatives start with
 * different characters, so nothing is tried twice.
 */
const TITLE_AND_CLOSE =
  /(?:([ \t]+(?:\n[ \t]*)?|\n[ \t]*)("(?:[^"\\]|\\[\s\S])*"|'(?:[^'\\]|\\[\s\S])*'|\((?:[^()\\]|\\[\s\S])*\)))?[ \t]*(?:\n[ \t]*)?\)/y;

/** cmark-gfm 0.29 fails a destination with more than this many `(` open (`manual_scan_link_url_2`). */
const MAX_OPEN_PARENTHESES = 32;

/**
 * Reads `(destination "title")` after a `]`, for one text. Ask for
 * increasing offsets: the destinations are read in one pass.
 */
export class InlineLinkTails {
  private destinations: DestinationEnds | undefined;
  /** After a successful `read`: where the destination starts and ends, whether a line break comes before it, and the title's [start, end) or -1. */
  destinationAt = -1;
  destinationEnd = -1;
  lineBreakBefore = false;
  titleAt = -1;
  titleEnd = -1;

  constructor(private readonly text: string) {}

  /**
   * The end (just past its `)`) of the inline link tail after the `]` at
   * `closer` (a `(` must follow), or -1. A blank line inside is the
   * caller's to check: it ends the paragraph first.
   */
  read(closer: number): number {
    const text = this.text;
    if (text.charCodeAt(closer + 1) !== 40) return -1;
    const at = afterSpaces(text, closer + 2);
    let destination: number;
    if (text.charCodeAt(at) === 60) {
      POINTY_DESTINATION.lastIndex = at;
      destination = POINTY_DESTINATION.test(text) ? POINTY_DESTINATION.lastIndex : -1;
    } else destination = (this.destinations ??= new DestinationEnds(text)).endFrom(at);
    if (destination === -1) return -1;
    TITLE_AND_CLOSE.lastIndex = destination;
    const rest = TITLE_AND_CLOSE.exec(text);
    if (rest === null) return -1;
    this.destinationAt = at;
    this.destinationEnd = destination;
    this.lineBreakBefore = hasLineBreak(text, closer + 2, at);
    const title = rest[2] ?? '';
    this.titleAt = title === '' ? -1 : destination + (rest[1] ?? '').length;
    this.titleEnd = title === '' ? -1 : this.titleAt + title.length;
    return destination + rest[0].length;
  }
}

/**
 * Where a destination that is not in pointy brackets ends, as cmark-gfm
 * 0.29 reads it (`manual_scan_link_url_2`): at the first whitespace, or at
 * the first `)` that finds no `(` open, backslash escapes skipped; it fails
 * when a `(` would be the 33rd open, or at the end of the text. Parentheses
 * need not balance (0.29: `[](](⏎)` is a link whose destination is `](`).
 *
 * A scan from each `](` would read up to 32 others after it (`[x](`
 * repeated: about 160 ms per MB), so every destination is read in one pass
 * instead: the depth of parentheses is counted once, and each destination
 * still open waits on a stack, at the depth where it started. A `)` ends
 * those at its depth (the top of the stack: deeper ones ended before); a
 * `(` fails those 32 below its depth (the bottom: shallower ones failed
 * before); whitespace ends all. Linear in the text.
 */
class DestinationEnds {
  /** Each destination's start, in order, and its end (-1: no destination). */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly count: number;
  private asked = 0;

  constructor(text: string) {
    let count = 0;
    for (let k = text.indexOf('](', 0); k !== -1; k = text.indexOf('](', k + 2)) count++;
    const starts = new Int32Array(count);
    count = 0;
    for (let k = text.indexOf('](', 0); k !== -1; k = text.indexOf('](', k + 2)) {
      const at = afterSpaces(text, k + 2);
      if (count === 0 || (starts[count - 1] ?? 0) < at) starts[count++] = at;
    }
    this.starts = starts;
    this.count = count;
    this.ends = new Int32Array(count).fill(-1);
    this.read(text);
  }

  /** The end of the destination that starts at `at` (after a `](` and spaces), or -1. Ask in increasing order. */
  endFrom(at: number): number {
    const starts = this.starts;
    while (this.asked < this.count && (starts[this.asked] ?? 0) < at) this.asked++;
    return this.asked < this.count && starts[this.asked] === at ? (this.ends[this.asked] ?? -1) : -1;
  }

  private read(text: string): void {
    const { starts, ends, count } = this;
    // The destinations still open, bottom to top (from index `bottom` to `top`): their indexes, and the depth each
    // started at.
    const waiting = new Int32Array(count);
    const level = new Int32Array(count);
    let bottom = 0;
    let top = 0;
    let depth = 0;
    let next = 0;
    const n = text.length;
    for (let i = count > 0 ? (starts[0] ?? n) : n; i < n; i++) {
      if (bottom === top) {
        // None open: go to the next start (never inside an escape: a `(` or a space comes before it).
        if (next === count) return;
        bottom = top = depth = 0;
        i = Math.max(i, starts[next] ?? n);
      }
      while (next < count && (starts[next] ?? 0) <= i) {
        waiting[top] = next++;
        level[top++] = depth;
      }
      const c = text.charCodeAt(i);
      if (c === 92) {
        if (i + 1 < n && isAsciiPunctuation(text.charCodeAt(i + 1))) i++;
      } else if (c === 40) {
        while (bottom < top && (level[bottom] ?? 0) <= depth - MAX_OPEN_PARENTHESES) bottom++;
        depth++;
      } else if (c === 41) {
        while (top > bottom && level[top - 1] === depth) ends[waiting[--top] ?? 0] = i;
        depth--;
      } else if (c === 32 || (c >= 9 && c <= 13)) {
        for (let w = bottom; w < top; w++) ends[waiting[w] ?? 0] = i;
        bottom = top;
      }
    }
  }
}

/** Whether `text[from, to)` holds a `\n` (a run of spaces: short, and each read once). */
function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (text.charCodeAt(k) === 10) return true;
  return false;
}

/**
 * The offset after the spaces from `at`, as after `](`: at most one line
 * break among them (two make a blank line, which ends the paragraph first).
 */
function afterSpaces(text: string, at: number): number {
  let k = at;
  while (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9) k++;
  if (text.charCodeAt(k) === 10) {
    k++;
    while (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9) k++;
  }
  return k;
}

/** cmark's `cmark_ispunct`: ASCII punctuation, which a backslash escapes. */
function isAsciiPunctuation(code: number): boolean {
  return (code >= 33 && code <= 47) || (code >= 58 && code <= 64) || (code >= 91 && code <= 96) || (code >= 123 && code <= 126);
}

