/**
 * Raw HTML inside HTML blocks (CommonMark §4.6), read as the browser reads
 * it (issue 8, re-review 8). cmark-gfm passes an HTML block's lines through
 * unchanged, and then the HTML5 tokenizer (WHATWG HTML §13.2.5), not
 * CommonMark's tag grammar (§6.6), decides what is a tag, an attribute or a
 * comment: `<img⏎/agent y⏎>` is one tag whose attributes are `/agent` and
 * `y`; `x <?⏎/agent y` opens a bogus comment that hides up to the next `>`;
 * an attribute value opened with `"` runs to the next raw `"`, across line
 * breaks and blank lines. Such text is never shown, so it may neither
 * trigger the bot nor reach the agent as instruction.
 *
 * Hand-written rather than parse5's or htmlparser2's tokenizer: the reading
 * must stop at each block's end, skip the Markdown between blocks without
 * tokenizing it, and carry an open tag or comment on into the next block,
 * which neither library's public interface allows (neither is a dependency).
 */
import { isTableDelimiterRow } from './block-structure.js';
import { isFilteredTagName, isLetter, isSpace } from './html-blocks.js';
import { quoteKeepingElement } from './html-elements.js';
import { isAddressName } from './html-hidden.js';
import { LineStarts, sortedMember } from './html-line-breaks.js';
import { nextOccurrence } from './markdown.js';
import { OffsetList, RangeList } from './range-list.js';

/** Tokenizer states (WHATWG HTML §13.2.5), those that matter for what is hidden. */
const DATA = 0;
const TAG_NAME = 1;
const BEFORE_NAME = 2;
const NAME = 3;
const AFTER_NAME = 4;
const BEFORE_VALUE = 5;
const UNQUOTED = 6;
const DOUBLE = 7;
const SINGLE = 8;
const BOGUS = 9;
const COMMENT = 10;

/**
 * What cmark-gfm writes first between one HTML block line and the next raw
 * HTML (command.ts `blockRanges`), when it writes tags of its own there:
 * - `Block`: the start tag of the Markdown block that comes next (`<p>`,
 *   `<pre>`, `<h1>`), in the same containers;
 * - `Containers`: a container's tag (`</li>`, `<ul>`, `<blockquote>`);
 * - `Quote`: either, after a line in a block quote, whose `</blockquote>`
 *   may be among them;
 * - `RunOn`: none before the next block's text, a tight list item's
 *   paragraph (no `<p>`: CommonMark §5.3), which goes on the shown line
 *   of the block unless the browser broke the line there; cmark's next
 *   tag (a `<br />`, `</li>`) ends what is open, as for `Block`
 *   (re-review 8j).
 */
export const Junction = { Block: 1, Containers: 2, Quote: 3, RunOn: 4 } as const;

/** The mark sanitize.ts puts for an invisible character: nothing shown. */
const INVISIBLE = 0x200b;

/**
 * What `findRawHtmlHidden` reads line starts for: `starts` receives them;
 * `inline` is markdown.ts `CodeRanges.inline` (where raw inline HTML may
 * be); `runOn` is command.ts `blockRanges`'s (raw parts that may go on the
 * shown line of the paragraph before them), sorted.
 */
export interface ShownLines {
  starts: OffsetList;
  inline: ArrayLike<number>;
  runOn: ArrayLike<number>;
  /** The junctions (their offsets) whose Markdown holds a GFM table, sorted. */
  tables: ArrayLike<number>;
}


