import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CLAIM_CANDIDATES_SQL, SCHEMA_VERSION, SqliteJobStore } from '../../../src/app/store/sqlite-store.js';
import { describeJobStoreContract, ids, job } from './job-store-contract.js';

describeJobStoreContract('SQLite', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'job-store-'));
  return {
    open: async () => SqliteJobStore.open(join(folder, 'jobs.db')),
    dispose: async () => rmSync(folder, { recursive: true, force: true }),
  };
});

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

/** The jobs table as schema 3 (the release before the inbox) left it: the first three steps of MIGRATIONS. */
const SCHEMA_3_JOBS = `
      CREATE TABLE jobs (delivery_id TEXT PRIMARY KEY, dedupe_key TEXT NOT NULL UNIQUE, event TEXT NOT NULL, installation_id INTEGER NOT NULL,
        repository TEXT NOT NULL, payload TEXT, received_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'starting', 'following', 'done', 'failed')), attempts INTEGER NOT NULL DEFAULT 0,
        run TEXT, result TEXT, error TEXT, lease_owner TEXT, lease_until INTEGER, updated_at INTEGER NOT NULL);
      CREATE INDEX jobs_claimable ON jobs (received_at, delivery_id) WHERE state IN ('queued', 'starting', 'following');
      CREATE INDEX jobs_state_updated ON jobs (state, updated_at);
      ALTER TABLE jobs ADD COLUMN lease_generation INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN thread_key TEXT;
      CREATE INDEX jobs_thread_unstarted ON jobs (thread_key, received_at, delivery_id) WHERE state IN ('queued', 'starting') AND thread_key IS NOT NULL;
`;

