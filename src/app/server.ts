/**
 * The App's HTTP server: Probot's webhook endpoint (signature verified before
 * anything is parsed), `GET /healthz`, `GET /metrics`. Everything else is
 * glue between Probot, the job store and the worker.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createNodeMiddleware, Probot, ProbotOctokit, type Logger as PinoLogger } from 'probot';
import { CoderClient } from '../coder/client.js';
import type { FollowOptions } from '../coder/follow.js';
import { createOctokitPort, type OctokitLike } from '../github/octokit-port.js';
import type { GitHubPort } from '../github/port.js';
import { octokitRetryOptions } from '../github/octokit-options.js';
import type { Logger } from '../logger.js';
import { AppMetrics } from './metrics.js';
import { RepoConfigCache } from './repo-config.js';
import type { AppSettings } from './settings.js';
import type { JobStore } from './store/job-store.js';
import { registerWebhooks } from './webhooks.js';
import { JobRunner } from './worker.js';

const MAX_CACHED_INSTALLATIONS = 2000;

export interface StartOptions {
  settings: AppSettings;
  store: JobStore;
  /** Probot's pino logger; by default Probot makes one from LOG_LEVEL/LOG_FORMAT. */
  log?: PinoLogger;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** The bot's login; by default `<app slug>[bot]`, asked of GitHub once. */
  botLogin?: string;
  /** This process's name in job leases. */
  workerId?: string;
  leaseMs?: number;
  pollMs?: number;
  follow?: Partial<FollowOptions>;
  /** Collect Node's default process metrics (off in tests that start several Apps). */
  defaultMetrics?: boolean;
}

export interface RunningApp {
  url: string;
  server: HttpServer;
  runner: JobRunner;
  metrics: AppMetrics;
  /** Graceful stop: no new deliveries, running jobs left resumable, store closed by the caller. */
  stop(): Promise<void>;
}

/** Our Logger over pino. Probot creates its logger while it initializes, so it is looked up at each call. */
export function pinoAdapter(log: () => PinoLogger | null): Logger {
  const to = (level: 'debug' | 'info' | 'warn' | 'error') => (m: string, meta?: object) => {
    const l = log();
    if (l) l[level](meta ?? {}, m);
    else if (level === 'error' || level === 'warn') console.error(m);
  };
  return { debug: to('debug'), info: to('info'), warn: to('warn'), error: to('error') };
}

export async function startApp(opts: StartOptions): Promise<RunningApp> {
  const { settings, store } = opts;
  let ready = false;
  let stopping = false;
  // The Octokit options need a logger before Probot (and so its logger) exists.
  // eslint-disable-next-line prefer-const
  let probot: Probot;
  const logger = pinoAdapter(() => opts.log ?? probot.log);
  probot = new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    secret: settings.webhookSecret,
    baseUrl: settings.githubApiUrl,
    log: opts.log,
    logLevel: opts.logLevel,
    Octokit: ProbotOctokit.defaults(octokitRetryOptions(logger)),
  });
  const metrics = new AppMetrics(store, { defaultMetrics: opts.defaultMetrics });
  const repoConfigs = new RepoConfigCache();
  const coder = new CoderClient({
    url: settings.coderUrl,
    token: settings.coderToken,
    organization: settings.coderOrganization,
    userAgent: 'coder-agent-bot-app',
  });
  const portOptions = { enterpriseHost: settings.gheHost, logger };

  // Asked of GitHub once (`<app slug>[bot]`); a failed ask is tried again next time.
  let login: Promise<string> | undefined = opts.botLogin === undefined ? undefined : Promise.resolve(opts.botLogin);
  const botLogin = (): Promise<string> => {
    login ??= probot
      .auth()
      .then((app) => app.request('GET /app'))
      .then((res) => `${(res.data as { slug: string }).slug}[bot]`)
      .catch((err: unknown) => {
        login = undefined;
        throw err;
      });
    return login;
  };
  // The webhook handler only reads the repository config through this port.
  const portFor = (octokit: unknown) => createOctokitPort(octokit as OctokitLike, portOptions);
  const installationPorts = new Map<number, GitHubPort>();

  const runner = new JobRunner({
    store,
    settings,
    coder,
    githubFor: async (installationId) => {
      const knownLogin = await botLogin();
      // One Octokit per installation: building one is costly, its auth strategy
      // renews the installation token by itself, and one shared throttle per
      // installation paces the writes of all its chats together.
      let port = installationPorts.get(installationId);
      if (!port) {
        if (installationPorts.size >= MAX_CACHED_INSTALLATIONS) installationPorts.delete(installationPorts.keys().next().value as number);
        port = createOctokitPort((await probot.auth(installationId)) as unknown as OctokitLike, { ...portOptions, botLogin: knownLogin });
        installationPorts.set(installationId, port);
      }
      return port;
    },
    botLogin,
    repoConfigs,
    metrics,
    logger,
    owner: opts.workerId ?? `${hostname()}:${process.pid}`,
    leaseMs: opts.leaseMs,
    pollMs: opts.pollMs,
    follow: opts.follow,
  });

  const middleware = await createNodeMiddleware(
    (app) =>
      registerWebhooks(app, {
        store,
        repoConfigs,
        metrics,
        logger,
        triggerPhrase: settings.triggerPhrase,
        botLogin,
        portFor,
        onQueued: () => runner.kick(),
      }),
    { probot, webhooksPath: settings.webhookPath },
  );

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      const ok = ready && !stopping;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : stopping ? 'stopping' : 'starting', active: runner.active }));
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      metrics.text().then(
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
    void middleware(req, res, () => {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(settings.port, settings.host, resolve));
  const address = server.address() as AddressInfo;
  runner.start();
  ready = true;
  logger.info(`coder-agent-bot App listening on ${settings.host}:${address.port} (webhooks at ${settings.webhookPath})`);

  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    server,
    runner,
    metrics,
    async stop() {
      stopping = true;
      await runner.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
