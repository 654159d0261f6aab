/**
 * Workflow targets: a workflow run (schedule, workflow_dispatch, any event)
 * that reports into a chosen issue or pull request, and keeps that thread's
 * chat going across runs (the Action's `issue` input).
 */
import type { GitHubPort } from '../github/port.js';
import type { Trigger } from './trigger.js';

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

/**
 * The trigger as if it had happened in the target thread: the answer goes
 * there, and the thread's title and body become the new chat's context. Who
 * caused the event stays as it was (the permission check is unchanged).
 * Throws GitHubError when the issue cannot be read (404: wrong number or no access).
 */
export async function retarget(trigger: Trigger, target: IssueTarget, github: GitHubPort): Promise<Trigger> {
  const issue = await github.getIssue(target.owner, target.repo, target.number);
  const sameRepository = target.owner.toLowerCase() === trigger.repository.owner.toLowerCase() && target.repo.toLowerCase() === trigger.repository.repo.toLowerCase();
  return {
    ...trigger,
    repository: { owner: target.owner, repo: target.repo },
    // The payload's repository id names only its own repository; another one's is asked of GitHub, so the
    // thread label names it and later runs continue that thread's chat (thread-label.ts).
    repositoryId: sameRepository ? trigger.repositoryId : await github.getRepositoryId(target.owner, target.repo),
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
