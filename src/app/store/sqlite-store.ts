/**
 * The embedded job store: one SQLite file next to the App. Enough for a
 * single replica; several replicas need the Postgres store (same interface).
 *
 * better-sqlite3 is synchronous, so every method does its work inside one
 * call and no transaction is ever held across an `await`: two stores in one
 * process (or two processes) on the same file cannot deadlock each other.
 *
 * enqueue() writes to an inbox in a second file (sqlite-inbox.ts), so the
 * webhook thread never waits for the job worker's write lock; every other
 * write first copies new inbox rows into `jobs`, in the same transaction.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { openInbox, type Inbox, type InboxRow } from './sqlite-inbox.js';
import { lockSqliteInstance } from './sqlite-instance-lock.js';
import { FINISHED_STATES, JOB_STATES, type EnqueueResult, type FinishedState, type InstanceLockEvents, type JobRecord, type JobState, type JobStore, type Lease, type NewJob } from './job-store.js';

type Db = Database.Database;

const DEFAULT_BUSY_DEADLINE_MS = 2_000;

/** How long lockInstance waits for a previous life still shutting down (SIGTERM gives the App 20 s; most stop in less). */
const DEFAULT_INSTANCE_WAIT_MS = 10_000;

/**
 * Inbox rows a store copies into `jobs` between two checkpoints of the inbox
 * (about 8 pages of WAL each for a 12 KB comment delivery, so about
 * SQLite's own 1000-page interval). The copying connection is the job
 * worker's, so the checkpoint's I/O is never on the webhook thread, whose
 * own connection to the inbox only checkpoints as a last resort
 * (sqlite-inbox.ts, INBOX_WRITER_AUTOCHECKPOINT_PAGES).
 */
const INBOX_CHECKPOINT_ROWS = 200;

/** Another connection held the database's write lock for longer than the store would wait. */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
  readonly code = 'SQLITE_BUSY';
  constructor(waitedMs: number) {
    super(`The job database stayed locked by another connection for ${waitedMs / 1000} s; the write was not made.`);
  }
}

/**
 * Schema migrations, in order; `PRAGMA user_version` records how many ran.
 * Never edit a released step: append one (e.g. `ALTER TABLE jobs ADD COLUMN`).
 */
