import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewJob } from '../../../src/app/store/job-store.js';
import { DEFAULT_DATABASE_URL, openJobStore, parseDatabaseUrl } from '../../../src/app/store/open-store.js';
import { testSchemas } from '../../helpers/postgres.js';

const createTestSchema = testSchemas();

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'open-store-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const job: NewJob = {
  deliveryId: 'd1',
  dedupeKey: 'issue_comment:created:1',
  event: 'issue_comment',
  installationId: 42,
  repository: 'octo/repo',
  payload: {},
  receivedAt: 1_000,
};

describe('openJobStore', () => {
  it('opens sqlite:<path> relative to the working directory, creating its folders', async () => {
    const store = await openJobStore('  sqlite:./data/bot.db\n', { cwd: dir });
    await store.enqueue(job);
    await store.close();
    expect(existsSync(join(dir, 'data', 'bot.db'))).toBe(true);
    const reopened = await openJobStore(`sqlite:${join(dir, 'data', 'bot.db')}`);
    expect((await reopened.get('d1'))?.state).toBe('queued');
    await reopened.close();
  });

  it('reads the default, memory and sqlite:// spellings', () => {
    expect(parseDatabaseUrl(DEFAULT_DATABASE_URL, { cwd: '/srv/app' })).toEqual({ kind: 'sqlite', path: '/srv/app/data/coder-agent-bot.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('SQLITE:///var/lib/bot.db')).toEqual({ kind: 'sqlite', path: '/var/lib/bot.db' });
    expect(parseDatabaseUrl('sqlite://rel/bot.db', { cwd: '/srv' })).toEqual({ kind: 'sqlite', path: '/srv/rel/bot.db' });
  });

  it('refuses an sslmode that libpq and node-postgres read differently, naming both fixes and not the password', () => {
    for (const mode of ['prefer', 'require', 'verify-ca']) {
      const read = () => parseDatabaseUrl(`postgres://bot:hunter2@db.example.com:5432/bot?sslmode=${mode}`);
      expect(read).toThrow(`DATABASE_URL has sslmode=${mode}`);
      expect(read).toThrow('Write sslmode=verify-full to check both (recommended), or add uselibpqcompat=true');
      expect(read).not.toThrow('hunter2');
    }
  });

  it('accepts an sslmode with one meaning, or libpq\'s meaning asked for', () => {
    for (const query of ['', '?sslmode=verify-full', '?sslmode=disable', '?sslmode=no-verify', '?uselibpqcompat=true&sslmode=require', '?sslmode=prefer&uselibpqcompat=true']) {
      const url = `postgresql://bot@db.example.com/bot${query}`;
      expect(parseDatabaseUrl(url)).toEqual({ kind: 'postgres', url });
    }
  });

  it('leaves a URL the WHATWG parser cannot read to node-postgres', () => {
    const url = 'postgres://bot@[not-a-host/bot?sslmode=require';
    expect(parseDatabaseUrl(url)).toEqual({ kind: 'postgres', url });
  });

  it('opens an in-memory store', async () => {
    const store = await openJobStore('sqlite::memory:', { cwd: dir });
    await expect(store.enqueue(job)).resolves.toEqual({ inserted: true, deliveryId: 'd1' });
    await store.close();
    expect(existsSync(join(dir, ':memory:'))).toBe(false);
  });

  it('opens the Postgres store for postgres:// and postgresql:// URLs', async () => {
    const db = await createTestSchema();
    for (const url of [db.url, db.url.replace(/^postgres:/, 'postgresql:')]) {
      const store = await openJobStore(url);
      await store.enqueue(job);
      expect((await store.get('d1'))?.state).toBe('queued');
      await store.close();
    }
    await db.drop();
  });

  it('says which Postgres server it cannot reach without repeating its password', async () => {
    for (const url of ['postgres://bot:s3cret@127.0.0.1:1/bot', 'postgresql://bot:s3cret@127.0.0.1:1/bot']) {
      const failure = openJobStore(url);
      await expect(failure).rejects.toThrow(/Cannot open the Postgres job store at 127\.0\.0\.1:1\/bot/);
      await expect(failure).rejects.not.toThrow(/s3cret/);
    }
  });

  it('names the accepted forms for anything else', async () => {
    await expect(openJobStore('mysql://root:s3cret@db/bot')).rejects.toThrow(/unsupported scheme `mysql:`.*sqlite:<file path>.*postgres:\/\//);
    await expect(openJobStore('mysql://root:s3cret@db/bot')).rejects.not.toThrow(/s3cret/);
    await expect(openJobStore('./data/bot.db')).rejects.toThrow(/has no scheme.*sqlite:<file path>/);
    await expect(openJobStore('sqlite:')).rejects.toThrow(/needs a file path/);
  });
});