/**
 * What the browser hides of the raw HTML in `text`, as one sorted flat list
 * of [start, end) offsets. `blocks` is a sorted flat [start, end) list of
 * the raw parts of HTML-block lines (each line from its content, after
 * container markers such as a quote's `>`, to just past its newline).
 *
 * - A tag, comment (`<!--` to `-->`) or bogus comment (`<?`, `<!` without
 *   `--`, `</` and a non-letter, each up to the next `>`) that spans a line
 *   break is hidden whole, so no line inside it starts with shown text.
 * - On one line, comments and bogus comments are hidden whole (the browser
 *   drops them), and so is a tag, open or closing, but for its `href`/`src`
 *   attributes (the agent needs an address): neither a tag's name nor its
 *   other attributes is shown as text (re-review 8d).
 * - One still open where a block ends goes on through the Markdown after it
 *   (cmark's output for a paragraph or fence is more raw HTML to the
 *   browser), which is hidden without being read, up to where a later
 *   block's raw HTML closes it, or to the end of the text. The browser may
 *   close it sooner, on a `>` or `"` that cmark writes itself (`<p>`,
 *   `class="…"`); hiding more errs towards no request.
 * - Where cmark writes tags of its own before the next raw HTML
 *   (`junctions`: flat (offset, `Junction`, first written offset) triples,
 *   sorted: command.ts `blockRanges`), the browser
 *   reads them as HTML (issue 8, fix 8h). An open tag or bogus comment
 *   ends at their first `>`: it is hidden to there, and the next raw HTML
 *   is read from the data state, as the browser reads it (carried on, a
 *   bogus comment ended at a `>` inside the next block's quoted value,
 *   which the browser opens: `1. <!A⏎⏎1. <div title=">⏎/agent x`). A
 *   quoted value may end at a `"` cmark writes (`<ol start="2">`), after
 *   which the two readings part: it hides the rest of the text. And
 *   anything still open when a quoted line's raw HTML ends may swallow the
 *   `</blockquote>` cmark writes after it (`> <!A⏎⏎<!--->⏎⏎/agent x`: the
 *   bogus comment ends at that tag's `>`), so the browser puts all that
 *   follows inside the quote, never a request: that hides the rest of the
 *   text too. When the next block is a GFM table (its second line a
 *   delimiter row), the `<table>` tag is the one swallowed: the browser
 *   drops the row and cell tags outside a table and runs the rows together
 *   as one line, so the whole table is hidden (to the next blank line or
 *   raw part; re-review 8h).
 *
 * `lines`, when given, gets in `starts` the offset where each line of an
 * HTML block starts (its content, after container prefixes) at which the
 * browser starts a shown line, in order: the tags read so far, through
 * every block and cmark's own tags between (`junctions`; raw inline HTML in
 * the paragraphs and headings between, `lines.inline`, may close anything),
 * leave a line break with nothing shown since (html-line-breaks.ts).
 *
 * `endTags`, when given, receives the end tags of html-elements.ts
 * `QUOTE_KEEPING_ELEMENTS` read here, as flat (offset of `<`, -(element
 * index + 1)) pairs in order: the browser's own reading, which
 * command.ts's `quoteSwallowed` trusts in HTML blocks (`<a x "</table>">`
 * holds no end tag; `\</table>` is one).
 *
 * Linear in the text: every character of `blocks` is read once.
 */
