import { describe, expect, it } from '@jest/globals';
import { GitHubError } from '../../src/github/errors.js';
import { burstWritesPerMinute, GITHUB_WRITE_BUDGET, scaleBudget, WriteScheduler, type WriteBudget } from '../../src/github/write-scheduler.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A budget whose only limits are the ones a test sets. */
function budget(over: Partial<WriteBudget> = {}): WriteBudget {
  return { ...GITHUB_WRITE_BUDGET, windows: [], minGapMs: 0, progressStaleMs: 10_000, retryAfterUnitMs: 10, ...over };
}

/** Writes that record when they start and finish after `ms`. */
function recorder(ms = 5) {
  const started: { name: string; at: number }[] = [];
  const write = (name: string) => async () => {
    started.push({ name, at: Date.now() });
    await sleep(ms);
    return name;
  };
  return { started, write, names: () => started.map((s) => s.name) };
}

describe('WriteScheduler', () => {
  it('sends waiting answers first, then new comments, then progress edits, one write at a time', async () => {
    const s = new WriteScheduler(budget());
    const r = recorder(20);
    const all: Promise<unknown>[] = [s.submit('comment', r.write('first'))];
    all.push(s.progress('c1', async () => void (await r.write('progress c1')())));
    all.push(s.submit('comment', r.write('comment')));
    all.push(s.progress('c2', async () => void (await r.write('progress c2')())));
    all.push(s.submit('answer', r.write('answer')));
    await Promise.all(all);
    expect(r.names()).toEqual(['first', 'answer', 'comment', 'progress c1', 'progress c2']);
    for (let i = 1; i < r.started.length; i++) expect(r.started[i]!.at - r.started[i - 1]!.at).toBeGreaterThanOrEqual(19);
    expect(s.stats.answersBehindProgress).toBe(0);
    expect(s.stats.written).toEqual({ answer: 1, comment: 2, progress: 2 });
  });

  it('keeps the pause between writes and never starts more than a window allows', async () => {
    const s = new WriteScheduler(budget({ minGapMs: 15, windows: [{ limit: 4, windowMs: 200 }] }));
    const r = recorder(1);
    await Promise.all(Array.from({ length: 7 }, (_, i) => s.submit('answer', r.write(`a${i}`))));
    const at = r.started.map((x) => x.at);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(14);
    // The fifth write waits until the first has left the 200 ms window.
    expect(at[4]! - at[0]!).toBeGreaterThanOrEqual(199);
    // A write notes its start a moment after the scheduler stamped it (the clock can turn over, or a GC run, in
    // between): a write's own stamp may be a few ms late, never early, so windows are counted with that slack.
    const STAMP_SLACK_MS = 5;
    for (const t of at) expect(at.filter((u) => u >= t && u < t + 200 - STAMP_SLACK_MS).length).toBeLessThanOrEqual(4);
  });

  it('coalesces progress edits of one comment to the newest body, and drops it for an answer to that comment', async () => {
    const s = new WriteScheduler(budget());
    const r = recorder(20);
    const busy = s.submit('comment', r.write('busy'));
    const edits = [1, 2, 3].map((n) => s.progress('c1', async () => void (await r.write(`c1 v${n}`)())));
    const other = s.progress('c2', async () => void (await r.write('c2 v1')()));
    await busy;
    expect(await Promise.all(edits)).toEqual([false, false, true]);
    expect(await other).toBe(true);
    expect(r.names()).toEqual(['busy', 'c1 v3', 'c2 v1']);

    const busy2 = s.submit('comment', r.write('busy 2'));
    const stale = s.progress('c1', async () => void (await r.write('c1 v4')()));
    const answer = s.submit('answer', r.write('c1 answer'), 'c1');
    await Promise.all([busy2, answer]);
    expect(await stale).toBe(false);
    expect(r.names().slice(3).sort()).toEqual(['busy 2', 'c1 answer']);
    expect(s.stats.dropped).toBe(3);
  });

  it('leaves a reserve of each window to answers: progress waits for room, an answer does not', async () => {
    const s = new WriteScheduler(budget({ windows: [{ limit: 4, windowMs: 300 }], progressReserve: 0.5 }));
    const r = recorder(1);
    await s.submit('comment', r.write('c'));
    await s.submit('comment', r.write('c'));
    const edit = s.progress('p', async () => void (await r.write('progress')()));
    await sleep(30);
    await s.submit('answer', r.write('answer'));
    expect(r.names()).toEqual(['c', 'c', 'answer']);
    expect(await edit).toBe(true);
    // Two of four writes in the window were the comments: progress waits until the first leaves it.
    expect(r.started[3]!.at - r.started[0]!.at).toBeGreaterThanOrEqual(299);
  });

  it('drops a progress edit that waited past progressStaleMs, and one aborted before it started', async () => {
    const s = new WriteScheduler(budget({ windows: [{ limit: 2, windowMs: 10_000 }], progressReserve: 0.5, progressStaleMs: 80 }));
    const r = recorder(1);
    await s.submit('comment', r.write('c'));
    const t0 = Date.now();
    expect(await s.progress('p', async () => void (await r.write('never')()))).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(79);
    expect(Date.now() - t0).toBeLessThan(2000);

    const controller = new AbortController();
    const aborted = s.progress('q', async () => void (await r.write('never either')()), controller.signal);
    controller.abort();
    expect(await aborted).toBe(false);
    expect(r.names()).toEqual(['c']);
    expect(s.stats.dropped).toBe(2);
  });

  it('after a secondary rate limit, pauses every write for retry-after, retries the answer first and drops the progress edit', async () => {
    const s = new WriteScheduler(budget({ retryAfterUnitMs: 50 }));
    const order: { name: string; at: number }[] = [];
    let limited = 0;
    const limitedOnce = (name: string) => async () => {
      order.push({ name, at: Date.now() });
      if (name === 'answer' && limited++ === 0) {
        throw new GitHubError({ status: 403, route: 'PATCH /x', githubMessage: 'You have exceeded a secondary rate limit', rateLimited: true, retryAfterSeconds: 2 });
      }
      await sleep(1);
      return name;
    };
    const answer = s.submit('answer', limitedOnce('answer'));
    const comment = s.submit('comment', limitedOnce('comment'));
    const progressLimited = s.progress('p', async () => {
      order.push({ name: 'progress', at: Date.now() });
      throw new GitHubError({ status: 403, route: 'PATCH /y', githubMessage: 'secondary rate limit', rateLimited: true, retryAfterSeconds: 1 });
    });
    expect(await answer).toBe('answer');
    expect(await comment).toBe('comment');
    expect(await progressLimited).toBe(false);
    expect(order.map((o) => o.name)).toEqual(['answer', 'answer', 'comment', 'progress']);
    expect(order[1]!.at - order[0]!.at).toBeGreaterThanOrEqual(99);
    expect(s.stats.rateLimited).toBe(2);
  });

  it('gives the caller the error after maxRateLimitRetries, and other errors at once', async () => {
    const s = new WriteScheduler(budget({ retryAfterUnitMs: 1, maxRateLimitRetries: 2 }));
    let calls = 0;
    const limited = new GitHubError({ status: 429, route: 'POST /x', rateLimited: true, retryAfterSeconds: 1 });
    await expect(
      s.submit('answer', async () => {
        calls++;
        throw limited;
      }),
    ).rejects.toBe(limited);
    expect(calls).toBe(3);
    const notFound = new GitHubError({ status: 404, route: 'PATCH /x' });
    await expect(s.submit('answer', () => Promise.reject(notFound))).rejects.toBe(notFound);
  });

  it('derives the burst budget from GitHub\'s numbers: one write a second bounds it below 80 a minute', () => {
    expect(burstWritesPerMinute(GITHUB_WRITE_BUDGET)).toBe(60);
    expect(burstWritesPerMinute(scaleBudget(GITHUB_WRITE_BUDGET, 0.1), 6000)).toBe(60);
    expect(burstWritesPerMinute({ ...GITHUB_WRITE_BUDGET, minGapMs: 500 })).toBe(80);
  });
});
