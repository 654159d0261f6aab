/**
 * Images attached to a request (a screenshot of the bug), which are uploaded
 * to Coder and sent to the agent as file parts. Which bytes Coder accepts
 * is coder/files.ts's business.
 */
import { blockRanges } from './command.js';
import { findHtmlComments } from './comment-hidden.js';
import { Kind } from './markdown-lines.js';
import { applyMask, findCode, nextOccurrence } from './markdown.js';

/** More would slow every request and rarely help; the first few screenshots carry the point. */
export const MAX_IMAGES = 5;

/**
 * What follows an image's `]`: `(url)` or `(<url> "title")`. Sticky, tried
 * once per `]` that follows an `![` (review-sec finding 9: a pattern from
 * every `![` to the next `]` rescanned the rest of the text for each opener).
 */
const MARKDOWN_IMAGE_TAIL = /\(\s*<?([^\s<>()]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/y;
/** `src=` after whitespace, in an `<img` tag; the value is read by `SRC_VALUE`. */
const SRC_NAME = /\ssrc\s*=\s*/gi;
/** A `src` value: double, single or unquoted. Sticky. */
const SRC_VALUE = /"([^"]*)"|'([^']*)'|([^\s>]+)/y;
/** `<img` as a whole tag name. */
const IMG_OPEN = /<img\b/gi;

/**
 * Image URLs in the request's Markdown, in order of appearance, without
 * duplicates, at most `MAX_IMAGES`. Only web URLs (http or https); which
 * of them may receive the GitHub token is the port's decision (only GitHub's
 * own hosts, and plain http only for a configured API host such as an
 * Enterprise server without TLS). Images inside code blocks are examples,
 * not attachments; images inside HTML comments are never seen, and images
 * in quoted lines are someone else's words, context at most (the same
 * lines the instruction leaves out: command.ts), so neither is attached
 * (re-review 8b, I1).
 */
export function findImageUrls(markdownText: string): string[] {
  const text = markdownText.replace(/\r\n?/g, '\n');
  const masked = maskUnseen(text);
  const found: { index: number; url: string }[] = [];
  markdownImages(masked, found);
  htmlImages(masked, found);
  found.sort((a, b) => a.index - b.index);

  const urls: string[] = [];
  for (const { url } of found) {
    if (urls.length >= MAX_IMAGES) break;
    if (isWebUrl(url) && !urls.includes(url)) urls.push(url);
  }
  return urls;
}

/** `text` with code, HTML comments and quoted lines masked (markdown.ts `applyMask`): what may hold an attachment is left. */
function maskUnseen(text: string): string {
  const code = findCode(text);
  const { kinds, starts, spans, inline, html, unescapedLt } = code;
  const blocks = blockRanges(code);
  const comments = findHtmlComments(text, spans, blocks.codeStarts, blocks.htmlLines, inline, undefined, unescapedLt);
  const quoted: number[] = [];
  for (let i = 0; i < kinds.length; i++) if (kinds[i] === Kind.Quote) quoted.push(starts[i] ?? 0, (starts[i + 1] ?? 0) - 1);
  return applyMask(applyMask(applyMask(applyMask(text, spans), html), comments), quoted);
}

function isWebUrl(value: string): boolean {
  try {
    const protocol = new URL(value).protocol;
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

function decodeEntities(value: string): string {
  return value.replace(/&(amp|quot|#39|lt|gt);/g, (_m, name: string) => ({ amp: '&', quot: '"', '#39': "'", lt: '<', gt: '>' })[name] ?? '');
}

type Found = { index: number; url: string }[];

/**
 * `![alt](url)` and `![alt](<url> "title")`, the alt text holding no `]`.
 * Every `![` before one `]` shares that `]` and what follows it, so the
 * tail is read once per `]`: linear in the text.
 */
function markdownImages(text: string, found: Found): void {
  const nextClose = nextOccurrence(text, ']');
  let readAt = -1;
  let tail: RegExpExecArray | null = null;
  for (let open = text.indexOf('!['); open !== -1; open = text.indexOf('![', open + 1)) {
    const close = nextClose(open + 2);
    if (close === -1) return;
    if (readAt !== close) {
      readAt = close;
      MARKDOWN_IMAGE_TAIL.lastIndex = close + 1;
      tail = MARKDOWN_IMAGE_TAIL.exec(text);
    }
    if (tail === null) continue;
    found.push({ index: open, url: tail[1] ?? '' });
    open = close + tail[0].length;
  }
}

/**
 * `<img … src="url">`, any attribute order, any quotes: the first `src=`
 * after the `<img` and before the tag's `>` (or the end of the text). The
 * next `>` and the next `src=` are each searched once for all the tags
 * before them, and a value is read once: linear in the text.
 */
function htmlImages(text: string, found: Found): void {
  const nextGt = nextOccurrence(text, '>');
  const names = new RegExp(SRC_NAME.source, SRC_NAME.flags);
  let src: RegExpExecArray | null = null;
  let searched = false;
  let readAt = -1;
  let value: RegExpExecArray | null = null;
  const opens = new RegExp(IMG_OPEN.source, IMG_OPEN.flags);
  for (let m = opens.exec(text); m !== null; m = opens.exec(text)) {
    const from = m.index + m[0].length;
    if (!searched || (src !== null && src.index < from)) {
      names.lastIndex = from;
      src = names.exec(text);
      searched = true;
    }
    if (src === null) return;
    const gt = nextGt(from);
    if (gt !== -1 && gt < src.index) continue;
    const at = src.index + src[0].length;
    if (readAt !== at) {
      readAt = at;
      SRC_VALUE.lastIndex = at;
      value = SRC_VALUE.exec(text);
    }
    if (value === null) continue;
    found.push({ index: m.index, url: decodeEntities(value[1] ?? value[2] ?? value[3] ?? '') });
    opens.lastIndex = Math.max(opens.lastIndex, at + value[0].length);
  }
}
