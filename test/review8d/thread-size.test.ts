/**
 * Re-review 8d: "no input makes the bot do unbounded work" (issue 8). A
 * thread's comments are input anyone who can read the repository adds (any
 * GitHub account, in a public one), yet every request, `/agent stop` and
 * close reads ALL of them (octokit-port.ts `listThreadComments` pages to the
 * end; a review thread reads every review comment of the pull request) and
 * holds every body in memory, while the agent is shown at most the 50 newest
 * (context.ts MAX_THREAD_COMMENTS) and the marker is in the bot's newest
 * comment. A thread of 5,000 comments of 65,536 characters costs 50 API
 * requests and about 650 MB of UTF-16 strings per request in the App's
 * worker thread, which runs ten jobs at once.
 *
 * Expected: what a request reads from a thread is bounded (for example the
 * newest few pages, reached through the `Link: rel="last"` header), so a
 * thread eight times longer costs no more requests. Today the pages read
 * grow with the thread: 3 pages for 300 comments, 24 for 2,400.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import type { Thread } from '../../src/github/port.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { octokitFor } from '../github/support.js';

let fake: FakeGitHub;

beforeAll(async () => {
  fake = await FakeGitHub.start({ writers: ['writer'] });
});
afterAll(async () => {
  await fake.close();
});

/** Requests made to list a conversation of `count` comments posted by a read-only account. */
async function pagesReadFor(owner: string, count: number): Promise<number> {
  fake.addRepo(owner, 'r');
  const issue = fake.addIssue(owner, 'r');
  for (let i = 0; i < count; i++) fake.addComment(owner, 'r', issue.number, { body: `noise ${i}`, user: 'reader' });
  const port = createOctokitPort(octokitFor(fake), { botLogin: fake.botLogin });
  const thread: Thread = { kind: 'issue', owner, repo: 'r', number: issue.number };
  const before = fake.requests.length;
  await port.listThreadComments(thread);
  return fake.requests.slice(before).filter((r) => r.method === 'GET' && r.path.endsWith(`/issues/${issue.number}/comments`)).length;
}

it('the pages a request reads from a thread do not grow with what readers post in it', async () => {
  const small = await pagesReadFor('small', 300);
  const large = await pagesReadFor('large', 2_400);
  expect(small).toBeGreaterThan(0);
  expect(large).toBeLessThanOrEqual(small);
});
