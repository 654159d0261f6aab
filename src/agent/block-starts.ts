/**
 * The line-level pieces of block-structure.ts: a cursor that counts tab
 * columns as cmark does, and the tests for what starts or closes a block
 * at a position of a line (CommonMark 0.31 §4.1–§4.5, §5.2, as cmark-gfm
 * 0.29's `blocks.c` and `scanners.re` apply them). Each reads the line from
 * the position once.
 */

/** The cursor in one line, with tab columns counted as cmark counts them (§2.2, tab stops of 4). */
export class LineCursor {
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

/** §4.2: one to six `#`, then a space, a tab or the line's end. */
export function isAtxStart(line: string, at: number): boolean {
  let k = at;
  while (k < line.length && line.charCodeAt(k) === 35) k++;
  if (k - at > 6) return false;
  return k >= line.length || line.charCodeAt(k) === 32 || line.charCodeAt(k) === 9;
}

/** §4.5: three or more `c`; a backtick fence's info string holds no backtick. */
export function isFenceOpen(line: string, at: number, c: number): boolean {
  let k = at;
  while (k < line.length && line.charCodeAt(k) === c) k++;
  return k - at >= 3 && !(c === 96 && line.includes('`', k));
}

/** §4.5: at least `length` of the fence character, then only spaces and tabs. */
export function closesFence(line: string, at: number, c: number, length: number): boolean {
  let k = at;
  while (k < line.length && line.charCodeAt(k) === c) k++;
  if (k - at < length) return false;
  for (; k < line.length; k++) if (line.charCodeAt(k) !== 32 && line.charCodeAt(k) !== 9) return false;
  return true;
}

/** §4.3: `=` or `-` repeated, then only spaces and tabs. */
export function isSetextUnderline(line: string, at: number, c: number): boolean {
  let k = at;
  while (k < line.length && line.charCodeAt(k) === c) k++;
  for (; k < line.length; k++) if (line.charCodeAt(k) !== 32 && line.charCodeAt(k) !== 9) return false;
  return true;
}

/**
 * §5.2 (cmark `parse_list_marker`): the length of the list item marker at
 * `at` (`-`, `+`, `*`, or one to nine digits and `.`/`)`), followed by
 * a space, a tab or the line's end; 0 when there is none. One that would
 * interrupt a paragraph needs text after it, and an ordered one must start
 * at 1.
 */
export function listMarker(line: string, at: number, interruptsParagraph: boolean): number {
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
