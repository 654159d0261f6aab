/**
 * One request, end to end: trigger → policy → chat (new or follow-up) →
 * follow the agent → the answer in the thread. Shared by the Action and the
 * App; they differ only in how they build the clients and where they keep
 * state (the App persists a `StartedRun` so a restart can resume it).
 *
 * What a person sees (DESIGN.md): 👀 at once, one progress comment edited in
 * place (throttled), which becomes the answer, an error, or a stopped note;
 * never a stale "working" comment, never a second answer.
 */
import { IDEMPOTENCY_LABEL, type CoderClient } from '../coder/client.js';
import { CoderError, isUnreachable } from '../coder/errors.js';
import { CommentWriter } from '../github/comment-writer.js';
import { commentRefOf, type ReactionTarget, type Thread, type ThreadComments } from '../github/port.js';
import { describeFailure } from './failure.js';
import { followRun, initialView, progressBody } from './follow-run.js';
import { gatherFollowUpInput, gatherNewChatInput, threadOf } from './gather.js';
import { hasChat } from './marker.js';
import { findRequestMessage, withRequestTag } from './request-message.js';
import { decideRun, type RunDecision } from './decide-run.js';
import { cancelledBeforeChat, cannotWrite, endedBeforeChat, isWriteDenied } from './run-early-exits.js';
import { renderError } from './render.js';
import { findRequestComment, postOnce } from './request-comment.js';
import { stopChat } from './stop.js';
import type { AgentRequest } from './request.js';
import { checkMarkedChat, findThreadChat } from './thread-chat.js';
import { findEarlierThreadChat } from './thread-race.js';
import { threadLabelRefOf, threadLabels, type ThreadLabelRef } from './thread-label.js';
import { DEFAULT_PROGRESS_INTERVAL_MS, progressInterval, type AgentDeps, type AgentSettings, type RunResult, type StartedRun } from './run-types.js';
import type { Trigger } from './trigger.js';

export * from './run-types.js';
export { decideRun, type RunDecision } from './decide-run.js';
export { followRun } from './follow-run.js';

