/**
 * Which lines of HTML blocks GitHub shows at the start of a line.
 *
 * cmark-gfm passes an HTML block (`<div>` up to a blank line) through as
 * written, and the browser lays its text out with `white-space: normal`:
 * a line break there is a space, not a `<br>` (re-review 8h). So
 * `<div>⏎Please do not run this:⏎/agent x` shows "Please do not run this:
 * /agent x", one line. A line of the block starts a shown line only where
 * the browser breaks one, after a `<br>` or a block element's tag, with
 * nothing shown since: no text, no image (re-review 8i).
 *
 * The tags are read in order through every HTML block of the comment (the
 * browser reads all of cmark's output as one document), so `LineStarts`
 * keeps the part of the tree builder's stack of open elements (WHATWG HTML
 * §13.2.6.4.7, "in body") that decides whether an end tag closes anything:
 * `</li>` with no `li` in list item scope, `</div>` with no `div` in scope,
 * `</hr>` (a void element, never open) are dropped by the parser and break
 * no line. Only special elements are kept (`div`, `li`, `table`, …): an
 * inline end tag never pops one ("any other end tag" stops at a special
 * element; the adoption agency moves only formatting elements).
 *
 * Where a reading is unsure it errs towards no request, the side issue 8
 * errs on: an element cmark's own tags may have closed is taken as closed
 * (a later end tag of its name breaks nothing); after a comment, a tag
 * over lines, the start tag of a quote, code, a table or a collapsible box,
 * or an element that may show something (`<img>`, `<input>`, `<q>`), no
 * line starts until the next line-breaking tag (`<div>⏎<!-- c -->⏎/agent x`
 * is missed, though the browser starts a line there); and a raw table lost
 * track of keeps every later line from starting one.
 */

import { isFilteredTagName } from './html-blocks.js';
import { OffsetList } from './range-list.js';

/**
 * Start tags after which the browser starts a line, of those GitHub's
 * sanitizer keeps: `<br>` and block elements (the UA style sheet's
 * `display: block` or `list-item`). The start tags of table parts (text
 * directly in them is moved before the table, onto the line before),
 * `<pre>` (code), `<blockquote>` (quoted) and `<details>`/`<summary>`
 * (maybe collapsed) are left out: what follows them is no shown line start.
 */
const BREAKING_START = new Set(['br', 'p', 'div', 'hr', 'ol', 'ul', 'li', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'figure', 'figcaption']);

/**
 * Elements whose end tag, when it closes an open element, starts a line for
 * what follows: the block elements above, and `details`, `blockquote`,
 * `table` and `pre`, after whose end the text is shown on a line of its
 * own, outside them (`<details>…</details>⏎/agent fix`, the common comment
 * of collapsed logs: re-review 8i).
 */
const BREAKING_END = new Set(['div', 'ol', 'ul', 'li', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'figure', 'figcaption', 'details', 'blockquote', 'table', 'pre']);

/**
 * Elements whose start tag may show something on the line by itself (an
 * image, a control, a quotation mark, embedded content) or hides what
 * follows, so no line starts after it. Any other element not kept below
 * (`<span>`, `<b>`, an unknown name, which GitHub's sanitizer drops while
 * keeping its text) shows nothing: its tags change nothing. Of end tags
 * only `</q>` shows something (the closing quotation mark).
 */
const SHOWING = new Set(['img', 'image', 'input', 'embed', 'video', 'audio', 'iframe', 'canvas', 'svg', 'math', 'select', 'textarea', 'meter', 'progress', 'picture', 'q', 'keygen', 'frame', 'frameset', 'plaintext', 'xmp', 'noembed', 'noframes', 'noscript', 'option', 'optgroup', 'legend', 'datalist']);

/**
 * Block elements whose start tag starts no line here though the browser
 * breaks one: code, a quote, a collapsible box and its summary, a closed
 * dialog and a fieldset (what follows is no shown line start); `</summary>`
 * too (the box's body follows). Other blocks the list above leaves out
 * (`<section>`, `<center>`: GitHub's sanitizer drops their tags, so the
 * browser may never see them) change nothing either way.
 */
const NOT_A_LINE_START = new Set(['pre', 'listing', 'blockquote', 'details', 'summary', 'dialog', 'fieldset']);

/**
 * Special elements whose start tag closes an open `p` and opens them, and
 * whose end tag closes them when one is in scope (WHATWG "in body": the
 * `address, article, …` start and end tag rules; `pre`, `listing`).
 */
const BLOCKS = new Set(['address', 'article', 'aside', 'blockquote', 'center', 'details', 'dialog', 'dir', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'header', 'hgroup', 'main', 'menu', 'nav', 'ol', 'search', 'section', 'summary', 'ul', 'pre', 'listing']);

