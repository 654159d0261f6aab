/**
 * A read by number reaches only the thread it names (issue 8, re-review 8e):
 * GitHub answers an issue transferred to another repository with
 * `301 Moved Permanently` to its new place ("Get an issue"), fetch follows it,
 * and the port must refuse what comes back; a renamed repository, whose old
 * name GitHub redirects to the same repository, keeps working.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubError, ThreadMovedError } from '../../src/github/errors.js';
import { createOctokitPort, type OctokitLike } from '../../src/github/octokit-port.js';
import type { GitHubPort } from '../../src/github/port.js';
import { threadOfApiUrl, threadOfListUrl, threadOfWebUrl } from '../../src/github/thread-identity.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { octokitFor } from './support.js';

let fake: FakeGitHub;
let port: GitHubPort;
let owner: string;
let n = 0;

beforeAll(async () => {
  fake = await FakeGitHub.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  owner = `t${++n}`;
  fake.addRepo(owner, 'widgets');
  fake.addRepo(owner, 'secret-plans', { private: true });
  port = createOctokitPort(octokitFor(fake), { botLogin: fake.botLogin });
});

describe('an issue transferred to another repository', () => {
  it('reading it where it was is refused, naming only the thread asked for, after GitHub\'s 301', async () => {
    fake.addIssue(owner, 'secret-plans', { number: 16 });
    fake.addIssue(owner, 'widgets', { number: 5, title: 'Moved away' });
    fake.addIssue(owner, 'widgets', { number: 17, title: 'Unrelated thread with the moved issue\'s new number' });
    fake.transferIssue(owner, 'widgets', 5, { owner, repo: 'secret-plans' });
    expect(fake.issue(owner, 'secret-plans', 17)?.title).toBe('Moved away');

    const err = await port.getIssue(owner, 'widgets', 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThreadMovedError);
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).status).toBe(301);
    expect((err as Error).message).toContain(`${owner}/widgets#5 was transferred to another repository`);
    expect((err as Error).message).not.toContain('secret-plans');
    expect(fake.requestsTo({ path: `/repos/${owner}/widgets/issues/5` }).map((r) => r.status)).toEqual([301]);
  });

  it('its comments are refused too: the list is answered from the new place', async () => {
    fake.addIssue(owner, 'widgets', { number: 5 });
    fake.addComment(owner, 'widgets', 5, { body: 'Offer: 40M' });
    fake.transferIssue(owner, 'widgets', 5, { owner, repo: 'secret-plans' });
    await expect(port.listThreadComments({ kind: 'issue', owner, repo: 'widgets', number: 5 })).rejects.toBeInstanceOf(ThreadMovedError);
  });

  it('is refused when it keeps its number in the new repository: that repository has another id', async () => {
    fake.addIssue(owner, 'widgets', { number: 1 });
    fake.transferIssue(owner, 'widgets', 1, { owner, repo: 'secret-plans' });
    expect(fake.issue(owner, 'secret-plans', 1)).toBeDefined();
    await expect(port.getIssue(owner, 'widgets', 1)).rejects.toBeInstanceOf(ThreadMovedError);
  });

  it('where it lives now, it is read as usual', async () => {
    fake.addIssue(owner, 'widgets', { number: 5, title: 'Moved away' });
    fake.transferIssue(owner, 'widgets', 5, { owner, repo: 'secret-plans' });
    expect((await port.getIssue(owner, 'secret-plans', 1)).title).toBe('Moved away');
  });
});

describe('a renamed repository (same id, new name) keeps working under its old name', () => {
  it('an issue, its comments and a pull request are read through GitHub\'s redirect', async () => {
    fake.addIssue(owner, 'widgets', { number: 5, title: 'Still here' });
    fake.addComment(owner, 'widgets', 5, { body: 'hello' });
    fake.addPullRequest(owner, 'widgets', { number: 6, head: { ref: 'fast' } });
    fake.renameRepo(owner, 'widgets', { repo: 'gadgets' });

    expect(await port.getIssue(owner, 'widgets', 5)).toMatchObject({ number: 5, title: 'Still here', html_url: `https://github.com/${owner}/gadgets/issues/5` });
    const read = await port.listThreadComments({ kind: 'issue', owner, repo: 'widgets', number: 5 });
    expect(read.comments.map((c) => c.body)).toEqual(['hello']);
    expect((await port.getPullRequest(owner, 'widgets', 6)).head.ref).toBe('fast');
    expect(fake.requestsTo({ path: `/repos/${owner}/widgets/issues/5` }).map((r) => r.status)).toEqual([301]);
  });

  it('so does one moved whole to another owner', async () => {
    fake.addIssue(owner, 'widgets', { number: 5 });
    fake.renameRepo(owner, 'widgets', { owner: `${owner}-org`, repo: 'widgets' });
    expect((await port.getIssue(owner, 'widgets', 5)).number).toBe(5);
  });

  it('asks nothing more when the answer names the repository asked for', async () => {
    fake.addIssue(owner, 'widgets', { number: 5 });
    fake.addPullRequest(owner, 'widgets', { number: 6 });
    const before = fake.requests.length;
    await port.getIssue(owner, 'widgets', 5);
    await port.getPullRequest(owner, 'widgets', 6);
    await port.listThreadComments({ kind: 'issue', owner, repo: 'widgets', number: 5 });
    expect(fake.requests.slice(before).map((r) => r.path)).toEqual([
      `/repos/${owner}/widgets/issues/5`,
      `/repos/${owner}/widgets/pulls/6`,
      `/repos/${owner}/widgets/issues/5/comments`,
    ]);
  });
});

describe('answers that name another thread, whatever the redirect looked like', () => {
  /** An Octokit that answers every request from `answer`, as if it had followed a redirect nobody saw. */
  const stub = (answer: (route: string, params: Record<string, unknown>) => unknown): OctokitLike => ({
    request: (async (route: string, params?: Record<string, unknown>) => ({ status: 200, headers: {}, data: answer(route, params ?? {}) })) as OctokitLike['request'],
  });
  const pull = (number: number, base: { id: number; full_name: string }) => ({
    number,
    title: 't',
    body: '',
    html_url: `https://github.com/${base.full_name}/pull/${number}`,
    user: { login: 'u', type: 'User' },
    head: { ref: 'h', sha: 'a'.repeat(40), repo: null },
    base: { ref: 'main', repo: base },
  });

  it('a pull request of another repository id is refused; the same id under a new name is not', async () => {
    const ids: Record<string, number> = { 'o/r': 1, 'o/renamed': 1, 'o/other': 2 };
    const answerWith = (base: { id: number; full_name: string }) =>
      createOctokitPort(
        stub((route, p) => (route.startsWith('GET /repos/{owner}/{repo}/pulls/') ? pull(6, base) : { id: ids[`${String(p.owner)}/${String(p.repo)}`] })),
        { botLogin: 'b' },
      );
    await expect(answerWith({ id: 2, full_name: 'o/other' }).getPullRequest('o', 'r', 6)).rejects.toBeInstanceOf(ThreadMovedError);
    expect((await answerWith({ id: 1, full_name: 'o/renamed' }).getPullRequest('o', 'r', 6)).number).toBe(6);
  });

  it('an issue or a comment list of another number is refused without asking anything more', async () => {
    const asked: string[] = [];
    const p = createOctokitPort(
      stub((route) => {
        asked.push(route);
        if (route.endsWith('/comments')) return [{ id: 1, body: 'x', user: null, created_at: '', updated_at: '', html_url: 'https://github.com/o/r/issues/17#issuecomment-1', issue_url: 'https://api.github.com/repos/o/r/issues/17' }];
        return { number: 17, title: 't', body: '', html_url: 'https://github.com/o/r/issues/17', repository_url: 'https://api.github.com/repos/o/r', user: null };
      }),
      { botLogin: 'b' },
    );
    await expect(p.getIssue('o', 'r', 5)).rejects.toBeInstanceOf(ThreadMovedError);
    await expect(p.listThreadComments({ kind: 'issue', owner: 'o', repo: 'r', number: 5 })).rejects.toBeInstanceOf(ThreadMovedError);
    expect(asked).toHaveLength(2);
    // GitHub's names are case-insensitive: the repository asked for in other case is the same one, nothing more is asked.
    expect((await p.getIssue('O', 'R', 17)).number).toBe(17);
    expect(asked).toHaveLength(3);
  });
});

