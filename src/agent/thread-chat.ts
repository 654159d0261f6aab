/**
 * Finding the chat a thread talks to: the marker in the bot's latest comment
 * names a candidate, and the chat's thread label decides (thread-label.ts).
 * Anything that fails the check is "no chat here", and the log says why.
 *
 * Only the newest part of a thread is read (octokit-port.ts,
 * THREAD_WINDOW_PAGES: the newest 101 to 200 comments). When the bot's
 * latest marked comment is older than that, which takes 100 or more
 * comments since the bot last spoke, the chat is found by its thread label
 * instead: the newest chat Coder lists with this thread's label. Without
 * that, flooding a thread with comments would cut it off from its chat, and
 * a `/agent stop` would find nothing to stop while the agent works on. The
 * label is the proof either way; chats from before thread labels have none
 * and are then not found (the request starts a new chat).
 */
import type { CoderClient } from '../coder/client.js';
import { CoderError } from '../coder/errors.js';
import type { Chat } from '../coder/schemas.js';
import type { ThreadComments } from '../github/port.js';
import type { Logger } from '../logger.js';
import { findLatestMarker, readMarker } from './marker.js';
import { checkChatThread, threadLabels, type ThreadLabelRef } from './thread-label.js';

/** How many chats with the thread's label are read when the marker is out of reach: a thread has one, and a racing few at most. */
const LABEL_LIST_LIMIT = 25;

export interface ThreadChatDeps {
  coder: Pick<CoderClient, 'getChat' | 'listChats'>;
  logger: Logger;
  /** The login the bot posts as: markers count only in its own comments. */
  botLogin: string;
  signal?: AbortSignal | undefined;
}

/**
 * The chat of the thread `ref` names, found through the marker in the bot's
 * newest marked comment among `read.comments` (CI-failure notices aside) and verified by reading the chat
 * (`GET /chats/{id}`, which returns its labels). Null when no comment has a
 * marker, the chat is gone (404), or its labels name another thread or none.
 * When no comment read has a marker and older comments were left unread
 * (`read.olderLeftOut`), the newest chat labelled for `ref` (unarchived, or
 * archived with `archived`) stands in for the marker's.
 * Other Coder errors are thrown: "could not check" is not "no chat".
 */
export async function findThreadChat(read: ThreadComments, ref: ThreadLabelRef | null, deps: ThreadChatDeps, options: { archived?: boolean } = {}): Promise<Chat | null> {
  const own = deps.botLogin.toLowerCase();
  // A CI-failure notice (ci-feedback.ts) names the chat that owns a pull request, which may belong to
  // another thread (the issue the agent worked from): a notice, not this thread's link.
  const latest = findLatestMarker(read.comments, (c) => c.author.login.toLowerCase() === own && readMarker(c.body)?.ciRun === undefined);
  if (latest !== null) return checkMarkedChat(latest.marker.chatId, ref, deps, "this thread's marker");
  // No marker among the comments read. In a thread read whole that means no chat (a deleted marker
  // is the user moving away from it); in a longer one the marker may just be older than what was read.
  return read.olderLeftOut && ref ? labelledThreadChat(ref, options.archived ?? false, deps) : null;
}

/** The newest chat (by Coder's `created_at`, then id) whose thread label names `ref`, or null. */
async function labelledThreadChat(ref: ThreadLabelRef, archived: boolean, deps: Omit<ThreadChatDeps, 'botLogin'>): Promise<Chat | null> {
  const chats = await deps.coder.listChats({ labels: threadLabels(ref), archived, limit: LABEL_LIST_LIMIT, signal: deps.signal });
  let newest: Chat | null = null;
  for (const chat of chats) {
    // Coder filters by label; the check is ours, as for a marker's chat.
    if (chat.archived !== archived || !checkChatThread(chat, ref).belongs) continue;
    if (newest === null || newer(chat, newest)) newest = chat;
  }
  deps.logger.info(
    newest
      ? `The bot's latest marker in this thread is older than the comments read; using chat ${newest.id}, the newest labelled for this thread.`
      : "The bot's latest marker in this thread is older than the comments read, and no chat is labelled for this thread.",
  );
  return newest;
}

/** Creation order, newest first: `created_at`, then id; a chat without a readable time counts as oldest. */
function newer(a: Chat, b: Chat): boolean {
  const ta = timeOf(a.created_at);
  const tb = timeOf(b.created_at);
  return ta !== tb ? ta > tb : a.id > b.id;
}

function timeOf(iso: string | null | undefined): number {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/**
 * The chat `chatId` (read from a marker: a hint) when its labels name the
 * thread `ref`, else null with the reason in the log; `source` says in the
 * log where the id came from. Null too when the chat is gone (404). Other
 * Coder errors are thrown: "could not check" is not "no chat".
 */
export async function checkMarkedChat(chatId: string, ref: ThreadLabelRef | null, deps: Omit<ThreadChatDeps, 'botLogin'>, source: string): Promise<Chat | null> {
  if (!chatId) {
    deps.logger.warn(`The marker in ${source} names no chat; treating the thread as having no chat.`);
    return null;
  }
  let chat: Chat;
  try {
    chat = await deps.coder.getChat(chatId, deps.signal);
  } catch (err) {
    if (err instanceof CoderError && err.status === 404) {
      deps.logger.warn(`The chat ${chatId} named in ${source} is gone or not visible to this token; treating the thread as having no chat.`);
      return null;
    }
    throw err;
  }
  const check = checkChatThread({ id: chat.id || chatId, labels: chat.labels }, ref);
  if (!check.belongs) {
    deps.logger.warn(`Not using the chat named in ${source}: ${check.reason}. Treating the thread as having no chat.`);
    return null;
  }
  return chat;
}
