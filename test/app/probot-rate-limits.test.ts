/**
 * The App's Octokits (Probot's, as the job worker gets them) handle GitHub's
 * rate limits with our handlers (octokit-options.ts), not Probot's own:
 * reads retried at most `maxRateLimitRetries` times, writes' secondary limits
 * left to the write scheduler with our log line (issue 10). Probot hands each
 * Octokit its own `throttle` object, which once replaced ours whole.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Logger as PinoLogger } from 'probot';
import { createProbot, installationPorts } from '../../src/app/probot.js';
import { scaleBudget, GITHUB_WRITE_BUDGET } from '../../src/github/write-scheduler.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { primaryRateLimit, secondaryRateLimit } from '../fakes/rate-limit-faults.js';
import { appSettings, INSTALLATION, OWNER, REPO } from './harness.js';

interface PinoLine {
  level: string;
  msg: string;
}

/** A pino-shaped logger that keeps the lines it is given (Probot and Octokit use only these methods). */
function recordingPino(lines: PinoLine[]): PinoLogger {
  const at = (level: string) => (first: unknown, second?: unknown) => {
    lines.push({ level, msg: typeof first === 'string' ? first : String(second ?? '') });
  };
  const log = {
    level: 'debug',
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    child: () => log,
  };
  return log as unknown as PinoLogger;
}

const ISSUE = `/repos/${OWNER}/${REPO}/issues/1`;

describe("the App's Octokit under GitHub's rate limits", () => {
  let github: FakeGitHub;
  let lines: PinoLine[];
  beforeAll(async () => {
    github = await FakeGitHub.start();
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
    github.addIssue(OWNER, REPO, { number: 1 });
  });
  afterAll(async () => {
    await github.close();
  });
  beforeEach(() => {
    github.clearFaults();
    github.requests.length = 0;
    lines = [];
  });

  // GitHub's seconds are milliseconds here, so waits GitHub asks for (and plugin-throttling's 60 s fallback for a retry-after of 0) stay short.
  const app = async () =>
    createProbot(appSettings({ url: 'http://127.0.0.1:9' }, github), { log: recordingPino(lines), rateLimits: { retryAfterUnitMs: 1 } });
  const installationOctokit = async () => {
    const { probot } = await app();
    return probot.auth(INSTALLATION);
  };
  const ours = (pattern: RegExp) => lines.filter((l) => pattern.test(l.msg));

  it('retries a read refused by a secondary rate limit (retry-after 0), and says so', async () => {
    const octokit = await installationOctokit();
    github.failNext({ method: 'GET', path: ISSUE }, secondaryRateLimit('0'));
    const res = await octokit.request(`GET ${ISSUE}`);
    expect(res.status).toBe(200);
    expect(github.requestsTo({ path: ISSUE }).map((r) => r.status)).toEqual([403, 200]);
    expect(ours(/^GitHub secondary rate limit on GET .*retrying in \d+ s \(retry 1 of 2\)$/)).toHaveLength(1);
  });

  it('retries a read at most maxRateLimitRetries (2) times, then fails with the 403', async () => {
    const octokit = await installationOctokit();
    github.failNext({ method: 'GET', path: ISSUE }, secondaryRateLimit('0'), 5);
    const err = (await octokit.request(`GET ${ISSUE}`).catch((e: unknown) => e)) as { status: number };
    expect(err.status).toBe(403);
    expect(github.requestsTo({ path: ISSUE })).toHaveLength(3);
  });

  it('retries a read refused by a primary rate limit as our handler says: twice, not more', async () => {
    const octokit = await installationOctokit();
    github.failNext({ method: 'GET', path: ISSUE }, primaryRateLimit());
    expect((await octokit.request(`GET ${ISSUE}`)).status).toBe(200);
    expect(github.requestsTo({ path: ISSUE }).map((r) => r.status)).toEqual([403, 200]);
    expect(ours(/^GitHub rate limit on GET .*retrying in 0 s \(retry 1 of 2\)$/)).toHaveLength(1);

    github.requests.length = 0;
    github.failNext({ method: 'GET', path: ISSUE }, primaryRateLimit(), 3);
    const err = (await octokit.request(`GET ${ISSUE}`).catch((e: unknown) => e)) as { status: number };
    expect(err.status).toBe(403);
    // Probot's own handler retries while retryCount <= 2: a fourth request, which would succeed.
    expect(github.requestsTo({ path: ISSUE })).toHaveLength(3);
  });

  it('does not wait out a primary rate limit that resets in an hour: the read fails now (maxWaitSeconds 900)', async () => {
    const octokit = await installationOctokit();
    github.failNext({ method: 'GET', path: ISSUE }, primaryRateLimit(Math.floor(Date.now() / 1000) + 3600));
    const err = (await octokit.request(`GET ${ISSUE}`).catch((e: unknown) => e)) as { status: number };
    expect(err.status).toBe(403);
    expect(github.requestsTo({ path: ISSUE })).toHaveLength(1);
    expect(ours(/^GitHub rate limit on GET .*giving up \(asked to wait 360\d s after 0 retries\)$/)).toHaveLength(1);
  });

  it("does not retry a write refused by a secondary rate limit: that is the write scheduler's, and the line says so", async () => {
    const octokit = await installationOctokit();
    const comment = github.addComment(OWNER, REPO, 1, { body: 'progress', user: github.botLogin });
    const path = `/repos/${OWNER}/${REPO}/issues/comments/${comment.id}`;
    github.failNext({ method: 'PATCH', path }, secondaryRateLimit('0'));
    const err = (await octokit.request(`PATCH ${path}`, { body: 'x' }).catch((e: unknown) => e)) as { status: number };
    expect(err.status).toBe(403);
    expect(github.requestsTo({ method: 'PATCH', path })).toHaveLength(1);
    expect(ours(/^GitHub secondary rate limit on PATCH .*left to the write scheduler/)).toHaveLength(1);
  });

  it("through the installation's port: the write scheduler, not Octokit, writes the answer again after the limit", async () => {
    const { probot, logger } = await app();
    const port = await installationPorts(probot, { logger, writeBudget: scaleBudget(GITHUB_WRITE_BUDGET, 0.001) })(INSTALLATION);
    const comment = github.addComment(OWNER, REPO, 1, { body: 'progress', user: github.botLogin });
    const path = `/repos/${OWNER}/${REPO}/issues/comments/${comment.id}`;
    github.failNext({ method: 'PATCH', path }, secondaryRateLimit('0'));
    await port.updateComment({ kind: 'issue', owner: OWNER, repo: REPO, id: comment.id, url: '' }, 'the answer');
    expect(github.requestsTo({ method: 'PATCH', path }).map((r) => r.status)).toEqual([403, 200]);
    expect(github.comments(OWNER, REPO, 1).find((c) => c.id === comment.id)?.body).toBe('the answer');
    // Octokit handed the 403 straight back (our line), and the scheduler wrote again.
    expect(ours(/^GitHub secondary rate limit on PATCH .*left to the write scheduler/)).toHaveLength(1);
    expect(ours(/retrying in/)).toEqual([]);
  });
});

