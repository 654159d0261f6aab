/**
 * The App's HTTP server: the webhook endpoint (body bounded, signature
 * verified before anything is parsed: webhook-intake.ts, then Probot's
 * handlers), `GET /healthz`, `GET /metrics`. Everything else is
 * glue between Probot, the job store and the worker.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keepShortLivedObjectsYoung } from './gc-tuning.js';
import { AppMetrics } from './metrics.js';
import { createOctokitPort, type OctokitLike } from '../github/octokit-port.js';
import { botLoginOf, createProbot, type LogLevel } from './probot.js';
import { RepoConfigCache } from './repo-config.js';
import type { AppSettings } from './settings.js';
import type { JobStore } from './store/job-store.js';
import { parseDatabaseUrl } from './store/open-store.js';
import { resolveInstanceId } from './instance-id.js';
import { createWebhookIntake } from './webhook-intake.js';
import { registerWebhooks } from './webhooks.js';
import { WorkerHost } from './worker-host.js';
import type { FollowTuning } from './worker-protocol.js';
import type { RetryPause } from './worker.js';
import type { Logger } from '../logger.js';
import { webhookProxyNotice } from './webhook-proxy.js';

export interface StartOptions {
  settings: AppSettings;
  /** The webhook thread's connection to the job store (the worker opens its own to the same database). */
  store: JobStore;
  /** Probot's log level; by default Probot reads LOG_LEVEL. */
  logLevel?: LogLevel;
  /** The bot's login; by default `<app slug>[bot]`, asked of GitHub once. */
  botLogin?: string;
  /** This instance's name in job leases; by default resolveInstanceId (INSTANCE_ID, or one kept next to the SQLite file, or the host name). */
  workerId?: string;
  leaseMs?: number;
  pollMs?: number;
  /** The pause before a failed job's next attempt (WorkerConfig.retryPause); tests make it short. */
  retryPause?: RetryPause;
  follow?: FollowTuning;
  /** Collect Node's default process metrics (off in tests that start several Apps). */
  defaultMetrics?: boolean;
  /** The job worker thread's entry module; worker-thread.js beside this file by default. */
  workerEntry?: URL;
  /** First wait before a job worker that died is started again. */
  workerRestartDelayMs?: number;
}

export interface RunningApp {
  url: string;
  server: HttpServer;
  /** The job worker thread, as the webhook thread sees it. */
  worker: WorkerHost;
  metrics: AppMetrics;
  /** The App's logger (LOG_LEVEL, LOG_FORMAT): the entry says its own lines through it. */
  logger: Logger;
  /** Graceful stop: no new deliveries, running jobs left resumable, store closed by the caller. */
  stop(): Promise<void>;
}

/**
 * How long a delivery waits for its repository's config (the job worker
 * waits RepoConfigCache's default, 5 s). A read that misses costs nothing:
 * the delivery is recorded and the worker reads again and decides
 * (webhooks.ts). Waiting longer only holds the answer GitHub wants within
 * 10 s, and after a restart a burst of first deliveries from many
 * installations queues behind their token creations (notes/ack-probe.md:
 * 100 took 9.3 s). 2 s still covers a healthy read (a token, about
 * 0.1–0.3 s, and the file) and one retry of a 5xx, which Octokit makes
 * after 1 s; shorter would turn more deliveries the config would ignore
 * into jobs.
 */
const WEBHOOK_CONFIG_READ_MS = 2000;

/**
 * Starts the App: the job worker thread first (it resumes what a previous
 * run left), then the HTTP server. The webhook handlers here only verify,
 * record and kick the worker, so deliveries are answered without waiting
 * behind the runs' work.
 */
