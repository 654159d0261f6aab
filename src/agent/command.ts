/**
 * Finding an `/agent ...` request in a comment.
 *
 * The phrase counts only where a reader sees someone asking: at the start of
 * a line of prose. Inside code it is an example, and in a quoted line it is
 * someone quoting an earlier request, which must not run it again.
 */
import { maskCode } from './markdown.js';
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
 * Parses the first `phrase` that starts a line of prose in `text` (leading
 * whitespace allowed; the phrase must be followed by whitespace or the end of
 * the line; matched case-insensitively). The prompt is the rest of that line
 * and every line after it, trimmed. Returns null when there is no request.
 *
 * The text is read as a person sees it: hidden content (HTML comments,
 * invisible characters) is removed first, so a phrase hidden in a comment
 * does not trigger and an invisible character before it does not stop it.
 */
export function parseAgentCommand(text: string, phrase: string = DEFAULT_TRIGGER_PHRASE): AgentCommand | null {
  const trimmedPhrase = phrase.trim();
  if (trimmedPhrase === '') throw new RangeError('The trigger phrase is empty; set it to something like "/agent".');

  const visible = sanitizeUntrusted(text);
  const lines = visible.split('\n');
  const maskedLines = maskCode(visible).split('\n');
  const trigger = new RegExp(`^([ \\t]*)${escapeRegExp(trimmedPhrase)}(?=\\s|$)`, 'i');

  for (const [index, masked] of maskedLines.entries()) {
    // `> /agent ...` quotes an earlier request (GitHub's "Quote reply").
    if (/^[ \t]*>/.test(masked)) continue;
    const match = trigger.exec(masked);
    if (match === null) continue;
    const restOfLine = (lines[index] ?? '').slice(match[0].length);
    const request = [restOfLine, ...lines.slice(index + 1)].join('\n').trim();
    return toCommand(request);
  }
  return null;
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
