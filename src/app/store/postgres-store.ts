/**
 * The shared job store: PostgreSQL, for several App replicas (DATABASE_URL
 * `postgres://…`). Same interface and contract suite as the SQLite store.
 *
 * - Migrations run at start inside one transaction holding an advisory
 *   lock, so replicas starting together apply each step once.
 * - claim() selects with `FOR UPDATE SKIP LOCKED`: concurrent claimers on
 *   other replicas pass over each other's rows instead of waiting or taking
 *   the same job; every claim bumps `lease_generation` (the fencing token).
 * - One chat per thread (NewJob.threadKey): a job whose thread has another
 *   job without a chat yet is held back. Row locks cannot make that check
 *   safe (the job that holds it back is another row, and a delivery recorded
 *   late is a row nobody locked), so claim() takes a transaction-scoped
 *   advisory lock per thread, skips threads another replica is claiming in,
 *   and checks again under the lock before leasing.
 * - enqueue() NOTIFYs `coder_agent_bot_jobs` once its row is committed
 *   (never for a duplicate), so idle replicas LISTENing (watch()) claim at
 *   once; see notifyJobs() for why not in the insert's own transaction.
 * - Deliveries and requests are deduplicated by the primary key and a
 *   unique dedupe key, across replicas, in one `ON CONFLICT DO NOTHING`.
 * - Durability: enqueue() commits as the server is set (by default
 *   `synchronous_commit = on`: the row is on disk before the webhook is
 *   answered 200). Every later state change (claim, lease, run, outcome,
 *   release, prune: the job worker's writes) commits with
 *   `SET LOCAL synchronous_commit = off` in its own transaction, so the
 *   worker's hundreds of commits a second do not each wait for a disk
 *   flush, and the webhook's insert does not wait behind those flushes for
 *   the WAL lock. What a database crash can lose is at most the last
 *   ~0.6 s of those state changes (3 × wal_writer_delay; PostgreSQL
 *   docs, "Asynchronous Commit"), never a recorded delivery, and the
 *   database stays consistent (async commit loses whole transactions in
 *   commit order, never half of one). Each lost change is a crash point the
 *   worker already survives (test/app/crash-points.ts): a lost claim or
 *   release leaves the job to be claimed again, a lost run record or
 *   outcome makes the resumed run find its chat by label and its comment
 *   by marker and post nothing twice, a lost lease extension shortens a
 *   lease that the fence (holdLease: owner and generation) still checks,
 *   and a job already running here is never started twice (worker.ts).
 *
 * Error messages never contain the URL (it may carry a password).
 */
import pg from 'pg';
import { migrate, SchemaTooNewError } from './postgres-migrations.js';
import { FINISHED_STATES, JOB_STATES, type EnqueueResult, type FinishedState, type InstanceLockEvents, type JobRecord, type JobState, type JobStore, type Lease, lockWaitNotice, type NewJob } from './job-store.js';

export const JOBS_CHANNEL = 'coder_agent_bot_jobs';
export { POSTGRES_SCHEMA_VERSION } from './postgres-migrations.js';

/** Backoff for taking a dropped instance name again: first wait, and the most it grows to (ms). */
const INSTANCE_RETAKE_FIRST_MS = 250;
const INSTANCE_RETAKE_MAX_MS = 10_000;

const T = 'coder_agent_bot_jobs';

/**
 * Joined into each single-statement state change of the job worker's (UPDATE
 * … FROM, DELETE … USING): `SET LOCAL synchronous_commit = off` as a
 * function (set_config with is_local true), inside the statement's own
 * transaction, so that it commits without waiting for the disk in one round
 * trip (module comment: what that can lose). A BEGIN, SET LOCAL and COMMIT
 * around the statement would cost two more round trips per write.
 */
const ASYNC_COMMIT = `(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`;
const UNFINISHED = `state IN ('queued', 'starting', 'following')`;
const FINISHED = `state IN (${FINISHED_STATES.map((state) => `'${state}'`).join(', ')})`;

/**
 * True when job `j` must wait: another job of its thread has no chat yet and
 * is earlier or leased by a live worker (see NewJob.threadKey). `$now` is the
 * parameter holding the claim's time.
 */
