/**
 * Just enough GitHub-flavoured Markdown to tell prose from code.
 *
 * A `/agent` inside a code sample is an example, not a request, and an image
 * link inside a code sample is not an image; a long answer cut in the middle
 * of a fenced block must have that block closed. These need to know which
 * lines are code, nothing more, so this is a line scanner, not a parser.
 */

/** An open fenced code block: its fence character and length (CommonMark §4.5). */
export interface Fence {
  char: '`' | '~';
  length: number;
  /**
   * The opening line's indentation, when it has any. A fence inside a list
   * item must be closed at the item's indentation: a closing line at column
   * 0 would end the item and open a new block instead.
   */
  indent?: string;
}

/** Which lines are code, and the fence still open after the last line (if any). */
export interface FenceScan {
  /** One entry per line: true for fence lines and the lines between them. */
  inFence: boolean[];
  openFence: Fence | null;
}

/**
 * Any indentation is accepted, unlike CommonMark's three spaces, because a
 * fence nested in a list item is indented further; erring towards "this is
 * code" is the safe side for both callers.
 */
const FENCE_OPEN = /^([ \t]*)(`{3,}|~{3,})(.*)$/;

export function scanFences(lines: readonly string[]): FenceScan {
  const inFence: boolean[] = [];
  let open: Fence | null = null;
  for (const line of lines) {
    if (open === null) {
      const match = FENCE_OPEN.exec(line);
      const indent = match?.[1] ?? '';
      const run = match?.[2];
      // A backtick fence's info string may not contain a backtick (CommonMark §4.5).
      if (run !== undefined && !(run.startsWith('`') && (match?.[3] ?? '').includes('`'))) {
        open = { char: run.startsWith('`') ? '`' : '~', length: run.length, ...(indent ? { indent } : {}) };
        inFence.push(true);
      } else {
        inFence.push(false);
      }
    } else {
      inFence.push(true);
      if (isClosingFence(line, open)) open = null;
    }
  }
  return { inFence, openFence: open };
}

/** The line that closes `fence`, at the opening line's indentation. */
export function closingFence(fence: Fence): string {
  return (fence.indent ?? '') + fence.char.repeat(fence.length);
}

/**
 * `text` with a fenced code block left open at its end closed. An answer
 * that ends inside a fence would otherwise turn whatever follows it (a
 * comment's footer and hidden marker, a summary's next section) into code.
 */
export function closeOpenFence(text: string): string {
  const fence = scanFences(text.split('\n')).openFence;
  return fence === null ? text : `${text}\n${closingFence(fence)}`;
}

function isClosingFence(line: string, fence: Fence): boolean {
  const trimmed = line.trim();
  if (trimmed.length < fence.length) return false;
  for (const ch of trimmed) if (ch !== fence.char) return false;
  return true;
}

/** Stands in for masked code; any character that is neither space nor a Markdown marker. */
const MASK = '\u0000';

/** A blank line, or a line of a (masked) fenced block: either ends a paragraph. */
const PARAGRAPH_END = new RegExp(`\\n[ \\t]*\\n|\\n${MASK}`);

/**
 * Returns `text` with every character of fenced code blocks and inline code
 * spans replaced by U+0000 (newlines kept), so offsets and line numbers still
 * match the original. Callers search the masked text and read the original.
 */
export function maskCode(text: string): string {
  const lines = text.split('\n');
  const { inFence } = scanFences(lines);
  const withoutFences = lines.map((line, i) => (inFence[i] ? MASK.repeat(line.length) : line)).join('\n');
  return maskInlineCode(withoutFences);
}

/**
 * A code span opens with a run of n backticks and closes at the next run of
 * exactly n (CommonMark §6.1); it may wrap lines but not leave its paragraph,
 * which a blank line or a (masked) fenced block ends. An unmatched run is
 * literal text.
 */
function maskInlineCode(text: string): string {
  const out = text.split('');
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '`' || isEscaped(text, i)) {
      i++;
      continue;
    }
    const runLength = backtickRun(text, i);
    const close = findClosingRun(text, i + runLength, runLength);
    if (close === -1) {
      i += runLength;
      continue;
    }
    const end = close + runLength;
    for (let k = i; k < end; k++) if (out[k] !== '\n') out[k] = MASK;
    i = end;
  }
  return out.join('');
}

function backtickRun(text: string, start: number): number {
  let end = start;
  while (text[end] === '`') end++;
  return end - start;
}

function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let k = index - 1; k >= 0 && text[k] === '\\'; k--) backslashes++;
  return backslashes % 2 === 1;
}

function findClosingRun(text: string, from: number, length: number): number {
  const paragraphEnd = text.slice(from).search(PARAGRAPH_END);
  const limit = paragraphEnd === -1 ? text.length : from + paragraphEnd;
  let k = from;
  while (k < limit) {
    if (text[k] !== '`') {
      k++;
      continue;
    }
    const run = backtickRun(text, k);
    if (run === length) return k;
    k += run;
  }
  return -1;
}

/**
 * `text` in a fenced block whose fence is longer than any backtick run
 * inside, so the text cannot close the block early and pass for the prose
 * around it.
 */
export function fencedBlock(text: string, info = 'text'): string {
  const longestRun = Array.from(text.matchAll(/`+/g), (m) => m[0].length).reduce((a, b) => Math.max(a, b), 0);
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

/** A Markdown link whose URL cannot end the link early or break out of it. */
export function markdownLink(text: string, url: string): string {
  // encodeURIComponent leaves parentheses alone; they are what would end the link.
  const safe = url.replace(/[()<>\s]/g, (c) => (c === '(' ? '%28' : c === ')' ? '%29' : encodeURIComponent(c)));
  return `[${text}](${safe})`;
}
