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
import type { CoderClient } from '../coder/client.js';
import { CoderError } from '../coder/errors.js';
import { followChat, type ChatOutcome, type FollowOptions, type FollowProgress, type OutcomeStatus } from '../coder/follow.js';
import { CommentWriter } from '../github/comment-writer.js';
import type { CommentRef, GitHubPort, ReactionTarget, Thread, ThreadComment } from '../github/port.js';
import type { Logger } from '../logger.js';
import { gatherFollowUpInput, gatherNewChatInput, threadOf } from './gather.js';
import { findLatestMarker } from './marker.js';
import { decideTrigger } from './policy.js';
import { redactSecrets, renderAnswer, renderError, renderProgress, renderStopped, type RetryInfo } from './render.js';
import { resolveRequest } from './request.js';
import type { Trigger } from './trigger.js';

export interface AgentSettings {
  triggerPhrase: string;
  /** A direct prompt (workflow input): no trigger phrase needed. */
  prompt?: string | undefined;
  allowedBots: readonly string[];
  workspaceId?: string | undefined;
  /** Model config UUID or a model name to resolve. */
  model?: string | undefined;
  systemPrompt?: string | undefined;
  timeoutMs: number;
  /** false: create the chat, post the progress comment and return. */
  wait: boolean;
  /** false: no comments in the thread (outputs only). */
  comment: boolean;
  /** Least time between two progress edits. GitHub's secondary rate limits punish bursts. */
  progressIntervalMs?: number | undefined;
  labels?: Record<string, string> | undefined;
}

export interface AgentDeps {
  coder: CoderClient;
  github: GitHubPort;
  /** The login the bot posts as (never answers itself, finds its own markers). */
  botLogin: string;
  logger: Logger;
  /** Values that must never appear in a comment or log (the Coder token). */
  secrets: readonly string[];
  /** Cancellation: the runner cancelling the job, the server shutting down. */
  signal?: AbortSignal | undefined;
  /** Makes the chat create safe to repeat (e.g. the webhook delivery id). */
  idempotencyKey?: string | undefined;
  /** Called once the chat and comment exist, before following: the App persists this to resume after a restart. */
  onStarted?: ((run: StartedRun) => Promise<void> | void) | undefined;
  /**
   * When the signal aborts because the process is shutting down (the App),
   * leave the comment as it is: the run is resumed after the restart.
   */
  leaveOnAbort?: boolean | undefined;
  /** Follower tuning (tests). */
  follow?: Partial<FollowOptions> | undefined;
}

/** Everything needed to finish a run later, in this process or after a restart. */
export interface StartedRun {
  chatId: string;
  chatUrl: string;
  thread?: Thread | undefined;
  comment?: CommentRef | undefined;
  afterId: number;
  userMessageId?: number | undefined;
  queuedId?: number | undefined;
  /** Epoch ms when the request was accepted. */
  startedAt: number;
  requestedBy: string;
  /** Notes for the person (e.g. an image that could not be attached). */
  notes: string[];
}

export type RunStatus = OutcomeStatus | 'skipped' | 'refused' | 'started' | 'stopped' | 'failed';

export interface RunResult {
  status: RunStatus;
  /** Why nothing ran (skipped, refused), or what failed. */
  reason?: string | undefined;
  chatId?: string | undefined;
  chatUrl?: string | undefined;
  result?: string | undefined;
  commentUrl?: string | undefined;
  durationMs?: number | undefined;
  prUrl?: string | undefined;
}

/** Statuses that should fail a workflow step. */
export function isFailure(status: RunStatus): boolean {
  return status === 'error' || status === 'timeout' || status === 'aborted' || status === 'failed';
}

const DEFAULT_PROGRESS_INTERVAL_MS = 8000;

