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
import { definitionEnd } from './link-definitions.js';
import { scanFences } from './markdown.js';

/**
 * - `prose`: a line of a paragraph outside any quote;
 * - `code`: fenced or indented code;
 * - `quote`: `> …` and the lazy continuation lines of a quoted paragraph;
 * - `definition`: a link reference definition (`[label]: url "title"`, on
 *   one line or several: link-definitions.ts), not rendered;
 * - `html`: a line of an HTML block of type 6 or 7 (CommonMark §4.6,
 *   `<div>` up to a blank line): raw HTML whose text GitHub shows, with no
 *   Markdown inside (no code, quotes or definitions);
 * - `raw-html`: a line of an HTML block of types 1–5 (a comment, processing
 *   instruction, declaration, CDATA, `<script>`, `<pre>`, `<style>`, up to
 *   its end condition): GitHub shows it as code or not at all;
 * - `other`: headings and thematic breaks; `blank`: nothing but whitespace.
 */
export type LineKind = 'prose' | 'code' | 'quote' | 'definition' | 'html' | 'raw-html' | 'other' | 'blank';

/** CommonMark §5.1: up to three spaces of indentation, then `>`. */
const QUOTE = /^ {0,3}>/;
/**
 * List item markers at the start of a line (CommonMark §5.2), one or more
 * (`- 1. `): a list item's content may be a quote or a link reference
 * definition (review-sec finding 5). Each marker is one character or up to
 * nine digits and `.`/`)`, then whitespace: no ambiguous repetition.
 */
const LIST_MARKERS = /^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)+/;
/** The marks a list item can start with: `-`, `*`, `+` and digits. */
const isListMark = (mark: number): boolean => mark === 45 || mark === 42 || mark === 43 || (mark >= 48 && mark <= 57);
/** Where a line's content starts after list item markers, or 0 when it has none. */
function listContent(line: string, mark: number): number {
  if (!isListMark(mark)) return 0;
  return LIST_MARKERS.exec(line)?.[0].length ?? 0;
}
/** `>` then an optional space, repeated (nested quotes): what a quote line's content starts after. */
export const QUOTE_MARKERS = /^(?: {0,3}>[ \t]?)+/;
/** CommonMark §4.2 ATX headings, §4.1 thematic breaks and §4.3 setext underlines (ends a paragraph either way). */
const HEADING_OR_BREAK = /^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:-[ \t]*){3,}$|(?:\*[ \t]*){3,}$|(?:_[ \t]*){3,}$|=+[ \t]*$)/;
/** CommonMark §4.7: a link reference definition starts with up to three spaces and `[` (link-definitions.ts reads the rest). */
const DEFINITION_START = /^ {0,3}\[/;

/** Columns of leading whitespace, with tabs to the next multiple of four (CommonMark §2.2). */
function indentColumns(line: string): number {
  let columns = 0;
  for (let k = 0; k < line.length && columns < 4; k++) {
    const code = line.charCodeAt(k);
    if (code === 32) columns++;
    else if (code === 9) columns += 4 - (columns % 4);
    else break;
  }
  return columns;
}

/**
 * One kind per line. Where CommonMark needs more context than a line scanner
 * has (list items, HTML blocks), the choice errs towards "not prose": a
 * request missed is asked again, a request invented runs an agent.
 */
export function classifyLines(lines: readonly string[]): LineKind[] {
  const { inFence, htmlBlock } = scanFences(lines);
  // Fences and HTML blocks both end a paragraph, and so any definition in it.
  const opaque = (i: number): boolean => (inFence[i] ?? false) || (htmlBlock[i] ?? 0) !== 0;
  // Made whole and filled by index (pushing cost several times more on many short lines).
  const kinds: LineKind[] = new Array<LineKind>(lines.length).fill('blank');
  let inParagraph = false;
  // Inside a quote whose last line holds paragraph text: only then does an unquoted line continue it (lazily, §5.1).
  let quoteParagraph = false;
  let runEnds: Int32Array | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    let kind: LineKind;
    let definitionLast = -1;
    const mark = firstMark(line);
    const content = listContent(line, mark);
    const contentMark = content > 0 ? firstMark(line.slice(content)) : mark;
    let quoted = false;
    const htmlType = htmlBlock[i] ?? 0;
    if (inFence[i]) kind = 'code';
    else if (htmlType !== 0) kind = htmlType <= 5 ? 'raw-html' : 'html';
    else if (mark === -1) kind = 'blank';
    else if ((quoted = isQuote(line, mark) || (content > 0 && isQuote(line.slice(content), contentMark))) || quoteParagraph) kind = 'quote';
    else if (!inParagraph && indentColumns(line) >= 4) kind = 'code';
    else if ((!inParagraph || content > 0) && contentMark === 91 && (content > 0 || DEFINITION_START.test(line)) && (definitionLast = definitionEnd(lines, i, (runEnds ??= paragraphRunEnds(lines, opaque))[i] ?? lines.length, content)) !== -1) kind = 'definition';
    else if (isHeadingOrBreak(line, mark)) kind = 'other';
    else kind = 'prose';
    inParagraph = kind === 'prose';
    if (kind !== 'quote') quoteParagraph = false;
    else if (quoted) quoteParagraph = holdsParagraph(line.slice(content));
    kinds[i] = kind;
    // A definition may run over lines (a title or a destination on the next line): all of them are hidden.
    while (i < definitionLast) kinds[++i] = 'definition';
  }
  return kinds;
}

