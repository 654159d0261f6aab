/**
 * Which lines of an HTML block GitHub shows at the start of a line.
 *
 * cmark-gfm passes an HTML block (`<div>` up to a blank line) through as
 * written, and the browser lays its text out with `white-space: normal`:
 * a line break there is a space, not a `<br>` (re-review 8h). So
 * `<div>⏎Please do not run this:⏎/agent x` shows "Please do not run this:
 * /agent x", one line. A line of the block starts a shown line only where
 * the browser breaks one: after a `<br>` or a block element's tag.
 *
 * The rule kept here is the conservative part: a line counts only when the
 * line before it ends (but for spaces and tabs) with such a tag, written on
 * one line (raw-html.ts lists where each ends), or when the line before it
 * is the block's first and a type 7 start (one whole tag alone, which shows
 * nothing: the text after it is the first the block shows, on a line of its
 * own after the block before). A line after one that ends
 * in a comment, an inline tag or text, or after a tag over lines, does not
 * count, though the browser may break there (`<div>⏎<!-- c -->⏎/agent x`):
 * that only keeps a request from starting, the side issue 8 errs on.
 */

import { isFilteredTagName, isLetter, isNameChar } from './html-blocks.js';

/**
 * Tags after which the browser starts a line, of those GitHub's sanitizer
 * keeps: `<br>` and block elements (the UA style sheet's `display: block`
 * or `list-item`), start or end tag. The start tags of table parts (text
 * directly in them is moved before the table, onto the line before),
 * `<pre>` (code), `<blockquote>` (quoted) and `<details>`/`<summary>`
 * (maybe collapsed) are left out: what follows them is no shown line start.
 */
const LINE_BREAKING_NAMES: ReadonlySet<string> = new Set(['br', 'p', 'div', 'hr', 'ol', 'ul', 'li', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'figure', 'figcaption']);

/**
 * Block elements whose END tag starts a line for what follows, though their
 * start tag is left out above: after `</details>`, `</blockquote>`,
 * `</table>` or `</pre>` the text is shown on a line of its own, outside
 * them. A comment of collapsed logs (`<details>…</details>⏎/agent fix`) is
 * the common case (re-review 8i found it missed).
 */
const LINE_BREAKING_END_NAMES: ReadonlySet<string> = new Set(['details', 'blockquote', 'table', 'pre']);

/**
 * Whether the tag whose name is `text[from, to)` (ASCII, any case; an end
 * tag when `/` comes just before the name) is one the browser starts a line
 * after; only a short name is copied.
 */
export function breaksLine(text: string, from: number, to: number): boolean {
  if (to - from < 1 || to - from > 10) return false;
  const name = text.slice(from, to).toLowerCase();
  return LINE_BREAKING_NAMES.has(name) || (text.charCodeAt(from - 1) === 47 && LINE_BREAKING_END_NAMES.has(name));
}

/**
 * Answers, for lines asked in order, whether the line after [from, to)
 * (a line of the same HTML block) starts a shown line: whether that line
 * ends, but for spaces and tabs, just after a line-breaking tag (`breaks`:
 * sorted offsets just past each, raw-html.ts `findRawHtmlHidden`).
 * Amortised O(1) per line but for its trailing spaces.
 */
export function lineBreakWalker(text: string, breaks: readonly number[]): (from: number, to: number) => boolean {
  let b = 0;
  return (from, to) => {
    let end = to;
    while (end > from && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9 || text.charCodeAt(end - 1) === 13)) end--;
    while (b < breaks.length && (breaks[b] ?? 0) < end) b++;
    return breaks[b] === end;
  };
}

/**
 * Whether line `line - 1` is the first line of an HTML block of type 7
 * (`htmlBlock`, `starts` and `contentAt` as block-structure.ts reads them),
 * so the tag alone on it shows nothing, and line `line` holds the block's
 * first shown text. A tag GFM's tag filter escapes (`<textarea>`) is shown
 * as text: not that. Reads the tag's name only.
 */
export function afterLoneTag(text: string, line: number, starts: Int32Array, contentAt: Int32Array, htmlBlock: Uint8Array): boolean {
  if (line < 1 || htmlBlock[line - 1] !== 7 || (line >= 2 && htmlBlock[line - 2] !== 0)) return false;
  let nameAt = (starts[line - 1] ?? 0) + (contentAt[line - 1] ?? 0) + 1;
  if (text.charCodeAt(nameAt) === 47) nameAt++;
  if (!isLetter(text.charCodeAt(nameAt))) return false;
  let nameEnd = nameAt + 1;
  while (isNameChar(text.charCodeAt(nameEnd))) nameEnd++;
  return !isFilteredTagName(text, nameAt, nameEnd);
}
