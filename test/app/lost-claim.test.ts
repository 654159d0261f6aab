/**
 * The job worker's state changes on PostgreSQL commit without waiting for
 * the disk (postgres-store.ts), so a database crash can take back a claim
 * whose run is already under way: the row is `queued` again, unleased, with
 * the generation before the claim, and the same worker's next poll claims
 * it again with the lease its run already holds. The run going on is the
 * job's only run: the claim starts no second one beside it.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { AppMetrics } from '../../src/app/metrics.js';
import type { JobStore } from '../../src/app/store/job-store.js';
import { openJobStore } from '../../src/app/store/open-store.js';
import type { JobRunner } from '../../src/app/worker.js';
import { FakeCoder, type AgentStep } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { testSchemas, type TestDatabase } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';
import { appSettings, BOT, CODER_TOKEN, OWNER, REPO } from './harness.js';
import { enqueueComment, testJobRunner } from './job-runner-support.js';

const createTestSchema = testSchemas();

/** Long enough for the test to take the claim back and see it claimed again while the chat still runs. */
const AGENT_WORKS_MS = 3000;
const slowAnswer = (): AgentStep[] => [{ status: 'running' }, { delayMs: AGENT_WORKS_MS }, { text: 'Done.' }, { persist: true }, { status: 'waiting' }];

describe('a claim lost while its run goes on', () => {
  let coder: FakeCoder;
  let github: FakeGitHub;
  let db: TestDatabase;
  let store: JobStore;
  let runner: JobRunner | undefined;

  beforeEach(async () => {
    coder = await FakeCoder.start({ token: CODER_TOKEN, agent: slowAnswer });
    github = await FakeGitHub.start({ writers: ['maintainer'] });
    db = await createTestSchema();
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await store.close();
    await db.drop();
    await coder.close();
    await github.close();
  });

  it('is claimed again by the worker running it, which starts no second run', async () => {
    const settings = appSettings(coder, github, { databaseUrl: db.url });
    store = await openJobStore(settings.databaseUrl);
    const id = await enqueueComment(store, github, '/agent look');
    const metrics = new AppMetrics({ defaultMetrics: false });
    runner = testJobRunner(store, settings, { coder, github }, { metrics, owner: 'bot-1', pollMs: 60_000 });
    runner.start();
    await waitFor(async () => (await store.get(id))?.state === 'following', 10_000);
    const chat = [...coder.chats.values()][0];
    expect(chat?.status).toBe('running');

    // What the database holds after a crash lost the claim and every later asynchronous commit (a suffix of them).
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`UPDATE coder_agent_bot_jobs SET state = 'queued', run = NULL, lease_owner = NULL, lease_until = NULL, lease_generation = lease_generation - 1, attempts = attempts - 1 WHERE delivery_id = $1`, [id]);
    } finally {
      await client.end();
    }
    runner.kick();
    await waitFor(async () => (await store.get(id))?.leaseOwner === 'bot-1', 10_000);
    // Claimed again while the first run still follows the chat.
    expect(chat?.status).toBe('running');
    expect(runner.active).toBe(1);

    await waitFor(async () => (await store.get(id))?.state === 'done' && runner?.active === 0, 20_000);
    // One run: one stream followed (a second run would have found the chat by its label and followed it too).
    expect(coder.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/stream'))).toHaveLength(1);
    const runs = await metrics.text();
    expect(runs).toContain('coder_agent_bot_runs_total{status="completed"} 1');
    expect(runs).not.toMatch(/coder_agent_bot_runs_total\{status="(?!completed)/);
    expect(coder.chats.size).toBe(1);
    const answers = github.comments(OWNER, REPO, 1).filter((c) => c.user.login === BOT);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.body).toContain('Done.');
  }, 40_000);
});
