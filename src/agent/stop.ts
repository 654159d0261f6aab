/**
 * `/agent stop`: the thread's chat is interrupted, and one comment says so
 * (or why not). The run that was following the chat writes what the agent
 * had said into its own comment.
 *
 * A request the App may resume after a crash (it carries a request key)
 * records which turn it stops before it interrupts: its comment is posted
 * first, saying "stopping", with the chat's newest message id in its marker
 * (marker.ts, `last-message`); then the interrupt; then the same comment is
 * edited to "stopped" or to the error. Resumed with that comment still
 * "stopping" (the process died on either side of the interrupt), it
 * interrupts only while the recorded turn may still run: the chat is busy
 * and holds no user message newer than the recorded one. A turn another
 * request started since is never cut short (issue 10, "No step repeated
 * after a crash"). The comment is the record, not the job store, because
 * it is what a resumed request already reads (request-comment.ts), on
 * either store. It costs one edit more per stop, as an `answer` write
 * (write-scheduler.ts), which goes before progress edits.
 *
 * The Action carries no key and is never resumed: it interrupts, then posts
 * once, as one write.
 */
import { FINAL_STATUSES, type Chat } from '../coder/schemas.js';
import { commentRefOf, type CommentRef, type Thread, type ThreadComments } from '../github/port.js';
import { describeFailure } from './failure.js';
import { hasChat } from './marker.js';
import { renderError, renderStopped, renderStopping } from './render.js';
import { postOnce, type RequestComment } from './request-comment.js';
import type { AgentDeps, RunResult } from './run-types.js';
import { checkMarkedChat, findThreadChat } from './thread-chat.js';
import type { ThreadLabelRef } from './thread-label.js';

const COULD_NOT_STOP = 'Could not stop the agent';
const NO_CHAT = 'There is no agent chat in this thread to stop';
const SHUTTING_DOWN: RunResult = { status: 'aborted', reason: 'The process is shutting down.' };

/** Whether the App is shutting down (the job is then left as it is, to be resumed) rather than the call having failed. */
function shuttingDown(deps: AgentDeps): boolean {
  return deps.leaveOnAbort === true && deps.signal?.aborted === true;
}

/** Edits the stop request's comment (`ref`) to say why the chat could not be stopped, and ends the request failed. */
async function sayCouldNotStop(err: unknown, chatId: string, ref: CommentRef, deps: AgentDeps): Promise<RunResult> {
  const failure = describeFailure(err, deps.secrets);
  const chatUrl = deps.coder.chatUrl(chatId);
  await deps.github.updateComment(ref, renderError({ title: COULD_NOT_STOP, detail: failure.detail, hint: failure.hint, chatUrl, chatId, request: deps.idempotencyKey }), { priority: 'answer' });
  return { status: 'failed', reason: failure.detail ?? failure.title, chatId, chatUrl, commentUrl: ref.url };
}

/**
 * `/agent stop`: interrupts the thread's chat and says so in one comment.
 * Resumed after that comment said the outcome (`own`, "stopped" or an
 * error), nothing is interrupted again and nothing posted again; resumed
 * with it still "stopping", see the module comment.
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
  if (own && thread && own.marker.state === 'stopping' && hasChat(own.marker)) {
    return resumeStop(own.marker.chatId, own.marker.lastMessageId, commentRefOf(thread, own.comment), threadRef, requestedBy, deps);
  }
  const say = (body: string) => (thread ? postOnce(deps.github, thread, body, own) : Promise.resolve(undefined));
  let chatId: string | undefined;
  try {
    chatId = thread ? (await findThreadChat(read, threadRef, deps))?.id : undefined;
  } catch (err) {
    const failure = describeFailure(err, deps.secrets);
    const ref = await say(renderError({ title: COULD_NOT_STOP, detail: failure.detail, hint: failure.hint, request }));
    return { status: 'failed', reason: failure.detail ?? failure.title, commentUrl: ref?.url };
  }
  if (!chatId) {
    const ref = await say(renderError({ title: NO_CHAT, request }));
    return { status: 'skipped', reason: 'No chat to stop.', commentUrl: ref?.url };
  }
  const chatUrl = deps.coder.chatUrl(chatId);
  if (own && thread) {
    const commentUrl = commentRefOf(thread, own.comment).url;
    if (own.marker.state === 'stopped') return { status: 'stopped', chatId, chatUrl, commentUrl };
    return { status: 'failed', reason: 'An earlier attempt of this request could not stop the agent and said so in the thread.', chatId, chatUrl, commentUrl };
  }
  if (thread && request !== undefined) return stopRecorded(chatId, thread, request, requestedBy, deps);
  try {
    await deps.coder.interrupt(chatId, deps.signal);
  } catch (err) {
    const failure = describeFailure(err, deps.secrets);
    const ref = await say(renderError({ title: COULD_NOT_STOP, detail: failure.detail, hint: failure.hint, chatUrl, chatId, request }));
    return { status: 'failed', reason: failure.detail ?? failure.title, chatId, chatUrl, commentUrl: ref?.url };
  }
  // A short confirmation of its own; the run that was following the chat writes what the agent had said into its comment.
  const ref = await say(renderStopped({ chatUrl, chatId, stoppedBy: requestedBy, request }));
  return { status: 'stopped', chatId, chatUrl, commentUrl: ref?.url };
}

/** The first attempt of a request with a key: "stopping" (the record), the interrupt, then the outcome in the same comment. */
async function stopRecorded(chatId: string, thread: Thread, request: string, requestedBy: string, deps: AgentDeps): Promise<RunResult> {
  const chatUrl = deps.coder.chatUrl(chatId);
  let lastMessageId: number;
  try {
    lastMessageId = await newestMessageId(chatId, deps);
  } catch (err) {
    // Nothing was interrupted and nothing posted yet: the error is the request's one comment.
    if (shuttingDown(deps)) return SHUTTING_DOWN;
    const failure = describeFailure(err, deps.secrets);
    const ref = await deps.github.createComment(thread, renderError({ title: COULD_NOT_STOP, detail: failure.detail, hint: failure.hint, chatUrl, chatId, request }));
    return { status: 'failed', reason: failure.detail ?? failure.title, chatId, chatUrl, commentUrl: ref.url };
  }
  const ref = await deps.github.createComment(thread, renderStopping({ request, chatUrl, chatId, stoppedBy: requestedBy, lastMessageId }), { priority: 'answer' });
  return interruptAndSay(chatId, ref, requestedBy, deps);
}

