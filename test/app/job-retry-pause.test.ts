/**
 * A job whose attempt failed for a passing reason (here: its repository's
 * config GitHub cannot serve, issue 10's config outage) is tried again
 * after a pause that grows, not at once; the pause holds the job's lease,
 * and shutting down ends it, leaving the job for the next start.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { JobStore } from '../../src/app/store/job-store.js';
import { openJobStore } from '../../src/app/store/open-store.js';
import { JobRunner, retryPauseMs, type RetryPause } from '../../src/app/worker.js';
import { startWorker } from '../../src/app/worker-thread.js';
import type { FromWorker } from '../../src/app/worker-protocol.js';
import { GitHubError } from '../../src/github/errors.js';
import type { GitHubPort } from '../../src/github/port.js';
import type { Logger } from '../../src/logger.js';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { recordingLogger } from '../github/support.js';
import { waitFor } from '../helpers/wait.js';
import { appSettings, BOT, startAppFakes } from './harness.js';
import { enqueueComment, testJobRunner } from './job-runner-support.js';

const CONFIG = /\/contents\/\.github(\/|%2F)coder-agent\.yml$/i;

describe('retryPauseMs', () => {
  const pause: RetryPause = { firstMs: 1000, maxMs: 5000 };
  it('doubles from the first pause up to the longest, each drawn from the upper half', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryPauseMs(attempt, pause, () => 1))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect([1, 2, 3, 4, 5].map((attempt) => retryPauseMs(attempt, pause, () => 0))).toEqual([500, 1000, 2000, 2500, 2500]);
    expect(retryPauseMs(1, pause, () => 0.5)).toBe(750);
  });
});

describe('a job whose repository config GitHub cannot serve', () => {
  let coder: FakeCoder;
  let github: FakeGitHub;
  let store: JobStore;
  let runner: JobRunner | undefined;
  let log: ReturnType<typeof recordingLogger>;

  beforeEach(async () => {
    ({ coder, github } = await startAppFakes());
    log = recordingLogger();
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await store.close();
    await coder.close();
    await github.close();
  });

  async function start(retryPause: RetryPause): Promise<string> {
    const settings = appSettings(coder, github);
    store = await openJobStore(settings.databaseUrl);
    // Every read of the config answers 502 (the port's Octokit does not retry it).
    github.failNext({ method: 'GET', path: CONFIG }, { status: 502, body: { message: 'Bad Gateway' } }, 10_000);
    const deliveryId = await enqueueComment(store, github, '/agent look at this');
    runner = testJobRunner(store, settings, { coder, github }, { logger: log as Logger, owner: 'pause-test', leaseMs: 5000, retryPause });
    runner.start();
    return deliveryId;
  }

  const configReads = () => github.requests.filter((r) => r.method === 'GET' && CONFIG.test(r.path));

  it('tries again after a pause that grows, then gives the job up; nothing is done on defaults', async () => {
    const firstMs = 400;
    const id = await start({ firstMs, maxMs: 10_000 });
    await waitFor(async () => (await store.get(id))?.state === 'failed', 20_000);
    const at = configReads().map((r) => r.at);
    expect(at).toHaveLength(3);
    // Each pause is at least half its cap: 400 ms, then 800 ms.
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(firstMs / 2);
    expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(firstMs);
    expect(coder.chats.size).toBe(0);
    expect(github.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/repos/'))).toEqual([]);
  }, 30_000);

  it('shutting down ends the pause and leaves the job, unfinished and unleased, for the next start', async () => {
    const id = await start({ firstMs: 600_000, maxMs: 600_000 });
    await waitFor(() => log.lines.some((l) => l.msg.startsWith('Job failed; it will be retried')), 10_000);
    // In the pause: the job's lease is kept, so no replica takes it meanwhile.
    expect(await store.get(id)).toMatchObject({ state: 'queued', attempts: 1, leaseOwner: 'pause-test' });
    // A ten-minute pause that did not end on stop would outlast this test's time limit.
    await runner?.stop();
    runner = undefined;
    expect(await store.get(id)).toMatchObject({ state: 'queued', attempts: 1, leaseOwner: null });
    expect(configReads()).toHaveLength(1);
  }, 30_000);
});

describe('the retry pause in the worker thread\'s WorkerConfig', () => {
  let coder: FakeCoder;
  let github: FakeGitHub;
  beforeEach(async () => {
    ({ coder, github } = await startAppFakes());
  });
  afterEach(async () => {
    await coder.close();
    await github.close();
  });

  it('is the pause the job worker waits before the next attempt', async () => {
    const settings = appSettings(coder, github, { logLevel: 'fatal' });
    const store = await openJobStore(settings.databaseUrl);
    await enqueueComment(store, github, '/agent look at this');
    // Each attempt's config read fails at once with a 502 (no Octokit retries in between): the time from one
    // failed read to the next read is the pause.
    const reads: Array<{ failedAt: number; startedAt: number }> = [];
    const failingConfig = (port: GitHubPort): GitHubPort =>
      new Proxy(port, {
        get(target, prop, receiver) {
          if (prop !== 'readFile') return Reflect.get(target, prop, receiver) as unknown;
          return async () => {
            const read = { startedAt: Date.now(), failedAt: 0 };
            reads.push(read);
            await Promise.resolve();
            read.failedAt = Date.now();
            throw new GitHubError({ status: 502, route: 'GET /repos/{owner}/{repo}/contents/{path}', githubMessage: 'Bad Gateway' });
          };
        },
      });
    const said: FromWorker[] = [];
    // Longer than the default's first pause (1–2 s): a worker that ignored the setting would try again sooner.
    const retryPause = { firstMs: 6_000, maxMs: 6_000 };
    const handle = await startWorker({ settings, owner: 'pause-config', pollMs: 50, retryPause, logLevel: 'fatal', botLogin: BOT }, (m) => said.push(m), { github: failingConfig });
    try {
      await waitFor(() => reads.length >= 2, 20_000);
      const [first, second] = reads;
      // At least half the configured pause (its jitter is drawn from the upper half).
      expect((second?.startedAt ?? 0) - (first?.failedAt ?? 0)).toBeGreaterThanOrEqual(retryPause.firstMs / 2);
      expect(coder.chats.size).toBe(0);
    } finally {
      handle({ type: 'stop' });
      await waitFor(() => said.some((m) => m.type === 'stopped'), 20_000);
      await store.close();
    }
  }, 40_000);
});
