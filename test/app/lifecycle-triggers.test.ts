import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { appSettings, BOT, deliver, INSTALLATION, OWNER, REPO, startTestApp, type TestApp, startAppFakes, stopAppAndFakes } from './harness.js';

// Each test starts the App (webhook server and job worker thread): slow on a loaded machine.
jest.setTimeout(120_000);

let coder: FakeCoder;
let github: FakeGitHub;
let app: TestApp | undefined;

beforeEach(async () => {
  ({ coder, github } = await startAppFakes());
  github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
  github.addIssue(OWNER, REPO, { number: 3, title: 'Export to CSV', body: 'The report page needs a CSV export button.', user: 'reporter' });
});
afterEach(async () => {
  await stopAppAndFakes(app, { coder, github });
  app = undefined;
});

const botComments = () => github.comments(OWNER, REPO, 3).filter((c) => c.user.login === BOT);

function assigned(assignee: string, sender = 'maintainer') {
  const payload = webhookExample('issues', 'assigned');
  Object.assign(payload['issue'] as object, { number: 3, title: 'Export to CSV', body: 'The report page needs a CSV export button.', user: { login: 'reporter', id: 8, type: 'User' } });
  Object.assign(payload['repository'] as object, { name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER, id: 1, type: 'User' } });
  payload['assignee'] = { login: assignee, id: 99, type: 'User' };
  payload['sender'] = { login: sender, id: 7, type: 'User' };
  payload['installation'] = { id: INSTALLATION, node_id: 'x' };
  return payload;
}

describe('the App: assignee-trigger in .github/coder-agent.yml', () => {
  it('an assignment to the configured account starts one chat with the issue, even when redelivered', async () => {
    github.setFile(OWNER, REPO, '.github/coder-agent.yml', 'assignee-trigger: agent-bot\n');
    app = await startTestApp(appSettings(coder, github));
    const payload = assigned('agent-bot');
    expect((await deliver(app.app, 'issues', payload)).status).toBe(200);
    await waitFor(() => botComments().some((c) => c.body.includes('state=done')), 45_000);
    // A redelivery (new delivery id, same assignment) is recognised.
    await deliver(app.app, 'issues', payload);
    await new Promise((r) => setTimeout(r, 300));
    expect(coder.chats.size).toBe(1);
    const [chat] = [...coder.chats.values()];
    expect(JSON.stringify(chat?.messages[0]?.content)).toContain('You have been assigned this issue');
    expect(JSON.stringify(chat?.messages[0]?.content)).toContain('CSV export button');
    expect(botComments()).toHaveLength(1);
  });

  it('without the setting, or assigned to someone else, or by a reader: no chat', async () => {
    app = await startTestApp(appSettings(coder, github));
    await deliver(app.app, 'issues', assigned('agent-bot'));
    github.setFile(OWNER, REPO, '.github/coder-agent.yml', 'assignee-trigger: [agent-bot]\n');
    await app.stop();
    app = await startTestApp(appSettings(coder, github));
    await deliver(app.app, 'issues', assigned('alice'));
    github.setPermission(OWNER, REPO, 'visitor', 'read');
    await deliver(app.app, 'issues', assigned('agent-bot', 'visitor'));
    await waitFor(async () => (await app!.store.counts()).refused >= 1, 45_000);
    expect(coder.chats.size).toBe(0);
    expect(botComments()).toHaveLength(0);
  });
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
