/**
 * A job resumed after a crash (its first attempt was cut short) whose
 * outcome is a skip or a refusal ends under that name, in the store and so
 * in /metrics (`coder_agent_bot_jobs{state}`), not as "failed": an operator
 * reading the gauge after a restart must not see failures that were none.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AppMetrics } from '../../src/app/metrics.js';
import type { JobStore } from '../../src/app/store/job-store.js';
import { openJobStore } from '../../src/app/store/open-store.js';
import { JobRunner } from '../../src/app/worker.js';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { appSettings, startAppFakes } from './harness.js';
import { enqueueComment, testJobRunner } from './job-runner-support.js';

describe('a resumed job that ends skipped or refused', () => {
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

  it('is recorded and counted as skipped or refused, not failed', async () => {
    const settings = appSettings(coder, github);
    store = await openJobStore(settings.databaseUrl);
    // Not a request (skipped), and a request without a prompt (refused, with an error comment).
    const skipped = await enqueueComment(store, github, 'thanks, looks good', 1);
    const refused = await enqueueComment(store, github, '/agent', 2);
    // A first life claimed both and died; its restart takes its leases back, so the next claim is a resume.
    expect(await store.claim('bot-1', 10, 60_000)).toHaveLength(2);
    expect(await store.releaseAll('bot-1')).toBe(2);

    const metrics = new AppMetrics({ defaultMetrics: false });
    runner = testJobRunner(store, settings, { coder, github }, { metrics, owner: 'bot-1' });
    runner.start();
    await waitFor(async () => (await store.counts()).queued === 0 && runner?.active === 0, 20_000);

    expect(await store.get(skipped)).toMatchObject({ state: 'skipped', attempts: 2, leaseOwner: null });
    expect(await store.get(refused)).toMatchObject({ state: 'refused', attempts: 2, error: 'The request has no prompt.' });
    const jobs = await new AppMetrics({ store, defaultMetrics: false }).text();
    expect(jobs).toContain('coder_agent_bot_jobs{state="skipped"} 1');
    expect(jobs).toContain('coder_agent_bot_jobs{state="refused"} 1');
    expect(jobs).toContain('coder_agent_bot_jobs{state="failed"} 0');
    const runs = await metrics.text();
    expect(runs).toContain('coder_agent_bot_resumes_total 2');
    expect(runs).toContain('coder_agent_bot_runs_total{status="skipped"} 1');
    expect(runs).toContain('coder_agent_bot_runs_total{status="refused"} 1');
    expect(runs).not.toContain('coder_agent_bot_runs_total{status="failed"}');
    expect(coder.chats.size).toBe(0);
  }, 30_000);
});
