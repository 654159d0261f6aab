/**
 * The ways a run ends before its chat exists, other than a refusal: a token
 * that may not write (the first write, the 👀, said so), a cancel that came
 * first, and an earlier attempt that already ended so. Each still leaves a
 * sentence (issue 12, items 6 and 7), once (issue 10).
 */
import { GitHubError } from '../github/errors.js';
import type { Thread } from '../github/port.js';
import { renderStopped } from './render.js';
import { postOnce, type RequestComment } from './request-comment.js';
import type { AgentDeps, RunResult } from './run-types.js';
import type { Trigger } from './trigger.js';

/** A 403 that is not a rate limit: the token may not write here (a read-only workflow token, a missing App permission). */
export function isWriteDenied(err: unknown): err is GitHubError {
  return err instanceof GitHubError && err.status === 403 && !err.rateLimited;
}

export function cannotWrite(trigger: Trigger, err: GitHubError): string {
  const { owner, repo } = trigger.repository;
  return (
    `The bot's GitHub token cannot write to ${owner}/${repo} (GitHub answered 403${err.githubMessage ? `: ${err.githubMessage}` : ''}), so the agent was not started. ` +
    "Workflows run for pull requests from forks, and Dependabot's, get a read-only token and no secrets; the token needs issues and pull-requests write permission (docs/action.md, section Forked pull requests and Dependabot)."
  );
}

/** Cancelled before a chat existed: say so in the thread; nothing runs in Coder. */
export async function cancelledBeforeChat(thread: Thread | undefined, deps: AgentDeps, started: number, own?: RequestComment): Promise<RunResult> {
  const reason = 'The run was cancelled before the agent started; nothing was sent to Coder.';
  let commentUrl: string | undefined;
  let deliveryError: string | undefined;
  if (thread) {
    try {
      commentUrl = (await postOnce(deps.github, thread, renderStopped({ reason, request: deps.idempotencyKey }), own)).url;
    } catch (err) {
      deliveryError = (err as Error).message;
    }
  }
  return { status: 'aborted', reason, commentUrl, durationMs: Date.now() - started, deliveryError };
}

/**
 * A resumed request whose earlier attempt ended before any chat existed
 * (Coder refused to start one, the run was cancelled) and said so in its
 * comment: that comment is the outcome. Starting the chat now would follow
 * an error the person already read with a second comment and a second
 * outcome.
 */
export function endedBeforeChat(own: RequestComment, started: number): RunResult {
  const commentUrl = own.comment.html_url;
  const durationMs = Date.now() - started;
  if (own.marker.state === 'stopped') return { status: 'aborted', reason: 'The run was cancelled before the agent started; nothing was sent to Coder.', commentUrl, durationMs };
  return { status: 'failed', reason: 'An earlier attempt of this request could not start the agent and said so in the thread.', commentUrl, durationMs };
}
