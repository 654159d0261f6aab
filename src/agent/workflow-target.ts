/**
 * Workflow targets: a workflow run (schedule, workflow_dispatch, any event)
 * that reports into a chosen issue or pull request, and keeps that thread's
 * chat going across runs (the Action's `issue` input).
 */
import { GitHubError, ThreadMovedError } from '../github/errors.js';
import type { GitHubPort } from '../github/port.js';
import { decideActor, type PolicyDecision, type PolicySettings } from './policy.js';
import type { RepositoryRef, Trigger } from './trigger.js';

/** An issue or pull request named by a workflow. */
export interface IssueTarget {
  owner: string;
  repo: string;
  number: number;
}

/** A target that cannot be read; the message says what to write instead. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

const ISSUE_URL = /^https?:\/\/[^/\s]+\/([^/\s]+)\/([^/\s]+)\/(?:issues|pull)\/(\d+)\/?(?:[#?].*)?$/i;

/**
 * Reads `issue`: a number (`42`, `#42`) in `current`, or the URL of an issue
 * or pull request (`https://github.com/o/r/issues/42`, `.../pull/42`, GitHub
 * Enterprise hosts alike). Throws TargetError.
 */
export function parseIssueTarget(raw: string, current: { owner: string; repo: string }): IssueTarget {
  const value = raw.trim();
  const number = /^#?(\d+)$/.exec(value);
  if (number) return { ...current, number: toNumber(number[1] ?? '', raw) };
  const url = ISSUE_URL.exec(value);
  if (url) return { owner: url[1] ?? '', repo: url[2] ?? '', number: toNumber(url[3] ?? '', raw) };
  throw new TargetError(`The input "issue" must be an issue or pull request number, or its URL like https://github.com/owner/repo/issues/42 (got "${raw}").`);
}

function toNumber(digits: string, raw: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n) || n <= 0) throw new TargetError(`The input "issue" must name an issue number above zero (got "${raw}").`);
  return n;
}

const sameRepository = (a: RepositoryRef, b: RepositoryRef) => a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();

/**
 * Whether the event may act in a target thread of another repository
 * (docs/security.md, "Who can trigger what"; review 8d). Whoever can push to
 * or dispatch the workflow may use its own repository's threads, but the
 * token may reach other repositories where that person may only read: so
 * the event's sender must be allowed on the target's repository as a
 * commenter there would be (write access, or a listed bot). A `schedule` run
 * has no sender and no input chosen when it runs (GitHub runs the default
 * branch's workflow file, whose writers set the token up), so it may name
 * any thread its token reaches; any other event without a sender may not
 * leave its repository. The same repository is allowed unasked. A refusal's
 * reason names the input; `quiet` as the policy's (the bot itself, a bot
 * not listed). Throws TargetError when the permission cannot be read.
 */
export async function authorizeTarget(event: Trigger, target: IssueTarget, settings: PolicySettings, github: GitHubPort): Promise<PolicyDecision> {
  if (sameRepository(target, event.repository)) return { allowed: true, via: 'workflow' };
  const where = `The input "issue" names ${target.owner}/${target.repo}#${target.number}, in another repository than ${event.repository.owner}/${event.repository.repo}`;
  const sender = event.sender;
  if (sender === null) {
    if (event.event === 'schedule') return { allowed: true, via: 'workflow' };
    return {
      allowed: false,
      reason: `${where}, and this "${event.event}" event names nobody whose access there could be checked; only a "schedule" run may report into another repository without a sender.`,
      quiet: false,
    };
  }
  const decision = await decideActor(sender, target, settings, github).catch((err: unknown) => {
    if (!(err instanceof GitHubError)) throw err;
    throw new TargetError(`${where}, and @${sender.login}'s permission there could not be read: ${err.message.replace(/\.$/, '')}.`);
  });
  return decision.allowed ? decision : { ...decision, reason: `${where}, where this run may not act: ${decision.reason}` };
}

/**
 * The trigger as if it had happened in the target thread: the answer goes
 * there, and the thread's title and body become the new chat's context. Who
 * caused the event stays as it was; their permission is checked in the
 * target's repository (authorizeTarget first, and the trigger's policy there).
 * Throws GitHubError when the issue cannot be read (404: wrong number or no access), and TargetError when
 * GitHub answers with an issue transferred to another repository (the port compares what it read with what
 * it asked for): the run would otherwise post into the thread of the moved issue's new number in the named
 * repository, with the moved issue's text as context, unchecked where that issue now lives.
 */
export async function retarget(trigger: Trigger, target: IssueTarget, github: GitHubPort): Promise<Trigger> {
  const issue = await github.getIssue(target.owner, target.repo, target.number).catch((err: unknown) => {
    if (!(err instanceof ThreadMovedError)) throw err;
    // Where it went is not named: the sender may have no access to that repository.
    throw new TargetError(`The input "issue" names ${target.owner}/${target.repo}#${target.number}, which was transferred to another repository; name the issue by its new URL.`);
  });
  return {
    ...trigger,
    repository: { owner: target.owner, repo: target.repo },
    // The payload's repository id names only its own repository; another one's is asked of GitHub, so the
    // thread label names it and later runs continue that thread's chat (thread-label.ts).
    repositoryId: sameRepository(target, trigger.repository) ? trigger.repositoryId : await github.getRepositoryId(target.owner, target.repo),
    thread: { number: issue.number, isPullRequest: issue.isPullRequest, reviewThreadRootId: null },
    comment: null,
    reviewComment: null,
    pullRequest: null,
    subject: {
      title: issue.title,
      body: issue.body,
      author: { login: issue.author.login, type: issue.author.type === 'User' || issue.author.type === 'Organization' ? issue.author.type : 'Bot', id: 0 },
      htmlUrl: issue.html_url,
    },
  };
}
