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
