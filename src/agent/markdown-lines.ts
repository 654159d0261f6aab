/**
 * Which lines of a comment a reader sees as prose, read the way CommonMark
 * (and GitHub) reads blocks: fenced and indented code, quotes with their
 * lazy continuation lines, and link reference definitions, which GitHub does
 * not render at all.
 *
 * Why not a Markdown parser: mdast-util-from-markdown 2.1.0 (micromark) was
 * measured on this project's inputs and is not linear: `/agent ` followed by
 * 512 Ki repetitions of "`a" took 38 s, 32 KB of "*a" 17 s, 128 KB of nested
 * "> " 69 s (docs/security.md, "Limits"). This scanner looks at each line a
 * bounded number of times and uses only anchored patterns without nested
 * repetition, so its work is linear in the text (`npm run bench`).
 */
import { type BlockScan, Leaf, lineStarts, readBlocks } from './block-structure.js';
import { footnoteDefinitionEnd, quotedFootnoteEnd, startsFootnoteDefinition } from './footnote-definitions.js';
import { definitionEnd } from './link-definitions.js';

/**
 * - `prose`: a line of a paragraph outside any quote;
 * - `code`: fenced or indented code;
 * - `quote`: every line inside a block quote (its code and HTML blocks
 *   included, and its definitions, which are collected all the same) and
 *   the lazy continuation lines of a quoted paragraph;
 * - `definition`: a link reference definition (`[label]: url "title"`, on
 *   one line or several: link-definitions.ts), not rendered, or a footnote
 *   definition with its content (footnote-definitions.ts), rendered only
 *   when referenced and hidden here whatever the references;
 * - `html`: a line of an HTML block of type 6 or 7 (CommonMark §4.6,
 *   `<div>` up to a blank line): raw HTML whose text GitHub shows, with no
 *   Markdown inside (no code, quotes or definitions);
 * - `raw-html`: a line of an HTML block of types 1–5 (a comment, processing
 *   instruction, declaration, CDATA, `<script>`, `<pre>`, `<style>`, up to
 *   its end condition): GitHub shows it as code or not at all;
 * - `other`: headings, thematic breaks, and lines inside containers nested
 *   deeper than block-structure.ts reads; `blank`: nothing but whitespace.
 */
export type LineKind = 'prose' | 'code' | 'quote' | 'definition' | 'html' | 'raw-html' | 'other' | 'blank';

