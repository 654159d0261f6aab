/**
 * The block structure of a comment, line by line, as GitHub's renderer
 * builds it: cmark-gfm 0.29.0.gfm (`src/blocks.c`: `check_open_blocks`,
 * `open_new_blocks`, `add_text_to_container`; CommonMark 0.31 §5 for the
 * rules). Containers (block quotes, list items with their content column)
 * are kept on a stack; a fenced code block or HTML block opened inside one
 * ends when that container ends, and a paragraph may continue lazily on a
 * line that matches fewer containers (§5.1, §5.2). Issue 8: a fence on a
 * list item's continuation line (`- a⏎⏎  ```⏎```⏎/agent x`) opens code
 * inside the item on GitHub, so the text after it must not trigger.
 *
 * Linear in the text: each line is matched against at most `MAX_DEPTH`
 * containers, leading whitespace is scanned once per line (the first
 * non-space position is cached, as cmark does), and every pattern is
 * anchored and reads the line once. cmark has no depth limit, which makes
 * it quadratic on many lines under deep nesting; here a container nested
 * deeper than `MAX_DEPTH` is not read: its lines (and lazy lines after
 * them) are `DEEP`, which callers treat as never a request.
 */
import { closesFence, isAtxStart, isFenceOpen, isFootnoteStart, isSetextUnderline, isSpaceOrTab, LineCursor, listMarker } from './block-starts.js';
import { HtmlBlockEnds, htmlBlockStart } from './html-blocks.js';
import { onlyDefinitions } from './link-definitions.js';
import { RangeList } from './range-list.js';
import { cellCount } from './table-rows.js';

/**
 * Containers nested deeper than this are not read (no real comment nests
 * 32 lists or quotes; GitHub renders them, but a phrase there counts as no
 * request: missing one there is the safe side).
 */
export const MAX_DEPTH = 32;

/** What a line is, once its container prefixes are read. */
export const Leaf = {
  Blank: 0,
  Paragraph: 1,
  /** A fence line or a line inside a fenced code block. */
  Fence: 2,
  /** Indented code (§4.4), relative to the line's container. */
  Indented: 3,
  /** An ATX heading, a thematic break or a setext underline. */
  Heading: 4,
  /** A line of an HTML block; its type is in `htmlBlock`. */
  Html: 5,
  /** Inside a container nested deeper than `MAX_DEPTH`: not read. */
  Deep: 6,
} as const;
export type Leaf = (typeof Leaf)[keyof typeof Leaf];

/** An open fenced code block: its fence character and length (CommonMark §4.5). */
export interface Fence {
  char: '`' | '~';
  length: number;
  /**
   * The opening line's text before the fence, as spaces (tabs kept), when
   * it has any: a fence inside a list item is closed at the item's
   * indentation, as a closing line at column 0 would end the item instead.
   */
  indent?: string;
}

export interface BlockScan {
  /** One entry per line: a `Leaf`. */
  leaf: Uint8Array;
  /** One entry per line: the HTML block type (1–7, §4.6) for `Leaf.Html` lines, else 0. */
  htmlBlock: Uint8Array;
  /** One entry per line: 1 when the line is inside a block quote (a lazy line: when its paragraph is). */
  quoted: Uint8Array;
  /** One entry per line: 1 when a `Leaf.Paragraph` line starts its paragraph (not a continuation). */
  paragraphStart: Uint8Array;
  /**
   * Per line, its part in a GFM table: `TableRow.Header`, `Delimiter` or
   * `Body` (a row after the delimiter row), or 0. The header and delimiter
   * rows' cell counts are not compared here.
   */
  tableRow: Uint8Array;
  /** One entry per line: the offset (UTF-16 units) where the line's content starts after its container prefixes. */
  contentAt: Int32Array;
  /**
   * One entry per line: the offset (UTF-16 units, from the line's start)
   * where the prefixes of the containers open before the line end, the
   * line's indentation and any container it opens not included; and
   * `prefixColumn`, the column there (a tab partly taken by a container
   * counts only the columns taken). A footnote definition's body is read
   * from there (footnote-bodies.ts).
   */
  prefixAt: Int32Array;
  prefixColumn: Int32Array;
  /**
   * One entry per line: a count of the container changes (a quote or list
   * item opened or closed) up to and including the line. Two lines with the
   * same count sit in the same containers, and cmark-gfm writes no
   * container tag (`<blockquote>`, `</li>`, …) between them.
   */
  containerEpoch: Int32Array;
  /**
   * One entry per line: 1 when the line starts a paragraph that comes right
   * after an HTML block in the same list item of a tight list. cmark-gfm
   * writes such a paragraph without `<p>` (CommonMark §5.3), so its text
   * goes on the shown line of the block before it (re-review 8j). A list is
   * taken as tight unless a blank line is seen between two of its items or
   * two blocks of one item (cmark `finalize`, `S_ends_with_blank_line`);
   * other loose lists (a blank line ending a nested list or indented code)
   * are taken as tight, erring towards no request.
   */
  runOnParagraph: Uint8Array;
  /** The fenced code block open after the last line, outside any block quote, or null. */
  openFence: Fence | null;
  /**
   * Opening fences' whole info strings (`js secret` in ```` ```js secret ````),
   * as sorted flat [start, end) offsets: GitHub shows none of it (re-review
   * 8b, L3). The first word too (re-review 8d): it only picks the
   * highlighting, as a class attribute, and may say anything.
   */
  fenceInfo: Int32Array;
}

