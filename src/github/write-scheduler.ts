/**
 * One installation's write budget on GitHub, and the queue that spends it.
 *
 * GitHub's rules for writes (POST, PATCH, PUT, DELETE), per installation:
 * - "Rate limits for the REST API", About secondary rate limits
 *   (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits):
 *   in general no more than 80 content-generating requests per minute and no
 *   more than 500 per hour; beyond that GitHub answers 403 (or 429) "You have
 *   exceeded a secondary rate limit" with a `retry-after` in seconds.
 * - "Best practices for using the REST API"
 *   (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api):
 *   make requests serially, and wait at least one second between mutative
 *   requests. One second apart is 60 a minute, so that pause, not the 80, is
 *   what bounds a burst; the 500 an hour bounds a long busy spell.
 *
 * A busy installation wants more writes than that, so they are queued by what
 * they are worth: `answer` (final answers, error and stop notices) first,
 * then `comment` (new comments, reactions), then `progress` (edits that only
 * refresh a progress comment). A progress edit never starts while anything
 * else waits, keeps a share of each window free for the others, is coalesced
 * to the newest body of its comment, and is dropped when an answer for the
 * same comment comes, when it has waited so long that it shows stale news,
 * or when GitHub says to slow down. Answers and comments are never dropped:
 * after a secondary rate limit the whole queue waits `retry-after` and they
 * are tried again in priority order.
 */
import { GitHubError } from './errors.js';
import type { WritePriority } from './port.js';
import { silentLogger, type Logger } from '../logger.js';

/** At most `limit` writes start within any `windowMs` milliseconds. */
export interface WriteWindow {
  limit: number;
  windowMs: number;
}

export interface WriteBudget {
  /** Sliding windows of content-creating writes (GitHub: 80 a minute, 500 an hour). */
  windows: readonly WriteWindow[];
  /** Least time between the starts of two writes, in ms (GitHub: 1000). Writes are also never concurrent. */
  minGapMs: number;
  /** Share (0–1) of every window that progress edits leave for answers and new comments. */
  progressReserve: number;
  /** A progress edit that has waited this long (ms) is dropped: it would show stale news. */
  progressStaleMs: number;
  /** Milliseconds per second of GitHub's `retry-after` (1000; less in time-scaled tests). */
  retryAfterUnitMs: number;
  /** Seconds to pause when a secondary rate limit comes without `retry-after` (GitHub's advice: at least a minute). */
  fallbackRetryAfterSeconds: number;
  /** Times an answer or comment is tried again after a rate limit before the caller gets the error. */
  maxRateLimitRetries: number;
  /**
   * Longest rate-limit wait (GitHub's seconds) an answer or comment waits
   * out; default 900, as Octokit's throttling (octokit-options.ts). A primary
   * limit that resets in an hour fails the write now, so the caller can say
   * so (the Action fails the step) instead of hanging for the hour.
   */
  maxRateLimitWaitSeconds?: number;
}

/** GitHub.com's documented budget (see the module comment for the sources). */
export const GITHUB_WRITE_BUDGET: WriteBudget = {
  windows: [
    { limit: 80, windowMs: 60_000 },
    { limit: 500, windowMs: 3_600_000 },
  ],
  minGapMs: 1000,
  progressReserve: 0.25,
  progressStaleMs: 30_000,
  retryAfterUnitMs: 1000,
  fallbackRetryAfterSeconds: 60,
  maxRateLimitRetries: 3,
};

/** The same budget with every duration multiplied by `factor` (0.1: ten times faster), for tests and the bench. */
export function scaleBudget(budget: WriteBudget, factor: number): WriteBudget {
  return {
    ...budget,
    windows: budget.windows.map((w) => ({ limit: w.limit, windowMs: w.windowMs * factor })),
    minGapMs: budget.minGapMs * factor,
    progressStaleMs: budget.progressStaleMs * factor,
    retryAfterUnitMs: budget.retryAfterUnitMs * factor,
  };
}

/**
 * Writes a budget allows in one burst minute (`minuteMs`, scaled with the
 * budget): the pause between writes and every window no longer than a minute
 * bound it. GitHub.com: min(60, 80) = 60.
 */
