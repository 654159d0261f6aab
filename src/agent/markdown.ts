/**
 * Just enough GitHub-flavoured Markdown to tell prose from code.
 *
 * A `/agent` inside a code sample is an example, not a request, and an image
 * link inside a code sample is not an image; a long answer cut in the middle
 * of a fenced block must have that block closed. These need to know which
 * text is code, nothing more, so this is a scanner, not a parser, and its
 * work is linear in the text (markdown-lines.ts says why no parser).
 */
import { endsHtmlBlock, htmlBlockStart } from './html-blocks.js';
import { classifyLines, firstMark, isHeadingOrBreak, type LineKind, QUOTE_MARKERS } from './markdown-lines.js';

/** An open fenced code block: its fence character and length (CommonMark §4.5). */
export interface Fence {
  char: '`' | '~';
  length: number;
  /**
   * The opening line's indentation, when it has any. A fence inside a list
   * item must be closed at the item's indentation: a closing line at column
   * 0 would end the item and open a new block instead.
   */
  indent?: string;
  /**
   * The column a closing fence's indentation is counted from, when not 0:
   * the content column of list markers before the opening fence, or, for
   * an opening fence indented four columns or more (which only a list item
   * makes a fence), the least content column that allows it. A closing
   * fence is indented at most three columns past it (CommonMark §4.5).
   */
  container?: number;
}

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
 * Any indentation is accepted, unlike CommonMark's three spaces, because a
 * fence nested in a list item is indented further; erring towards "this is
 * code" is the safe side for both callers. A fence may also follow list
 * item markers on its own line (`- ```, `1. ~~~`, `* - ````): CommonMark
 * §5.2 reads a list item's content from its content column, where such a
 * fence opens a code block. Each marker is one character or up to nine
 * digits and `.`/`)`, then whitespace, so the pattern has no ambiguous
 * repetition and stays linear in the line.
 */
const FENCE_OPEN = /^([ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*)(`{3,}|~{3,})(.*)$/;

/** List item markers and the whitespace around them, before a line's content (same shape as in `FENCE_OPEN`). */
const MARKERS = /^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*/;

/** An HTML block being read: its type and, when it was opened after list markers, the item's content column. */
interface OpenHtml {
  type: number;
  container: number;
}

/**
 * One pass over the lines in CommonMark's order (§4.5 fences, §4.6 HTML
 * blocks): whichever opens first holds the lines up to its own end, so a
 * fence inside `<!--` … `-->` is no fence, and `<!--` inside a fence is
 * code. A block opened on a list item's line (`- ```, `- <!--`) also ends
 * at the first non-blank line indented less than the item's content: that
 * line closes the item (no lazy continuation outside paragraphs, §5.2).
 * Each line is read a bounded number of times: linear in the text.
 */
