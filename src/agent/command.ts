/**
 * Finding an `/agent ...` request in a comment.
 *
 * The phrase counts only where a reader sees someone asking: at the start of
 * a line of prose. Inside code it is an example, and in a quoted line it is
 * someone quoting an earlier request, which must not run it again.
 */
import { findHiddenHtml } from './html-hidden.js';
import { findHiddenLinkParts } from './link-hidden.js';
import type { LineKind } from './markdown-lines.js';
import { findCode, rangeWalker } from './markdown.js';
import { sanitizeUntrusted } from './sanitize.js';

export const DEFAULT_TRIGGER_PHRASE = '/agent';

/**
 * - `prompt`: do this, in the thread's chat (continuing it if one exists);
 *   an empty prompt is a request without instructions, and the caller says
 *   that a prompt is needed.
 * - `new`: start a fresh chat even if the thread already has one.
 * - `stop`: interrupt the thread's chat (`/agent stop` or `/agent cancel`).
 */
export type AgentCommand = { kind: 'prompt'; prompt: string } | { kind: 'new'; prompt: string } | { kind: 'stop' };

/**
 * Parses the first `phrase` that starts a line of prose in `text` (up to
 * three spaces before it, as four make an indented code block; the phrase
 * must be followed by whitespace or the end of the line; matched
 * case-insensitively). The prompt is the rest of that line and every line
 * after it, trimmed, without quoted lines and link reference definitions.
 * Returns null when there is no request. Linear in the text.
 *
 * The text is read as a person sees it: hidden content (HTML comments,
 * invisible characters) is removed first, so a phrase hidden in a comment
 * does not trigger and an invisible character before it does not stop it.
 * Other text GitHub does not show (`<script>`/`<style>` elements, tags that
 * run over lines: html-hidden.ts; image alt text and link titles that run
 * over lines: link-hidden.ts) neither triggers nor goes into the prompt.
 */
export function parseAgentCommand(text: string, phrase: string = DEFAULT_TRIGGER_PHRASE): AgentCommand | null {
  const trimmedPhrase = phrase.trim();
  if (trimmedPhrase === '') throw new RangeError('The trigger phrase is empty; set it to something like "/agent".');

  const visible = sanitizeUntrusted(text);
  // The cheap check first: most comments never name the bot, and they cost one search.
  if (!visible.toLowerCase().includes(trimmedPhrase.toLowerCase())) return null;
  const { lines, kinds, spans, html } = findCode(visible);
  const hiddenHtml = findHiddenHtml(visible, [spans, html]);
  const hiddenLinks = findHiddenLinkParts(visible, [spans, html, hiddenHtml]);
  const inSpan = rangeWalker(spans);
  const inHtml = rangeWalker(html);
  const inHidden = rangeWalker(hiddenHtml);
  const inHiddenLink = rangeWalker(hiddenLinks);
  const trigger = new RegExp(`^[ \\t]*${escapeRegExp(trimmedPhrase)}(?=\\s|$)`, 'i');

  let offset = 0;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const lineStart = offset;
    offset += line.length + 1;
    // `> /agent ...` quotes an earlier request (GitHub's "Quote reply"); code is an example.
    if (kinds[index] !== 'prose') continue;
    const match = trigger.exec(line);
    if (match === null) continue;
    const phraseAt = lineStart + match[0].length - trimmedPhrase.length;
    if (inSpan(phraseAt) || inHtml(phraseAt) || inHidden(phraseAt) || inHiddenLink(phraseAt)) continue;
    return toCommand(promptText(visible, lineStart + match[0].length, { lines, kinds, first: index + 1, from: offset }, [...hiddenHtml, ...hiddenLinks]).trim());
  }
  return null;
}

/**
 * The prompt: `text` from `start` to the end, without what is context at
 * most (quoted lines: someone else's words) or never shown (link reference
 * definitions, `hidden` HTML ranges). Lines from `first` on start at offset
 * `from`. Linear: the cut ranges are sorted once and the text sliced once.
 */
function promptText(text: string, start: number, after: { lines: readonly string[]; kinds: readonly LineKind[]; first: number; from: number }, hidden: readonly number[]): string {
  const cuts: [number, number][] = [];
  let offset = after.from;
  for (let k = after.first; k < after.lines.length; k++) {
    const length = (after.lines[k] ?? '').length;
    const kind = after.kinds[k];
    if (kind === 'quote' || kind === 'definition') cuts.push([offset, Math.min(text.length, offset + length + 1)]);
    offset += length + 1;
  }
  for (let r = 0; r < hidden.length; r += 2) {
    const end = hidden[r + 1] ?? 0;
    if (end > start) cuts.push([Math.max(start, hidden[r] ?? 0), end]);
  }
  cuts.sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let pos = start;
  for (const [from, to] of cuts) {
    if (from > pos) parts.push(text.slice(pos, from));
    pos = Math.max(pos, to);
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

/**
 * Whether `text` contains `phrase` anywhere, ignoring case: a test linear in
 * the text that rules out most comments before any Markdown is read.
 * Hidden content (HTML comments, invisible characters) is removed first, as
 * `parseAgentCommand` does, so the answer never differs from it on "no".
 */
export function mentionsPhrase(text: string, phrase: string = DEFAULT_TRIGGER_PHRASE): boolean {
  const needle = phrase.trim().toLowerCase();
  return needle !== '' && sanitizeUntrusted(text).toLowerCase().includes(needle);
}

/**
 * `stop` and `cancel` count only when they are the whole request:
 * "/agent stop using var here" is an instruction about code, not a stop.
 */
function toCommand(request: string): AgentCommand {
  const word = /^(\S+)(?:\s+|$)/.exec(request);
  const first = word?.[1]?.toLowerCase();
  if (first === 'new') return { kind: 'new', prompt: request.slice(word?.[0].length ?? 0).trim() };
  if (/^(?:stop|cancel)[.!]*$/i.test(request)) return { kind: 'stop' };
  return { kind: 'prompt', prompt: request };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
