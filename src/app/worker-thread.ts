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
import type { GitHubPort } from '../github/port.js';
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

/**
 * Seams around the worker's ports, for the crash-point tests
 * (test/app/crash-points.test.ts): each may return a wrapper that kills the
 * process right after a given call to Coder, GitHub or the store.
 */
export interface WorkerSeams {
  coder?(client: CoderClient): CoderClient;
  github?(port: GitHubPort): GitHubPort;
  store?(store: JobStore): JobStore;
}

/** Starts the job worker on this thread; returns the handler for the webhook thread's messages. */
export async function startWorker(config: WorkerConfig, post: (m: FromWorker) => void, seams: WorkerSeams = {}): Promise<(m: ToWorker) => void> {
  lowerThreadPriority();
  const { settings } = config;
  const { probot, logger, abortRequests } = await createProbot(settings, { logLevel: config.logLevel });
  // The worker has no deadline of GitHub's to meet: it waits out a long-held lock rather than fail a run.
  const opened: JobStore = await openJobStore(settings.databaseUrl, { busyDeadlineMs: 60_000 });
  const store = seams.store?.(opened) ?? opened;
  // The webhook thread collects the process-wide metrics and the job counts; these are the runs'.
  const metrics = new AppMetrics({ defaultMetrics: false, workerHeap: true });
  const client = new CoderClient({ url: settings.coderUrl, token: settings.coderToken, organization: settings.coderOrganization, userAgent: 'coder-agent-bot-app' });
  const coder = seams.coder?.(client) ?? client;
  const botLogin = botLoginOf(probot, config.botLogin);

  const portFor = installationPorts(probot, { enterpriseHost: settings.gheHost, logger, botLogin });
  const runner = new JobRunner({
    store,
    settings,
    coder,
    githubFor: seams.github ? async (id) => seams.github!(await portFor(id)) : portFor,
    botLogin,
    // Only time this thread was running counts against a read (repo-config.ts); failures are counted like the webhook thread's.
    repoConfigs: new RepoConfigCache({ onReadFailure: (outcome) => metrics.repoConfigReadFailures.inc({ outcome }) }),
    metrics,
    logger,
    owner: config.owner,
    leaseMs: config.leaseMs,
    pollMs: config.pollMs,
    retryPause: config.retryPause,
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
        // The runs are over; a request still open (a config read given up on) would outlive the worker.
        .then(() => abortRequests())
        .then(() => opened.close())
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
