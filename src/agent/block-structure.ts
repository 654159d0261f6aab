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
import { endsHtmlBlock, htmlBlockStart } from './html-blocks.js';

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
  /** One entry per line: the offset (UTF-16 units) where the line's content starts after its container prefixes. */
  contentAt: Int32Array;
  /** The fenced code block open after the last line, outside any block quote, or null. */
  openFence: Fence | null;
}

const QUOTE = 1;
const ITEM = 2;

/** The cursor in one line, with tab columns counted as cmark counts them (§2.2, tab stops of 4). */
class LineCursor {
  line = '';
  offset = 0;
  column = 0;
  /** Whether the tab at `offset` is partly consumed (a container took some of its columns). */
  partial = false;
  firstNonspace = 0;
  firstNonspaceColumn = 0;
  /** Columns from the cursor to the first non-space character. */
  indent = 0;
  blank = false;

  reset(line: string): void {
    this.line = line;
    this.offset = 0;
    this.column = 0;
    this.partial = false;
    this.firstNonspace = -1;
    this.firstNonspaceColumn = 0;
  }

  /** cmark's `S_find_first_nonspace`, cached: the whitespace is scanned again only after the cursor passes it. */
  findFirstNonspace(): void {
    const line = this.line;
    if (this.firstNonspace <= this.offset) {
      let k = this.offset;
      let column = this.column;
      let toTab = 4 - (column % 4);
      for (; k < line.length; k++) {
        const code = line.charCodeAt(k);
        if (code === 32) {
          column++;
          toTab = toTab === 1 ? 4 : toTab - 1;
        } else if (code === 9) {
          column += toTab;
          toTab = 4;
        } else break;
      }
      this.firstNonspace = k;
      this.firstNonspaceColumn = column;
    }
    this.indent = this.firstNonspaceColumn - this.column;
    this.blank = this.firstNonspace >= this.line.length;
  }

  /** cmark's `S_advance_offset` by `count` columns (tabs may be partly consumed). */
  advanceColumns(count: number): void {
    const line = this.line;
    while (count > 0 && this.offset < line.length) {
      if (line.charCodeAt(this.offset) === 9) {
        const toTab = 4 - (this.column % 4);
        this.partial = toTab > count;
        const step = Math.min(count, toTab);
        this.column += step;
        if (!this.partial) this.offset++;
        count -= step;
      } else {
        this.partial = false;
        this.offset++;
        this.column++;
        count--;
      }
    }
  }

  /** cmark's `S_advance_offset` by `count` characters (a tab counts its full width). */
  advanceChars(count: number): void {
    const line = this.line;
    for (; count > 0 && this.offset < line.length; count--) {
      this.column += line.charCodeAt(this.offset) === 9 ? 4 - (this.column % 4) : 1;
      this.partial = false;
      this.offset++;
    }
  }

  /** Moves to the first non-space character. */
  toFirstNonspace(): void {
    this.findFirstNonspace();
    this.advanceChars(this.firstNonspace - this.offset);
  }

  isSpaceOrTab(at: number): boolean {
    const code = this.line.charCodeAt(at);
    return code === 32 || code === 9;
  }
}

/**
 * Reads `lines` (a comment split on `\n`) into their blocks. See the
 * module comment for the rules and the depth limit; linear in the text.
 */
