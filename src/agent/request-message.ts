/**
 * The message a request sends to a chat, recognised again after a crash.
 * Coder has no labels on messages, so the bot appends its request tag
 * (marker.ts) as a text part of its own; a run resumed after a crash reads
 * the chat's messages, and its queue, for that tag before sending again.
 */
import type { CoderClient } from '../coder/client.js';
import type { ChatInputPart } from '../coder/schemas.js';
import { readRequestTag, renderRequestTag } from './marker.js';
import type { StartedRun } from './run-types.js';

/** The request tag as a text part of its own, after the input; no key, no tag (the Action's requests). */
export function withRequestTag(parts: ChatInputPart[], key: string | undefined): ChatInputPart[] {
  return key === undefined ? parts : [...parts, { type: 'text', text: renderRequestTag(key) }];
}

/**
 * Where the chat holds the message tagged with `key`, sent (a user message)
 * or still queued: the follow point a resumed run picks up from; undefined
 * when the chat holds no such message. Coder errors are thrown (a chat that
 * could not be read is not "not sent").
 */
export async function findRequestMessage(coder: CoderClient, chatId: string, key: string, signal?: AbortSignal): Promise<Pick<StartedRun, 'afterId' | 'userMessageId' | 'queuedId'> | undefined> {
  const { messages, queued } = await coder.getMessagesAfter(chatId, 0, signal);
  const tagged = (content: ReadonlyArray<{ type: string; text?: string | undefined }> | null | undefined) => (content ?? []).some((p) => p.type === 'text' && readRequestTag(p.text) === key);
  const message = messages.find((m) => m.role === 'user' && tagged(m.content));
  if (message) return { afterId: message.id, userMessageId: message.id };
  const waiting = queued.find((q) => tagged(q.content));
  if (waiting) return { afterId: messages.at(-1)?.id ?? 0, queuedId: waiting.id };
  return undefined;
}
