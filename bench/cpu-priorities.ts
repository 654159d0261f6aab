/**
 * Who gets this machine's CPU first while the webhook latency figure is
 * measured (app-latency.ts), set the same way on every run and printed
 * with the figures.
 *
 * Linux with `kernel.sched_autogroup_enabled = 1` shares the CPU between
 * sessions (autogroups) first, by each autogroup's nice value
 * (`/proc/<pid>/autogroup`, -20..19; sched(7), "The autogroup feature");
 * a process's own niceness only ranks it against the processes of its
 * session. So each role below runs in a session of its own (`detached`)
 * and the bench writes that session's autogroup nice:
 *
 * - **the sender** (stands for GitHub, which is not on the App's machine):
 *   `SENDER_ABOVE` levels above the servers, so that it keeps to its
 *   schedule; a level below 0 needs root (CAP_SYS_NICE), without which it
 *   stays at the servers' level and the bench says so;
 * - **the servers** (the App, and bare Probot for comparison): each in a
 *   session of its own at the bench's own autogroup level, the same for
 *   both, so that neither shares its CPU with the bench or the other;
 * - **the fakes** (GitHub's and Coder's servers): `FAKES_BELOW` levels
 *   below the servers in the measured window, so that the App's job worker
 *   calling them does not take the webhook thread's CPU through them; at
 *   the sender's level in the warm-up, whose config reads must not time
 *   out (app-latency.ts, sendLoad). Not further below: at 10 below, a busy
 *   machine starved them until the App's config reads timed out (commit
 *   2ceed85);
 * - **PostgreSQL's backends** serving the bench database (each PostgreSQL
 *   backend is a session of its own, so an autogroup of its own): at the
 *   servers' level, kept there for as long as the figure runs
 *   (`keepDatabaseProcesses`; pools connect and reconnect as they go), and
 *   so are the server's own processes a commit may wait on. The
 *   server stands for a remote database: its CPU is not the App's, and it
 *   does not wait for the App's either. It cannot be both here; it goes
 *   beside the App rather than below it because the App acknowledges a
 *   delivery only once the database has committed its row: below the App,
 *   the App's own job worker would delay that commit a second time, as if
 *   the database's machine were busy with the App's work.
 *
 * The bench's own autogroup sets the level of the servers: run the bench
 * from a session at a higher priority (as root: `echo -15 >
 * /proc/$$/autogroup`) to keep other sessions on the machine from
 * descheduling the measured processes. Where autogroups are off, the same
 * levels are set as process niceness (each child's main thread).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import pg from 'pg';

/** How many nice levels above the servers the sender runs (each level is about 1.25× the CPU weight: sched(7)). */
export const SENDER_ABOVE = 5;
/** How many nice levels below the servers the fakes run (about 3× less weight than the servers). */
export const FAKES_BELOW = 5;

const MIN_NICE = -20;
const MAX_NICE = 19;

/** The processes the bench places, by what they stand for. */
export type CpuRole = 'sender' | 'servers' | 'fakes' | 'database';

export interface CpuPriorities {
  /** `autogroup`: each role's session has its own autogroup nice; `nice`: autogroups are off, process niceness instead. */
  mode: 'autogroup' | 'nice';
  /** Nice value per role: -20 (most CPU) .. 19 (least). */
  levels: Record<CpuRole, number>;
  /** What differs from the plan (no root, no autogroups, a placement refused), one sentence each. */
  notes: string[];
}

const clamp = (n: number) => Math.min(MAX_NICE, Math.max(MIN_NICE, n));