export async function startApp(opts: StartOptions): Promise<RunningApp> {
  keepShortLivedObjectsYoung();
  const { settings, store } = opts;
  let stopping = false;
  const { probot, logger, abortRequests } = await createProbot(settings, { logLevel: opts.logLevel });
  const metrics = new AppMetrics({ store, defaultMetrics: opts.defaultMetrics });
  const repoConfigs = new RepoConfigCache({ readTimeoutMs: WEBHOOK_CONFIG_READ_MS, maxWaitMs: WEBHOOK_CONFIG_READ_MS, onReadFailure: (outcome) => metrics.repoConfigReadFailures.inc({ outcome }) });
  const botLogin = botLoginOf(probot, opts.botLogin);
  // The webhook handler only reads the repository config, with the delivery's own Octokit: Probot
  // makes one per delivery anyway, and the per-installation ones live in the worker.
  const portOptions = { enterpriseHost: settings.gheHost, logger };
  const portFor = (octokit: unknown) => createOctokitPort(octokit as OctokitLike, portOptions);

  const owner = opts.workerId ?? resolveInstanceId(process.env, settings.databaseUrl);
  // A second live process with this name would take this one's jobs (and on SQLite, any second process): refused here.
  const unlockInstance = await store.lockInstance(owner, undefined, {
    lost: (message) => logger.warn(message),
    regained: (message) => logger.info(message),
    failed: (message) => logger.error(message),
    waiting: (message) => logger.info(message),
  });
  // What this instance's previous life held (it was killed): resumed now, not when its leases run out.
  const takenBack = await store.releaseAll(owner).catch(async (err: unknown) => {
    await unlockInstance();
    throw err;
  });
  if (takenBack) logger.info(`Resuming ${takenBack} job(s) this instance (${owner}) held before it stopped.`);

  const worker = await WorkerHost.start({
    config: {
      settings,
      owner,
      leaseMs: opts.leaseMs,
      pollMs: opts.pollMs,
      retryPause: opts.retryPause,
      follow: opts.follow,
      logLevel: opts.logLevel,
      botLogin: opts.botLogin,
    },
    entry: opts.workerEntry ?? new URL('./worker-thread.js', import.meta.url),
    store,
    logger,
    restartDelayMs: opts.workerRestartDelayMs,
    onCrash: () => metrics.workerCrashes.inc(),
  }).catch(async (err: unknown) => {
    await unlockInstance();
    throw err;
  });

  await probot
    .load((app) =>
      registerWebhooks(app, {
        store,
        repoConfigs,
        metrics,
        logger,
        triggerPhrase: settings.triggerPhrase,
        botLogin,
        portFor,
        onQueued: () => worker.kick(),
      }),
    )
    .catch(async (err: unknown) => {
      // A running worker thread would keep the process alive after a failed start.
      await worker.stop();
      await unlockInstance();
      throw err;
    });
  // Our own intake instead of Probot's middleware: it bounds the body and verifies before parsing (webhook-intake.ts).
  const intake = createWebhookIntake({
    path: settings.webhookPath,
    secret: settings.webhookSecret,
    logger,
    // probot.webhooks.receive, not probot.receive, which logs the whole payload at debug level.
    receive: (d) => probot.webhooks.receive({ id: d.id, name: d.name, payload: d.payload } as Parameters<typeof probot.webhooks.receive>[0]),
  });

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      // Deliveries are still recorded while a dead worker is replaced, but nothing is answered: not healthy.
      const status = stopping ? 'stopping' : worker.running ? 'ok' : 'worker restarting';
      res.writeHead(status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status, active: worker.active }));
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      worker
        .metrics()
        .then((workerMetrics) => metrics.text([workerMetrics]))
        .then(
          (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
          (err: unknown) => res.writeHead(500).end(String((err as Error).message)),
        );
      return;
    }
    if (stopping && path === settings.webhookPath) {
      // GitHub retries failed deliveries only by hand; a 503 shows in the App's delivery log.
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"shutting down"}');
      return;
    }
    if (!intake(req, res)) res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await worker.stop();
    await unlockInstance();
    throw new Error(`The App cannot listen on ${settings.host}:${settings.port}: ${(err as Error).message}`, { cause: err });
  }
  const address = server.address() as AddressInfo;
  logger.info(`coder-agent-bot App serving on ${settings.host}:${address.port} (webhooks at ${settings.webhookPath}); store: ${storeKind(settings.databaseUrl)}; Coder: ${hostOf(settings.coderUrl)}`);
  if (settings.webhookProxyUrl) logger.info(webhookProxyNotice(settings.webhookProxyUrl, address.port, settings.webhookPath));

  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    server,
    worker,
    metrics,
    logger,
    async stop() {
      stopping = true;
      await worker.stop();
      await unlockInstance();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // What the webhook handlers started and stopped waiting for (config reads past their 2 s) ends here.
      abortRequests();
    },
  };
}

/** The store's kind for the start-up line; never the URL, which can carry a password. */
function storeKind(databaseUrl: string): string {
  try {
    return parseDatabaseUrl(databaseUrl).kind;
  } catch {
    return 'unknown';
  }
}

/** The Coder deployment's host alone: no userinfo, path or query reaches the log. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(unparsable URL)';
  }
}
