import { afterEach, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from '../../src/logger.js';
import type { AppSettings } from '../../src/app/settings.js';
import type { JobStore } from '../../src/app/store/job-store.js';
import { openJobStore } from '../../src/app/store/open-store.js';
import { WorkerHost } from '../../src/app/worker-host.js';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { appSettings, TEST_WORKER_ENTRY, tempDatabaseUrl } from './harness.js';

// Nothing here reaches GitHub or Coder: no job is recorded, so the worker only opens the store and waits.
const nowhere = { url: 'http://127.0.0.1:9' };
const settings = (databaseUrl: string): AppSettings => appSettings(nowhere as FakeCoder, nowhere as FakeGitHub, { databaseUrl, concurrency: 2 });

/** The nice value of every thread of this process (field 19 of /proc/self/task/<tid>/stat). */
function threadNiceness(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

const lines: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: (m) => lines.push(`info ${m}`),
  warn: (m) => lines.push(`warn ${m}`),
  error: (m) => lines.push(`error ${m}`),
};

let store: JobStore | undefined;
let host: WorkerHost | undefined;
afterEach(async () => {
  // A failed assertion must not leave the thread running (it would keep jest alive).
  await host?.stop();
  host = undefined;
  await store?.close();
  store = undefined;
  lines.length = 0;
});

describe('the job worker thread host', () => {
  it('says why, in the worker\'s own words, when the worker cannot start, and never shows the database password', async () => {
    store = await openJobStore(tempDatabaseUrl());
    const started = WorkerHost.start({ config: { settings: settings('postgres://bot:hunter2@127.0.0.1:1/jobs'), owner: 'w', logLevel: 'fatal' }, entry: TEST_WORKER_ENTRY, store, logger });
    await expect(started).rejects.toThrow(/^The App's job worker could not start: Cannot open the Postgres job store at 127\.0\.0\.1:1\/jobs: /);
    await started.catch((err: unknown) => expect((err as Error).message).not.toContain('hunter2'));
  });

  it('serves the worker\'s metrics while it runs, and stops it for good', async () => {
    const url = tempDatabaseUrl();
    store = await openJobStore(url);
    host = await WorkerHost.start({ config: { settings: settings(url), owner: `${hostname()}:test`, logLevel: 'fatal' }, entry: TEST_WORKER_ENTRY, store, logger });
    expect(host.running).toBe(true);
    expect(host.active).toBe(0);
    // Linux schedules threads on their own: the worker's runs yield to webhook answers (deploy.md).
    expect(threadNiceness()).toContain(10);
    const metrics = (await host.metrics()) as Array<{ name: string; values: Array<{ value: number }> }>;
    const names = metrics.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['coder_agent_bot_runs_total', 'coder_agent_bot_chats_followed', 'coder_agent_bot_worker_heap_used_bytes']));
    // The job counts and process metrics are the webhook thread's to report, once.
    expect(names).not.toContain('coder_agent_bot_jobs');
    expect(metrics.find((m) => m.name === 'coder_agent_bot_worker_heap_used_bytes')?.values[0]?.value).toBeGreaterThan(1_000_000);

    await host.stop();
    expect(host.running).toBe(false);
    expect(await host.metrics()).toEqual([]);
    host.kick(); // a late kick after the stop is dropped, not an error
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
  });
});