/**
 * Resumed with its comment still "stopping": interrupts only while the
 * recorded turn may still run, then says the outcome in that comment. The
 * chat is the one the comment names, checked by its thread label (a marker
 * is a hint, issue 8), not the thread's newest: a `/agent new` since may
 * have linked the thread to another chat.
 */
async function resumeStop(chatId: string, lastMessageId: number | undefined, ref: CommentRef, threadRef: ThreadLabelRef | null, requestedBy: string, deps: AgentDeps): Promise<RunResult> {
  const request = deps.idempotencyKey;
  const chatUrl = deps.coder.chatUrl(chatId);
  let turn: RecordedTurn;
  try {
    const chat = await checkMarkedChat(chatId, threadRef, deps, "this stop request's own comment");
    if (chat === null) {
      await deps.github.updateComment(ref, renderError({ title: NO_CHAT, request }), { priority: 'answer' });
      return { status: 'skipped', reason: 'No chat to stop.', commentUrl: ref.url };
    }
    turn = await recordedTurn(chat, lastMessageId, deps);
  } catch (err) {
    return shuttingDown(deps) ? SHUTTING_DOWN : sayCouldNotStop(err, chatId, ref, deps);
  }
  if (turn === 'may-run') return interruptAndSay(chatId, ref, requestedBy, deps);
  if (turn === 'unrecorded') {
    const hint = 'Nothing was interrupted, so that no later request is cut short. Ask again to stop what the agent is doing now.';
    await deps.github.updateComment(ref, renderError({ title: 'Could not tell which turn of the agent to stop', hint, chatUrl, chatId, request }), { priority: 'answer' });
    return { status: 'failed', reason: "The stop request's comment no longer records the turn to stop.", chatId, chatUrl, commentUrl: ref.url };
  }
  const reason = turn === 'later-turn' ? 'The agent had already moved on to a later request; that turn was left running.' : undefined;
  await deps.github.updateComment(ref, renderStopped({ chatUrl, chatId, stoppedBy: requestedBy, request, reason }), { priority: 'answer' });
  return { status: 'stopped', chatId, chatUrl, commentUrl: ref.url, ...(reason === undefined ? {} : { reason }) };
}

/**
 * Where the turn a stop recorded stands: `ended` (the chat is idle, or
 * already interrupting: an earlier attempt's interrupt, or the turn ended
 * by itself), `later-turn` (a user message newer than the recorded one:
 * another request's turn, which must not be cut short), else `may-run`.
 * The status is read before the messages, so a turn that starts between
 * the two reads shows in the messages. `unrecorded`: the marker lost its
 * record (only an edit by hand does that), so the turns cannot be told
 * apart and nothing is interrupted.
 */
type RecordedTurn = 'ended' | 'later-turn' | 'may-run' | 'unrecorded';

async function recordedTurn(chat: Chat, lastMessageId: number | undefined, deps: AgentDeps): Promise<RecordedTurn> {
  if (FINAL_STATUSES.has(chat.status) || chat.status === 'interrupting') return 'ended';
  if (lastMessageId === undefined) return 'unrecorded';
  const { messages } = await deps.coder.getMessagesAfter(chat.id, lastMessageId, deps.signal);
  return messages.some((m) => m.role === 'user') ? 'later-turn' : 'may-run';
}

/** The chat's newest message id (0 for a chat without messages): what a stop records before it interrupts. */
async function newestMessageId(chatId: string, deps: AgentDeps): Promise<number> {
  const { messages } = await deps.coder.getMessagesAfter(chatId, 0, deps.signal);
  return messages.reduce((newest, m) => Math.max(newest, m.id), 0);
}

/** Interrupts, then edits the request's comment (`ref`) to say the outcome. */
async function interruptAndSay(chatId: string, ref: CommentRef, requestedBy: string, deps: AgentDeps): Promise<RunResult> {
  const request = deps.idempotencyKey;
  const chatUrl = deps.coder.chatUrl(chatId);
  try {
    await deps.coder.interrupt(chatId, deps.signal);
  } catch (err) {
    // Shutting down: the comment still says "stopping", and the resumed job decides from the chat.
    return shuttingDown(deps) ? SHUTTING_DOWN : sayCouldNotStop(err, chatId, ref, deps);
  }
  await deps.github.updateComment(ref, renderStopped({ chatUrl, chatId, stoppedBy: requestedBy, request }), { priority: 'answer' });
  return { status: 'stopped', chatId, chatUrl, commentUrl: ref.url };
}
