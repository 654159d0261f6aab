/**
 * Issue 12 (item 6, "an Action that never lies"; first-user review): cancelled by
 * the runner right after the chat was created, before the agent wrote
 * anything. docs/action.md: the comment says "cancelled (with what the
 * agent had written so far)". Neither the `result` output nor the comment
 * may claim the agent finished.
 */
import { expect, it } from '@jest/globals';
import { useCurrentFakes } from './current-fakes.js';
import { waitFor } from '../helpers/wait.js';
import { cancelLikeRunner, issueCommentEvent, OWNER, REPO, runAction } from './harness.js';

const fakes = useCurrentFakes();

it('a cancel before the agent wrote anything does not say "The agent finished" in `result` or the comment', async () => {
  const coder = fakes.coder();
  const github = fakes.github();
  coder.options.turnStartDelayMs = 3000;
  coder.options.agent = () => [{ status: 'running' }, { text: 'working on it' }, { hang: true }];
  const created = () => coder.requests.some((r) => r.method === 'POST' && /\/chats$/.test(r.path));
  const run = await runAction(coder, github, {
    event: 'issue_comment',
    payload: issueCommentEvent(github, '/agent take your time'),
    onSpawn: (child) => void waitFor(created, 20_000).then(() => cancelLikeRunner(child)),
  });
  expect(run.outputs['status']).toBe('aborted');
  const comment = github.comments(OWNER, REPO, 1).filter((c) => c.user.login === 'github-actions[bot]').at(-1)?.body ?? '';
  expect(comment).toContain('cancelled');
  expect(run.outputs['result']).toBe('');
  expect(comment).not.toMatch(/agent finished/i);
  expect(comment).not.toContain('What the agent had written so far');
  // The Action interrupted the chat itself: "may still be working" would be false.
  expect(coder.requests.some((r) => r.method === 'POST' && /\/interrupt$/.test(r.path))).toBe(true);
  expect(comment).not.toContain('may still be working');
  expect(comment).toContain('had not written anything');
}, 60_000);