export function scanBlocks(lines: readonly string[]): BlockScan {
  const n = lines.length;
  const leaf = new Uint8Array(n);
  const htmlBlock = new Uint8Array(n);
  const quoted = new Uint8Array(n);
  const paragraphStart = new Uint8Array(n);
  const contentAt = new Int32Array(n);

  // The container stack: its kinds, and for list items the columns their content is indented by (marker offset +
  // padding, from where the parent container's prefix ends on each line).
  const kind = new Uint8Array(MAX_DEPTH);
  const width = new Int32Array(MAX_DEPTH);
  let depth = 0;
  let quotes = 0;
  // Whether the innermost container is a list item with no content yet (nothing after its marker): a blank line
  // then ends it (§5.2, "a list item can begin with at most one blank line").
  let innerEmpty = false;
  // The open leaf block at the tip, with its fence or HTML type; whether that leaf is in a quote.
  let tip: Leaf = Leaf.Blank;
  let tipQuoted = 0;
  let fenceChar = 0;
  let fenceLength = 0;
  let fenceIndent = '';
  let html = 0;
  const at = new LineCursor();

  /** Ends the containers from `level` on. */
  const closeTo = (level: number): void => {
    if (level >= depth) return;
    for (let d = depth - 1; d >= level; d--) if (kind[d] === QUOTE) quotes--;
    innerEmpty = false;
    depth = level;
  };
  /** Opens a container inside the innermost one; false when that would nest deeper than `MAX_DEPTH`. */
  const push = (containerKind: number, columns: number): boolean => {
    if (depth >= MAX_DEPTH) return false;
    kind[depth] = containerKind;
    width[depth] = columns;
    depth++;
    if (containerKind === QUOTE) quotes++;
    innerEmpty = false;
    return true;
  };

  for (let i = 0; i < n; i++) {
    const line = lines[i] ?? '';
    at.reset(line);

    // 1. Which open containers the line continues (cmark `check_open_blocks`).
    let matched = 0;
    for (; matched < depth; matched++) {
      at.findFirstNonspace();
      if (kind[matched] === QUOTE) {
        if (at.indent > 3 || line.charCodeAt(at.firstNonspace) !== 62) break;
        at.advanceChars(at.firstNonspace + 1 - at.offset);
        if (at.isSpaceOrTab(at.offset)) at.advanceColumns(1);
      } else if (at.indent >= (width[matched] ?? 0)) {
        at.advanceColumns(width[matched] ?? 0);
      } else if (at.blank && !(matched === depth - 1 && innerEmpty)) {
        at.toFirstNonspace();
      } else break;
    }
    const allMatched = matched === depth;
    at.findFirstNonspace();
    const inQuote = (): number => (quotes > 0 ? 1 : 0);

    // 2. The open leaf, when every container matched: code and HTML blocks (and unread depths) take the line whole.
    if (allMatched && tip !== Leaf.Blank && tip !== Leaf.Paragraph) {
      if (tip === Leaf.Fence) {
        leaf[i] = Leaf.Fence;
        quoted[i] = inQuote();
        contentAt[i] = at.offset;
        if (at.indent <= 3 && closesFence(line, at.firstNonspace, fenceChar, fenceLength)) tip = Leaf.Blank;
        continue;
      }
      if (tip === Leaf.Html && (html <= 5 || !at.blank)) {
        leaf[i] = Leaf.Html;
        htmlBlock[i] = html;
        quoted[i] = inQuote();
        contentAt[i] = at.firstNonspace;
        if (html <= 5 && endsHtmlBlock(line, at.firstNonspace, html)) tip = Leaf.Blank;
        continue;
      }
      if (tip === Leaf.Indented && (at.blank || at.indent >= 4)) {
        leaf[i] = at.blank ? Leaf.Blank : Leaf.Indented;
        quoted[i] = inQuote();
        contentAt[i] = at.firstNonspace;
        continue;
      }
      if (tip === Leaf.Deep) {
        leaf[i] = Leaf.Deep;
        quoted[i] = inQuote();
        continue;
      }
    }
    // A paragraph goes on at a non-blank line that matched every container. One that matched fewer may still
    // continue it lazily, if it opens no block; unread depths are given the same laziness, erring towards unread.
    const lazyTip = tip === Leaf.Paragraph || tip === Leaf.Deep;
    const paragraphGoesOn = allMatched && tip === Leaf.Paragraph && !at.blank;

    // 3. New containers and leaves (cmark \`open_new_blocks\`).
    let opened = false;
    let overflow = false;
    let newLeaf: Leaf = Leaf.Blank;
    let inParagraph = paragraphGoesOn;
    let maybeLazy = lazyTip;
    const open = (): void => {
      if (opened) return;
      opened = true;
      closeTo(matched);
      tip = Leaf.Blank;
    };
    for (;;) {
      at.findFirstNonspace();
      if (at.indent >= 4) {
        // Indented code cannot interrupt a paragraph, nor start on a lazy line.
        if (!maybeLazy && !at.blank) {
          open();
          newLeaf = Leaf.Indented;
          at.advanceColumns(4);
        }
        break;
      }
      const fns = at.firstNonspace;
      const c = line.charCodeAt(fns);
      if (c === 62) {
        open();
        if (!push(QUOTE, 0)) {
          overflow = true;
          break;
        }
        at.advanceChars(fns + 1 - at.offset);
        if (at.isSpaceOrTab(at.offset)) at.advanceColumns(1);
      } else if (c === 35 && isAtxStart(line, fns)) {
        open();
        newLeaf = Leaf.Heading;
        break;
      } else if ((c === 96 || c === 126) && isFenceOpen(line, fns, c)) {
        open();
        newLeaf = Leaf.Fence;
        fenceChar = c;
        let k = fns;
        while (line.charCodeAt(k) === c) k++;
        fenceLength = k - fns;
        fenceIndent = line.slice(0, fns).replace(/[^\t]/g, ' ');
        break;
      } else if (c === 60 && (html = htmlBlockStart(line, fns, inParagraph)) !== 0) {
        open();
        newLeaf = Leaf.Html;
        break;
      } else if (inParagraph && (c === 61 || c === 45) && isSetextUnderline(line, fns, c)) {
        // The paragraph becomes a heading and this line is its underline: a thematic break never is one here.
        newLeaf = Leaf.Heading;
        break;
      } else if ((c === 45 || c === 42 || c === 95) && isThematicBreak(line, fns, c)) {
        open();
        newLeaf = Leaf.Heading;
        break;
      } else {
        const marker = c === 45 || c === 42 || c === 43 || (c >= 48 && c <= 57) ? listMarker(line, fns, inParagraph) : 0;
        if (marker === 0) break;
        open();
        const markerOffset = at.indent;
        at.advanceChars(fns + marker - at.offset);
        // The padding: the one to four columns after the marker, or one when five or more or nothing follow (§5.2).
        const saveOffset = at.offset;
        const saveColumn = at.column;
        const savePartial = at.partial;
        while (at.column - saveColumn <= 5 && at.isSpaceOrTab(at.offset)) at.advanceColumns(1);
        const spaces = at.column - saveColumn;
        const nothingAfter = at.offset >= line.length;
        let padding = marker + spaces;
        if (spaces >= 5 || spaces < 1 || nothingAfter) {
          padding = marker + 1;
          at.offset = saveOffset;
          at.column = saveColumn;
          at.partial = savePartial;
          if (spaces > 0) at.advanceColumns(1);
        }
        if (!push(ITEM, markerOffset + padding)) {
          overflow = true;
          break;
        }
        innerEmpty = nothingAfter;
      }
      inParagraph = false;
      maybeLazy = false;
    }
    at.findFirstNonspace();

    // 4. The line's text (cmark \`add_text_to_container\`).
    if (!opened && lazyTip && !allMatched && !at.blank) {
      // A lazy continuation line: the containers it did not match stay open.
      leaf[i] = tip;
      quoted[i] = tipQuoted;
      contentAt[i] = at.firstNonspace;
      continue;
    }
    if (!opened) {
      closeTo(matched);
      if (!paragraphGoesOn) tip = Leaf.Blank;
    }
    const q = inQuote();
    quoted[i] = q;
    contentAt[i] = at.firstNonspace;
    if (overflow) {
      tip = Leaf.Deep;
      tipQuoted = q;
      leaf[i] = Leaf.Deep;
      continue;
    }
    if (newLeaf !== Leaf.Blank || !at.blank) innerEmpty = false;
    if (newLeaf === Leaf.Html) {
      leaf[i] = Leaf.Html;
      htmlBlock[i] = html;
      // The end condition holds on the opening line too, from its \`<\` (\`<!-- a -->\` is a whole block).
      tip = html <= 5 && endsHtmlBlock(line, at.firstNonspace, html) ? Leaf.Blank : Leaf.Html;
    } else if (newLeaf !== Leaf.Blank) {
      leaf[i] = newLeaf;
      tip = newLeaf === Leaf.Heading ? Leaf.Blank : newLeaf;
    } else if (at.blank) {
      leaf[i] = Leaf.Blank;
      tip = Leaf.Blank;
    } else {
      leaf[i] = Leaf.Paragraph;
      if (!paragraphGoesOn || opened) {
        paragraphStart[i] = 1;
        tip = Leaf.Paragraph;
        tipQuoted = q;
      }
    }
  }
  const openFence: Fence | null = tip === Leaf.Fence && quotes === 0 ? { char: fenceChar === 96 ? '`' : '~', length: fenceLength, ...(fenceIndent === '' ? {} : { indent: fenceIndent }) } : null;
  return { leaf, htmlBlock, quoted, paragraphStart, contentAt, openFence };
}