export async function handleTrigger(trigger: Trigger, settings: AgentSettings, deps: AgentDeps): Promise<RunResult> {
  const request = resolveRequest(trigger, settings);
  if (request.kind === 'none') return { status: 'skipped', reason: request.reason };

  const decision = await decideTrigger(trigger, { botLogin: deps.botLogin, allowedBots: settings.allowedBots }, deps.github);
  if (!decision.allowed) {
    // No comment: a refusal in the thread would let anyone make the bot talk.
    deps.logger.warn(`Not starting the agent: ${decision.reason}`);
    return { status: decision.quiet ? 'skipped' : 'refused', reason: decision.reason };
  }

  const started = Date.now();
  const thread = settings.comment ? threadOf(trigger) : undefined;
  await react(deps, reactionTarget(trigger), 'eyes');
  const requestedBy = trigger.author?.login ?? trigger.sender?.login ?? 'workflow';
  const comments = thread ? await deps.github.listThreadComments(thread) : [];
  const previous = thread ? findLatestMarker(comments, (c) => isOwn(c, deps.botLogin)) : null;

  if (request.kind === 'stop') return stopChat(previous?.marker.chatId, thread, requestedBy, deps);

  if ((request.kind === 'prompt' && !request.direct) || request.kind === 'new') {
    if (!request.prompt.trim()) {
      const hint = `Say what the agent should do, e.g. \`${settings.triggerPhrase} fix the failing test in auth.ts\`.`;
      const comment = thread ? await deps.github.createComment(thread, renderError({ title: 'The request has no prompt', hint })) : undefined;
      return { status: 'refused', reason: 'The request has no prompt.', commentUrl: comment?.url };
    }
  }

  let run: StartedRun;
  try {
    const continuing = request.kind === 'prompt' && !request.direct ? previous?.marker.chatId : undefined;
    run = await startChat(trigger, request.prompt, continuing, comments, settings, deps, { thread, requestedBy, started });
  } catch (err) {
    const failure = describeFailure(err, deps.secrets);
    const ref = thread ? await deps.github.createComment(thread, renderError({ title: failure.title, detail: failure.detail, hint: failure.hint })) : undefined;
    return { status: 'failed', reason: failure.detail ?? failure.title, commentUrl: ref?.url, durationMs: Date.now() - started };
  }
  // The chat exists: the progress comment carries its marker from the start,
  // so a `/agent stop` or a follow-up finds it even while this run follows.
  const writer = thread
    ? await CommentWriter.start(deps.github, thread, progressBody(run, initialView(run)), {
        minIntervalMs: settings.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
        logger: deps.logger,
      })
    : undefined;
  run.comment = writer?.ref;
  await deps.onStarted?.(run);
  return followRun(run, settings, deps, writer);
}

