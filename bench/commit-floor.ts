/**
 * The floor under the App's webhook answer on PostgreSQL: how long one
 * durable commit takes on this machine's database at the same rate, when
 * nothing else writes. The App answers a delivery only once its row is
 * committed (postgres-store.ts, enqueue), so its latency cannot be under
 * this; printed beside bare Probot and the App (app-latency.ts), measured
 * in the same run, between the two, so that a reader sees how much of the
 * App's figure is the disk's.
 *
 * Open loop, as the sender is: an insert leaves at its scheduled time
 * whether or not earlier ones have committed. Each inserts one of the
 * run's delivery bodies (same size as the App's rows) into a scratch table
 * of the bench's database, through a pool the size of the App's webhook
 * pool (postgres-store.ts: 5) rather than one connection: on one
 * connection a commit waiting for a slow flush would hold up the next ones
 * too, which the App's pool sends together into one flush (PostgreSQL
 * groups the commits waiting for the WAL lock), and the floor would be
 * higher than the App's own. Timed from the moment the insert is asked
 * for to its commit, in the bench's process (the servers' CPU level).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { percentile } from './app-fixtures.js';
import type { SenderDelivery } from './webhook-sender.js';

export interface CommitFloorOptions {
  /** Inserts per second. */
  rate: number;
  /** Seconds of inserts before the timed ones (connections opened, caches warm). */
  warmupS: number;
  measureS: number;
  /** The run's deliveries (JSON lines of SenderDelivery): their bodies are the rows. */
  file: string;
  /** Connections (the App's webhook pool has 5). */
  connections: number;
}

export interface CommitFloor {
  /** ms from asking for an insert to its commit. */
  p50: number;
  p99: number;
  /** The server's `synchronous_commit` for the probe's session: `on` (or stricter) for a floor of durable commits. */
  synchronousCommit: string;
}

const TABLE = 'bench_commit_floor';

export async function measureCommitFloor(databaseUrl: string, opts: CommitFloorOptions): Promise<CommitFloor> {
  const bodies = readFileSync(opts.file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as SenderDelivery).body);
  if (bodies.length === 0) throw new Error(`${opts.file} holds no deliveries`);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.connections, application_name: 'coder-agent-bot bench commit floor' });
  pool.on('error', () => undefined);
  try {
    await pool.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (id integer PRIMARY KEY, payload json NOT NULL)`);
    const setting = (await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit ?? 'unknown';
    const total = opts.rate * (opts.warmupS + opts.measureS);
    const warmup = opts.rate * opts.warmupS;
    const latencies: number[] = [];
    const failures: string[] = [];
    const interval = 1000 / opts.rate;
    const pending: Array<Promise<void>> = [];
    const start = performance.now() + 20;
    for (let i = 0; i < total; i++) {
      const wait = start + i * interval - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const askedAt = performance.now();
      pending.push(
        pool.query(`INSERT INTO ${TABLE} (id, payload) VALUES ($1, $2::json)`, [i, bodies[i % bodies.length]]).then(
          () => {
            if (i >= warmup) latencies.push(performance.now() - askedAt);
          },
          (err: unknown) => {
            failures.push((err as Error).message);
          },
        ),
      );
    }
    await Promise.all(pending);
    if (failures.length) throw new Error(`The commit-floor probe failed ${failures.length} inserts: ${failures[0]}`);
    latencies.sort((a, b) => a - b);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), synchronousCommit: setting };
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
    await pool.end();
  }
}
