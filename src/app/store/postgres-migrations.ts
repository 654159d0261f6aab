/**
 * The Postgres job store's schema migrations (postgres-store.ts). They run
 * at start inside one transaction holding an advisory lock, so replicas
 * starting together apply each step once; `coder_agent_bot_migrations`
 * records which ran.
 */
import type pg from 'pg';

/** pg_advisory_xact_lock key for migrations: any fixed 64-bit number unlikely to clash ("cab-migr"). */
const MIGRATION_LOCK = '7161625f6d696772';

/**
 * Schema migrations, in order; `coder_agent_bot_migrations` records which ran.
 * Never edit a released step: append one.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE coder_agent_bot_jobs (
     delivery_id      text    PRIMARY KEY,
     dedupe_key       text    NOT NULL UNIQUE,
     event            text    NOT NULL,
     installation_id  bigint  NOT NULL,
     repository       text    NOT NULL,
     payload          json,             -- json, not jsonb: kept as received (jsonb refuses \\u0000)
     received_at      bigint  NOT NULL, -- epoch ms
     state            text    NOT NULL CHECK (state IN ('queued', 'starting', 'following', 'done', 'failed')),
     attempts         integer NOT NULL DEFAULT 0,
     run              json,
     result           json,
     error            text,
     lease_owner      text,
     lease_until      bigint,           -- epoch ms
     lease_generation bigint  NOT NULL DEFAULT 0,
     updated_at       bigint  NOT NULL  -- epoch ms
   );
   -- claim() reads only unfinished rows, in claim order (see sqlite-store.ts).
   CREATE INDEX coder_agent_bot_jobs_claimable ON coder_agent_bot_jobs (received_at, delivery_id)
     WHERE state IN ('queued', 'starting', 'following');
   CREATE INDEX coder_agent_bot_jobs_state_updated ON coder_agent_bot_jobs (state, updated_at);
   CREATE INDEX coder_agent_bot_jobs_lease_owner ON coder_agent_bot_jobs (lease_owner)
     WHERE state IN ('queued', 'starting', 'following');`,
  // One chat per thread (NewJob.threadKey).
  `ALTER TABLE coder_agent_bot_jobs ADD COLUMN thread_key text;
   CREATE INDEX coder_agent_bot_jobs_thread_unstarted ON coder_agent_bot_jobs (thread_key, received_at, delivery_id)
     WHERE state IN ('queued', 'starting') AND thread_key IS NOT NULL;`,
  // Skipped and refused jobs end in states of their own (they ended 'failed', which /metrics counted as
  // failures); those that ended so before move to the state their recorded result names.
  `ALTER TABLE coder_agent_bot_jobs DROP CONSTRAINT coder_agent_bot_jobs_state_check;
   ALTER TABLE coder_agent_bot_jobs ADD CONSTRAINT coder_agent_bot_jobs_state_check
     CHECK (state IN ('queued', 'starting', 'following', 'done', 'failed', 'skipped', 'refused'));
   UPDATE coder_agent_bot_jobs SET state = result->>'status' WHERE state = 'failed' AND result->>'status' IN ('skipped', 'refused');`,
];

export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/** The database was migrated by a newer version of the bot. */
export class SchemaTooNewError extends Error {}

/** Applies the pending steps under the migration lock; throws SchemaTooNewError for a newer schema. */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Held until COMMIT: a second replica starting now waits here, then finds the steps applied.
    await client.query(`SELECT pg_advisory_xact_lock(x'${MIGRATION_LOCK}'::bigint)`);
    await client.query(`CREATE TABLE IF NOT EXISTS coder_agent_bot_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM coder_agent_bot_migrations`);
    const version = rows[0]?.v ?? 0;
    if (version > MIGRATIONS.length) {
      throw new SchemaTooNewError(
        `The Postgres job store has schema version ${version}, newer than this version of coder-agent-bot understands (${MIGRATIONS.length}). Upgrade every replica to the same version.`,
      );
    }
    for (const [index, step] of MIGRATIONS.entries()) {
      if (index < version) continue;
      await client.query(step);
      await client.query(`INSERT INTO coder_agent_bot_migrations (version) VALUES ($1)`, [index + 1]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