/**
 * Whether a quote line's content is paragraph text, which a lazy line may
 * continue: not blank, not a heading or thematic break, not a fence
 * (review-sec finding 7: after `> # Heading` the next line is outside the
 * quote on GitHub).
 */
function holdsParagraph(quoteLine: string): boolean {
  const content = quoteLine.slice(QUOTE_MARKERS.exec(quoteLine)?.[0].length ?? 0);
  const mark = firstMark(content);
  return mark !== -1 && !isHeadingOrBreak(content, mark) && !/^ {0,3}(?:`{3,}|~{3,})/.test(content);
}

/** Whether a line ends a paragraph before it (CommonMark §4.8): blank, a quote, a heading or break, a fence. */
function endsParagraph(line: string, fenced: boolean): boolean {
  const mark = firstMark(line);
  return fenced || mark === -1 || isQuote(line, mark) || isHeadingOrBreak(line, mark);
}

/**
 * The UTF-16 code of a line's first character that is neither space nor
 * tab, or -1 for a blank line (only spaces and tabs). Looking at it first spares most
 * lines the patterns below, which is most of the work on many short lines.
 */
export function firstMark(line: string): number {
  for (let k = 0; k < line.length; k++) {
    const code = line.charCodeAt(k);
    if (code !== 32 && code !== 9) return code;
  }
  return -1;
}

/** `QUOTE`, tried only on lines whose first mark is `>`. */
const isQuote = (line: string, mark: number): boolean => mark === 62 && QUOTE.test(line);

/** The characters that can start `HEADING_OR_BREAK`: `#`, `-`, `*`, `_`, `=`. */
const HEADING_MARKS = new Set([35, 45, 42, 95, 61]);

/** `HEADING_OR_BREAK`, tried only on lines whose first mark can start one. */
export const isHeadingOrBreak = (line: string, mark: number): boolean => HEADING_MARKS.has(mark) && HEADING_OR_BREAK.test(line);

/**
 * For each line, the index of the first later line that ends a paragraph
 * (or `lines.length`): how far a definition starting there may run. One
 * backward pass, computed only when a definition may start.
 */
function paragraphRunEnds(lines: readonly string[], opaque: (index: number) => boolean): Int32Array {
  const ends = new Int32Array(lines.length);
  let next = lines.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    ends[i] = next;
    if (endsParagraph(lines[i] ?? '', opaque(i))) next = i;
  }
  return ends;
}
