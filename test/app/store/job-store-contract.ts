/**
 * The JobStore contract: what every store (SQLite, Postgres) must do, run
 * against each by its own test file (sqlite-store.test.ts,
 * postgres-store.test.ts). Store-specific behaviour (files, WAL, migrations
 * under a lock) stays in those files.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { JobRecord, JobStore, NewJob } from '../../../src/app/store/job-store.js';

export interface StoreFixture {
  /** Opens another connection to this test's store (same file or database). */
  open(): Promise<JobStore>;
  /** Deletes the test's file or database. */
  dispose(): Promise<void>;
}

type FakeableAPI = 'hrtime' | 'nextTick' | 'performance' | 'queueMicrotask' | 'setImmediate' | 'clearImmediate' | 'setInterval' | 'clearInterval' | 'setTimeout' | 'clearTimeout';

/** Only Date is faked: a pg socket needs real timers. */
const REAL_TIMERS: FakeableAPI[] = ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'];

export function job(n: number, overrides: Partial<NewJob> = {}): NewJob {
  return {
    deliveryId: `d${n}`,
    dedupeKey: `issue_comment:created:${n}`,
    event: 'issue_comment',
    installationId: 42,
    repository: 'octo/repo',
    payload: { comment: { id: n, body: '/agent go' } },
    receivedAt: 1_000 + n,
    ...overrides,
  };
}

export const ids = (jobs: JobRecord[]): string[] => jobs.map((j) => j.deliveryId);

