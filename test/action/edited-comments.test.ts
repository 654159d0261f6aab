import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { webhookExample } from '../helpers/webhook-examples.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { issueCommentEvent, OWNER, REPO, runAction, startFakes } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;

beforeEach(async () => {
  ({ coder, github } = await startFakes());
});
afterEach(async () => {
  await coder.close();
  await github.close();
});

const botComments = () => github.comments(OWNER, REPO, 1).filter((c) => c.user.login === 'github-actions[bot]');
const userTurns = () => [...coder.chats.values()].flatMap((c) => c.messages.filter((m) => m.role === 'user'));

/** The real `issue_comment.edited` example, re-pointed at a comment whose request was `before` and is now `after`. */
function editedEvent(created: Record<string, unknown>, before: string, after: string) {
  const payload = webhookExample('issue_comment', 'edited');
  const comment = created['comment'] as Record<string, unknown>;
  const seeded = github.comments(OWNER, REPO, 1).find((c) => c.id === comment['id']);
  if (seeded) seeded.body = after;
  payload['comment'] = { ...comment, body: after, updated_at: new Date(Date.now() + 1000).toISOString() };
  payload['issue'] = created['issue'];
  // The same repository as the comment's creation (its id names the thread on the chat's label).
  payload['repository'] = created['repository'];
  payload['sender'] = created['sender'];
  payload['changes'] = { body: { from: before } };
  return payload;
}

describe('edited trigger comments', () => {
  it('off by default: an edit that changes the request runs nothing', async () => {
    const created = issueCommentEvent(github, '/agent fix the login test');
    await runAction(coder, github, { event: 'issue_comment', payload: created });
    expect(userTurns()).toHaveLength(1);
    const run = await runAction(coder, github, { event: 'issue_comment', payload: editedEvent(created, '/agent fix the login test', '/agent fix the signup test') });
    expect(run.outputs['skipped']).toBe('true');
    expect(run.stdout).toContain('rerun-on-edit is off');
    expect(userTurns()).toHaveLength(1);
    expect(botComments()).toHaveLength(1);
  });

  it('with rerun-on-edit: a changed request is a new turn in the same chat, and the comment says it answers the edit', async () => {
    const created = issueCommentEvent(github, '/agent fix the login test');
    const first = await runAction(coder, github, { event: 'issue_comment', payload: created });
    const run = await runAction(coder, github, {
      event: 'issue_comment',
      payload: editedEvent(created, '/agent fix the login test', '/agent fix the signup test'),
      inputs: { 'rerun-on-edit': 'true' },
    });
    expect(run.outputs['status']).toBe('completed');
    expect(run.outputs['chat-id']).toBe(first.outputs['chat-id']);
    expect(run.outputs['chat-created']).toBe('false');
    expect(coder.chats.size).toBe(1);
    expect(JSON.stringify(userTurns()[1]?.content)).toContain('fix the signup test');
    const [earlier, latest] = botComments();
    expect(earlier?.body).toContain('fix the login test');
    expect(latest?.body).toContain('This answers the edited request');
  });

  it('with rerun-on-edit: an edit that leaves the request as it was runs nothing', async () => {
    const created = issueCommentEvent(github, '/agent fix the login test');
    await runAction(coder, github, { event: 'issue_comment', payload: created });
    const run = await runAction(coder, github, {
      event: 'issue_comment',
      payload: editedEvent(created, 'Thanks!\n/agent fix the login test', 'Thanks a lot!\n/agent fix the login test'),
      inputs: { 'rerun-on-edit': 'true' },
    });
    expect(run.outputs['skipped']).toBe('true');
    expect(userTurns()).toHaveLength(1);
  });
});