/** Carries out a trigger end to end; `decided` is `decideRun`'s answer when the entry asked it first. */
export async function handleTrigger(trigger: Trigger, settings: AgentSettings, deps: AgentDeps, decided?: RunDecision): Promise<RunResult> {
  const decision = decided ?? (await decideRun(trigger, settings, deps));
  if (!decision.go) return decision.result;
  const { request } = decision;

  const started = deps.receivedAt ?? Date.now();
  const thread = settings.comment ? threadOf(trigger) : undefined;
  const reactionError = await react(deps, reactionTarget(trigger), 'eyes');
  deps.onReacted?.();
  if (thread && isWriteDenied(reactionError)) {
    // The reaction is the first write: without write access no comment can
    // follow, so no chat is started that nobody would hear back from.
    // The entry reports the reason (the Action's failure line, the App's job log): one problem, one line.
    return { status: 'failed', reason: cannotWrite(trigger, reactionError) };
  }
  const requestedBy = trigger.author?.login ?? trigger.sender?.login ?? 'workflow';
  // The thread's newest comments (octokit-port.ts, THREAD_WINDOW_PAGES): this request's own comment is newer
  // than the request, the context shows at most the newest 50, and thread-chat.ts copes with an older marker.
  const read = thread ? await deps.github.listThreadComments(thread) : { comments: [], olderLeftOut: false };
  const { comments } = read;
  const key = deps.idempotencyKey;
  // The comment an earlier attempt of this request posted before it was cut short (found by the key in its marker):
  // each step below that posts says its sentence there rather than posting it again.
  const own = thread ? findRequestComment(comments, key, deps.botLogin) : undefined;
  // This request's own comment is not an earlier chat to continue.
  const earlier = { comments: own === undefined ? comments : comments.filter((c) => c !== own.comment), olderLeftOut: read.olderLeftOut };
  const threadRef = threadLabelRefOf(trigger, deps.githubHost);

  if (request.kind === 'stop') return stopChat(earlier, threadRef, thread, requestedBy, own, deps);

  if ((request.kind === 'prompt' && !request.direct) || request.kind === 'new') {
    if (!request.prompt.trim()) {
      const hint = `Say what the agent should do, e.g. \`${settings.triggerPhrase} fix the failing test in auth.ts\`.`;
      const comment = thread ? await postOnce(deps.github, thread, renderError({ title: 'The request has no prompt', hint, request: key }), own) : undefined;
      return { status: 'refused', reason: 'The request has no prompt.', commentUrl: comment?.url };
    }
  }

  // An earlier attempt ended before a chat existed and said so (a failed start, a cancel): that is the outcome, not a step to try again.
  if (own && !hasChat(own.marker)) return endedBeforeChat(own, started);
  // Resumed after a crash between posting the progress comment and recording the run: follow that chat, send nothing.
  const posted = own && hasChat(own.marker) ? { comment: own.comment, chatId: own.marker.chatId } : undefined;
  let run: StartedRun;
  try {
    const joinsThread = thread !== undefined && wantsThreadChat(request, settings);
    // A request that creates the thread's chat joins one a racing request created moments before (thread-race.ts).
    const meta = { thread, requestedBy, started, threadRef, joinsRace: thread !== undefined && joinsRacingChat(trigger, request, settings) };
    // Only a chat whose label names this thread is continued; the marker alone proves nothing.
    const threadChat = async () => (thread ? (await findThreadChat(earlier, threadRef, deps))?.id : undefined);
    // A marker that fails the check is "no chat here": the request starts as it would have (its idempotency key
    // still finds a chat it created), and its answer goes into its own comment.
    const rejoined = posted ? await rejoinChat(posted.chatId, meta, deps) : undefined;
    run = rejoined ?? (await startChat(trigger, request.prompt, joinsThread ? await threadChat() : settings.chatId, read, settings, deps, meta));
  } catch (err) {
    // Shutting down: nothing was started that a restart would not redo.
    if (deps.leaveOnAbort && deps.signal?.aborted) return { status: 'aborted', reason: 'The process is shutting down.' };
    if (deps.signal?.aborted) return cancelledBeforeChat(thread, deps, started, own);
    // A passing network fault is not the request's outcome while the job can be tried again.
    if (deps.retryUnreachable && isUnreachable(err)) throw err;
    const failure = describeFailure(err, deps.secrets);
    // Rejoining the chat of its progress comment failed: that comment becomes the error. Its chat could not be
    // checked (the marker is a hint, issue 8), so the error names only the request, no chat to continue.
    const body = renderError({ title: failure.title, detail: failure.detail, hint: failure.hint, request: key });
    const ref = thread ? await postOnce(deps.github, thread, body, own) : undefined;
    return { status: 'failed', reason: failure.detail ?? failure.title, commentUrl: ref?.url, durationMs: Date.now() - started, errorKind: failure.kind };
  }
  // An edit never re-runs a finished turn quietly: it is a new turn, and the comment says what it answers.
  if (trigger.action === 'edited') run.notes.unshift(`This answers the edited request${trigger.comment ? ` in ${trigger.comment.htmlUrl}` : ' in the description'}; earlier answers stay as they were.`);
  // The chat exists: the progress comment carries its marker from the start,
  // so a `/agent stop` or a follow-up finds it even while this run follows.
  const writerOptions = { minIntervalMs: progressInterval(settings.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS, run.startedAt), logger: deps.logger };
  let writer: CommentWriter | undefined;
  let deliveryError: string | undefined;
  try {
    writer = !thread
      ? undefined
      : posted
        ? CommentWriter.resume(deps.github, commentRefOf(thread, posted.comment), { ...writerOptions, thread, lastBody: posted.comment.body })
        : await CommentWriter.start(deps.github, thread, progressBody(run, initialView(run)), writerOptions);
  } catch (err) {
    // The chat runs in Coder whether or not the thread hears of it: follow it
    // to its answer, which the entry still delivers (outputs, summary).
    deliveryError = (err as Error).message;
    deps.logger.error(`Could not post the progress comment; following the agent without it: ${deliveryError}`);
  }
  run.comment = writer?.ref;
  run.removeLabel = labelToRemove(trigger, settings);
  await deps.onStarted?.(run);
  const result = await followRun(run, settings, deps, writer);
  return deliveryError && !result.deliveryError ? { ...result, deliveryError } : result;
}