/** A line's part in a GFM table (`BlockScan.tableRow`). */
export const TableRow = { Header: 1, Delimiter: 2, Body: 3 } as const;

const QUOTE = 1;
const ITEM = 2;

/**
 * Whether [from, end) is a GFM table delimiter row (cmark-gfm 0.29
 * `scanners.re` `table_start`): cells of `:?-+:?` with spaces or tabs
 * around, split by `|`, with an optional `|` at either end. Reads the line
 * once; anchored, and no two whitespace runs touch, so a failed line is not
 * re-read per split of its spaces.
 */
const DELIMITER_ROW = /\|?[ \t\v\f]*:?-+:?[ \t\v\f]*(?:\|[ \t\v\f]*:?-+:?[ \t\v\f]*)*(?:\|[ \t\v\f]*)?\r?(?=\n|$)/y;
export function isTableDelimiterRow(text: string, from: number, end: number): boolean {
  DELIMITER_ROW.lastIndex = from;
  return DELIMITER_ROW.test(text) && DELIMITER_ROW.lastIndex === end;
}

/**
 * Whether a footnote definition's first line leaves a paragraph open, its
 * content read from `from` (after `]:` and the spaces and tabs cmark-gfm's
 * scanner takes) to `end`: past any quote markers, list item markers and
 * nested definitions it starts no other block (cmark-gfm 0.29
 * `open_new_blocks` on the rest of the line) and is not empty. Only then
 * is a later line indented less than four columns lazy (`[^a]: b⏎<i>` opens
 * an HTML block of type 7, but in `[^a]: <dl>⏎c⏎<i>` the tag goes on the
 * paragraph `c`). Tabs count four columns. Reads the line once: a failed
 * thematic break scan is not repeated before where it stopped.
 */
function footnoteParagraph(text: string, from: number, end: number): boolean {
  let k = from;
  let breakKill = from;
  for (;;) {
    let s = k;
    let columns = 0;
    for (; s < end; s++) {
      const code = text.charCodeAt(s);
      if (code === 32) columns++;
      else if (code === 9) columns += 4;
      else break;
    }
    // Nothing (an empty definition, quote or item), or indented code.
    if (s >= end || columns >= 4) return false;
    const c = text.charCodeAt(s);
    if (c === 62) {
      k = s + 1;
      if (k < end && isSpaceOrTab(text.charCodeAt(k))) k++;
      continue;
    }
    if (c === 35 && isAtxStart(text, s, end)) return false;
    if ((c === 96 || c === 126) && isFenceOpen(text, s, end, c)) return false;
    if (c === 60) return htmlBlockStart(text, s, end, false) === 0;
    if ((c === 45 || c === 42 || c === 95) && s >= breakKill) {
      let count = 0;
      let q = s;
      for (; q < end; q++) {
        const code = text.charCodeAt(q);
        if (code === c) count++;
        else if (!isSpaceOrTab(code)) break;
      }
      if (q >= end && count >= 3) return false;
      breakKill = q;
    }
    if (c === 91 && isFootnoteStart(text, s, end)) {
      k = text.indexOf(']', s + 2) + 2;
      while (k < end && isSpaceOrTab(text.charCodeAt(k))) k++;
      continue;
    }
    const marker = c === 45 || c === 42 || c === 43 || (c >= 48 && c <= 57) ? listMarker(text, s, end, false) : 0;
    if (marker === 0) return true;
    // The item's padding: one to four spaces, or one when five or more follow (then the rest is indented code).
    let p = s + marker;
    let padding = 0;
    while (p < end && padding < 5 && isSpaceOrTab(text.charCodeAt(p))) {
      padding++;
      p++;
    }
    if (p >= end || padding >= 5) return false;
    k = p;
  }
}

