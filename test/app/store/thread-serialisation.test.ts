import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewJob } from '../../../src/app/store/job-store.js';
import { SqliteJobStore } from '../../../src/app/store/sqlite-store.js';

let dir: string;
let store: SqliteJobStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'thread-serial-'));
  store = SqliteJobStore.open(join(dir, 'jobs.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function job(n: number, threadKey: string | null): NewJob {
  return { deliveryId: `d${n}`, dedupeKey: `k${n}`, event: 'issue_comment', installationId: 1, repository: 'o/r', payload: {}, receivedAt: 1_000 + n, threadKey };
}
const ids = (jobs: { deliveryId: string }[]) => jobs.map((j) => j.deliveryId);
const NOW = 10_000;

describe('one chat per thread in the job store', () => {
  it('holds a request back while an earlier one in its thread has no chat yet', async () => {
    await store.enqueue(job(1, 'o/r#5'));
    await store.enqueue(job(2, 'o/r#5'));
    await store.enqueue(job(3, 'o/r#6'));
    await store.enqueue(job(4, null));
    expect(ids(await store.claim('w1', 10, 60_000, NOW))).toEqual(['d1', 'd3', 'd4']);
    // Another worker (or replica) gets nothing while #5's first request is starting.
    await store.markStarting('d1');
    expect(ids(await store.claim('w2', 10, 60_000, NOW))).toEqual([]);
    // The chat exists (the run is recorded): the second request may join it.
    await store.recordRun('d1', { chatId: 'c' });
    expect(ids(await store.claim('w2', 10, 60_000, NOW))).toEqual(['d2']);
  });

  it('lets the next one go when the earlier one finishes without a chat, and never lets a later one jump ahead', async () => {
    await store.enqueue(job(1, 'o/r#5'));
    await store.enqueue(job(2, 'o/r#5'));
    await store.enqueue(job(3, 'o/r#5'));
    expect(ids(await store.claim('w1', 10, 60_000, NOW))).toEqual(['d1']);
    await store.finish('d1', 'failed', null, 'refused');
    expect(ids(await store.claim('w1', 10, 60_000, NOW))).toEqual(['d2']);
  });
});
