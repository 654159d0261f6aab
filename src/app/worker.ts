/**
 * Works the App's job store: claims jobs up to the concurrency limit, runs
 * each through the same core as the Action, records the chat as soon as it
 * exists, and resumes unfinished jobs after a restart (or when another
 * replica's lease ran out). Shutting down leaves running jobs resumable:
 * nothing is written to GitHub that a restart would have to undo.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { CoderClient } from '../coder/client.js';
import { CoderError } from '../coder/errors.js';
import type { FollowOptions } from '../coder/follow.js';
import { GitHubError, ThreadMovedError } from '../github/errors.js';
import type { GitHubPort } from '../github/port.js';
import type { Logger } from '../logger.js';
import { handleEvent, lifecycleEventOf } from '../agent/lifecycle.js';
import { followRun, type AgentSettings, type RunResult, type StartedRun } from '../agent/run.js';
import { parseTrigger, TriggerError } from '../agent/trigger.js';
import type { AppMetrics } from './metrics.js';
import { RepoConfigUnavailableError, type RepoConfig, type RepoConfigCache } from './repo-config.js';
import type { AppSettings } from './settings.js';
import { fencePort, type FencedPort } from './fenced-port.js';
import { refuseRepoWorkspace, workspaceRefusal } from './repo-workspaces.js';
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
  /** This instance's name in leases (INSTANCE_ID: stable across restarts). */
  owner: string;
  /** How long a claim holds a job; renewed every third of it. Default DEFAULT_LEASE_MS. */
  leaseMs?: number;
  /**
   * How often to look for jobs whose lease ran out (a dead replica's) besides
   * kicks and notifications. Default DEFAULT_POLL_MS.
   */
  pollMs?: number;
  /** A job failing this many times for reasons other than the agent is given up. */
  maxAttempts?: number;
  /** The pause before a failed job's next attempt. Default DEFAULT_RETRY_PAUSE. */
  retryPause?: RetryPause;
  /** How a job waits for a repository config GitHub cannot serve. Default DEFAULT_CONFIG_WAIT. */
  configWait?: ConfigWait;
  follow?: Partial<FollowOptions>;
  /** Told the number of jobs being worked whenever it changes. */
  onActive?(count: number): void;
}

/**
 * Leases: a dead replica's chats are followed again within lease + poll
 * (10 s + 2.5 s), under the 15 s the replicas issue asks for; renewals every
 * third of the lease leave two chances to a slow store before a lease runs out.
 */
export const DEFAULT_LEASE_MS = 10_000;
export const DEFAULT_POLL_MS = 2_500;

/**
 * The pause after a failed attempt, before the job is released for the
 * next: `firstMs` after the first, doubling, at most `maxMs`, each drawn
 * from its upper half (jitter, so the jobs of one outage do not come back
 * together).
 */
export interface RetryPause {
  firstMs: number;
  maxMs: number;
}

/**
 * A failure worth another attempt (GitHub 5xx, a config GitHub cannot
 * serve, Coder unreachable) seldom clears within milliseconds: attempts
 * straight after each other would spend all of them on one outage. With
 * three attempts (the default) the second comes 1–2 s after the first
 * failed, the third 2–4 s after the second: a GitHub answer that takes its
 * full 5 s read budget each time still fails the job within half a minute.
 */
export const DEFAULT_RETRY_PAUSE: RetryPause = { firstMs: 2_000, maxMs: 60_000 };

/**
 * A job whose repository config cannot be read (RepoConfigUnavailableError)
 * has done nothing yet: its attempt is taken back, and it is read again
 * after a pause of half the time it has waited since the delivery (at
 * least `firstMs`, at most `maxMs`, drawn from the upper half), until
 * `windowMs` after the delivery; then it fails, having posted nothing (fail
 * closed, issue 8), with a warning and coder_agent_bot_config_waits_given_up_total.
 */
export interface ConfigWait {
  windowMs: number;
  firstMs: number;
  maxMs: number;
}