describe('reading where an answer says its thread lives', () => {
  it('API and web URLs, GitHub Enterprise\'s prefix and fragments included; anything else is unknown', () => {
    expect(threadOfApiUrl('https://api.github.com/repos/acme/secret-plans')).toEqual({ repository: { owner: 'acme', repo: 'secret-plans' }, number: undefined });
    expect(threadOfApiUrl('https://ghe.example.com/api/v3/repos/acme/w/issues/17')).toEqual({ repository: { owner: 'acme', repo: 'w' }, number: 17 });
    expect(threadOfWebUrl('https://github.com/acme/w/pull/6#issuecomment-9')).toEqual({ repository: { owner: 'acme', repo: 'w' }, number: 6 });
    expect(threadOfApiUrl('https://api.github.com/repositories/4242/issues/17')).toBeUndefined();
    for (const bad of [undefined, null, '', 'not a url', 'https://github.com/acme/w/discussions/3', 'https://github.com/acme/w/issues/17/comments']) {
      expect(threadOfApiUrl(bad) ?? threadOfWebUrl(bad)).toBeUndefined();
    }
  });
});

/**
 * Re-review 8f: a list can come back empty, or of items that do not name
 * their thread (a pull request's files), so where it was read (Octokit's
 * `url` after redirects) is what places it.
 */