/**
 * Reads `lines` (a comment split on `\n`) into their blocks. See the
 * module comment for the rules and the depth limit; linear in the text.
 */
export function scanBlocks(lines: readonly string[]): BlockScan {
  const text = lines.join('\n');
  return readBlocks(text, lineStarts(text));
}

/**
 * `scanBlocks` on the lines of `text` as `lineStarts` finds them, read in
 * place (no string per line). `restarts` (sorted line indices) are lines
 * where a new document starts: every container and block open before
 * such a line ends there, as at the end of the text, so one read covers
 * several documents (footnote-bodies.ts reads many footnote bodies so).
 */
export function readBlocks(text: string, starts: Int32Array, restarts?: ArrayLike<number>): BlockScan {
  const count = starts.length - 1;
  const reader = new BlockReader(text, starts);
  const epoch = reader.containerEpoch;
  let next = 0;
  for (let i = 0; i < count; i++) {
    if (restarts !== undefined && restarts[next] === i) {
      reader.restart();
      next++;
    }
    reader.read(i, starts[i] ?? 0, (starts[i + 1] ?? 0) - 1);
    epoch[i] = reader.epoch;
  }
  return reader.result();
}

/**
 * Where each line of `text` (split on `\n`) starts, and one more entry,
 * `text.length + 1`, where a line after the last would: line `i` is
 * [starts[i], starts[i + 1] - 1). One pass: the first characters of a line
 * are read in place and `indexOf` searches the rest, as a search per line
 * costs more than reading a short line, and reading every character of a
 * long one costs more than the search.
 */
export function lineStarts(text: string): Int32Array {
  const n = text.length;
  let starts = new Int32Array(64);
  let count = 1;
  for (let k = 0; ; ) {
    const near = Math.min(n, k + 16);
    let e = k;
    while (e < near && text.charCodeAt(e) !== 10) e++;
    if (e === near && e < n) {
      e = text.indexOf('\n', e);
      if (e === -1) e = n;
    }
    if (e >= n) break;
    if (count + 1 >= starts.length) {
      const bigger = new Int32Array(starts.length * 2);
      bigger.set(starts);
      starts = bigger;
    }
    starts[count++] = e + 1;
    k = e + 1;
  }
  starts[count] = n + 1;
  return starts.subarray(0, count + 1);
}

/**
 * The reader's state between lines. A class rather than closures over
 * locals: V8 keeps captured locals in a heap context, which made every
 * line several times slower.
 */
