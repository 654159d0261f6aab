/**
 * Which workspace a repository's `.github/coder-agent.yml` may pin
 * (`workspace-id`), in the App.
 *
 * One Coder account serves every repository of an installation, so the
 * workspaces it reaches are not the repository's to choose: a writer in
 * `acme/widgets` could otherwise set the workspace of `acme/secret-plans`
 * (or a person's own) and have the agent work, and read, inside it
 * (issue 8). The operator decides, with ALLOWED_REPO_WORKSPACES: pairs
 * `owner/repo=<workspace id>` (or `owner/*=<id>` for every repository of an
 * owner), separated by commas or newlines; `*` alone honours any
 * `workspace-id`, for an installation whose writers may all use every
 * workspace the account reaches. Unset: no repository may pin one; its
 * requests are refused in the thread until the setting or the file changes.
 * The Action keeps `workspace-id`: it runs per repository, with that
 * repository's own inputs and token.
 */
import { renderError } from '../agent/render.js';
import { decideRun } from '../agent/decide-run.js';
import { threadOf } from '../agent/gather.js';
import { findRequestComment, postOnce } from '../agent/request-comment.js';
import type { AgentDeps, AgentSettings, RunResult } from '../agent/run-types.js';
import type { Trigger } from '../agent/trigger.js';

/** ALLOWED_REPO_WORKSPACES, read: `any` for `*`, else the pairs (owner, repo or `*`, workspace id), lower-cased. */
export interface RepoWorkspaces {
  any: boolean;
  pairs: Array<{ owner: string; repo: string; workspaceId: string }>;
}

const PAIR = /^([^\s/=]+)\/([^\s/=]+)=(\S+)$/;

/** Reads ALLOWED_REPO_WORKSPACES; a malformed entry adds its sentence to `problems` (readSettings reports them all). */
export function readRepoWorkspaces(raw: string | undefined, problems: string[]): RepoWorkspaces {
  const entries = (raw ?? '')
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  const allowed: RepoWorkspaces = { any: false, pairs: [] };
  for (const entry of entries) {
    if (entry === '*') {
      allowed.any = true;
      continue;
    }
    const match = PAIR.exec(entry);
    if (!match) {
      problems.push(`ALLOWED_REPO_WORKSPACES entries must be owner/repo=<workspace id>, owner/*=<workspace id> or * (got "${entry}").`);
      continue;
    }
    allowed.pairs.push({ owner: match[1]!.toLowerCase(), repo: match[2]!.toLowerCase(), workspaceId: match[3]!.toLowerCase() });
  }
  return allowed;
}

/**
 * Why `repository` may not pin `workspaceId`, or undefined when it may (or
 * pins none). GitHub names and UUIDs compare without case. `allowed`
 * undefined: nothing is allowed.
 */
export function workspaceRefusal(allowed: RepoWorkspaces | undefined, repository: { owner: string; repo: string }, workspaceId: string | undefined): string | undefined {
  if (workspaceId === undefined) return undefined;
  if (allowed?.any) return undefined;
  const owner = repository.owner.toLowerCase();
  const repo = repository.repo.toLowerCase();
  const id = workspaceId.toLowerCase();
  const listed = allowed?.pairs.some((p) => p.owner === owner && (p.repo === '*' || p.repo === repo) && p.workspaceId === id);
  if (listed) return undefined;
  return `.github/coder-agent.yml pins the workspace ${workspaceId}, which this App's operator has not allowed for ${repository.owner}/${repository.repo}`;
}

/**
 * Answers a request from a repository whose config pins a workspace it may
 * not use: nothing for an event that would not have started the agent (the
 * usual checks, so no comment on every delivery), else an error comment in
 * the thread and a refusal the job log records. No chat is created or sent to.
 * The comment carries the request key, and a request resumed after a crash
 * finds it rather than posting it again (request-comment.ts).
 */
export async function refuseRepoWorkspace(trigger: Trigger, settings: AgentSettings, deps: AgentDeps, reason: string): Promise<RunResult> {
  const decision = await decideRun(trigger, settings, deps);
  if (!decision.go) return decision.result;
  deps.logger.warn(`Refused: ${reason}.`);
  const thread = threadOf(trigger);
  const hint = 'Ask the App\'s operator to list this repository and workspace in ALLOWED_REPO_WORKSPACES, or remove `workspace-id` from .github/coder-agent.yml.';
  const body = renderError({ title: 'The agent may not use the workspace this repository pins', detail: reason, hint, request: deps.idempotencyKey });
  const own = thread && deps.idempotencyKey !== undefined ? findRequestComment((await deps.github.listThreadComments(thread)).comments, deps.idempotencyKey, deps.botLogin) : undefined;
  const comment = thread ? await postOnce(deps.github, thread, body, own) : undefined;
  return { status: 'refused', reason: `${reason}.`, commentUrl: comment?.url };
}