export function scanFences(lines: readonly string[]): FenceScan {
  // Made whole and filled by index: pushing hundreds of thousands of entries cost several times more.
  const inFence: boolean[] = new Array<boolean>(lines.length).fill(false);
  const htmlBlock = new Uint8Array(lines.length);
  let open: Fence | null = null;
  let html: OpenHtml | null = null;
  // Whether the last line left a paragraph open, which an HTML block of type 7 cannot interrupt.
  let inParagraph = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const mark = firstMark(line);
    if (open !== null) {
      if (mark === -1 || !leavesItem(line, open.container)) {
        inFence[i] = true;
        if (isClosingFence(line, open)) open = null;
        continue;
      }
      open = null;
    } else if (html !== null) {
      // Types 6 and 7 end before a blank line; types 1–5 hold blank lines up to their end condition.
      if (mark === -1 ? html.type <= 5 : !leavesItem(line, html.container)) {
        htmlBlock[i] = html.type;
        if (html.type <= 5 && endsHtmlBlock(line, 0, html.type)) html = null;
        continue;
      }
      html = null;
    }
    if (mark === -1) {
      inParagraph = false;
      continue;
    }
    // Most lines hold neither fence character: one cheap search rules them out before the pattern.
    const match = line.length >= 3 && (line.includes('``') || line.includes('~~')) ? FENCE_OPEN.exec(line) : null;
    const run = match?.[2];
    // A backtick fence's info string may not contain a backtick (CommonMark §4.5).
    if (run !== undefined && !(run.startsWith('`') && (match?.[3] ?? '').includes('`'))) {
      // The fence's content column; its indentation is made spaces (and tabs) only for the fence left open.
      const prefix = match?.[1] ?? '';
      const columns = prefixColumns(prefix, prefix.length);
      const container = mark === 96 || mark === 126 ? Math.max(0, columns - 3) : columns;
      open = { char: run.charCodeAt(0) === 96 ? '`' : '~', length: run.length };
      if (prefix !== '') open.indent = prefix;
      if (container > 0) open.container = container;
      inFence[i] = true;
      inParagraph = false;
      continue;
    }
    const start = mark === 60 || isListMarkChar(mark) ? htmlStart(line, mark, inParagraph) : null;
    if (start !== null) {
      htmlBlock[i] = start.type;
      if (start.type >= 6 || !endsHtmlBlock(line, start.at, start.type)) html = { type: start.type, container: start.container };
      inParagraph = false;
      continue;
    }
    inParagraph = continuesParagraph(line, mark, inParagraph);
  }
  // The indentation that closes the fence: list item markers before it count as that many spaces (tabs stay tabs).
  if (open?.indent !== undefined) open.indent = open.indent.replace(/[^\t]/g, ' ');
  return { inFence, htmlBlock, openFence: open };
}

/** `-`, `*`, `+` or a digit: what a list item marker starts with. */
const isListMarkChar = (mark: number): boolean => mark === 45 || mark === 42 || mark === 43 || (mark >= 48 && mark <= 57);

/** Columns of `text[0, end)`, tabs to the next multiple of four and any other character one column (CommonMark §2.2). */
function prefixColumns(text: string, end: number): number {
  let columns = 0;
  for (let k = 0; k < end; k++) columns += text.charCodeAt(k) === 9 ? 4 - (columns % 4) : 1;
  return columns;
}

/** Columns of `line`'s leading spaces and tabs. */
function indentOf(line: string): number {
  let k = 0;
  while (k < line.length && (line.charCodeAt(k) === 32 || line.charCodeAt(k) === 9)) k++;
  return prefixColumns(line, k);
}

/** Whether a non-blank `line` is indented less than a list item's content column `container` (0: no item known). */
const leavesItem = (line: string, container: number | undefined): boolean => !!container && indentOf(line) < container;

/**
 * The HTML block `line` opens, if any: its `<` indented at most three
 * columns, or after list item markers followed by one to four columns
 * (five or more make indented code inside the item, §5.2). `mark` is the
 * line's first character that is not a space or tab.
 */
function htmlStart(line: string, mark: number, inParagraph: boolean): { type: number; at: number; container: number } | null {
  const hasMarkers = mark !== 60;
  const lt = hasMarkers ? (MARKERS.exec(line)?.[0].length ?? 0) : line.indexOf('<');
  if (line.charCodeAt(lt) !== 60) return null;
  let container = 0;
  if (hasMarkers) {
    if (lt === 0) return null;
    let afterMarker = lt;
    while (afterMarker > 0 && (line.charCodeAt(afterMarker - 1) === 32 || line.charCodeAt(afterMarker - 1) === 9)) afterMarker--;
    container = prefixColumns(line, lt);
    if (container - prefixColumns(line, afterMarker) > 4) return null;
  } else if (prefixColumns(line, lt) > 3) return null;
  // A list item's first line starts its content afresh: no paragraph is open there.
  const type = htmlBlockStart(line, lt, inParagraph && !hasMarkers);
  return type === 0 ? null : { type, at: lt, container };
}