describe('where a thread\'s list was read', () => {
  it('by name or by repository id, GitHub Enterprise\'s prefix and the query ignored; a URL of no thread\'s list is unknown', () => {
    expect(threadOfListUrl('https://api.github.com/repos/acme/w/issues/5/comments?per_page=100')).toEqual({ repository: { owner: 'acme', repo: 'w' }, number: 5 });
    expect(threadOfListUrl('https://ghe.example.com/api/v3/repositories/4242/pulls/6/files?page=2')).toEqual({ repository: undefined, repositoryId: 4242, number: 6 });
    for (const bad of [undefined, '', 'not a url', 'https://api.github.com/repos/acme/w/issues/5', 'https://api.github.com/repos/acme/w/issues/comments', 'https://api.github.com/repositories/x/issues/5/comments']) {
      expect(threadOfListUrl(bad)).toBeUndefined();
    }
  });

  /** An Octokit whose every list is an empty page read at `url`, and whose repositories have the ids of `ids`. */
  const readAt = (url: string, asked: string[] = []): OctokitLike => ({
    request: (async (route: string, params?: Record<string, unknown>) => {
      asked.push(route);
      if (route === 'GET /repos/{owner}/{repo}') return { status: 200, headers: {}, url: 'x', data: { id: params?.['repo'] === 'r' ? 1 : 2 } };
      return { status: 200, headers: {}, url, data: [] };
    }) as OctokitLike['request'],
  });
  const review = { kind: 'review', owner: 'o', repo: 'r', number: 6, rootCommentId: 9 } as const;

  it('an empty list read at another repository id or another number is refused, for issues, review threads and a pull request\'s files', async () => {
    for (const url of ['https://api.github.com/repositories/2/issues/17/comments', 'https://api.github.com/repos/o/r/issues/17/comments']) {
      const p = createOctokitPort(readAt(url), { botLogin: 'b' });
      await expect(p.listThreadComments({ kind: 'issue', owner: 'o', repo: 'r', number: 5 })).rejects.toBeInstanceOf(ThreadMovedError);
    }
    const elsewhere = createOctokitPort(readAt('https://api.github.com/repositories/2/pulls/6/comments'), { botLogin: 'b' });
    await expect(elsewhere.listThreadComments(review)).rejects.toBeInstanceOf(ThreadMovedError);
    const files = createOctokitPort(readAt('https://api.github.com/repositories/2/pulls/6/files'), { botLogin: 'b' });
    await expect(files.listPullRequestFiles('o', 'r', 6, 10)).rejects.toBeInstanceOf(ThreadMovedError);
    // A URL that names no thread's list is no answer to the route: refused, not taken as "not moved".
    const odd = createOctokitPort(readAt('https://api.github.com/search/issues'), { botLogin: 'b' });
    await expect(odd.listThreadComments({ kind: 'issue', owner: 'o', repo: 'r', number: 5 })).rejects.toBeInstanceOf(GitHubError);
  });

  it('read at the same repository id (a rename) is the thread asked for; read where it was asked, nothing more is asked', async () => {
    const asked: string[] = [];
    const renamed = createOctokitPort(readAt('https://api.github.com/repositories/1/pulls/6/comments', asked), { botLogin: 'b' });
    expect(await renamed.listThreadComments(review)).toEqual({ comments: [], olderLeftOut: false });
    expect(asked).toEqual(['GET /repos/{owner}/{repo}/pulls/{pull_number}/comments', 'GET /repos/{owner}/{repo}']);
    const same: string[] = [];
    const here = createOctokitPort(readAt('https://api.github.com/repos/O/R/issues/5/comments?per_page=100', same), { botLogin: 'b' });
    expect(await here.listThreadComments({ kind: 'issue', owner: 'o', repo: 'r', number: 5 })).toEqual({ comments: [], olderLeftOut: false });
    expect(same).toEqual(['GET /repos/{owner}/{repo}/issues/{issue_number}/comments']);
  });
});
