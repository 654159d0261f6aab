/**
 * The line-level pieces of block-structure.ts: a cursor that counts tab
 * columns as cmark does, and the tests for what starts or closes a block
 * at a position of a line (CommonMark 0.31 §4.1–§4.5, §5.2, as cmark-gfm
 * 0.29's `blocks.c` and `scanners.re` apply them). Each reads the line from
 * the position once. A line is `text` from its start up to `end` (its `\n`
 * or the end of the text), and positions are offsets in `text`: lines are
 * never copied out of the text (a string per line was the largest cost of
 * a megabyte of short lines, re-review 8, "Speed").
 */

/** The cursor in one line, with tab columns counted as cmark counts them (§2.2, tab stops of 4). */
export class LineCursor {
  text = '';
  /** Where the line ends: its `\n`, or the end of the text. */
  end = 0;
  offset = 0;
  column = 0;
  /** Whether the tab at `offset` is partly consumed (a container took some of its columns). */
  partial = false;
  firstNonspace = 0;
  firstNonspaceColumn = 0;
  /** Columns from the cursor to the first non-space character. */
  indent = 0;
  blank = false;

  /** Starts the line [start, end) of `text`. */
  reset(text: string, start: number, end: number): void {
    this.text = text;
    this.end = end;
    this.offset = start;
    this.column = 0;
    this.partial = false;
    this.firstNonspace = -1;
    this.firstNonspaceColumn = 0;
  }

  /** cmark's `S_find_first_nonspace`, cached: the whitespace is scanned again only after the cursor passes it. */
  findFirstNonspace(): void {
    const text = this.text;
    const end = this.end;
    if (this.firstNonspace <= this.offset) {
      let k = this.offset;
      let column = this.column;
      let toTab = 4 - (column % 4);
      for (; k < end; k++) {
        const code = text.charCodeAt(k);
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
    this.blank = this.firstNonspace >= end;
  }

  /** cmark's `S_advance_offset` by `count` columns (tabs may be partly consumed). */
  advanceColumns(count: number): void {
    const text = this.text;
    while (count > 0 && this.offset < this.end) {
      if (text.charCodeAt(this.offset) === 9) {
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
    const text = this.text;
    for (; count > 0 && this.offset < this.end; count--) {
      this.column += text.charCodeAt(this.offset) === 9 ? 4 - (this.column % 4) : 1;
      this.partial = false;
      this.offset++;
    }
  }

  /** Moves to the first non-space character. */
  toFirstNonspace(): void {
    this.findFirstNonspace();
    this.advanceChars(this.firstNonspace - this.offset);
  }

  /** Whether the line has a space or a tab at `at` (never past its end). */
  isSpaceOrTab(at: number): boolean {
    if (at >= this.end) return false;
    return isSpaceOrTab(this.text.charCodeAt(at));
  }
}

/** A space or a tab: CommonMark's whitespace for indentation and markers (§2.1, §4). */
export const isSpaceOrTab = (code: number): boolean => code === 32 || code === 9;

/** §4.2: one to six `#`, then a space, a tab or the line's end. */
export function isAtxStart(text: string, at: number, end: number): boolean {
  let k = at;
  while (k < end && text.charCodeAt(k) === 35) k++;
  if (k - at > 6) return false;
  return k >= end || isSpaceOrTab(text.charCodeAt(k));
}

/** §4.5: three or more `c`; a backtick fence's info string holds no backtick. */
export function isFenceOpen(text: string, at: number, end: number, c: number): boolean {
  let k = at;
  while (k < end && text.charCodeAt(k) === c) k++;
  if (k - at < 3) return false;
  // Read up to the line's end only: a search of the text for the next backtick would be quadratic over many fences.
  if (c === 96) for (; k < end; k++) if (text.charCodeAt(k) === 96) return false;
  return true;
}

/** §4.5: at least `length` of the fence character, then only spaces and tabs. */
export function closesFence(text: string, at: number, end: number, c: number, length: number): boolean {
  let k = at;
  while (k < end && text.charCodeAt(k) === c) k++;
  if (k - at < length) return false;
  for (; k < end; k++) if (!isSpaceOrTab(text.charCodeAt(k))) return false;
  return true;
}

/** §4.3: `=` or `-` repeated, then only spaces and tabs. */
export function isSetextUnderline(text: string, at: number, end: number, c: number): boolean {
  let k = at;
  while (k < end && text.charCodeAt(k) === c) k++;
  for (; k < end; k++) if (!isSpaceOrTab(text.charCodeAt(k))) return false;
  return true;
}

/**
 * §5.2 (cmark `parse_list_marker`): the length of the list item marker at
 * `at` (`-`, `+`, `*`, or one to nine digits and `.`/`)`), followed by
 * a space, a tab or the line's end; 0 when there is none. One that would
 * interrupt a paragraph needs text after it, and an ordered one must start
 * at 1.
 */
export function listMarker(text: string, at: number, end: number, interruptsParagraph: boolean): number {
  let k = at;
  const c = text.charCodeAt(k);
  if (c === 45 || c === 42 || c === 43) k++;
  else {
    while (k < end && k - at < 9 && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
    if (k === at || (interruptsParagraph && Number(text.slice(at, k)) !== 1)) return 0;
    const delimiter = k < end ? text.charCodeAt(k) : -1;
    if (delimiter !== 46 && delimiter !== 41) return 0;
    k++;
  }
  if (k < end && !isSpaceOrTab(text.charCodeAt(k))) return 0;
  if (interruptsParagraph) {
    let e = k;
    while (e < end && isSpaceOrTab(text.charCodeAt(e))) e++;
    if (e >= end) return 0;
  }
  return k - at;
}

/**
 * Whether the line content at `from` (up to `end`, its newline) starts a
 * footnote definition: up to three spaces, `[^`, a label without `]`, `]:`.
 * Reads the line at most once.
 */
export function startsFootnoteDefinition(text: string, from: number, end: number): boolean {
  let k = from;
  while (k - from < 3 && text.charCodeAt(k) === 32) k++;
  if (text.charCodeAt(k) !== 91 || text.charCodeAt(k + 1) !== 94) return false;
  // Within the line only: a search for `]` past it made a text of unclosed `[^a` lines quadratic.
  let close = k + 2;
  while (close < end && text.charCodeAt(close) !== 93) close++;
  return close < end && close > k + 2 && text.charCodeAt(close + 1) === 58;
}

/**
 * Whether a footnote definition starts at `at` (cmark-gfm 0.29
 * `scanners.re` `footnote_definition`): `[^`, a label of one or more
 * characters that are no `]`, space, tab or `\r` (a NUL counts: cmark reads
 * it as U+FFFD), then `]:`. Reads the line at most once. Stricter than
 * `startsFootnoteDefinition`, which only hides: a start here closes blocks,
 * and `[^a b]: c` (a link reference definition) goes on a paragraph instead.
 */
export function isFootnoteStart(text: string, at: number, end: number): boolean {
  if (text.charCodeAt(at) !== 91 || text.charCodeAt(at + 1) !== 94) return false;
  let k = at + 2;
  for (; k < end; k++) {
    const code = text.charCodeAt(k);
    if (code === 93 || code === 32 || code === 9 || code === 13) break;
  }
  return k > at + 2 && k < end && text.charCodeAt(k) === 93 && text.charCodeAt(k + 1) === 58 && k + 1 < end;
}