class BlockReader {
  readonly text: string;
  readonly starts: Int32Array;
  readonly leaf: Uint8Array;
  readonly htmlBlock: Uint8Array;
  readonly quoted: Uint8Array;
  readonly paragraphStart: Uint8Array;
  readonly tableRow: Uint8Array;
  readonly contentAt: Int32Array;
  readonly prefixAt: Int32Array;
  readonly prefixColumn: Int32Array;
  readonly containerEpoch: Int32Array;
  /** How many times a container has opened or closed so far. */
  epoch = 0;
  // The container stack: its kinds, and for list items the columns their content is indented by (marker offset +
  // padding, from where the parent container's prefix ends on each line).
  readonly kind = new Uint8Array(MAX_DEPTH);
  readonly width = new Int32Array(MAX_DEPTH);
  // For list items: the list each belongs to (an id) and its marker's last character (bullet or delimiter: cmark's
  // `lists_match`).
  readonly listOf = new Int32Array(MAX_DEPTH);
  readonly markerOf = new Int32Array(MAX_DEPTH);
  lists = 0;
  /** The lists seen loose (ids). */
  readonly looseLists = new Set<number>();
  /** The item this line closed at the depth where it may be followed by another of its list, or -1. */
  closedItem = -1;
  closedList = 0;
  closedMarker = 0;
  /**
   * After a blank line whose innermost open container (as cmark matches it)
   * is a list item: the number of containers it matched, so the item is at
   * `pendingBlank - 1`; else -1. A block after it in that item, or a next
   * item of its list, makes the list loose.
   */
  pendingBlank = -1;
  /** (line, list id) pairs of `runOnParagraph` candidates, decided when every list is read. */
  readonly runOnCandidates: number[] = [];
  depth = 0;
  quotes = 0;
  /** The index of the outermost quote on the stack, or `MAX_DEPTH`: a blank line matches every container below it. */
  outerQuote = MAX_DEPTH;
  /**
   * Whether the innermost container is a list item with nothing yet (no
   * text after its marker): a blank line then ends it (§5.2, "a list item
   * can begin with at most one blank line").
   */
  innerEmpty = false;
  /**
   * Whether the innermost container is a list item that holds no block
   * yet (the open paragraph aside): a paragraph that turns out to hold only
   * link reference definitions leaves such an item empty when it closes.
   */
  itemFresh = false;
  /** The first line of the open paragraph when it is the first block of the innermost list item, or -1. */
  itemParagraph = -1;
  /**
   * Lines [emptiedFrom, emptiedTo) of a paragraph that was the only block
   * of the innermost item and closed at a blank line: if they are all link
   * reference definitions, the item is empty again. Asked only when a
   * second blank line comes (a line of text fills the item again anyway),
   * so most items are never read twice; -1 when there is nothing to ask.
   */
  emptiedFrom = -1;
  emptiedTo = -1;
  /** The open leaf block at the tip, with its fence or HTML type; whether that leaf is in a quote. */
  tip: Leaf = Leaf.Blank;
  tipQuoted = 0;
  /**
   * Whether the open paragraph has become a GFM table (its next line was a
   * delimiter row): its rows are read as paragraph lines, but a table is no
   * paragraph, so indented code, a setext-like line or any block start ends
   * it (cmark-gfm's table extension; re-review 8g).
   */
  table = false;
  /**
   * The open table is one cmark-gfm surely makes: its header row is a one-line paragraph with as many cells as the
   * delimiter row. Only such a table refuses lazy lines; any other may be a paragraph to cmark-gfm (`> a⏎> -|-⏎/agent x`
   * is one quoted paragraph), whose lazy line stays quoted.
   */
  tableSure = false;
  /**
   * Whether the open paragraph is the first block of a footnote definition
   * (`[^a]: …`), which cmark-gfm 0.29 opens as a container in the innermost
   * matched container. This reader does not keep it on the stack (its body
   * is read in footnote-definitions.ts and footnote-bodies.ts), but a later
   * line indented less than four columns past the containers' prefixes does
   * not match it, so it is a lazy line of the paragraph: a block start does
   * not need to interrupt a paragraph there (`[^a]: b⏎<i>` opens an HTML
   * block of type 7 after the definition; re-review 8j).
   */
  footnote = false;
  /**
   * Whether the line being read starts a footnote definition (`openBlocks`
   * sets it), and whether its content leaves a paragraph open
   * (`footnoteParagraph`): when not, no later line is lazy.
   */
  footnoteStart = false;
  footnoteParagraph = false;
  /** Whether the last line of unread depths was blank: no lazy line may follow it. */
  deepAfterBlank = false;
  fenceChar = 0;
  fenceLength = 0;
  fenceIndent = '';
  readonly fenceInfo = new RangeList();
  html = 0;
  /** cmark's `thematic_break_kill_pos`: where the last failed thematic-break scan stopped (no break can start before it). */
  breakKill = 0;
  /** Whether the current line has opened a block (and so closed the unmatched containers and the tip). */
  opened = false;
  readonly at = new LineCursor();
  readonly htmlEnds: HtmlBlockEnds;
  /** The line being read: where it starts and ends. */
  start = 0;
  end = 0;

  constructor(text: string, starts: Int32Array) {
    const n = starts.length - 1;
    this.text = text;
    this.starts = starts;
    this.htmlEnds = new HtmlBlockEnds(text);
    this.leaf = new Uint8Array(n);
    this.htmlBlock = new Uint8Array(n);
    this.quoted = new Uint8Array(n);
    this.paragraphStart = new Uint8Array(n);
    this.tableRow = new Uint8Array(n);
    this.contentAt = new Int32Array(n);
    this.prefixAt = new Int32Array(n);
    this.prefixColumn = new Int32Array(n);
    this.containerEpoch = new Int32Array(n);
  }

  /** Ends every container and the open leaf: what follows is read as a new document (`readBlocks`'s `restarts`). */
  restart(): void {
    this.closeTo(0);
    this.tip = Leaf.Blank;
    this.itemParagraph = -1;
    this.emptiedFrom = -1;
    this.innerEmpty = false;
    this.itemFresh = false;
    this.table = false;
    this.tableSure = false;
    this.deepAfterBlank = false;
  }

  /** Ends the containers from `level` on. */
  closeTo(level: number): void {
    if (level >= this.depth) return;
    this.epoch++;
    if (this.kind[level] === ITEM) {
      this.closedItem = level;
      this.closedList = this.listOf[level] ?? 0;
      this.closedMarker = this.markerOf[level] ?? 0;
    }
    for (let d = this.depth - 1; d >= level; d--) if (this.kind[d] === QUOTE) this.quotes--;
    if (this.outerQuote >= level) this.outerQuote = MAX_DEPTH;
    this.innerEmpty = false;
    this.emptiedFrom = -1;
    this.itemFresh = false;
    this.depth = level;
  }

