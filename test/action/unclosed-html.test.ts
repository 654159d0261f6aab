/**
 * Issue 12 (item 8, "fix the kind"; first-user review). The kind is an unclosed block
 * in the agent's answer swallowing the footer. Fences are closed now; an
 * unclosed `<details>` (agents use it for long logs) still wraps the footer,
 * so "Open in Coder", the status and the cost render inside a collapsed
 * section nobody opens.
 */
import { expect, it } from '@jest/globals';
import { useCurrentFakes } from './current-fakes.js';
import { issueCommentEvent, OWNER, REPO, runAction } from './harness.js';

const fakes = useCurrentFakes();

it('an answer that opens <details> and never closes it leaves the footer outside', async () => {
  const coder = fakes.coder();
  const github = fakes.github();
  coder.options.agent = () => [{ status: 'running' }, { text: 'Done.\n\n<details><summary>Full log</summary>\n\n```\nok 1\nok 2\n```\n' }, { persist: true }, { status: 'waiting' }];
  const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent run the tests') });
  expect(run.code).toBe(0);
  const body = github.comments(OWNER, REPO, 1).filter((c) => c.user.login === 'github-actions[bot]').at(-1)?.body ?? '';
  const footerAt = body.indexOf('[Open in Coder]');
  expect(footerAt).toBeGreaterThan(0);
  const before = body.slice(0, footerAt);
  const opened = (before.match(/<details[\s>]/gi) ?? []).length;
  const closed = (before.match(/<\/details>/gi) ?? []).length;
  expect(closed).toBe(opened);
}, 60_000);