export function burstWritesPerMinute(budget: WriteBudget, minuteMs = 60_000): number {
  const byGap = Math.floor(minuteMs / budget.minGapMs);
  const byWindows = budget.windows.filter((w) => w.windowMs <= minuteMs).map((w) => Math.floor((w.limit * minuteMs) / w.windowMs));
  return Math.min(byGap, ...byWindows);
}

/** What the scheduler has done, for metrics, tests and the bench. */
export interface WriteStats {
  written: Record<WritePriority, number>;
  /** Progress edits dropped (superseded, stale, aborted or rate limited). */
  dropped: number;
  /** Secondary (or primary) rate limits GitHub answered. */
  rateLimited: number;
  /** Answers that were waiting while a progress edit started. By design 0. */
  answersBehindProgress: number;
  /** The longest an answer waited in the queue, in ms. */
  longestAnswerWaitMs: number;
}

interface Job {
  priority: WritePriority;
  key: string | undefined;
  write: () => Promise<unknown>;
  settle: (result: { ok: true; value: unknown } | { ok: false; error: unknown } | { ok: 'dropped' }) => void;
  enqueuedAt: number;
  progressStartsAtEnqueue: number;
  retries: number;
}

export class WriteScheduler {
  readonly stats: WriteStats = {
    written: { answer: 0, comment: 0, progress: 0 },
    dropped: 0,
    rateLimited: 0,
    answersBehindProgress: 0,
    longestAnswerWaitMs: 0,
  };
  private readonly queues: Record<'answer' | 'comment', Job[]> = { answer: [], comment: [] };
  /** Waiting progress edits by comment key, oldest first (Map keeps insertion order). */
  private readonly progressQueue = new Map<string, Job>();
  /** Start times of recent writes, ascending, kept as long as the longest window. */
  private readonly starts: number[] = [];
  private lastStart = -Infinity;
  private pausedUntil = 0;
  private busy = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private progressStarts = 0;
  private readonly longestWindowMs: number;

  constructor(
    readonly budget: WriteBudget = GITHUB_WRITE_BUDGET,
    private readonly logger: Logger = silentLogger,
  ) {
    this.longestWindowMs = Math.max(0, ...budget.windows.map((w) => w.windowMs));
  }

  /**
   * Queues an answer or a new comment and resolves with the write's result.
   * Never dropped; a `key` (the comment it writes) drops a progress edit of
   * the same comment still waiting. Rejects with the write's own error, or
   * with GitHub's rate-limit error after `maxRateLimitRetries` retries.
   */
  submit<T>(priority: 'answer' | 'comment', write: () => Promise<T>, key?: string): Promise<T> {
    if (key !== undefined) this.dropProgress(key);
    return new Promise<T>((resolve, reject) => {
      this.enqueue({
        priority,
        key,
        write,
        settle: (r) => (r.ok === true ? resolve(r.value as T) : r.ok === false ? reject(r.error) : reject(new Error('unreachable: answers are never dropped'))),
        enqueuedAt: Date.now(),
        progressStartsAtEnqueue: this.progressStarts,
        retries: 0,
      });
    });
  }

  /**
   * Queues a progress edit of the comment `key`. Resolves true once written,
   * false when it was dropped: superseded by a newer edit or an answer of the
   * same comment, stale, aborted through `signal` before it started, or
   * refused by a rate limit. Rejects with the write's error otherwise.
   */
  progress(key: string, write: () => Promise<void>, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    this.dropProgress(key);
    return new Promise<boolean>((resolve, reject) => {
      const job: Job = {
        priority: 'progress',
        key,
        write,
        settle: (r) => {
          signal?.removeEventListener('abort', onAbort);
          if (r.ok === false) reject(r.error);
          else resolve(r.ok === true);
        },
        enqueuedAt: Date.now(),
        progressStartsAtEnqueue: this.progressStarts,
        retries: 0,
      };
      const onAbort = () => {
        if (this.progressQueue.get(key) === job) this.dropProgress(key);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.enqueue(job);
    });
  }

  /** Writes waiting, by priority (for metrics). */
  get waiting(): Record<WritePriority, number> {
    return { answer: this.queues.answer.length, comment: this.queues.comment.length, progress: this.progressQueue.size };
  }

  private enqueue(job: Job): void {
    if (job.priority === 'progress') this.progressQueue.set(job.key as string, job);
    else this.queues[job.priority].push(job);
    // A timer set for a progress edit may be later than a newcomer could go.
    this.rearm();
  }

  private dropProgress(key: string): void {
    const job = this.progressQueue.get(key);
    if (!job) return;
    this.progressQueue.delete(key);
    this.stats.dropped++;
    job.settle({ ok: 'dropped' });
  }

  private rearm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
  }