const heldBack = (now: string) => `EXISTS (
  SELECT 1 FROM ${T} other
  WHERE other.thread_key = j.thread_key AND other.state IN ('queued', 'starting') AND other.thread_key IS NOT NULL
    AND other.delivery_id <> j.delivery_id
    AND (other.received_at < j.received_at OR (other.received_at = j.received_at AND other.delivery_id < j.delivery_id)
      OR other.lease_until >= ${now}))`;

/**
 * The advisory lock a claimer holds on a thread while it decides about the
 * thread's jobs (hashed from a prefixed text, so apart from the migration
 * lock's fixed key). Exported for the test that plays a replica caught mid-claim.
 * @internal
 */
export const THREAD_LOCK_SQL = (param: string) => `hashtextextended('coder-agent-bot thread:' || ${param}, 0)`;

interface JobRow {
  delivery_id: string;
  dedupe_key: string;
  event: string;
  installation_id: string;
  repository: string;
  payload: unknown;
  received_at: string;
  thread_key: string | null;
  state: JobState;
  attempts: number;
  run: unknown;
  result: unknown;
  error: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  lease_generation: string;
  updated_at: string;
}

/** bigint columns come back as strings (pg cannot know they fit a double); epoch ms and ids do. */
const num = (v: string): number => Number(v);

function toRecord(row: JobRow): JobRecord {
  return {
    deliveryId: row.delivery_id,
    dedupeKey: row.dedupe_key,
    event: row.event,
    installationId: num(row.installation_id),
    repository: row.repository,
    payload: row.payload,
    receivedAt: num(row.received_at),
    threadKey: row.thread_key,
    state: row.state,
    attempts: row.attempts,
    run: row.run,
    result: row.result,
    error: row.error,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until === null ? null : num(row.lease_until),
    leaseGeneration: num(row.lease_generation),
    updatedAt: num(row.updated_at),
  };
}

function toJson(value: unknown): string | null {
  return value === undefined ? null : (JSON.stringify(value) ?? null);
}

