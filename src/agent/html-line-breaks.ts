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
 * (a later end tag of its name breaks nothing), and after a comment, a tag
 * over lines, the start tag of a quote, code, a table or a collapsible box,
 * or any element not known to show nothing, no line starts until the next
 * line-breaking tag (`<div>⏎<!-- c -->⏎/agent x` is missed, though the
 * browser starts a line there).
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
 * Inline elements whose tags show nothing and break no line (GitHub's
 * sanitizer keeps them, or drops the tag and keeps the text). Any other
 * tag (`<img>`, `<input>`, `<q>`, `<video>`, an unknown name) may show
 * something on the line, so no line starts after it.
 */
const SILENT_INLINE = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'big', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'font', 'i', 'ins', 'kbd', 'mark', 'nobr', 'ruby', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var']);

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
    if (breaks === true) this.atLineStart = oneLine;
    else if (breaks === false) this.atLineStart = false;
  }

  /**
   * A tag read where cmark's own tags ended it (raw-html.ts `Junction`):
   * what the browser made of it is not known, so every element is taken as
   * closed and no line starts.
   */
  lost(): void {
    this.clear();
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
  junction(containers: boolean, inlineTags: boolean): void {
    if (inlineTags || (containers && this.containedCount > 0)) this.clear();
    this.closeP();
    if (HEADINGS.has(this.top())) this.pop();
    const table = this.first('table');
    if (table !== -1) this.popTo(table);
    this.atLineStart = table === -1;
  }

  /** true: a line break; false: may show something; null: changes nothing (dropped, or silent). */
  private startTag(name: string, contained: boolean): boolean | null {
    if (name === 'br') return true;
    if (SILENT_INLINE.has(name)) return null;
    if (name === 'hr') {
      this.closeP();
      return true;
    }
    if (name === 'p' || BLOCKS.has(name)) {
      this.closeP();
      this.push(name, contained);
      return BREAKING_START.has(name);
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
      if (this.last('table') !== -1) {
        this.closeCells();
        if (CELLS.has(name)) this.push(name, contained);
      }
      return false;
    }
    if (SCOPE_STARTS.has(name)) {
      if (name === 'button' && this.inScope('button', SCOPE)) this.popTo(this.last('button'));
      this.push(name, contained);
    }
    return false;
  }

  /** As `startTag`, for an end tag. */
  private endTag(name: string): boolean | null {
    if (name === 'br') return true;
    if (SILENT_INLINE.has(name)) return null;
    if (name === 'p') {
      // Without an open p the parser makes an empty one: a block all the same.
      this.closeP();
      return true;
    }
    if (name === 'hr') return null;
    if (TABLE_SECTIONS.has(name)) {
      if (this.last('table') !== -1) this.closeCells();
      return false;
    }
    const at = this.closedBy(name);
    if (at === undefined) return false;
    // An end tag whose element is not in scope is dropped: it changes nothing.
    if (at === -1) return null;
    this.popTo(at);
    return BREAKING_END.has(name);
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

  private clear(): void {
    this.popTo(0);
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
export function sortedMember(sorted: readonly number[]): (offset: number) => boolean {
  let at = 0;
  return (offset) => {
    while (at < sorted.length && (sorted[at] ?? 0) < offset) at++;
    return sorted[at] === offset;
  };
}
