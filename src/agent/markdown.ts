/**
 * Just enough GitHub-flavoured Markdown to tell prose from code.
 *
 * A `/agent` inside a code sample is an example, not a request, and an image
 * link inside a code sample is not an image; a long answer cut in the middle
 * of a fenced block must have that block closed. These need to know which
 * text is code, nothing more, so this is a scanner, not a parser, and its
 * work is linear in the text (markdown-lines.ts says why no parser).
 */
import { type Fence, Leaf, lineStarts, readBlocks, scanBlocks } from './block-structure.js';
import { htmlCodeElements } from './html-code-elements.js';
import { ExtendedAutolinks } from './extended-autolinks.js';
import { InlineHtml, isEscaped } from './inline-html.js';
import { Kind, lineKinds } from './markdown-lines.js';
import { RangeList, unionOfRanges } from './range-list.js';
import { TableInline, tableInlineRoles } from './table-inlines.js';
import { forEachCell } from './table-rows.js';

export { rangeWalker } from './range-list.js';

export type { Fence } from './block-structure.js';

/**
 * Which lines are code or HTML blocks, and the fence still open after the
 * last line (if any).
 */
export interface FenceScan {
  /** One entry per line: true for fence lines and the lines between them. */
  inFence: boolean[];
  /**
   * One entry per line: the type (1–7, CommonMark §4.6) of the HTML block
   * the line belongs to, or 0. Nothing inside an HTML block is Markdown.
   */
  htmlBlock: Uint8Array;
  openFence: Fence | null;
}

/**
 * The fenced code blocks and HTML blocks of `lines`, read with their
 * containers (block-structure.ts): a fence or HTML block opened inside a
 * list item or a quote ends with it. Linear in the text.
 */
export function scanFences(lines: readonly string[]): FenceScan {
  const { leaf, htmlBlock, openFence } = scanBlocks(lines);
  const inFence: boolean[] = new Array<boolean>(lines.length);
  for (let i = 0; i < lines.length; i++) inFence[i] = leaf[i] === Leaf.Fence;
  return { inFence, htmlBlock, openFence };
}

/** The line that closes `fence`, at the opening line's indentation. */
export function closingFence(fence: Fence): string {
  return (fence.indent ?? '') + fence.char.repeat(fence.length);
}

/**
 * `text` with a fenced code block left open at its end closed. An answer
 * that ends inside a fence would otherwise turn whatever follows it (a
 * comment's footer and hidden marker, a summary's next section) into code.
 */
export function closeOpenFence(text: string): string {
  const fence = readBlocks(text, lineStarts(text)).openFence;
  return fence === null ? text : `${text}\n${closingFence(fence)}`;
}

/** Stands in for masked code; any character that is neither space nor a Markdown marker. */
const MASK = '\u0000';

/**
 * Where the code is in `text`: fenced and indented code blocks (CommonMark
 * §4.4, §4.5), inline code spans (§6.1) and `<pre>`/`<code>` elements, as
 * sorted flat lists of [start, end) offsets (`html` may overlap `spans`).
 * Linear in the length of the text.
 */