/** The autogroup nice of `pid` (`/autogroup-12 nice -5`), or undefined where there are no autogroups. */
export function autogroupNice(pid: number | 'self'): number | undefined {
  try {
    const m = /nice\s+(-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function autogroupsEnabled(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1' && autogroupNice('self') !== undefined;
  } catch {
    return false;
  }
}

/** The levels for this run, from the bench's own autogroup (or niceness where autogroups are off). */
export function planCpuPriorities(): CpuPriorities {
  const mode = autogroupsEnabled() ? 'autogroup' : 'nice';
  const servers = mode === 'autogroup' ? (autogroupNice('self') ?? 0) : getPriority(0);
  const isRoot = process.getuid?.() === 0;
  const notes: string[] = [];
  let sender = clamp(servers - SENDER_ABOVE);
  if (sender < 0 && !isRoot) {
    sender = Math.max(sender, Math.min(servers, 0));
    notes.push(`not root: the sender runs at ${sender}, not ${clamp(servers - SENDER_ABOVE)} (a level below 0 needs root)`);
  }
  if (sender === servers) notes.push('the sender has no level above the servers left, so it shares theirs');
  if (mode === 'nice') notes.push('autogroups are off: levels are process niceness');
  return { mode, levels: { sender, servers, fakes: clamp(servers + FAKES_BELOW), database: servers }, notes };
}

/**
 * Puts process `pid` (started `detached`, so in a session and an autogroup
 * of its own) at `role`'s level. Never throws: a refusal is added to the
 * notes, and the process keeps the level it has.
 */
export function placeProcess(priorities: CpuPriorities, pid: number, role: CpuRole): void {
  const level = priorities.levels[role];
  try {
    if (priorities.mode === 'autogroup') {
      if (autogroupNice(pid) !== level) writeFileSync(`/proc/${pid}/autogroup`, String(level));
    } else {
      setPriority(pid, level);
    }
  } catch (err) {
    const note = `the ${role} could not be put at ${level} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    if (!priorities.notes.includes(note)) priorities.notes.push(note);
  }
}

/** How often the database's processes are looked for: pools open connections as they need them. */
const BACKENDS_EVERY_MS = 200;

/**
 * Keeps PostgreSQL's processes that serve `databaseUrl`'s database at the
 * database's level until the returned function is called: the backends
 * connected to that database, and the server's own processes every commit
 * may wait on (postmaster, WAL writer, checkpointer, background writer,
 * launchers: `pg_stat_activity` rows without a database). Those are the
 * server's, shared with whoever else uses it, so their levels are put back
 * afterwards. Left at a lower level they can invert the priorities: a
 * commit waits for its WAL to be flushed, and the flush lock may be held by
 * a WAL writer that other sessions deschedule (with only the backends
 * raised, App p99 was 0.6–1.1 s on a machine at load 16; with these too,
 * 40–50 ms).
 *
 * Only a server on this machine can be placed (its processes' pids are this
 * machine's); for any other, a note says they were left as they are.
 */
export async function keepDatabaseProcesses(priorities: CpuPriorities, databaseUrl: string): Promise<() => Promise<void>> {
  const url = new URL(databaseUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    priorities.notes.push(`the Postgres server at ${url.hostname} is not on this machine: its processes were not placed`);
    return async () => undefined;
  }
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'coder-agent-bot bench priorities' });
  await client.connect();
  // A run killed before putting them back (SIGKILL) left them raised, and recorded nothing: they go to the
  // server's default first, so that what is recorded and put back below is that.
  const left = await resetServerProcesses(priorities, client);
  if (left) priorities.notes.push(`${left} of the Postgres server's processes were found raised (a run that was killed?) and put back first`);
  const placed = new Set<number>();
  /** The server's own processes, with the level each had before. */
  const shared = new Map<number, number>();
  const place = (pid: number, isShared: boolean) => {
    if (placed.has(pid)) return;
    placed.add(pid);
    // A pid from another pid namespace (a server in a container) would name some other process here.
    if (!isPostgresProcess(pid)) {
      const note = 'the Postgres processes are not visible here (another pid namespace?): not placed';
      if (!priorities.notes.includes(note)) priorities.notes.push(note);
      return;
    }
    const before = priorities.mode === 'autogroup' ? autogroupNice(pid) : getPriority(pid);
    if (isShared && before !== undefined) shared.set(pid, before);
    placeProcess(priorities, pid, 'database');
  };
  const sweep = async () => {
    const { rows } = await client.query<{ pid: number; shared: boolean; own: boolean }>(
      'SELECT pid, datname IS NULL AS shared, pid = pg_backend_pid() AS own FROM pg_stat_activity WHERE datname = current_database() OR datname IS NULL',
    );
    for (const { pid, shared: isShared, own } of rows) {
      // The postmaster forks every new connection's backend: it is this connection's parent.
      if (own) {
        const postmaster = parentOf(pid);
        if (postmaster !== undefined) place(postmaster, true);
      }
      place(pid, isShared);
    }
  };
  await sweep();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => (stopped ? undefined : sweep().catch(() => undefined)));
  }, BACKENDS_EVERY_MS);
  const release = async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stopped = true;
    clearInterval(timer);
    await running;
    await client.end().catch(() => undefined);
    for (const [pid, level] of shared) setLevel(pid, level, priorities.mode);
  };
  // Ctrl-C or a timeout's SIGTERM: put the server back before leaving (Node's own exit would skip it).
  const onSignal = (signal: NodeJS.Signals) => {
    void release().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return release;
}