export function describeJobStoreContract(name: string, fixture: () => Promise<StoreFixture>): void {
  describe(`${name}: the JobStore contract`, () => {
  let current: StoreFixture;
  let stores: JobStore[];
  const open = async (): Promise<JobStore> => {
    const store = await current.open();
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    current = await fixture();
    stores = [];
  });

  afterEach(async () => {
    jest.useRealTimers();
    for (const store of stores) await store.close();
    await current.dispose();
  });

  describe('enqueue', () => {
    it('records a new delivery as a queued job with its payload', async () => {
      const store = await open();
      await expect(store.enqueue(job(1))).resolves.toEqual({ inserted: true, deliveryId: 'd1' });
      expect(await store.get('d1')).toMatchObject({
        ...job(1),
        state: 'queued',
        attempts: 0,
        run: null,
        result: null,
        error: null,
        leaseOwner: null,
        leaseUntil: null,
      });
      expect(await store.get('nope')).toBeUndefined();
    });

    it('refuses a redelivery of the same delivery id', async () => {
      const store = await open();
      await store.enqueue(job(1));
      await expect(store.enqueue(job(1, { dedupeKey: 'other' }))).resolves.toEqual({ inserted: false, deliveryId: 'd1' });
      // Nothing of the duplicate was recorded: its dedupe key is still free.
      await expect(store.enqueue(job(2, { dedupeKey: 'other' }))).resolves.toEqual({ inserted: true, deliveryId: 'd2' });
    });

    it('refuses the same request under a new delivery id and names the first delivery', async () => {
      const store = await open();
      await store.enqueue(job(1));
      await expect(store.enqueue(job(1, { deliveryId: 'redelivered' }))).resolves.toEqual({ inserted: false, deliveryId: 'd1' });
      expect(await store.get('redelivered')).toBeUndefined();
      expect((await store.counts()).queued).toBe(1);
    });
  });

  describe('claim', () => {
    it('takes the oldest jobs first, up to the limit, and leases them', async () => {
      const store = await open();
      await store.enqueue(job(3, { receivedAt: 30 }));
      await store.enqueue(job(1, { receivedAt: 10 }));
      await store.enqueue(job(2, { receivedAt: 20 }));
      const first = await store.claim('w1', 2, 500, 1_000);
      expect(ids(first)).toEqual(['d1', 'd2']);
      for (const claimed of first) expect(claimed).toMatchObject({ attempts: 1, leaseOwner: 'w1', leaseUntil: 1_500 });
      expect(ids(await store.claim('w1', 2, 500, 1_000))).toEqual(['d3']);
      expect(await store.claim('w1', 2, 500, 1_000)).toEqual([]);
      expect(await store.claim('w1', 0, 500, 5_000)).toEqual([]);
    });

    it('leaves a leased job alone until the lease has passed, then counts the new attempt', async () => {
      const store = await open();
      await store.enqueue(job(1));
      await store.claim('w1', 10, 500, 1_000);
      expect(await store.claim('w2', 10, 500, 1_400)).toEqual([]);
      expect(await store.claim('w2', 10, 500, 1_500)).toEqual([]);
      const [taken] = await store.claim('w2', 10, 500, 1_501);
      expect(taken).toMatchObject({ deliveryId: 'd1', attempts: 2, leaseOwner: 'w2', leaseUntil: 2_001 });
    });

    it('lets only the lease holder renew', async () => {
      const store = await open();
      await store.enqueue(job(1));
      await store.claim('w1', 1, 500, 1_000);
      await store.renew('w2', ['d1'], 10_000, 1_400);
      expect((await store.get('d1'))?.leaseUntil).toBe(1_500);
      await store.renew('w1', ['d1', 'unknown'], 500, 1_400);
      expect((await store.get('d1'))?.leaseUntil).toBe(1_900);
      expect(await store.claim('w2', 1, 500, 1_600)).toEqual([]);
      expect(ids(await store.claim('w2', 1, 500, 1_901))).toEqual(['d1']);
    });

    it('makes a released job claimable at once, but only when its holder releases it', async () => {
      const store = await open();
      await store.enqueue(job(1));
      await store.claim('w1', 1, 60_000, 1_000);
      await store.release('w2', ['d1']);
      expect(await store.claim('w2', 1, 60_000, 1_001)).toEqual([]);
      await store.release('w1', ['d1']);
      expect(await store.get('d1')).toMatchObject({ leaseOwner: null, leaseUntil: null });
      expect(ids(await store.claim('w2', 1, 60_000, 1_001))).toEqual(['d1']);
    });

    it('takes back the attempt of a claim released as not an attempt (it stopped at an unreadable config), and only then', async () => {
      const store = await open();
      await store.enqueue(job(1));
      expect((await store.claim('w1', 1, 60_000, 1_000))[0]?.attempts).toBe(1);
      await store.release('w1', ['d1'], { notAnAttempt: true });
      expect(await store.get('d1')).toMatchObject({ attempts: 0, leaseOwner: null });
      // The next claim is a first attempt again, under a new lease generation (the fence still moves on).
      const [again] = await store.claim('w2', 1, 60_000, 1_001);
      expect(again).toMatchObject({ attempts: 1, leaseGeneration: 2 });
      await store.release('w2', ['d1']);
      expect((await store.claim('w1', 1, 60_000, 1_002))[0]?.attempts).toBe(2);
      // Another holder's release takes nothing back.
      await store.release('w2', ['d1'], { notAnAttempt: true });
      expect((await store.get('d1'))?.attempts).toBe(2);
    });

    it('frees every unfinished job a dead worker held, and nobody else\'s', async () => {
      const store = await open();
      for (let n = 1; n <= 4; n++) await store.enqueue(job(n));
      await store.claim('dead', 3, 60_000, 1_000);
      await store.claim('alive', 1, 60_000, 1_000);
      await store.finish('d3', 'done', { status: 'completed' });
      expect(await store.releaseAll('dead')).toBe(2);
      expect(await store.get('d3')).toMatchObject({ state: 'done' });
      expect(await store.get('d4')).toMatchObject({ leaseOwner: 'alive' });
      expect(ids(await store.claim('new', 10, 60_000, 1_001))).toEqual(['d1', 'd2']);
    });
  });

  describe('progress', () => {
    it('moves queued → starting → following with the run recorded, never backwards', async () => {
      const store = await open();
      await store.enqueue(job(1));
      await store.markStarting('d1');
      expect((await store.get('d1'))?.state).toBe('starting');
      const run = { chatId: 'c-1', commentId: 77, afterId: 12 };
      await store.recordRun('d1', run);
      expect(await store.get('d1')).toMatchObject({ state: 'following', run });
      await store.markStarting('d1');
      expect((await store.get('d1'))?.state).toBe('following');
    });

    it('takes a finished job out of claim for good and keeps its first outcome', async () => {
      const store = await open();
      await store.enqueue(job(1));
      await store.enqueue(job(2));
      await store.claim('w1', 2, 500, 1_000);
      await store.finish('d1', 'done', { status: 'completed', text: 'fixed' });
      await store.finish('d2', 'failed', null, 'not allowed');
      expect(await store.get('d1')).toMatchObject({ state: 'done', result: { status: 'completed', text: 'fixed' }, error: null, leaseOwner: null, leaseUntil: null });
      expect(await store.get('d2')).toMatchObject({ state: 'failed', result: null, error: 'not allowed' });
      expect(await store.claim('w2', 10, 500, 99_999)).toEqual([]);
      await store.finish('d1', 'failed', null, 'late');
      await store.recordRun('d1', { chatId: 'late' });
      expect(await store.get('d1')).toMatchObject({ state: 'done', error: null, run: null });
    });

    it('counts jobs per state, with every state present', async () => {
      const store = await open();
      await expect(store.counts()).resolves.toEqual({ queued: 0, starting: 0, following: 0, done: 0, failed: 0, skipped: 0, refused: 0 });
      for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) await store.enqueue(job(n));
      await store.markStarting('d2');
      await store.recordRun('d3', {});
      await store.finish('d4', 'done', {});
      await store.finish('d5', 'done', {});
      await store.finish('d6', 'skipped', { status: 'skipped' });
      await store.finish('d7', 'refused', { status: 'refused' }, 'not allowed');
      await store.finish('d8', 'failed', null, 'broken');
      await expect(store.counts()).resolves.toEqual({ queued: 1, starting: 1, following: 1, done: 2, failed: 1, skipped: 1, refused: 1 });
    });

    it('prunes finished jobs by when they finished, never unfinished ones', async () => {
      const store = await open();
      jest.useFakeTimers({ now: 10_000, doNotFake: REAL_TIMERS });
      for (const n of [1, 2, 3, 4, 5]) await store.enqueue(job(n, { receivedAt: 0 }));
      await store.finish('d1', 'done', {});
      await store.finish('d4', 'skipped', {});
      await store.finish('d5', 'refused', {});
      jest.setSystemTime(20_000);
      await store.finish('d2', 'failed', null, 'x');
      await expect(store.prune(15_000)).resolves.toBe(3);
      expect(await store.get('d1')).toBeUndefined();
      expect(await store.get('d4')).toBeUndefined();
      expect((await store.get('d2'))?.state).toBe('failed');
      await expect(store.prune(Number.MAX_SAFE_INTEGER)).resolves.toBe(1);
      expect((await store.get('d3'))?.state).toBe('queued');
    });
  });


  describe('fencing', () => {
    it('hands out a new lease generation at every claim', async () => {
      const store = await open();
      await store.enqueue(job(1));
      const [first] = await store.claim('w1', 1, 500, 1_000);
      expect(first?.leaseGeneration).toBe(1);
      const [second] = await store.claim('w2', 1, 500, 2_000);
      expect(second).toMatchObject({ leaseOwner: 'w2', leaseGeneration: 2 });
      expect((await store.get('d1'))?.leaseGeneration).toBe(2);
    });

    it('lets a worker write only while its own lease generation is current and unexpired, extending it', async () => {
      const store = await open();
      await store.enqueue(job(1));
      const [claimed] = await store.claim('paused', 1, 500, 1_000);
      const lease = { deliveryId: 'd1', owner: 'paused', generation: claimed!.leaseGeneration };
      await expect(store.holdLease(lease, 500, 1_200)).resolves.toBe(true);
      expect((await store.get('d1'))?.leaseUntil).toBe(1_700);
      await expect(store.holdLease({ ...lease, generation: lease.generation + 1 }, 500, 1_300)).resolves.toBe(false);
      await expect(store.holdLease({ ...lease, owner: 'other' }, 500, 1_300)).resolves.toBe(false);
      // Paused past its lease: another worker takes the job over, and the paused one is refused from then on.
      const [taken] = await store.claim('other', 1, 500, 1_701);
      expect(taken?.leaseOwner).toBe('other');
      await expect(store.holdLease(lease, 500, 1_702)).resolves.toBe(false);
      await expect(store.holdLease({ deliveryId: 'd1', owner: 'other', generation: taken!.leaseGeneration }, 500, 1_702)).resolves.toBe(true);
    });

    it('refuses a lease that ran out even when nobody took the job, and a finished job', async () => {
      const store = await open();
      await store.enqueue(job(1));
      await store.enqueue(job(2));
      const claimed = await store.claim('w1', 2, 500, 1_000);
      await expect(store.holdLease({ deliveryId: 'd1', owner: 'w1', generation: claimed[0]!.leaseGeneration }, 500, 1_501)).resolves.toBe(false);
      await store.finish('d2', 'done', {});
      await expect(store.holdLease({ deliveryId: 'd2', owner: 'w1', generation: claimed[1]!.leaseGeneration }, 500, 1_100)).resolves.toBe(false);
    });

    it('renews only the leases the owner still holds, and says which', async () => {
      const store = await open();
      for (const n of [1, 2, 3]) await store.enqueue(job(n));
      await store.claim('w1', 3, 500, 1_000);
      await store.finish('d2', 'done', {});
      await store.claim('w2', 1, 500, 1_501); // d1 taken over after its lease ran out
      await expect(store.renew('w1', ['d1', 'd2', 'd3', 'unknown'], 500, 1_502)).resolves.toEqual(['d3']);
      await expect(store.renew('w1', [], 500, 1_502)).resolves.toEqual([]);
    });
  });

  describe('durability', () => {
    it('resumes unfinished jobs, runs intact, after the store is closed and reopened', async () => {
      const before = await current.open();
      for (const n of [1, 2, 3]) await before.enqueue(job(n));
      await before.claim('old-process', 3, 30_000, 1_000);
      await before.markStarting('d1');
      await before.recordRun('d2', { chatId: 'c-2', commentId: 9, afterId: 41 });
      await before.finish('d3', 'done', { ok: true });
      await before.close();
      await before.close(); // idempotent
      await expect(before.get('d1')).rejects.toThrow(/closed/);

      const after = await open();
      expect(await after.claim('new-process', 10, 30_000, 2_000)).toEqual([]); // old leases still hold
      const resumed = await after.claim('new-process', 10, 30_000, 31_001);
      expect(resumed.map((j) => [j.deliveryId, j.state, j.attempts, j.run])).toEqual([
        ['d1', 'starting', 2, null],
        ['d2', 'following', 2, { chatId: 'c-2', commentId: 9, afterId: 41 }],
      ]);
      expect((await after.get('d3'))?.result).toEqual({ ok: true });
    });
  });

  describe('one chat per thread', () => {
    const inThread = (n: number, threadKey: string | null) => job(n, { threadKey });
    const NOW = 10_000;

    it('records the thread key and holds a request back while an earlier one in its thread has no chat yet', async () => {
      const store = await open();
      await store.enqueue(inThread(1, 'o/r#5'));
      await store.enqueue(inThread(2, 'o/r#5'));
      await store.enqueue(inThread(3, 'o/r#6'));
      await store.enqueue(inThread(4, null));
      expect((await store.get('d1'))?.threadKey).toBe('o/r#5');
      expect((await store.get('d4'))?.threadKey).toBeNull();
      expect(ids(await store.claim('w1', 10, 60_000, NOW))).toEqual(['d1', 'd3', 'd4']);
      // Another worker (or replica) gets nothing while #5's first request is starting.
      await store.markStarting('d1');
      expect(ids(await (await open()).claim('w2', 10, 60_000, NOW))).toEqual([]);
      // The chat exists (the run is recorded): the second request may join it.
      await store.recordRun('d1', { chatId: 'c' });
      expect(ids(await store.claim('w2', 10, 60_000, NOW))).toEqual(['d2']);
    });

    it('lets the next one go when the earlier one finishes without a chat, and never lets a later one jump ahead', async () => {
      const store = await open();
      for (const n of [1, 2, 3]) await store.enqueue(inThread(n, 'o/r#5'));
      expect(ids(await store.claim('w1', 10, 60_000, NOW))).toEqual(['d1']);
      await store.finish('d1', 'failed', null, 'refused');
      expect(ids(await store.claim('w1', 10, 60_000, NOW))).toEqual(['d2']);
    });

    it('holds back a delivery recorded late, with an earlier time, while a later one is leased without a chat', async () => {
      const store = await open();
      await store.enqueue(inThread(2, 'o/r#5'));
      expect(ids(await store.claim('w1', 10, 60_000, NOW))).toEqual(['d2']);
      // Received first by another replica, recorded after d2 was taken.
      await store.enqueue(inThread(1, 'o/r#5'));
      expect(ids(await store.claim('w2', 10, 60_000, NOW))).toEqual([]);
      await store.markStarting('d2');
      expect(ids(await store.claim('w2', 10, 60_000, NOW + 1_000))).toEqual([]);
      await store.recordRun('d2', { chatId: 'c' });
      expect(ids(await store.claim('w2', 10, 60_000, NOW + 1_000))).toEqual(['d1']);
    });

    it("never deadlocks: when a later job's worker died while starting, the earlier one goes first and the later one waits", async () => {
      const store = await open();
      await store.enqueue(inThread(2, 'o/r#5'));
      expect(ids(await store.claim('w1', 10, 60_000, NOW))).toEqual(['d2']);
      await store.markStarting('d2');
      await store.enqueue(inThread(1, 'o/r#5'));
      // w1's lease on d2 has run out.
      const later = NOW + 120_000;
      expect(ids(await store.claim('w2', 10, 60_000, later))).toEqual(['d1']);
      expect(ids(await store.claim('w3', 10, 60_000, later))).toEqual([]);
      await store.finish('d1', 'done', null);
      expect(ids(await store.claim('w3', 10, 60_000, later))).toEqual(['d2']);
    });

    it('two connections racing on one thread never both hold a job of it without a chat (several rounds)', async () => {
      const a = await open();
      const b = await open();
      for (let round = 0; round < 8; round++) {
        const thread = `o/r#${100 + round}`;
        const base = 100 * round;
        // Recorded in the opposite order to their receipt, while both connections claim.
        const late = inThread(base + 2, thread);
        const early = { ...inThread(base + 1, thread), receivedAt: late.receivedAt - 1 };
        const claims = await Promise.all([
          a.enqueue(late).then(() => []),
          a.claim('a', 5, 60_000, NOW),
          b.enqueue(early).then(() => []),
          b.claim('b', 5, 60_000, NOW),
          a.claim('a', 5, 60_000, NOW),
          b.claim('b', 5, 60_000, NOW),
        ]);
        const more = [...(await a.claim('a', 5, 60_000, NOW)), ...(await b.claim('b', 5, 60_000, NOW))];
        const held = [...claims.flat(), ...more].map((j) => j.deliveryId);
        expect(held).toHaveLength(1);
        // Once the chat exists, the other request of the thread is free to join it.
        await a.recordRun(held[0]!, { chatId: `c${round}` });
        const rest = [...ids(await b.claim('b', 5, 60_000, NOW)), ...ids(await a.claim('a', 5, 60_000, NOW))];
        expect([...held, ...rest].sort()).toEqual([`d${base + 1}`, `d${base + 2}`]);
        for (const id of [...held, ...rest]) await a.finish(id, 'done', null);
      }
    });
  });

  describe('two connections to one store', () => {
    it('never hand the same job to both when claiming in turn', async () => {
      const a = await open();
      const b = await open();
      for (let n = 0; n < 60; n++) await (n % 2 ? a : b).enqueue(job(n));
      await expect(b.enqueue(job(0, { deliveryId: 'dup' }))).resolves.toEqual({ inserted: false, deliveryId: 'd0' });
      const got: Record<string, string[]> = { a: [], b: [] };
      // Bounded, so a store that hands out leased jobs fails here instead of looping forever.
      for (let round = 0; round < 100; round++) {
        const fromA = await a.claim('a', 1 + (round % 3), 60_000, 1_000);
        const fromB = await b.claim('b', 1 + ((round + 1) % 4), 60_000, 1_000);
        got['a']!.push(...ids(fromA));
        got['b']!.push(...ids(fromB));
        if (fromA.length === 0 && fromB.length === 0) break;
      }
      const all = [...got['a']!, ...got['b']!];
      expect(new Set(all).size).toBe(all.length);
      expect(all.sort()).toEqual(Array.from({ length: 60 }, (_, n) => `d${n}`).sort());
      expect(got['a']!.length).toBeGreaterThan(0);
      expect(got['b']!.length).toBeGreaterThan(0);
      for (const id of all) expect((await a.get(id))?.attempts).toBe(1);
    });

    it('never hand the same job to both when claiming and enqueueing at the same time', async () => {
      const a = await open();
      const b = await open();
      const total = 200;
      const enqueued = Promise.all(Array.from({ length: total }, (_, n) => (n % 2 ? a : b).enqueue(job(n))));
      let claimed = 0;
      const claimLoop = async (store: JobStore, owner: string) => {
        const got: string[] = [];
        // Bounded: a store that loses jobs fails the length check below instead of hanging.
        for (let round = 0; round < 2_000 && claimed < total; round++) {
          const jobs = await store.claim(owner, 3, 600_000);
          got.push(...ids(jobs));
          claimed += jobs.length;
          if (jobs.length === 0) await new Promise((r) => setTimeout(r, 1));
        }
        return got;
      };
      const [, fromA, fromB] = await Promise.all([enqueued, claimLoop(a, 'a'), claimLoop(b, 'b')]);
      const all = [...fromA, ...fromB];
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(total);
    });
  });
  });
}