/** §4.2: one to six \`#\`, then a space, a tab or the line's end. */
function isAtxStart(line: string, at: number): boolean {
  let k = at;
  while (k < line.length && line.charCodeAt(k) === 35) k++;
  if (k - at > 6) return false;
  return k >= line.length || line.charCodeAt(k) === 32 || line.charCodeAt(k) === 9;
}

/** §4.5: three or more \`c\`; a backtick fence's info string holds no backtick. */
function isFenceOpen(line: string, at: number, c: number): boolean {
  let k = at;
  while (k < line.length && line.charCodeAt(k) === c) k++;
  return k - at >= 3 && !(c === 96 && line.includes('`', k));
}

/** §4.5: at least \`length\` of the fence character, then only spaces and tabs. */
function closesFence(line: string, at: number, c: number, length: number): boolean {
  let k = at;
  while (k < line.length && line.charCodeAt(k) === c) k++;
  if (k - at < length) return false;
  for (; k < line.length; k++) if (line.charCodeAt(k) !== 32 && line.charCodeAt(k) !== 9) return false;
  return true;
}

/** §4.3: \`=\` or \`-\` repeated, then only spaces and tabs. */
function isSetextUnderline(line: string, at: number, c: number): boolean {
  let k = at;
  while (k < line.length && line.charCodeAt(k) === c) k++;
  for (; k < line.length; k++) if (line.charCodeAt(k) !== 32 && line.charCodeAt(k) !== 9) return false;
  return true;
}