/** `pid`'s level: its autogroup nice, or its niceness where autogroups are off; undefined when it cannot be read. */
export function levelOf(pid: number, mode: CpuPriorities['mode']): number | undefined {
  if (mode === 'autogroup') return autogroupNice(pid);
  try {
    return getPriority(pid);
  } catch {
    return undefined;
  }
}

/** Puts `pid` at `level`; false when it is gone or not ours to change. */
function setLevel(pid: number, level: number, mode: CpuPriorities['mode']): boolean {
  try {
    if (mode === 'autogroup') writeFileSync(`/proc/${pid}/autogroup`, String(level));
    else setPriority(pid, level);
    return true;
  } catch {
    return false;
  }
}

/**
 * The level a server process has where no bench changed it: that of the
 * process which started the server (the postmaster's parent, say
 * pg_ctlcluster's shell), or 0 (the kernel's default) when that is init,
 * gone, or has no autogroup to read.
 */
export function defaultLevel(postmaster: number, mode: CpuPriorities['mode']): number {
  const parent = parentOf(postmaster);
  return (parent === undefined ? undefined : levelOf(parent, mode)) ?? 0;
}

/**
 * Puts each of `pids` that is not at `level` there (a run that was killed
 * left them raised). Returns how many were changed; one that cannot be
 * changed (gone, not ours) is left as it is.
 */
export function resetLevels(pids: readonly number[], level: number, mode: CpuPriorities['mode']): number {
  let changed = 0;
  for (const pid of pids) {
    const now = levelOf(pid, mode);
    if (now !== undefined && now !== level && setLevel(pid, level, mode)) changed++;
  }
  return changed;
}

/**
 * The server's own processes (postmaster and the `pg_stat_activity` rows
 * without a database) put back at defaultLevel(); returns how many were
 * changed. A backend of a killed run ended with its connection.
 */
async function resetServerProcesses(priorities: CpuPriorities, client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname IS NULL');
  const own = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
  const postmaster = own === undefined ? undefined : parentOf(own);
  if (postmaster === undefined || !isPostgresProcess(postmaster)) return 0;
  const pids = [postmaster, ...rows.map((r) => r.pid)].filter(isPostgresProcess);
  return resetLevels(pids, defaultLevel(postmaster, priorities.mode), priorities.mode);
}

/** The parent's pid, from /proc/<pid>/stat (the field after the state, which follows the command's closing parenthesis). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 1 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** The postmaster runs as `…/bin/postgres`; its children retitle themselves `postgres: …`. */
function isPostgresProcess(pid: number): boolean {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return argv0.startsWith('postgres') || /\/postgres$/.test(argv0);
  } catch {
    return false;
  }
}

/** One line for the bench's output: the levels in effect and any notes; `database`: whether PostgreSQL served the figure. */
export function describeCpuPriorities(p: CpuPriorities, database: boolean): string {
  const { sender, servers, fakes } = p.levels;
  const what = p.mode === 'autogroup' ? 'autogroup nice' : 'process nice';
  const postgres = database ? `, Postgres ${p.levels.database}` : '';
  return `${what}: sender ${sender}, App and bare Probot ${servers}, fakes ${fakes} (${sender} in the warm-up)${postgres}${p.notes.length ? ` (${p.notes.join('; ')})` : ''}`;
}
