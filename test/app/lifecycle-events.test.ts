import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { threadLabels } from '../../src/agent/thread-label.js';
import { appSettings, BOT, CODER_TOKEN, deliver, INSTALLATION, OWNER, REPO, startTestApp, type TestApp, startAppFakes, stopAppAndFakes } from './harness.js';

// Each test starts the App (webhook server and job worker thread): slow on a loaded machine.
jest.setTimeout(120_000);

let coder: FakeCoder;
let github: FakeGitHub;
let app: TestApp | undefined;

beforeEach(async () => {
  ({ coder, github } = await startAppFakes());
  github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
});
afterEach(async () => {
  await stopAppAndFakes(app, { coder, github });
  app = undefined;
});

function installed(payload: Record<string, unknown>) {
  payload['installation'] = { id: INSTALLATION, node_id: 'x' };
  Object.assign(payload['repository'] as object, { id: github.addRepo(OWNER, REPO).id, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER, id: 1, type: 'User' } });
  // A workflow run of the repository's own commit names the repository as its head repository, as GitHub sends it.
  const run = payload['workflow_run'] as { head_repository?: object } | undefined;
  if (run) run.head_repository = { ...run.head_repository, id: github.addRepo(OWNER, REPO).id };
  return payload;
}

/** The labels the bot gives a chat it starts in #number of the test repository. */
const labelsFor = (number: number) => threadLabels({ repositoryId: github.addRepo(OWNER, REPO).id, number });

describe('the App: CI feedback (workflow_run)', () => {
  it('relays a failed run on the agent’s pull request once, even when GitHub redelivers it', async () => {
    const payload = installed(webhookExample('workflow_run', 'completed', (p) => ((p['workflow_run'] as { pull_requests: unknown[] }).pull_requests ?? []).length > 0));
    const run = payload['workflow_run'] as { id: number; conclusion: string };
    run.conclusion = 'failure';
    github.addPullRequest(OWNER, REPO, { number: 2, title: 'Agent PR', body: '', user: 'maintainer', head: { ref: 'changes' }, base: { ref: 'master' }, files: [] });
    github.addWorkflowRun(OWNER, REPO, run.id, [{ name: 'test', conclusion: 'failure', log: 'FAIL src/csv.test.ts' }]);
    // Started by the bot in issue #1; it opened pull request #2.
    const chat = coder.createChatDirect({ labels: labelsFor(1), messages: [{ role: 'user', text: 'add CSV export' }] });
    chat.chat.diff_status = { url: `https://github.com/${OWNER}/${REPO}/pull/2`, pr_number: 2, head_branch: 'changes' };
    app = await startTestApp(appSettings(coder, github));
    expect((await deliver(app.app, 'workflow_run', payload)).status).toBe(200);
    const sends = () => coder.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${chat.id}/messages`));
    await waitFor(() => sends().length === 1, 45_000);
    await deliver(app.app, 'workflow_run', payload); // a redelivery: new delivery id, same run
    await new Promise((r) => setTimeout(r, 500));
    expect(sends()).toHaveLength(1);
    expect(JSON.stringify(sends()[0]?.body)).toContain('FAIL src/csv.test.ts');
    expect(github.comments(OWNER, REPO, 2).filter((c) => c.user.login === BOT)).toHaveLength(1);
  });

  it('records no job for successful runs, or with ci-feedback: false', async () => {
    github.setFile(OWNER, REPO, '.github/coder-agent.yml', 'ci-feedback: false\n');
    app = await startTestApp(appSettings(coder, github));
    const ok = installed(webhookExample('workflow_run', 'completed'));
    (ok['workflow_run'] as { conclusion: string }).conclusion = 'success';
    const failed = installed(webhookExample('workflow_run', 'completed'));
    (failed['workflow_run'] as { conclusion: string }).conclusion = 'failure';
    await deliver(app.app, 'workflow_run', ok);
    await deliver(app.app, 'workflow_run', failed);
    const counts = await app.store.counts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  });
});

describe('the App: clean-up on close', () => {
  it('closing a pull request (real payload) archives its chat, interrupting it first; reopening unarchives it', async () => {
    coder.options.agent = () => [{ status: 'running' }, { hang: true }];
    const closed = installed(webhookExample('pull_request', 'closed'));
    const reopened = installed(webhookExample('pull_request', 'reopened'));
    const number = (closed['pull_request'] as { number: number }).number;
    (reopened['pull_request'] as { number: number }).number = number;
    github.addPullRequest(OWNER, REPO, { number, title: 'Fix', body: '', user: 'maintainer', head: { ref: 'fix' }, base: { ref: 'main' }, files: [] });
    const chat = coder.createChatDirect({ labels: labelsFor(number), messages: [{ role: 'user', text: 'fix' }] });
    github.addComment(OWNER, REPO, number, { body: `Working.\n\n<!-- coder-agent-bot chat=${chat.id} state=running -->`, user: BOT });
    await fetch(`${coder.chatsUrl()}/${chat.id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'Coder-Session-Token': CODER_TOKEN }, body: JSON.stringify({ content: [{ type: 'text', text: 'more' }] }) });
    await coder.waitForStatus(chat.id, 'running');
    app = await startTestApp(appSettings(coder, github));
    await deliver(app.app, 'pull_request', closed);
    await waitFor(() => coder.chat(chat.id).chat.archived, 45_000);
    const paths = coder.requests.filter((r) => r.method !== 'GET' && r.path.includes(chat.id)).map((r) => r.path);
    expect(paths.findIndex((p) => p.endsWith('/interrupt'))).toBeLessThan(paths.findIndex((p) => p.endsWith('/archive') || p.endsWith(chat.id)));
    await deliver(app.app, 'pull_request', reopened);
    await waitFor(() => !coder.chat(chat.id).chat.archived, 45_000);
  });

  it("closing an issue whose bot comment names another thread's chat (a forged marker) leaves that chat alone", async () => {
    const other = coder.createChatDirect({ labels: labelsFor(9), messages: [{ role: 'user', text: 'other work' }] });
    github.addIssue(OWNER, REPO, { number: 4, title: 'Unrelated', body: '', user: 'maintainer' });
    github.addComment(OWNER, REPO, 4, { body: `Done.\n\n<!-- coder-agent-bot chat=${other.id} state=done -->`, user: BOT });
    // issues.closed has no example in @octokit/webhooks-examples: the real `reopened` one, closed.
    const closed = installed(webhookExample('issues', 'reopened'));
    closed['action'] = 'closed';
    Object.assign(closed['issue'] as object, { number: 4, state: 'closed' });
    app = await startTestApp(appSettings(coder, github));
    expect((await deliver(app.app, 'issues', closed, { id: 'close-4' })).status).toBe(200);
    const store = app.store;
    // A run that does nothing ends as a finished job with a skipped result.
    await waitFor(async () => (await store.get('close-4'))?.state === 'skipped', 45_000);
    expect((await store.get('close-4'))?.result).toMatchObject({ status: 'skipped', reason: 'No agent chat belongs to this thread.' });
    expect(coder.chat(other.id).chat.archived).toBe(false);
    expect(coder.requests.filter((r) => r.method !== 'GET' && r.path.includes(other.id))).toEqual([]);
  });
});
