/**
 * The common case, answered without loading the rest of the Action: a
 * comment that does not mention the trigger phrase. Every comment in a
 * repository starts the workflow, so this path is what most runs take, and
 * it loads no Octokit, no Coder client and no schemas (bench: "skipped run").
 *
 * It only ever says "skip" when the full path would too: the phrase must
 * start a line of the visible text there (agent/command.ts), so text without
 * it anywhere, once hidden characters are removed the same way, cannot call
 * the agent. Anything else (a prompt input, other events, odd payloads) goes
 * the full way.
 */
import { sanitizeUntrusted } from '../agent/sanitize.js';
import type { ActionEvent } from './event.js';

/** Where each comment event keeps the text that may hold the request. */
const REQUEST_TEXT: Readonly<Record<string, (payload: Record<string, unknown>) => unknown>> = {
  issue_comment: (p) => field(p['comment'], 'body'),
  pull_request_review_comment: (p) => field(p['comment'], 'body'),
  pull_request_review: (p) => field(p['review'], 'body'),
};

/** Why the event cannot call the agent, or undefined when the full path must decide. */
export function quickSkipReason(event: ActionEvent, settings: { triggerPhrase: string; prompt: string }): string | undefined {
  const phrase = settings.triggerPhrase.trim();
  if (settings.prompt.trim() !== '' || phrase === '' || /\s/.test(phrase)) return undefined;
  const read = REQUEST_TEXT[event.name];
  const payload = event.payload;
  if (!read || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const text = read(payload as Record<string, unknown>);
  if (text !== null && text !== undefined && typeof text !== 'string') return undefined;
  if (sanitizeUntrusted(text ?? '').toLowerCase().includes(phrase.toLowerCase())) return undefined;
  return `The text does not start a line with "${phrase}".`;
}

function field(object: unknown, name: string): unknown {
  return typeof object === 'object' && object !== null ? (object as Record<string, unknown>)[name] : undefined;
}
