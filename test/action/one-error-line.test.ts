/**
 * Issue 12 (item 7, "one clear sentence"; first-user review): one problem,
 * one `::error::` line. A read-only token used to print its error twice; a
 * rate limit on the final write printed three lines, one of them internal
 * ("asked to wait 3598 s after 0 retries"), and doubled GitHub's full stop
 * ("…for installation.. GitHub is rate limiting…").
 */
import { expect, it } from '@jest/globals';
import { useCurrentFakes } from './current-fakes.js';
import { issueCommentEvent, OWNER, REPO, reviewCommentEvent, runAction } from './harness.js';

const fakes = useCurrentFakes();

const errorLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::error::'));

it('a read-only token on a review comment prints its one error once', async () => {
  const coder = fakes.coder();
  const github = fakes.github();
  github.addToken('ghs_readonly', 'github-actions[bot]', { installation: true, type: 'Bot', readOnly: true });
  const run = await runAction(coder, github, { event: 'pull_request_review_comment', payload: reviewCommentEvent(github, '/agent simplify this'), inputs: { 'github-token': 'ghs_readonly' } });
  expect(run.code).toBe(1);
  const errors = errorLines(run.stdout);
  expect(errors.join('\n')).toContain(`cannot write to ${OWNER}/${REPO}`);
  expect(errors).toHaveLength(1);
}, 60_000);

it('a rate limit on the final write is one error line, written as a sentence', async () => {
  const coder = fakes.coder();
  const github = fakes.github();
  const reset = String(Math.floor(Date.now() / 1000) + 3600);
  const limited = { status: 403, body: { message: 'API rate limit exceeded for installation.' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'x-ratelimit-limit': '5000' } };
  github.failNext({ method: 'PATCH', path: /\/issues\/comments\/\d+$/ }, limited, 20);
  const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent answer me') });
  expect(run.code).toBe(1);
  const errors = errorLines(run.stdout);
  expect(errors.join('\n')).toContain('could not be written to the thread');
  expect(errors.join('\n')).not.toContain('..');
  expect(errors.join('\n')).not.toContain('retries)');
  expect(errors).toHaveLength(1);
  // The answer is not lost: the step's outputs still carry it.
  expect(run.outputs['result']).not.toBe('');
}, 60_000);