export function findRawHtmlHidden(text: string, blocks: ArrayLike<number>, junctions: ArrayLike<number> = [], lines?: ShownLines, endTags?: number[]): Int32Array {
  const hidden = new RangeList();
  const nextNewline = nextOccurrence(text, '\n');
  const nextBlank = nextBlankLine(text);
  const nextOpen = nextOccurrence(text, '<');
  let state = DATA;
  // Where the open construct starts, and the attribute ranges of the open tag (pushed if it stays on one line).
  let start = 0;
  // Emptied, not replaced, after each tag: one list for the whole text (a plain array emptied by `length = 0` drops
  // its storage, grown again for the next tag: perf8a).
  const attributes = new OffsetList();
  let nameStart = 0;
  let nameEnd = 0;
  // The open tag's own name (the tokenizer's: up to whitespace, `/` or `>`), and whether it is an end tag.
  let tagNameStart = 0;
  let tagNameEnd = 0;
  let endTag = false;
  // Whether the line being read has a container prefix (`> `, a list item's indentation), and the open tag's line had.
  let contained: boolean;
  let tagContained = false;
  const tracker = new LineStarts();
  const lineStarts = lines?.starts;
  // Whether nothing but comments and bogus comments (which the browser drops) has been read since the tracker was
  // last at a line start: a tight item's paragraph after them starts a line (`- <!-- x -->⏎  /agent x`).
  let quiet = true;
  // Buffered as (name start, name end, end) triples; names are read only for a tag that stays on one line.
  const attribute = (end: number): void => {
    attributes.push(nameStart);
    attributes.push(nameEnd);
    attributes.push(end);
  };
  // `comment`: the construct is an HTML comment, which comment-hidden.ts hides already (the same raw `-->` ends it).
  const close = (end: number, whole: boolean, comment = false): void => {
    const tag = state !== BOGUS && state !== COMMENT;
    if (endTags !== undefined && endTag && tag) noteEndTag(text, start, tagNameStart, tagNameEnd, endTags);
    const newline = comment ? -1 : nextNewline(start);
    // Comments and bogus comments are taken to show something (a comment shown as text may); cmark's tags end a tag.
    if (!tag) tracker.shown();
    else if (whole) tracker.lost();
    else tracker.tag(text, tagNameStart, tagNameEnd, endTag, tagContained, newline === -1 || newline >= end - 1);
    if (tag) quiet = tracker.atLineStart;
    if (comment) {
      // Not pushed again: the caller has these ranges, and thousands of comments would be cut twice.
    } else if (whole || (newline !== -1 && newline < end - 1)) hidden.push(start, end);
    else {
      // The tag but its addresses, from their names on: neither a tag's name nor its other attributes is shown.
      // One GFM's tag filter escapes (`<textarea>`) is shown as text: only its other attributes go.
      const shown = isFilteredTagName(text, tagNameStart, tagNameEnd);
      let cut = start;
      for (let a = 0; a < attributes.length; a += 3) {
        const from = attributes.at(a);
        const address = isAddressName(text, from, attributes.at(a + 1));
        if (shown) {
          if (!address) hidden.push(from, attributes.at(a + 2));
        } else if (address) {
          if (from > cut) hidden.push(cut, from);
          cut = attributes.at(a + 2);
        }
      }
      if (!shown) hidden.push(cut, end);
    }
    attributes.clear();
    state = DATA;
  };
  let j = 0;
  // The `Junction` at the end of the raw part ending at `after`, or 0 (asked for increasing offsets).
  // Where the first block after that raw part that writes tags starts its content, or -1: a definition writes
  // nothing, so it is skipped (re-review 8j).
  let junctionFirst = -1;
  const junctionAt = (after: number): number => {
    while (j < junctions.length && (junctions[j] ?? 0) < after) j += 3;
    const found = junctions[j] === after;
    junctionFirst = found ? (junctions[j + 2] ?? -1) : -1;
    return found ? (junctions[j + 1] ?? 0) : 0;
  };
  const inline = lines?.inline ?? [];
  const runsOn = sortedMember(lines?.runOn ?? []);
  const tableAfter = sortedMember(lines?.tables ?? []);
  let q = 0;
  // Whether raw inline HTML may be in [from, to): a `<` in the inline content of a paragraph or heading there.
  const inlineTagBetween = (from: number, to: number): boolean => {
    while (q < inline.length && (inline[q + 1] ?? 0) <= from) q += 2;
    for (let i = q; i < inline.length && (inline[i] ?? 0) < to; i += 2) {
      const lt = nextOpen(Math.max(from, inline[i] ?? 0));
      if (lt !== -1 && lt < Math.min(to, inline[i + 1] ?? 0)) return true;
    }
    return false;
  };
  // At the end of a raw part that cmark follows with tags of its own (`kind`; the next raw part starts at `next`):
  // false when the rest of the text is hidden.
  const junction = (after: number, next: number, kind: number): boolean => {
    if (kind === 0) return true;
    if (kind === Junction.Quote || state === DOUBLE || state === SINGLE) {
      hidden.push(start, text.length);
      return false;
    }
    // A comment ends only at a raw `-->`: cmark writes `>` in text as `&gt;`.
    if (state === COMMENT) return true;
    let end = after;
    if (kind === Junction.Block || kind === Junction.RunOn) {
      // The block's start tag is swallowed with it (`<p>`), so the block's first line goes on the line the open
      // construct started on (`<div>a<b⏎⏎/agent x` shows "a/agent x"): it is hidden too, erring towards no request.
      // A container's tag swallowed instead leaves the next block's own (`<li>`, `</ul>` then `<p>`).
      const first = nonBlankFrom(text, Math.max(after, junctionFirst));
      const newline = first === -1 ? -1 : nextNewline(first);
      if (first !== -1 && first < next) end = newline === -1 ? text.length : Math.min(newline, next);
      if (end < next && startsDelimiterRow(text, end + 1, nextNewline)) end = Math.min(nextBlank(end + 1), next);
    }
    close(Math.min(end, text.length), true);
    return true;
  };
  // At a `RunOn` junction read from the data state: the paragraph's first line starts a shown line only where the
  // browser broke the line with nothing shown since (`junctionFirst`: where its text starts).
  const paragraphRunsOn = (kind: number, wasData: boolean): void => {
    if (kind === Junction.RunOn && wasData && lineStarts !== undefined && (tracker.atLineStart || quiet) && junctionFirst !== -1) lineStarts.push(junctionFirst);
  };
  for (let r = 0; r < blocks.length; r += 2) {
    const from = blocks[r] ?? 0;
    if (r > 0) {
      const after = blocks[r - 1] ?? 0;
      const kind = junctionAt(after);
      const wasData = state === DATA;
      if (state !== DATA && !junction(after, from, kind)) return hidden.toArray();
      paragraphRunsOn(kind, wasData);
      // Inside a comment cmark's tags are comment text: the browser never reads them.
      if (kind !== 0 && state !== COMMENT) {
        tracker.junction(kind !== Junction.Block && kind !== Junction.RunOn, inlineTagBetween(after, from), tableAfter(after));
        quiet = tracker.atLineStart;
      }
    }
    contained = from > 0 && text.charCodeAt(from - 1) !== 10;
    if (runsOn(from)) {
      tracker.shown();
      quiet = false;
    }
    if (lineStarts !== undefined && state === DATA && tracker.atLineStart) lineStarts.push(from);
    const to = Math.min(text.length, blocks[r + 1] ?? 0);
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (c === 10) contained = false;
      switch (state) {
        case DATA: {
          if (c !== 60) {
            // Text: a line ends, or something is shown on it (white space and invisible characters are not).
            if (c === 10) {
              if (lineStarts !== undefined && tracker.atLineStart && k + 1 < to) lineStarts.push(k + 1);
            } else if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== INVISIBLE) {
              tracker.shown();
              quiet = false;
            }
            break;
          }
          const next = text.charCodeAt(k + 1);
          start = k;
          tagContained = contained;
          if (isLetter(next)) {
            state = TAG_NAME;
            tagNameStart = k + 1;
            tagNameEnd = tagNameStart;
            endTag = false;
          } else if (next === 47) {
            // `</`: an end tag, `</>` (dropped), or a bogus comment from the character after it.
            const after = text.charCodeAt(k + 2);
            if (isLetter(after)) {
              state = TAG_NAME;
              tagNameStart = k + 2;
              tagNameEnd = tagNameStart;
              endTag = true;
            }
            else if (after === 62) hidden.push(k, k + 3);
            else state = BOGUS;
            k++;
          } else if (next === 33 && text.startsWith('--', k + 2)) {
            // `<!-->` and `<!--->` end at once; otherwise the body starts after `<!--`. Comments are read only to
            // skip them: comment-hidden.ts hides them (a raw `-->` ends them there too).
            const abrupt = text.startsWith('>', k + 4) ? 5 : text.startsWith('->', k + 4) ? 6 : 0;
            if (abrupt !== 0) k += abrupt - 1;
            else {
              state = COMMENT;
              k += 3;
            }
          } else if (next === 33 || next === 63) {
            // `<!…` and `<?…`: a bogus comment (or a doctype, which also ends at the next `>`).
            state = BOGUS;
            k++;
          }
          break;
        }
        case TAG_NAME:
          if (c === 62 || isSpace(c) || c === 47) tagNameEnd = k;
          if (c === 62) close(k + 1, false);
          else if (isSpace(c) || c === 47) state = BEFORE_NAME;
          break;
        case BEFORE_NAME:
          if (c === 62) close(k + 1, false);
          else if (!isSpace(c) && c !== 47) {
            // Any other character starts a name, `=`, `"`, `'` and `<` included.
            state = NAME;
            nameStart = k;
          }
          break;
        case NAME:
          if (c === 61 || c === 62 || c === 47 || isSpace(c)) {
            nameEnd = k;
            if (c === 61) state = BEFORE_VALUE;
            else if (isSpace(c)) state = AFTER_NAME;
            else {
              attribute(k);
              if (c === 62) close(k + 1, false);
              else state = BEFORE_NAME;
            }
          }
          break;
        case AFTER_NAME:
          if (c === 61) state = BEFORE_VALUE;
          else if (!isSpace(c)) {
            attribute(nameEnd);
            if (c === 62) close(k + 1, false);
            else if (c === 47) state = BEFORE_NAME;
            else {
              state = NAME;
              nameStart = k;
            }
          }
          break;
        case BEFORE_VALUE:
          if (c === 34) state = DOUBLE;
          else if (c === 39) state = SINGLE;
          else if (c === 62) {
            attribute(k);
            close(k + 1, false);
          } else if (!isSpace(c)) state = UNQUOTED;
          break;
        case UNQUOTED:
          if (c === 62 || isSpace(c)) {
            attribute(k);
            if (c === 62) close(k + 1, false);
            else state = BEFORE_NAME;
          }
          break;
        case DOUBLE:
        case SINGLE:
          if (c === (state === DOUBLE ? 34 : 39)) {
            attribute(k + 1);
            state = BEFORE_NAME;
          }
          break;
        case BOGUS:
          if (c === 62) close(k + 1, true);
          break;
        default:
          // A comment ends at `-->` whose dashes are on the same raw line (never a quote's or item's marker).
          if (c === 62 && k - 2 >= Math.max(from, start + 4) && text.charCodeAt(k - 1) === 45 && text.charCodeAt(k - 2) === 45) close(k + 1, true, true);
      }
    }
  }
  const lastKind = blocks.length > 0 ? junctionAt(blocks[blocks.length - 1] ?? 0) : 0;
  if (state === DATA) paragraphRunsOn(lastKind, true);
  if (state !== DATA && blocks.length > 0 && !junction(blocks[blocks.length - 1] ?? 0, text.length, lastKind)) return hidden.toArray();
  if (state !== DATA) hidden.push(start, text.length);
  return hidden.toArray();
}