const MIGRATIONS: ReadonlyArray<(db: Db) => void> = [
  (db) => {
    db.exec(`
      CREATE TABLE jobs (
        delivery_id     TEXT    PRIMARY KEY,
        dedupe_key      TEXT    NOT NULL UNIQUE,
        event           TEXT    NOT NULL,
        installation_id INTEGER NOT NULL,
        repository      TEXT    NOT NULL,
        payload         TEXT,             -- JSON
        received_at     INTEGER NOT NULL, -- epoch ms
        state           TEXT    NOT NULL CHECK (state IN ('queued', 'starting', 'following', 'done', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        run             TEXT,             -- JSON, once the chat and comment exist
        result          TEXT,             -- JSON, once finished
        error           TEXT,
        lease_owner     TEXT,
        lease_until     INTEGER,          -- epoch ms
        updated_at      INTEGER NOT NULL  -- epoch ms
      );
      -- claim() runs every poll. Finished rows pile up (tens of thousands
      -- between prunes) while unfinished ones are a handful, so a partial
      -- index holding only unfinished rows, in claim order, keeps claim's
      -- cost proportional to the live work rather than to the history.
      CREATE INDEX jobs_claimable ON jobs (received_at, delivery_id)
        WHERE state IN ('queued', 'starting', 'following');
      -- counts() groups by state and prune() deletes finished rows by age;
      -- this index answers both without reading the (large) payload pages.
      CREATE INDEX jobs_state_updated ON jobs (state, updated_at);
    `);
  },
  (db) => {
    // The fencing token (see JobStore.holdLease).
    db.exec(`ALTER TABLE jobs ADD COLUMN lease_generation INTEGER NOT NULL DEFAULT 0`);
  },
  (db) => {
    // One chat per thread: a request waits while another in its thread has no chat yet (JobStore's NewJob.threadKey).
    db.exec(`
      ALTER TABLE jobs ADD COLUMN thread_key TEXT;
      CREATE INDEX jobs_thread_unstarted ON jobs (thread_key, received_at, delivery_id)
        WHERE state IN ('queued', 'starting') AND thread_key IS NOT NULL;
    `);
  },
  (db) => {
    // How far the inbox (sqlite-inbox.ts) has been copied into jobs: the id of the last row taken.
    db.exec(`
      CREATE TABLE inbox_copied (last_id INTEGER NOT NULL);
      INSERT INTO inbox_copied (last_id) VALUES (0);
    `);
  },
  (db) => {
    // Which inbox file last_id counts in (its token, sqlite-inbox.ts); NULL: the file copied from before, adopted at the next copy.
    db.exec(`ALTER TABLE inbox_copied ADD COLUMN inbox_token TEXT`);
  },
  (db) => {
    // Skipped and refused jobs end in states of their own (they ended `failed`, which /metrics counted as
    // failures). SQLite cannot change a CHECK constraint in place: the table is rebuilt as its documentation
    // says (lang_altertable.html, "Making Other Kinds Of Table Schema Changes"), indexes and all, and the
    // jobs that ended so before are moved to the state their recorded result names.
    db.exec(`
      CREATE TABLE jobs_new (
        delivery_id      TEXT    PRIMARY KEY,
        dedupe_key       TEXT    NOT NULL UNIQUE,
        event            TEXT    NOT NULL,
        installation_id  INTEGER NOT NULL,
        repository       TEXT    NOT NULL,
        payload          TEXT,
        received_at      INTEGER NOT NULL,
        state            TEXT    NOT NULL CHECK (state IN ('queued', 'starting', 'following', 'done', 'failed', 'skipped', 'refused')),
        attempts         INTEGER NOT NULL DEFAULT 0,
        run              TEXT,
        result           TEXT,
        error            TEXT,
        lease_owner      TEXT,
        lease_until      INTEGER,
        updated_at       INTEGER NOT NULL,
        lease_generation INTEGER NOT NULL DEFAULT 0,
        thread_key       TEXT
      );
      INSERT INTO jobs_new (delivery_id, dedupe_key, event, installation_id, repository, payload, received_at, state, attempts, run, result, error, lease_owner, lease_until, updated_at, lease_generation, thread_key)
        SELECT delivery_id, dedupe_key, event, installation_id, repository, payload, received_at, state, attempts, run, result, error, lease_owner, lease_until, updated_at, lease_generation, thread_key FROM jobs;
      UPDATE jobs_new SET state = json_extract(result, '$.status')
        WHERE state = 'failed' AND json_valid(result) AND json_extract(result, '$.status') IN ('skipped', 'refused');
      DROP TABLE jobs;
      ALTER TABLE jobs_new RENAME TO jobs;
      CREATE INDEX jobs_claimable ON jobs (received_at, delivery_id)
        WHERE state IN ('queued', 'starting', 'following');
      CREATE INDEX jobs_state_updated ON jobs (state, updated_at);
      CREATE INDEX jobs_thread_unstarted ON jobs (thread_key, received_at, delivery_id)
        WHERE state IN ('queued', 'starting') AND thread_key IS NOT NULL;
    `);
  },
];

/** The schema version this code writes (`PRAGMA user_version`). */
export const SCHEMA_VERSION = MIGRATIONS.length;

const UNFINISHED = `state IN ('queued', 'starting', 'following')`;
const FINISHED = `state IN (${FINISHED_STATES.map((state) => `'${state}'`).join(', ')})`;

/**
 * Jobs claim() may take: unfinished, and not under someone's unexpired lease
 * (a queued job is leased too, between claim and markStarting), and not
 * held back by another job of its thread that has no chat yet (see
 * NewJob.threadKey; claims run under the write lock, one at a time). Without
 * statistics the planner prefers `jobs_state_updated` and sorts; INDEXED BY
 * pins the partial index, already in claim order, and makes SQLite refuse
 * to prepare the query if an edit ever stops it from matching the index's
 * WHERE (the state test must stay written exactly as there).
 * Exported for the query-plan test.
 * @internal
 */