/** Elements that bound "has an element in scope" (WHATWG §13.2.4.2; `html` is never on this stack). */
const SCOPE_BOUNDARIES = new Set(['applet', 'caption', 'table', 'td', 'th', 'marquee', 'object', 'template']);

/** Other elements kept because they bound a scope: `button` bounds button scope, the rest every scope. */
const SCOPE_STARTS = new Set(['button', 'object', 'marquee', 'applet', 'template']);

const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const CELLS = new Set(['td', 'th', 'caption']);
const TABLE_SECTIONS = new Set(['tr', 'tbody', 'thead', 'tfoot', 'colgroup', 'col']);

/**
 * Every element name the reading keeps or asks about, numbered, with its
 * sets as bit flags: a tag costs one map lookup, and the stacks are found
 * by number, not by string keys (the string keys cost more than the rest of
 * the reading on a megabyte of block tags: perf8a).
 */
const NAMES: readonly string[] = [
  ...new Set([...BREAKING_START, ...BREAKING_END, ...SHOWING, ...NOT_A_LINE_START, ...BLOCKS, ...SCOPE_BOUNDARIES, ...SCOPE_STARTS, ...HEADINGS, ...CELLS, ...TABLE_SECTIONS, 'p', 'li', 'dd', 'dt', 'br', 'hr', 'q']),
];
const IDS: ReadonlyMap<string, number> = new Map(NAMES.map((name, id) => [name, id]));
const idOf = (name: string): number => IDS.get(name) ?? -1;

const F_BREAKING_START = 1;
const F_BREAKING_END = 2;
const F_SHOWING = 4;
const F_NOT_A_LINE_START = 8;
const F_BLOCK = 16;
const F_SCOPE_START = 32;
const F_HEADING = 64;
const F_CELL = 128;
const F_TABLE_SECTION = 256;
const FLAGS: readonly number[] = NAMES.map(
  (name) =>
    (BREAKING_START.has(name) ? F_BREAKING_START : 0) |
    (BREAKING_END.has(name) ? F_BREAKING_END : 0) |
    (SHOWING.has(name) ? F_SHOWING : 0) |
    (NOT_A_LINE_START.has(name) ? F_NOT_A_LINE_START : 0) |
    (BLOCKS.has(name) ? F_BLOCK : 0) |
    (SCOPE_STARTS.has(name) ? F_SCOPE_START : 0) |
    (HEADINGS.has(name) ? F_HEADING : 0) |
    (CELLS.has(name) ? F_CELL : 0) |
    (TABLE_SECTIONS.has(name) ? F_TABLE_SECTION : 0),
);
const flagsOf = (id: number): number => FLAGS[id] ?? 0;

const BR = idOf('br');
const HR = idOf('hr');
const P = idOf('p');
const LI = idOf('li');
const DD = idOf('dd');
const DT = idOf('dt');
const TABLE = idOf('table');
const TEMPLATE = idOf('template');
const BUTTON = idOf('button');
const Q = idOf('q');

/** Category keys beside element ids (an element's own key is its id), each a stack of positions on the stack of open elements. */
const SCOPE = NAMES.length;
const LIST = NAMES.length + 1;
const HEADING = NAMES.length + 2;
const ITEM_WALK = NAMES.length + 3;
const KEY_COUNT = NAMES.length + 4;

/** The keys an element's positions are kept under: its id and its categories. */
function keysOf(name: string): number[] {
  const keys = [idOf(name)];
  if (SCOPE_BOUNDARIES.has(name)) keys.push(SCOPE);
  if (name === 'ol' || name === 'ul') keys.push(LIST);
  if (HEADINGS.has(name)) keys.push(HEADING);
  // The `li`/`dd`/`dt` start tag's walk stops at a special element other than `address`, `div` and `p`.
  if (name !== 'address' && name !== 'div' && name !== 'p') keys.push(ITEM_WALK);
  return keys;
}
const KEYS: readonly (readonly number[])[] = NAMES.map(keysOf);

/**
 * The browser's reading of the tags of HTML blocks, for line starts: the
 * special elements open (with whether each was opened in a line with a
 * container prefix, `> ` or a list item's indentation), and whether the next
 * shown text starts a line. Each tag costs O(1) amortised (every element is
 * pushed and popped once; scope questions read the top of a per-key stack
 * of positions), so a reading is linear in the number of tags.
 */