  /** Opens a container inside the innermost one; false when that would nest deeper than `MAX_DEPTH`. */
  push(containerKind: number, columns: number): boolean {
    const depth = this.depth;
    if (depth >= MAX_DEPTH) return false;
    this.epoch++;
    this.kind[depth] = containerKind;
    this.width[depth] = columns;
    this.depth = depth + 1;
    if (containerKind === QUOTE) {
      this.quotes++;
      if (this.outerQuote > depth) this.outerQuote = depth;
    }
    this.innerEmpty = false;
    this.emptiedFrom = -1;
    this.itemFresh = containerKind === ITEM;
    return true;
  }

  /** Before the first block the line opens: the containers it did not match end, and so does the open leaf. */
  open(matched: number): void {
    if (this.opened) return;
    this.opened = true;
    this.closeTo(matched);
    this.tip = Leaf.Blank;
    this.itemParagraph = -1;
  }

  /** Which open containers the line continues (cmark `check_open_blocks`): how many, from the outermost. */
  matchContainers(): number {
    const at = this.at;
    const depth = this.depth;
    at.findFirstNonspace();
    if (at.blank) {
      // A blank line continues every list item up to the outermost quote, but not an item that is still empty.
      if (this.emptiedFrom !== -1) {
        this.innerEmpty = onlyDefinitions(this.text, this.starts, this.emptiedFrom, this.emptiedTo, this.contentAt);
        this.emptiedFrom = -1;
      }
      return Math.min(this.outerQuote, this.innerEmpty ? depth - 1 : depth);
    }
    let matched = 0;
    for (; matched < depth; matched++) {
      at.findFirstNonspace();
      if (this.kind[matched] === QUOTE) {
        if (at.indent > 3 || at.blank || this.text.charCodeAt(at.firstNonspace) !== 62) break;
        at.advanceChars(at.firstNonspace + 1 - at.offset);
        if (at.isSpaceOrTab(at.offset)) at.advanceColumns(1);
      } else {
        const columns = this.width[matched] ?? 0;
        if (at.indent < columns) break;
        at.advanceColumns(columns);
      }
    }
    return matched;
  }

