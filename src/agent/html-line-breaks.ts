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
 * one line (raw-html.ts lists where each ends). A line after one that ends
 * in a comment, an inline tag or text, or after a tag over lines, does not
 * count, though the browser may break there (`<div>⏎<!-- c -->⏎/agent x`):
 * that only keeps a request from starting, the side issue 8 errs on.
 */

/**
 * Tags after which the browser starts a line, of those GitHub's sanitizer
 * keeps: `<br>` and block elements (the UA style sheet's `display: block`
 * or `list-item`), start or end tag. Left out: table parts (text directly
 * in them is moved before the table, onto the line before), `<pre>` (code),
 * `<blockquote>` (quoted), `<details>`/`<summary>` (maybe collapsed).
 */
const LINE_BREAKING_NAMES: ReadonlySet<string> = new Set(['br', 'p', 'div', 'hr', 'ol', 'ul', 'li', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'figure', 'figcaption']);

/** Whether the tag name `text[from, to)` (ASCII, any case) is one the browser starts a line after; only a short name is copied. */
export function breaksLine(text: string, from: number, to: number): boolean {
  if (to - from < 1 || to - from > 10) return false;
  return LINE_BREAKING_NAMES.has(text.slice(from, to).toLowerCase());
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
