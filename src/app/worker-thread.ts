/**
 * The App's job worker, run in a worker thread of its own (see worker-host.ts).
 *
 * Why a thread: every run spends ten milliseconds or more of CPU (Octokit,
 * rendering, the stream follower, the store), in slices of a few ms. On the
 * webhook thread those slices delay the answers to deliveries that arrive
 * meanwhile; here they run beside it. The two threads share nothing but the
 * job store (each its own connection to the same file), a `kick` when a job
 * is recorded, and metrics when /metrics is asked for.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { CoderClient } from '../coder/client.js';
import { AppMetrics } from './metrics.js';
import { botLoginOf, createProbot, installationPorts } from './probot.js';
import { RepoConfigCache } from './repo-config.js';
import type { JobStore } from './store/job-store.js';
import { openJobStore } from './store/open-store.js';
import type { FromWorker, ToWorker, WorkerConfig } from './worker-protocol.js';
import { JobRunner } from './worker.js';

/** Niceness of this thread: when the CPU is short, webhook answers (GitHub gives ten seconds) go before runs (minutes). */
const WORKER_NICENESS = 10;

/**
 * Lowers this thread's scheduling priority, leaving the webhook thread's as
 * it is. Linux schedules threads on their own (a thread id is a valid target
 * for setpriority); elsewhere this does nothing.
 */
function lowerThreadPriority(): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId !== process.pid) setPriority(threadId, WORKER_NICENESS);
  } catch {
    // No /proc (not Linux), or not allowed: run at the process's priority.
  }
}

async function startWorker(config: WorkerConfig, post: (m: FromWorker) => void): Promise<(m: ToWorker) => void> {
  lowerThreadPriority();
  const { settings } = config;
  const { probot, logger } = createProbot(settings, { logLevel: config.logLevel });
  const store: JobStore = await openJobStore(settings.databaseUrl);
  // The webhook thread collects the process-wide metrics and the job counts; these are the runs'.
  const metrics = new AppMetrics({ defaultMetrics: false, workerHeap: true });
  const coder = new CoderClient({ url: settings.coderUrl, token: settings.coderToken, organization: settings.coderOrganization, userAgent: 'coder-agent-bot-app' });
  const botLogin = botLoginOf(probot, config.botLogin);

  const runner = new JobRunner({
    store,
    settings,
    coder,
    githubFor: installationPorts(probot, { enterpriseHost: settings.gheHost, logger, botLogin }),
    botLogin,
    repoConfigs: new RepoConfigCache(),
    metrics,
    logger,
    owner: config.owner,
    leaseMs: config.leaseMs,
    pollMs: config.pollMs,
    follow: config.follow,
    onActive: (count) => post({ type: 'active', count }),
  });
  runner.start();

  return (m) => {
    if (m.type === 'kick') runner.kick();
    if (m.type === 'metrics') {
      metrics.registry.getMetricsAsJSON().then(
        (json) => post({ type: 'metrics', id: m.id, metrics: json }),
        () => post({ type: 'metrics', id: m.id, metrics: [] }),
      );
    }
    if (m.type === 'stop') {
      void runner
        .stop()
        .then(() => store.close())
        .catch((err: unknown) => logger.error(`The job worker did not stop cleanly: ${(err as Error).message}`))
        .finally(() => post({ type: 'stopped' }));
    }
  };
}

const port = parentPort;
if (port) {
  const post = (m: FromWorker) => port.postMessage(m);
  startWorker(workerData as WorkerConfig, post).then(
    (handle) => {
      port.on('message', (m: ToWorker) => handle(m));
      post({ type: 'ready' });
    },
    (err: unknown) => post({ type: 'failed', message: (err as Error).message }),
  );
}