describe('durability', () => {
  it('creates the file with its parent folders and finds its jobs after a reopen', async () => {
    const file = join(dir, 'nested', 'deeper', 'jobs.db');
    const before = open(file);
    await before.enqueue(job(1));
    await before.close();
    expect(existsSync(file)).toBe(true);
    expect((await open(file).get('d1'))?.state).toBe('queued');
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
    expect(() => SqliteJobStore.open(file)).toThrow(new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than`));
  });

  it('hands out jobs whose JSON cells are corrupt as raw text instead of failing the claim', async () => {
    const file = join(dir, 'jobs.db');
    const store = open(file);
    for (const n of [1, 2, 3]) await store.enqueue(job(n));
    // Any write of the store's own copies the recorded deliveries from the inbox into `jobs`.
    await store.releaseAll('nobody');
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

  it("records deliveries in an inbox of their own while the job database's write lock is held, and claim takes each once", async () => {
    const file = join(dir, 'jobs.db');
    const store = open(file);
    const worker = open(file);
    const other = new Database(file);
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      await expect(store.enqueue(job(1))).resolves.toEqual({ inserted: true, deliveryId: 'd1' });
      await expect(store.enqueue(job(1, { deliveryId: 'again' }))).resolves.toEqual({ inserted: false, deliveryId: 'd1' });
      expect((await worker.get('d1'))?.state).toBe('queued');
      expect((await worker.counts()).queued).toBe(1);
    } finally {
      other.prepare('COMMIT').run();
      other.close();
    }
    expect(ids(await worker.claim('w1', 10, 500, 1_000))).toEqual(['d1']);
    expect(await store.claim('w2', 10, 500, 1_000)).toEqual([]);
    expect((await store.counts()).queued).toBe(1);
    // Once copied and pruned from jobs, a redelivery is still known by the inbox; the job itself is gone.
    await worker.finish('d1', 'done', null);
    await expect(worker.prune(Number.MAX_SAFE_INTEGER)).resolves.toBe(1);
    expect(await store.get('d1')).toBeUndefined();
    await expect(store.enqueue(job(2))).resolves.toEqual({ inserted: true, deliveryId: 'd2' });
    expect(ids(await worker.claim('w1', 10, 500, 1_000))).toEqual(['d2']);
  });

  it('moves jobs a schema-5 database ended `failed` for a skip or a refusal to those states, indexes intact', async () => {
    const file = join(dir, 'jobs.db');
    const old = new Database(file);
    old.exec(SCHEMA_3_JOBS);
    old.exec(`
      CREATE TABLE inbox_copied (last_id INTEGER NOT NULL, inbox_token TEXT);
      INSERT INTO inbox_copied (last_id) VALUES (0);
    `);
    const insert = old.prepare(`INSERT INTO jobs (delivery_id, dedupe_key, event, installation_id, repository, payload, received_at, state, result, error, lease_generation, thread_key, updated_at)
      VALUES (?, ?, 'issue_comment', 42, 'octo/repo', '{"n":1}', 1, ?, ?, ?, 3, 'octo/repo#1', 7)`);
    insert.run('s1', 'k1', 'failed', '{"status":"skipped"}', null);
    insert.run('r2', 'k2', 'failed', '{"status":"refused"}', 'The request has no prompt.');
    insert.run('f3', 'k3', 'failed', null, 'for good');
    insert.run('f4', 'k4', 'failed', 'not json', 'torn');
    insert.run('d5', 'k5', 'done', '{"status":"completed"}', null);
    insert.run('q6', 'k6', 'queued', null, null);
    old.pragma('user_version = 5');
    old.close();

    const store = open(file);
    expect(await store.get('s1')).toMatchObject({ state: 'skipped', result: { status: 'skipped' }, payload: { n: 1 }, leaseGeneration: 3, threadKey: 'octo/repo#1', updatedAt: 7 });
    expect(await store.get('r2')).toMatchObject({ state: 'refused', error: 'The request has no prompt.' });
    expect((await store.get('f3'))?.state).toBe('failed');
    expect((await store.get('f4'))?.state).toBe('failed');
    await expect(store.counts()).resolves.toEqual({ queued: 1, starting: 0, following: 0, done: 1, failed: 2, skipped: 1, refused: 1 });
    expect(ids(await store.claim('w1', 10, 500, 1_000))).toEqual(['q6']);
    await store.finish('q6', 'skipped', { status: 'skipped' });
    expect((await store.get('q6'))?.state).toBe('skipped');
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const indexes = (raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name);
      expect(indexes).toEqual(['jobs_claimable', 'jobs_state_updated', 'jobs_thread_unstarted']);
    } finally {
      raw.close();
    }
  });

  it('works in memory', async () => {
    const store = open(':memory:');
    await store.enqueue(job(1));
    expect(ids(await store.claim('w1', 1, 500, 1_000))).toEqual(['d1']);
    expect(existsSync(':memory:')).toBe(false);
  });
});

describe('the inbox file (<file>-inbox)', () => {
  it('a job database of the previous schema (3), with jobs queued and in flight, keeps them: each claimed once, its duplicates still known', async () => {
    const file = join(dir, 'jobs.db');
    // Schema 3 as the release before the inbox wrote it: the first three steps of MIGRATIONS.
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec(SCHEMA_3_JOBS);
    const insert = old.prepare(`INSERT INTO jobs (delivery_id, dedupe_key, event, installation_id, repository, payload, received_at, state, attempts, run, lease_owner, lease_until, lease_generation, updated_at)
      VALUES (?, ?, 'issue_comment', 42, 'octo/repo', '{}', ?, ?, ?, ?, ?, ?, ?, 1)`);
    insert.run('q1', 'issue_comment:created:1', 1_001, 'queued', 0, null, null, null, 0);
    // In flight when the old process was killed: its lease (of the same instance id) still runs.
    insert.run('f2', 'issue_comment:created:2', 1_002, 'following', 1, '{"chatId":"c2"}', 'bot-1', 10_000_000, 1);
    insert.run('x3', 'issue_comment:created:3', 1_003, 'done', 1, null, null, null, 1);
    old.pragma('user_version = 3');
    old.close();

    const webhook = open(file);
    const worker = open(file);
    // Redeliveries of all three, by delivery id and by request, are known whatever their state.
    await expect(webhook.enqueue(job(1, { deliveryId: 'q1' }))).resolves.toEqual({ inserted: false, deliveryId: 'q1' });
    await expect(webhook.enqueue(job(2, { deliveryId: 'other' }))).resolves.toEqual({ inserted: false, deliveryId: 'f2' });
    await expect(webhook.enqueue(job(3, { deliveryId: 'x3' }))).resolves.toEqual({ inserted: false, deliveryId: 'x3' });
    await expect(webhook.enqueue(job(4))).resolves.toEqual({ inserted: true, deliveryId: 'd4' });
    // The restarted instance takes its in-flight job back at once (the claim its start makes, lease or not, is the worker's business).
    await worker.releaseAll('bot-1');
    expect(ids(await worker.claim('bot-1', 10, 500, 2_000))).toEqual(['q1', 'f2', 'd4']);
    expect(await worker.claim('bot-1', 10, 500, 2_000)).toEqual([]);
    expect(await webhook.claim('bot-2', 10, 500, 2_000)).toEqual([]);
  });

  /** A store file whose deliveries d1–d3 were recorded, run and finished, closed again; its path. */
  async function threeDone(): Promise<string> {
    const file = join(dir, 'jobs.db');
    const before = open(file);
    for (const n of [1, 2, 3]) await before.enqueue(job(n));
    expect(ids(await before.claim('w1', 10, 500, 1_000))).toEqual(['d1', 'd2', 'd3']);
    for (const n of [1, 2, 3]) await before.finish(`d${n}`, 'done', null);
    await before.close();
    return file;
  }

  it('deleted (or never on the persistent volume) while the job database is kept: deliveries recorded in the new inbox are still claimed', async () => {
    const file = await threeDone();
    for (const suffix of ['-inbox', '-inbox-wal', '-inbox-shm']) rmSync(`${file}${suffix}`, { force: true });

    const webhook = open(file);
    const worker = open(file);
    await expect(webhook.enqueue(job(4))).resolves.toEqual({ inserted: true, deliveryId: 'd4' });
    expect((await worker.get('d4'))?.state).toBe('queued');
    expect((await worker.counts()).queued).toBe(1);
    expect(ids(await worker.claim('w1', 10, 500, 2_000))).toEqual(['d4']);
    // The old deliveries are still known by the job database.
    await expect(webhook.enqueue(job(2, { deliveryId: 'again' }))).resolves.toEqual({ inserted: false, deliveryId: 'd2' });
    expect(await worker.claim('w1', 10, 500, 2_000)).toEqual([]);
  });
  it('kept while the job database is deleted: the deliveries it recorded before are not run again, and still answer for duplicates', async () => {
    const file = await threeDone();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });

    const webhook = open(file);
    const worker = open(file);
    // Before, the new job database copied every row the inbox kept (up to 30 days of them) and ran each again.
    expect((await worker.counts()).queued).toBe(0);
    expect(await worker.claim('w1', 10, 500, 2_000)).toEqual([]);
    await expect(webhook.enqueue(job(2, { deliveryId: 'again' }))).resolves.toEqual({ inserted: false, deliveryId: 'd2' });
    await expect(webhook.enqueue(job(4))).resolves.toEqual({ inserted: true, deliveryId: 'd4' });
    expect(ids(await worker.claim('w1', 10, 500, 2_000))).toEqual(['d4']);
  });
  it("is checkpointed by the job worker's copies, never by the webhook thread's enqueue (a checkpoint there held a delivery's answer 10-30 ms)", async () => {
    const file = join(dir, 'jobs.db');
    const webhook = open(file);
    const worker = open(file);
    const wal = () => statSync(`${file}-inbox-wal`).size;
    // A GitHub comment delivery is about 12 KB: about 8 pages of WAL each, with the indexes.
    const body = 'x'.repeat(12_000);
    const record = async (from: number) => {
      for (let n = from; n < from + 400; n++) await webhook.enqueue(job(n, { payload: { comment: { id: n, body } } }));
    };
    await record(0);
    // SQLite's own checkpoint (every 1000 pages, on the committing connection) would have started the WAL again at ~4 MB.
    const grown = wal();
    expect(grown).toBeGreaterThan(6 * 1024 * 1024);
    // The worker copies the rows into `jobs` and checkpoints the inbox; the next commits reuse the WAL from its start
    // (without that checkpoint it would double).
    expect(await worker.claim('w1', 1, 500, 1_000)).toHaveLength(1);
    await record(400);
    expect(wal()).toBeLessThan(1.2 * grown);
    // Every delivery is still recorded (the claimed one stays queued until it is started).
    expect((await worker.counts()).queued).toBe(800);
  });
});

describe('two processes on one file', () => {
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

describe('the instance lock (one live process on a file)', () => {
  it('refuses a second holder of the same id in one sentence naming the id and the file', async () => {
    const file = join(dir, 'jobs.db');
    const unlock = await open(file).lockInstance('bot-1', 0);
    const started = Date.now();
    await expect(open(file).lockInstance('bot-1', 300)).rejects.toThrow(`Another running process already uses the instance id "bot-1" with the job database ${file}: stop it first`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await unlock();
  });

  it('refuses a second process under another id too, in one sentence that names the file and PostgreSQL; another file is free', async () => {
    const file = join(dir, 'jobs.db');
    const unlock = await open(file).lockInstance('bot-1', 0);
    const waited: string[] = [];
    const refused = await open(file).lockInstance('bot-2', 300, { waiting: (m) => waited.push(m) }).catch((err: unknown) => err as Error);
    // Said once before the wait, whichever of the two locks was found held.
    expect(waited).toEqual([`Another process holds the job database ${file} (a previous life still stopping?): waiting up to 0.3 s for it.`]);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toBe(
      `Another running App (another INSTANCE_ID) already uses the job database ${file}: a SQLite store serves one process, so stop that one, or use PostgreSQL for several (DATABASE_URL=postgres://…, each with its own INSTANCE_ID).`,
    );
    // The refused start gave back what it took: once the first lets go, bot-2 starts, and bot-1 is refused in turn.
    await unlock();
    const second = await open(file).lockInstance('bot-2', 0);
    await expect(open(file).lockInstance('bot-1', 0)).rejects.toThrow('Another running App (another INSTANCE_ID)');
    await (await open(join(dir, 'other.db')).lockInstance('bot-1', 0))();
    await second();
  });

  it('is free again once given back, and a waiting start takes it as soon as the holder lets go', async () => {
    const file = join(dir, 'jobs.db');
    const unlock = await open(file).lockInstance('bot-1', 0);
    const waiting = open(file).lockInstance('bot-1', 5_000);
    setTimeout(() => void unlock(), 300);
    const mine = await waiting;
    await mine();
    await (await open(file).lockInstance('bot-1', 0))();
  });

  it('a private in-memory store has nothing to lock', async () => {
    const memory = open(':memory:');
    await (await memory.lockInstance('bot-1', 0))();
    await (await memory.lockInstance('bot-1', 0))();
  });
});
