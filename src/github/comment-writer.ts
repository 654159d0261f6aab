/**
 * One progress comment, created once and edited in place.
 *
 * Progress arrives in bursts (every stream event may re-render the comment)
 * and GitHub's secondary rate limits punish bursts of writes, so `update`
 * only records the wanted body; at most one PATCH per `minIntervalMs` sends
 * the latest one. `flush` writes the final body right away, after any write
 * already under way, and from then on progress updates are ignored, so the
 * answer is never overwritten by a late progress render.
 *
 * Writes say what they are for (`progress`, `comment`, `answer`), so that a
 * port spending an installation's write budget (budgeted-port.ts) sends the
 * answer first and may drop a progress edit; a dropped edit is not retried.
 */
import { GitHubError } from './errors.js';
import type { CommentRef, GitHubPort, Thread } from './port.js';
import { silentLogger, type Logger } from '../logger.js';

export interface CommentWriterOptions {
  /** Least time between two progress writes; default 3000 ms. */
  minIntervalMs?: number | (() => number);
  /** Attempts at the final write before `flush` throws; default 4. */
  finalAttempts?: number;
  /** First pause between final-write attempts, doubled each time; default 1000 ms. */
  finalBackoffMs?: number;
  logger?: Logger;
}

/** Longest rate-limit wait worth a backoff retry of the final write; the backoff itself lasts seconds. */
const MAX_FINAL_WAIT_SECONDS = 60;

export class CommentWriter {
  private lastSent: string;
  private pending: string | undefined;
  private inFlight: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastWriteAt = 0;
  private finished = false;
  private finalChain: Promise<unknown> = Promise.resolve();
  /** Aborted at the final write: a progress edit still queued behind the write budget is dropped, not waited for. */
  private readonly progressAbort = new AbortController();
  private readonly minIntervalMs: () => number;
  private readonly finalAttempts: number;
  private readonly finalBackoffMs: number;
  private readonly logger: Logger;

  /**
   * Posts the comment now and returns its writer. Throws when the comment
   * cannot be posted, so the caller knows there is no comment to edit.
   */
  static async start(port: GitHubPort, thread: Thread, body: string, options: CommentWriterOptions = {}): Promise<CommentWriter> {
    const ref = await port.createComment(thread, body, { priority: 'comment' });
    const writer = new CommentWriter(port, ref, body, thread, options);
    writer.lastWriteAt = Date.now();
    return writer;
  }

  /**
   * A writer for a comment posted earlier (a resumed run, a follow-up in the
   * same thread). With `thread`, a final answer whose comment was deleted
   * meanwhile is posted as a new comment instead of being lost.
   */
  static resume(port: GitHubPort, ref: CommentRef, options: CommentWriterOptions & { lastBody?: string; thread?: Thread } = {}): CommentWriter {
    const writer = new CommentWriter(port, ref, options.lastBody, options.thread, options);
    // The comment already shows the run; after a restart with many runs at
    // once, their first edits must not crowd out the answers that are due.
    writer.lastWriteAt = Date.now();
    return writer;
  }

  private constructor(
    private readonly port: GitHubPort,
    private currentRef: CommentRef,
    lastBody: string | undefined,
    private readonly thread: Thread | undefined,
    options: CommentWriterOptions,
  ) {
    // An unknown previous body (undefined) never equals a string: the first write always goes out.
    this.lastSent = lastBody ?? '\u0000unknown';
    const interval = options.minIntervalMs ?? 3000;
    this.minIntervalMs = typeof interval === 'number' ? () => interval : interval;
    this.logger = options.logger ?? silentLogger;
    this.finalAttempts = Math.max(1, options.finalAttempts ?? 4);
    this.finalBackoffMs = options.finalBackoffMs ?? 1000;
  }

  /** The comment being written; it changes only if a deleted comment had to be re-posted. */
  get ref(): CommentRef {
    return this.currentRef;
  }

  /** Asks for the comment to show `body`; written within `minIntervalMs`, unless a newer body comes first. */
  update(body: string): void {
    if (this.finished) {
      this.logger.debug('Ignoring a progress update after the final write');
      return;
    }
    this.pending = body;
    this.schedule();
  }

  /**
   * Writes the final body: drops any progress still waiting, waits for a
   * write under way, then writes, retrying transient failures with backoff.
   * Calls are serialised; the last one's body is what stays.
   */
  flush(finalBody: string): Promise<CommentRef> {
    this.finished = true;
    this.pending = undefined;
    this.progressAbort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const done = this.finalChain.then(async () => {
      await this.inFlight;
      await this.writeFinal(finalBody);
      return this.currentRef;
    });
    this.finalChain = done.catch(() => undefined);
    return done;
  }

  /**
   * Stops without a final write: drops progress still waiting and lets a
   * write under way finish. For shutting down with the run left to resume,
   * when the comment must stay as it is and no timer may keep the process up.
   */
  async abandon(): Promise<void> {
    this.finished = true;
    this.pending = undefined;
    this.progressAbort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Resolves once no progress write is waiting or under way (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.inFlight || this.timer) {
      if (this.inFlight) await this.inFlight;
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private schedule(): void {
    if (this.timer || this.inFlight || this.pending === undefined) return;
    const wait = Math.max(0, this.lastWriteAt + this.minIntervalMs() - Date.now());
    this.timer = setTimeout(() => this.tick(), wait);
  }

  private tick(): void {
    this.timer = undefined;
    const body = this.pending;
    this.pending = undefined;
    if (this.finished || body === undefined || body === this.lastSent) return;
    this.lastWriteAt = Date.now();
    this.inFlight = this.port
      .updateComment(this.currentRef, body, { priority: 'progress', signal: this.progressAbort.signal })
      .then(() => {
        this.lastSent = body;
      })
      .catch((err: unknown) => {
        this.logger.warn('Updating the progress comment failed; retrying at the next tick', { error: describeError(err) });
        // Retry this body unless a newer one arrived meanwhile.
        this.pending ??= body;
      })
      .finally(() => {
        this.inFlight = undefined;
        if (!this.finished) this.schedule();
      });
  }

  private async writeFinal(body: string): Promise<void> {
    if (body === this.lastSent) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.port.updateComment(this.currentRef, body, { priority: 'answer' });
        this.lastSent = body;
        return;
      } catch (err) {
        // GitHub's own 404 to the edit (a 404 to the installation token asked for first says nothing about the comment).
        if (err instanceof GitHubError && err.answered(404) && this.thread) {
          // Someone deleted the progress comment: the answer still has to land.
          this.logger.warn('The progress comment is gone; posting the answer as a new comment');
          this.currentRef = await this.port.createComment(this.thread, body, { priority: 'answer' });
          this.lastSent = body;
          return;
        }
        const transient = !(err instanceof GitHubError) || err.retryable;
        // A primary rate limit that resets in minutes (Octokit's throttling already declined to wait) will not lift during our backoff.
        const longLimit = err instanceof GitHubError && err.rateLimited && (err.retryAfterSeconds ?? 0) > MAX_FINAL_WAIT_SECONDS;
        if (!transient || longLimit || attempt >= this.finalAttempts) throw err;
        const wait = this.finalBackoffMs * 2 ** (attempt - 1);
        this.logger.warn(`Writing the final comment failed; retrying in ${wait} ms`, { attempt, error: describeError(err) });
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
