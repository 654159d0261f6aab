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
 * read a bounded number of times: linear in the text.
 */

/** A position in `lines`: line index and column (UTF-16 units). */
interface Cursor {
  line: number;
  col: number;
}

const LABEL_START = /^ {0,3}\[/;
/** CommonMark §4.7: a label holds at most 999 characters. */
const MAX_LABEL = 999;

const isSpaceOrTab = (ch: string | undefined): boolean => ch === ' ' || ch === '\t';

/**
 * The index of the last line of the definition that starts at line `start`,
 * or -1 when none starts there. `runEnd` is the index of the first line
 * after `start` that would end a paragraph (or `lines.length`); `fromCol`
 * is the column of a list item's content when the line starts one.
 */
export function definitionEnd(lines: readonly string[], start: number, runEnd: number, fromCol = 0): number {
  const first = lines[start] ?? '';
  // A definition in a list item starts at the item's content (`fromCol`, after its markers).
  const open = LABEL_START.exec(fromCol > 0 ? first.slice(fromCol) : first);
  if (open === null) return -1;
  const at: Cursor = { line: start, col: fromCol + open[0].length };
  if (!readLabel(lines, at, runEnd)) return -1;
  if (lines[at.line]?.[at.col] !== ':') return -1;
  at.col++;
  skipSpaces(lines, at);
  if (at.col >= (lines[at.line] ?? '').length) {
    // The destination may start on the next line (at most one line break).
    if (at.line + 1 >= runEnd) return -1;
    at.line++;
    at.col = 0;
    skipSpaces(lines, at);
  }
  if (!readDestination(lines, at)) return -1;
  const destinationLine = at.line;
  const spaces = skipSpaces(lines, at);
  if (at.col < (lines[at.line] ?? '').length) {
    // A title on the destination's line must be separated from it and must parse, or nothing here is a definition.
    return spaces > 0 ? titleEnd(lines, at, runEnd) : -1;
  }
  if (destinationLine + 1 < runEnd) {
    const next: Cursor = { line: destinationLine + 1, col: 0 };
    skipSpaces(lines, next);
    const end = titleEnd(lines, next, runEnd);
    if (end !== -1) return end;
  }
  return destinationLine;
}

function skipSpaces(lines: readonly string[], at: Cursor): number {
  const line = lines[at.line] ?? '';
  const from = at.col;
  while (isSpaceOrTab(line[at.col])) at.col++;
  return at.col - from;
}

/** Reads `label]` (the `[` already read), across lines of the run; leaves the cursor after `]`. */
function readLabel(lines: readonly string[], at: Cursor, runEnd: number): boolean {
  let count = 0;
  let visible = false;
  for (;;) {
    const line = lines[at.line] ?? '';
    if (at.col >= line.length) {
      if (at.line + 1 >= runEnd) return false;
      at.line++;
      at.col = 0;
      count++;
    } else {
      const ch = line[at.col];
      if (ch === ']') {
        at.col++;
        return visible;
      }
      if (ch === '[') return false;
      const step = ch === '\\' && at.col + 1 < line.length ? 2 : 1;
      if (!isSpaceOrTab(ch)) visible = true;
      at.col += step;
      count += step;
    }
    if (count > MAX_LABEL) return false;
  }
}

/** `<…>` on one line, or a run of non-whitespace; leaves the cursor after it. */
function readDestination(lines: readonly string[], at: Cursor): boolean {
  const line = lines[at.line] ?? '';
  if (line[at.col] === '<') {
    for (let k = at.col + 1; k < line.length; k++) {
      const ch = line[k];
      if (ch === '\\') k++;
      else if (ch === '<') return false;
      else if (ch === '>') {
        at.col = k + 1;
        return true;
      }
    }
    return false;
  }
  const from = at.col;
  while (at.col < line.length && !isSpaceOrTab(line[at.col])) at.col++;
  return at.col > from;
}

/**
 * The line on which a title starting at `at` (`"…"`, `'…'` or `(…)`) ends,
 * when nothing but spaces follows it there; else -1. The title may run over
 * lines of the run.
 */
function titleEnd(lines: readonly string[], at: Cursor, runEnd: number): number {
  const opener = lines[at.line]?.[at.col];
  const closer = opener === '(' ? ')' : opener === '"' || opener === "'" ? opener : undefined;
  if (closer === undefined) return -1;
  let col = at.col + 1;
  for (let index = at.line; index < runEnd; index++, col = 0) {
    const line = lines[index] ?? '';
    for (let k = col; k < line.length; k++) {
      const ch = line[k];
      if (ch === '\\') k++;
      else if (opener === '(' && ch === '(') return -1;
      else if (ch === closer) return /^[ \t]*$/.test(line.slice(k + 1)) ? index : -1;
    }
  }
  return -1;
}
