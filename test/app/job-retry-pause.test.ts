/**
 * A job whose repository config GitHub cannot serve (issue 10's config
 * outage, or a busy spell) has done nothing: it is read again after a pause
 * that grows, without spending the job's attempts, until the config wait
 * ends; the pause holds the job's lease, and shutting down ends it, leaving
 * the job for the next start. A job failing for another passing reason is
 * tried again after the retry pause (WorkerConfig.retryPause).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AppMetrics } from '../../src/app/metrics.js';
import { RepoConfigCache } from '../../src/app/repo-config.js';
import type { JobStore } from '../../src/app/store/job-store.js';
import { openJobStore } from '../../src/app/store/open-store.js';
import { configWaitPauseMs, JobRunner, retryPauseMs, type ConfigWait, type RetryPause } from '../../src/app/worker.js';
import { startWorker } from '../../src/app/worker-thread.js';
import type { FromWorker } from '../../src/app/worker-protocol.js';
import { GitHubError } from '../../src/github/errors.js';
import type { GitHubPort } from '../../src/github/port.js';
import type { Logger } from '../../src/logger.js';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { recordingLogger } from '../github/support.js';
import { waitFor } from '../helpers/wait.js';
import { appSettings, BOT, OWNER, REPO, startAppFakes } from './harness.js';
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

describe('configWaitPauseMs', () => {
  const wait: ConfigWait = { windowMs: 60_000, firstMs: 1000, maxMs: 10_000 };
  it('is half the time waited since the delivery, within its bounds and the window, drawn from the upper half', () => {
    expect([0, 1000, 4000, 10_000, 30_000, 55_000].map((waited) => configWaitPauseMs(waited, wait, () => 1))).toEqual([1000, 1000, 2000, 5000, 10_000, 5000]);
    expect(configWaitPauseMs(10_000, wait, () => 0)).toBe(2500);
    expect([60_000, 90_000].map((waited) => configWaitPauseMs(waited, wait, () => 1))).toEqual([0, 0]);
  });
});

describe('a job whose repository config GitHub cannot serve', () => {
  let coder: FakeCoder;
  let github: FakeGitHub;
  let store: JobStore;
  let runner: JobRunner | undefined;
  let log: ReturnType<typeof recordingLogger>;
  let metrics: AppMetrics;

  beforeEach(async () => {
    ({ coder, github } = await startAppFakes());
    log = recordingLogger();
    metrics = new AppMetrics({ defaultMetrics: false });
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await store.close();
    await coder.close();
    await github.close();
  });

  async function start(configWait: ConfigWait): Promise<string> {
    const settings = appSettings(coder, github);
    store = await openJobStore(settings.databaseUrl);
    // Every read of the config answers 502 (the port's Octokit does not retry it).
    github.failNext({ method: 'GET', path: CONFIG }, { status: 502, body: { message: 'Bad Gateway' } }, 10_000);
    const deliveryId = await enqueueComment(store, github, '/agent look at this');
    runner = testJobRunner(store, settings, { coder, github }, { logger: log as Logger, owner: 'pause-test', leaseMs: 5000, configWait, metrics });
    runner.start();
    return deliveryId;
  }

  const configReads = () => github.requests.filter((r) => r.method === 'GET' && CONFIG.test(r.path));

  it('reads it again past the three attempts, spending none, until the config wait ends; then fails having posted nothing', async () => {
    const firstMs = 200;
    const windowMs = 3000;
    const id = await start({ windowMs, firstMs, maxMs: 800 });
    await waitFor(async () => (await store.get(id))?.state === 'failed', 20_000);
    const at = configReads().map((r) => r.at);
    // More reads than the three attempts a job is given: a config wait spends none of them.
    expect(at.length).toBeGreaterThan(3);
    const job = await store.get(id);
    // Each pause is at least half the first (jitter from the upper half of at least firstMs), but the one that
    // ends at the wait's end, which is cut short there (on a loaded machine it can be a few ms).
    const waitEnds = (job?.receivedAt ?? 0) + windowMs;
    for (let i = 1; i < at.length; i++) if ((at[i] ?? 0) < waitEnds) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(firstMs / 2);
    expect(job).toMatchObject({ state: 'failed', attempts: 1 });
    expect(job?.error).toMatch(/could not be read .*; given up after \d+ s of trying, nothing was posted$/);
    expect(log.lines.filter((l) => l.level === 'warn' && l.msg.includes('given up after'))).toHaveLength(1);
    expect((await metrics.registry.getSingleMetricAsString('coder_agent_bot_config_waits_given_up_total')).trim().split('\n').pop()).toBe('coder_agent_bot_config_waits_given_up_total 1');
    expect(coder.chats.size).toBe(0);
    expect(github.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/repos/'))).toEqual([]);
  }, 30_000);

  it('shutting down ends the pause and leaves the job, unfinished and unleased, for the next start', async () => {
    const id = await start({ windowMs: 3_600_000, firstMs: 600_000, maxMs: 600_000 });
    await waitFor(() => log.lines.some((l) => /could not be read .*; reading it again in \d+ s$/.test(l.msg)), 10_000);
    // In the pause: the job's lease is kept, so no replica takes it meanwhile; /metrics shows it waiting.
    expect(await store.get(id)).toMatchObject({ state: 'queued', attempts: 1, leaseOwner: 'pause-test' });
    expect(await metrics.registry.getSingleMetricAsString('coder_agent_bot_jobs_waiting_for_config')).toMatch(/^coder_agent_bot_jobs_waiting_for_config 1$/m);
    // A ten-minute pause that did not end on stop would outlast this test's time limit.
    await runner?.stop();
    runner = undefined;
    // The claim did nothing: its attempt is taken back.
    expect(await store.get(id)).toMatchObject({ state: 'queued', attempts: 0, leaseOwner: null });
    expect(configReads()).toHaveLength(1);
  }, 30_000);
});

describe('a config outage longer than three attempts, then GitHub recovers (issue 10: no lost request)', () => {
  let coder: FakeCoder;
  let github: FakeGitHub;
  let store: JobStore;
  let runner: JobRunner | undefined;

  beforeEach(async () => {
    ({ coder, github } = await startAppFakes());
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await store.close();
    await coder.close();
    await github.close();
  });

  const configReads = () => github.requests.filter((r) => r.method === 'GET' && CONFIG.test(r.path));
  const botComments = () => github.comments(OWNER, REPO, 1).filter((c) => c.user.login === BOT);
  /** Three attempts' worth of failed reads and more: before issue 10 the job failed after the third. */
  const FAILED_READS = 5;
  const faults: Array<[string, (github: FakeGitHub) => void]> = [
    ['GitHub answers 502', (g) => g.failNext({ method: 'GET', path: CONFIG }, { status: 502, body: { message: 'Bad Gateway' } }, FAILED_READS)],
    ['GitHub answers past the read budget', (g) => g.setDelay(2_000, { method: 'GET', path: CONFIG })],
  ];

  async function run(file: string | undefined, fault: (github: FakeGitHub) => void): Promise<string> {
    const settings = appSettings(coder, github);
    store = await openJobStore(settings.databaseUrl);
    const deliveryId = await enqueueComment(store, github, '/agent look at this');
    github.setFile(OWNER, REPO, '.github/coder-agent.yml', file);
    fault(github);
    runner = testJobRunner(store, settings, { coder, github }, {
      owner: 'outage-test',
      leaseMs: 5000,
      // A 200 ms budget, so that the 2 s answers miss it; the config is read again within a fraction of a second.
      repoConfigs: new RepoConfigCache({ readTimeoutMs: 200 }),
      configWait: { windowMs: 120_000, firstMs: 100, maxMs: 300 },
    });
    runner.start();
    await waitFor(() => configReads().length >= FAILED_READS, 30_000);
    github.clearFaults();
    await waitFor(async () => ['done', 'skipped', 'failed'].includes((await store.get(deliveryId))?.state ?? ''), 30_000);
    return deliveryId;
  }

  it.each(faults)('%s for a while: the request is answered exactly once afterwards', async (_name, fault) => {
    const id = await run(undefined, fault);
    expect(await store.get(id)).toMatchObject({ state: 'done', attempts: 1 });
    expect(botComments()).toHaveLength(1);
    expect(botComments()[0]?.body).toContain('state=done');
    expect(coder.chats.size).toBe(1);
  }, 60_000);

  it.each(faults)('%s for a while in a repository with enabled: false: still nothing is done (fail closed)', async (_name, fault) => {
    const id = await run('enabled: false\n', fault);
    expect(await store.get(id)).toMatchObject({ state: 'skipped' });
    expect(botComments()).toEqual([]);
    expect(github.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/repos/'))).toEqual([]);
    expect(coder.chats.size).toBe(0);
  }, 60_000);
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
    // Each attempt's permission read fails at once with a 502 (no Octokit retries in between): the time from one
    // failed read to the next read is the pause. (Not the config read: a config GitHub cannot serve waits its own way.)
    const reads: Array<{ failedAt: number; startedAt: number }> = [];
    const failingConfig = (port: GitHubPort): GitHubPort =>
      new Proxy(port, {
        get(target, prop, receiver) {
          if (prop !== 'getPermission') return Reflect.get(target, prop, receiver) as unknown;
          return async () => {
            const read = { startedAt: Date.now(), failedAt: 0 };
            reads.push(read);
            await Promise.resolve();
            read.failedAt = Date.now();
            throw new GitHubError({ status: 502, route: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission', githubMessage: 'Bad Gateway' });
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
