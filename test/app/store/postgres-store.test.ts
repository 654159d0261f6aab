import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { JobStore } from '../../../src/app/store/job-store.js';
import { openJobStore } from '../../../src/app/store/open-store.js';
import { POSTGRES_SCHEMA_VERSION, PostgresJobStore, THREAD_LOCK_SQL } from '../../../src/app/store/postgres-store.js';
import { testSchemas, type TestDatabase } from '../../helpers/postgres.js';
import { describeJobStoreContract, job } from './job-store-contract.js';

const createTestSchema = testSchemas();

describeJobStoreContract('Postgres', async () => {
  const db = await createTestSchema();
  return { open: () => PostgresJobStore.open(db.url), dispose: () => db.drop() };
});

let db: TestDatabase;
let stores: JobStore[];

beforeEach(async () => {
  db = await createTestSchema();
  stores = [];
});

afterEach(async () => {
  for (const store of stores) await store.close();
  await db.drop();
});

async function open(url = db.url): Promise<JobStore> {
  const store = await openJobStore(url);
  stores.push(store);
  return store;
}

async function sql<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('applies each step once when several replicas start at the same time', async () => {
    const started = await Promise.all(Array.from({ length: 4 }, () => open()));
    expect(await sql(`SELECT version FROM coder_agent_bot_migrations ORDER BY version`)).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    await started[0]!.enqueue(job(1));
    expect((await started[3]!.get('d1'))?.state).toBe('queued');
  });

  it('moves jobs ended `failed` for a skip or a refusal before schema 3 to those states', async () => {
    const store = await open();
    for (const n of [1, 2, 3]) await store.enqueue(job(n));
    await store.claim('w1', 3, 60_000);
    // The database as schema 2 left it: the narrower state check, skips and refusals recorded as failed.
    await sql(`ALTER TABLE coder_agent_bot_jobs DROP CONSTRAINT coder_agent_bot_jobs_state_check;
      ALTER TABLE coder_agent_bot_jobs ADD CONSTRAINT coder_agent_bot_jobs_state_check CHECK (state IN ('queued', 'starting', 'following', 'done', 'failed'));
      DELETE FROM coder_agent_bot_migrations WHERE version = 3`);
    await store.finish('d1', 'failed', { status: 'skipped' });
    await store.finish('d2', 'failed', { status: 'refused' }, 'not allowed');
    await store.finish('d3', 'failed', null, 'for good');
    const again = await open();
    expect(await sql(`SELECT max(version) AS v FROM coder_agent_bot_migrations`)).toEqual([{ v: POSTGRES_SCHEMA_VERSION }]);
    expect((await again.get('d1'))?.state).toBe('skipped');
    expect(await again.get('d2')).toMatchObject({ state: 'refused', error: 'not allowed' });
    expect((await again.get('d3'))?.state).toBe('failed');
    await again.enqueue(job(4));
    await again.claim('w1', 1, 60_000);
    await again.finish('d4', 'refused', { status: 'refused' });
    expect((await again.get('d4'))?.state).toBe('refused');
  });

  it('refuses a database migrated by a newer version', async () => {
    await open();
    await sql(`INSERT INTO coder_agent_bot_migrations (version) VALUES (${POSTGRES_SCHEMA_VERSION + 1})`);
    await expect(PostgresJobStore.open(db.url)).rejects.toThrow(new RegExp(`schema version ${POSTGRES_SCHEMA_VERSION + 1}, newer than`));
  });
});

