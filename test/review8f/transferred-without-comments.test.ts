/**
 * Re-review 8f: "a transferred issue is refused" (issue 8; docs/security.md,
 * "How a thread's chat is verified": whatever the bot reads about a thread
 * by its number, the conversation's comments included, is compared with
 * what it asked for, and an App job for an issue transferred away fails at
 * once).
 *
 * The port checks a comment list by the `issue_url` of each comment in it
 * (octokit-port.ts, listThreadComments). An issue transferred away with no
 * comments yet (the usual case for `issues` labeled, assigned or opened) is
 * answered, after GitHub's 301, with an empty list: nothing to compare, so
 * the read passes as "a thread without comments". The job then goes on:
 * no marker, so a new chat is created and the agent works on the issue,
 * and only the write at the end fails (the fake answers writes at the old
 * place 404; what GitHub does there is not documented). Octokit's response
 * carries the URL it finally read (`url`), which names the new place.
 * Expected: ThreadMovedError, as for a list with comments. Got: { comments: [], olderLeftOut: false }.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ThreadMovedError } from '../../src/github/errors.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { octokitFor } from '../github/support.js';

let fake: FakeGitHub;

beforeAll(async () => {
  fake = await FakeGitHub.start();
});
afterAll(async () => {
  await fake.close();
});

it('reading the comments of an issue transferred away before anyone commented is refused', async () => {
  fake.addRepo('acme', 'widgets');
  fake.addRepo('acme', 'secret-plans', { private: true });
  fake.addIssue('acme', 'widgets', { number: 5 });
  fake.transferIssue('acme', 'widgets', 5, { owner: 'acme', repo: 'secret-plans' });
  const port = createOctokitPort(octokitFor(fake), { botLogin: fake.botLogin });

  const read = port.listThreadComments({ kind: 'issue', owner: 'acme', repo: 'widgets', number: 5 });
  await expect(read).rejects.toBeInstanceOf(ThreadMovedError);
  // The 301 was answered and followed: the refusal, not a missing issue, is what is expected.
  expect(fake.requestsTo({ path: '/repos/acme/widgets/issues/5/comments' }).map((r) => r.status)).toContain(301);
});
