/**
 * Many runs in one installation against a fake GitHub that enforces the
 * write budget as GitHub does (403 secondary rate limit with retry-after).
 * GitHub's clock runs 20× faster on both sides: a second is 50 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withWriteBudget } from '../../src/github/budgeted-port.js';
import { CommentWriter } from '../../src/github/comment-writer.js';
import { GitHubError } from '../../src/github/errors.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import type { CommentRef, GitHubPort, Thread, WriteOptions, WritePriority } from '../../src/github/port.js';
import { GITHUB_WRITE_BUDGET, scaleBudget, WriteScheduler } from '../../src/github/write-scheduler.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { octokitFor } from './support.js';

const SECOND_MS = 50;
const INSTALLATION = 42;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let fake: FakeGitHub;
let repoCount = 0;
beforeAll(async () => {
  fake = await FakeGitHub.start({ writeBudget: { secondMs: SECOND_MS } });
});
afterAll(async () => {
  await fake.close();
});

function newRepo(): string {
  const repo = `service-${++repoCount}`;
  fake.addRepo('org', repo, { installationId: INSTALLATION + repoCount });
  return repo;
}

/** What reached GitHub (below the scheduler): each write's priority and start. */
interface Started {
  priority: WritePriority;
  at: number;
}

/** The port as the App builds it for an installation, with a probe under the scheduler. */
function installationPort(started: Started[]): { port: GitHubPort; scheduler: WriteScheduler } {
  const raw = createOctokitPort(octokitFor(fake), { botLogin: fake.botLogin });
  const probe: GitHubPort = Object.assign(Object.create(raw) as GitHubPort, {
    addReaction: (...a: Parameters<GitHubPort['addReaction']>) => {
      started.push({ priority: 'comment', at: Date.now() });
      return raw.addReaction(...a);
    },
    createComment: (thread: Thread, body: string, o?: WriteOptions) => {
      started.push({ priority: o?.priority === 'comment' ? 'comment' : 'answer', at: Date.now() });
      return raw.createComment(thread, body, o);
    },
    updateComment: (ref: CommentRef, body: string, o?: WriteOptions) => {
      started.push({ priority: o?.priority ?? 'answer', at: Date.now() });
      return raw.updateComment(ref, body, o);
    },
  });
  const scheduler = new WriteScheduler(scaleBudget(GITHUB_WRITE_BUDGET, SECOND_MS / 1000));
  return { port: withWriteBudget(probe, scheduler), scheduler };
}

/** One run as the domain does it: 👀, a progress comment edited as the agent works, then the answer. */
async function run(port: GitHubPort, thread: Extract<Thread, { kind: 'issue' }>, workMs: number, answers: { at: number }[]): Promise<void> {
  const trigger = fake.addComment(thread.owner, thread.repo, thread.number, { body: '/agent go', user: 'maintainer' });
  await port.addReaction({ owner: thread.owner, repo: thread.repo, kind: 'issue-comment', commentId: trigger.id }, 'eyes');
  const writer = await CommentWriter.start(port, thread, `⏳ Starting (#${thread.number})`, { minIntervalMs: 2 * SECOND_MS });
  const end = Date.now() + workMs;
  for (let step = 0; Date.now() < end; step++) {
    writer.update(`⏳ Working (#${thread.number}), step ${step}`);
    await sleep(10);
  }
  answers.push({ at: Date.now() });
  await writer.flush(`✅ Answer for #${thread.number}`);
}