/**
 * Fifteen minutes: GitHub does not redeliver by itself, so three quick
 * attempts turned a busy minute into a lost request (issue 10: 55 of 200
 * under load). Long enough for a busy spell or a short GitHub incident,
 * short enough that an answer still fits the conversation, and within the
 * hour a cached config may stand in (RepoConfigCache's maxStaleMs). At most
 * about 25 reads per job: pauses reach a minute within two.
 */
export const DEFAULT_CONFIG_WAIT: ConfigWait = { windowMs: 15 * 60_000, firstMs: 2_000, maxMs: 60_000 };

/** The pause before reading the config again, `waitedMs` after the delivery; 0: the wait is over. */
export function configWaitPauseMs(waitedMs: number, wait: ConfigWait, random: () => number = Math.random): number {
  const left = wait.windowMs - waitedMs;
  if (left <= 0) return 0;
  const cap = Math.min(wait.maxMs, Math.max(wait.firstMs, waitedMs / 2));
  return Math.min(left, Math.round(cap / 2 + (random() * cap) / 2));
}

/** The pause after a job's `attempt`-th failed attempt (1 for the first). */
export function retryPauseMs(attempt: number, pause: RetryPause, random: () => number = Math.random): number {
  const cap = Math.min(pause.maxMs, pause.firstMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
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
  /** Jobs whose lease was found lost: their runs stop without touching the job's record. */
  private readonly lost = new Set<string>();
  /** Each running job's fenced GitHub port: it knows whether a write was refused. */
  private readonly fences = new Map<string, FencedPort>();
  private unwatch: (() => Promise<void>) | undefined;
  private watchTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: WorkerDeps) {
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  }

  get active(): number {
    return this.running.size;
  }

  start(): void {
    this.poll = setInterval(() => this.kick(), this.deps.pollMs ?? DEFAULT_POLL_MS);
    this.renewTimer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leaseMs / 3)));
    void this.watch();
    // Finished jobs are only needed to recognise late redeliveries; keep a month of them.
    this.pruneTimer = setInterval(() => void this.prune(), 60 * 60_000).unref();
    void this.prune();
    this.kick();
  }

  /** Other replicas' new jobs wake this one (Postgres NOTIFY); a lost listener is started again. */
  private async watch(): Promise<void> {
    if (this.stopping) return;
    const again = () => {
      this.unwatch = undefined;
      if (!this.stopping) this.watchTimer = setTimeout(() => void this.watch(), 5_000);
    };
    try {
      this.unwatch = await this.deps.store.watch(
        () => this.kick(),
        (err) => {
          this.deps.logger.warn(`${err.message}; listening again in 5 s (polling meanwhile).`);
          void this.unwatch?.();
          again();
        },
      );
      if (this.stopping) await this.unwatch();
    } catch (err) {
      this.deps.logger.warn(`Could not listen for new jobs: ${(err as Error).message}; trying again in 5 s (polling meanwhile).`);
      again();
    }
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
    if (jobs.length) this.deps.metrics.jobsClaimed.inc(jobs.length);
    for (const job of jobs) {
      // Already running here: its claim was lost (a database crash after an asynchronous commit, postgres-store.ts)
      // or its lease ran out while the store was unreachable. One run per job; the running one keeps it.
      if (this.running.has(job.deliveryId)) continue;
      if (job.attempts > 1) this.deps.metrics.resumes.inc();
      const controller = new AbortController();
      this.running.set(job.deliveryId, controller);
      this.activeChanged();
      // A store that fails even after its retries must not end the worker: the job's lease runs out and it is resumed.
      const processed = this.process(job, controller.signal).catch((err: unknown) => {
        this.deps.logger.error(`Could not record the state of a job: ${(err as Error).message}`, { delivery: job.deliveryId });
      });
      const p: Promise<void> = processed.finally(() => {
        this.running.delete(job.deliveryId);
        this.lost.delete(job.deliveryId);
        this.fences.delete(job.deliveryId);
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

  /**
   * Extends this replica's leases. A job whose lease is no longer ours
   * (finished, or taken over after this replica was paused past its lease)
   * is stopped at once, leaving its record to the new holder.
   */
  private async renew(): Promise<void> {
    const ids = [...this.running.keys()];
    if (ids.length === 0) {
      this.deps.metrics.leaseRenewal.at = undefined;
      return;
    }
    try {
      const held = new Set(await this.deps.store.renew(this.deps.owner, ids, this.leaseMs));
      this.deps.metrics.leaseRenewal.at = Date.now();
      for (const id of ids) {
        if (held.has(id) || !this.running.has(id)) continue;
        this.deps.logger.warn('This replica lost the lease of a job it was working; leaving it to the replica that took it over.', { delivery: id });
        this.deps.metrics.leasesLost.inc();
        this.lost.add(id);
        this.running.get(id)?.abort();
      }
    } catch (err) {
      this.deps.logger.error(`Could not renew job leases: ${(err as Error).message}`);
    }
  }

  /** Stops taking work, interrupts running jobs without touching their comments, and leaves them resumable. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.poll);
    clearInterval(this.renewTimer);
    clearInterval(this.pruneTimer);
    clearTimeout(this.watchTimer);
    await this.unwatch?.();
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
      if (this.leftToOthers(job)) return;
      if (signal.aborted) return; // shutting down: resumed after the restart
      if (err instanceof RepoConfigUnavailableError) return this.waitForConfig(job, err, signal);
      const message = (err as Error).message;
      if (err instanceof CoderError) metrics.coderErrors.inc();
      if (err instanceof GitHubError) metrics.githubErrors.inc();
      // A thread transferred away stays away: another attempt would read the same redirect (thread-identity.ts).
      const permanent = err instanceof TriggerError || err instanceof ThreadMovedError || job.attempts >= (this.deps.maxAttempts ?? 3);
      logger.error(`Job failed${permanent ? '' : '; it will be retried'}: ${message}`, { delivery: job.deliveryId });
      if (permanent) {
        await store.finish(job.deliveryId, 'failed', null, message);
        return;
      }
      // The lease is held (and renewed) through the pause, so no replica tries the job meanwhile; shutting down ends the pause.
      await delay(retryPauseMs(job.attempts, this.deps.retryPause ?? DEFAULT_RETRY_PAUSE), undefined, { signal }).catch(() => undefined);
      if (this.leftToOthers(job)) return;
      await store.release(this.deps.owner, [job.deliveryId]);
      return;
    }
    if (this.leftToOthers(job)) return;
    if (signal.aborted && result.status === 'aborted') return;
    metrics.runs.inc({ status: result.status });
    if (result.status === 'failed') metrics.coderErrors.inc();
    if (result.commentUrl && result.status !== 'failed') metrics.timeToAnswer.observe((Date.now() - job.receivedAt) / 1000);
    // A skip or a refusal is no failure: each ends under its own name (coder_agent_bot_jobs{state}).
    const finished = result.status === 'skipped' || result.status === 'refused' || result.status === 'failed' ? result.status : 'done';
    await store.finish(job.deliveryId, finished, result, result.reason ?? null);
    log(`Job ${result.status}${result.chatUrl ? ` (${result.chatUrl})` : ''}${result.reason ? `: ${result.reason}` : ''}`);
    if (result.deliveryError) logger.error(`Could not write the outcome to GitHub: ${result.deliveryError}`, { delivery: job.deliveryId });
  }

  /**
   * The job's repository config could not be read (it is read before
   * anything is done): the job keeps its lease through a pause, then is
   * released with its attempt taken back, or, past the config wait, fails
   * having posted nothing.
   */
  private async waitForConfig(job: JobRecord, err: RepoConfigUnavailableError, signal: AbortSignal): Promise<void> {
    const { store, logger, metrics } = this.deps;
    const wait = this.deps.configWait ?? DEFAULT_CONFIG_WAIT;
    const waited = Date.now() - job.receivedAt;
    const pause = configWaitPauseMs(waited, wait);
    if (pause <= 0) {
      metrics.configWaitsGivenUp.inc();
      const message = `${err.message}; given up after ${Math.round(waited / 1000)} s of trying, nothing was posted`;
      logger.warn(`Job failed: ${message}`, { delivery: job.deliveryId });
      await store.finish(job.deliveryId, 'failed', null, message);
      return;
    }
    logger.info(`${err.message}; reading it again in ${Math.round(pause / 1000)} s`, { delivery: job.deliveryId });
    metrics.jobsWaitingForConfig.inc();
    try {
      await delay(pause, undefined, { signal }).catch(() => undefined);
    } finally {
      metrics.jobsWaitingForConfig.dec();
    }
    if (this.leftToOthers(job)) return;
    await store.release(this.deps.owner, [job.deliveryId], { notAnAttempt: true });
  }

  /**
   * Whether the job now belongs to another replica (its lease was found
   * lost, or a write was refused by the fence): then this replica records
   * nothing about it, neither an outcome nor a release.
   */
  private leftToOthers(job: JobRecord): boolean {
    const gone = this.lost.has(job.deliveryId) || this.fences.get(job.deliveryId)?.refused === true;
    if (gone) this.deps.logger.warn('Left the job to the replica that holds its lease now.', { delivery: job.deliveryId });
    return gone;
  }

  private async run(job: JobRecord, signal: AbortSignal): Promise<RunResult> {
    const { store } = this.deps;
    const trigger = parseTrigger(job.event, job.payload);
    // The parsed trigger is all a run needs; the raw payload (tens of KB) need not live as long as the chat.
    job.payload = null;
    const lease = { deliveryId: job.deliveryId, owner: this.deps.owner, generation: job.leaseGeneration };
    const fence = fencePort(await this.deps.githubFor(job.installationId), store, lease, this.leaseMs, () => this.deps.metrics.fencingRefusals.inc());
    this.fences.set(job.deliveryId, fence);
    const github = fence.port;
    const config = await this.deps.repoConfigs.get(github, trigger.repository.owner, trigger.repository.repo, this.deps.logger);
    if (!config.enabled) return { status: 'skipped', reason: 'The bot is turned off in .github/coder-agent.yml.' };
    const settings = agentSettingsFor(this.deps.settings, config);
    const botLogin = await this.deps.botLogin();
    const resuming = job.attempts > 1;
    const deps = {
      coder: this.deps.coder,
      github,
      botLogin,
      githubHost: this.deps.settings.githubHost,
      logger: this.deps.logger,
      secrets: [this.deps.settings.coderToken, this.deps.settings.webhookSecret],
      signal,
      leaveOnAbort: true,
      retryUnreachable: job.attempts < (this.deps.maxAttempts ?? 3),
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
    // A workspace the operator has not allowed this repository: refused before any chat (repo-workspaces.ts).
    const refusal = workspaceRefusal(this.deps.settings.repoWorkspaces, trigger.repository, config.workspaceId);
    if (refusal !== undefined && lifecycleEventOf(trigger, settings) === null) return refuseRepoWorkspace(trigger, settings, deps, refusal);
    return handleEvent(trigger, refusal === undefined ? settings : { ...settings, workspaceId: undefined }, deps);
  }
}

export function agentSettingsFor(app: AppSettings, repo: RepoConfig): AgentSettings {
  return {
    triggerPhrase: repo.triggerPhrase ?? app.triggerPhrase,
    labelTrigger: repo.labelTrigger,
    allowedBots: repo.allowedBots ?? app.allowedBots,
    workspaceId: repo.workspaceId,
    model: repo.model,
    systemPrompt: repo.systemPrompt,
    timeoutMs: repo.timeoutMs ?? app.timeoutMs,
    wait: true,
    comment: true,
    progressIntervalMs: app.progressIntervalMs,
    assigneeTrigger: repo.assigneeTrigger,
    removeLabelWhenDone: repo.removeLabelWhenDone,
    ciFeedback: repo.ciFeedback,
    rerunOnEdit: repo.rerunOnEdit,
    archiveOnClose: repo.archiveOnClose,
  };
}

function isStartedRun(value: unknown): value is StartedRun {
  const v = value as Partial<StartedRun> | null;
  return typeof v?.chatId === 'string' && typeof v.chatUrl === 'string' && typeof v.afterId === 'number' && typeof v.startedAt === 'number';
}