/** §4.1: three or more \`c\` (\`-\`, \`*\`, \`_\`), with only spaces and tabs between and after. */
function isThematicBreak(line: string, at: number, c: number): boolean {
  let count = 0;
  for (let k = at; k < line.length; k++) {
    const code = line.charCodeAt(k);
    if (code === c) count++;
    else if (code !== 32 && code !== 9) return false;
  }
  return count >= 3;
}

/**
 * §5.2 (cmark \`parse_list_marker\`): the length of the list item marker at
 * \`at\` (\`-\`, \`+\`, \`*\`, or one to nine digits and \`.\`/\`)\`), followed by
 * a space, a tab or the line's end; 0 when there is none. One that would
 * interrupt a paragraph needs text after it, and an ordered one must start
 * at 1.
 */
function listMarker(line: string, at: number, interruptsParagraph: boolean): number {
  let k = at;
  const c = line.charCodeAt(k);
  if (c === 45 || c === 42 || c === 43) k++;
  else {
    while (k < line.length && k - at < 9 && line.charCodeAt(k) >= 48 && line.charCodeAt(k) <= 57) k++;
    if (k === at || (interruptsParagraph && Number(line.slice(at, k)) !== 1)) return 0;
    const delimiter = line.charCodeAt(k);
    if (delimiter !== 46 && delimiter !== 41) return 0;
    k++;
  }
  if (k < line.length && line.charCodeAt(k) !== 32 && line.charCodeAt(k) !== 9) return 0;
  if (interruptsParagraph) {
    let e = k;
    while (e < line.length && (line.charCodeAt(e) === 32 || line.charCodeAt(e) === 9)) e++;
    if (e >= line.length) return 0;
  }
  return k - at;
}