function isOwn(c: ThreadComment, botLogin: string): boolean {
  return c.author.login.toLowerCase() === botLogin.toLowerCase();
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

async function react(deps: AgentDeps, target: ReactionTarget | undefined, content: 'eyes' | 'confused'): Promise<void> {
  if (!target) return;
  try {
    await deps.github.addReaction(target, content);
  } catch (err) {
    deps.logger.warn(`Could not add the ${content} reaction: ${(err as Error).message}`);
  }
}

async function startChat(
  trigger: Trigger,
  prompt: string,
  continuing: string | undefined,
  comments: readonly ThreadComment[],
  settings: AgentSettings,
  deps: AgentDeps,
  meta: { thread: Thread | undefined; requestedBy: string; started: number },
): Promise<StartedRun> {
  const { coder } = deps;
  const model = settings.model ? await coder.resolveModel(settings.model, deps.signal) : undefined;
  const base = { thread: meta.thread, startedAt: meta.started, requestedBy: meta.requestedBy };
  const gatherDeps = { coder, github: deps.github, logger: deps.logger, signal: deps.signal };
  if (continuing) {
    const input = await gatherFollowUpInput(trigger, prompt, gatherDeps);
    try {
      const res = await coder.sendMessage(continuing, { content: input.parts, model_config_id: model }, deps.signal);
      const userMessageId = res.message?.id;
      return {
        ...base,
        chatId: continuing,
        chatUrl: coder.chatUrl(continuing),
        afterId: userMessageId ?? (await lastMessageId(coder, continuing, deps.signal)),
        userMessageId,
        queuedId: res.queued ? res.queued_message?.id : undefined,
        notes: input.notes,
      };
    } catch (err) {
      // The chat was deleted or archived away: start over rather than fail the request.
      if (!(err instanceof CoderError && err.status === 404)) throw err;
      deps.logger.warn(`Chat ${continuing} is gone; starting a new chat.`);
    }
  }
  const input = await gatherNewChatInput(trigger, prompt, comments, gatherDeps);
  const chat = await coder.createChat({
    content: input.parts,
    workspace_id: settings.workspaceId,
    model_config_id: model,
    system_prompt: settings.systemPrompt,
    labels: settings.labels,
    idempotencyKey: deps.idempotencyKey,
    signal: deps.signal,
  });
  return { ...base, chatId: chat.id, chatUrl: coder.chatUrl(chat.id), afterId: 0, notes: input.notes };
}

async function lastMessageId(coder: CoderClient, chatId: string, signal?: AbortSignal): Promise<number> {
  const { messages } = await coder.getMessagesAfter(chatId, 0, signal);
  return messages.at(-1)?.id ?? 0;
}

/**
 * Follows a started run to its end and writes the outcome into its comment.
 * Resumable: the App calls it again after a restart with the persisted run,
 * and the final write edits the same comment, so the answer appears once.
 */
export async function followRun(run: StartedRun, settings: AgentSettings, deps: AgentDeps, existing?: CommentWriter): Promise<RunResult> {
  const writer =
    existing ??
    (run.comment
      ? CommentWriter.resume(deps.github, run.comment, { thread: run.thread, minIntervalMs: settings.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS, logger: deps.logger })
      : undefined);
  const view = initialView(run);
  const progress = () => progressBody(run, view);
  if (existing === undefined) writer?.update(progress());

  if (!settings.wait) {
    const ref = await writer?.flush(progress());
    return { status: 'started', chatId: run.chatId, chatUrl: run.chatUrl, commentUrl: ref?.url, durationMs: Date.now() - run.startedAt };
  }

  const onProgress = (p: FollowProgress) => {
    if (p.kind === 'status') {
      view.status = p.status;
      if (p.status === 'running') view.retries = undefined;
    } else if (p.kind === 'retry') view.retries = { attempt: p.attempt, delayMs: p.delayMs, error: redactSecrets(p.error, deps.secrets) };
    else if (p.kind === 'queue') view.queued = p.queued || undefined;
    else if (p.kind === 'tool') view.lastTool = p.name;
    else return;
    writer?.update(progress());
  };

  let outcome: ChatOutcome;
  try {
    outcome = await followChat(deps.coder, {
      ...deps.follow,
      chatId: run.chatId,
      afterId: run.afterId,
      userMessageId: run.userMessageId,
      queuedId: run.queuedId,
      timeoutMs: Math.max(1000, settings.timeoutMs - (Date.now() - run.startedAt)),
      signal: deps.signal,
      onProgress,
    });
  } catch (err) {
    const failure = describeFailure(err, deps.secrets);
    const ref = await writer?.flush(renderError({ title: failure.title, detail: failure.detail, hint: failure.hint, chatUrl: run.chatUrl, chatId: run.chatId }));
    return { status: 'failed', reason: failure.detail ?? failure.title, chatId: run.chatId, chatUrl: run.chatUrl, commentUrl: ref?.url, durationMs: Date.now() - run.startedAt };
  }
  const durationMs = Date.now() - run.startedAt;
  if (outcome.status === 'aborted' && deps.leaveOnAbort) {
    return { status: 'aborted', chatId: run.chatId, chatUrl: run.chatUrl, commentUrl: writer?.ref.url, durationMs };
  }
  const prUrl = typeof outcome.diffStatus?.url === 'string' ? outcome.diffStatus.url : undefined;
  const result = redactSecrets(outcome.result, deps.secrets);
  const body = finalBody(outcome, result, run, durationMs, prUrl, settings.timeoutMs, deps.secrets);
  let commentUrl: string | undefined;
  try {
    commentUrl = (await writer?.flush(body))?.url;
  } catch (err) {
    deps.logger.error(`Could not write the answer to GitHub: ${(err as Error).message}`);
  }
  return { status: outcome.status, chatId: run.chatId, chatUrl: run.chatUrl, result, commentUrl, durationMs, prUrl };
}

interface ProgressState {
  status: string;
  retries?: RetryInfo | undefined;
  queued?: number | undefined;
  lastTool?: string | undefined;
}

function initialView(run: StartedRun): ProgressState {
  return { status: run.queuedId !== undefined ? 'queued' : 'pending' };
}

function progressBody(run: StartedRun, view: ProgressState): string {
  return renderProgress({ ...view, chatUrl: run.chatUrl, chatId: run.chatId, elapsedMs: Date.now() - run.startedAt }) + notesBlock(run.notes);
}

function finalBody(outcome: ChatOutcome, result: string, run: StartedRun, durationMs: number, prUrl: string | undefined, timeoutMs: number, secrets: readonly string[]): string {
  const common = { chatUrl: run.chatUrl, chatId: run.chatId };
  switch (outcome.status) {
    case 'completed':
    case 'requires_action':
      return renderAnswer({ ...common, result, status: outcome.status, durationMs, prUrl, usage: outcome.usage }) + notesBlock(run.notes);
    case 'error':
      return renderError({
        ...common,
        title: 'The agent stopped with an error',
        detail: redactSecrets(outcome.error?.message ?? result, secrets),
        hint: 'Open the chat in Coder for the details, or reply with a new request to try again.',
      });
    case 'timeout':
      return renderStopped({
        ...common,
        reason: `The run reached its ${Math.round(timeoutMs / 60_000)}-minute time limit (timeout-minutes). The agent may still be working in Coder.`,
        elapsedMs: durationMs,
        partialResult: result,
      });
    case 'aborted':
      return renderStopped({
        ...common,
        reason: 'The workflow run was cancelled before the agent finished. The agent may still be working in Coder; a new request continues the chat.',
        elapsedMs: durationMs,
        partialResult: result,
      });
  }
}

function notesBlock(notes: readonly string[]): string {
  return notes.length ? `\n\n> [!NOTE]\n${notes.map((n) => `> ${n}`).join('\n')}` : '';
}

async function stopChat(
  chatId: string | undefined,
  thread: Thread | undefined,
  requestedBy: string,
  deps: AgentDeps,
): Promise<RunResult> {
  if (!chatId) {
    const ref = thread ? await deps.github.createComment(thread, renderError({ title: 'There is no agent chat in this thread to stop' })) : undefined;
    return { status: 'skipped', reason: 'No chat to stop.', commentUrl: ref?.url };
  }
  const chatUrl = deps.coder.chatUrl(chatId);
  try {
    await deps.coder.interrupt(chatId, deps.signal);
  } catch (err) {
    const failure = describeFailure(err, deps.secrets);
    const ref = thread ? await deps.github.createComment(thread, renderError({ title: 'Could not stop the agent', detail: failure.detail, hint: failure.hint, chatUrl, chatId })) : undefined;
    return { status: 'failed', reason: failure.detail ?? failure.title, chatId, chatUrl, commentUrl: ref?.url };
  }
  const body = renderStopped({ chatUrl, chatId, stoppedBy: requestedBy });
  let commentUrl: string | undefined;
  if (thread) {
    // A short confirmation of its own; the run that was following the chat writes what the agent had said into its comment.
    commentUrl = (await deps.github.createComment(thread, body)).url;
  }
  return { status: 'stopped', chatId, chatUrl, commentUrl };
}

interface Failure {
  title: string;
  detail?: string | undefined;
  hint?: string | undefined;
}

function describeFailure(err: unknown, secrets: readonly string[]): Failure {
  if (err instanceof CoderError) {
    const detail = redactSecrets(err.describe(), secrets);
    switch (err.kind) {
      case 'auth':
        return { title: 'Coder rejected the session token', detail, hint: 'Check the `coder-token` secret (a Coder session or API token that has not expired).' };
      case 'network':
      case 'timeout':
        return { title: 'Could not reach Coder', detail, hint: 'Check `coder-url` and that the deployment is reachable from this runner.' };
      default:
        return { title: 'Coder refused the request', detail, hint: err.status === 403 ? "The Chats API may need the 'agents' experiment enabled on the deployment." : undefined };
    }
  }
  return { title: 'Something went wrong while talking to GitHub or Coder', detail: redactSecrets((err as Error)?.message ?? String(err), secrets) };
}
