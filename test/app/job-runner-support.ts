/**
 * A JobRunner in the test's own process, against the fake Coder and fake
 * GitHub, and comment deliveries put straight into its store: for tests of
 * the worker's own rules (retry pauses, resumed outcomes) without the App's
 * webhook server or worker thread.
 */
import { randomUUID } from 'node:crypto';
import { AppMetrics } from '../../src/app/metrics.js';
import { RepoConfigCache } from '../../src/app/repo-config.js';
import type { AppSettings } from '../../src/app/settings.js';
import type { JobStore } from '../../src/app/store/job-store.js';
import { JobRunner } from '../../src/app/worker.js';
import { CoderClient } from '../../src/coder/client.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import type { Logger } from '../../src/logger.js';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { octokitFor, recordingLogger } from '../github/support.js';
import { BOT, CODER_TOKEN, commentDelivery, INSTALLATION, OWNER, REPO } from './harness.js';

/** Records an `issue_comment` delivery of `text` on issue `number` (1 by default) as the webhook would; returns its delivery id. */
export async function enqueueComment(store: JobStore, github: FakeGitHub, text: string, number?: number): Promise<string> {
  const deliveryId = randomUUID();
  const payload = commentDelivery(github, text, number === undefined ? {} : { number });
  const comment = (payload as { comment: { id: number } }).comment;
  await store.enqueue({ deliveryId, dedupeKey: `issue_comment:created:${comment.id}`, event: 'issue_comment', installationId: INSTALLATION, repository: `${OWNER}/${REPO}`, payload, receivedAt: Date.now() });
  return deliveryId;
}

type RunnerOptions = ConstructorParameters<typeof JobRunner>[0];

/** A JobRunner (not started) with the fakes' clients; `options` replace the defaults (fresh metrics, a recording logger, 50 ms polls). */
export function testJobRunner(store: JobStore, settings: AppSettings, fakes: { coder: FakeCoder; github: FakeGitHub }, options: Partial<RunnerOptions> & Pick<RunnerOptions, 'owner'>): JobRunner {
  return new JobRunner({
    store,
    settings,
    coder: new CoderClient({ url: fakes.coder.url, token: CODER_TOKEN }),
    githubFor: async () => createOctokitPort(octokitFor(fakes.github), { botLogin: BOT }),
    botLogin: async () => BOT,
    repoConfigs: new RepoConfigCache(),
    metrics: new AppMetrics({ defaultMetrics: false }),
    logger: recordingLogger() as Logger,
    pollMs: 50,
    ...options,
  });
}
