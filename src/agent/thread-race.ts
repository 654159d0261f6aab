/**
 * One chat per thread when two requests race (issue 11).
 *
 * Two `/agent` comments a moment apart in a thread that has no chat yet both
 * see "no chat here" and both create one. The Action keeps no state between
 * runs, so the chats' thread labels settle it: after creating its chat, a
 * run lists the thread's chats, and the earliest (by Coder's `created_at`,
 * then by id, an order every run computes alike) is the thread's chat. A run
 * whose chat is not the earliest sends its message there as a follow-up
 * (Coder queues it while the agent is busy) and archives its own chat.
 *
 * The App also serialises requests per thread in its job store; this check
 * costs it one list request per new chat and covers what that cannot see
 * (an Action run and the App in the same repository).
 */
import { IDEMPOTENCY_LABEL, type CoderClient } from '../coder/client.js';
import type { Chat } from '../coder/schemas.js';
import type { Logger } from '../logger.js';
import { checkChatThread, threadLabels, type ThreadLabelRef } from './thread-label.js';

/** How many of a thread's unarchived chats are read; a thread never has more than a racing few. */
const LIST_LIMIT = 25;

/**
 * Only chats created this shortly before ours are racers (ms). An older
 * chat of the thread is one the thread moved away from (`/agent new`, or a
 * marker that was deleted), not one a simultaneous request made: joining it
 * would undo the user's choice.
 */
export const RACE_WINDOW_MS = 5 * 60_000;

export interface ThreadRaceDeps {
  coder: Pick<CoderClient, 'listChats'>;
  logger: Logger;
  signal?: AbortSignal | undefined;
}

/** Creation order: `created_at` (RFC 3339 from Coder), then id; a chat without a time sorts last. */
function earlier(a: Pick<Chat, 'id' | 'created_at'>, b: Pick<Chat, 'id' | 'created_at'>): boolean {
  const ta = a.created_at ? Date.parse(a.created_at) : Number.POSITIVE_INFINITY;
  const tb = b.created_at ? Date.parse(b.created_at) : Number.POSITIVE_INFINITY;
  if (ta !== tb) return ta < tb;
  return a.id < b.id;
}

/** The thread's earlier chat, and whether it was created for this very request (a create that was retried). */
export interface EarlierChat {
  chat: Chat;
  /**
   * The chat carries this request's own label (`coder-agent-bot/request`):
   * an ambiguous create (the connection dropped after Coder made the chat)
   * was sent again. It already holds this request's prompt.
   */
  sameRequest: boolean;
}

/**
 * The thread's chat that was created before `created`, or null when
 * `created` is the thread's earliest unarchived chat (the usual case: no
 * race). Only chats whose thread label names `ref` exactly count; the list
 * is filtered by that label, and each result is checked again here because
 * the filter is Coder's. `requestKey`: this request's idempotency key, to
 * tell its own duplicate from another request's chat. Errors from Coder are
 * thrown: the caller decides.
 */
export async function findEarlierThreadChat(created: Pick<Chat, 'id' | 'created_at'>, ref: ThreadLabelRef, deps: ThreadRaceDeps, requestKey?: string): Promise<EarlierChat | null> {
  const chats = await deps.coder.listChats({ labels: threadLabels(ref), archived: false, limit: LIST_LIMIT, signal: deps.signal });
  let first: Chat | null = null;
  const since = created.created_at ? Date.parse(created.created_at) - RACE_WINDOW_MS : Number.NEGATIVE_INFINITY;
  for (const chat of chats) {
    if (chat.id === created.id || chat.archived || !checkChatThread(chat, ref).belongs) continue;
    if (chat.created_at && Date.parse(chat.created_at) < since) continue;
    if (earlier(chat, created) && (first === null || earlier(chat, first))) first = chat;
  }
  if (first === null) return null;
  const sameRequest = requestKey !== undefined && first.labels?.[IDEMPOTENCY_LABEL] === requestKey;
  deps.logger.info(sameRequest ? `This request's chat was created twice (a retried create); keeping the first, ${first.id}.` : `Another request in this thread started chat ${first.id} first; this request joins it.`);
  return { chat: first, sameRequest };
}