/**
 * Whether a paragraph is open after the non-blank `line` (not a fence or
 * HTML block start; `mark` its first character that is not a space or
 * tab): text continues or starts one; a heading, a thematic break or
 * indented code (which cannot interrupt a paragraph) does not. A quote
 * line counts by its content, as a lazy line may continue a quoted
 * paragraph.
 */
function continuesParagraph(line: string, mark: number, inParagraph: boolean): boolean {
  if (mark === 62) {
    const content = line.slice(QUOTE_MARKERS.exec(line)?.[0].length ?? 0);
    const contentMark = firstMark(content);
    return contentMark !== -1 && !isHeadingOrBreak(content, contentMark);
  }
  // Indented code cannot interrupt a paragraph, and is none itself.
  if (!inParagraph && (line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) && indentOf(line) >= 4) return false;
  return !isHeadingOrBreak(line, mark);
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
  const fence = scanFences(text.split('\n')).openFence;
  return fence === null ? text : `${text}\n${closingFence(fence)}`;
}

/**
 * CommonMark §4.5: the fence character at least as many times, indented at
 * most three columns past the container's content column, then only spaces
 * and tabs. Only ASCII spaces and tabs are indentation: a no-break space or
 * an invisible character before the run makes the line code, as on GitHub
 * (review-sec finding 1; `trim()` took any Unicode space).
 */
function isClosingFence(line: string, fence: Fence): boolean {
  let k = 0;
  while (k < line.length && (line.charCodeAt(k) === 32 || line.charCodeAt(k) === 9)) k++;
  if (prefixColumns(line, k) > (fence.container ?? 0) + 3) return false;
  const code = fence.char.charCodeAt(0);
  let run = 0;
  while (k < line.length && line.charCodeAt(k) === code) {
    k++;
    run++;
  }
  if (run < fence.length) return false;
  for (; k < line.length; k++) if (line.charCodeAt(k) !== 32 && line.charCodeAt(k) !== 9) return false;
  return true;
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
  lines: string[];
  kinds: LineKind[];
  /** Code blocks and code spans, in order, not overlapping. */
  spans: number[];
  /** `<pre>`/`<code>` elements outside `spans`, in order. */
  html: number[];
}