export class LineStarts {
  /** Whether the next shown text starts a line: the document's start, or a line break with nothing shown since. */
  atLineStart = true;
  /**
   * The open elements, outermost first: each its id (`NAMES`) times two, plus one when it was opened on a line with a
   * container prefix. Typed stacks: unclosed elements pile up, one per block, in adversarial comments (perf8a).
   */
  private readonly open = new OffsetList();
  /**
   * Whether a table may be open that is no longer on the stack (taken as
   * closed where the reading was unsure): text there may be moved before
   * the table, onto an earlier line, so no line starts to the comment's end
   * (its `</table>` would look stray here).
   */
  private tableLost = false;
  /** How many open elements were opened on a line with a container prefix. */
  private containedCount = 0;
  /** Per key (an element id or a category), the positions of its open elements, innermost last. */
  private readonly positions: OffsetList[] = Array.from({ length: KEY_COUNT }, () => new OffsetList());

  /** Shown text (not white space) or something else that may show on the line. */
  shown(): void {
    this.atLineStart = false;
  }

  /**
   * A tag whose name is `text[from, to)` (the tokenizer's: any case), an
   * end tag when `end`; `contained` when it is on a line with a container
   * prefix; `oneLine` false for a tag written over lines, after which no
   * line is taken to start.
   */
  tag(text: string, from: number, to: number, end: boolean, contained: boolean, oneLine: boolean): void {
    if (to - from > 10 || isFilteredTagName(text, from, to)) {
      // GFM's tag filter shows `<textarea>` as text; a long name is no element that matters here.
      this.atLineStart = false;
      return;
    }
    const written = text.slice(from, to);
    // Most names are written in lower case: lower-cased only when not found as written.
    const id = IDS.get(written) ?? IDS.get(written.toLowerCase()) ?? -1;
    // A name not listed is no element kept here, and shows nothing: its tag changes nothing.
    if (id === -1) return;
    const breaks = end ? this.endTag(id) : this.startTag(id, contained);
    if (breaks === true) this.atLineStart = oneLine && !this.tableLost;
    else if (breaks === false) this.atLineStart = false;
  }

  /**
   * A tag read where cmark's own tags ended it (raw-html.ts `Junction`):
   * what the browser made of it is not known, so every element is taken as
   * closed and no line starts.
   */
  lost(): void {
    this.drop(0);
    this.atLineStart = false;
  }

  /**
   * cmark's own tags between two raw HTML parts (raw-html.ts `Junction`):
   * each Markdown block's start tag closes an open `p` (and a heading's an
   * open heading, a GFM table's an open table); a container's end tag
   * (`</li>`, `</blockquote>`) closes what was opened inside it, and when
   * that holds an element that bounds scope, may itself be dropped, so then
   * everything is taken as closed; raw inline HTML between (`inlineTags`)
   * may close anything. What follows starts a line (after the block's end
   * tag), but inside a table, where text is moved before it.
   */
  junction(containers: boolean, inlineTags: boolean, table: boolean): void {
    if (inlineTags || (containers && this.containedCount > 0)) this.drop(0);
    this.closeP();
    if ((flagsOf(this.top()) & F_HEADING) !== 0) this.pop();
    // A GFM table's `<table>` closes an open one (a paragraph is moved before it and closes nothing).
    if (table && this.first(TABLE) !== -1) this.drop(this.first(TABLE));
    this.atLineStart = !this.tableLost && this.last(TABLE) === -1;
  }

  /** true: a line break; false: may show something; null: changes nothing (dropped, or silent). */
  private startTag(id: number, contained: boolean): boolean | null {
    const flags = flagsOf(id);
    if (id === BR) return true;
    if (id === HR) {
      this.closeP();
      return true;
    }
    if (id === P || (flags & F_BLOCK) !== 0) {
      this.closeP();
      this.push(id, contained);
      return (flags & F_BREAKING_START) !== 0 ? true : (flags & F_NOT_A_LINE_START) !== 0 ? false : null;
    }
    if (id === LI || id === DD || id === DT) {
      // Closes the open item of its kind unless a special element other than address, div or p is above it.
      const walk = this.last(ITEM_WALK);
      const open = walk === -1 ? -1 : this.open.at(walk) >> 1;
      const item = id === LI ? open === LI : open === DD || open === DT;
      if (walk !== -1 && item) this.popTo(walk);
      this.closeP();
      this.push(id, contained);
      return true;
    }
    if ((flags & F_HEADING) !== 0) {
      this.closeP();
      if ((flagsOf(this.top()) & F_HEADING) !== 0) this.pop();
      this.push(id, contained);
      return true;
    }
    if (id === TABLE) {
      this.closeP();
      this.push(id, contained);
      return false;
    }
    if ((flags & (F_CELL | F_TABLE_SECTION)) !== 0) {
      // Outside a table the parser drops them; inside, a new row or cell closes the open cell.
      if (this.last(TABLE) === -1) return null;
      this.closeCells();
      if ((flags & F_CELL) !== 0) this.push(id, contained);
      return false;
    }
    if ((flags & F_SCOPE_START) !== 0) {
      if (id === BUTTON && this.inScope(BUTTON, SCOPE)) this.popTo(this.last(BUTTON));
      this.push(id, contained);
      return false;
    }
    return (flags & F_SHOWING) !== 0 ? false : null;
  }

