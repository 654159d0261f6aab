/**
 * A job resumed after a crash (its first attempt was cut short) whose
 * outcome is a skip or a refusal ends under that name, in the store and so
 * in /metrics (`coder_agent_bot_jobs{state}`), not as "failed": an operator
 * reading the gauge after a restart must not see failures that were none.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { AppMetrics } from '../../src/app/metrics.js';
import { RepoConfigCache } from '../../src/app/repo-config.js';
import type { JobStore } from '../../src/app/store/job-store.js';
import { openJobStore } from '../../src/app/store/open-store.js';
import { JobRunner } from '../../src/app/worker.js';
import { CoderClient } from '../../src/coder/client.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import type { Logger } from '../../src/logger.js';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { octokitFor, recordingLogger } from '../github/support.js';
import { waitFor } from '../helpers/wait.js';
import { appSettings, BOT, CODER_TOKEN, commentDelivery, INSTALLATION, OWNER, REPO, startAppFakes } from './harness.js';

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
    const enqueue = async (text: string, number: number) => {
      const deliveryId = randomUUID();
      const payload = commentDelivery(github, text, { number });
      const comment = (payload as { comment: { id: number } }).comment;
      await store.enqueue({ deliveryId, dedupeKey: `issue_comment:created:${comment.id}`, event: 'issue_comment', installationId: INSTALLATION, repository: `${OWNER}/${REPO}`, payload, receivedAt: Date.now() });
      return deliveryId;
    };
    // Not a request (skipped), and a request without a prompt (refused, with an error comment).
    const skipped = await enqueue('thanks, looks good', 1);
    const refused = await enqueue('/agent', 2);
    // A first life claimed both and died; its restart takes its leases back, so the next claim is a resume.
    expect(await store.claim('bot-1', 10, 60_000)).toHaveLength(2);
    expect(await store.releaseAll('bot-1')).toBe(2);

    const metrics = new AppMetrics({ defaultMetrics: false });
    runner = new JobRunner({
      store,
      settings,
      coder: new CoderClient({ url: coder.url, token: CODER_TOKEN }),
      githubFor: async () => createOctokitPort(octokitFor(github), { botLogin: BOT }),
      botLogin: async () => BOT,
      repoConfigs: new RepoConfigCache(),
      metrics,
      logger: recordingLogger() as Logger,
      owner: 'bot-1',
      pollMs: 50,
    });
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
