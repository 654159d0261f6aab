import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { webhookExample } from '../helpers/webhook-examples.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { threadLabels } from '../../src/agent/thread-label.js';
import { CODER_TOKEN, OWNER, REPO, runAction, startFakes } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;

beforeEach(async () => {
  ({ coder, github } = await startFakes());
});
afterEach(async () => {
  await coder.close();
  await github.close();
});

/** A chat the bot started in #labelled (its thread label), linked from the bot's comment in issue #number. */
function threadChat(number: number, status = 'waiting', labelled = number) {
  if (!github.issue(OWNER, REPO, number)) github.addIssue(OWNER, REPO, { number, title: 'Export to CSV', body: 'please', user: 'maintainer' });
  const labels = threadLabels({ repositoryId: github.addRepo(OWNER, REPO).id, number: labelled });
  const chat = coder.createChatDirect({ status, labels, messages: [{ role: 'user', text: 'add CSV export' }] });
  github.addComment(OWNER, REPO, number, { body: `Working on it.\n\n<!-- coder-agent-bot chat=${chat.id} state=running -->`, user: 'github-actions[bot]' });
  return chat;
}

/** issues.closed has no example in @octokit/webhooks-examples: the real `reopened` one, closed. */
function issueEvent(action: 'closed' | 'reopened', number: number) {
  const payload = webhookExample('issues', 'reopened');
  payload['action'] = action;
  (payload['repository'] as Record<string, unknown>)['id'] = github.addRepo(OWNER, REPO).id;
  Object.assign(payload['issue'] as object, { number, state: action === 'closed' ? 'closed' : 'open' });
  return payload;
}

const chatCalls = (chatId: string) => coder.requests.filter((r) => r.path.includes(chatId) && r.method !== 'GET').map((r) => `${r.method} ${r.path.split(chatId)[1] || '/'}`);