/**
 * Whether a request goes to the thread's chat: not when the workflow names
 * a chat (`chat-id`, its own setting, which needs no thread label), nor for
 * `/agent new` or `new-chat`; else a trigger-phrase request does, and a
 * direct prompt when `continueThreadChat`.
 */
function wantsThreadChat(request: AgentRequest, settings: AgentSettings): boolean {
  if (settings.chatId || settings.newChat || request.kind !== 'prompt') return false;
  return !request.direct || settings.continueThreadChat === true;
}

/**
 * Whether a request that creates a chat then looks for one a racing request
 * in its thread created moments before (thread-race.ts): every request
 * that may start the thread's chat (a comment, an assignment, the trigger
 * label), but not `/agent new`, `new-chat` or `chat-id`, which ask for a chat
 * of their own or name one.
 */
function joinsRacingChat(trigger: Trigger, request: AgentRequest, settings: AgentSettings): boolean {
  if (settings.chatId || settings.newChat) return false;
  return request.kind === 'prompt' || (request.kind === 'new' && trigger.action === 'labeled');
}

/** The label that started this run, when `remove-label-when-done` asks for it to come off at the end. */
function labelToRemove(trigger: Trigger, settings: AgentSettings): StartedRun['removeLabel'] {
  if (!settings.removeLabelWhenDone || trigger.event !== 'issues' || trigger.action !== 'labeled' || !trigger.label || !trigger.thread) return undefined;
  return { ...trigger.repository, number: trigger.thread.number, name: trigger.label };
}

function reactionTarget(trigger: Trigger): ReactionTarget | undefined {
  const { owner, repo } = trigger.repository;
  const c = trigger.comment;
  if (c?.kind === 'issue_comment') return { owner, repo, kind: 'issue-comment', commentId: c.id };
  if (c?.kind === 'review_comment') return { owner, repo, kind: 'review-comment', commentId: c.id };
  // GitHub has no reactions on reviews; an issue event reacts on the issue.
  if (!c && trigger.event === 'issues' && trigger.thread) return { owner, repo, kind: 'issue', number: trigger.thread.number };
  return undefined;
}

/** Adds a reaction; a failure is logged and returned (the first write tells whether the token may write at all). */
async function react(deps: AgentDeps, target: ReactionTarget | undefined, content: 'eyes' | 'confused'): Promise<unknown> {
  if (!target) return undefined;
  try {
    await deps.github.addReaction(target, content);
    return undefined;
  } catch (err) {
    deps.logger.warn(`Could not add the ${content} reaction: ${(err as Error).message}`);
    return err;
  }
}

