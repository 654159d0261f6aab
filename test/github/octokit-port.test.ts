import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { GitHubError } from '../../src/github/errors.js';
import { createOctokitPort, type OctokitLike } from '../../src/github/octokit-port.js';
import { commentRefOf, type GitHubPort, type Thread } from '../../src/github/port.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { octokitFor } from './support.js';

let fake: FakeGitHub;
let port: GitHubPort;
let owner: string;
let n = 0;

beforeAll(async () => {
  fake = await FakeGitHub.start({ writers: ['writer'] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  // A fresh repository per test keeps state from leaking between tests.
  owner = `o${++n}`;
  fake.addRepo(owner, 'r');
  fake.clearFaults();
  port = createOctokitPort(octokitFor(fake), { botLogin: fake.botLogin, createRetryDelayMs: 5 });
});

const issueThread = (number: number): Thread => ({ kind: 'issue', owner, repo: 'r', number });

describe('reactions', () => {
  it('reacts to an issue comment, a review comment and the issue itself, as the bot', async () => {
    const pr = fake.addPullRequest(owner, 'r');
    const comment = fake.addComment(owner, 'r', pr.number, { body: '/agent hi' });
    const review = fake.addReviewComment(owner, 'r', pr.number, { body: '/agent here' });

    await port.addReaction({ kind: 'issue-comment', owner, repo: 'r', commentId: comment.id }, 'eyes');
    await port.addReaction({ kind: 'review-comment', owner, repo: 'r', commentId: review.id }, 'rocket');
    await port.addReaction({ kind: 'issue', owner, repo: 'r', number: pr.number }, '+1');

    const got = fake.reactions(owner, 'r').map((r) => [r.target.kind, r.target.id, r.content, r.user.login]);
    expect(got).toEqual([
      ['issue-comment', comment.id, 'eyes', fake.botLogin],
      ['review-comment', review.id, 'rocket', fake.botLogin],
      ['issue', pr.number, '+1', fake.botLogin],
    ]);
  });

  it('reacting twice keeps one reaction', async () => {
    const issue = fake.addIssue(owner, 'r');
    const comment = fake.addComment(owner, 'r', issue.number, { body: 'x' });
    const target = { kind: 'issue-comment' as const, owner, repo: 'r', commentId: comment.id };
    await port.addReaction(target, 'confused');
    await port.addReaction(target, 'confused');
    expect(fake.reactions(owner, 'r')).toHaveLength(1);
  });
});

describe('beforeSend (the port contract the App\'s lease check relies on)', () => {
  it('every write awaits it first, and sends nothing when it rejects', async () => {
    const issue = fake.addIssue(owner, 'r');
    const comment = fake.addComment(owner, 'r', issue.number, { body: 'x' });
    const before = fake.requests.length;
    const refuse = { beforeSend: () => Promise.reject(new Error('lease lost')) };
    await expect(port.createComment(issueThread(issue.number), 'late answer', refuse)).rejects.toThrow('lease lost');
    await expect(port.updateComment({ owner, repo: 'r', kind: 'issue', id: comment.id, url: 'u' }, 'late edit', refuse)).rejects.toThrow('lease lost');
    await expect(port.addReaction({ kind: 'issue', owner, repo: 'r', number: issue.number }, 'eyes', refuse)).rejects.toThrow('lease lost');
    expect(fake.requests.slice(before)).toEqual([]);

    const order: string[] = [];
    await port.createComment(issueThread(issue.number), 'on time', { beforeSend: async () => void order.push(`checked at request ${fake.requests.length - before}`) });
    expect(order).toEqual(['checked at request 0']);
    expect(fake.comments(owner, 'r', issue.number).map((c) => c.body)).toContain('on time');
  });
});

describe('comments', () => {
  it('posts on the conversation and returns its html_url', async () => {
    const issue = fake.addIssue(owner, 'r');
    const ref = await port.createComment(issueThread(issue.number), 'Working on it');
    const stored = fake.comments(owner, 'r', issue.number);
    expect(stored.map((c) => [c.id, c.body, c.user.login])).toEqual([[ref.id, 'Working on it', fake.botLogin]]);
    expect(ref).toEqual({ owner, repo: 'r', id: ref.id, kind: 'issue', url: `https://github.com/${owner}/r/issues/${issue.number}#issuecomment-${ref.id}` });
  });

  it('replies inside a review thread and edits the reply through the review-comment route', async () => {
    const pr = fake.addPullRequest(owner, 'r');
    const root = fake.addReviewComment(owner, 'r', pr.number, { body: '/agent rename this' });
    const thread: Thread = { kind: 'review', owner, repo: 'r', number: pr.number, rootCommentId: root.id };

    const ref = await port.createComment(thread, 'On it');
    await port.updateComment(ref, 'Renamed.');

    const replies = fake.reviewComments(owner, 'r', pr.number).filter((c) => c.id === ref.id);
    expect(replies.map((c) => [c.body, c.in_reply_to_id, c.path])).toEqual([['Renamed.', root.id, root.path]]);
    expect(ref.kind).toBe('review');
    expect(ref.url).toBe(`https://github.com/${owner}/r/pull/${pr.number}#discussion_r${ref.id}`);
    expect(fake.comments(owner, 'r', pr.number)).toHaveLength(0);
    expect(fake.requestsTo({ method: 'PATCH' }).map((r) => r.path)).toContain(`/repos/${owner}/r/pulls/comments/${ref.id}`);
  });

  it('edits a conversation comment in place', async () => {
    const issue = fake.addIssue(owner, 'r');
    const ref = await port.createComment(issueThread(issue.number), 'progress');
    await port.updateComment(ref, 'answer');
    expect(fake.comments(owner, 'r', issue.number).map((c) => c.body)).toEqual(['answer']);
  });

  it('reads a conversation of up to two pages whole, oldest first, asking 100 per page', async () => {
    const issue = fake.addIssue(owner, 'r');
    for (let i = 0; i < 200; i++) fake.addComment(owner, 'r', issue.number, { body: `c${i}`, user: i % 2 ? 'alice' : 'dependabot[bot]' });
    const before = fake.requests.length;

    const { comments, olderLeftOut } = await port.listThreadComments(issueThread(issue.number));

    expect(olderLeftOut).toBe(false);
    expect(comments).toHaveLength(200);
    expect(comments[0]?.body).toBe('c0');
    expect(comments[199]?.body).toBe('c199');
    expect(comments[1]?.author).toEqual({ login: 'alice', type: 'User' });
    expect(comments[0]?.author).toEqual({ login: 'dependabot[bot]', type: 'Bot' });
    expect(comments[0]?.html_url).toMatch(/#issuecomment-\d+$/);
    const pages = fake.requests.slice(before).map((r) => [r.path, r.query.per_page, r.query.page ?? '1']);
    const path = `/repos/${owner}/r/issues/${issue.number}/comments`;
    expect(pages).toEqual([
      [path, '100', '1'],
      [path, '100', '2'],
    ]);
  });

  it('reads a short conversation with one request', async () => {
    const issue = fake.addIssue(owner, 'r');
    for (let i = 0; i < 100; i++) fake.addComment(owner, 'r', issue.number, { body: `c${i}` });
    const before = fake.requests.length;
    const { comments, olderLeftOut } = await port.listThreadComments(issueThread(issue.number));
    expect([comments.length, olderLeftOut, fake.requests.length - before]).toEqual([100, false, 1]);
  });

  it.each([
    [201, 'c100', 3],
    [250, 'c100', 3],
    [2_450, 'c2300', 25],
  ])('reads only the two newest pages of a conversation of %i comments, found through rel="last"', async (count, oldestRead, last) => {
    const issue = fake.addIssue(owner, 'r');
    for (let i = 0; i < count; i++) fake.addComment(owner, 'r', issue.number, { body: `c${i}` });
    const before = fake.requests.length;

    const { comments, olderLeftOut } = await port.listThreadComments(issueThread(issue.number));

    expect(olderLeftOut).toBe(true);
    expect(comments[0]?.body).toBe(oldestRead);
    expect(comments.at(-1)?.body).toBe(`c${count - 1}`);
    expect(comments).toHaveLength(count - Number(oldestRead.slice(1)));
    // The pages are asked for on the port's own route: the fake's links name /repositories/{id}/..., as GitHub's do.
    const pages = fake.requests.slice(before).map((r) => [r.path, r.query.page ?? '1']);
    const path = `/repos/${owner}/r/issues/${issue.number}/comments`;
    expect(pages).toEqual([
      [path, '1'],
      [path, String(last - 1)],
      [path, String(last)],
    ]);
  });

  it('follows rel="next" once when the thread grew a page while it was read, so the newest comment is not missed', async () => {
    const issue = fake.addIssue(owner, 'r');
    for (let i = 0; i < 200; i++) fake.addComment(owner, 'r', issue.number, { body: `c${i}` });
    const octokit = octokitFor(fake);
    const growing: OctokitLike = {
      request: async (route, params) => {
        // Between the first page and the last, someone posts: page 3 now exists.
        if (params?.page === '2') fake.addComment(owner, 'r', issue.number, { body: 'c200' });
        return octokit.request(route, params);
      },
    };
    const before = fake.requests.length;
    const { comments } = await createOctokitPort(growing, { botLogin: fake.botLogin }).listThreadComments(issueThread(issue.number));
    expect(comments.at(-1)?.body).toBe('c200');
    expect(fake.requests.slice(before).map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
  });

  it('lists only the review thread: its root and the replies to it', async () => {
    const pr = fake.addPullRequest(owner, 'r');
    const other = fake.addReviewComment(owner, 'r', pr.number, { body: 'other thread' });
    const root = fake.addReviewComment(owner, 'r', pr.number, { body: '/agent explain', path: 'src/a.ts', line: 7 });
    // Enough noise to need a second page, so filtering runs across pages.
    for (let i = 0; i < 110; i++) fake.addReviewComment(owner, 'r', pr.number, { body: `noise ${i}`, inReplyTo: other.id });
    fake.addReviewComment(owner, 'r', pr.number, { body: 'reply 1', inReplyTo: root.id });
    fake.addReviewComment(owner, 'r', pr.number, { body: 'reply 2', inReplyTo: root.id });

    const thread: Thread = { kind: 'review', owner, repo: 'r', number: pr.number, rootCommentId: root.id };
    const { comments, olderLeftOut } = await port.listThreadComments(thread);

    expect(olderLeftOut).toBe(false);
    expect(comments.map((c) => c.body)).toEqual(['/agent explain', 'reply 1', 'reply 2']);
    expect(comments[0]?.review).toMatchObject({ path: 'src/a.ts', line: 7, in_reply_to_id: null });
    expect(comments[1]?.review?.in_reply_to_id).toBe(root.id);
    expect(comments.every((c) => c.kind === 'review')).toBe(true);
    const ref = commentRefOf(thread, comments[2]!);
    await port.updateComment(ref, 'edited');
    expect(fake.reviewComments(owner, 'r', pr.number).find((c) => c.id === ref.id)?.body).toBe('edited');
  });

  it('reads a review thread on a long pull request from the newest pages, and its root by id', async () => {
    const pr = fake.addPullRequest(owner, 'r');
    const root = fake.addReviewComment(owner, 'r', pr.number, { body: '/agent explain' });
    fake.addReviewComment(owner, 'r', pr.number, { body: 'old reply', inReplyTo: root.id });
    const other = fake.addReviewComment(owner, 'r', pr.number, { body: 'other thread' });
    for (let i = 0; i < 400; i++) fake.addReviewComment(owner, 'r', pr.number, { body: `noise ${i}`, inReplyTo: other.id });
    fake.addReviewComment(owner, 'r', pr.number, { body: 'new reply', inReplyTo: root.id });
    const before = fake.requests.length;

    const thread: Thread = { kind: 'review', owner, repo: 'r', number: pr.number, rootCommentId: root.id };
    const { comments, olderLeftOut } = await port.listThreadComments(thread);

    // 404 review comments: pages 1, 4 and 5 of the list, then the root, which page 1 held but is not in the window.
    expect(olderLeftOut).toBe(true);
    expect(comments.map((c) => c.body)).toEqual(['/agent explain', 'new reply']);
    expect(fake.requests.slice(before).map((r) => `${r.path}?${r.query.page ?? ''}`)).toEqual([
      `/repos/${owner}/r/pulls/${pr.number}/comments?`,
      `/repos/${owner}/r/pulls/${pr.number}/comments?4`,
      `/repos/${owner}/r/pulls/${pr.number}/comments?5`,
      `/repos/${owner}/r/pulls/comments/${root.id}?`,
    ]);
  });
});

describe('permissions', () => {
  it.each([
    ['admin', 'admin'],
    ['maintain', 'maintain'],
    ['write', 'write'],
    ['triage', 'triage'],
    ['read', 'read'],
    ['none', 'none'],
  ] as const)('reads %s from role_name', async (set, expected) => {
    fake.setPermission(owner, 'r', 'someone', set);
    expect(await port.getPermission(owner, 'r', 'someone')).toBe(expected);
  });

  it('treats the owner as admin, configured writers as write, strangers as none', async () => {
    expect(await port.getPermission(owner, 'r', owner)).toBe('admin');
    expect(await port.getPermission(owner, 'r', 'writer')).toBe('write');
    expect(await port.getPermission(owner, 'r', 'stranger')).toBe('none');
  });

  it('maps a 404 to none', async () => {
    fake.setPermission(owner, 'r', 'ghost', 'not-found');
    expect(await port.getPermission(owner, 'r', 'ghost')).toBe('none');
    expect(fake.requestsTo({ path: `/repos/${owner}/r/collaborators/ghost/permission` }).map((r) => r.status)).toEqual([404]);
  });

  it('falls back to `permission` when role_name is a custom role or missing', async () => {
    const answers = [
      { permission: 'write', role_name: 'security-reviewer' },
      { permission: 'read' },
      { permission: 'something-new', role_name: 'other' },
    ];
    const stub: OctokitLike = { request: async () => ({ status: 200, headers: {}, data: answers.shift() }) };
    const p = createOctokitPort(stub, { botLogin: 'bot' });
    expect(await p.getPermission('o', 'r', 'u')).toBe('write');
    expect(await p.getPermission('o', 'r', 'u')).toBe('read');
    expect(await p.getPermission('o', 'r', 'u')).toBe('none');
  });
});

describe('issues and pull requests', () => {
  it('reads a pull request', async () => {
    const pr = fake.addPullRequest(owner, 'r', {
      title: 'Fix auth',
      body: null,
      user: 'alice',
      head: { ref: 'fix-auth', sha: 'b'.repeat(40), repoFullName: 'alice/r' },
      base: { ref: 'develop' },
    });
    expect(await port.getPullRequest(owner, 'r', pr.number)).toEqual({
      number: pr.number,
      title: 'Fix auth',
      body: '',
      html_url: `https://github.com/${owner}/r/pull/${pr.number}`,
      head: { ref: 'fix-auth', sha: 'b'.repeat(40), repoFullName: 'alice/r' },
      base: { ref: 'develop' },
      author: { login: 'alice', type: 'User' },
    });
  });

  it('reports a deleted head fork as null', async () => {
    const pr = fake.addPullRequest(owner, 'r', { head: { repoFullName: null } });
    expect((await port.getPullRequest(owner, 'r', pr.number)).head.repoFullName).toBeNull();
  });

  it('lists at most `max` changed files, across pages', async () => {
    const files = Array.from({ length: 250 }, (_, i) => ({ filename: `f${i}.ts`, status: 'modified', additions: i, deletions: 1 }));
    const pr = fake.addPullRequest(owner, 'r', { files });

    const before = fake.requests.length;
    const some = await port.listPullRequestFiles(owner, 'r', pr.number, 120);
    expect(some).toHaveLength(120);
    expect(some[119]).toEqual({ filename: 'f119.ts', status: 'modified', additions: 119, deletions: 1 });
    expect(fake.requests.length - before).toBe(2);

    expect(await port.listPullRequestFiles(owner, 'r', pr.number, 1000)).toHaveLength(250);
    const count = fake.requests.length;
    expect(await port.listPullRequestFiles(owner, 'r', pr.number, 0)).toEqual([]);
    expect(fake.requests.length).toBe(count);
  });

  it('reads an issue and tells pull requests apart', async () => {
    const issue = fake.addIssue(owner, 'r', { title: 'Flaky test', body: 'It fails', user: 'bob' });
    const pr = fake.addPullRequest(owner, 'r');
    expect(await port.getIssue(owner, 'r', issue.number)).toEqual({
      number: issue.number,
      title: 'Flaky test',
      body: 'It fails',
      html_url: `https://github.com/${owner}/r/issues/${issue.number}`,
      author: { login: 'bob', type: 'User' },
      isPullRequest: false,
    });
    expect((await port.getIssue(owner, 'r', pr.number)).isPullRequest).toBe(true);
  });
});

describe('whoAmI', () => {
  it('answers the configured login without asking GitHub', async () => {
    const before = fake.requests.length;
    expect(await port.whoAmI()).toBe(fake.botLogin);
    expect(fake.requests.length).toBe(before);
  });

  it('asks GraphQL viewer once for a personal token', async () => {
    fake.addToken('ghp_personal', 'pat-owner');
    const p = createOctokitPort(octokitFor(fake, 'ghp_personal'));
    expect(await p.whoAmI()).toBe('pat-owner');
    expect(await p.whoAmI()).toBe('pat-owner');
    expect(fake.requestsTo({ path: '/graphql' }).filter((r) => r.headers.authorization?.endsWith('ghp_personal'))).toHaveLength(1);
  });

  it("an App installation token is its App's bot: GraphQL viewer answers where GET /user is refused", async () => {
    const p = createOctokitPort(octokitFor(fake));
    expect(await p.whoAmI()).toBe(fake.botLogin);
    expect(fake.botLogin).toMatch(/\[bot\]$/);
  });

  it('falls back to GET /user when GraphQL does not answer, and explains a refusal', async () => {
    fake.addToken('ghp_other', 'someone');
    fake.failNext({ method: 'POST', path: '/graphql' }, { status: 502 }, 5);
    expect(await createOctokitPort(octokitFor(fake, 'ghp_other')).whoAmI()).toBe('someone');
    fake.clearFaults();
    fake.failNext({ method: 'POST', path: '/graphql' }, { status: 502 }, 5);
    const err = await createOctokitPort(octokitFor(fake)).whoAmI().catch((e: unknown) => e);
    fake.clearFaults();
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).status).toBe(403);
    expect((err as GitHubError).message).toMatch(/Resource not accessible by integration.*botLogin/);
  });
});

describe('errors', () => {
  it('a wrong token gives a readable 401 without the token', async () => {
    const secret = 'ghp_wrongwrongwrong123';
    const p = createOctokitPort(octokitFor(fake, secret), { botLogin: 'x' });
    const err = await p.getIssue(owner, 'r', 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    const e = err as GitHubError;
    expect(e.status).toBe(401);
    expect(e.githubMessage).toBe('Bad credentials');
    expect(e.route).toBe('GET /repos/{owner}/{repo}/issues/{issue_number}');
    expect(e.message).toBe(`GitHub answered 401 to GET /repos/${owner}/r/issues/1: Bad credentials. The GitHub token is missing, expired or wrong.`);
    expect(JSON.stringify({ ...e, message: e.message, stack: e.stack })).not.toContain(secret);
    expect(e.retryable).toBe(false);
  });

  it('a missing issue gives a 404', async () => {
    const err = (await port.getIssue(owner, 'r', 999).catch((e: unknown) => e)) as GitHubError;
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/^GitHub answered 404 to GET \/repos\/o\d+\/r\/issues\/999: Not Found\. It does not exist/);
  });

  it('a body over 65,536 characters gives a 422 naming the limit, and nothing is posted', async () => {
    const issue = fake.addIssue(owner, 'r');
    const err = (await port.createComment(issueThread(issue.number), 'x'.repeat(65_537)).catch((e: unknown) => e)) as GitHubError;
    expect(err).toBeInstanceOf(GitHubError);
    expect(err.status).toBe(422);
    expect(err.errors[0]).toMatchObject({ field: 'body', code: 'custom' });
    expect(err.message).toContain('Validation Failed (body is too long (maximum is 65536 characters))');
    expect(fake.comments(owner, 'r', issue.number)).toHaveLength(0);
    // Exactly at the limit is fine.
    await port.createComment(issueThread(issue.number), 'x'.repeat(65_536));
    expect(fake.comments(owner, 'r', issue.number)).toHaveLength(1);
  });

  it('a rate limit is marked retryable with the wait GitHub asked for', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    fake.failNext(
      { path: `/repos/${owner}/r/issues/1` },
      { status: 403, body: { message: 'API rate limit exceeded' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } },
    );
    const err = (await port.getIssue(owner, 'r', 1).catch((e: unknown) => e)) as GitHubError;
    expect(err.rateLimited).toBe(true);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(115);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(121);
    expect(err.message).toMatch(/rate limiting this token; retry in about \d+ s/);
  });

  it('an unreachable GitHub is status 0 and retryable', async () => {
    const closed = await FakeGitHub.start();
    const url = closed.url;
    await closed.close();
    const p = createOctokitPort(new (await import('@octokit/core')).Octokit({ auth: 't', baseUrl: url }), { botLogin: 'x' });
    const err = (await p.getIssue('o', 'r', 1).catch((e: unknown) => e)) as GitHubError;
    expect(err.status).toBe(0);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/^Could not reach GitHub for GET \/repos\/o\/r\/issues\/1/);
  });

  it('a response of the wrong shape is an error, not a crash later', async () => {
    const stub: OctokitLike = { request: async () => ({ status: 200, headers: {}, data: '<html>login</html>' }) };
    const err = (await createOctokitPort(stub, { botLogin: 'b', apiBaseUrl: 'https://proxy.example' }).getIssue('o', 'r', 1).catch((e: unknown) => e)) as GitHubError;
    expect(err).toBeInstanceOf(GitHubError);
    expect(err.message).toContain('unexpected response');
    expect(err.message).toContain('https://proxy.example');
  });
});