  /** As `startTag`, for an end tag. */
  private endTag(id: number): boolean | null {
    const flags = flagsOf(id);
    if (id === BR) return true;
    if (id === P) {
      // Without an open p the parser makes an empty one: a block all the same.
      this.closeP();
      return true;
    }
    if (id === HR) return null;
    if ((flags & F_TABLE_SECTION) !== 0) {
      if (this.last(TABLE) === -1) return null;
      this.closeCells();
      return false;
    }
    const at = this.closedBy(id, flags);
    // An inline element's end tag shows nothing but a quotation mark.
    if (at === undefined) return id === Q ? false : null;
    // An end tag whose element is not in scope is dropped: it changes nothing.
    if (at === -1) return null;
    this.popTo(at);
    return (flags & F_BREAKING_END) !== 0 ? true : (flags & (F_NOT_A_LINE_START | F_SCOPE_START | F_CELL)) !== 0 ? false : null;
  }

  /**
   * The position of the open element an end tag of element `id` closes
   * (with those above it), -1 when none is in scope, or undefined when `id`
   * is no element kept here.
   */
  private closedBy(id: number, flags: number): number | undefined {
    if (id === LI) return this.inScope(LI, SCOPE, LIST) ? this.last(LI) : -1;
    if ((flags & F_HEADING) !== 0) return this.last(HEADING) !== -1 && this.last(HEADING) >= this.last(SCOPE) ? this.last(HEADING) : -1;
    if (id === TABLE) return this.last(TABLE) > this.last(TEMPLATE) ? this.last(TABLE) : -1;
    if ((flags & F_CELL) !== 0) return this.last(id) > Math.max(this.last(TABLE), this.last(TEMPLATE)) ? this.last(id) : -1;
    if (id === DD || id === DT || (flags & (F_BLOCK | F_SCOPE_START)) !== 0) return this.inScope(id, SCOPE) ? this.last(id) : -1;
    return undefined;
  }

  /** Whether an element of key `key` is open above every element of the `bound` and `other` keys (-1: none). */
  private inScope(key: number, bound: number, other = -1): boolean {
    const at = this.last(key);
    if (at === -1) return false;
    return this.last(bound) <= at && (other === -1 || this.last(other) <= at);
  }

  /** "Close a p element" when one is in button scope. */
  private closeP(): void {
    if (this.inScope(P, SCOPE, BUTTON)) this.popTo(this.last(P));
  }

  /** Closes the cells and captions open inside the innermost table. */
  private closeCells(): void {
    const table = this.last(TABLE);
    while (this.open.length > table + 1 && this.last(SCOPE) > table) this.popTo(this.last(SCOPE));
  }

  /** The innermost open element's id, or -1. */
  private top(): number {
    const top = this.open.last();
    return top === -1 ? -1 : top >> 1;
  }

  /** The position of the topmost open element of key `key`, or -1. */
  private last(key: number): number {
    return this.positions[key]?.last() ?? -1;
  }

  /** The position of the outermost open element of key `key`, or -1. */
  private first(key: number): number {
    return this.positions[key]?.first() ?? -1;
  }

  private push(id: number, contained: boolean): void {
    const at = this.open.length;
    this.open.push(id * 2 + (contained ? 1 : 0));
    if (contained) this.containedCount++;
    for (const key of KEYS[id] ?? []) this.positions[key]?.push(at);
  }

  private pop(): void {
    const entry = this.open.pop();
    if (entry === -1) return;
    if ((entry & 1) === 1) this.containedCount--;
    for (const key of KEYS[entry >> 1] ?? []) this.positions[key]?.pop();
  }

  /** Pops elements until the one at `at` is popped. */
  private popTo(at: number): void {
    while (this.open.length > at) this.pop();
  }

  /**
   * Takes the elements from position `at` on as closed, where the reading is
   * unsure: a table among them may still be open (`tableLost`).
   */
  private drop(at: number): void {
    if (this.last(TABLE) >= at) this.tableLost = true;
    this.popTo(at);
  }
}

/**
 * `offset ↦` whether `offset` is in `sorted` (ascending), asked for
 * non-decreasing offsets: amortised O(1) each.
 */
export function sortedMember(sorted: ArrayLike<number>): (offset: number) => boolean {
  let at = 0;
  return (offset) => {
    while (at < sorted.length && (sorted[at] ?? 0) < offset) at++;
    return sorted[at] === offset;
  };
}
