/**
 * Issue 8, kind 2, through the App: the configured label starts one request
 * per addition, only when the labeller may write; redeliveries make no
 * second chat, a new addition after removal does.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { appSettings, BOT, commentDelivery, deliver, INSTALLATION, OWNER, REPO, startTestApp, type TestApp, startAppFakes, stopAppAndFakes } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;
let app: TestApp | undefined;

beforeEach(async () => {
  ({ coder, github } = await startAppFakes());
  github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
  github.setPermission(OWNER, REPO, 'triager', 'triage');
  github.addIssue(OWNER, REPO, { number: 1, title: 'Release cleanup', body: '/agent delete the release branch', user: 'maintainer' });
  github.setFile(OWNER, REPO, '.github/coder-agent.yml', 'label-trigger: agent\n');
});
afterEach(async () => {
  await stopAppAndFakes(app, { coder, github });
  app = undefined;
});

function labeled(label: string, sender: string, updatedAt: string) {
  const payload = webhookExample('issues', 'labeled');
  Object.assign(payload['issue'] as object, { number: 1, title: 'Release cleanup', body: '/agent delete the release branch', updated_at: updatedAt, user: { login: 'maintainer', id: 7, type: 'User' } });
  Object.assign(payload['repository'] as object, { id: github.addRepo(OWNER, REPO).id, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER, id: 1, type: 'User' } });
  payload['label'] = { id: 99, name: label, color: 'ededed', default: false };
  payload['sender'] = { login: sender, id: 12, type: 'User' };
  payload['installation'] = { id: INSTALLATION, node_id: 'x' };
  return payload;
}

const answers = () => github.comments(OWNER, REPO, 1).filter((c) => c.user.login === BOT && c.body.includes('state=done'));

describe('the App on labels', () => {
  it('triage labels start nothing; the configured label from a writer starts one request per addition', async () => {
    app = await startTestApp(appSettings(coder, github));
    await deliver(app.app, 'issues', labeled('agent', 'triager', '2026-11-30T10:00:00Z'));
    await deliver(app.app, 'issues', labeled('bug', 'maintainer', '2026-11-30T10:00:01Z'));
    const first = labeled('agent', 'maintainer', '2026-11-30T10:00:02Z');
    await deliver(app.app, 'issues', first);
    // GitHub redelivers (same payload, new delivery id): still one request.
    await deliver(app.app, 'issues', first, { id: randomUUID() });
    await waitFor(() => answers().length === 1, 15_000);
    await waitFor(async () => (await app!.store.counts()).refused >= 1, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(coder.chats.size).toBe(1);

    // Removed and added again: a new event, a new request.
    await deliver(app.app, 'issues', labeled('agent', 'maintainer', '2026-11-30T11:00:00Z'));
    await waitFor(() => answers().length === 2, 15_000);
    expect(coder.chats.size).toBe(2);
  });
});

describe('the App never answers itself (issue 8, kind 7b)', () => {
  it('not when ALLOWED_BOTS is * or names it, for its comments and its labels', async () => {
    app = await startTestApp(appSettings(coder, github, { allowedBots: ['*', BOT] }));
    await deliver(app.app, 'issue_comment', commentDelivery(github, '/agent answer yourself', { user: BOT, userType: 'Bot' }));
    const byBot = labeled('agent', BOT, '2026-11-30T12:00:00Z');
    byBot['sender'] = { login: BOT, id: 99, type: 'Bot' };
    await deliver(app.app, 'issues', byBot);
    await new Promise((r) => setTimeout(r, 500));
    const c = await app.store.counts();
    expect(Object.values(c).reduce((sum, n) => sum + n, 0)).toBe(0);
    expect(coder.chats.size).toBe(0);
  });
});