export const CLAIM_CANDIDATES_SQL = `
  SELECT delivery_id FROM jobs INDEXED BY jobs_claimable
  WHERE ${UNFINISHED} AND (lease_until IS NULL OR lease_until < @now)
    AND (thread_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM jobs AS other
      WHERE other.thread_key = jobs.thread_key AND other.state IN ('queued', 'starting') AND other.thread_key IS NOT NULL
        AND other.delivery_id <> jobs.delivery_id
        AND (other.received_at < jobs.received_at OR (other.received_at = jobs.received_at AND other.delivery_id < jobs.delivery_id)
          OR other.lease_until >= @now)))
  ORDER BY received_at, delivery_id
  LIMIT @limit`;

/** A row of `jobs`: what the inbox recorded (sqlite-inbox.ts), and the job's progress. */
interface JobRow extends Omit<InboxRow, 'id' | 'recorded_at'> {
  state: JobState;
  attempts: number;
  run: string | null;
  result: string | null;
  error: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  lease_generation: number;
  updated_at: number;
}

/** JSON for a column; `undefined` (which JSON.stringify drops) is stored as NULL. */
function toJson(value: unknown): string | null {
  return value === undefined ? null : (JSON.stringify(value) ?? null);
}

/**
 * A cell that no longer parses (a hand edit, a torn write from an old bug)
 * must not stop claim() from handing out every other job: it comes back as
 * the raw string, which the caller's own validation then rejects for that
 * job alone.
 */
function fromJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** An inbox row as the job row it becomes when copied (see `copy`). */
function queuedRow(r: InboxRow): JobRow {
  const { id: _id, recorded_at, ...rest } = r;
  return { ...rest, state: 'queued', attempts: 0, run: null, result: null, error: null, lease_owner: null, lease_until: null, lease_generation: 0, updated_at: recorded_at };
}

function toRecord(row: JobRow): JobRecord {
  return {
    deliveryId: row.delivery_id,
    dedupeKey: row.dedupe_key,
    event: row.event,
    installationId: row.installation_id,
    repository: row.repository,
    payload: fromJson(row.payload),
    receivedAt: row.received_at,
    threadKey: row.thread_key,
    state: row.state,
    attempts: row.attempts,
    run: fromJson(row.run),
    result: fromJson(row.result),
    error: row.error,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    leaseGeneration: row.lease_generation,
    updatedAt: row.updated_at,
  };
}

/**
 * Creates or upgrades the job database's schema. A new job database beside
 * an inbox that already holds rows (the job database deleted, or never on
 * the persistent volume, while the inbox was kept) takes those rows as
 * copied: they were recorded for a job database that is gone, and the inbox
 * keeps them for 30 days (JOB_RETENTION_MS), so copying them would run a
 * month of requests again. They still answer for duplicates. What is lost is
 * only what that job database had not copied yet when it went.
 */
function migrate(db: Db, inbox: Inbox): void {
  // IMMEDIATE takes the write lock before reading user_version, so two
  // processes opening a new file at once do not both create the table.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `The job database has schema version ${version}, newer than this version of coder-agent-bot understands (${MIGRATIONS.length}). Upgrade the app or point DATABASE_URL at another file.`,
      );
    }
    for (const step of MIGRATIONS.slice(version)) step(db);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
    if (version === 0) db.prepare(`UPDATE inbox_copied SET last_id = ?, inbox_token = ?`).run(inbox.lastId.get() as number, inbox.token);
  }).immediate();
}