  /** Reads line `i`, [start, end) of the text. */
  read(i: number, start: number, end: number): void {
    const at = this.at;
    at.reset(this.text, start, end);
    this.start = start;
    this.end = end;
    this.breakKill = 0;
    this.closedItem = -1;
    const matched = this.matchContainers();
    this.prefixAt[i] = at.offset - start;
    this.prefixColumn[i] = at.column;
    const allMatched = matched === this.depth;
    at.findFirstNonspace();
    const tip = this.tip;
    // A blank line that an empty item did not match goes to the list, not to an item.
    const blankInItem = at.blank && matched === Math.min(this.outerQuote, this.depth) && matched > 0 && this.kind[matched - 1] === ITEM;

    // The open leaf, when every container matched: code and HTML blocks (and unread depths) take the line whole.
    if (allMatched && tip !== Leaf.Blank && tip !== Leaf.Paragraph && this.continueLeaf(i)) {
      this.pendingBlank = -1;
      return;
    }

    if (at.blank) {
      // A blank line opens nothing and continues no paragraph: what it did not match ends, and so does the open leaf.
      const itemParagraph = tip === Leaf.Paragraph && allMatched ? this.itemParagraph : -1;
      this.closeTo(matched);
      this.tip = Leaf.Blank;
      this.itemParagraph = -1;
      // cmark-gfm takes link reference definitions out of a paragraph when it closes, and drops the paragraph if
      // nothing is left (blocks.c `finalize`). An item whose only block it was is empty again, and an empty item ends
      // at the next blank line (`- [x]: /u⏎⏎⏎    /agent x` is top-level indented code: re-review 8b, F4).
      if (itemParagraph !== -1) {
        this.emptiedFrom = itemParagraph;
        this.emptiedTo = i;
      }
      this.pendingBlank = blankInItem ? matched : -1;
      this.quoted[i] = this.quotes > 0 ? 1 : 0;
      this.contentAt[i] = end - start;
      return;
    }
    // A paragraph goes on at a non-blank line that matched every container. One that matched fewer may still
    // continue it lazily, if it opens no block; unread depths are given the same laziness, erring towards unread.
    // A paragraph that became a table is no paragraph to cmark-gfm (blocks.c takes a lazy line only when the open
    // block is a paragraph): a line that matches fewer containers ends them (`- |a|⏎  |-|⏎c⏎⏎    /agent x` is
    // top-level indented code; fix8u).
    const lazyTip = (tip === Leaf.Paragraph && !this.tableSure) || (tip === Leaf.Deep && !this.deepAfterBlank);
    const paragraphGoesOn = allMatched && tip === Leaf.Paragraph && !at.blank;
    // Rows of a table: no paragraph to interrupt, so indented code and every block start end it.
    const inTable = paragraphGoesOn && this.table;
    // A line of a footnote definition's paragraph that does not match the definition (see `footnote`).
    const footnoteLazy = paragraphGoesOn && this.footnote && at.indent < 4;
    this.opened = false;
    this.footnoteStart = false;
    // A block after a blank line in the same item: the list is loose (a next item is seen in `pushItem`).
    if (this.pendingBlank !== -1 && matched === this.pendingBlank) this.looseLists.add(this.listOf[matched - 1] ?? 0);
    const newLeaf = this.openBlocks(matched, paragraphGoesOn && !inTable && !footnoteLazy, lazyTip && !inTable);
    this.pendingBlank = -1;
    at.findFirstNonspace();

    // The line's text (cmark `add_text_to_container`). A footnote definition opens a block where it stands (`openBlocks`),
    // so a line that starts one is no lazy line: `> a⏎[^n]: b` ends the quote (re-review 8i).
    if (!this.opened && lazyTip && !allMatched && !at.blank) {
      // A lazy continuation line: the containers it did not match stay open.
      this.leaf[i] = tip;
      this.quoted[i] = this.tipQuoted;
      this.contentAt[i] = at.firstNonspace - start;
      return;
    }
    if (!this.opened) {
      this.closeTo(matched);
      if (!paragraphGoesOn) this.tip = Leaf.Blank;
    }
    const q = this.quotes > 0 ? 1 : 0;
    this.quoted[i] = q;
    this.contentAt[i] = at.firstNonspace - start;
    if (newLeaf === Leaf.Deep) {
      this.tip = Leaf.Deep;
      this.tipQuoted = q;
      this.deepAfterBlank = false;
      this.leaf[i] = Leaf.Deep;
      return;
    }
    if (newLeaf !== Leaf.Blank || !at.blank) {
      this.innerEmpty = false;
      this.emptiedFrom = -1;
    }
    if (newLeaf === Leaf.Html) {
      this.leaf[i] = Leaf.Html;
      this.htmlBlock[i] = this.html;
      // The end condition holds on the opening line too, from its `<` (`<!-- a -->` is a whole block).
      this.tip = this.html <= 5 && this.htmlEnds.ends(at.firstNonspace, end, this.html) ? Leaf.Blank : Leaf.Html;
    } else if (newLeaf !== Leaf.Blank) {
      this.leaf[i] = newLeaf;
      this.tip = newLeaf === Leaf.Heading ? Leaf.Blank : newLeaf;
    } else if (at.blank) {
      this.leaf[i] = Leaf.Blank;
      this.tip = Leaf.Blank;
    } else {
      this.leaf[i] = Leaf.Paragraph;
      if (!paragraphGoesOn || this.opened) {
        this.paragraphStart[i] = 1;
        this.tip = Leaf.Paragraph;
        this.tipQuoted = q;
        this.itemParagraph = this.itemFresh ? i : -1;
        this.table = false;
        this.tableSure = false;
        this.footnote = this.footnoteStart && this.footnoteParagraph;
        // A definition whose first line holds another block (`[^a]: <dl>`) or nothing leaves no paragraph open: the
        // next line starts a block of its own, outside it unless indented four columns.
        if (this.footnoteStart && !this.footnoteParagraph) this.tip = Leaf.Blank;
        // Right after an HTML block in the same item: maybe no `<p>` between (decided in `result`).
        const depth = this.depth;
        if (i > 0 && depth > 0 && this.kind[depth - 1] === ITEM && this.leaf[i - 1] === Leaf.Html && this.containerEpoch[i - 1] === this.epoch) this.runOnCandidates.push(i, this.listOf[depth - 1] ?? 0);
      } else if (!inTable && !footnoteLazy && at.indent < 4 && isTableDelimiterRow(this.text, at.firstNonspace, end)) {
        // Not when indented four columns (cmark-gfm `try_opening_table_block`: `!indented`). The header row's cell
        // count is not compared (cmark-gfm requires it to match): a paragraph read as a
        // table only turns more of the lines after it into code, the hiding side.
        this.table = true;
        this.tableSure = i > 0 && this.paragraphStart[i - 1] === 1 && cellCount(this.text, this.starts[i - 1]! + this.contentAt[i - 1]!, this.starts[i]! - 1) === cellCount(this.text, at.firstNonspace, end);
        this.tableRow[i] = TableRow.Delimiter;
        if (i > 0) this.tableRow[i - 1] = TableRow.Header;
      } else if (inTable && !this.opened) this.tableRow[i] = TableRow.Body;
    }
    // The line added a block to the innermost container (the blank branch above adds none).
    if (newLeaf !== Leaf.Blank || !at.blank) this.itemFresh = false;
  }

