import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CommentWriter } from '../../src/github/comment-writer.js';
import { GitHubError } from '../../src/github/errors.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import type { GitHubPort, Thread } from '../../src/github/port.js';
import { FakeGitHub, type RecordedRequest } from '../fakes/fake-github.js';
import { octokitFor, recordingLogger } from './support.js';

const INTERVAL = 50;

let fake: FakeGitHub;
let port: GitHubPort;
let thread: Thread;
let n = 0;

beforeAll(async () => {
  fake = await FakeGitHub.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.clearFaults();
  const issue = fake.addIssue(`o${++n}`, 'r');
  thread = { kind: 'issue', owner: issue.owner, repo: issue.repo, number: issue.number };
  port = createOctokitPort(octokitFor(fake), { botLogin: fake.botLogin });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const patches = (): RecordedRequest[] => fake.requestsTo({ method: 'PATCH', path: new RegExp(`^/repos/${thread.owner}/`) });
const patchedBodies = (): unknown[] => patches().map((r) => (r.body as { body: string }).body);
const stored = (): string[] => fake.comments(thread.owner, thread.repo, thread.number).map((c) => c.body);

describe('CommentWriter', () => {
  it('creates the comment once, then coalesces a burst into one edit with the latest body', async () => {
    const writer = await CommentWriter.start(port, thread, 'Starting', { minIntervalMs: INTERVAL });
    for (let i = 0; i < 20; i++) writer.update(`step ${i}`);
    await writer.idle();

    expect(fake.requestsTo({ method: 'POST' }).filter((r) => r.path.startsWith(`/repos/${thread.owner}/`))).toHaveLength(1);
    expect(patchedBodies()).toEqual(['step 19']);
    expect(stored()).toEqual(['step 19']);
  });

  it('keeps edits at least minIntervalMs apart under a steady stream of updates', async () => {
    // Time the edits where the writer makes them: arrival times at the server jitter.
    const editedAt: number[] = [];
    const timed: GitHubPort = Object.assign(Object.create(port) as GitHubPort, {
      updateComment: (...args: Parameters<GitHubPort['updateComment']>) => {
        editedAt.push(Date.now());
        return port.updateComment(...args);
      },
    });
    const writer = await CommentWriter.start(timed, thread, 'Starting', { minIntervalMs: INTERVAL });
    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      writer.update(`tick ${i}`);
      await sleep(10);
    }
    await writer.idle();
    const elapsed = Date.now() - started;

    expect(editedAt.length).toBeGreaterThanOrEqual(2);
    expect(editedAt.length).toBeLessThanOrEqual(Math.ceil(elapsed / INTERVAL) + 1);
    expect(patches()).toHaveLength(editedAt.length);
    // setTimeout may fire a millisecond early.
    for (let i = 1; i < editedAt.length; i++) expect(editedAt[i]! - editedAt[i - 1]!).toBeGreaterThanOrEqual(INTERVAL - 2);
    expect(stored()).toEqual(['tick 29']);
  });

  it('does not re-send a body GitHub already shows', async () => {
    const writer = await CommentWriter.start(port, thread, 'Starting', { minIntervalMs: INTERVAL });
    writer.update('Starting');
    await writer.idle();
    expect(patches()).toHaveLength(0);

    writer.update('Working');
    await writer.idle();
    writer.update('Working');
    await sleep(INTERVAL * 2);
    await writer.idle();
    await writer.flush('Working');
    expect(patchedBodies()).toEqual(['Working']);
  });

  it('flush writes the final body at once and later progress never overwrites it', async () => {
    const writer = await CommentWriter.start(port, thread, 'Starting', { minIntervalMs: INTERVAL });
    writer.update('progress that is still waiting');
    const ref = await writer.flush('Final answer');
    writer.update('late progress');
    await sleep(INTERVAL * 3);

    expect(ref.id).toBe(fake.comments(thread.owner, thread.repo, thread.number)[0]?.id);
    expect(patchedBodies()).toEqual(['Final answer']);
    expect(stored()).toEqual(['Final answer']);
  });

  it('flush waits for a progress edit under way, then writes the final body after it', async () => {
    const writer = await CommentWriter.start(port, thread, 'Starting', { minIntervalMs: 0 });
    fake.setDelay(150, { method: 'PATCH' });
    writer.update('slow progress');
    await sleep(20); // the progress PATCH is now in flight, held for 150 ms
    fake.clearFaults(); // a final PATCH sent now would overtake it
    await writer.flush('Final answer');
    await writer.idle();
    await sleep(200); // long enough for an overtaken progress edit to land

    expect(patchedBodies()).toEqual(['slow progress', 'Final answer']);
    expect(stored()).toEqual(['Final answer']);
  });

  it('survives a 502 on a progress edit by retrying at the next tick', async () => {
    const logger = recordingLogger();
    const writer = await CommentWriter.start(port, thread, 'Starting', { minIntervalMs: INTERVAL, logger });
    fake.failNext({ method: 'PATCH' }, { status: 502 });
    writer.update('step 1');
    await writer.idle();

    expect(patches().map((r) => r.status)).toEqual([502, 200]);
    expect(stored()).toEqual(['step 1']);
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'Updating the progress comment failed; retrying at the next tick',
    ]);
  });

  it('a failed progress edit does not resurrect an older body over a newer one', async () => {
    const writer = await CommentWriter.start(port, thread, 'Starting', { minIntervalMs: INTERVAL });
    fake.failNext({ method: 'PATCH' }, { status: 502 });
    fake.setDelay(100, { method: 'PATCH' });
    writer.update('old');
    await sleep(INTERVAL + 30);
    writer.update('new'); // arrives while the edit to 'old' is under way, and about to fail
    await writer.idle();
    expect(patchedBodies()).toEqual(['old', 'new']);
    expect(stored()).toEqual(['new']);
  });

  it('retries the final write with backoff until it lands', async () => {
    const writer = await CommentWriter.start(port, thread, 'Starting', { finalBackoffMs: 10 });
    fake.failNext({ method: 'PATCH' }, { status: 502 }, 2);
    await writer.flush('Final answer');
    expect(patches().map((r) => r.status)).toEqual([502, 502, 200]);
    expect(stored()).toEqual(['Final answer']);
  });

  it('throws when the final write keeps failing', async () => {
    const writer = await CommentWriter.start(port, thread, 'Starting', { finalBackoffMs: 5, finalAttempts: 3 });
    fake.failNext({ method: 'PATCH' }, { status: 503 }, 10);
    const err = await writer.flush('Final answer').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).status).toBe(503);
    expect(patches()).toHaveLength(3);
  });

  it('does not retry a final write GitHub rejects as invalid', async () => {
    const writer = await CommentWriter.start(port, thread, 'Starting', { finalBackoffMs: 5 });
    const err = (await writer.flush('x'.repeat(70_000)).catch((e: unknown) => e)) as GitHubError;
    expect(err.status).toBe(422);
    expect(patches()).toHaveLength(1);
  });

  it('posts the answer as a new comment when the progress comment was deleted', async () => {
    const first = await CommentWriter.start(port, thread, 'Starting');
    fake.deleteComment(first.ref.id);
    const writer = CommentWriter.resume(port, first.ref, { thread, lastBody: 'Starting' });
    const ref = await writer.flush('Final answer');
    expect(ref.id).not.toBe(first.ref.id);
    expect(writer.ref).toEqual(ref);
    expect(stored()).toEqual(['Final answer']);
  });

  it("takes only GitHub's own 404 for a deleted comment: a 404 to the installation token is tried again, in the same comment", async () => {
    const first = await CommentWriter.start(port, thread, 'Starting');
    let refused = false;
    const tokenless: GitHubPort = Object.assign(Object.create(port) as GitHubPort, {
      updateComment: (...args: Parameters<GitHubPort['updateComment']>) => {
        if (refused) return port.updateComment(...args);
        refused = true;
        const route = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}';
        return Promise.reject(new GitHubError({ status: 404, route, githubMessage: 'Not Found', failedRequest: 'POST /app/installations/1/access_tokens' }));
      },
    });
    const writer = CommentWriter.resume(tokenless, first.ref, { thread, lastBody: 'Starting', finalBackoffMs: 5 });
    const ref = await writer.flush('Final answer');
    expect(ref.id).toBe(first.ref.id);
    expect(stored()).toEqual(['Final answer']);
  });

  it('resumes an earlier comment and writes the first update at once', async () => {
    const ref = await port.createComment(thread, 'Queued');
    const writer = CommentWriter.resume(port, ref, { minIntervalMs: 10_000 });
    writer.update('Running again');
    await writer.idle();
    expect(stored()).toEqual(['Running again']);
  });
});
