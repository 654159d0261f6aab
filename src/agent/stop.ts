/**
 * `/agent stop`: the thread's chat is interrupted, and one comment says so
 * (or why not). The run that was following the chat writes what the agent
 * had said into its own comment.
 */
import { commentRefOf, type Thread, type ThreadComments } from '../github/port.js';
import { describeFailure } from './failure.js';
import { renderError, renderStopped } from './render.js';
import { postOnce, type RequestComment } from './request-comment.js';
import type { AgentDeps, RunResult } from './run-types.js';
import { findThreadChat } from './thread-chat.js';
import type { ThreadLabelRef } from './thread-label.js';

/**
 * `/agent stop`: interrupts the thread's chat and says so in one comment.
 * Resumed after that comment was posted (`own`), the request has said its
 * outcome: nothing is interrupted again (a turn started since, by another
 * request, must not be cut short) and nothing posted again.
 */
export async function stopChat(
  read: ThreadComments,
  threadRef: ThreadLabelRef | null,
  thread: Thread | undefined,
  requestedBy: string,
  own: RequestComment | undefined,
  deps: AgentDeps,
): Promise<RunResult> {
  const request = deps.idempotencyKey;
  const say = (body: string) => (thread ? postOnce(deps.github, thread, body, own) : Promise.resolve(undefined));
  let chatId: string | undefined;
  try {
    chatId = thread ? (await findThreadChat(read, threadRef, deps))?.id : undefined;
  } catch (err) {
    const failure = describeFailure(err, deps.secrets);
    const ref = await say(renderError({ title: 'Could not stop the agent', detail: failure.detail, hint: failure.hint, request }));
    return { status: 'failed', reason: failure.detail ?? failure.title, commentUrl: ref?.url };
  }
  if (!chatId) {
    const ref = await say(renderError({ title: 'There is no agent chat in this thread to stop', request }));
    return { status: 'skipped', reason: 'No chat to stop.', commentUrl: ref?.url };
  }
  const chatUrl = deps.coder.chatUrl(chatId);
  if (own && thread) {
    const commentUrl = commentRefOf(thread, own.comment).url;
    if (own.marker.state === 'stopped') return { status: 'stopped', chatId, chatUrl, commentUrl };
    return { status: 'failed', reason: 'An earlier attempt of this request could not stop the agent and said so in the thread.', chatId, chatUrl, commentUrl };
  }
  try {
    await deps.coder.interrupt(chatId, deps.signal);
  } catch (err) {
    const failure = describeFailure(err, deps.secrets);
    const ref = await say(renderError({ title: 'Could not stop the agent', detail: failure.detail, hint: failure.hint, chatUrl, chatId, request }));
    return { status: 'failed', reason: failure.detail ?? failure.title, chatId, chatUrl, commentUrl: ref?.url };
  }
  // A short confirmation of its own; the run that was following the chat writes what the agent had said into its comment.
  const ref = await say(renderStopped({ chatUrl, chatId, stoppedBy: requestedBy, request }));
  return { status: 'stopped', chatId, chatUrl, commentUrl: ref?.url };
}