export interface CodeRanges {
  /** Per line (the text split on `\n`), its `Kind` (markdown-lines.ts). */
  kinds: Uint8Array;
  /** Per line, the offset where it starts; one more entry, `text.length + 1`, closes the last line. */
  starts: Int32Array;
  /**
   * Per line, the type (1–7) of the HTML block it belongs to, or 0, quoted
   * lines included (their kind is `quote`): raw HTML reaches the browser
   * from inside a quote too.
   */
  htmlBlock: Uint8Array;
  /** Per line, where its content starts (after container markers and indentation). */
  contentAt: Int32Array;
  /** Per line, where the prefixes of the containers open before it end, and the column there (block-structure.ts). */
  prefixAt: Int32Array;
  prefixColumn: Int32Array;
  /** Per line, its `Leaf` (block-structure.ts): what block, if any, it belongs to. */
  leaf: Uint8Array;
  /** Per line, block-structure.ts's `containerEpoch`: lines with the same value sit in the same containers. */
  containerEpoch: Int32Array;
  /** Per line, block-structure.ts's `tableRow`: its part in a GFM table, or 0. */
  tableRow: Uint8Array;
  /** Per line, block-structure.ts's `runOnParagraph`: 1 for a tight item's paragraph right after an HTML block. */
  runOnParagraph: Uint8Array;
  /**
   * Per line, 1 when it is inside a block quote, blank lines included (a
   * lazy line: when its paragraph is), else 0: block-structure.ts's `quoted`.
   */
  quoted: Uint8Array;
  /** Code blocks and code spans, in order, not overlapping. */
  spans: Int32Array;
  /**
   * The inline content of each paragraph, heading and GFM table cell, in
   * order: where raw HTML, autolinks and code spans may be (CommonMark §6:
   * inlines never cross a block's end; a cell is read alone:
   * table-inlines.ts). A paragraph's range holds its lines' container
   * markers too.
   */
  inline: Int32Array;
  /** `<pre>`/`<code>` elements outside `spans`, in order. */
  html: number[];
  /** Opening fences' info strings, never shown (block-structure.ts `fenceInfo`). */
  fenceInfo: Int32Array;
  /**
   * Link reference definitions, from their label's `[` to the end of their
   * last line, in order (not inline content), in block quotes too.
   */
  definitions: number[];
  /** Footnote definitions with their content, from the label's `[` to the end of their last line, in order, in block quotes too. */
  footnotes: number[];
  /**
   * Each `<` right after an extended autolink that ends in a backslash, in
   * order: the link holds the backslash, so it escapes nothing and the `<`
   * may open raw HTML (cmark-gfm: `www.\\<!--` is a link, then a comment).
   */
  unescapedLt: number[];
}

export function findCode(text: string): CodeRanges {
  const starts = lineStarts(text);
  const count = starts.length - 1;
  const blocks = readBlocks(text, starts);
  const definitions: number[] = [];
  const footnotes: number[] = [];
  const kinds = lineKinds(text, starts, blocks, definitions, footnotes);
  const { leaf, paragraphStart, contentAt } = blocks;
  // Read once: an imported object's properties in the loop cost a lookup per line.
  const { Paragraph, Heading, Deep, Fence, Indented } = Leaf;
  const definition = Kind.Definition;
  const spans = new RangeList();
  const inlineRanges = new RangeList();
  const cells = new RangeList();
  const ticks = new BacktickRuns(text);
  // Per line, its part in a GFM table's inline content (each cell its own), or null when there is no table.
  const tableRoles = tableInlineRoles(text, starts, blocks);
  // Where the inline content of the open paragraph or heading starts, or -1.
  let blockStart = -1;
  for (let i = 0; i < count; i++) {
    const offset = starts[i] ?? 0;
    const length = (starts[i + 1] ?? 0) - 1 - offset;
    const lineLeaf = leaf[i];
    const tableRole = tableRoles === null ? TableInline.None : (tableRoles[i] ?? TableInline.None);
    if (tableRole === TableInline.Row || tableRole === TableInline.Delimiter) {
      // A table row is a block of its own, and each of its cells is read alone (table-inlines.ts).
      if (blockStart !== -1) {
        inlineRanges.push(blockStart, offset);
        codeSpans(text, blockStart, offset, spans, ticks);
        blockStart = -1;
      }
      if (tableRole === TableInline.Row) {
        forEachCell(text, offset + (contentAt[i] ?? 0), offset + length, (cellStart, cellEnd) => {
          inlineRanges.push(cellStart, cellEnd);
          cells.push(cellStart, cellEnd);
          codeSpans(text, cellStart, cellEnd, spans, ticks);
        });
      }
      continue;
    }
    // Code spans are read in the inline content of one paragraph or heading at a time (CommonMark §6: inlines
    // never cross a block boundary, so a run left unmatched in one block pairs with nothing in the next). HTML
    // blocks hold no Markdown, and link reference definitions are not inline content.
    const inline = (lineLeaf === Paragraph && kinds[i] !== definition) || lineLeaf === Heading || lineLeaf === Deep;
    // A block ends before any other line, before a paragraph's first line, before unread depths, and before and
    // after an ATX heading or thematic break (a setext underline ends its paragraph and holds no backtick).
    const startsBlock = !inline || lineLeaf === Heading || paragraphStart[i] === 1 || tableRole === TableInline.ParagraphStart || (lineLeaf === Deep && leaf[i - 1] !== Deep);
    if (startsBlock && blockStart !== -1) {
      inlineRanges.push(blockStart, offset);
      codeSpans(text, blockStart, offset, spans, ticks);
      blockStart = -1;
    }
    if (inline && blockStart === -1) blockStart = offset;
    if (lineLeaf === Heading) {
      inlineRanges.push(offset, offset + length);
      codeSpans(text, offset, offset + length, spans, ticks);
      blockStart = -1;
    }
    // Code in a quote is code too (its lines are `quote` for the caller).
    if (lineLeaf === Fence || lineLeaf === Indented) {
      // Consecutive code lines make one range (the newline between them is code too): fewer ranges to walk.
      spans.pushOrJoin(offset, offset + length, offset - 1);
    }
  }
  if (blockStart !== -1) {
    inlineRanges.push(blockStart, text.length);
    codeSpans(text, blockStart, text.length, spans, ticks);
  }
  const codeRanges = spans.toArray();
  const inline = inlineRanges.toArray();
  const { htmlBlock, prefixAt, prefixColumn, fenceInfo, containerEpoch, tableRow, quoted, runOnParagraph } = blocks;
  return { kinds, starts, htmlBlock, contentAt, prefixAt, prefixColumn, leaf, containerEpoch, tableRow, runOnParagraph, quoted, spans: codeRanges, inline, html: htmlCodeElements(text, codeRanges, inline, unionOfRanges(cells.toArray(), footnotes)), fenceInfo, definitions, footnotes, unescapedLt: ticks.unescapedLt };
}


