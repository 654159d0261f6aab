/**
 * Images attached to a request (a screenshot of the bug), which are uploaded
 * to Coder and sent to the agent as file parts. Which bytes Coder accepts
 * is coder/files.ts's business.
 */
import { maskCode } from './markdown.js';

/** More would slow every request and rarely help; the first few screenshots carry the point. */
export const MAX_IMAGES = 5;

/** `![alt](url)` and `![alt](<url> "title")`. */
const MARKDOWN_IMAGE = /!\[[^\]]*\]\(\s*<?([^\s<>()]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
/** `<img ... src="url">`, any attribute order, any quotes. */
const HTML_IMAGE = /<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

/**
 * Image URLs in the request's Markdown, in order of appearance, without
 * duplicates, at most `MAX_IMAGES`. Only web URLs (http or https); which
 * of them may receive the GitHub token is the port's decision (only GitHub's
 * own hosts, and plain http only for a configured API host such as an
 * Enterprise server without TLS). Images inside code blocks are examples,
 * not attachments.
 */
export function findImageUrls(markdownText: string): string[] {
  const text = markdownText.replace(/\r\n?/g, '\n');
  const masked = maskCode(text);
  const found: { index: number; url: string }[] = [];
  for (const m of masked.matchAll(MARKDOWN_IMAGE)) found.push({ index: m.index, url: m[1] ?? '' });
  for (const m of masked.matchAll(HTML_IMAGE)) found.push({ index: m.index, url: decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') });
  found.sort((a, b) => a.index - b.index);

  const urls: string[] = [];
  for (const { url } of found) {
    if (urls.length >= MAX_IMAGES) break;
    if (isWebUrl(url) && !urls.includes(url)) urls.push(url);
  }
  return urls;
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