describe('posting survives a 5xx without posting twice', () => {
  it('finds the comment GitHub created before answering 502', async () => {
    const issue = fake.addIssue(owner, 'r');
    fake.failNext({ method: 'POST', path: `/repos/${owner}/r/issues/${issue.number}/comments` }, { status: 502, after: true });
    const ref = await port.createComment(issueThread(issue.number), 'answer <!-- marker -->');
    const stored = fake.comments(owner, 'r', issue.number);
    expect(stored.map((c) => c.id)).toEqual([ref.id]);
    expect(fake.requestsTo({ method: 'POST', path: `/repos/${owner}/r/issues/${issue.number}/comments` })).toHaveLength(1);
  });

  it('posts again when the failed attempt created nothing', async () => {
    const issue = fake.addIssue(owner, 'r');
    fake.failNext({ method: 'POST' }, { status: 502 });
    const ref = await port.createComment(issueThread(issue.number), 'answer');
    expect(fake.comments(owner, 'r', issue.number).map((c) => c.id)).toEqual([ref.id]);
    expect(fake.requestsTo({ method: 'POST', path: `/repos/${owner}/r/issues/${issue.number}/comments` }).map((r) => r.status)).toEqual([502, 201]);
  });

  it('gives up after three attempts with the last error', async () => {
    const issue = fake.addIssue(owner, 'r');
    fake.failNext({ method: 'POST' }, { status: 503 }, 5);
    const err = (await port.createComment(issueThread(issue.number), 'answer').catch((e: unknown) => e)) as GitHubError;
    expect(err.status).toBe(503);
    expect(fake.requestsTo({ method: 'POST' }).filter((r) => r.path.startsWith(`/repos/${owner}/`))).toHaveLength(3);
    expect(fake.comments(owner, 'r', issue.number)).toHaveLength(0);
  });
});

