import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { appSettings, BOT, commentDelivery, deliver, OWNER, REPO, startTestApp, type TestApp, startAppFakes, stopAppAndFakes } from './harness.js';

// Starts the App (webhook server and job worker thread): slow on a loaded machine.
jest.setTimeout(120_000);

let coder: FakeCoder;
let github: FakeGitHub;
let app: TestApp | undefined;

beforeEach(async () => {
  ({ coder, github } = await startAppFakes());
});
afterEach(async () => {
  await stopAppAndFakes(app, { coder, github });
  app = undefined;
});

function edited(created: Record<string, unknown>, before: string, after: string) {
  const payload = webhookExample('issue_comment', 'edited');
  for (const key of ['issue', 'repository', 'sender', 'installation']) payload[key] = created[key];
  payload['comment'] = { ...(created['comment'] as object), body: after, updated_at: new Date(Date.now() + 1000).toISOString() };
  payload['changes'] = { body: { from: before } };
  return payload;
}
const answers = () => github.comments(OWNER, REPO, 1).filter((c) => c.user.login === BOT && c.body.includes('state=done'));
const userTurns = () => [...coder.chats.values()].flatMap((c) => c.messages.filter((m) => m.role === 'user'));

describe('the App: edited trigger comments', () => {
  it('off by default: the edit is not even recorded; with rerun-on-edit it is a follow-up that says so', async () => {
    app = await startTestApp(appSettings(coder, github));
    const created = commentDelivery(github, '/agent fix the login test');
    await deliver(app.app, 'issue_comment', created);
    await waitFor(() => answers().length === 1, 45_000);
    // The answer is posted just before the job is marked done: compare counts once it is.
    await waitFor(async () => (await app!.store.counts()).done === 1, 45_000);
    const before = await app.store.counts();
    await deliver(app.app, 'issue_comment', edited(created, '/agent fix the login test', '/agent fix the signup test'));
    expect(await app.store.counts()).toEqual(before);
    expect(userTurns()).toHaveLength(1);

    github.setFile(OWNER, REPO, '.github/coder-agent.yml', 'rerun-on-edit: true\n');
    await app.stop();
    app = await startTestApp(appSettings(coder, github));
    await deliver(app.app, 'issue_comment', edited(created, '/agent fix the login test', '/agent fix the signup test'));
    await waitFor(() => answers().length === 2, 45_000);
    expect(coder.chats.size).toBe(1);
    expect(JSON.stringify(userTurns()[1]?.content)).toContain('fix the signup test');
    expect(answers()[1]?.body).toContain('This answers the edited request');
  });
});