describe('the write budget of one installation', () => {
  it('is enforced by the fake: writes sent as fast as the domain makes them are refused', async () => {
    // On GitHub's own clock: ten writes at once cannot spread over a second, however loaded the machine.
    const realTime = await FakeGitHub.start({ writeBudget: {} });
    realTime.addRepo('org', 'burst', { installationId: 7 });
    const raw = createOctokitPort(octokitFor(realTime), { botLogin: realTime.botLogin });
    const issue = realTime.addIssue('org', 'burst');
    const thread = { kind: 'issue' as const, owner: 'org', repo: 'burst', number: issue.number };
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => raw.createComment(thread, `burst ${i}`))).finally(() => realTime.close());
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as GitHubError] : []));
    expect(refusals.length).toBeGreaterThan(0);
    for (const e of refusals) {
      expect(e).toBeInstanceOf(GitHubError);
      expect(e).toMatchObject({ status: 403, rateLimited: true, retryAfterSeconds: 1 });
      expect(e.githubMessage).toMatch(/secondary rate limit/);
    }
    expect(realTime.requests.filter((r) => r.installationId === 7 && r.status === 403)).toHaveLength(refusals.length);
    expect(realTime.writeBudget?.refused.get(7)).toBe(refusals.length);
  });

  it('posts every answer once, never behind a progress edit, without one secondary rate limit, under many concurrent runs', async () => {
    const repo = newRepo();
    const installationId = INSTALLATION + repoCount;
    const started: Started[] = [];
    const { port, scheduler } = installationPort(started);
    const answers: { at: number }[] = [];
    const threads = Array.from({ length: 12 }, () => {
      const issue = fake.addIssue('org', repo);
      return { kind: 'issue' as const, owner: 'org', repo, number: issue.number };
    });
    await Promise.all(threads.map((t, i) => run(port, t, 300 + (i % 4) * 150, answers)));

    // Not one write over GitHub's budget.
    expect(fake.writeBudget?.refused.get(installationId) ?? 0).toBe(0);
    expect(scheduler.stats.rateLimited).toBe(0);
    // Each answer once: one bot comment per issue, holding the answer, written by exactly one answer PATCH.
    for (const t of threads) {
      const bodies = fake.comments('org', repo, t.number).filter((c) => c.user.login === fake.botLogin).map((c) => c.body);
      expect(bodies).toEqual([`✅ Answer for #${t.number}`]);
      const answerWrites = fake.requestsTo({ method: 'PATCH', path: new RegExp(`^/repos/org/${repo}/`) }).filter((r) => (r.body as { body?: string }).body === `✅ Answer for #${t.number}`);
      expect(answerWrites).toHaveLength(1);
    }
    // No progress edit started while an answer waited (flush asked → the answer's write started).
    const answerStarts = started.filter((s) => s.priority === 'answer').map((s) => s.at);
    const progressStarts = started.filter((s) => s.priority === 'progress').map((s) => s.at);
    expect(answerStarts).toHaveLength(threads.length);
    const asked = answers.map((a) => a.at).sort((a, b) => a - b);
    answerStarts.sort((a, b) => a - b);
    for (let i = 0; i < asked.length; i++) {
      // The i-th answer asked for starts no earlier than asked; no progress edit may start in between.
      const from = asked[i] as number;
      const to = answerStarts[i] as number;
      expect(progressStarts.filter((p) => p > from && p < to)).toEqual([]);
    }
    expect(scheduler.stats.answersBehindProgress).toBe(0);
    // Progress was shown while there was room, and shed under pressure.
    expect(scheduler.stats.written.progress).toBeGreaterThan(0);
    expect(scheduler.stats.dropped).toBeGreaterThan(0);
  });

  it('still posts the answer once when another client of the installation spent the budget (secondary rate limit)', async () => {
    const repo = newRepo();
    const started: Started[] = [];
    const { port, scheduler } = installationPort(started);
    const issue = fake.addIssue('org', repo);
    const thread = { kind: 'issue' as const, owner: 'org', repo, number: issue.number };
    const writer = await CommentWriter.start(port, thread, '⏳ Starting', { minIntervalMs: SECOND_MS });
    fake.failNext(
      { method: 'PATCH' },
      { status: 403, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, headers: { 'retry-after': '2' } },
    );
    const t0 = Date.now();
    await writer.flush('✅ The answer');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2 * SECOND_MS - 5);
    expect(fake.comments('org', repo, issue.number).map((c) => c.body)).toEqual(['✅ The answer']);
    expect(scheduler.stats.rateLimited).toBe(1);
    expect(fake.requestsTo({ method: 'PATCH' }).filter((r) => r.path.includes('/issues/comments/') && r.status === 200 && (r.body as { body?: string }).body === '✅ The answer')).toHaveLength(1);
  });
});
