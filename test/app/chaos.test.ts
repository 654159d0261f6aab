/**
 * Chaos: three replicas of the App's job worker (processes) share one
 * PostgreSQL store while the fake Coder drops sockets and answers 502s and
 * the fake GitHub answers 502s and secondary rate limits (403 with
 * retry-after). 200 requests are recorded (as the replicas' webhook threads
 * would, straight into the shared store), one replica is SIGKILLed mid-run
 * and restarted. Every request must get exactly one answer comment with its
 * own text; no chat is created twice, no prompt sent twice, nothing is left
 * "working".
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { JobStore } from '../../src/app/store/job-store.js';
import { openJobStore } from '../../src/app/store/open-store.js';
import type { WorkerConfig } from '../../src/app/worker-protocol.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { testSchemas, type TestDatabase } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';
import { live, type Life } from './crash-points.js';
import { echoTask, injectChaosFaults, seedChaosTrigger, wrongAnswers } from './chaos-fixture.js';
import { appSettings, BOT, CODER_TOKEN } from './harness.js';

const createTestSchema = testSchemas();
const TRIGGERS = 200;

let coder: FakeCoder;
let github: FakeGitHub;
let db: TestDatabase;
let store: JobStore;
const lives: Life[] = [];

beforeEach(async () => {
  coder = await FakeCoder.start({ token: CODER_TOKEN, agent: echoTask });
  github = await FakeGitHub.start({ writers: ['maintainer'] });
  db = await createTestSchema();
  store = await openJobStore(db.url);
});

afterEach(async () => {
  for (const l of lives.splice(0)) l.kill();
  await store.close();
  await db.drop();
  await coder.close();
  await github.close();
});

describe('chaos: three replicas on one PostgreSQL, flaky Coder and GitHub, one replica killed', () => {
  it('answers every request exactly once, with its own text', async () => {
    const config = (owner: string): WorkerConfig => ({
      settings: { ...appSettings(coder, github, { databaseUrl: db.url }), concurrency: 40 },
      owner,
      leaseMs: 3_000,
      pollMs: 300,
      logLevel: 'fatal',
      botLogin: BOT,
      follow: { reconnectBaseMs: 5, pollIntervalMs: 50 },
    });
    injectChaosFaults(coder, github);

    const triggers = Array.from({ length: TRIGGERS }, (_, n) => seedChaosTrigger(github, n));
    const replicas = ['replica-1', 'replica-2', 'replica-3'];
    for (const owner of replicas) lives.push(live(config(owner)));
    for (const t of triggers) {
      await store.enqueue({ deliveryId: t.deliveryId, dedupeKey: `issue_comment:created:${t.commentId}`, event: 'issue_comment', installationId: t.installationId, repository: `${t.owner}/service`, payload: t.payload, receivedAt: Date.now() });
    }
    const finished = async () => {
      const c = await store.counts();
      return c.done + c.failed;
    };
    // Mid-run: replica-2 dies and comes back under the same name.
    // Bounded waits, generous for a machine shared with other test suites (about 60 s alone here).
    await waitFor(async () => (await finished()) >= TRIGGERS / 4, 60_000);
    lives[1]?.kill();
    lives.push(live(config('replica-2')));
    await waitFor(async () => (await finished()) === TRIGGERS, 90_000);

    // One summary, so a failure shows everything that went wrong at once.
    const wrong = await wrongAnswers(triggers, coder, github, store);
    expect({ counts: await store.counts(), chats: coder.chats.size, wrong }).toEqual({ counts: expect.objectContaining({ done: TRIGGERS, failed: 0 }), chats: TRIGGERS, wrong: [] });
  }, 180_000);
});
