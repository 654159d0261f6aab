import { describe, expect, it } from '@jest/globals';
import { fencePort, LeaseLostError } from '../../src/app/fenced-port.js';
import { withWriteBudget } from '../../src/github/budgeted-port.js';
import type { GitHubPort, Thread, WriteOptions } from '../../src/github/port.js';
import { GITHUB_WRITE_BUDGET, WriteScheduler } from '../../src/github/write-scheduler.js';
import { SqliteJobStore } from '../../src/app/store/sqlite-store.js';

const thread = { owner: 'o', repo: 'r', kind: 'issue', number: 1 } as unknown as Thread;

/** A port that keeps GitHubPort's contract: each write awaits `beforeSend` right before it is "sent". */
function recordingPort() {
  const writes: string[] = [];
  const port = {
    createComment: async (_t: Thread, body: string, options?: WriteOptions) => {
      await options?.beforeSend?.();
      writes.push(`create:${body}`);
      return { owner: 'o', repo: 'r', kind: 'issue', id: 1, url: 'u' };
    },
    updateComment: async (_r: unknown, body: string, options?: WriteOptions) => {
      await options?.beforeSend?.();
      writes.push(`update:${body}`);
    },
    addReaction: async (_t: unknown, _c: unknown, options?: WriteOptions) => {
      await options?.beforeSend?.();
      writes.push('react');
    },
    listThreadComments: async () => ({ comments: [], olderLeftOut: false }),
  } as unknown as GitHubPort;
  return { port, writes };
}

describe('the fenced GitHub port', () => {
  it('writes while the lease holds, and refuses every write once another replica took the job over', async () => {
    const store = SqliteJobStore.open(':memory:');
    await store.enqueue({ deliveryId: 'd1', dedupeKey: 'k1', event: 'issue_comment', installationId: 1, repository: 'o/r', payload: {}, receivedAt: 0 });
    const now = Date.now();
    const [mine] = await store.claim('paused-replica', 1, 1_000, now);
    const { port, writes } = recordingPort();
    let refusals = 0;
    const fence = fencePort(port, store, { deliveryId: 'd1', owner: 'paused-replica', generation: mine!.leaseGeneration }, 1_000, () => refusals++);

    await fence.port.createComment(thread, 'progress');
    expect(writes).toEqual(['create:progress']);
    // Reads are not fenced.
    await expect(fence.port.listThreadComments(thread)).resolves.toEqual({ comments: [], olderLeftOut: false });

    // The replica is paused past its lease; another takes the job.
    await store.claim('other-replica', 1, 60_000, now + 5_000);
    await expect(fence.port.updateComment({ owner: 'o', repo: 'r', kind: 'issue', id: 1, url: 'u' } as never, 'the answer')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(fence.port.createComment(thread, 'an error')).rejects.toThrow(/no longer holds the lease of job d1/);
    expect(writes).toEqual(['create:progress']);
    expect(fence.refused).toBe(true);
    expect(refusals).toBe(1);
    await store.close();
  });

  it('passes on what each write is for, so the installation\'s write scheduler still puts answers before progress edits', async () => {
    const store = SqliteJobStore.open(':memory:');
    await store.enqueue({ deliveryId: 'd2', dedupeKey: 'k2', event: 'issue_comment', installationId: 1, repository: 'o/r', payload: {}, receivedAt: 0 });
    const [mine] = await store.claim('replica', 1, 60_000, Date.now());
    const seen: unknown[] = [];
    const port = {
      createComment: async (_t: Thread, _body: string, options?: unknown) => {
        seen.push(options);
        return { owner: 'o', repo: 'r', kind: 'issue', id: 1, url: 'u' };
      },
      updateComment: async (_r: unknown, _body: string, options?: unknown) => {
        seen.push(options);
      },
    } as unknown as GitHubPort;
    const fence = fencePort(port, store, { deliveryId: 'd2', owner: 'replica', generation: mine!.leaseGeneration }, 60_000, () => undefined);
    const signal = new AbortController().signal;
    const ref = await fence.port.createComment(thread, 'progress', { priority: 'comment' });
    await fence.port.updateComment(ref, 'still working', { priority: 'progress', signal });
    await fence.port.updateComment(ref, 'the answer', { priority: 'answer' });
    // Each write also carries the lease check, for the port to run when the write is sent.
    expect(seen).toEqual([
      { priority: 'comment', beforeSend: expect.any(Function) },
      { priority: 'progress', signal, beforeSend: expect.any(Function) },
      { priority: 'answer', beforeSend: expect.any(Function) },
    ]);
    await store.close();
  });

  it('checks the lease when a write leaves the installation\'s write queue, not when it joined it', async () => {
    const store = SqliteJobStore.open(':memory:');
    await store.enqueue({ deliveryId: 'd3', dedupeKey: 'k3', event: 'issue_comment', installationId: 1, repository: 'o/r', payload: {}, receivedAt: 0 });
    const now = Date.now();
    const [mine] = await store.claim('paused-replica', 1, 1_000, now);
    const { port, writes } = recordingPort();
    // GitHub's budget, with a gap long enough to see the second write wait its turn.
    const budgeted = withWriteBudget(port, new WriteScheduler({ ...GITHUB_WRITE_BUDGET, minGapMs: 300 }));
    const fence = fencePort(budgeted, store, { deliveryId: 'd3', owner: 'paused-replica', generation: mine!.leaseGeneration }, 1_000, () => undefined);

    await fence.port.createComment(thread, 'progress');
    // Queued behind the first write while this replica still holds the lease...
    const answer = fence.port.updateComment({ owner: 'o', repo: 'r', kind: 'issue', id: 1, url: 'u' } as never, 'the answer');
    // ...and taken over by another replica while it waits.
    await store.claim('other-replica', 1, 60_000, now + 5_000);
    await expect(answer).rejects.toBeInstanceOf(LeaseLostError);
    expect(writes).toEqual(['create:progress']);
    expect(fence.refused).toBe(true);
    await store.close();
  });
});