  private pump(): void {
    if (this.busy || this.timer) return;
    const now = Date.now();
    this.forget(now);
    for (const [key, job] of this.progressQueue) {
      if (now - job.enqueuedAt >= this.budget.progressStaleMs) this.dropProgress(key);
    }
    const job = this.queues.answer[0] ?? this.queues.comment[0] ?? this.progressQueue.values().next().value;
    if (!job) return;
    const at = this.earliestStart(job.priority, now);
    if (at > now) {
      // A waiting progress edit may go stale before it could start: wake up to drop it.
      const stale = job.priority === 'progress' ? job.enqueuedAt + this.budget.progressStaleMs : Infinity;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, Math.max(1, Math.min(at, stale) - now));
      return;
    }
    if (job.priority === 'progress') this.progressQueue.delete(job.key as string);
    else this.queues[job.priority].shift();
    this.start(job, now);
  }

  /** When a write of `priority` may start, given the pause, a rate-limit wait and every window. */
  private earliestStart(priority: WritePriority, now: number): number {
    let at = Math.max(now, this.lastStart + this.budget.minGapMs, this.pausedUntil);
    for (const w of this.budget.windows) {
      const cap = priority === 'progress' ? Math.floor(w.limit * (1 - this.budget.progressReserve)) : w.limit;
      const inWindow = this.starts.filter((t) => t > now - w.windowMs);
      if (cap <= 0) return Infinity;
      // The window has room once enough of its writes have aged out.
      if (inWindow.length >= cap) at = Math.max(at, (inWindow[inWindow.length - cap] as number) + w.windowMs);
    }
    return at;
  }

  private forget(now: number): void {
    while (this.starts.length && (this.starts[0] as number) <= now - this.longestWindowMs) this.starts.shift();
  }

  private start(job: Job, now: number): void {
    this.busy = true;
    this.lastStart = now;
    this.starts.push(now);
    if (job.priority === 'progress') this.progressStarts++;
    if (job.priority === 'answer') {
      if (this.progressStarts > job.progressStartsAtEnqueue) this.stats.answersBehindProgress++;
      this.stats.longestAnswerWaitMs = Math.max(this.stats.longestAnswerWaitMs, now - job.enqueuedAt);
    }
    job
      .write()
      .then(
        (value) => {
          this.stats.written[job.priority]++;
          job.settle({ ok: true, value });
        },
        (error: unknown) => this.failed(job, error),
      )
      .finally(() => {
        this.busy = false;
        this.pump();
      });
  }

  private failed(job: Job, error: unknown): void {
    if (!(error instanceof GitHubError && error.rateLimited)) {
      job.settle({ ok: false, error });
      return;
    }
    this.stats.rateLimited++;
    const seconds = error.retryAfterSeconds ?? this.budget.fallbackRetryAfterSeconds;
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + seconds * this.budget.retryAfterUnitMs);
    if (job.priority === 'progress') {
      this.stats.dropped++;
      job.settle({ ok: 'dropped' });
    } else if (job.retries < this.budget.maxRateLimitRetries && seconds <= (this.budget.maxRateLimitWaitSeconds ?? 900)) {
      job.retries++;
      this.logger.warn(`GitHub rate limited a write (${error.route}); all writes wait ${seconds} s, then this one goes first among its kind`, {
        retryAfter: seconds,
        attempt: job.retries,
      });
      this.queues[job.priority].unshift(job);
    } else {
      job.settle({ ok: false, error });
    }
  }
}
