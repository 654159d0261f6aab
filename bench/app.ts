/**
 * GitHub App figures (`npm run bench -- app`), measured on the real App
 * server (src/app/server.ts) run as production runs it: compiled, on plain
 * `node`, in a process of its own, against the fakes on 127.0.0.1.
 *  1. webhook response latency at 200 deliveries a second, beside a bare
 *     Probot app (app-latency.ts; goal: p99 within 1.5×);
 *  2. resident memory with 1,000 chats followed at once (app-memory.ts;
 *     goal < 300 MB);
 *  3. figure 1 again with every delivery an `/agent` request, on SQLite and
 *     on PostgreSQL (the replicas issue's mix);
 *  4. peak resident memory while refusing a 60 MiB unsigned body
 *     (app-body-limit.ts; goal < 250 MB, healthy afterwards).
 *
 * `npm run bench -- app latency` runs only the latency figures (1 and 3);
 * add `mixed`, `sqlite` or `postgres` to run only those mixes.
 * `npm run bench -- app body-limit` runs only figure 4.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleChildren } from './app-fixtures.js';
import { benchBodyLimit } from './app-body-limit.js';
import { benchWebhookLatency } from './app-latency.js';
import { benchFollowMemory } from './app-memory.js';
import { withBenchDatabase } from './replicas.js';
import type { BenchRow } from './report.js';

export async function benchApp(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'coder-agent-bot-bench-app-'));
  try {
    const scripts = await bundleChildren(dir);
    if (process.argv.includes('body-limit')) return await benchBodyLimit(scripts);
    const latency = {
      mixed: () => benchWebhookLatency(scripts, dir),
      // The replicas issue's mix: every delivery an `/agent` request, on each store.
      sqlite: () => benchWebhookLatency(scripts, dir, { agentEvery: 1 }),
      postgres: () => withBenchDatabase((databaseUrl) => benchWebhookLatency(scripts, dir, { agentEvery: 1, databaseUrl, store: 'Postgres' })),
    };
    if (process.argv.includes('latency')) {
      const mixes = Object.entries(latency);
      const named = mixes.filter(([mix]) => process.argv.includes(mix));
      const rows: BenchRow[] = [];
      for (const [, run] of named.length ? named : mixes) rows.push(...(await run()));
      return rows;
    }
    const rows = [...(await latency.mixed()), ...(await benchFollowMemory(scripts, dir))];
    rows.push(...(await latency.sqlite()), ...(await latency.postgres()));
    rows.push(...(await benchBodyLimit(scripts)));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
