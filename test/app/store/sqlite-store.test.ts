import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { JobRecord, NewJob } from '../../../src/app/store/job-store.js';
import { CLAIM_CANDIDATES_SQL, SCHEMA_VERSION, SqliteJobStore } from '../../../src/app/store/sqlite-store.js';

let dir: string;
let stores: SqliteJobStore[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'job-store-'));
  stores = [];
});

afterEach(async () => {
  jest.useRealTimers();
  for (const store of stores) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(file = join(dir, 'jobs.db')): SqliteJobStore {
  const store = SqliteJobStore.open(file);
  stores.push(store);
  return store;
}

function job(n: number, overrides: Partial<NewJob> = {}): NewJob {
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

const ids = (jobs: JobRecord[]): string[] => jobs.map((j) => j.deliveryId);

describe('enqueue', () => {
  it('records a new delivery as a queued job with its payload', async () => {
    const store = open();
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
    const store = open();
    await store.enqueue(job(1));
    await expect(store.enqueue(job(1, { dedupeKey: 'other' }))).resolves.toEqual({ inserted: false, deliveryId: 'd1' });
    // Nothing of the duplicate was recorded: its dedupe key is still free.
    await expect(store.enqueue(job(2, { dedupeKey: 'other' }))).resolves.toEqual({ inserted: true, deliveryId: 'd2' });
  });

  it('refuses the same request under a new delivery id and names the first delivery', async () => {
    const store = open();
    await store.enqueue(job(1));
    await expect(store.enqueue(job(1, { deliveryId: 'redelivered' }))).resolves.toEqual({ inserted: false, deliveryId: 'd1' });
    expect(await store.get('redelivered')).toBeUndefined();
    expect((await store.counts()).queued).toBe(1);
  });
});

describe('claim', () => {
  it('takes the oldest jobs first, up to the limit, and leases them', async () => {
    const store = open();
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
    const store = open();
    await store.enqueue(job(1));
    await store.claim('w1', 10, 500, 1_000);
    expect(await store.claim('w2', 10, 500, 1_400)).toEqual([]);
    expect(await store.claim('w2', 10, 500, 1_500)).toEqual([]);
    const [taken] = await store.claim('w2', 10, 500, 1_501);
    expect(taken).toMatchObject({ deliveryId: 'd1', attempts: 2, leaseOwner: 'w2', leaseUntil: 2_001 });
  });

  it('lets only the lease holder renew', async () => {
    const store = open();
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
    const store = open();
    await store.enqueue(job(1));
    await store.claim('w1', 1, 60_000, 1_000);
    await store.release('w2', ['d1']);
    expect(await store.claim('w2', 1, 60_000, 1_001)).toEqual([]);
    await store.release('w1', ['d1']);
    expect(await store.get('d1')).toMatchObject({ leaseOwner: null, leaseUntil: null });
    expect(ids(await store.claim('w2', 1, 60_000, 1_001))).toEqual(['d1']);
  });

  it('frees every unfinished job a dead worker held, and nobody else\'s', async () => {
    const store = open();
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
    const store = open();
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
    const store = open();
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
    const store = open();
    await expect(store.counts()).resolves.toEqual({ queued: 0, starting: 0, following: 0, done: 0, failed: 0 });
    for (const n of [1, 2, 3, 4, 5]) await store.enqueue(job(n));
    await store.markStarting('d2');
    await store.recordRun('d3', {});
    await store.finish('d4', 'done', {});
    await store.finish('d5', 'done', {});
    await expect(store.counts()).resolves.toEqual({ queued: 1, starting: 1, following: 1, done: 2, failed: 0 });
  });

  it('prunes finished jobs by when they finished, never unfinished ones', async () => {
    jest.useFakeTimers({ now: 10_000 });
    const store = open();
    for (const n of [1, 2, 3]) await store.enqueue(job(n, { receivedAt: 0 }));
    await store.finish('d1', 'done', {});
    jest.setSystemTime(20_000);
    await store.finish('d2', 'failed', null, 'x');
    await expect(store.prune(15_000)).resolves.toBe(1);
    expect(await store.get('d1')).toBeUndefined();
    expect((await store.get('d2'))?.state).toBe('failed');
    await expect(store.prune(Number.MAX_SAFE_INTEGER)).resolves.toBe(1);
    expect((await store.get('d3'))?.state).toBe('queued');
  });
});

describe('durability', () => {
  it('resumes unfinished jobs, runs intact, after the store is closed and reopened', async () => {
    const file = join(dir, 'nested', 'deeper', 'jobs.db');
    const before = open(file);
    for (const n of [1, 2, 3]) await before.enqueue(job(n));
    await before.claim('old-process', 3, 30_000, 1_000);
    await before.markStarting('d1');
    await before.recordRun('d2', { chatId: 'c-2', commentId: 9, afterId: 41 });
    await before.finish('d3', 'done', { ok: true });
    await before.close();
    await before.close(); // idempotent
    await expect(before.get('d1')).rejects.toThrow(/closed/);

    const after = open(file);
    expect(await after.claim('new-process', 10, 30_000, 2_000)).toEqual([]); // old leases still hold
    const resumed = await after.claim('new-process', 10, 30_000, 31_001);
    expect(resumed.map((j) => [j.deliveryId, j.state, j.attempts, j.run])).toEqual([
      ['d1', 'starting', 2, null],
      ['d2', 'following', 2, { chatId: 'c-2', commentId: 9, afterId: 41 }],
    ]);
    expect((await after.get('d3'))?.result).toEqual({ ok: true });
  });

  it('writes a WAL database at the current schema version, and refuses a newer one', () => {
    const file = join(dir, 'jobs.db');
    open(file);
    const raw = new Database(file);
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      // Claim must walk the partial index of unfinished jobs, not the whole table.
      const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${CLAIM_CANDIDATES_SQL}`).all({ now: 0, limit: 1 }) as Array<{ detail: string }>).map((r) => r.detail);
      expect(plan.join('\n')).toMatch(/USING INDEX jobs_claimable/);
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
      raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    } finally {
      raw.close();
    }
    expect(() => SqliteJobStore.open(file)).toThrow(/schema version 2, newer than/);
  });

  it('hands out jobs whose JSON cells are corrupt as raw text instead of failing the claim', async () => {
    const file = join(dir, 'jobs.db');
    const store = open(file);
    for (const n of [1, 2, 3]) await store.enqueue(job(n));
    const raw = new Database(file);
    raw.prepare(`UPDATE jobs SET run = '{"chatId":', state = 'following' WHERE delivery_id = 'd1'`).run();
    raw.prepare(`UPDATE jobs SET payload = 'not json' WHERE delivery_id = 'd2'`).run();
    raw.close();
    const claimed = await store.claim('w1', 10, 500, 1_000);
    expect(claimed.map((j) => [j.deliveryId, j.run, j.payload])).toEqual([
      ['d1', '{"chatId":', job(1).payload],
      ['d2', null, 'not json'],
      ['d3', null, job(3).payload],
    ]);
  });

  it('works in memory', async () => {
    const store = open(':memory:');
    await store.enqueue(job(1));
    expect(ids(await store.claim('w1', 1, 500, 1_000))).toEqual(['d1']);
    expect(existsSync(':memory:')).toBe(false);
  });
});

describe('two stores on one file', () => {
  it('never hand the same job to both when claiming in turn', async () => {
    const a = open();
    const b = open();
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

  it('never hand the same job to two processes claiming at the same time', async () => {
    const file = join(dir, 'jobs.db');
    const store = open(file);
    const total = 1_500;
    for (let n = 0; n < total; n++) await store.enqueue(job(n));
    const worker = join(dir, 'claim-worker.mts');
    const source = resolve('src/app/store/sqlite-store.ts');
    writeFileSync(
      worker,
      `import { existsSync, writeFileSync } from 'node:fs';
      import { SqliteJobStore } from ${JSON.stringify(source)};
      const [file, owner, other] = process.argv.slice(2);
      const store = SqliteJobStore.open(file);
      // A barrier, so both claim loops overlap however slow start-up is.
      writeFileSync(file + '.' + owner + '.ready', '');
      while (!existsSync(file + '.' + other + '.ready')) await new Promise((r) => setTimeout(r, 1));
      const got = [];
      for (let jobs; got.length <= ${total} && (jobs = await store.claim(owner, 1, 600000)).length > 0; ) got.push(jobs[0].deliveryId);
      await store.close();
      console.log(JSON.stringify(got));`,
    );
    const run = (owner: string, other: string) =>
      new Promise<string[]>((done, fail) => {
        const child = spawn(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), worker, file, owner, other], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.on('close', (code) => (code === 0 ? done(JSON.parse(out) as string[]) : fail(new Error(`worker ${owner} exited ${code}: ${err}`))));
      });
    const [first, second] = await Promise.all([run('p1', 'p2'), run('p2', 'p1')]);
    const all = [...first, ...second];
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(total);
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    expect((await store.counts()).queued).toBe(total);
  });
});
