/**
 * Link reference definitions over several lines (CommonMark §4.7): GitHub
 * renders none of their text, so none of it may trigger the bot or reach
 * the agent as instruction. `[//]: #` with `(note)` on the next line, a
 * title on its own line, a title or a label running over lines: all are
 * definitions, and all are hidden (issue 8, kind 7c).
 *
 * A definition is read from the start of a paragraph and can only span the
 * lines that paragraph would hold, so it is parsed inside a "run": lines up
 * to the first that would end a paragraph (blank, quote, heading, thematic
 * break, fence). Definitions in a run are read one after another, and the
 * first failure leaves the rest of the run to the paragraph, so each line is
 * read a bounded number of times: linear in the text. Lines are read in
 * place in the text, from their offsets (block-structure.ts `lineStarts`),
 * as the block reader reads them.
 */
import { isSpaceOrTab } from './block-starts.js';

/** A position in the lines: line index and column (UTF-16 units). */
interface Cursor {
  line: number;
  col: number;
}

/**
 * The lines of a text: line `i` is `text[starts[i], starts[i + 1] - 1)`;
 * a line after a definition's first is read from `contentAt[i]` (its
 * content after container prefixes: `> ` in a quote), or from its start.
 */
interface Lines {
  text: string;
  starts: Int32Array;
  contentAt: Int32Array | undefined;
}

/** Moves the cursor to the start of the next line's content. */
function nextLine(lines: Lines, at: Cursor): void {
  at.line++;
  at.col = lines.contentAt?.[at.line] ?? 0;
}

/** CommonMark §4.7: a label holds at most 999 characters. */
const MAX_LABEL = 999;

function lengthOf(lines: Lines, line: number): number {
  return (lines.starts[line + 1] ?? 0) - 1 - (lines.starts[line] ?? 0);
}

/** The character code at `col` of `line`, or -1 past its end. */
function charAt(lines: Lines, line: number, col: number): number {
  return col < lengthOf(lines, line) ? lines.text.charCodeAt((lines.starts[line] ?? 0) + col) : -1;
}

/**
 * The index of the last line of the definition that starts at line `start`
 * of `text` (lines at `starts`, as `lineStarts` finds them), or -1 when
 * none starts there. `runEnd` is the index of the first line after `start`
 * that would end a paragraph (or the number of lines); `fromCol` is the
 * column of a list item's content when the line starts one; `contentAt`
 * (block-structure.ts's, per line) where the later lines' content starts,
 * so a definition in a block quote is read without the `>` of its later
 * lines (re-review 8i).
 */
export function definitionEnd(text: string, starts: Int32Array, start: number, runEnd: number, fromCol = 0, contentAt?: Int32Array): number {
  const lines: Lines = { text, starts, contentAt };
  // A definition in a list item starts at the item's content (`fromCol`, after its markers): up to three spaces, `[`.
  let col = fromCol;
  while (col - fromCol < 3 && charAt(lines, start, col) === 32) col++;
  if (charAt(lines, start, col) !== 91) return -1;
  const at: Cursor = { line: start, col: col + 1 };
  if (!readLabel(lines, at, runEnd)) return -1;
  if (charAt(lines, at.line, at.col) !== 58) return -1; // `:`
  at.col++;
  skipSpaces(lines, at);
  if (at.col >= lengthOf(lines, at.line)) {
    // The destination may start on the next line (at most one line break).
    if (at.line + 1 >= runEnd) return -1;
    nextLine(lines, at);
    skipSpaces(lines, at);
  }
  if (!readDestination(lines, at)) return -1;
  const destinationLine = at.line;
  const spaces = skipSpaces(lines, at);
  if (at.col < lengthOf(lines, at.line)) {
    // A title on the destination's line must be separated from it and must parse, or nothing here is a definition.
    return spaces > 0 ? titleEnd(lines, at, runEnd) : -1;
  }
  if (destinationLine + 1 < runEnd) {
    const next: Cursor = { line: destinationLine, col: 0 };
    nextLine(lines, next);
    skipSpaces(lines, next);
    const end = titleEnd(lines, next, runEnd);
    if (end !== -1) return end;
  }
  return destinationLine;
}

function skipSpaces(lines: Lines, at: Cursor): number {
  const from = at.col;
  while (isSpaceOrTab(charAt(lines, at.line, at.col))) at.col++;
  return at.col - from;
}