async function startChat(
  trigger: Trigger,
  prompt: string,
  continuing: string | undefined,
  read: ThreadComments,
  settings: AgentSettings,
  deps: AgentDeps,
  meta: { thread: Thread | undefined; requestedBy: string; started: number; threadRef: ThreadLabelRef | null; joinsRace: boolean },
): Promise<StartedRun> {
  const { coder } = deps;
  const model = settings.model ? await coder.resolveModel(settings.model, deps.signal) : undefined;
  const base = { thread: meta.thread, startedAt: meta.started, requestedBy: meta.requestedBy, request: deps.idempotencyKey };
  const gatherDeps = { coder, github: deps.github, logger: deps.logger, signal: deps.signal };
  if (continuing) {
    const sent = deps.resuming && deps.idempotencyKey !== undefined ? await findRequestMessage(coder, continuing, deps.idempotencyKey, deps.signal) : undefined;
    if (sent) return { ...base, chatId: continuing, chatUrl: coder.chatUrl(continuing), ...sent, notes: [] };
    const input = await gatherFollowUpInput(trigger, prompt, gatherDeps);
    throwIfCancelled(deps);
    try {
      const res = await coder.sendMessage(continuing, { content: withRequestTag(input.parts, deps.idempotencyKey), model_config_id: model }, startSignal(deps));
      const userMessageId = res.message?.id;
      return {
        ...base,
        chatId: continuing,
        chatUrl: coder.chatUrl(continuing),
        afterId: userMessageId ?? (await lastMessageId(coder, continuing, deps.signal)),
        userMessageId,
        userMessageAt: res.message?.created_at,
        queuedId: res.queued ? res.queued_message?.id : undefined,
        notes: input.notes,
        created: false,
      };
    } catch (err) {
      // The chat was deleted or archived away: start over rather than fail the request,
      // unless the workflow named the chat itself (`chat-id`): then a new chat is not what it asked for.
      if (!(err instanceof CoderError && err.status === 404) || settings.chatId) throw err;
      deps.logger.warn(`Chat ${continuing} is gone; starting a new chat.`);
    }
  }
  const input = await gatherNewChatInput(trigger, prompt, read, gatherDeps);
  if (settings.outputSchema) await coder.requireStructuredOutput(deps.signal);
  throwIfCancelled(deps);
  const chat = await coder.createChat({
    ...(settings.outputSchema && { response_format: settings.outputSchema }),
    reuseExisting: deps.resuming,
    content: withRequestTag(input.parts, deps.idempotencyKey),
    workspace_id: settings.workspaceId,
    model_config_id: model,
    system_prompt: settings.systemPrompt,
    // The thread label goes last: no configured label may overwrite it.
    labels: chatLabels(settings.labels, meta.threadRef),
    idempotencyKey: deps.idempotencyKey,
    signal: startSignal(deps),
  });
  if (meta.joinsRace && meta.threadRef) {
    const earlier = await findEarlierThreadChat(chat, meta.threadRef, { coder, logger: deps.logger, signal: deps.signal }, deps.idempotencyKey).catch((err: unknown) => {
      // The new chat works on its own; only the thread's single-chat promise is at risk, so say so and go on
      // (cancelled meanwhile: the run's own cancel path interrupts this chat, nothing to say here).
      if (!deps.signal?.aborted) deps.logger.warn(`Could not check this thread for a chat started at the same time: ${describeFailure(err, deps.secrets).title}`);
      return null;
    });
    if (earlier?.sameRequest) {
      // Our own prompt is already there: keep that chat, stop the duplicate.
      await stopOwnChat(coder, chat.id, earlier.chat.id, deps);
      return { ...base, chatId: earlier.chat.id, chatUrl: coder.chatUrl(earlier.chat.id), afterId: 0, notes: input.notes, created: true };
    }
    if (earlier) return joinEarlierChat(earlier.chat.id, chat.id, trigger, prompt, model, base, gatherDeps, deps);
  }
  return { ...base, chatId: chat.id, chatUrl: coder.chatUrl(chat.id), afterId: 0, notes: input.notes, created: true };
}

/**
 * This request lost a race (thread-race.ts): its message goes to the chat
 * the other request created first, as a follow-up, and the chat it created
 * itself is interrupted and archived. A resumed run that already sent the
 * message (found by its request tag) does not send it again.
 */
async function joinEarlierChat(
  firstId: string,
  ownId: string,
  trigger: Trigger,
  prompt: string,
  model: string | undefined,
  base: Pick<StartedRun, 'thread' | 'startedAt' | 'requestedBy' | 'request'>,
  gatherDeps: Parameters<typeof gatherFollowUpInput>[2],
  deps: AgentDeps,
): Promise<StartedRun> {
  const { coder } = deps;
  const sent = deps.resuming && deps.idempotencyKey !== undefined ? await findRequestMessage(coder, firstId, deps.idempotencyKey, deps.signal) : undefined;
  let joined: Pick<StartedRun, 'afterId' | 'userMessageId' | 'queuedId'> & { notes: string[] };
  if (sent) {
    joined = { ...sent, notes: [] };
  } else {
    const input = await gatherFollowUpInput(trigger, prompt, gatherDeps);
    const res = await coder.sendMessage(firstId, { content: withRequestTag(input.parts, deps.idempotencyKey), model_config_id: model }, deps.signal);
    const userMessageId = res.message?.id;
    joined = { afterId: userMessageId ?? (await lastMessageId(coder, firstId, deps.signal)), userMessageId, queuedId: res.queued ? res.queued_message?.id : undefined, notes: input.notes };
  }
  await stopOwnChat(coder, ownId, firstId, deps);
  return { ...base, chatId: firstId, chatUrl: coder.chatUrl(firstId), ...joined, created: false };
}