  /** A line of the open fenced code, HTML block, indented code or unread depths, when it takes the line; else false. */
  continueLeaf(i: number): boolean {
    const at = this.at;
    const { text, start, end } = this;
    const tip = this.tip;
    const q = this.quotes > 0 ? 1 : 0;
    if (tip === Leaf.Fence) {
      this.leaf[i] = Leaf.Fence;
      this.quoted[i] = q;
      this.contentAt[i] = at.offset - start;
      if (at.indent <= 3 && closesFence(text, at.firstNonspace, end, this.fenceChar, this.fenceLength)) this.tip = Leaf.Blank;
      return true;
    }
    if (tip === Leaf.Html) {
      // Types 6 and 7 end before a blank line; types 1–5 hold blank lines up to their end condition.
      if (this.html >= 6 && at.blank) return false;
      this.leaf[i] = Leaf.Html;
      this.htmlBlock[i] = this.html;
      this.quoted[i] = q;
      this.contentAt[i] = at.firstNonspace - start;
      if (this.html <= 5 && this.htmlEnds.ends(at.firstNonspace, end, this.html)) this.tip = Leaf.Blank;
      return true;
    }
    if (tip === Leaf.Indented) {
      if (!at.blank && at.indent < 4) return false;
      this.leaf[i] = at.blank ? Leaf.Blank : Leaf.Indented;
      this.quoted[i] = q;
      this.contentAt[i] = at.firstNonspace - start;
      return true;
    }
    // Unread depths: a blank line ends any paragraph down there, so no lazy line may follow it.
    this.deepAfterBlank = at.blank;
    this.leaf[i] = at.blank ? Leaf.Blank : Leaf.Deep;
    this.quoted[i] = q;
    return true;
  }

  /**
   * The containers and the leaf the line opens (cmark `open_new_blocks`):
   * returns the leaf (`Leaf.Blank` for none, `Leaf.Deep` when a container
   * would nest deeper than `MAX_DEPTH`).
   */
  openBlocks(matched: number, paragraphGoesOn: boolean, lazyTip: boolean): Leaf {
    const at = this.at;
    const { text, start, end } = this;
    let inParagraph = paragraphGoesOn;
    let maybeLazy = lazyTip;
    for (;;) {
      at.findFirstNonspace();
      if (at.indent >= 4) {
        // Indented code cannot interrupt a paragraph, nor start on a lazy line.
        if (maybeLazy || at.blank) return Leaf.Blank;
        this.open(matched);
        at.advanceColumns(4);
        return Leaf.Indented;
      }
      const fns = at.firstNonspace;
      const c = fns < end ? text.charCodeAt(fns) : -1;
      if (c === 62) {
        this.open(matched);
        if (!this.push(QUOTE, 0)) return Leaf.Deep;
        at.advanceChars(fns + 1 - at.offset);
        if (at.isSpaceOrTab(at.offset)) at.advanceColumns(1);
      } else if (c === 35 && isAtxStart(text, fns, end)) {
        this.open(matched);
        return Leaf.Heading;
      } else if ((c === 96 || c === 126) && isFenceOpen(text, fns, end, c)) {
        this.open(matched);
        this.fenceChar = c;
        let k = fns;
        while (k < end && text.charCodeAt(k) === c) k++;
        this.fenceLength = k - fns;
        this.fenceIndent = text.slice(start, fns).replace(/[^\t]/g, ' ');
        // The whole info string, its first word too: that word becomes a class attribute (`language-…`) that picks
        // the highlighting and is never shown as text (re-review 8d).
        if (k < end) this.fenceInfo.push(k, end);
        return Leaf.Fence;
      } else if (c === 60 && (this.html = htmlBlockStart(text, fns, end, inParagraph)) !== 0) {
        // Type 7 interrupts no paragraph (CommonMark §4.6), but cmark-gfm 0.29 (GitHub's renderer) checks that against
        // the last matched container, not the paragraph, so it does start on a lazy line (`- a⏎</pre>`), closing
        // the item or quote. That reading is taken: the block's raw HTML can hide what the lazy reading shows
        // (`- a⏎</pre>⏎<img⏎/agent y⏎>`, re-review 8).
        this.open(matched);
        return Leaf.Html;
      } else if (c === 91 && isFootnoteStart(text, fns, end)) {
        // A footnote definition starts wherever a block may, interrupting a paragraph and ending a lazy line's
        // containers (cmark-gfm 0.29 `open_new_blocks`: `- > a⏎[^f]: b` closes the item and quote; re-review 8j). Its
        // content is read as a paragraph here (see `footnote`).
        this.open(matched);
        this.footnoteStart = true;
        let k = text.indexOf(']', fns + 2) + 2;
        while (k < end && isSpaceOrTab(text.charCodeAt(k))) k++;
        this.footnoteParagraph = footnoteParagraph(text, k, end);
        return Leaf.Blank;
      } else if (inParagraph && (c === 61 || c === 45) && isSetextUnderline(text, fns, end, c)) {
        // The paragraph becomes a heading and this line is its underline: a thematic break never is one here.
        return Leaf.Heading;
      } else if ((c === 45 || c === 42 || c === 95) && this.breakKill <= fns && this.isThematicBreak(fns, c)) {
        this.open(matched);
        return Leaf.Heading;
      } else {
        const marker = c === 45 || c === 42 || c === 43 || (c >= 48 && c <= 57) ? listMarker(text, fns, end, inParagraph) : 0;
        if (marker === 0) return Leaf.Blank;
        this.open(matched);
        if (!this.pushItem(fns, marker)) return Leaf.Deep;
      }
      inParagraph = false;
      maybeLazy = false;
    }
  }

