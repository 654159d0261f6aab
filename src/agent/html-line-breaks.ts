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

/** Category keys beside element names, each a stack of positions on the stack of open elements. */
const SCOPE = '#scope';
const LIST = '#list';
const HEADING = '#h';
const ITEM_WALK = '#walk';

/** The keys an element's positions are kept under: its name and its categories. */
function keysOf(name: string): string[] {
  const keys = [name];
  if (SCOPE_BOUNDARIES.has(name)) keys.push(SCOPE);
  if (name === 'ol' || name === 'ul') keys.push(LIST);
  if (HEADINGS.has(name)) keys.push(HEADING);
  // The `li`/`dd`/`dt` start tag's walk stops at a special element other than `address`, `div` and `p`.
  if (name !== 'address' && name !== 'div' && name !== 'p') keys.push(ITEM_WALK);
  return keys;
}

/**
 * The browser's reading of the tags of HTML blocks, for line starts: the
 * special elements open (with whether each was opened in a line with a
 * container prefix, `> ` or a list item's indentation), and whether the next
 * shown text starts a line. Each tag costs O(1) amortised (every element is
 * pushed and popped once; scope questions read the top of a per-name stack
 * of positions), so a reading is linear in the number of tags.
 */
export class LineStarts {
  /** Whether the next shown text starts a line: the document's start, or a line break with nothing shown since. */
  atLineStart = true;
  private readonly names: string[] = [];
  private readonly contained: boolean[] = [];
  /**
   * Whether a table may be open that is no longer on the stack (taken as
   * closed where the reading was unsure): text there may be moved before
   * the table, onto an earlier line, so no line starts to the comment's end
   * (its `</table>` would look stray here).
   */
  private tableLost = false;
  /** How many open elements were opened on a line with a container prefix. */
  private containedCount = 0;
  private readonly positions = new Map<string, number[]>();
  private readonly keys = new Map<string, string[]>();

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
    const name = text.slice(from, to).toLowerCase();
    const breaks = end ? this.endTag(name) : this.startTag(name, contained);
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
    if (HEADINGS.has(this.top())) this.pop();
    // A GFM table's `<table>` closes an open one (a paragraph is moved before it and closes nothing).
    if (table && this.first('table') !== -1) this.drop(this.first('table'));
    this.atLineStart = !this.tableLost && this.last('table') === -1;
  }

  /** true: a line break; false: may show something; null: changes nothing (dropped, or silent). */
  private startTag(name: string, contained: boolean): boolean | null {
    if (name === 'br') return true;
    if (name === 'hr') {
      this.closeP();
      return true;
    }
    if (name === 'p' || BLOCKS.has(name)) {
      this.closeP();
      this.push(name, contained);
      return BREAKING_START.has(name) ? true : NOT_A_LINE_START.has(name) ? false : null;
    }
    if (name === 'li' || name === 'dd' || name === 'dt') {
      // Closes the open item of its kind unless a special element other than address, div or p is above it.
      const walk = this.last(ITEM_WALK);
      const item = name === 'li' ? this.names[walk] === 'li' : this.names[walk] === 'dd' || this.names[walk] === 'dt';
      if (walk !== -1 && item) this.popTo(walk);
      this.closeP();
      this.push(name, contained);
      return true;
    }
    if (HEADINGS.has(name)) {
      this.closeP();
      if (HEADINGS.has(this.top())) this.pop();
      this.push(name, contained);
      return true;
    }
    if (name === 'table') {
      this.closeP();
      this.push(name, contained);
      return false;
    }
    if (CELLS.has(name) || TABLE_SECTIONS.has(name)) {
      // Outside a table the parser drops them; inside, a new row or cell closes the open cell.
      if (this.last('table') === -1) return null;
      this.closeCells();
      if (CELLS.has(name)) this.push(name, contained);
      return false;
    }
    if (SCOPE_STARTS.has(name)) {
      if (name === 'button' && this.inScope('button', SCOPE)) this.popTo(this.last('button'));
      this.push(name, contained);
      return false;
    }
    return SHOWING.has(name) ? false : null;
  }

  /** As `startTag`, for an end tag. */
  private endTag(name: string): boolean | null {
    if (name === 'br') return true;
    if (name === 'p') {
      // Without an open p the parser makes an empty one: a block all the same.
      this.closeP();
      return true;
    }
    if (name === 'hr') return null;
    if (TABLE_SECTIONS.has(name)) {
      if (this.last('table') === -1) return null;
      this.closeCells();
      return false;
    }
    const at = this.closedBy(name);
    // An inline element's end tag shows nothing but a quotation mark.
    if (at === undefined) return name === 'q' ? false : null;
    // An end tag whose element is not in scope is dropped: it changes nothing.
    if (at === -1) return null;
    this.popTo(at);
    return BREAKING_END.has(name) ? true : NOT_A_LINE_START.has(name) || SCOPE_STARTS.has(name) || CELLS.has(name) ? false : null;
  }

  /**
   * The position of the open element an end tag `name` closes (with those
   * above it), -1 when none is in scope, or undefined when `name` is no
   * element kept here.
   */
  private closedBy(name: string): number | undefined {
    if (name === 'li') return this.inScope('li', SCOPE, LIST) ? this.last('li') : -1;
    if (HEADINGS.has(name)) return this.last(HEADING) !== -1 && this.last(HEADING) >= this.last(SCOPE) ? this.last(HEADING) : -1;
    if (name === 'table') return this.last('table') > this.last('template') ? this.last('table') : -1;
    if (CELLS.has(name)) return this.last(name) > Math.max(this.last('table'), this.last('template')) ? this.last(name) : -1;
    if (name === 'dd' || name === 'dt' || BLOCKS.has(name) || SCOPE_STARTS.has(name)) return this.inScope(name, SCOPE) ? this.last(name) : -1;
    return undefined;
  }

  /** Whether an element `name` is open above every element of the `bounds` categories. */
  private inScope(name: string, ...bounds: string[]): boolean {
    const at = this.last(name);
    if (at === -1) return false;
    for (const bound of bounds) if (this.last(bound) > at) return false;
    return true;
  }

  /** "Close a p element" when one is in button scope. */
  private closeP(): void {
    if (this.inScope('p', SCOPE, 'button')) this.popTo(this.last('p'));
  }

  /** Closes the cells and captions open inside the innermost table. */
  private closeCells(): void {
    const table = this.last('table');
    while (this.names.length > table + 1 && this.last(SCOPE) > table) this.popTo(this.last(SCOPE));
  }

  private top(): string {
    return this.names[this.names.length - 1] ?? '';
  }

  /** The position of the topmost open element of key `key`, or -1. */
  private last(key: string): number {
    const list = this.positions.get(key);
    return list === undefined || list.length === 0 ? -1 : (list[list.length - 1] ?? -1);
  }

  /** The position of the outermost open element of key `key`, or -1. */
  private first(key: string): number {
    return this.positions.get(key)?.[0] ?? -1;
  }

  private push(name: string, contained: boolean): void {
    const at = this.names.length;
    this.names.push(name);
    this.contained.push(contained);
    if (contained) this.containedCount++;
    for (const key of this.keysFor(name)) {
      let list = this.positions.get(key);
      if (list === undefined) {
        list = [];
        this.positions.set(key, list);
      }
      list.push(at);
    }
  }

  private pop(): void {
    const name = this.names.pop();
    if (this.contained.pop() === true) this.containedCount--;
    if (name === undefined) return;
    for (const key of this.keysFor(name)) this.positions.get(key)?.pop();
  }

  /** Pops elements until the one at `at` is popped. */
  private popTo(at: number): void {
    while (this.names.length > at) this.pop();
  }

  /**
   * Takes the elements from position `at` on as closed, where the reading is
   * unsure: a table among them may still be open (`tableLost`).
   */
  private drop(at: number): void {
    if (this.last('table') >= at) this.tableLost = true;
    this.popTo(at);
  }

  private keysFor(name: string): string[] {
    let keys = this.keys.get(name);
    if (keys === undefined) {
      keys = keysOf(name);
      this.keys.set(name, keys);
    }
    return keys;
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