describe('connecting', () => {
  it('says where it could not connect without repeating the password', async () => {
    const url = new URL(db.url);
    url.username = 'nobody_here';
    url.password = 's3cret-pw';
    url.port = '1'; // nothing listens on port 1
    const failure = PostgresJobStore.open(url.toString());
    await expect(failure).rejects.toThrow(/Cannot open the Postgres job store at 127\.0\.0\.1:1\//);
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });
});

describe('notifications', () => {
  it('wakes a listening replica when another records a job, not for a duplicate', async () => {
    const listener = await open();
    const writer = await open();
    let heard = 0;
    let wake: () => void = () => undefined;
    const stop = await listener.watch(
      () => {
        heard++;
        wake();
      },
      (err) => {
        throw err;
      },
    );
    try {
      const first = new Promise<void>((resolve) => (wake = resolve));
      await writer.enqueue(job(1));
      await first;
      expect(heard).toBe(1);
      await writer.enqueue(job(1, { deliveryId: 'redelivered' }));
      // A second, real job proves the channel still works and that the duplicate sent nothing before it.
      const second = new Promise<void>((resolve) => (wake = resolve));
      await writer.enqueue(job(2));
      await second;
      expect(heard).toBe(2);
    } finally {
      await stop();
    }
  });
});

describe('durability of each write', () => {
  /**
   * Records, for every row a transaction changed, the `synchronous_commit`
   * its COMMIT ran with: a deferred constraint trigger fires at commit, after
   * every statement of the transaction (a SET LOCAL included), and before the
   * commit record whose flush that setting decides.
   */
  async function logCommits(): Promise<void> {
    await sql(`CREATE TABLE commit_log (n serial PRIMARY KEY, op text, delivery_id text, sync text);
      CREATE FUNCTION log_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          INSERT INTO commit_log (op, delivery_id, sync) VALUES (TG_OP, OLD.delivery_id, current_setting('synchronous_commit'));
        ELSE
          INSERT INTO commit_log (op, delivery_id, sync) VALUES (TG_OP, NEW.delivery_id, current_setting('synchronous_commit'));
        END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER log_commit AFTER INSERT OR UPDATE OR DELETE ON coder_agent_bot_jobs
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_commit()`);
  }
  const commits = async () => (await sql<{ op: string; delivery_id: string; sync: string }>(`SELECT op, delivery_id, sync FROM commit_log ORDER BY n`)).map((r) => `${r.op} ${r.delivery_id} ${r.sync}`);

  it("commits a recorded delivery durably (the webhook's 200 stands for it) and every later state change without waiting for the disk", async () => {
    const store = await open();
    await logCommits();
    await store.enqueue(job(1));
    await store.enqueue(job(2));
    expect(await commits()).toEqual(['INSERT d1 on', 'INSERT d2 on']);
    await sql(`TRUNCATE commit_log`);

    // Each of the job worker's writes, in the order a job meets them.
    const [claimed] = await store.claim('w1', 1, 60_000);
    expect(claimed?.deliveryId).toBe('d1');
    await store.markStarting('d1');
    expect(await store.holdLease({ deliveryId: 'd1', owner: 'w1', generation: claimed!.leaseGeneration }, 60_000)).toBe(true);
    expect(await store.renew('w1', ['d1'], 60_000)).toEqual(['d1']);
    await store.recordRun('d1', { chatId: 'c1' });
    await store.finish('d1', 'done', { status: 'completed' });
    await store.claim('w1', 1, 60_000);
    await store.release('w1', ['d2']);
    await store.claim('w1', 1, 60_000);
    expect(await store.releaseAll('w1')).toBe(1);
    expect(await store.prune(Date.now() + 1)).toBe(1);
    expect(await commits()).toEqual([
      ...['d1', 'd1', 'd1', 'd1', 'd1', 'd1'].map((id) => `UPDATE ${id} off`), // claim, markStarting, holdLease, renew, recordRun, finish
      ...['d2', 'd2', 'd2', 'd2'].map((id) => `UPDATE ${id} off`), // claim, release, claim, releaseAll
      'DELETE d1 off', // prune
    ]);
    // Still durable after the worker's writes on the same pooled connections: SET LOCAL ended with each transaction.
    await store.enqueue(job(3));
    expect((await commits()).at(-1)).toBe('INSERT d3 on');
  });
});

describe('claiming under contention', () => {
  it('skips rows another replica is claiming instead of waiting for them', async () => {
    const a = await open();
    await a.enqueue(job(1));
    await a.enqueue(job(2));
    // Another transaction holds d1's row lock (a claim in flight elsewhere).
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM coder_agent_bot_jobs WHERE delivery_id = 'd1' FOR UPDATE`);
      const claimed = await a.claim('w', 10, 60_000);
      expect(claimed.map((j) => j.deliveryId)).toEqual(['d2']);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
  });

  it('passes over a thread another replica is deciding about (its lock held), and claims the rest', async () => {
    const a = await open();
    await a.enqueue(job(1, { threadKey: 'octo/repo#5' }));
    await a.enqueue(job(2, { threadKey: 'octo/repo#6' }));
    await a.enqueue(job(3));
    // A replica mid-claim on #5: it holds the thread's lock until it commits.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT pg_advisory_xact_lock(${THREAD_LOCK_SQL('$1')})`, ['octo/repo#5']);
      expect((await a.claim('w', 10, 60_000)).map((j) => j.deliveryId)).toEqual(['d2', 'd3']);
      await blocker.query('COMMIT');
      // Its claim is over: the thread is free again.
      expect((await a.claim('w', 10, 60_000)).map((j) => j.deliveryId)).toEqual(['d1']);
    } finally {
      await blocker.end();
    }
  });
});

