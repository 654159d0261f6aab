/**
 * Works the App's job store: claims jobs up to the concurrency limit, runs
 * each through the same core as the Action, records the chat as soon as it
 * exists, and resumes unfinished jobs after a restart (or when another
 * replica's lease ran out). Shutting down leaves running jobs resumable:
 * nothing is written to GitHub that a restart would have to undo.
 */
import type { CoderClient } from '../coder/client.js';
import { CoderError } from '../coder/errors.js';
import type { FollowOptions } from '../coder/follow.js';
import { GitHubError } from '../github/errors.js';
import type { GitHubPort } from '../github/port.js';
import type { Logger } from '../logger.js';
import { followRun, handleTrigger, type AgentSettings, type RunResult, type StartedRun } from '../agent/run.js';
import { parseTrigger, TriggerError } from '../agent/trigger.js';
import type { AppMetrics } from './metrics.js';
import type { RepoConfig, RepoConfigCache } from './repo-config.js';
import type { AppSettings } from './settings.js';
import type { JobRecord, JobStore } from './store/job-store.js';

export interface WorkerDeps {
  store: JobStore;
  settings: AppSettings;
  coder: CoderClient;
  /** A port acting as the App's installation. */
  githubFor(installationId: number): Promise<GitHubPort>;
  botLogin: () => Promise<string>;
  repoConfigs: RepoConfigCache;
  metrics: AppMetrics;
  logger: Logger;
  /** This process's name in leases. */
  owner: string;
  leaseMs?: number;
  /** How often to look for resumable jobs besides kicks. */
  pollMs?: number;
  /** A job failing this many times for reasons other than the agent is given up. */
  maxAttempts?: number;
  follow?: Partial<FollowOptions>;
  /** Told the number of jobs being worked whenever it changes. */
  onActive?(count: number): void;
}

/** Runs older than this when resumed have certainly started: a final status on resume is believed. */
const SURELY_STARTED_MS = 30_000;
const JOB_RETENTION_MS = 30 * 24 * 60 * 60_000;

export class JobRunner {
  private readonly running = new Map<string, AbortController>();
  private stopping = false;
  private claiming: Promise<void> | undefined;
  private again = false;
  private poll: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly leaseMs: number;
  private readonly done = new Set<Promise<void>>();

  constructor(private readonly deps: WorkerDeps) {
    this.leaseMs = deps.leaseMs ?? 60_000;
  }

  get active(): number {
    return this.running.size;
  }

  start(): void {
    this.poll = setInterval(() => this.kick(), this.deps.pollMs ?? 5000);
    this.renewTimer = setInterval(() => void this.renew(), Math.max(1000, Math.floor(this.leaseMs / 3)));
    // Finished jobs are only needed to recognise late redeliveries; keep a month of them.
    this.pruneTimer = setInterval(() => void this.prune(), 60 * 60_000).unref();
    void this.prune();
    this.kick();
  }

  private async prune(): Promise<void> {
    try {
      const removed = await this.deps.store.prune(Date.now() - JOB_RETENTION_MS);
      if (removed) this.deps.logger.info(`Pruned ${removed} finished jobs older than 30 days.`);
    } catch (err) {
      this.deps.logger.warn(`Could not prune old jobs: ${(err as Error).message}`);
    }
  }

