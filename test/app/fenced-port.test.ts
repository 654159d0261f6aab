import { describe, expect, it } from '@jest/globals';
import { fencePort, LeaseLostError } from '../../src/app/fenced-port.js';
import type { GitHubPort, Thread } from '../../src/github/port.js';
import { SqliteJobStore } from '../../src/app/store/sqlite-store.js';

const thread = { owner: 'o', repo: 'r', kind: 'issue', number: 1 } as unknown as Thread;

function recordingPort() {
  const writes: string[] = [];
  const port = {
    createComment: async (_t: Thread, body: string) => {
      writes.push(`create:${body}`);
      return { owner: 'o', repo: 'r', kind: 'issue', id: 1, url: 'u' };
    },
    updateComment: async (_r: unknown, body: string) => {
      writes.push(`update:${body}`);
    },
    addReaction: async () => {
      writes.push('react');
    },
    listThreadComments: async () => [],
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
    await expect(fence.port.listThreadComments(thread)).resolves.toEqual([]);

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
    expect(seen).toEqual([{ priority: 'comment' }, { priority: 'progress', signal }, { priority: 'answer' }]);
    await store.close();
  });
});