describe('readFile', () => {
  it('reads a repository file as text, and null when there is none', async () => {
    fake.setFile(owner, 'r', '.github/coder-agent.yml', 'model: gpt-5\n# é ✓\n');
    expect(await port.readFile(owner, 'r', '.github/coder-agent.yml')).toBe('model: gpt-5\n# é ✓\n');
    expect(await port.readFile(owner, 'r', '.github/absent.yml')).toBeNull();
  });

  it('other failures are errors, not an empty config', async () => {
    fake.failNext({ method: 'GET', path: /contents/ }, { status: 403, body: { message: 'Resource not accessible by integration' } }, 5);
    await expect(port.readFile(owner, 'r', '.github/coder-agent.yml')).rejects.toBeInstanceOf(GitHubError);
  });

  it('a read aborted with a reason of its own (a timeout) is not tried again by Octokit', async () => {
    // The App's Octokits retry (plugin-retry). Its fetch stands for a GitHub that never answers: it ends only on an abort,
    // rejecting with the signal's reason as Node's fetch does.
    let calls = 0;
    const fetch = (_url: unknown, init?: { signal?: AbortSignal | null }) => {
      calls++;
      return new Promise<never>((_, reject) => {
        const signal = init?.signal;
        if (signal?.aborted) reject(signal.reason);
        else signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    };
    const RetryingOctokit = Octokit.plugin(retry);
    const retrying = createOctokitPort(new RetryingOctokit({ auth: 'token', baseUrl: 'http://127.0.0.1:9', request: { fetch } }) as unknown as OctokitLike, { botLogin: fake.botLogin });
    const timeout = new AbortController();
    const read = retrying.readFile(owner, 'r', '.github/coder-agent.yml', { signal: timeout.signal });
    timeout.abort(new Error('no answer within 2000 ms'));
    await expect(read).rejects.toThrow();
    // Before, the abort read as a network failure (status 500) and was retried 3 times over 14 s, each failing at once.
    expect(calls).toBe(1);
  }, 30_000);
});
