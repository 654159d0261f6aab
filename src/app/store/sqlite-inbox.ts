/**
 * The SQLite store's inbox: the deliveries recorded by enqueue(), in a file
 * of their own next to the job database (`<file>-inbox`).
 *
 * Why a second file: SQLite has one write lock per database file. With one
 * file, the webhook thread's insert of a delivery waited whenever the job
 * worker thread held the lock, and the worker runs at a lower priority
 * (worker-thread.ts), so a worker descheduled inside a transaction held up
 * the webhook answers for tens of milliseconds (the replicas issue:
 * "recording a delivery must not wait behind the job worker's writes").
 * Only enqueue() writes here, and the worker only reads (a WAL reader takes
 * no lock); the job store copies new rows into its `jobs` table at the
 * start of each of its own write transactions (sqlite-store.ts), and keeps
 * how far it has copied in that same database, so a row is taken exactly
 * once. The only other write is prune(), once an hour.
 *
 * Rows stay after they are copied, for as long as finished jobs are kept:
 * they answer "was this delivery (or request) already recorded?".
 */
import Database from 'better-sqlite3';

type Db = Database.Database;

/** Schema steps of the inbox file, as MIGRATIONS in sqlite-store.ts. */
const INBOX_MIGRATIONS: ReadonlyArray<(db: Db) => void> = [
  (db) => {
    // AUTOINCREMENT: ids only grow, even after the newest row is pruned, so "after id N" never misses a row.
    db.exec(`
      CREATE TABLE inbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id     TEXT    NOT NULL UNIQUE,
        dedupe_key      TEXT    NOT NULL UNIQUE,
        event           TEXT    NOT NULL,
        installation_id INTEGER NOT NULL,
        repository      TEXT    NOT NULL,
        payload         TEXT,             -- JSON
        received_at     INTEGER NOT NULL, -- epoch ms
        thread_key      TEXT,
        recorded_at     INTEGER NOT NULL  -- epoch ms
      );
    `);
  },
  (db) => {
    // Which file this is. The job database keeps, with how far it copied, the token of the file it copied from
    // (sqlite-store.ts): a new file (the old one deleted, or never on the persistent volume) starts its ids at 1
    // again, and without the token its rows would pass for copied until its ids outgrew the old file's.
    db.exec(`
      CREATE TABLE inbox_file (token TEXT NOT NULL);
      INSERT INTO inbox_file (token) VALUES (lower(hex(randomblob(16))));
    `);
  },
];

/** One recorded delivery, as the inbox holds it. */
export interface InboxRow {
  id: number;
  delivery_id: string;
  dedupe_key: string;
  event: string;
  installation_id: number;
  repository: string;
  payload: string | null;
  received_at: number;
  thread_key: string | null;
  recorded_at: number;
}

/** What enqueue() inserts (named parameters of `insert`). */
export interface InboxParams {
  deliveryId: string;
  dedupeKey: string;
  event: string;
  installationId: number;
  repository: string;
  payload: string | null;
  receivedAt: number;
  threadKey: string | null;
  now: number;
}

/** The inbox file of the job database at `path` (`:memory:` gets a private in-memory one). */
export function inboxPath(path: string): string {
  return path === ':memory:' ? path : `${path}-inbox`;
}

/**
 * Pages of WAL after which the connection that commits checkpoints the
 * inbox itself (SQLite's default is 1000). That connection is the webhook
 * thread's, and a checkpoint there (copying ~4 MB back into the file and
 * fsyncing it) held the answer to one delivery in ~120 for 10-30 ms: at
 * 200 deliveries a second, the whole of the p99 (`npm run bench -- app
 * latency sqlite`). The job store checkpoints the inbox from the job worker
 * instead, after it copies rows (SqliteJobStore, INBOX_CHECKPOINT_ROWS), long
 * before this; the limit only bounds the WAL while no worker copies (one is
 * being restarted), at about 40 MB.
 */
export const INBOX_WRITER_AUTOCHECKPOINT_PAGES = 10_000;

/** Opens (creating and migrating) the inbox; pragmas as the job database's (see SqliteJobStore.open), but for checkpoints (above). */
export function openInbox(path: string) {
  const db = new Database(inboxPath(path));
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.transaction(() => {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > INBOX_MIGRATIONS.length) {
        throw new Error(`The job inbox ${inboxPath(path)} has schema version ${version}, newer than this version of coder-agent-bot understands (${INBOX_MIGRATIONS.length}). Upgrade the app.`);
      }
      for (const step of INBOX_MIGRATIONS.slice(version)) step(db);
      db.pragma(`user_version = ${INBOX_MIGRATIONS.length}`);
    }).immediate();
    db.pragma('busy_timeout = 0');
    db.pragma(`wal_autocheckpoint = ${INBOX_WRITER_AUTOCHECKPOINT_PAGES}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    db,
    /** This file's identity (see INBOX_MIGRATIONS). */
    token: db.prepare(`SELECT token FROM inbox_file`).pluck().get() as string,
    insert: db.prepare(`
      INSERT INTO inbox (delivery_id, dedupe_key, event, installation_id, repository, payload, received_at, thread_key, recorded_at)
      VALUES (@deliveryId, @dedupeKey, @event, @installationId, @repository, @payload, @receivedAt, @threadKey, @now)
      ON CONFLICT DO NOTHING`),
    /** The row that made an insert a duplicate, as `existing` in sqlite-store.ts. */
    existing: db
      .prepare(`SELECT delivery_id FROM inbox WHERE delivery_id = @deliveryId OR dedupe_key = @dedupeKey ORDER BY delivery_id = @deliveryId DESC LIMIT 1`)
      .pluck(),
    /** Rows not yet copied into the job table: id over `after`, in order. */
    after: db.prepare(`SELECT * FROM inbox WHERE id > ? ORDER BY id`),
    /** The id of the newest row, 0 when there is none. */
    lastId: db.prepare(`SELECT COALESCE(MAX(id), 0) FROM inbox`).pluck(),
    anyAfter: db.prepare(`SELECT EXISTS (SELECT 1 FROM inbox WHERE id > ?)`).pluck(),
    countAfter: db.prepare(`SELECT COUNT(*) FROM inbox WHERE id > ?`).pluck(),
    getAfter: db.prepare(`SELECT * FROM inbox WHERE delivery_id = ? AND id > ?`),
    /**
     * Copies the WAL's committed pages back into the inbox file, without
     * waiting for (or holding up) the writer or readers: the next commit then
     * starts the WAL again from its beginning.
     */
    checkpoint: () => void db.pragma('wal_checkpoint(PASSIVE)'),
    /** Copied rows recorded before `olderThan`; rows not yet copied stay whatever their age. */
    prune: db.prepare(`DELETE FROM inbox WHERE recorded_at < ? AND id <= ?`),
  };
}

export type Inbox = ReturnType<typeof openInbox>;
