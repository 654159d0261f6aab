import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';
import { octokitRetryOptions, overInstanceOptions, type RetrySettings } from '../../src/github/octokit-options.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { recordingLogger } from './support.js';

const Throttled = Octokit.plugin(throttling, retry);

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await FakeGitHub.start();
  fake.addIssue('o', 'r', { number: 1 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.clearFaults();
  fake.requests.length = 0;
});

/** The entries' options, with GitHub's seconds shortened to milliseconds so the test is quick. */
function build(settings?: RetrySettings) {
  const logger = recordingLogger();
  const options = octokitRetryOptions(logger, settings);
  const octokit = new Throttled({
    auth: fake.token,
    baseUrl: fake.url,
    throttle: { ...options.throttle, retryAfterBaseValue: 1 },
    retry: { ...options.retry, retryAfterBaseValue: 1 },
  });
  return { octokit, logger };
}

const secondary = { status: 403, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, headers: { 'retry-after': '3' } };

describe('octokitRetryOptions', () => {
  it('retries a secondary rate limit with the wait GitHub asked for, and says so', async () => {
    const { octokit, logger } = build();
    fake.failNext({ path: '/repos/o/r/issues/1' }, secondary);
    const res = await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { owner: 'o', repo: 'r', issue_number: 1 });
    expect(res.status).toBe(200);
    expect(fake.requests.map((r) => r.status)).toEqual([403, 200]);
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/secondary rate limit .*retrying in 3 s \(retry 1 of 2\)/) as unknown }),
    ]);
  });

  it('gives up after two retries', async () => {
    const { octokit, logger } = build();
    fake.failNext({ path: '/repos/o/r/issues/1' }, secondary, 5);
    const err = (await octokit.request('GET /repos/o/r/issues/1').catch((e: unknown) => e)) as { status: number };
    expect(err.status).toBe(403);
    expect(fake.requests).toHaveLength(3);
    // Giving up is debug: the request's error says it to whoever reports it (one problem, one error line).
    expect(logger.lines.map((l) => l.level)).toEqual(['warn', 'warn', 'debug']);
  });

  it('retries a primary rate limit until the reset', async () => {
    const { octokit } = build();
    const reset = String(Math.floor(Date.now() / 1000));
    fake.failNext({ path: '/repos/o/r/issues/1' }, { status: 403, body: { message: 'API rate limit exceeded' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } });
    await octokit.request('GET /repos/o/r/issues/1');
    expect(fake.requests.map((r) => r.status)).toEqual([403, 200]);
  });

  it('leaves a write refused by a secondary rate limit to the write scheduler instead of holding it', async () => {
    const { octokit, logger } = build();
    fake.failNext({ method: 'PATCH', path: '/repos/o/r/issues/comments/1' }, secondary);
    const err = (await octokit.request('PATCH /repos/o/r/issues/comments/1', { body: 'x' }).catch((e: unknown) => e)) as { status: number };
    expect(err.status).toBe(403);
    expect(fake.requests).toHaveLength(1);
    expect(logger.lines[0]?.msg).toMatch(/secondary rate limit on PATCH .*left to the write scheduler/);
  });

  it('does not wait longer than maxWaitSeconds', async () => {
    const { octokit, logger } = build({ maxWaitSeconds: 60 });
    fake.failNext({ path: '/repos/o/r/issues/1' }, { ...secondary, headers: { 'retry-after': '3600' } });
    const err = (await octokit.request('GET /repos/o/r/issues/1').catch((e: unknown) => e)) as { status: number };
    expect(err.status).toBe(403);
    expect(fake.requests).toHaveLength(1);
    expect(logger.lines[0]?.msg).toMatch(/giving up \(asked to wait 3600 s/);
  });

  it('lets plugin-retry retry reads, but never re-posts a comment blindly', async () => {
    const { octokit } = build();
    const port = createOctokitPort(octokit, { botLogin: fake.botLogin, createRetryDelayMs: 1 });

    fake.failNext({ method: 'GET', path: '/repos/o/r/issues/1' }, { status: 502 });
    expect((await port.getIssue('o', 'r', 1)).number).toBe(1);
    expect(fake.requests.map((r) => r.status)).toEqual([502, 200]);

    // GitHub created the comment but answered 502: plugin-retry would post it again.
    fake.failNext({ method: 'POST', path: '/repos/o/r/issues/1/comments' }, { status: 502, after: true });
    const ref = await port.createComment({ kind: 'issue', owner: 'o', repo: 'r', number: 1 }, 'the answer');
    expect(fake.requestsTo({ method: 'POST' })).toHaveLength(1);
    expect(fake.comments('o', 'r', 1).map((c) => c.id)).toEqual([ref.id]);
  });
});

describe('overInstanceOptions', () => {
  it("lays our handlers over an instance's throttle and keeps the rest of it (Probot's enabled, per-installation id, Redis connection)", () => {
    const ours = octokitRetryOptions(recordingLogger());
    // Stands for Probot's Bottleneck.IORedisConnection: only its identity matters here.
    const connection = { redis: 'the connection' } as unknown as ThrottlingOptions['connection'];
    const probots: Partial<ThrottlingOptions> = { enabled: true, id: '4242', connection, onRateLimit: () => true, onSecondaryRateLimit: () => true };
    const merged = overInstanceOptions(ours)({ baseUrl: 'https://ghe.example', throttle: probots, retry: { doNotRetry: [429] } });
    expect(merged.baseUrl).toBe('https://ghe.example');
    expect(merged.throttle).toEqual({ ...probots, onRateLimit: ours.throttle.onRateLimit, onSecondaryRateLimit: ours.throttle.onSecondaryRateLimit });
    expect(merged.throttle?.connection).toBe(connection);
    expect(merged.retry).toEqual({ doNotRetry: [429] });
  });
});
