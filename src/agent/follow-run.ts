/**
 * The second half of a run: follow the agent and turn the outcome into the
 * comment. Separate from the start so the App can call it again after a
 * restart with the persisted StartedRun.
 */
import { followChat, type ChatOutcome, type FollowProgress } from '../coder/follow.js';
import { FINAL_STATUSES } from '../coder/schemas.js';
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
    const written = await finalWrite(writer, renderStarted({ chatUrl: run.chatUrl, chatId: run.chatId, request: run.request, notes: run.notes }));
    return { status: 'started', chatId: run.chatId, chatUrl: run.chatUrl, commentUrl: written.url, durationMs: Date.now() - run.startedAt, chatCreated: run.created, deliveryError: written.error };
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
    const written = await finalWrite(writer, renderError({ title: failure.title, detail: failure.detail, hint: failure.hint, chatUrl: run.chatUrl, chatId: run.chatId, request: run.request }));
    await removeTriggerLabel(run, deps);
    return {
      status: 'failed',
      reason: failure.detail ?? failure.title,
      chatId: run.chatId,
      chatUrl: run.chatUrl,
      commentUrl: written.url,
      durationMs: Date.now() - run.startedAt,
      chatCreated: run.created,
      errorKind: failure.kind,
      deliveryError: written.error,
    };
  }
  const durationMs = Date.now() - run.startedAt;
  const structuredOutputMissing = settings.outputSchema !== undefined && outcome.status === 'completed' && outcome.structuredOutput === undefined;
  if (structuredOutputMissing) {
    // Coder may accept response_format and still return nothing for it (a server that ignores the field).
    deps.logger.warn('output-schema was set, but Coder returned no structured output for this run; the deployment may not support response_format.');
  }
  if (outcome.status === 'aborted' && deps.leaveOnAbort) {
    await writer?.abandon();
    return { status: 'aborted', chatId: run.chatId, chatUrl: run.chatUrl, commentUrl: writer?.ref.url, durationMs };
  }
  const interrupted = outcome.status === 'aborted' && (await interruptOwnTurn(run, outcome, deps));
  const prUrl = typeof outcome.diffStatus?.url === 'string' ? outcome.diffStatus.url : undefined;
  const result = redactSecrets(outcome.result, deps.secrets);
  const body = finalBody(outcome, result, run, durationMs, prUrl, settings.timeoutMs, deps.secrets, interrupted);
  const written = await finalWrite(writer, body);
  await removeTriggerLabel(run, deps);
  return {
    status: outcome.status,
    chatId: run.chatId,
    chatUrl: run.chatUrl,
    result,
    commentUrl: written.url,
    durationMs,
    prUrl,
    diffStatus: outcome.diffStatus,
    chatCreated: run.created,
    errorKind: outcome.status === 'error' ? outcome.error?.kind : undefined,
    ...(outcome.cost && { cost: outcome.cost }),
    ...(outcome.structuredOutput !== undefined && { structuredOutput: outcome.structuredOutput }),
    ...(structuredOutputMissing && { structuredOutputMissing }),
    deliveryError: written.error,
  };
}

/**
 * Takes the triggering label off when the run has ended (`remove-label-when-done`),
 * so adding it again asks again. A failure here is logged: the answer is already posted.
 */
async function removeTriggerLabel(run: StartedRun, deps: AgentDeps): Promise<void> {
  const label = run.removeLabel;
  if (!label) return;
  try {
    await deps.github.removeLabel(label.owner, label.repo, label.number, label.name);
  } catch (err) {
    deps.logger.warn(`Could not remove the label "${label.name}": ${(err as Error).message}`);
  }
}

/** How long a cancelled run waits for Coder to take the interrupt: the runner kills the step 10 s after it cancels. */
const INTERRUPT_TIMEOUT_MS = 3000;

/**
 * A cancelled run stops the turn it started, so the agent does not work on
 * unseen. Not when our message still waits in the queue: the turn under way
 * is someone else's. Returns whether Coder took the interrupt.
 */
async function interruptOwnTurn(run: StartedRun, outcome: ChatOutcome, deps: AgentDeps): Promise<boolean> {
  if (run.queuedId !== undefined || FINAL_STATUSES.has(outcome.chatStatus)) return false;
  try {
    await deps.coder.interrupt(run.chatId, AbortSignal.timeout(INTERRUPT_TIMEOUT_MS));
    deps.logger.info(`Interrupted chat ${run.chatId}.`);
    return true;
  } catch (err) {
    deps.logger.warn(`Could not interrupt chat ${run.chatId}: ${(err as Error).message}`);
    return false;
  }
}

/**
 * The last write of a run. Its failure (after the writer's retries) does not
 * lose the outcome: it is returned for the entry to deliver otherwise and to
 * report as undelivered. Not logged here: the entry says it once (the
 * Action's failure line, the App's job log).
 */
async function finalWrite(writer: CommentWriter | undefined, body: string): Promise<{ url?: string | undefined; error?: string | undefined }> {
  if (!writer) return {};
  try {
    return { url: (await writer.flush(body)).url };
  } catch (err) {
    return { url: writer.ref.url, error: (err as Error).message };
  }
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

function finalBody(
  outcome: ChatOutcome,
  result: string,
  run: StartedRun,
  durationMs: number,
  prUrl: string | undefined,
  timeoutMs: number,
  secrets: readonly string[],
  interrupted: boolean,
): string {
  const common = { chatUrl: run.chatUrl, chatId: run.chatId, request: run.request };
  switch (outcome.status) {
    case 'completed':
    case 'requires_action':
      // An interrupted turn (`/agent stop`, the Coder UI) did not finish: its comment must not say Done.
      return renderAnswer({ ...common, result, status: outcome.interrupted ? 'interrupted' : outcome.status, durationMs, prUrl, usage: outcome.usage, cost: outcome.cost, notes: run.notes });
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
        reason: cancelReason(interrupted, result),
        elapsedMs: durationMs,
        partialResult: result,
      });
  }
}

/** A cancel's sentence: says what became of the turn, and never claims the agent wrote something it did not. */
function cancelReason(interrupted: boolean, result: string): string {
  const turn = interrupted
    ? "The workflow run was cancelled during the agent's turn, and the Action interrupted that turn in Coder."
    : "The workflow run was cancelled during the agent's turn. The agent may still be working in Coder.";
  const written = result.trim() === '' ? ' The agent had not written anything yet.' : '';
  return `${turn}${written} A new request continues the chat.`;
}