/**
 * Interrupts and archives the chat this request made, now that `keptId` is
 * the thread's. Interrupted first on every release: its agent must not go on
 * working beside the kept chat (older servers archive a busy chat without
 * stopping it; current ones refuse with 409, which setArchived also
 * handles). A failure is logged: the kept chat has the work either way.
 */
async function stopOwnChat(coder: CoderClient, ownId: string, keptId: string, deps: AgentDeps): Promise<void> {
  await coder
    .interrupt(ownId, deps.signal)
    .then(() => coder.setArchived(ownId, true, { interruptIfActive: true, signal: deps.signal }))
    .catch((err: unknown) => {
      deps.logger.warn(`Could not stop and archive chat ${ownId}, which this request started beside ${keptId}: ${describeFailure(err, deps.secrets).title}`);
    });
}

/**
 * The run of a request whose comment exists (found by its marker) but whose
 * record was lost: the chat the marker names, and the follow point is the
 * request's own message in it (a new chat's first message, or the
 * follow-up this request sent).
 *
 * The marker is a hint, never proof (issue 8): the chat is rejoined only
 * when its thread label names this thread and, when it carries a request
 * label (`coder-agent-bot/request`, set on the chat a request creates),
 * that label is this request's or the chat holds this request's tagged
 * message (a follow-up, or a race it joined). Otherwise undefined, with the
 * reason in the log: "no chat here". Coder errors other than 404 are thrown.
 */
async function rejoinChat(
  chatId: string,
  meta: { thread: Thread | undefined; requestedBy: string; started: number; threadRef: ThreadLabelRef | null },
  deps: AgentDeps,
): Promise<StartedRun | undefined> {
  const key = deps.idempotencyKey ?? '';
  const chat = await checkMarkedChat(chatId, meta.threadRef, deps, "this request's own comment");
  if (!chat) return undefined;
  const found = await findRequestMessage(deps.coder, chatId, key, deps.signal);
  const requestLabel = chat.labels?.[IDEMPOTENCY_LABEL];
  if (requestLabel !== undefined && requestLabel !== key && !found) {
    deps.logger.warn(`Not rejoining chat ${chatId}, named in this request's own comment: it was started by request ${requestLabel} and holds no message of request ${key}. Treating the thread as having no chat.`);
    return undefined;
  }
  return {
    thread: meta.thread,
    startedAt: meta.started,
    requestedBy: meta.requestedBy,
    request: deps.idempotencyKey,
    chatId,
    chatUrl: deps.coder.chatUrl(chatId),
    afterId: found?.afterId ?? 0,
    userMessageId: found?.userMessageId,
    queuedId: found?.queuedId,
    notes: [],
  };
}

function chatLabels(configured: Record<string, string> | undefined, ref: ThreadLabelRef | null): Record<string, string> | undefined {
  const labels = { ...configured, ...(ref === null ? {} : threadLabels(ref)) };
  return Object.keys(labels).length === 0 ? undefined : labels;
}

/**
 * The signal for the request that starts the turn. A cancel does not cut it
 * short: a chat created (or a message delivered) after the client gave up
 * would run unseen, while one that exists is interrupted by `followRun`. The
 * App, shutting down, does cut it: its idempotency key finds the chat again
 * after the restart.
 */
function startSignal(deps: AgentDeps): AbortSignal | undefined {
  return deps.leaveOnAbort ? deps.signal : undefined;
}

/** Gathering the input need not notice a cancel (it may send nothing to Coder): the turn must not start after one. */
function throwIfCancelled(deps: AgentDeps): void {
  if (deps.signal?.aborted) throw new CoderError('aborted', 'Cancelled.');
}

async function lastMessageId(coder: CoderClient, chatId: string, signal?: AbortSignal): Promise<number> {
  const { messages } = await coder.getMessagesAfter(chatId, 0, signal);
  return messages.at(-1)?.id ?? 0;
}