/** The kinds as the numbers `lineKinds` stores, one byte per line. */
export const Kind = { Blank: 0, Prose: 1, Code: 2, Quote: 3, Definition: 4, Html: 5, RawHtml: 6, Other: 7 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** `LineKind` by `Kind` number. */
const KIND_NAMES: readonly LineKind[] = ['blank', 'prose', 'code', 'quote', 'definition', 'html', 'raw-html', 'other'];

/**
 * One kind per line, from the block structure (block-structure.ts): a line
 * inside a block quote, or a lazy line of a quoted paragraph, is `quote`
 * whatever it holds; a container nested too deep to read is `other`.
 * (The trigger parser reads `lineKinds`, the same as numbers.)
 */
export function classifyLines(lines: readonly string[]): LineKind[] {
  const text = lines.join('\n');
  const starts = lineStarts(text);
  return Array.from(lineKinds(text, starts, readBlocks(text, starts)), (kind) => KIND_NAMES[kind] ?? 'blank');
}

/**
 * `classifyLines` as `Kind` numbers, for the lines of `text` at `starts`
 * (`lineStarts`) whose blocks are `blocks` (`readBlocks`): what the trigger
 * parser reads. A byte array costs nothing to make, where an array of a
 * million names filled with 'blank' cost 7 ms (re-review 8, "Speed").
 * Each link reference definition is added to `definitions`, when given,
 * in order, as flat [start, end) offsets from its label's `[` to the end of
 * its last line; each footnote definition to `footnotes`, the same way;
 * those in block quotes too (re-review 8i: a definition is one wherever it
 * is), though their lines stay `quote`.
 */
export function lineKinds(text: string, starts: Int32Array, blocks: BlockScan, definitions?: number[], footnotes?: number[]): Uint8Array {
  const { leaf, htmlBlock, quoted, paragraphStart, contentAt } = blocks;
  const count = starts.length - 1;
  const kinds = new Uint8Array(count);
  let runEnds: Int32Array | null = null;
  // Whether the paragraph so far holds only link reference definitions: another may start on its next line.
  let definitionsOnly = false;
  // Read once: an imported object's properties in the loop cost a lookup per line.
  const { Blank, Paragraph, Fence, Indented, Html } = Leaf;
  for (let i = 0; i < count; i++) {
    const lineLeaf = leaf[i] ?? Blank;
    if (lineLeaf !== Paragraph) definitionsOnly = false;
    if (lineLeaf === Blank) continue;
    // A quoted line is a quote whatever it holds, but a definition in it defines its label for the whole document
    // (CommonMark §4.7; cmark-gfm's footnotes alike), so definitions are read in quoted paragraphs too (re-review 8i).
    const inQuote = quoted[i] === 1;
    if (inQuote && lineLeaf !== Paragraph) kinds[i] = Kind.Quote;
    else if (lineLeaf === Fence || lineLeaf === Indented) kinds[i] = Kind.Code;
    else if (lineLeaf === Html) kinds[i] = (htmlBlock[i] ?? 0) <= 5 ? Kind.RawHtml : Kind.Html;
    else if (lineLeaf !== Paragraph) kinds[i] = Kind.Other;
    else {
      const from = contentAt[i] ?? 0;
      const lineStart = starts[i] ?? 0;
      const hidden = inQuote ? Kind.Quote : Kind.Definition;
      // A footnote definition starts a block anywhere, inside a paragraph too (footnote-definitions.ts).
      if (text.charCodeAt(lineStart + from) <= 91 && startsFootnoteDefinition(text, lineStart + from, (starts[i + 1] ?? 0) - 1)) {
        definitionsOnly = false;
        const last = inQuote ? quotedFootnoteEnd(text, starts, i, blocks) : footnoteDefinitionEnd(text, starts, i, leaf, quoted);
        footnotes?.push(text.indexOf('[', lineStart + from), (starts[last + 1] ?? 0) - 1);
        for (; i <= last; i++) kinds[i] = hidden;
        i--;
        continue;
      }
      // A definition starts a paragraph, or follows definitions in it (CommonMark §4.7).
      const last =
        (paragraphStart[i] === 1 || definitionsOnly) && text.charCodeAt((starts[i] ?? 0) + from) === 91
          ? definitionEnd(text, starts, i, (runEnds ??= paragraphRunEnds(leaf, paragraphStart))[i] ?? count, from, contentAt)
          : -1;
      if (last === -1) {
        definitionsOnly = false;
        kinds[i] = inQuote ? Kind.Quote : Kind.Prose;
        continue;
      }
      definitionsOnly = true;
      definitions?.push(text.indexOf('[', (starts[i] ?? 0) + from), (starts[last + 1] ?? 0) - 1);
      // A definition may run over lines (a title or a destination on the next line): all of them are hidden.
      for (; i <= last; i++) kinds[i] = hidden;
      i--;
    }
  }
  return kinds;
}

/**
 * For each line, the index of the first later line that does not continue
 * its paragraph (or `lines.length`): how far a definition starting there
 * may run. One backward pass, computed only when a definition may start.
 */
function paragraphRunEnds(leaf: Uint8Array, paragraphStart: Uint8Array): Int32Array {
  const ends = new Int32Array(leaf.length);
  let next = leaf.length;
  const paragraph = Leaf.Paragraph;
  for (let i = leaf.length - 1; i >= 0; i--) {
    ends[i] = next;
    if (leaf[i] !== paragraph || paragraphStart[i] === 1) next = i;
  }
  return ends;
}
