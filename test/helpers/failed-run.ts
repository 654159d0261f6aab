/**
 * A failed CI run on the agent's pull request, as the CI-feedback tests
 * need it: the real `workflow_run.completed` example (with a pull request)
 * re-pointed at a seeded repository, pull request #2 (head `changes`), the
 * run's jobs and logs in the fake GitHub, and the chat the bot started in
 * issue #1 that opened the pull request.
 */
import { threadLabels } from '../../src/agent/thread-label.js';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { webhookExample } from './webhook-examples.js';

export const FAILED_PR = 2;

export interface FailedRun {
  payload: Record<string, unknown>;
  runId: number;
  /** The chat that owns the pull request (its thread label names issue #1 of the repository). */
  chatId: string;
}

/** Seeds everything a failed run needs in both fakes and returns its delivery payload. */
export function seedFailedRun(coder: FakeCoder, github: FakeGitHub, owner: string, repo: string, opts: { installationId?: number; log?: string } = {}): FailedRun {
  const repository = github.addRepo(owner, repo, opts.installationId === undefined ? {} : { installationId: opts.installationId });
  github.addPullRequest(owner, repo, { number: FAILED_PR, title: 'Add CSV export', body: 'Opened by the agent.', user: 'maintainer', head: { ref: 'changes' }, base: { ref: 'master' }, files: [] });
  const payload = webhookExample('workflow_run', 'completed', (p) => ((p['workflow_run'] as { pull_requests: unknown[] }).pull_requests ?? []).length > 0);
  const run = payload['workflow_run'] as { id: number; head_repository: object };
  // A pull request's run has the PR's head as its branch, and the repository's own commit names it as head_repository.
  Object.assign(run, { conclusion: 'failure', run_attempt: 1, name: 'CI', head_branch: 'changes', head_repository: { ...run.head_repository, id: repository.id } });
  Object.assign(payload['repository'] as object, { id: repository.id, name: repo, full_name: `${owner}/${repo}`, owner: { login: owner, id: 1, type: 'User' } });
  if (opts.installationId !== undefined) payload['installation'] = { id: opts.installationId, node_id: 'x' };
  github.addWorkflowRun(owner, repo, run.id, [{ name: 'test', conclusion: 'failure', log: opts.log ?? 'FAIL src/csv.test.ts' }]);
  const chat = coder.createChatDirect({ labels: threadLabels({ repositoryId: repository.id, number: 1 }), messages: [{ role: 'user', text: 'add CSV export' }, { role: 'assistant', text: 'Opened #2.' }] });
  chat.chat.diff_status = { url: `https://github.com/${owner}/${repo}/pull/${FAILED_PR}`, pr_number: FAILED_PR, head_branch: 'changes', base_branch: 'master' };
  return { payload, runId: run.id, chatId: chat.id };
}
