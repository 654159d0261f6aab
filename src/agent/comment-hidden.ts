/**
 * HTML comments in a comment's Markdown, found after its code: a `<!--`
 * inside a code block or code span is code that GitHub shows, and removing
 * comments before reading the blocks turned code into prose (review-sec
 * findings 2 and 7: `<!-- -->` before a closing fence made it close, a
 * backtick joined to a fence's info string unmade the fence).
 */
import { rangeWalker } from './markdown.js';

/**
 * The HTML comments in `text` as a sorted flat list of [start, end)
 * offsets: `<!--…-->`, `<!-->` and `<!--->` (CommonMark §6.6); one never
 * closed runs to the end, as GitHub hides it. A comment starts only outside
 * `code` (code blocks and spans). One in a paragraph ends at the latest
 * where a code block starts (`blockStarts`, sorted): the block is read
 * before the comment on GitHub too, and a comment must never hide a fence.
 * One inside an HTML block (`htmlBlocks`, sorted flat [start, end) ranges
 * of its lines) is raw HTML that the browser reads, not Markdown: it runs
 * to the next `-->` that is raw HTML too, across whatever Markdown lies
 * between (code and paragraphs reach the browser with `>` escaped), or to
 * the end. Each search starts where the last one ended, and the next
 * closers are remembered, so many unclosed comments cut short by code
 * blocks (`<!--\n```\n` repeated) do not each search to the end: linear in
 * the text.
 */
export function findHtmlComments(text: string, code: ArrayLike<number>, blockStarts: ArrayLike<number>, htmlBlocks: ArrayLike<number>): number[] {
  const comments: number[] = [];
  let r = 0;
  let b = 0;
  // The next `-->` at or after a position, kept between comments: searches only move forward (-1: none left).
  let close = -2;
  const inHtmlBlock = rangeWalker(htmlBlocks);
  const nextRawClose = nextRawCloser(text, htmlBlocks);
  for (let start = text.indexOf('<!--'); start !== -1; ) {
    while (r < code.length && (code[r + 1] ?? 0) <= start) r += 2;
    if (r < code.length && (code[r] ?? Infinity) <= start) {
      start = text.indexOf('<!--', code[r + 1] ?? text.length);
      continue;
    }
    let end: number;
    const raw = inHtmlBlock(start);
    if (text.startsWith('>', start + 4)) end = start + 5;
    else if (text.startsWith('->', start + 4)) end = start + 6;
    else if (raw) {
      const found = nextRawClose(start + 4);
      end = found === -1 ? text.length : found + 3;
    } else {
      if (close !== -1 && close < start + 4) close = text.indexOf('-->', start + 4);
      end = close === -1 ? text.length : close + 3;
    }
    while (b < blockStarts.length && (blockStarts[b] ?? 0) <= start) b++;
    if (!raw) end = Math.min(end, blockStarts[b] ?? Infinity);
    comments.push(start, end);
    start = end >= text.length ? -1 : text.indexOf('<!--', end);
  }
  return comments;
}

/**
 * `from ↦` the offset of the next `-->` at or after `from` inside
 * `htmlBlocks`, or -1, for non-decreasing `from`: each `-->` is looked at
 * once.
 */
function nextRawCloser(text: string, htmlBlocks: ArrayLike<number>): (from: number) => number {
  const inBlock = rangeWalker(htmlBlocks);
  let found = -2;
  return (from) => {
    if (found === -1 || found >= from) return found;
    found = text.indexOf('-->', from);
    while (found !== -1 && !inBlock(found)) found = text.indexOf('-->', found + 1);
    return found;
  };
}