describe('clean-up on close in the Action', () => {
  it('closing the issue interrupts the busy chat first, then archives it; reopening unarchives it', async () => {
    coder.options.agent = () => [{ status: 'running' }, { hang: true }];
    const chat = threadChat(4);
    // Make the chat really busy: a turn that never ends.
    await fetch(`${coder.chatsUrl()}/${chat.id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'Coder-Session-Token': CODER_TOKEN }, body: JSON.stringify({ content: [{ type: 'text', text: 'more' }] }) });
    await coder.waitForStatus(chat.id, 'running');
    coder.requests.length = 0;

    const closed = await runAction(coder, github, { event: 'issues', payload: issueEvent('closed', 4) });
    expect(closed.code).toBe(0);
    expect(closed.outputs['status']).toBe('archived');
    expect(closed.outputs['chat-id']).toBe(chat.id);
    expect(coder.chat(chat.id).chat.archived).toBe(true);
    const calls = chatCalls(chat.id);
    expect(calls.findIndex((c) => c.includes('interrupt'))).toBeGreaterThanOrEqual(0);
    expect(calls.findIndex((c) => c.includes('interrupt'))).toBeLessThan(calls.findIndex((c) => /archive|PATCH/.test(c)));

    const reopened = await runAction(coder, github, { event: 'issues', payload: issueEvent('reopened', 4) });
    expect(reopened.outputs['status']).toBe('unarchived');
    expect(coder.chat(chat.id).chat.archived).toBe(false);
    // Nothing is said in the thread.
    expect(github.comments(OWNER, REPO, 4)).toHaveLength(1);
  });

  it('an idle chat is archived without an interrupt; a merged pull request (real payload) archives its chat', async () => {
    const payload = webhookExample('pull_request', 'closed');
    (payload['repository'] as Record<string, unknown>)['id'] = github.addRepo(OWNER, REPO).id;
    const number = (payload['pull_request'] as { number: number }).number;
    github.addPullRequest(OWNER, REPO, { number, title: 'Fix', body: '', user: 'maintainer', head: { ref: 'fix' }, base: { ref: 'main' }, files: [] });
    const chat = threadChat(number);
    const run = await runAction(coder, github, { event: 'pull_request', payload });
    expect(run.outputs['status']).toBe('archived');
    expect(coder.chat(chat.id).chat.archived).toBe(true);
    expect(chatCalls(chat.id).some((c) => c.includes('interrupt'))).toBe(false);
  });

  it("a marker naming another thread's chat never gets that chat archived or unarchived, in the bot's comment or anyone's", async () => {
    // #9's chat, busy; #4's thread carries markers that name it: one in the bot's own comment, one pasted by a person.
    const other = threadChat(9, 'running');
    github.addIssue(OWNER, REPO, { number: 4, title: 'Another issue', body: '', user: 'maintainer' });
    github.addComment(OWNER, REPO, 4, { body: `Working on it.\n\n<!-- coder-agent-bot chat=${other.id} state=done -->`, user: 'github-actions[bot]' });
    github.addComment(OWNER, REPO, 4, { body: `<!-- coder-agent-bot chat=${other.id} state=done -->`, user: 'maintainer' });
    coder.requests.length = 0;
    const closed = await runAction(coder, github, { event: 'issues', payload: issueEvent('closed', 4) });
    expect(closed.code).toBe(0);
    expect(closed.outputs['skipped']).toBe('true');
    expect(closed.stdout).toContain(`belongs to thread gh/${github.addRepo(OWNER, REPO).id}/9`);
    expect(coder.chat(other.id).chat.archived).toBe(false);
    expect(chatCalls(other.id)).toEqual([]);
    // Archived by its own thread's close, it is not unarchived by reopening #4.
    await runAction(coder, github, { event: 'issues', payload: issueEvent('closed', 9) });
    expect(coder.chat(other.id).chat.archived).toBe(true);
    const reopened = await runAction(coder, github, { event: 'issues', payload: issueEvent('reopened', 4) });
    expect(reopened.outputs['skipped']).toBe('true');
    expect(coder.chat(other.id).chat.archived).toBe(true);
  });

  it('a thread longer than what is read (the marker older than its newest 200 comments): the chat labelled for it is archived, then unarchived', async () => {
    const chat = threadChat(4);
    const other = threadChat(9);
    for (let i = 0; i < 250; i++) github.addComment(OWNER, REPO, 4, { body: `noise ${i}`, user: 'reader' });
    const closed = await runAction(coder, github, { event: 'issues', payload: issueEvent('closed', 4) });
    expect(closed.outputs['status']).toBe('archived');
    expect(closed.outputs['chat-id']).toBe(chat.id);
    expect(coder.chat(other.id).chat.archived).toBe(false);
    const reopened = await runAction(coder, github, { event: 'issues', payload: issueEvent('reopened', 4) });
    expect(reopened.outputs['status']).toBe('unarchived');
    expect(coder.chat(chat.id).chat.archived).toBe(false);
  });

  it('does nothing with archive-on-close off, without a chat, or with a prompt (then it is a request)', async () => {
    const chat = threadChat(4);
    expect((await runAction(coder, github, { event: 'issues', payload: issueEvent('closed', 4), inputs: { 'archive-on-close': 'false' } })).outputs['skipped']).toBe('true');
    github.addIssue(OWNER, REPO, { number: 5, title: 'x', body: '', user: 'maintainer' });
    expect((await runAction(coder, github, { event: 'issues', payload: issueEvent('closed', 5) })).outputs['skipped']).toBe('true');
    expect(coder.chat(chat.id).chat.archived).toBe(false);
  });
});

/**
 * Issue 11 clean-up against issue 8's "who may trigger" (found by the lifecycle review): issue #5
 * was written by `reporter` (read access only); a maintainer asked the agent, which is still
 * working. GitHub lets the author close their own issue; that must not interrupt and archive the
 * chat, as a `/agent stop` from the same person would be refused.
 */
describe('clean-up caused by a person without write access', () => {
  it('the issue author without write access closing the issue does not interrupt the agent', async () => {
    github.addIssue(OWNER, REPO, { number: 5, title: 'Export to CSV', body: 'please', user: 'reporter' });
    const labels = threadLabels({ repositoryId: github.addRepo(OWNER, REPO).id, number: 5 });
    const chat = coder.createChatDirect({ status: 'running', labels, messages: [{ role: 'user', text: 'add CSV export' }] });
    github.addComment(OWNER, REPO, 5, { body: `Working on it.\n\n<!-- coder-agent-bot chat=${chat.id} state=running -->`, user: 'github-actions[bot]' });
    const payload = webhookExample('issues', 'reopened');
    payload['action'] = 'closed';
    (payload['repository'] as Record<string, unknown>)['id'] = github.addRepo(OWNER, REPO).id;
    Object.assign(payload['issue'] as object, { number: 5, state: 'closed', user: { login: 'reporter', id: 8, type: 'User' } });
    payload['sender'] = { login: 'reporter', id: 8, type: 'User' };

    const run = await runAction(coder, github, { event: 'issues', payload, inputs: { 'archive-on-close': 'true' } });
    const writes = coder.requests.filter((r) => r.path.includes(chat.id) && r.method !== 'GET');
    expect(run.outputs['status']).not.toBe('archived');
    expect(writes).toHaveLength(0);
  });
});

describe('closing a pull request whose chat lives in a review thread (review of issue 11)', () => {
  it('archives the review thread\u2019s chat (interrupting it first)', async () => {
    const payload = webhookExample('pull_request', 'closed');
    const repositoryId = github.addRepo(OWNER, REPO).id;
    (payload['repository'] as Record<string, unknown>)['id'] = repositoryId;
    const number = (payload['pull_request'] as { number: number }).number;
    github.addPullRequest(OWNER, REPO, { number, title: 'Fix', body: '', user: 'maintainer', head: { ref: 'fix' }, base: { ref: 'main' }, files: [] });
    const root = github.addReviewComment(OWNER, REPO, number, { body: '/agent use a Map here', user: 'maintainer' });
    const chat = coder.createChatDirect({ status: 'running', labels: threadLabels({ repositoryId, number, reviewThreadRootId: root.id }), messages: [{ role: 'user', text: 'use a Map here' }] });
    github.addReviewComment(OWNER, REPO, number, { body: `Working on it.\n\n<!-- coder-agent-bot chat=${chat.id} state=running -->`, user: 'github-actions[bot]', inReplyTo: root.id });

    const run = await runAction(coder, github, { event: 'pull_request', payload });
    expect(run.outputs['status']).toBe('archived');
    expect(coder.chat(chat.id).chat.archived).toBe(true);
  });
});