  /** Claims work now (a delivery was just recorded). Calls while a claim runs fold into one more. */
  kick(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = this.claim()
      .catch((err: unknown) => this.deps.logger.error(`Could not claim jobs: ${(err as Error).message}`))
      .finally(() => {
        this.claiming = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async claim(): Promise<void> {
    const free = this.deps.settings.concurrency - this.running.size;
    if (free <= 0) return;
    const jobs = await this.deps.store.claim(this.deps.owner, free, this.leaseMs);
    for (const job of jobs) {
      const controller = new AbortController();
      this.running.set(job.deliveryId, controller);
      this.activeChanged();
      const p: Promise<void> = this.process(job, controller.signal).finally(() => {
        this.running.delete(job.deliveryId);
        this.activeChanged();
        this.done.delete(p);
        this.kick();
      });
      this.done.add(p);
    }
  }

  private activeChanged(): void {
    this.deps.metrics.chatsFollowed.set(this.running.size);
    this.deps.onActive?.(this.running.size);
  }

  private async renew(): Promise<void> {
    if (this.running.size === 0) return;
    await this.deps.store.renew(this.deps.owner, [...this.running.keys()], this.leaseMs).catch((err: unknown) => {
      this.deps.logger.error(`Could not renew job leases: ${(err as Error).message}`);
    });
  }

  /** Stops taking work, interrupts running jobs without touching their comments, and leaves them resumable. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.poll);
    clearInterval(this.renewTimer);
    clearInterval(this.pruneTimer);
    await this.claiming;
    const ids = [...this.running.keys()];
    for (const controller of this.running.values()) controller.abort();
    await Promise.allSettled([...this.done]);
    await this.deps.store.release(this.deps.owner, ids).catch(() => undefined);
  }

  private async process(job: JobRecord, signal: AbortSignal): Promise<void> {
    const { store, logger, metrics } = this.deps;
    const log = (msg: string) => logger.info(`${msg}`, { delivery: job.deliveryId, event: job.event, repository: job.repository });
    let result: RunResult;
    try {
      result = await this.run(job, signal);
    } catch (err) {
      if (signal.aborted) return; // shutting down: resumed after the restart
      const message = (err as Error).message;
      if (err instanceof CoderError) metrics.coderErrors.inc();
      if (err instanceof GitHubError) metrics.githubErrors.inc();
      const permanent = err instanceof TriggerError || job.attempts >= (this.deps.maxAttempts ?? 3);
      logger.error(`Job failed${permanent ? '' : '; it will be retried'}: ${message}`, { delivery: job.deliveryId });
      if (permanent) await store.finish(job.deliveryId, 'failed', null, message);
      else await store.release(this.deps.owner, [job.deliveryId]);
      return;
    }
    if (signal.aborted && result.status === 'aborted') return;
    metrics.runs.inc({ status: result.status });
    if (result.status === 'failed') metrics.coderErrors.inc();
    if (result.commentUrl && result.status !== 'failed') metrics.timeToAnswer.observe((Date.now() - job.receivedAt) / 1000);
    const finished = result.status === 'skipped' || result.status === 'refused' || result.status === 'failed' ? 'failed' : 'done';
    await store.finish(job.deliveryId, finished, result, result.reason ?? null);
    log(`Job ${result.status}${result.chatUrl ? ` (${result.chatUrl})` : ''}${result.reason ? `: ${result.reason}` : ''}`);
  }

  private async run(job: JobRecord, signal: AbortSignal): Promise<RunResult> {
    const { store } = this.deps;
    const trigger = parseTrigger(job.event, job.payload);
    // The parsed trigger is all a run needs; the raw payload (tens of KB) need not live as long as the chat.
    job.payload = null;
    const github = await this.deps.githubFor(job.installationId);
    const config = await this.deps.repoConfigs.get(github, trigger.repository.owner, trigger.repository.repo, this.deps.logger);
    if (!config.enabled) return { status: 'skipped', reason: 'The bot is turned off in .github/coder-agent.yml.' };
    const settings = agentSettingsFor(this.deps.settings, config);
    const botLogin = await this.deps.botLogin();
    const resuming = job.attempts > 1;
    const deps = {
      coder: this.deps.coder,
      github,
      botLogin,
      logger: this.deps.logger,
      secrets: [this.deps.settings.coderToken, this.deps.settings.webhookSecret],
      signal,
      leaveOnAbort: true,
      idempotencyKey: job.deliveryId,
      resuming,
      receivedAt: job.receivedAt,
      follow: this.deps.follow,
      onReacted: () => this.deps.metrics.timeToReaction.observe((Date.now() - job.receivedAt) / 1000),
      onStarted: (run: StartedRun) => store.recordRun(job.deliveryId, run),
    };
    if (job.state === 'following' && isStartedRun(job.run)) {
      const run = job.run;
      const surelyStarted = Date.now() - run.startedAt > SURELY_STARTED_MS;
      return followRun(run, settings, { ...deps, follow: { ...deps.follow, assumeStarted: surelyStarted } });
    }
    await store.markStarting(job.deliveryId);
    return handleTrigger(trigger, settings, deps);
  }
}

export function agentSettingsFor(app: AppSettings, repo: RepoConfig): AgentSettings {
  return {
    triggerPhrase: repo.triggerPhrase ?? app.triggerPhrase,
    allowedBots: repo.allowedBots ?? app.allowedBots,
    workspaceId: repo.workspaceId,
    model: repo.model,
    systemPrompt: repo.systemPrompt,
    timeoutMs: repo.timeoutMs ?? app.timeoutMs,
    wait: true,
    comment: true,
    progressIntervalMs: app.progressIntervalMs,
  };
}

function isStartedRun(value: unknown): value is StartedRun {
  const v = value as Partial<StartedRun> | null;
  return typeof v?.chatId === 'string' && typeof v.chatUrl === 'string' && typeof v.afterId === 'number' && typeof v.startedAt === 'number';
}