/** Reads `label]` (the `[` already read), across lines of the run; leaves the cursor after `]`. */
function readLabel(lines: Lines, at: Cursor, runEnd: number): boolean {
  let count = 0;
  let visible = false;
  for (;;) {
    const length = lengthOf(lines, at.line);
    if (at.col >= length) {
      if (at.line + 1 >= runEnd) return false;
      nextLine(lines, at);
      count++;
    } else {
      const ch = charAt(lines, at.line, at.col);
      if (ch === 93) {
        // `]`
        at.col++;
        return visible;
      }
      if (ch === 91) return false; // `[`
      const step = ch === 92 && at.col + 1 < length ? 2 : 1;
      if (!isSpaceOrTab(ch)) visible = true;
      at.col += step;
      count += step;
    }
    if (count > MAX_LABEL) return false;
  }
}

/** `<…>` on one line, or a run of non-whitespace; leaves the cursor after it. */
function readDestination(lines: Lines, at: Cursor): boolean {
  const length = lengthOf(lines, at.line);
  if (charAt(lines, at.line, at.col) === 60) {
    // `<`
    for (let k = at.col + 1; k < length; k++) {
      const ch = charAt(lines, at.line, k);
      if (ch === 92) k++;
      else if (ch === 60) return false;
      else if (ch === 62) {
        at.col = k + 1;
        return true;
      }
    }
    return false;
  }
  const from = at.col;
  while (at.col < length && !isSpaceOrTab(charAt(lines, at.line, at.col))) at.col++;
  return at.col > from;
}

/**
 * The line on which a title starting at `at` (`"…"`, `'…'` or `(…)`) ends,
 * when nothing but spaces follows it there; else -1. The title may run over
 * lines of the run.
 */
function titleEnd(lines: Lines, at: Cursor, runEnd: number): number {
  const opener = charAt(lines, at.line, at.col);
  const closer = opener === 40 ? 41 : opener === 34 || opener === 39 ? opener : -1;
  if (closer === -1) return -1;
  let col = at.col + 1;
  for (let index = at.line; index < runEnd; index++, col = lines.contentAt?.[index] ?? 0) {
    const length = lengthOf(lines, index);
    for (let k = col; k < length; k++) {
      const ch = charAt(lines, index, k);
      if (ch === 92) k++;
      else if (opener === 40 && ch === 40) return -1;
      else if (ch === closer) {
        for (let e = k + 1; e < length; e++) if (!isSpaceOrTab(charAt(lines, index, e))) return -1;
        return index;
      }
    }
  }
  return -1;
}

/**
 * Whether lines [first, end) of `text` (lines at `starts`), one paragraph,
 * hold nothing but link reference definitions, each read from its line's
 * content column (`contentAt`, per line): cmark-gfm then drops the whole
 * paragraph (blocks.c `finalize`). Reads each line a bounded number of times.
 */
export function onlyDefinitions(text: string, starts: Int32Array, first: number, end: number, contentAt: Int32Array): boolean {
  for (let i = first; i < end; ) {
    const last = definitionEnd(text, starts, i, end, contentAt[i] ?? 0, contentAt);
    if (last === -1) return false;
    i = last + 1;
  }
  return true;
}

/**
 * The labels of the link reference definitions in `text` at `definitions`
 * (flat [start, end) offsets, each from its label's `[`: markdown-lines.ts
 * `lineKinds`), each normalised as `normalizeLabel` does. Each label is
 * read once, and one written many times is normalised once: linear.
 */
export function definedLabels(text: string, definitions: readonly number[]): Set<string> {
  const labels = new Set<string>();
  const seen = new Set<string>();
  for (let d = 0; d < definitions.length; d += 2) {
    const open = definitions[d] ?? 0;
    let close = open + 1;
    // The definition parsed, so its label ends at the first `]` not escaped.
    while (close < text.length && text.charCodeAt(close) !== 93) close += text.charCodeAt(close) === 92 ? 2 : 1;
    const raw = text.slice(open + 1, close);
    if (seen.has(raw)) continue;
    seen.add(raw);
    // A label over lines in a block quote holds its later lines' `>` markers, which are no part of it: a later line's
    // content never starts with `>` (that would open a quote, ending the paragraph), so they are the `>` after a break.
    labels.add(normalizeLabel(raw.includes('\n') ? raw.replace(/\n[ \t>]*/g, '\n') : raw));
  }
  return labels;
}

/**
 * A link label as references are matched (CommonMark §4.7): runs of
 * whitespace as one space, trimmed, case folded (Unicode case folding,
 * approximated by lower- then upper-casing, as commonmark.js does).
 */
export function normalizeLabel(label: string): string {
  return label.trim().replace(/[ \t\r\n]+/g, ' ').toLowerCase().toUpperCase();
}