describe('instance names', () => {
  it('refuses a second live process with the same INSTANCE_ID, and frees the name when the first goes', async () => {
    const a = await open();
    const b = await open();
    const unlock = await a.lockInstance('replica-0');
    const waited: string[] = [];
    await expect(b.lockInstance('replica-0', 600, { waiting: (m) => waited.push(m) })).rejects.toThrow(/Another running process already uses the instance id "replica-0"/);
    // Said once before the wait (the App logs it: why its start pauses), not once per try.
    expect(waited).toEqual(['Another process holds the instance name "replica-0" (a previous life still stopping?): waiting up to 0.6 s for it.']);
    const other = await b.lockInstance('replica-1', 300, { waiting: (m) => waited.push(m) });
    await unlock();
    const again = await b.lockInstance('replica-0', 2_000);
    await again();
    // A free name is taken at once, without a word.
    expect(waited).toHaveLength(1);
    await other();
  });

  /** Ends the server side of the connection that holds `owner`'s name, as a server restart or a network cut would. */
  const dropLockConnection = (owner: string) => sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'coder-agent-bot instance ${owner}'`);
  const waitFor = async (cond: () => boolean, ms = 5_000) => {
    for (const end = Date.now() + ms; !cond(); ) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it('a dropped lock connection is said, and the name taken again, so a second process is still refused', async () => {
    const a = await open();
    const b = await open();
    const said: string[] = [];
    const unlock = await a.lockInstance('replica-7', 300, { lost: (m) => said.push(`lost: ${m}`), regained: (m) => said.push(`regained: ${m}`), failed: (m) => said.push(`failed: ${m}`) });
    await dropLockConnection('replica-7');
    await waitFor(() => said.some((m) => m.startsWith('regained')));
    expect(said[0]).toMatch(/^lost: The database connection holding the instance name "replica-7" dropped/);
    await expect(b.lockInstance('replica-7', 300)).rejects.toThrow(/already uses the instance id "replica-7"/);
    await unlock();
    const mine = await b.lockInstance('replica-7', 2_000);
    await mine();
  });

  it('when another process took the name in the gap, says so (error) and keeps trying until it is free', async () => {
    const a = await open();
    const said: string[] = [];
    const unlock = await a.lockInstance('replica-8', 300, { lost: (m) => said.push(`lost: ${m}`), regained: (m) => said.push(`regained: ${m}`), failed: (m) => said.push(`failed: ${m}`) });
    // Another process polls for the name and gets it the moment it is free, before the first retake (250 ms later).
    const intruder = new pg.Client({ connectionString: db.url });
    await intruder.connect();
    const polling = (async () => {
      for (;;) {
        const { rows } = await intruder.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended('coder-agent-bot instance:replica-8', 0)) AS locked`);
        if (rows[0]?.locked) return;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await dropLockConnection('replica-8');
    await polling;
    await waitFor(() => said.some((m) => m.startsWith('failed')));
    expect(said.find((m) => m.startsWith('failed'))).toMatch(/already uses the instance id "replica-8"\. .*Trying again in/);
    expect(said.some((m) => m.startsWith('regained'))).toBe(false);
    await intruder.end();
    await waitFor(() => said.some((m) => m.startsWith('regained')), 15_000);
    await unlock();
  });
});