function prepareStatements(db: Db) {
  return {
    // A row of the inbox becomes a queued job; one already there (recorded before the inbox existed) wins.
    copy: db.prepare(`
      INSERT INTO jobs (delivery_id, dedupe_key, event, installation_id, repository, payload, received_at, thread_key, state, updated_at)
      VALUES (@delivery_id, @dedupe_key, @event, @installation_id, @repository, @payload, @received_at, @thread_key, 'queued', @recorded_at)
      ON CONFLICT DO NOTHING`),
    lastCopied: db.prepare(`SELECT last_id, inbox_token FROM inbox_copied`),
    setCopied: db.prepare(`UPDATE inbox_copied SET last_id = ?, inbox_token = ?`),
    // The row that made the insert a duplicate: the same delivery if it was
    // redelivered as is, else the first delivery of the same request.
    existing: db
      .prepare(`SELECT delivery_id FROM jobs WHERE delivery_id = @deliveryId OR dedupe_key = @dedupeKey ORDER BY delivery_id = @deliveryId DESC LIMIT 1`)
      .pluck(),
    // A read: in WAL mode it takes no lock, so an empty claim never holds up a writer.
    anyClaimable: db.prepare(`SELECT EXISTS (${CLAIM_CANDIDATES_SQL})`).pluck(),
    claim: db.prepare(`
      UPDATE jobs SET lease_owner = @owner, lease_until = @leaseUntil, lease_generation = lease_generation + 1, attempts = attempts + 1, updated_at = @now
      WHERE delivery_id IN (${CLAIM_CANDIDATES_SQL})
      RETURNING *`),
    renew: db.prepare(`UPDATE jobs SET lease_until = @leaseUntil WHERE delivery_id = @deliveryId AND lease_owner = @owner AND ${UNFINISHED}`),
    holdLease: db.prepare(`
      UPDATE jobs SET lease_until = MAX(lease_until, @leaseUntil)
      WHERE delivery_id = @deliveryId AND lease_owner = @owner AND lease_generation = @generation AND lease_until >= @now AND ${UNFINISHED}`),
    release: db.prepare(`UPDATE jobs SET lease_owner = NULL, lease_until = NULL, attempts = MAX(attempts - @takeBack, 0) WHERE delivery_id = @deliveryId AND lease_owner = @owner`),
    releaseAll: db.prepare(`UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = @owner AND ${UNFINISHED}`),
    // Neither step moves a finished job back: its answer is already in the thread.
    recordRun: db.prepare(`UPDATE jobs SET run = @run, state = 'following', updated_at = @now WHERE delivery_id = @deliveryId AND ${UNFINISHED}`),
    markStarting: db.prepare(`UPDATE jobs SET state = 'starting', updated_at = @now WHERE delivery_id = @deliveryId AND state = 'queued'`),
    // First outcome wins, so a late second finish cannot rewrite what was posted.
    finish: db.prepare(`
      UPDATE jobs SET state = @state, result = @result, error = @error, lease_owner = NULL, lease_until = NULL, updated_at = @now
      WHERE delivery_id = @deliveryId AND ${UNFINISHED}`),
    get: db.prepare(`SELECT * FROM jobs WHERE delivery_id = ?`),
    counts: db.prepare(`SELECT state, COUNT(*) AS n FROM jobs GROUP BY state`),
    prune: db.prepare(`DELETE FROM jobs WHERE ${FINISHED} AND updated_at < ?`),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class SqliteJobStore implements JobStore {
  private readonly stmt: Statements;
  /** Inbox rows copied since this store last checkpointed the inbox. */
  private copiedSinceCheckpoint = 0;

  private constructor(
    private readonly db: Db,
    private readonly inbox: Inbox,
    private readonly busyDeadlineMs: number,
    /** The database file, or `:memory:`. */
    private readonly path: string,
  ) {
    this.stmt = prepareStatements(db);
  }

  /**
   * Opens (creating if needed, with its parent directories) the database at
   * `path`; `:memory:` for a private in-memory one. `busyDeadlineMs`: how
   * long a write keeps trying while another connection holds the write
   * lock before it fails with StoreBusyError (default 2 s, for the webhook
   * thread: GitHub gives a delivery 10 s; the job worker passes longer).
   */
  static open(path: string, options: { busyDeadlineMs?: number } = {}): SqliteJobStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    let inbox: Inbox | undefined;
    try {
      // Start-up may wait for another connection (switching to WAL and
      // migrating need the lock); later writes never block the thread.
      db.pragma('busy_timeout = 5000');
      // WAL: readers (counts, get, /metrics) never block the writer nor the
      // writer them, and a commit is one append instead of a journal rewrite.
      db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL fsyncs at checkpoints, not at every commit: a
      // crash of the process loses nothing and the file is never corrupted;
      // only a power loss or OS crash can roll back the last few commits.
      db.pragma('synchronous = NORMAL');
      inbox = openInbox(path);
      migrate(db, inbox);
      // better-sqlite3 is synchronous: a busy_timeout would freeze the whole
      // thread (the webhook thread: every delivery) while another connection
      // holds the write lock. Instead a busy write fails at once and write()
      // tries again after a timer, leaving the event loop free meanwhile.
      db.pragma('busy_timeout = 0');
      return new SqliteJobStore(db, inbox, options.busyDeadlineMs ?? DEFAULT_BUSY_DEADLINE_MS, path);
    } catch (error) {
      db.close();
      inbox?.db.close();
      throw error;
    }
  }

  async enqueue(job: NewJob): Promise<EnqueueResult> {
    const params = {
      deliveryId: job.deliveryId,
      dedupeKey: job.dedupeKey,
      event: job.event,
      installationId: job.installationId,
      repository: job.repository,
      payload: toJson(job.payload),
      receivedAt: job.receivedAt,
      threadKey: job.threadKey ?? null,
      now: Date.now(),
    };
    // Only the inbox's lock: the job worker's writes (to the job database) never hold this up.
    return this.write(this.inbox.db, () => {
      // A job copied from the inbox and since pruned there, or recorded before the inbox existed.
      // A read: it takes no lock in WAL mode.
      const known = this.stmt.existing.get(params) as string | undefined;
      if (known !== undefined) return { inserted: false, deliveryId: known };
      // ON CONFLICT DO NOTHING (no target) covers both unique keys in one
      // statement, so a racing duplicate is told apart by `changes`, not by a
      // read-then-insert that two writers could both pass.
      if (this.inbox.insert.run(params).changes === 1) return { inserted: true, deliveryId: job.deliveryId };
      const existing = this.inbox.existing.get(params) as string | undefined;
      return { inserted: false, deliveryId: existing ?? job.deliveryId };
    });
  }

  async claim(owner: string, limit: number, leaseMs: number, now: number = Date.now()): Promise<JobRecord[]> {
    if (limit <= 0) return [];
    // Most claims (one per recorded or finished job) find nothing to take; they
    // must not queue for the write lock behind, or ahead of, the webhook
    // thread's enqueue. A job recorded after this read comes with its own claim.
    if (!this.inbox.anyAfter.get(this.copiedUpTo()) && !this.stmt.anyClaimable.get({ now, limit: 1 })) return [];
    // One UPDATE ... WHERE delivery_id IN (candidates) RETURNING: selecting
    // and leasing happen in one statement under the write lock, so a second
    // claimer sees the new leases and never gets the same job.
    const rows = await this.writeJobs(() => this.stmt.claim.all({ owner, limit, now, leaseUntil: now + leaseMs }) as JobRow[]);
    // RETURNING gives rows in no defined order.
    rows.sort((a, b) => a.received_at - b.received_at || (a.delivery_id < b.delivery_id ? -1 : a.delivery_id > b.delivery_id ? 1 : 0));
    return rows.map(toRecord);
  }

  async renew(owner: string, deliveryIds: readonly string[], leaseMs: number, now: number = Date.now()): Promise<string[]> {
    return this.writeJobs(() => deliveryIds.filter((deliveryId) => this.stmt.renew.run({ owner, deliveryId, leaseUntil: now + leaseMs }).changes === 1));
  }

  async holdLease(lease: Lease, leaseMs: number, now: number = Date.now()): Promise<boolean> {
    const params = { deliveryId: lease.deliveryId, owner: lease.owner, generation: lease.generation, now, leaseUntil: now + leaseMs };
    return this.writeJobs(() => this.stmt.holdLease.run(params).changes === 1);
  }

  async lockInstance(owner: string, waitMs = DEFAULT_INSTANCE_WAIT_MS, events: InstanceLockEvents = {}): Promise<() => Promise<void>> {
    // A private in-memory database has no other process to refuse.
    if (this.path === ':memory:') return async () => undefined;
    return lockSqliteInstance(this.path, owner, waitMs, events.waiting);
  }

  async watch(): Promise<() => Promise<void>> {
    // One process per file: the webhook thread kicks its own worker (worker-host.ts).
    return async () => undefined;
  }

  async recordRun(deliveryId: string, run: unknown): Promise<void> {
    await this.writeJobs(() => this.stmt.recordRun.run({ deliveryId, run: toJson(run), now: Date.now() }));
  }

  async markStarting(deliveryId: string): Promise<void> {
    await this.writeJobs(() => this.stmt.markStarting.run({ deliveryId, now: Date.now() }));
  }

  async finish(deliveryId: string, state: FinishedState, result: unknown, error: string | null = null): Promise<void> {
    await this.writeJobs(() => this.stmt.finish.run({ deliveryId, state, result: toJson(result), error, now: Date.now() }));
  }

  async release(owner: string, deliveryIds: readonly string[], opts: { notAnAttempt?: boolean } = {}): Promise<void> {
    const takeBack = opts.notAnAttempt ? 1 : 0;
    await this.writeJobs(() => {
      for (const deliveryId of deliveryIds) this.stmt.release.run({ owner, deliveryId, takeBack });
    });
  }

  async releaseAll(owner: string): Promise<number> {
    return this.writeJobs(() => this.stmt.releaseAll.run({ owner }).changes);
  }

  async get(deliveryId: string): Promise<JobRecord | undefined> {
    this.assertOpen();
    const row = this.stmt.get.get(deliveryId) as JobRow | undefined;
    if (row) return toRecord(row);
    // Recorded, not yet copied into jobs: a queued job nobody has touched.
    const recorded = this.inbox.getAfter.get(deliveryId, this.copiedUpTo()) as InboxRow | undefined;
    return recorded && toRecord(queuedRow(recorded));
  }

  async counts(): Promise<Record<JobState, number>> {
    this.assertOpen();
    const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
    for (const { state, n } of this.stmt.counts.all() as Array<{ state: JobState; n: number }>) counts[state] = n;
    counts.queued += this.inbox.countAfter.get(this.copiedUpTo()) as number;
    return counts;
  }

  async prune(olderThan: number): Promise<number> {
    const removed = await this.writeJobs(() => this.stmt.prune.run(olderThan).changes);
    // The inbox's rows answer for duplicates as long as finished jobs are kept; a write to its file, once an hour.
    const copied = this.copiedUpTo();
    await this.write(this.inbox.db, () => this.inbox.prune.run(olderThan, copied));
    return removed;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    if (this.inbox.db.open) this.inbox.db.close();
  }

  /** A write to the job database: new inbox rows are copied into jobs first, in the same transaction, so `fn` sees every recorded job. */
  private async writeJobs<T>(fn: () => T): Promise<T> {
    const result = await this.write(this.db, () => {
      this.copyInbox();
      return fn();
    });
    // After the commit, so the job database's write lock is not held through the checkpoint's I/O.
    if (this.copiedSinceCheckpoint >= INBOX_CHECKPOINT_ROWS && this.inbox.db.open) {
      this.copiedSinceCheckpoint = 0;
      this.inbox.checkpoint();
    }
    return result;
  }

  /** Copies the inbox rows recorded since the last copy into jobs (under the job database's write lock, so exactly once). */
  private copyInbox(): void {
    const last = this.copiedUpTo();
    const rows = this.inbox.after.all(last) as InboxRow[];
    if (rows.length === 0) return;
    for (const row of rows) this.stmt.copy.run(row);
    this.copiedSinceCheckpoint += rows.length;
    this.stmt.setCopied.run(rows[rows.length - 1]?.id ?? last, this.inbox.token);
  }

  /**
   * The id of the last inbox row copied into jobs. 0 when the job database
   * last copied from another inbox file: a new file's ids start again at 1
   * (copying a row twice is harmless, `copy` keeps the first).
   */
  private copiedUpTo(): number {
    const { last_id, inbox_token } = this.stmt.lastCopied.get() as { last_id: number; inbox_token: string | null };
    return inbox_token === null || inbox_token === this.inbox.token ? last_id : 0;
  }

  /**
   * Runs `fn` in an IMMEDIATE transaction: the write lock is taken before
   * any read, so a read-then-write cannot fail half-way when another
   * connection wrote in between. While another connection holds the lock,
   * tries again after a growing pause (never blocking the thread), until
   * `busyDeadlineMs`; then throws StoreBusyError.
   */
  private async write<T>(db: Db, fn: () => T): Promise<T> {
    const deadline = Date.now() + this.busyDeadlineMs;
    for (let pauseMs = 2; ; pauseMs = Math.min(pauseMs * 2, 50)) {
      this.assertOpen();
      try {
        return db.transaction(fn).immediate();
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
        if (Date.now() + pauseMs > deadline) throw new StoreBusyError(this.busyDeadlineMs);
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  private assertOpen(): void {
    if (!this.db.open) throw new Error('The job store is closed.');
  }
}