/**
 * The offset of the first character at or after `from` that is not a space,
 * tab, CR or LF, or -1: read in place, without a match object per junction
 * (one per block in a megabyte of HTML blocks: perf8a).
 */
function nonBlankFrom(text: string, from: number): number {
  for (let k = from; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return k;
  }
  return -1;
}

/** Whether the line at `from` is, after its indentation, a table delimiter row (`nextNewline`: `text.indexOf('\n', ·)`). */
function startsDelimiterRow(text: string, from: number, nextNewline: (from: number) => number): boolean {
  let k = from;
  while (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9) k++;
  const newline = nextNewline(from);
  return isTableDelimiterRow(text, k, newline === -1 ? text.length : newline);
}

/**
 * `from ↦` the offset of the `\n` that starts the first blank line at or
 * after `from` (or `text.length`), for non-decreasing `from`: each part of
 * the text is searched once.
 */
function nextBlankLine(text: string): (from: number) => number {
  let found = -1;
  return (from) => {
    if (found >= from) return found;
    found = blankLineAt(text, from);
    return found;
  };
}

/**
 * The first `\n` at or after `from` followed by only spaces, tabs and CRs up
 * to the next `\n` or the text's end, or `text.length`: read in place, each
 * character once, without a match object per table (one per block in a
 * megabyte of swallowed tables: perf8a).
 */
function blankLineAt(text: string, from: number): number {
  for (let newline = text.indexOf('\n', from); newline !== -1; newline = text.indexOf('\n', newline + 1)) {
    let k = newline + 1;
    while (k < text.length && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9 || text.charCodeAt(k) === 13)) k++;
    if (k === text.length || text.charCodeAt(k) === 10) return newline;
  }
  return text.length;
}

/**
 * Pushes onto `endTags` the end tag at `lt` whose name is `text[from, to)`
 * (empty when the name never ended: then nothing) if it names one of
 * `QUOTE_KEEPING_ELEMENTS`.
 */
function noteEndTag(text: string, lt: number, from: number, to: number, endTags: number[]): void {
  if (to - from < 2 || to - from > 14) return;
  const element = quoteKeepingElement(text.slice(from, to).toLowerCase());
  if (element !== -1) endTags.push(lt, -(element + 1));
}