export function findCode(text: string): CodeRanges {
  const lines = text.split('\n');
  const kinds = classifyLines(lines);
  const spans: number[] = [];
  const ticks = new BacktickRuns(text);
  let offset = 0;
  let blockStart = -1;
  for (let i = 0; i < lines.length; i++) {
    const length = (lines[i] ?? '').length;
    const kind = kinds[i];
    // HTML blocks hold no Markdown, code spans included: their backticks are text.
    const inBlock = kind !== 'blank' && kind !== 'code' && kind !== 'html' && kind !== 'raw-html';
    if (inBlock && blockStart === -1) blockStart = offset;
    if (!inBlock && blockStart !== -1) {
      // A code span stays within its paragraph: a run of lines that are neither blank nor code.
      codeSpans(text, blockStart, offset, spans, ticks);
      blockStart = -1;
    }
    if (kind === 'code') {
      // Consecutive code lines make one range (the newline between them is code too): fewer ranges to walk.
      if (spans.length > 0 && spans[spans.length - 1] === offset - 1 && kinds[i - 1] === 'code') spans[spans.length - 1] = offset + length;
      else spans.push(offset, offset + length);
    }
    offset += length + 1;
  }
  if (blockStart !== -1) codeSpans(text, blockStart, text.length, spans, ticks);
  return { lines, kinds, spans, html: htmlCodeElements(text, spans) };
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

/** A walker over sorted ranges that answers "is this offset inside one?" for increasing offsets in O(1) amortised. */
export function rangeWalker(ranges: readonly number[]): (offset: number) => boolean {
  let r = 0;
  return (offset) => {
    while (r < ranges.length && (ranges[r + 1] ?? 0) <= offset) r += 2;
    return r < ranges.length && (ranges[r] ?? Infinity) <= offset;
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
export function applyMask(text: string, ranges: readonly number[]): string {
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
  constructor(text: string) {
    this.next = nextOccurrence(text, '`');
  }

  /** Room for at least `count + 1` runs. */
  reserve(count: number): void {
    if (count < this.at.length) return;
    this.at = grow(this.at);
    this.length = grow(this.length);
  }
}

/**
 * Code spans in `text[start, end)`: a run of n backticks opens one and the
 * next run of exactly n closes it; an unmatched run is literal. One pass
 * lists the runs, one backward pass links each to the next run of its
 * length, one forward pass pairs them: linear however many runs stay
 * unmatched, and paragraphs are asked for in order, so `ticks` reads each
 * part of the text once.
 */
function codeSpans(text: string, start: number, end: number, ranges: number[], ticks: BacktickRuns): void {
  const firstTick = ticks.next(start);
  // Most paragraphs hold no backtick: nothing to allocate for them.
  if (firstTick === -1 || firstTick >= end) return;
  let count = 0;
  for (let k = firstTick; k !== -1 && k < end; k = ticks.next(k)) {
    let e = k;
    while (e < end && text.charCodeAt(e) === 96) e++;
    ticks.reserve(count);
    ticks.at[count] = k;
    ticks.length[count] = e - k;
    count++;
    k = e;
  }
  if (count < 2) return;
  const { at, length } = ticks;
  const nextSame = new Int32Array(count);
  const lastByLength = new Map<number, number>();
  for (let i = count - 1; i >= 0; i--) {
    const n = length[i] ?? 0;
    nextSame[i] = lastByLength.get(n) ?? -1;
    lastByLength.set(n, i);
  }
  let cursor = start;
  for (let i = 0; i < count; i++) {
    const from = at[i] ?? 0;
    const closer = nextSame[i] ?? -1;
    if (from < cursor || closer === -1 || isEscaped(text, from)) continue;
    cursor = (at[closer] ?? 0) + (length[closer] ?? 0);
    ranges.push(from, cursor);
  }
}

function grow(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let k = index - 1; k >= 0 && text.charCodeAt(k) === 92; k--) backslashes++;
  return backslashes % 2 === 1;
}

/** `<pre` or `<code` followed by whitespace, `/` or `>`: the start of an element GitHub shows as code. */
const HTML_CODE_OPEN = /<(pre|code)(?=[\s/>])/gi;

/**
 * `<pre>…</pre>` and `<code>…</code>` outside the code in `spans`. An element
 * never closed runs to the end, as an HTML block does (CommonMark §4.6):
 * erring towards code is the safe side. Each search starts where the last
 * one ended, so the scan is linear.
 */
function htmlCodeElements(text: string, spans: readonly number[]): number[] {
  const ranges: number[] = [];
  const lower = text.toLowerCase();
  const inSpan = rangeWalker(spans);
  const open = new RegExp(HTML_CODE_OPEN.source, HTML_CODE_OPEN.flags);
  for (let m = open.exec(text); m !== null; m = open.exec(text)) {
    if (inSpan(m.index)) continue;
    const closeTag = `</${(m[1] ?? '').toLowerCase()}`;
    let close = lower.indexOf(closeTag, m.index);
    // A closing tag inside a code span does not close the element (offsets only grow, so the walker still fits),
    // and neither does a longer name (`</prefix>` for `<pre>`: review-sec finding 6).
    while (close !== -1 && (inSpan(close) || !endsTagName(lower, close + closeTag.length))) close = lower.indexOf(closeTag, close + 1);
    const gt = close === -1 ? -1 : lower.indexOf('>', close);
    const end = gt === -1 ? text.length : gt + 1;
    ranges.push(m.index, end);
    if (end === text.length) break;
    open.lastIndex = end;
  }
  return ranges;
}

/** Whether a tag name ends at `index`: whitespace, `/`, `>` or the end of the text follows (HTML tag names run to one of them). */
function endsTagName(text: string, index: number): boolean {
  return index >= text.length || /[\s/>]/.test(text.charAt(index));
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
