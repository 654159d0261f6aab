import { describe, expect, it } from '@jest/globals';
import { GitHubError, safeUrl, toGitHubError } from '../../src/github/errors.js';

const ROUTE = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}';
const PATH = '/repos/o/r/issues/comments/7';
/** The shape of Octokit's RequestError, as far as toGitHubError reads it. */
const requestError = (status: number, data: unknown, headers: Record<string, string> = {}) =>
  Object.assign(new Error('octokit says'), { status, response: { data, headers } });

describe('toGitHubError', () => {
  it('says a 502 from GitHub\'s load balancer is worth retrying, without quoting its HTML', () => {
    const err = toGitHubError(requestError(502, '<html><body>Bad gateway</body></html>'), ROUTE, PATH);
    expect(err.githubMessage).toBeUndefined();
    expect(err.retryable).toBe(true);
    expect(err.path).toBe(PATH);
    expect(err.message).toBe(`GitHub answered 502 to PATCH ${PATH}. GitHub had a problem; retry later.`);
  });

  it('recognises a secondary rate limit and the wait GitHub asked for', () => {
    const err = toGitHubError(
      requestError(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '60' }),
      ROUTE,
      PATH,
    );
    expect([err.rateLimited, err.retryable, err.retryAfterSeconds]).toEqual([true, true, 60]);
  });

  it('keeps a 403 for missing permissions apart from a rate limit', () => {
    const err = toGitHubError(requestError(403, { message: 'Resource not accessible by integration' }), ROUTE, PATH);
    expect([err.rateLimited, err.retryable]).toEqual([false, false]);
    expect(err.message).toContain('lacks the permission');
  });

  it('names the request that failed when it is not the one asked for (the installation token Octokit asks for first)', () => {
    const contents = 'GET /repos/{owner}/{repo}/contents/{path}';
    const asked = '/repos/o/r/contents/.github%2Fcoder-agent.yml';
    const failed = (method: string, url: string) => Object.assign(requestError(404, { message: 'Not Found' }), { request: { method, url } });
    const token = toGitHubError(failed('POST', 'https://api.github.com/app/installations/42/access_tokens'), contents, asked);
    expect(token.failedRequest).toBe('POST /app/installations/42/access_tokens');
    expect([token.status, token.answered(404)]).toEqual([404, false]);
    // The request asked for was never sent: worth another try, unlike GitHub's own 404 to it, or a token refused (403).
    expect(token.retryable).toBe(true);
    expect(toGitHubError(Object.assign(requestError(403, { message: 'suspended' }), { request: { method: 'POST', url: 'https://api.github.com/app/installations/42/access_tokens' } }), contents, asked).retryable).toBe(false);
    expect(token.message).toBe(`GitHub answered 404 to POST /app/installations/42/access_tokens (made first, for GET ${asked}): Not Found. GitHub gave the App no installation token: the App may have been uninstalled or suspended there, or lost a permission.`);
    // The request asked for, however its path is encoded, and under GitHub Enterprise's /api/v3.
    for (const url of ['https://api.github.com/repos/o/r/contents/.github%2Fcoder-agent.yml', 'https://ghe.example/api/v3/repos/o/r/contents/.github/coder-agent.yml?ref=main']) {
      const own = toGitHubError(failed('GET', url), contents, asked);
      expect([own.failedRequest, own.answered(404), own.retryable]).toEqual([undefined, true, false]);
    }
    // Without the request (a port that is not Octokit's), the error is about the request asked for.
    expect(toGitHubError(requestError(404, { message: 'Not Found' }), contents, asked).answered(404)).toBe(true);
  });

  it('keeps only string fields of validation details', () => {
    const err = toGitHubError(requestError(422, { message: 'Validation Failed', errors: ['plain', { field: 'body', code: 5 }] }), ROUTE);
    expect(err.errors).toEqual([{ message: 'plain' }, { field: 'body' }]);
    expect(err.message).toContain('Validation Failed (plain; body)');
    expect(err.path).toBe('/repos/{owner}/{repo}/issues/comments/{comment_id}');
  });

  it('passes a GitHubError through unchanged', () => {
    const original = new GitHubError({ status: 404, route: ROUTE });
    expect(toGitHubError(original, 'GET /other')).toBe(original);
  });
});

describe('safeUrl', () => {
  it('drops the query and fragment, where signed URLs keep their credentials', () => {
    expect(safeUrl('https://objects.githubusercontent.com/a/b.png?X-Amz-Signature=secret#x')).toBe('https://objects.githubusercontent.com/a/b.png');
    // A URL that does not parse is masked all the same.
    expect(safeUrl('htps://admin:pw@host/p?token=x')).toBe('htps://***@host/p');
    expect(safeUrl(new URL('https://u:p@github.com/a?jwt=x'))).toBe('https://***@github.com/a');
  });
});
