/**
 * The App's Probot, built the same way on both of its threads: the webhook
 * thread needs it to verify deliveries, the job worker to act as each
 * installation. Also the bot's own login and our Logger over Probot's pino.
 */
import { Probot, ProbotOctokit, type Logger as PinoLogger } from 'probot';
import { withWriteBudget } from '../github/budgeted-port.js';
import { octokitAbortError, stoppableFetch } from '../github/octokit-abort.js';
import { octokitRetryOptions, overInstanceOptions, type OctokitInstanceOptions, type RetrySettings } from '../github/octokit-options.js';
import { createOctokitPort, type OctokitLike } from '../github/octokit-port.js';
import type { GitHubPort } from '../github/port.js';
import { GITHUB_WRITE_BUDGET, WriteScheduler, type WriteBudget } from '../github/write-scheduler.js';
import type { Logger } from '../logger.js';
import { createAppLog } from './app-log.js';
import type { AppSettings, LogLevel } from './settings.js';

export type { LogLevel } from './settings.js';

/** Our Logger over pino. Probot creates its logger while it initializes, so it is looked up at each call. */
function pinoAdapter(log: () => PinoLogger | null): Logger {
  const to = (level: 'debug' | 'info' | 'warn' | 'error') => (m: string, meta?: object) => {
    const l = log();
    if (l) l[level](meta ?? {}, m);
    else if (level === 'error' || level === 'warn') console.error(m);
  };
  return { debug: to('debug'), info: to('info'), warn: to('warn'), error: to('error') };
}

export interface AppProbot {
  probot: Probot;
  logger: Logger;
  /**
   * Ends every request this Probot's Octokits have in flight or will make:
   * each fails at once with an AbortError, which Octokit does not retry.
   * For a stopping App, whose reads given up on (a config read past its
   * budget) would otherwise go on, with the installation-token request
   * behind them and Octokit's retries, and keep the process alive.
   */
  abortRequests(): void;
}

export interface CreateProbotOptions {
  logLevel?: LogLevel | undefined;
  /** The pino logger to write to instead of LOG_LEVEL/LOG_FORMAT's on stdout (tests read the lines). */
  log?: PinoLogger;
  /** How the Octokits meet GitHub's rate limits; default octokit-options.ts's. */
  rateLimits?: RetrySettings;
}

/** A Probot for the App's credentials, whose Octokits retry and pace themselves (octokit-options.ts). */
export async function createProbot(settings: AppSettings, opts: CreateProbotOptions = {}): Promise<AppProbot> {
  // LOG_LEVEL and LOG_FORMAT as Probot documents them (log-options.ts), one name per line (app-log.ts).
  const log = opts.log ?? (await createAppLog({ level: opts.logLevel ?? settings.logLevel, format: settings.logFormat }));
  // The Octokit options need a logger before Probot exists.
  // eslint-disable-next-line prefer-const
  let probot: Probot;
  const logger = pinoAdapter(() => probot.log);
  const requests = stoppableFetch();
  probot = new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    secret: settings.webhookSecret,
    baseUrl: settings.githubApiUrl,
    log,
    // Function form, laid over the options Probot gives each Octokit: with the
    // object form Probot's own `throttle` replaced ours whole (overInstanceOptions).
    // Every request's fetch also ends when the App stops (stoppableFetch).
    Octokit: ProbotOctokit.defaults((instance: OctokitInstanceOptions) => {
      const options = overInstanceOptions(octokitRetryOptions(logger, opts.rateLimits))(instance);
      const request = typeof instance.request === 'object' && instance.request !== null ? instance.request : {};
      return { ...options, request: { ...request, fetch: requests.fetch } };
    }),
  });
  return { probot, logger, abortRequests: () => requests.stop(octokitAbortError()) };
}

/**
 * The bot's login (`<app slug>[bot]`), asked of GitHub once and cached; a
 * failed ask is tried again at the next call. `known` skips the question.
 */
export function botLoginOf(probot: Probot, known?: string): () => Promise<string> {
  let login: Promise<string> | undefined = known === undefined ? undefined : Promise.resolve(known);
  return () => {
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
}

const MAX_CACHED_INSTALLATIONS = 2000;

/**
 * The job worker's ports acting as each installation, one per installation,
 * kept: building an Octokit is costly, its auth strategy renews the
 * installation token by itself, and one write scheduler per installation
 * spends GitHub's write budget for all its chats together, answers before
 * progress edits (write-scheduler.ts). Concurrent first calls share one port.
 */
export function installationPorts(
  probot: Probot,
  options: { enterpriseHost?: string | undefined; logger: Logger; botLogin?: () => Promise<string>; writeBudget?: WriteBudget },
): (installationId: number) => Promise<GitHubPort> {
  const ports = new Map<number, Promise<GitHubPort>>();
  return (installationId) => {
    let port = ports.get(installationId);
    if (!port) {
      if (ports.size >= MAX_CACHED_INSTALLATIONS) ports.delete(ports.keys().next().value as number);
      port = (async () => {
        const botLogin = await options.botLogin?.();
        const octokit = (await probot.auth(installationId)) as unknown as OctokitLike;
        const port = createOctokitPort(octokit, { enterpriseHost: options.enterpriseHost, logger: options.logger, botLogin });
        return withWriteBudget(port, new WriteScheduler(options.writeBudget ?? GITHUB_WRITE_BUDGET, options.logger));
      })();
      // A failed attempt (GitHub unreachable) is not kept: the next call tries again.
      const attempt = port;
      attempt.catch(() => {
        if (ports.get(installationId) === attempt) ports.delete(installationId);
      });
      ports.set(installationId, port);
    }
    return port;
  };
}