  /** Opens the list item whose marker (`marker` characters) is at `fns`, moving past its padding (§5.2). */
  pushItem(fns: number, marker: number): boolean {
    const at = this.at;
    const markerOffset = at.indent;
    at.advanceChars(fns + marker - at.offset);
    // The padding: the one to four columns after the marker, or one when five or more or nothing follow.
    const saveOffset = at.offset;
    const saveColumn = at.column;
    const savePartial = at.partial;
    while (at.column - saveColumn <= 5 && at.isSpaceOrTab(at.offset)) at.advanceColumns(1);
    const spaces = at.column - saveColumn;
    const nothingAfter = at.offset >= this.end;
    let padding = marker + spaces;
    if (spaces >= 5 || spaces < 1 || nothingAfter) {
      padding = marker + 1;
      at.offset = saveOffset;
      at.column = saveColumn;
      at.partial = savePartial;
      if (spaces > 0) at.advanceColumns(1);
    }
    const depth = this.depth;
    if (!this.push(ITEM, markerOffset + padding)) return false;
    this.innerEmpty = nothingAfter;
    // The next item of the list whose item this line closed, or a new list (cmark `lists_match`: the same bullet or
    // delimiter). After a blank line in the item before, the list is loose.
    const sign = this.text.charCodeAt(fns + marker - 1);
    if (this.closedItem === depth && this.closedMarker === sign) {
      this.listOf[depth] = this.closedList;
      if (this.pendingBlank === depth + 1) this.looseLists.add(this.closedList);
    } else this.listOf[depth] = ++this.lists;
    this.markerOf[depth] = sign;
    return true;
  }

  /**
   * §4.1: three or more `c` (`-`, `*`, `_`), with only spaces and tabs
   * between and after. A failed scan remembers where it stopped: no break
   * starts before that on this line (`- - - … a` is read once, not once per
   * nested item).
   */
  isThematicBreak(from: number, c: number): boolean {
    const { text, end } = this;
    let count = 0;
    for (let k = from; k < end; k++) {
      const code = text.charCodeAt(k);
      if (code === c) count++;
      else if (code !== 32 && code !== 9) {
        this.breakKill = k;
        return false;
      }
    }
    if (count >= 3) return true;
    this.breakKill = end;
    return false;
  }

  result(): BlockScan {
    const { leaf, htmlBlock, quoted, paragraphStart, tableRow, contentAt, prefixAt, prefixColumn, containerEpoch } = this;
    const openFence: Fence | null =
      this.tip === Leaf.Fence && this.quotes === 0
        ? { char: this.fenceChar === 96 ? '`' : '~', length: this.fenceLength, ...(this.fenceIndent === '' ? {} : { indent: this.fenceIndent }) }
        : null;
    const runOnParagraph = new Uint8Array(leaf.length);
    const candidates = this.runOnCandidates;
    for (let c = 0; c < candidates.length; c += 2) if (!this.looseLists.has(candidates[c + 1] ?? 0)) runOnParagraph[candidates[c] ?? 0] = 1;
    return { leaf, htmlBlock, quoted, paragraphStart, tableRow, contentAt, prefixAt, prefixColumn, containerEpoch, runOnParagraph, openFence, fenceInfo: this.fenceInfo.toArray() };
  }
}
