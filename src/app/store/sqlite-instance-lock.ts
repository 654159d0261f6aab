/**
 * One live process per SQLite job store (issue 10). Two Apps started with
 * the same INSTANCE_ID on the same file (with the default id, any two Apps
 * on one file) would each take back the other's leases; two with different
 * ids would share the jobs, but each is woken only by the deliveries it
 * receives itself (the store has no NOTIFY: sqlite-store.ts `watch`), so the
 * other's requests wait for its next poll, and SQLite's file locks need
 * one machine's local disk anyway. PostgreSQL is the store for several
 * processes: a second process on a SQLite file is refused at start.
 *
 * Each lock is an open exclusive transaction on a small SQLite file of its
 * own beside the store: one per instance name
 * (`<store>.instance-<hash of the name>.lock`), so the same id is refused
 * with its own sentence, and one for the store (`<store>.process.lock`).
 * SQLite locks files with POSIX advisory locks, which the operating system
 * drops when the process ends however it ends, SIGKILL included, so a stale
 * lock never blocks a restart; and the locks use the driver the store
 * already has rather than a native add-on of their own.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { lockWaitNotice } from './job-store.js';

/** How often a lock held by another process is tried again while waiting. */
const RETRY_MS = 250;

/** The lock file of instance `owner` for the store at `storePath`. The name is hashed: ids may hold `:`, which some file systems refuse. */
export function instanceLockPath(storePath: string, owner: string): string {
  return `${storePath}.instance-${createHash('sha256').update(owner).digest('hex').slice(0, 16)}.lock`;
}

/** The lock file that only one process at a time holds for the store at `storePath`, whatever its instance id. */
export function processLockPath(storePath: string): string {
  return `${storePath}.process.lock`;
}

/**
 * Takes the locks of instance `owner` and of the store at `storePath`,
 * trying for up to `waitMs` in all (a previous life still shutting down
 * holds them until it exits), and returns the function that gives both
 * back. Throws an Error of one sentence naming the file when another live
 * process holds either (naming the instance too when it has the same id);
 * other errors (an unwritable directory) are SQLite's.
 */
export async function lockSqliteInstance(storePath: string, owner: string, waitMs: number, waiting?: (message: string) => void): Promise<() => Promise<void>> {
  const deadline = Date.now() + waitMs;
  // Said once, whichever lock is found held first.
  const held = lockWaitNotice(waiting, `the job database ${storePath}`, waitMs);
  const unlockName = await holdLockFile(
    instanceLockPath(storePath, owner),
    deadline,
    held,
    `Another running process already uses the instance id "${owner}" with the job database ${storePath}: stop it first (one process per SQLite file; several replicas need DATABASE_URL=postgres://…, each with its own INSTANCE_ID).`,
  );
  try {
    const unlockStore = await holdLockFile(
      processLockPath(storePath),
      deadline,
      held,
      `Another running App (another INSTANCE_ID) already uses the job database ${storePath}: a SQLite store serves one process, so stop that one, or use PostgreSQL for several (DATABASE_URL=postgres://…, each with its own INSTANCE_ID).`,
    );
    return async () => {
      await unlockStore();
      await unlockName();
    };
  } catch (err) {
    await unlockName();
    throw err;
  }
}

/**
 * Holds an exclusive transaction on the SQLite file at `path`, waiting until
 * `deadline` (epoch ms) at the latest and calling `held` each time another
 * process is found holding it; throws `busy` when it keeps it.
 */
async function holdLockFile(path: string, deadline: number, held: () => void, busy: string): Promise<() => Promise<void>> {
  // timeout 0: a held lock answers SQLITE_BUSY at once, and the wait below keeps the event loop free.
  const db = new Database(path, { timeout: 0 });
  try {
    for (;;) {
      try {
        // Nothing is ever written: the open transaction is the lock, held until rollback or the process's end.
        db.exec('BEGIN EXCLUSIVE');
        break;
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'SQLITE_BUSY') throw err;
        if (Date.now() >= deadline) throw new Error(busy, { cause: err });
        held();
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  } catch (err) {
    db.close();
    throw err;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    db.exec('ROLLBACK');
    db.close();
  };
}
