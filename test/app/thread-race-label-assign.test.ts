/**
 * Issue 11, one chat per thread, App front door (found by the lifecycle
 * review): a team labels an issue and assigns it to the agent's account a
 * moment later. The store serialises the two requests per thread; the
 * second starts a chat, finds the first's created moments before, and joins
 * it as a follow-up.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { appSettings, BOT, CODER_TOKEN, deliver, INSTALLATION, OWNER, REPO, startTestApp, type TestApp } from './harness.js';

jest.setTimeout(120_000);

let coder: FakeCoder;
let github: FakeGitHub;
let app: TestApp | undefined;

beforeEach(async () => {
  coder = await FakeCoder.start({ token: CODER_TOKEN });
  github = await FakeGitHub.start({ writers: ['maintainer'] });
  github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
  github.addIssue(OWNER, REPO, { number: 3, title: 'Export to CSV', body: 'The report page needs a CSV export button.', user: 'reporter' });
});
afterEach(async () => {
  await app?.stop().catch(() => undefined);
  app = undefined;
  await coder.close();
  await github.close();
});

function issueEvent(action: 'labeled' | 'assigned', updatedAt: string) {
  const payload = webhookExample('issues', action);
  Object.assign(payload['issue'] as object, { number: 3, title: 'Export to CSV', body: 'The report page needs a CSV export button.', user: { login: 'reporter', id: 8, type: 'User' }, updated_at: updatedAt });
  Object.assign(payload['repository'] as object, { name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER, id: 1, type: 'User' } });
  if (action === 'labeled') payload['label'] = { name: 'agent', id: 1, color: 'ffffff', default: false };
  else payload['assignee'] = { login: 'agent-bot', id: 99, type: 'User' };
  payload['sender'] = { login: 'maintainer', id: 7, type: 'User' };
  payload['installation'] = { id: INSTALLATION, node_id: 'x' };
  return payload;
}

describe('label and assignment a moment apart (App)', () => {
  it('end in one chat for the thread', async () => {
    github.setFile(OWNER, REPO, '.github/coder-agent.yml', 'label-trigger: agent\nassignee-trigger: agent-bot\n');
    app = await startTestApp(appSettings(coder, github));
    expect((await deliver(app.app, 'issues', issueEvent('labeled', '2026-11-30T10:00:00Z'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await deliver(app.app, 'issues', issueEvent('assigned', '2026-11-30T10:00:01Z'))).status).toBe(200);
    await waitFor(() => github.comments(OWNER, REPO, 3).filter((c) => c.user.login === BOT && /state=(done|error)/.test(c.body)).length >= 2, 60_000);
    const live = [...coder.chats.values()].filter((c) => !c.chat.archived);
    expect(live).toHaveLength(1);
  });
});
