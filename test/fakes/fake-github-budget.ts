/**
 * GitHub's write budget as the fake enforces it, per installation: the
 * documented secondary rate limits on content-generating requests (80 a
 * minute, 500 an hour; https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits),
 * and bursts against the advice to send mutative requests serially, a second
 * apart (best practices for using the REST API): more than two writes within
 * one second. Two, not one: a client that starts each write a second after
 * the previous one started, and only once it was answered, may still see two
 * arrive closer together when the first was slow on the wire, never three.
 * A write over the budget is refused as GitHub refuses it:
 * 403, "You have exceeded a secondary rate limit", `retry-after` in seconds.
 * Time can be scaled (`secondMs`) so tests need not wait minutes.
 */
import type { Reply } from './fake-github-routes.js';

export interface FakeWriteBudgetOptions {
  /** Sliding windows of accepted writes; default 2 a second, GitHub's 80 a minute and 500 an hour, scaled by `secondMs`. */
  windows?: { limit: number; seconds: number }[];
  /** Milliseconds per second; default 1000. 100 runs GitHub's clock ten times faster. */
  secondMs?: number;
}

const MESSAGE = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID FAKE.';
const DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';

export class FakeWriteBudget {
  /** Writes refused with a secondary rate limit, per installation. */
  readonly refused = new Map<number, number>();
  /** Writes accepted, per installation. */
  readonly accepted = new Map<number, number>();
  private readonly windows: { limit: number; ms: number }[];
  private readonly secondMs: number;
  private readonly history = new Map<number, number[]>();

  constructor(options: FakeWriteBudgetOptions = {}) {
    this.secondMs = options.secondMs ?? 1000;
    const windows = options.windows ?? [
      { limit: 2, seconds: 1 },
      { limit: 80, seconds: 60 },
      { limit: 500, seconds: 3600 },
    ];
    this.windows = windows.map((w) => ({ limit: w.limit, ms: w.seconds * this.secondMs }));
  }

  /** Whether `method` on `path` spends the budget: every mutative request but the token exchange. */
  static counts(method: string, path: string): boolean {
    return method !== 'GET' && method !== 'HEAD' && !/^\/app\/installations\/[^/]+\/access_tokens$/.test(path);
  }

  /** Records a write of `installationId` at `now`, or returns the 403 GitHub would answer instead. */
  admit(installationId: number, now: number): Reply | undefined {
    const past = this.history.get(installationId) ?? [];
    const longest = Math.max(...this.windows.map((w) => w.ms));
    while (past.length && (past[0] as number) <= now - longest) past.shift();
    let waitMs = 0;
    for (const w of this.windows) {
      const inWindow = past.filter((t) => t > now - w.ms);
      if (inWindow.length >= w.limit) waitMs = Math.max(waitMs, (inWindow[inWindow.length - w.limit] as number) + w.ms - now);
    }
    if (waitMs > 0) {
      this.refused.set(installationId, (this.refused.get(installationId) ?? 0) + 1);
      const retryAfter = String(Math.max(1, Math.ceil(waitMs / this.secondMs)));
      return { status: 403, json: { message: MESSAGE, documentation_url: DOCS, status: '403' }, headers: { 'retry-after': retryAfter } };
    }
    past.push(now);
    this.history.set(installationId, past);
    this.accepted.set(installationId, (this.accepted.get(installationId) ?? 0) + 1);
    return undefined;
  }
}
