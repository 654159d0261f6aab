/**
 * Footnote definitions (`[^label]: …`), which GitHub renders only when the
 * document references them from outside themselves, once per label:
 * cmark-gfm 0.29 (`process_footnotes`) drops an unreferenced definition,
 * one referenced only from itself and a second definition of a label, with
 * all its content (re-review 8f). Telling which are referenced would need
 * the inline reading of every paragraph (code spans, escapes, brackets), so
 * every definition is hidden: never a trigger, never instruction. That
 * over-hides a referenced footnote, which errs towards no request (issue 8).
 *
 * A definition is a container, like a list item: it starts where a block
 * may start, even inside a paragraph (cmark-gfm's `open_new_blocks` has no
 * paragraph condition for it), with at most three spaces before `[^`, and
 * holds the lines after it that are blank, indented four columns or more
 * (its content column), or lazy continuations of a paragraph inside it.
 * This reader takes more than that (any label up to `]:`, four columns from
 * the line's start whatever its container, any paragraph line after a
 * non-blank one as lazy), never less.
 */
import { type BlockScan, Leaf } from './block-structure.js';

export { startsFootnoteDefinition } from './block-starts.js';

/** The width in columns of the line's leading spaces and tabs (a tab to the next multiple of 4), capped at 4. */
function indentWidth(text: string, from: number, end: number): number {
  let width = 0;
  for (let k = from; k < end && width < 4; k++) {
    const c = text.charCodeAt(k);
    if (c === 32) width++;
    else if (c === 9) width += 4 - (width % 4);
    else break;
  }
  return width;
}

/**
 * The width in columns of the whitespace at `from` (up to `end`), which
 * starts at column `column` (tabs to the next multiple of 4), capped at 4.
 */
function indentAfter(text: string, from: number, end: number, column: number): number {
  let width = 0;
  for (let k = from; k < end && width < 4; k++) {
    const c = text.charCodeAt(k);
    if (c === 32) width++;
    else if (c === 9) width += 4 - ((column + width) % 4);
    else break;
  }
  return width;
}

/**
 * Whether the line at `start`, which the block reader took for a heading,
 * may be a setext underline (`=`, `==`, `--`): inside a definition it is
 * none but a lazy line of the definition's paragraph (cmark-gfm 0.29 tries
 * a setext underline only when the paragraph's container matched; CommonMark
 * §5.1; re-review 8g). A `-` line is taken too though cmark may read `-` as
 * a list item or `---` as a break: that only keeps more of the definition
 * hidden. An ATX heading (`#`) is no lazy line. Reads up to three spaces.
 */
function setextLike(text: string, start: number): boolean {
  let k = start;
  while (k - start < 3 && text.charCodeAt(k) === 32) k++;
  const c = text.charCodeAt(k);
  return c === 61 || c === 45;
}

/**
 * The index of the last line of the footnote definition that starts at
 * line `first` (trailing blank lines not included). `leaf` and `quoted`
 * are block-structure.ts's, per line; `starts` the line
 * offsets (one more entry than lines). Each line after `first` is read
 * once, its indentation only.
 */
export function footnoteDefinitionEnd(text: string, starts: Int32Array, first: number, leaf: Uint8Array, quoted: Uint8Array): number {
  const count = starts.length - 1;
  const { Blank, Paragraph, Deep, Heading } = Leaf;
  // Whether a paragraph may be open inside the definition, so a line that would continue one is lazy (CommonMark §5.1).
  let lazy = true;
  let last = first;
  for (let j = first + 1; j < count; j++) {
    if (quoted[j] === 1) break;
    const lineLeaf = leaf[j];
    if (lineLeaf === Blank) {
      lazy = false;
      continue;
    }
    const start = starts[j] ?? 0;
    const indented = indentWidth(text, start, (starts[j + 1] ?? 0) - 1) >= 4;
    // A line this reader takes for a paragraph's (or cannot read) may be a lazy one; an HTML block starts where it
    // would in the definition too (cmark-gfm 0.29: `<x-y>` after an indented paragraph there is outside it).
    if (!indented && !(lazy && (lineLeaf === Paragraph || lineLeaf === Deep || (lineLeaf === Heading && setextLike(text, start))))) break;
    lazy = true;
    last = j;
  }
  return last;
}

/**
 * `footnoteDefinitionEnd` for a definition that starts in a block quote:
 * the index of its last line. Its body is the quoted lines after it that
 * are indented four columns or more past their containers' prefixes
 * (block-structure.ts `prefixAt`), or may be lazy lines of a paragraph in
 * it; a blank line ends it unless four columns of spaces follow its
 * prefixes (cmark-gfm 0.29 continues a footnote definition at a line
 * indented four columns, or one that is wholly empty, and a quote's blank
 * line holds `>`), and so does the first line outside the quote. Its lines are quoted
 * whatever this returns: only where its body is read for definitions
 * (footnote-bodies.ts) depends on it. Each line after `first` is read
 * once, its indentation only.
 */
export function quotedFootnoteEnd(text: string, starts: Int32Array, first: number, blocks: BlockScan): number {
  const { leaf, quoted, prefixAt, prefixColumn } = blocks;
  const count = starts.length - 1;
  const { Blank, Paragraph, Deep, Heading } = Leaf;
  // Whether a paragraph may be open inside the definition, so a line that would continue one is lazy.
  let lazy = true;
  let last = first;
  for (let j = first + 1; j < count && quoted[j] === 1; j++) {
    const start = starts[j] ?? 0;
    const from = start + (prefixAt[j] ?? 0);
    const indented = indentAfter(text, from, (starts[j + 1] ?? 0) - 1, prefixColumn[j] ?? 0) >= 4;
    const lineLeaf = leaf[j];
    if (lineLeaf === Blank) {
      // Spaces only: the definition goes on when four columns of them follow the prefixes, as `parser->indent` counts.
      if (!indented) break;
      lazy = false;
      continue;
    }
    if (!indented && !(lazy && (lineLeaf === Paragraph || lineLeaf === Deep || (lineLeaf === Heading && setextLike(text, from))))) break;
    lazy = true;
    last = j;
  }
  return last;
}
