/**
 * The Action's Octokit (connectGitHub: @actions/github's getOctokit with
 * plugin-retry and plugin-throttling) meets GitHub's rate limits with our
 * handlers (octokit-options.ts). Issue 10 found the App's Probot replacing
 * them; getOctokit passes `throttle` straight to the constructor, so the
 * Action keeps them: this holds it there.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { connectGitHub } from '../../src/action/clients.js';
import type { ActionInputs } from '../../src/action/inputs.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { primaryRateLimit, secondaryRateLimit } from '../fakes/rate-limit-faults.js';
import { recordingLogger } from '../github/support.js';

const OWNER = 'o';
const REPO = 'r';
const ISSUE = `/repos/${OWNER}/${REPO}/issues/1`;

describe("the Action's Octokit under GitHub's rate limits", () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await FakeGitHub.start({ botLogin: 'github-actions[bot]' });
    github.addRepo(OWNER, REPO);
    github.addIssue(OWNER, REPO, { number: 1 });
  });
  afterAll(async () => {
    await github.close();
  });
  beforeEach(() => {
    github.clearFaults();
    github.requests.length = 0;
  });

  const connect = async () => {
    const logger = recordingLogger();
    const inputs: ActionInputs = {
      coderUrl: 'http://127.0.0.1:9',
      coderToken: 'unused',
      githubToken: github.token,
      botLogin: github.botLogin,
      agent: { triggerPhrase: '/agent', allowedBots: [], timeoutMs: 60_000, wait: true, comment: true },
    };
    const { github: port } = await connectGitHub(inputs, { GITHUB_API_URL: github.url }, logger, false);
    return { port, lines: logger.lines };
  };

  // GitHub's smallest retry-after the Action takes without waiting a minute: plugin-throttling reads 0 as "none given" (60 s).
  it('retries a read refused by a secondary rate limit, and says so', async () => {
    const { port, lines } = await connect();
    github.failNext({ method: 'GET', path: ISSUE }, secondaryRateLimit('1'));
    expect((await port.getIssue(OWNER, REPO, 1)).number).toBe(1);
    expect(github.requestsTo({ path: ISSUE }).map((r) => r.status)).toEqual([403, 200]);
    expect(lines.filter((l) => /^GitHub secondary rate limit on GET .*retrying in 1 s \(retry 1 of 2\)$/.test(l.msg))).toHaveLength(1);
  });

  it('retries a read refused by a primary rate limit twice, not more', async () => {
    const { port } = await connect();
    github.failNext({ method: 'GET', path: ISSUE }, primaryRateLimit(), 3);
    await expect(port.getIssue(OWNER, REPO, 1)).rejects.toMatchObject({ status: 403 });
    expect(github.requestsTo({ path: ISSUE })).toHaveLength(3);
  });

  it("leaves a write's secondary rate limit to the write scheduler, which writes the answer again", async () => {
    const { port, lines } = await connect();
    const comment = github.addComment(OWNER, REPO, 1, { body: 'progress', user: github.botLogin });
    const path = `/repos/${OWNER}/${REPO}/issues/comments/${comment.id}`;
    github.failNext({ method: 'PATCH', path }, secondaryRateLimit('1'));
    await port.updateComment({ kind: 'issue', owner: OWNER, repo: REPO, id: comment.id, url: '' }, 'the answer');
    expect(github.requestsTo({ method: 'PATCH', path }).map((r) => r.status)).toEqual([403, 200]);
    expect(github.comments(OWNER, REPO, 1).find((c) => c.id === comment.id)?.body).toBe('the answer');
    expect(lines.filter((l) => /^GitHub secondary rate limit on PATCH .*left to the write scheduler/.test(l.msg))).toHaveLength(1);
    expect(lines.filter((l) => /retrying in/.test(l.msg))).toEqual([]);
  });
});
