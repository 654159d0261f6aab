/**
 * Finding the chat a thread talks to: the marker in the bot's latest comment
 * names a candidate, and the chat's thread label decides (thread-label.ts).
 * Anything that fails the check is "no chat here", and the log says why.
 */
import type { CoderClient } from '../coder/client.js';
import { CoderError } from '../coder/errors.js';
import type { Chat } from '../coder/schemas.js';
import type { ThreadComment } from '../github/port.js';
import type { Logger } from '../logger.js';
import { findLatestMarker, readMarker } from './marker.js';
import { checkChatThread, type ThreadLabelRef } from './thread-label.js';

export interface ThreadChatDeps {
  coder: Pick<CoderClient, 'getChat'>;
  logger: Logger;
  /** The login the bot posts as: markers count only in its own comments. */
  botLogin: string;
  signal?: AbortSignal | undefined;
}

/**
 * The chat of the thread `ref` names, found through the marker in the bot's
 * newest marked comment among `comments` (CI-failure notices aside) and verified by reading the chat
 * (`GET /chats/{id}`, which returns its labels). Null when no comment has a
 * marker, the chat is gone (404), or its labels name another thread or none.
 * Other Coder errors are thrown: "could not check" is not "no chat".
 */
export async function findThreadChat(comments: readonly ThreadComment[], ref: ThreadLabelRef | null, deps: ThreadChatDeps): Promise<Chat | null> {
  const own = deps.botLogin.toLowerCase();
  // A CI-failure notice (ci-feedback.ts) names the chat that owns a pull request, which may belong to
  // another thread (the issue the agent worked from): a notice, not this thread's link.
  const latest = findLatestMarker(comments, (c) => c.author.login.toLowerCase() === own && readMarker(c.body)?.ciRun === undefined);
  if (latest === null) return null;
  return checkMarkedChat(latest.marker.chatId, ref, deps, "this thread's marker");
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
