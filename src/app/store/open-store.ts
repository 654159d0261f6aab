/**
 * Turns the App's DATABASE_URL into a job store. One place knows the forms:
 * - `sqlite:<path>`: the embedded store in a file (relative paths from the
 *   working directory); `sqlite::memory:` for a throwaway in-memory one
 *   (tests only: the App refuses it, settings.ts, so its messages never offer it).
 * - `postgres://…` / `postgresql://…`: the shared store for several
 *   replicas (postgres-store.ts).
 *
 * Error messages never repeat the URL: a Postgres URL carries a password.
 */
import { basename, resolve } from 'node:path';
import type { JobStore } from './job-store.js';
import { PostgresJobStore } from './postgres-store.js';
import { SqliteJobStore } from './sqlite-store.js';

export const DEFAULT_DATABASE_URL = 'sqlite:./data/coder-agent-bot.db';

const ACCEPTED_FORMS = '`sqlite:<file path>` (e.g. `sqlite:./data/coder-agent-bot.db`) or `postgres://…`';

export type DatabaseLocation =
  | { kind: 'sqlite'; /** Absolute path, or `:memory:`. */ path: string }
  | { kind: 'postgres'; url: string };

export interface OpenStoreOptions {
  /** Where relative `sqlite:` paths start; the process's working directory by default. */
  cwd?: string;
  /** SQLite: how long a write waits for another connection's write lock (see SqliteJobStore.open). */
  busyDeadlineMs?: number;
}

/**
 * Reads DATABASE_URL without opening anything; throws an Error that says
 * which forms are accepted, or how to spell an ambiguous `sslmode`.
 */
export function parseDatabaseUrl(databaseUrl: string, options: OpenStoreOptions = {}): DatabaseLocation {
  const url = databaseUrl.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') {
    let path = url.slice('sqlite:'.length);
    // `sqlite:///abs/file.db` and `sqlite://rel/file.db` are common spellings
    // elsewhere; without this `//x` would silently land at the filesystem root.
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new Error(`DATABASE_URL \`sqlite:\` needs a file path, e.g. \`${DEFAULT_DATABASE_URL}\`.`);
    if (path === ':memory:') return { kind: 'sqlite', path };
    return { kind: 'sqlite', path: resolve(options.cwd ?? process.cwd(), path) };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    checkSslMode(url);
    return { kind: 'postgres', url };
  }
  const what = scheme === undefined ? 'has no scheme' : `has the unsupported scheme \`${scheme}:\``;
  throw new Error(`DATABASE_URL ${what}. Use ${ACCEPTED_FORMS}.`);
}

/**
 * `sslmode` values whose meaning differs between libpq (psql, Coder's own
 * `CODER_PG_CONNECTION_URL`) and node-postgres 8, the App's driver: libpq
 * encrypts without checking the server's certificate for `prefer` and
 * `require` (and skips the host name for `verify-ca`), while node-postgres
 * 8 treats all three as `verify-full` and says so in a multi-line process
 * warning; node-postgres 9 will switch to libpq's meaning
 * (pg-connection-string's "SECURITY WARNING"). Either way a URL copied from
 * elsewhere would not mean what its writer thought, so the App asks for the
 * meaning to be spelled out.
 */
const AMBIGUOUS_SSL_MODES = new Set(['prefer', 'require', 'verify-ca']);

/** Throws when a Postgres URL's `sslmode` means different things to libpq and to node-postgres; the message names the fix, never the URL. */
function checkSslMode(url: string): void {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return; // node-postgres reads forms the WHATWG parser does not; it reports its own errors.
  }
  const mode = params.get('sslmode');
  if (mode === null || !AMBIGUOUS_SSL_MODES.has(mode) || params.get('uselibpqcompat') === 'true') return;
  throw new Error(
    `DATABASE_URL has sslmode=${mode}, which libpq (psql, Coder) and node-postgres (the App's driver) read differently: libpq ${mode === 'verify-ca' ? 'does not check the host name' : 'does not check the server\'s certificate'}, node-postgres 8 checks certificate and host name. ` +
      'Write sslmode=verify-full to check both (recommended), or add uselibpqcompat=true to the URL to keep libpq\'s meaning.',
  );
}

/** Opens the job store DATABASE_URL names (see the module comment for its forms). */
export async function openJobStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<JobStore> {
  const location = parseDatabaseUrl(databaseUrl, options);
  if (location.kind === 'postgres') return PostgresJobStore.open(location.url);
  try {
    return SqliteJobStore.open(location.path, { busyDeadlineMs: options.busyDeadlineMs });
  } catch (err) {
    throw new Error(`DATABASE_URL names the SQLite file ${location.path}, which cannot be opened: ${explainOpenError(err, location.path)}`, { cause: err });
  }
}

/** Node's errors name a syscall (`EEXIST: file already exists, mkdir '…'`); say what it means for the path. */
function explainOpenError(err: unknown, path: string): string {
  const e = err as NodeJS.ErrnoException;
  if ((e.code === 'EEXIST' || e.code === 'ENOTDIR') && e.path) return `${e.path} is a file, so it cannot hold ${basename(path)}. Point DATABASE_URL at a file in a directory.`;
  if (e.code === 'EACCES' || e.code === 'EPERM') return `permission denied${e.path ? ` on ${e.path}` : ''}.`;
  if (e.code === 'EISDIR') return `${path} is a directory, not a file.`;
  return e.message;
}
