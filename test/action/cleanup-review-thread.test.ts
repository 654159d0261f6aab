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
