/**
 * Where the Postgres tests keep their data, on the server jest's globalSetup
 * found (test/postgres-setup.mjs → TEST_DATABASE_URL): a database for each
 * test file, dropped after it with `WITH (FORCE)` (so a connection a test
 * left open cannot keep it alive), and a schema of its own for each test
 * (CREATE DATABASE costs most of a second on a busy machine; a schema, a
 * few ms). The schema is chosen with libpq's `options=-c search_path=…`, a
 * URL any deployment could use too.
 */
import { randomBytes } from 'node:crypto';
import { afterAll } from '@jest/globals';
import pg from 'pg';

export interface TestDatabase {
  /** A postgres:// URL to the new database (or schema). */
  url: string;
  name: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env['TEST_DATABASE_URL'];
  // Never a skip: a run without a server is a failed run.
  if (!url) throw new Error('TEST_DATABASE_URL is not set: jest\'s globalSetup (test/postgres-setup.mjs) finds or starts a PostgreSQL server.');
  return url;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;

/** A new database on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = uniqueName('cab_test');
  await withClient(serverUrl(), (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withClient(serverUrl(), (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * Call at a test file's top level: returns a function that makes a new
 * schema in this file's database (created at the first call, dropped after
 * the file's last test). A schema's URL makes every connection use it.
 */
export function testSchemas(): () => Promise<TestDatabase> {
  let fileDatabase: Promise<TestDatabase> | undefined;
  afterAll(async () => {
    if (fileDatabase) await (await fileDatabase).drop();
  });
  return async () => {
    fileDatabase ??= createTestDatabase();
    const db = await fileDatabase;
    const name = uniqueName('s');
    await withClient(db.url, (c) => c.query(`CREATE SCHEMA ${name}`));
    const url = new URL(db.url);
    url.searchParams.set('options', `-c search_path=${name}`);
    return {
      url: url.toString(),
      name,
      drop: () => withClient(db.url, (c) => c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`)).then(() => undefined),
    };
  };
}
