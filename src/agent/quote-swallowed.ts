/**
 * Block quotes the browser never closes (issue 8, fix 8h, re-review 8g).
 * cmark-gfm writes a quote's `</blockquote>` where its lines end, but the
 * browser ignores it when it comes inside something raw HTML opened in the
 * quote: a comment (a raw one in an HTML block, or one the browser opens
 * after an inline processing instruction's first `>`:
 * `> a <?><!--?>⏎⏎<div>-->⏎⏎/agent x`), the raw text of a `noscript`
 * (`> <noscript>⏎⏎</noscript>⏎⏎/agent x`), or an element that bounds the
 * scope of end tags (`> <table>⏎⏎/agent x`: html-elements.ts
 * `QUOTE_KEEPING_ELEMENTS`). The quote then never closes and all that
 * follows is quoted: never a request.
 */
import { QUOTE_KEEPING_ELEMENTS } from './html-elements.js';
import type { HtmlStructure } from './html-hidden.js';
import { mergePairs } from './range-list.js';

/** Which lines are quoted: findCode's `quoted` (blank lines in a quote included) and line `starts`. */
export interface QuotedLines {
  quoted: Uint8Array;
  starts: Int32Array;
}

/**
 * [start, `length`) from the first thing that keeps a quote open past its
 * end, or an empty list:
 * - a range of `comments` or `structure.rawText` (sorted flat [start, end))
 *   that opens on a quoted line and runs on past a line that is not quoted;
 * - a start tag in `structure.quoteKeeping` or `moreTags` (lists of the
 *   same form from raw-html.ts and inline-bogus.ts) on a quoted line whose
 *   element is still open at the next line that is not quoted: its end tag
 *   (from the same lists, on a quoted line) closes it, nested ones
 *   each by its own, and a `<select>` in an open one closes it (WHATWG HTML
 *   §13.2.6.4.16). An end tag after the quote comes too late: the quote
 *   stays open.
 * A later raw `</blockquote>` could close the quote, which is not looked
 * for (hiding more errs towards no request). One pass over the lines and
 * each list, all in order: linear.
 */
export function quoteSwallowed(comments: ArrayLike<number>, structure: HtmlStructure, lines: QuotedLines, length: number, moreTags: readonly (readonly number[])[] = []): number[] {
  let tags: ArrayLike<number> = structure.quoteKeeping;
  for (const more of moreTags) tags = mergePairs(tags, more);
  const at = Math.min(runsOut(comments, lines), runsOut(structure.rawText, lines), keptOpen(tags, lines));
  return at === Infinity ? [] : [at, length];
}

/**
 * Reads the lines in order: `lineOf(offset)` is the line holding `offset`
 * (asked for non-decreasing offsets), and `unquoted` the last line at or
 * before it that is not quoted (-1: none).
 */
class LineCursor {
  line = 0;
  unquoted: number;

  constructor(private readonly lines: QuotedLines) {
    this.unquoted = lines.quoted.length > 0 && lines.quoted[0] !== 1 ? 0 : -1;
  }

  lineOf(offset: number): number {
    const { quoted, starts } = this.lines;
    while (this.line + 1 < quoted.length && (starts[this.line + 1] ?? 0) <= offset) {
      this.line++;
      if (quoted[this.line] !== 1) this.unquoted = this.line;
    }
    return this.line;
  }
}

/** The start of the first range in `ranges` (sorted flat [start, end)) that opens on a quoted line and runs on past one that is not, or Infinity. */
function runsOut(ranges: ArrayLike<number>, lines: QuotedLines): number {
  const cursor = new LineCursor(lines);
  for (let r = 0; r < ranges.length; r += 2) {
    const start = ranges[r] ?? 0;
    const opened = cursor.lineOf(start);
    if (lines.quoted[opened] !== 1) continue;
    cursor.lineOf(Math.max(start, (ranges[r + 1] ?? 0) - 1));
    if (cursor.unquoted > opened) return start;
  }
  return Infinity;
}

const SELECT = QUOTE_KEEPING_ELEMENTS.indexOf('select') + 1;

/**
 * The offset of the first start tag in `tags` (flat (offset, element index
 * + 1) pairs, negated for end tags, in order) that leaves its element open
 * in a quote up to a line that is not quoted, or Infinity.
 */
function keptOpen(tags: ArrayLike<number>, lines: QuotedLines): number {
  if (tags.length === 0) return Infinity;
  const cursor = new LineCursor(lines);
  const open = new Int32Array(QUOTE_KEEPING_ELEMENTS.length + 1);
  let total = 0;
  // Where the elements now open started being open, and the last line not quoted before it.
  let since = 0;
  let mark = -1;
  for (let t = 0; t < tags.length; t += 2) {
    const offset = tags[t] ?? 0;
    const tag = tags[t + 1] ?? 0;
    const line = cursor.lineOf(offset);
    if (total > 0 && cursor.unquoted !== mark) return since;
    if (lines.quoted[line] !== 1) continue;
    const element = Math.abs(tag);
    if (tag > 0 && !(element === SELECT && (open[SELECT] ?? 0) > 0)) {
      if (total === 0) {
        since = offset;
        mark = cursor.unquoted;
      }
      open[element] = (open[element] ?? 0) + 1;
      total++;
    } else if ((open[element] ?? 0) > 0) {
      open[element] = (open[element] ?? 0) - 1;
      total--;
    }
  }
  if (total > 0) cursor.lineOf(Infinity);
  return total > 0 && cursor.unquoted !== mark ? since : Infinity;
}
