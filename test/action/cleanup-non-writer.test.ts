import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { webhookExample } from '../helpers/webhook-examples.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { threadLabels } from '../../src/agent/thread-label.js';
import { CODER_TOKEN, OWNER, REPO, runAction } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;

beforeEach(async () => {
  coder = await FakeCoder.start({ token: CODER_TOKEN });
  github = await FakeGitHub.start({ botLogin: 'github-actions[bot]', writers: ['maintainer'] });
  github.addRepo(OWNER, REPO);
});
afterEach(async () => {
  await coder.close();
  await github.close();
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