/** The server's error without the URL: host and database are enough to act on. */
function describeConnectError(err: unknown, url: string): Error {
  let where = 'the database';
  try {
    const u = new URL(url);
    where = `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    // An unparsable URL: say nothing of it.
  }
  const reason = redactUrl((err as Error).message ?? String(err), url);
  return new Error(`Cannot open the Postgres job store at ${where}: ${reason}`);
}

/** Removes the URL and its password from a message, should a driver ever repeat them. */
function redactUrl(message: string, url: string): string {
  let out = message.split(url).join('postgres://…');
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) out = out.split(password).join('***');
  } catch {
    // nothing to redact
  }
  return out;
}

export interface PostgresStoreOptions {
  /** Connections in the pool (each thread of each replica has its own pool). */
  max?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

export class PostgresJobStore implements JobStore {
  private closed = false;
  /** The NOTIFY in flight, and whether another is owed once it is done (notifyJobs). */
  private notifying: Promise<void> | undefined;
  private notifyAgain = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {}

  /** Connects, applies pending migrations under an advisory lock, and returns the store. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresJobStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.max ?? 5, application_name: options.applicationName ?? 'coder-agent-bot', connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
    // An idle client losing its server (a restart, a failover) emits here; the pool drops it and connects anew.
    pool.on('error', () => undefined);
    try {
      await migrate(pool);
    } catch (err) {
      await pool.end().catch(() => undefined);
      if (err instanceof SchemaTooNewError) throw err;
      throw describeConnectError(err, url);
    }
    return new PostgresJobStore(pool, url);
  }

  async enqueue(job: NewJob): Promise<EnqueueResult> {
    // The record the webhook's 200 stands for: committed as the server is set (on disk first, by default), never with
    // the worker's asynchronous commit (module comment). One statement for both unique keys (no conflict target); only a row that went in is announced.
    const { rows } = await this.query<{ delivery_id: string }>(
      `INSERT INTO ${T} (delivery_id, dedupe_key, event, installation_id, repository, payload, received_at, thread_key, state, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::json, $7, $9, 'queued', $8)
       ON CONFLICT DO NOTHING
       RETURNING delivery_id`,
      [job.deliveryId, job.dedupeKey, job.event, job.installationId, job.repository, toJson(job.payload), job.receivedAt, Date.now(), job.threadKey ?? null],
    );
    if (rows.length === 1) {
      this.notifyJobs();
      return { inserted: true, deliveryId: job.deliveryId };
    }
    const existing = await this.query<{ delivery_id: string }>(
      `SELECT delivery_id FROM ${T} WHERE delivery_id = $1 OR dedupe_key = $2 ORDER BY delivery_id = $1 DESC LIMIT 1`,
      [job.deliveryId, job.dedupeKey],
    );
    return { inserted: false, deliveryId: existing.rows[0]?.delivery_id ?? job.deliveryId };
  }

  /**
   * Wakes the replicas that watch() for new jobs. Not part of the insert's
   * transaction: PostgreSQL makes every committing transaction that has
   * NOTIFYed hold one database-wide lock until its commit record is flushed
   * to disk (src/backend/commands/async.c, PreCommit_Notify: "Serialize
   * writers by acquiring a special lock that we hold till after commit"), so
   * inserts that notify commit one fsync after another instead of sharing
   * flushes, and at 200 deliveries a second the webhook answers queued
   * behind each other's fsyncs (p50 30 ms in `npm run bench -- app latency
   * postgres`). Here the insert commits on its own; the NOTIFY follows in a
   * transaction of its own that does not wait for the disk (a notification
   * is for live listeners, nothing to keep), and NOTIFYs are coalesced: one
   * in flight, at most one more owed, which wakes every listener as well.
   * One lost (a dropped connection) delays a claim to the next poll.
   */
  private notifyJobs(): void {
    if (this.closed) return;
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = this.pool
      .query(`SELECT set_config('synchronous_commit', 'off', true), pg_notify('${JOBS_CHANNEL}', '')`)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.notifying = undefined;
        if (!this.notifyAgain) return;
        this.notifyAgain = false;
        this.notifyJobs();
      });
  }

  async claim(owner: string, limit: number, leaseMs: number, now: number = Date.now()): Promise<JobRecord[]> {
    if (limit <= 0) return [];
    return this.stateTransaction(async (client) => {
      // Candidates, row-locked; a row another replica is claiming is passed over.
      const candidates = await client.query<{ delivery_id: string; thread_key: string | null }>(
        `SELECT delivery_id, thread_key FROM ${T} j
         WHERE ${UNFINISHED} AND (lease_until IS NULL OR lease_until < $1) AND (thread_key IS NULL OR NOT ${heldBack('$1')})
         ORDER BY received_at, delivery_id
         LIMIT $2
         FOR UPDATE SKIP LOCKED`,
        [now, limit],
      );
      const chosen = candidates.rows.filter((r) => r.thread_key === null).map((r) => r.delivery_id);
      const threads = [...new Set(candidates.rows.flatMap((r) => (r.thread_key === null ? [] : [r.thread_key])))];
      if (threads.length > 0) {
        // Each thread's lock, without waiting: a thread another replica is claiming in is left for the next
        // poll. Under the lock, a fresh statement (READ COMMITTED) sees every claim committed before it, and
        // the row-locked jobs are checked again: one may have been held back by a lease taken meanwhile.
        const locked = await client.query<{ thread_key: string }>(
          `SELECT k AS thread_key FROM unnest($1::text[]) AS k WHERE pg_try_advisory_xact_lock(${THREAD_LOCK_SQL('k')})`,
          [threads],
        );
        const mine = locked.rows.map((r) => r.thread_key);
        const ids = candidates.rows.filter((r) => r.thread_key !== null && mine.includes(r.thread_key)).map((r) => r.delivery_id);
        const still = await client.query<{ delivery_id: string }>(`SELECT delivery_id FROM ${T} j WHERE delivery_id = ANY($1::text[]) AND NOT ${heldBack('$2')}`, [ids, now]);
        chosen.push(...still.rows.map((r) => r.delivery_id));
      }
      if (chosen.length === 0) return [];
      const { rows } = await client.query<JobRow>(
        `UPDATE ${T} j
         SET lease_owner = $1, lease_until = $4, lease_generation = j.lease_generation + 1, attempts = j.attempts + 1, updated_at = $2
         WHERE j.delivery_id = ANY($3::text[])
         RETURNING j.*`,
        [owner, now, chosen, now + leaseMs],
      );
      return rows.map(toRecord).sort((a, b) => a.receivedAt - b.receivedAt || (a.deliveryId < b.deliveryId ? -1 : a.deliveryId > b.deliveryId ? 1 : 0));
    });
  }

  async renew(owner: string, deliveryIds: readonly string[], leaseMs: number, now: number = Date.now()): Promise<string[]> {
    if (deliveryIds.length === 0) return [];
    const { rows } = await this.query<{ delivery_id: string }>(
      `UPDATE ${T} SET lease_until = $3 FROM ${ASYNC_COMMIT} WHERE delivery_id = ANY($2::text[]) AND lease_owner = $1 AND ${UNFINISHED} RETURNING delivery_id`,
      [owner, deliveryIds, now + leaseMs],
    );
    const held = new Set(rows.map((r) => r.delivery_id));
    return deliveryIds.filter((id) => held.has(id));
  }

  async holdLease(lease: Lease, leaseMs: number, now: number = Date.now()): Promise<boolean> {
    const { rowCount } = await this.query(
      `UPDATE ${T} SET lease_until = GREATEST(lease_until, $5) FROM ${ASYNC_COMMIT}
       WHERE delivery_id = $1 AND lease_owner = $2 AND lease_generation = $3 AND lease_until >= $4 AND ${UNFINISHED}`,
      [lease.deliveryId, lease.owner, lease.generation, now, now + leaseMs],
    );
    return rowCount === 1;
  }

  async recordRun(deliveryId: string, run: unknown): Promise<void> {
    await this.query(`UPDATE ${T} SET run = $2::json, state = 'following', updated_at = $3 FROM ${ASYNC_COMMIT} WHERE delivery_id = $1 AND ${UNFINISHED}`, [deliveryId, toJson(run), Date.now()]);
  }

  async markStarting(deliveryId: string): Promise<void> {
    await this.query(`UPDATE ${T} SET state = 'starting', updated_at = $2 FROM ${ASYNC_COMMIT} WHERE delivery_id = $1 AND state = 'queued'`, [deliveryId, Date.now()]);
  }

  async finish(deliveryId: string, state: FinishedState, result: unknown, error: string | null = null): Promise<void> {
    await this.query(
      `UPDATE ${T} SET state = $2, result = $3::json, error = $4, lease_owner = NULL, lease_until = NULL, updated_at = $5 FROM ${ASYNC_COMMIT} WHERE delivery_id = $1 AND ${UNFINISHED}`,
      [deliveryId, state, toJson(result), error, Date.now()],
    );
  }

  async release(owner: string, deliveryIds: readonly string[], opts: { notAnAttempt?: boolean } = {}): Promise<void> {
    if (deliveryIds.length === 0) return;
    const takeBack = opts.notAnAttempt ? 1 : 0;
    await this.query(
      `UPDATE ${T} SET lease_owner = NULL, lease_until = NULL, attempts = GREATEST(attempts - $3, 0) FROM ${ASYNC_COMMIT} WHERE delivery_id = ANY($2::text[]) AND lease_owner = $1`,
      [owner, deliveryIds, takeBack],
    );
  }

  async releaseAll(owner: string): Promise<number> {
    const { rowCount } = await this.query(`UPDATE ${T} SET lease_owner = NULL, lease_until = NULL FROM ${ASYNC_COMMIT} WHERE lease_owner = $1 AND ${UNFINISHED}`, [owner]);
    return rowCount ?? 0;
  }

  async get(deliveryId: string): Promise<JobRecord | undefined> {
    const { rows } = await this.query<JobRow>(`SELECT * FROM ${T} WHERE delivery_id = $1`, [deliveryId]);
    return rows[0] && toRecord(rows[0]);
  }

  async counts(): Promise<Record<JobState, number>> {
    const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
    const { rows } = await this.query<{ state: JobState; n: string }>(`SELECT state, COUNT(*) AS n FROM ${T} GROUP BY state`);
    for (const { state, n } of rows) counts[state] = Number(n);
    return counts;
  }

  async prune(olderThan: number): Promise<number> {
    const { rowCount } = await this.query(`DELETE FROM ${T} USING ${ASYNC_COMMIT} WHERE ${FINISHED} AND updated_at < $1`, [olderThan]);
    return rowCount ?? 0;
  }

  /**
   * LISTENs on its own connection (a pooled one would be handed to other
   * queries). A lost connection is reported to `onError` once; the caller's
   * poll still finds the jobs, and it may watch again.
   */
  async watch(onJob: () => void, onError: (err: Error) => void): Promise<() => Promise<void>> {
    this.assertOpen();
    const client = new pg.Client({ connectionString: this.url, application_name: 'coder-agent-bot listen' });
    let ended = false;
    client.on('notification', (n) => {
      if (n.channel === JOBS_CHANNEL) onJob();
    });
    client.on('error', (err) => {
      if (!ended) onError(new Error(`The job notification connection failed: ${redactUrl(err.message, this.url)}`));
      ended = true;
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${JOBS_CHANNEL}`);
    } catch (err) {
      ended = true;
      await client.end().catch(() => undefined);
      throw describeConnectError(err, this.url);
    }
    return async () => {
      ended = true;
      await client.end().catch(() => undefined);
    };
  }

  async lockInstance(owner: string, waitMs = 10_000, events: InstanceLockEvents = {}): Promise<() => Promise<void>> {
    this.assertOpen();
    let released = false;
    let client = await this.takeInstanceLock(owner, waitMs, events.waiting);
    // A session lock lives as long as its connection: when that drops (a server restart, a network cut), the
    // name is free for another process. Take it again at once, and keep trying, saying so each time.
    const watch = (c: pg.Client) => {
      c.on('end', () => {
        if (released || c !== client) return;
        events.lost?.(`The database connection holding the instance name "${owner}" dropped; taking the name again.`);
        void retake();
      });
    };
    const retake = async () => {
      for (let delay = INSTANCE_RETAKE_FIRST_MS; !released && !this.closed; delay = Math.min(delay * 2, INSTANCE_RETAKE_MAX_MS)) {
        // A moment first: a server that just dropped every connection (a restart) is rarely back at once.
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (released || this.closed) return;
        try {
          const next = await this.takeInstanceLock(owner, 0);
          if (released) {
            await next.end().catch(() => undefined);
            return;
          }
          client = next;
          watch(next);
          events.regained?.(`Took the instance name "${owner}" again.`);
          return;
        } catch (err) {
          const next = Math.min(delay * 2, INSTANCE_RETAKE_MAX_MS);
          events.failed?.(`${(err as Error).message} Trying again in ${(next / 1000).toFixed(1)} s.`);
        }
      }
    };
    watch(client);
    return async () => {
      released = true;
      await client.end().catch(() => undefined);
    };
  }

  /** One connection holding the session advisory lock for `owner`, tried for up to `waitMs`; `waiting` is told once if it must wait. */
  private async takeInstanceLock(owner: string, waitMs: number, waiting?: (message: string) => void): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, application_name: `coder-agent-bot instance ${owner}`.slice(0, 63) });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      throw describeConnectError(err, this.url);
    }
    const deadline = Date.now() + waitMs;
    const held = lockWaitNotice(waiting, `the instance name "${owner}"`, waitMs);
    try {
      for (;;) {
        const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`, [`coder-agent-bot instance:${owner}`]);
        if (rows[0]?.locked) return client;
        if (Date.now() >= deadline) {
          throw new Error(`Another running process already uses the instance id "${owner}". Give each replica its own INSTANCE_ID (or leave it unset in Kubernetes, where the pod name is used).`);
        }
        held();
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.notifying;
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    this.assertOpen();
    try {
      return await this.pool.query<R>(text, values);
    } catch (err) {
      // pg's errors name the statement's problem, not the URL; redacting is a belt to those braces.
      const e = err as Error;
      e.message = redactUrl(e.message, this.url);
      throw e;
    }
  }

  /**
   * Runs `fn` in a transaction on one pooled connection, committed without
   * waiting for the disk (the job worker's state changes only: see the
   * module comment); rolls back when it throws.
   */
  private async stateTransaction<R>(fn: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    this.assertOpen();
    const client = await this.pool.connect().catch((err: unknown) => {
      const e = err as Error;
      e.message = redactUrl(e.message, this.url);
      throw e;
    });
    try {
      // One round trip (a query without parameters may hold several statements); SET LOCAL ends with the transaction.
      await client.query('BEGIN; SET LOCAL synchronous_commit = off');
      const result = await fn(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (err) {
      // A connection that cannot even roll back is broken: the pool must not hand it out again.
      const broken = await client.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      client.release(broken);
      const e = err as Error;
      e.message = redactUrl(e.message, this.url);
      throw e;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The job store is closed.');
  }
}