/**
 * `from ↦ text.indexOf(needle, from)` for non-decreasing `from`, each part
 * of the text searched once: an answer at or after `from` still holds.
 */
export function nextOccurrence(text: string, needle: string): (from: number) => number {
  let found = -2;
  return (from) => {
    if (found === -1 || found >= from) return found;
    found = text.indexOf(needle, from);
    return found;
  };
}


/**
 * Returns `text` with every character of code (see `findCode`) replaced by
 * U+0000, newlines kept, so offsets and line numbers still match the
 * original. Callers search the masked text and read the original.
 */
export function maskCode(text: string): string {
  const { spans, html } = findCode(text);
  return applyMask(applyMask(text, spans), html);
}

/** `text` with the characters in `ranges` (sorted flat [start, end) offsets) replaced by U+0000, newlines kept. */
export function applyMask(text: string, ranges: ArrayLike<number>): string {
  if (ranges.length === 0) return text;
  const parts: string[] = [];
  let pos = 0;
  for (let r = 0; r < ranges.length; r += 2) {
    const start = Math.max(pos, ranges[r] ?? 0);
    const end = Math.max(start, ranges[r + 1] ?? 0);
    parts.push(text.slice(pos, start));
    const code = text.slice(start, end);
    parts.push(code.includes('\n') ? code.replace(/[^\n]/g, MASK) : MASK.repeat(code.length));
    pos = end;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

/**
 * Where the backticks are, shared by every paragraph of one text: the next
 * backtick is searched for once and remembered while paragraphs before it
 * ask (a search per paragraph to the end of the text made many paragraphs
 * without a backtick quadratic: review-sec finding 8), and the run lists
 * are allocated once and reused.
 */
class BacktickRuns {
  at: Int32Array = new Int32Array(64);
  length: Int32Array = new Int32Array(64);
  /** `text.indexOf('`', from)` for non-decreasing `from`. */
  readonly next: (from: number) => number;
  /** `text.indexOf('<', from)` for non-decreasing `from`. */
  readonly nextLt: (from: number) => number;
  /** Raw HTML and autolinks, read at the `<` before a run. */
  readonly html: InlineHtml;
  /** GFM extended autolinks (`www.`, `http://`), read at their `w` or `:` before a run. */
  readonly autolinks: ExtendedAutolinks;
  /** The next `[` or `]` for non-decreasing `from`: an open bracket stops extended autolinks. */
  readonly nextBracket: (from: number) => number;
  /** The `<` of the next `\\<` for non-decreasing `from`. */
  readonly nextBackslashLt: (from: number) => number;
  /** Each `<` after a backslash that an extended autolink ends at: not escaped (the link holds the backslash). */
  readonly unescapedLt: number[] = [];
  constructor(text: string) {
    this.next = nextOccurrence(text, '`');
    this.nextLt = nextOccurrence(text, '<');
    this.html = new InlineHtml(text);
    this.autolinks = new ExtendedAutolinks(text);
    const open = nextOccurrence(text, '[');
    const close = nextOccurrence(text, ']');
    this.nextBracket = (from) => earliest(open(from), close(from));
    const backslashLt = nextOccurrence(text, '\\<');
    this.nextBackslashLt = (from) => {
      const at = backslashLt(from);
      return at === -1 ? -1 : at + 1;
    };
  }

  /** Room for at least `count + 1` runs. */
  reserve(count: number): void {
    if (count < this.at.length) return;
    this.at = grow(this.at);
    this.length = grow(this.length);
  }
}

/**
 * Code spans in `text[start, end)`, the inline content of one block
 * (CommonMark §6.1): a run of n backticks opens one and the next run of
 * exactly n closes it; an unmatched run is literal. A backslash before a
 * run outside a span escapes its first backtick (§2.4), so the rest of the
 * run, one shorter, is the opener; inside a span a backslash is literal, so
 * a closer counts whole. Raw HTML and autolinks have the same precedence
 * as code spans, so a run inside one that starts first opens nothing
 * (`<a title="`">`: re-review 8b, F1); a closer is searched in the raw
 * text. One pass lists the runs, one backward pass links each opener to
 * the next run of its length, one forward pass pairs them and reads each
 * `<` before an opener once (inline-html.ts): linear however many runs
 * stay unmatched, and blocks are asked for in order, so `ticks` reads each
 * part of the text once.
 */
function codeSpans(text: string, start: number, end: number, ranges: RangeList, ticks: BacktickRuns): void {
  const firstTick = ticks.next(start);
  // The inlines are read to the block's end only when a `\<` in it may follow an extended autolink.
  const backslashLt = ticks.nextBackslashLt(start);
  const candidate = backslashLt !== -1 && backslashLt < end ? ticks.autolinks.next(start) : -1;
  const readToEnd = candidate !== -1 && candidate < backslashLt;
  // Most paragraphs hold no backtick: nothing to allocate for them.
  if (!readToEnd && (firstTick === -1 || firstTick >= end)) return;
  let count = 0;
  let longest = 0;
  for (let k = firstTick; k !== -1 && k < end; k = ticks.next(k)) {
    let e = k;
    while (e < end && text.charCodeAt(e) === 96) e++;
    ticks.reserve(count);
    ticks.at[count] = k;
    ticks.length[count] = e - k;
    if (e - k > longest) longest = e - k;
    count++;
    k = e;
  }
  if (count < 2 && !readToEnd) return;
  const { at, length } = ticks;
  // Per run: the first run after it of its opener's length (its own, or one less when escaped), or -1. A block read
  // only for a `\<` holds at most one run: nothing to allocate.
  const closerOf = count < 2 ? NO_RUNS : new Int32Array(count);
  // Per run: 1 when a backslash escapes its first backtick (read where it opens: no span holds that backslash).
  const escaped = count < 2 ? NO_ESCAPES : new Uint8Array(count);
  // Per length (0 to the longest run, so no longer than the block): the last run of it seen, or -1. A Map here cost
  // a third of the time of a megabyte of runs (re-review 8, "Speed").
  const lastByLength = count < 2 ? NO_RUNS : new Int32Array(longest + 1).fill(-1);
  for (let i = count < 2 ? -1 : count - 1; i >= 0; i--) {
    const n = length[i] ?? 0;
    const escapedRun = isEscaped(text, at[i] ?? 0) ? 1 : 0;
    escaped[i] = escapedRun;
    closerOf[i] = lastByLength[n - escapedRun] ?? -1;
    lastByLength[n] = i;
  }
  let cursor = start;
  // The next `<` not yet read: raw HTML and autolinks take precedence over a run inside them (§6.1), and so do
  // extended autolinks (`www.a` `…`: re-review 8c), which start only while no `[` is open. Each `<`, candidate
  // and bracket is read once, in order, up to each opener.
  let lt = ticks.nextLt(start);
  let link = ticks.autolinks.next(start);
  let bracket = ticks.nextBracket(start);
  let openBrackets = 0;
  // The last `]` that took an opener: a `(` right after it may open a destination, not an autolink.
  let linkCloser = -1;
  // Each opener in turn, then (when `readToEnd`) the block's end: the `<`, candidates and brackets before it are read.
  for (let i = 0; i <= count; i++) {
    const last = i === count;
    if (last && !readToEnd) break;
    const from = last ? end : (at[i] ?? 0) + (escaped[i] ?? 0);
    if (from < cursor) continue;
    for (let first = earliest(lt, earliest(link, bracket)); first !== -1 && first < from; ) {
      // A backslash inside an earlier inline escapes nothing after it: an extended autolink ends at a `<`, so the
      // link `www.\` leaves the `<` after it unescaped (cmark-gfm: `www.\<!--` is a link, then a comment).
      const readable = first >= cursor && !isEscapedAfter(text, first, cursor);
      if (first === lt) {
        const htmlEnd = readable ? ticks.html.endAt(lt, end) : -1;
        if (htmlEnd !== -1) cursor = htmlEnd;
        lt = ticks.nextLt(Math.max(lt + 1, cursor));
      } else if (first === bracket) {
        // Every `]` takes the last opener off cmark's bracket stack, link or not.
        if (!readable) {
          // Inside code, raw HTML or an autolink: no bracket.
        } else if (text.charCodeAt(bracket) === 91) openBrackets++;
        else if (openBrackets > 0) {
          openBrackets--;
          linkCloser = bracket;
        }
        bracket = ticks.nextBracket(Math.max(bracket + 1, cursor));
      } else {
        const linkEnd = readable && openBrackets === 0 ? ticks.autolinks.endAt(link, start, end, linkCloser) : -1;
        if (linkEnd !== -1) {
          cursor = linkEnd;
          if (text.charCodeAt(linkEnd) === 60 && isEscaped(text, linkEnd)) ticks.unescapedLt.push(linkEnd);
        }
        link = ticks.autolinks.next(Math.max(link + 1, cursor));
      }
      first = earliest(lt, earliest(link, bracket));
    }
    if (last) break;
    const closer = closerOf[i] ?? -1;
    if (from < cursor || closer === -1) continue;
    cursor = (at[closer] ?? 0) + (length[closer] ?? 0);
    ranges.push(from, cursor);
  }
}

const NO_RUNS = new Int32Array(0);
const NO_ESCAPES = new Uint8Array(0);

/** Whether a backslash at or after `floor` escapes the character at `index` (§2.4: an odd run of them before it). */
function isEscapedAfter(text: string, index: number, floor: number): boolean {
  let backslashes = 0;
  for (let k = index - 1; k >= floor && text.charCodeAt(k) === 92; k--) backslashes++;
  return backslashes % 2 === 1;
}

/** The smaller of two offsets where -1 means none. */
function earliest(a: number, b: number): number {
  return a === -1 ? b : b === -1 ? a : Math.min(a, b);
}

function grow(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

/**
 * `text` in a fenced block whose fence is longer than any backtick run
 * inside, so the text cannot close the block early and pass for the prose
 * around it.
 */
export function fencedBlock(text: string, info = 'text'): string {
  const longestRun = Array.from(text.matchAll(/`+/g), (m) => m[0].length).reduce((a, b) => Math.max(a, b), 0);
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

/** A Markdown link whose URL cannot end the link early or break out of it. */
export function markdownLink(text: string, url: string): string {
  // encodeURIComponent leaves parentheses alone; they are what would end the link.
  const safe = url.replace(/[()<>\s]/g, (c) => (c === '(' ? '%28' : c === ')' ? '%29' : encodeURIComponent(c)));
  return `[${text}](${safe})`;
}
