/**
 * One live process per instance name on a SQLite job store (issue 10): two
 * Apps started with the same INSTANCE_ID on the same file (with the default
 * id, any two Apps on one file) would each take back the other's leases.
 *
 * The name's lock is an open exclusive transaction on a small SQLite file of
 * its own beside the store (`<store>.instance-<hash of the name>.lock`).
 * SQLite locks files with POSIX advisory locks, which the operating system
 * drops when the process ends however it ends, SIGKILL included, so a stale
 * lock never blocks a restart; and the lock uses the driver the store
 * already has rather than a native add-on of its own.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

/** How often a lock held by another process is tried again while waiting. */
const RETRY_MS = 250;

/** The lock file of instance `owner` for the store at `storePath`. The name is hashed: ids may hold `:`, which some file systems refuse. */
export function instanceLockPath(storePath: string, owner: string): string {
  return `${storePath}.instance-${createHash('sha256').update(owner).digest('hex').slice(0, 16)}.lock`;
}

/**
 * Takes the lock of instance `owner` on the store at `storePath`, trying for
 * up to `waitMs` (a previous life still shutting down holds it until it
 * exits), and returns the function that gives it back. Throws an Error with
 * one sentence naming the instance and the file when another live process
 * holds it; other errors (an unwritable directory) are SQLite's.
 */
export async function lockSqliteInstance(storePath: string, owner: string, waitMs: number): Promise<() => Promise<void>> {
  // timeout 0: a held lock answers SQLITE_BUSY at once, and the wait below keeps the event loop free.
  const db = new Database(instanceLockPath(storePath, owner), { timeout: 0 });
  const deadline = Date.now() + waitMs;
  try {
    for (;;) {
      try {
        // Nothing is ever written: the open transaction is the lock, held until rollback or the process's end.
        db.exec('BEGIN EXCLUSIVE');
        break;
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'SQLITE_BUSY') throw err;
        if (Date.now() >= deadline) {
          throw new Error(
            `Another running process already uses the instance id "${owner}" with the job database ${storePath}: stop it first (one process per SQLite file; several replicas need DATABASE_URL=postgres://…, each with its own INSTANCE_ID).`,
            { cause: err },
          );
        }
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
