/**
 * The second half of a run: follow the agent and turn the outcome into the
 * comment. Separate from the start so the App can call it again after a
 * restart with the persisted StartedRun.
 */
import { followChat, type ChatOutcome, type FollowProgress } from '../coder/follow.js';
import { CommentWriter } from '../github/comment-writer.js';
import { describeFailure } from './failure.js';
import { redactSecrets, renderAnswer, renderError, renderProgress, renderStarted, renderStopped, type RetryInfo } from './render.js';
import { DEFAULT_PROGRESS_INTERVAL_MS, progressInterval, type AgentDeps, type AgentSettings, type RunResult, type StartedRun } from './run-types.js';

/**
 * Follows a started run to its end and writes the outcome into its comment.
 * Resumable: the App calls it again after a restart with the persisted run,
 * and the final write edits the same comment, so the answer appears once.
 */
export async function followRun(run: StartedRun, settings: AgentSettings, deps: AgentDeps, existing?: CommentWriter): Promise<RunResult> {
  const writer =
    existing ??
    (run.comment
      ? CommentWriter.resume(deps.github, run.comment, { thread: run.thread, minIntervalMs: progressInterval(settings.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS, run.startedAt), logger: deps.logger })
      : undefined);
  const view = initialView(run);
  const progress = () => progressBody(run, view);

  if (!settings.wait) {
    const ref = await writer?.flush(renderStarted({ chatUrl: run.chatUrl, chatId: run.chatId, request: run.request, notes: run.notes }));
    return { status: 'started', chatId: run.chatId, chatUrl: run.chatUrl, commentUrl: ref?.url, durationMs: Date.now() - run.startedAt, chatCreated: run.created };
  }

  const onProgress = (p: FollowProgress) => {
    if (p.kind === 'status') {
      view.status = p.waitingForCapacity ? 'waiting for capacity' : p.status;
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
      userMessageAt: run.userMessageAt,
      queuedId: run.queuedId,
      timeoutMs: Math.max(1000, settings.timeoutMs - (Date.now() - run.startedAt)),
      signal: deps.signal,
      onProgress,
    });
  } catch (err) {
    if (deps.leaveOnAbort && deps.signal?.aborted) {
      await writer?.abandon();
      return { status: 'aborted', chatId: run.chatId, chatUrl: run.chatUrl, commentUrl: writer?.ref.url, chatCreated: run.created };
    }
    const failure = describeFailure(err, deps.secrets);
    const ref = await writer?.flush(renderError({ title: failure.title, detail: failure.detail, hint: failure.hint, chatUrl: run.chatUrl, chatId: run.chatId, request: run.request }));
    return { status: 'failed', reason: failure.detail ?? failure.title, chatId: run.chatId, chatUrl: run.chatUrl, commentUrl: ref?.url, durationMs: Date.now() - run.startedAt, chatCreated: run.created, errorKind: failure.kind };
  }
  const durationMs = Date.now() - run.startedAt;
  if (settings.outputSchema && outcome.status === 'completed' && outcome.structuredOutput === undefined) {
    // Coder may accept response_format and still return nothing for it (a server that ignores the field).
    deps.logger.warn('output-schema was set, but Coder returned no structured output for this run; the deployment may not support response_format.');
  }
  if (outcome.status === 'aborted' && deps.leaveOnAbort) {
    await writer?.abandon();
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
  return {
    status: outcome.status,
    chatId: run.chatId,
    chatUrl: run.chatUrl,
    result,
    commentUrl,
    durationMs,
    prUrl,
    diffStatus: outcome.diffStatus,
    chatCreated: run.created,
    errorKind: outcome.status === 'error' ? outcome.error?.kind : undefined,
    ...(outcome.cost && { cost: outcome.cost }),
    ...(outcome.structuredOutput !== undefined && { structuredOutput: outcome.structuredOutput }),
  };
}

interface ProgressState {
  status: string;
  retries?: RetryInfo | undefined;
  queued?: number | undefined;
  lastTool?: string | undefined;
}

export function initialView(run: StartedRun): ProgressState {
  return { status: run.queuedId !== undefined ? 'queued' : 'pending' };
}

export function progressBody(run: StartedRun, view: ProgressState): string {
  return renderProgress({ ...view, chatUrl: run.chatUrl, chatId: run.chatId, request: run.request, elapsedMs: Date.now() - run.startedAt, notes: run.notes });
}

function finalBody(outcome: ChatOutcome, result: string, run: StartedRun, durationMs: number, prUrl: string | undefined, timeoutMs: number, secrets: readonly string[]): string {
  const common = { chatUrl: run.chatUrl, chatId: run.chatId, request: run.request };
  switch (outcome.status) {
    case 'completed':
    case 'requires_action':
      return renderAnswer({ ...common, result, status: outcome.status, durationMs, prUrl, usage: outcome.usage, cost: outcome.cost, notes: run.notes });
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
