/**
 * Issue 8, kind 1, through the App: one installation serves many
 * repositories, so a marker naming another repository's chat must not let a
 * writer here continue or stop it.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { threadLabelValue } from '../../src/agent/thread-label.js';
import { readSettings } from '../../src/app/settings.js';
import { appSettings, BOT, CODER_TOKEN, commentDelivery, deliver, INSTALLATION, startTestApp, type TestApp } from './harness.js';

const OWNER = 'acme';
const PUBLIC = 'widgets';
const PRIVATE = 'secret-plans';
let coder: FakeCoder;
let github: FakeGitHub;
let app: TestApp | undefined;

beforeEach(async () => {
  coder = await FakeCoder.start({ token: CODER_TOKEN });
  github = await FakeGitHub.start({ writers: ['maintainer', 'insider'] });
});
afterEach(async () => {
  await app?.stop().catch(() => undefined);
  app = undefined;
  await coder.close();
  await github.close();
});

/** What readSettings needs besides the GitHub host (the values are not used: the test App runs on the fakes). */
const settingsEnv = { APP_ID: '1', PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\\nMIIB\\n-----END RSA PRIVATE KEY-----', WEBHOOK_SECRET: 's', CODER_URL: 'https://coder.example.com', CODER_SESSION_TOKEN: 'tok-123456' };
const marker = (chatId: string) => `<!-- coder-agent-bot chat=${chatId} state=done -->`;
const botComments = (repo: string) => github.comments(OWNER, repo, 1).filter((c) => c.user.login === BOT);
const sentTo = (chatId: string) => coder.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/chats/${chatId}/messages`));
const interrupted = (chatId: string) => coder.requests.some((r) => r.path.endsWith(`/chats/${chatId}/interrupt`));

describe('the App verifies a thread\'s chat by its label', () => {
  it('a follow-up and a stop naming another repository\'s chat start fresh and find "no chat here"', async () => {
    app = await startTestApp(appSettings(coder, github));
    await deliver(app.app, 'issue_comment', commentDelivery(github, '/agent private work', { owner: OWNER, repo: PRIVATE, user: 'insider' }));
    await waitFor(() => botComments(PRIVATE).some((c) => c.body.includes('state=done')), 15_000);
    const other = [...coder.chats.keys()][0] ?? '';
    expect(coder.chats.get(other)?.chat.labels['coder-agent-bot/thread']).toBe(`gh/${github.addRepo(OWNER, PRIVATE).id}/1`);

    // The public thread has a bot comment whose marker names the private chat (forged, or from before the label).
    await deliver(app.app, 'issue_comment', commentDelivery(github, 'seeding the thread', { owner: OWNER, repo: PUBLIC }));
    github.addComment(OWNER, PUBLIC, 1, { body: `Earlier\n\n${marker(other)}`, user: BOT });
    await deliver(app.app, 'issue_comment', commentDelivery(github, '/agent what did the other chat say?', { owner: OWNER, repo: PUBLIC }));
    await waitFor(() => botComments(PUBLIC).some((c) => c.body.includes('state=done') && c.body.includes('what did the other chat say?')), 15_000);
    expect(coder.chats.size).toBe(2);
    expect(sentTo(other)).toHaveLength(0);
    const answer = botComments(PUBLIC).find((c) => c.body.includes('what did the other chat say?'))?.body ?? '';
    expect(answer).not.toContain('private work');

    github.addComment(OWNER, PUBLIC, 1, { body: `Earlier\n\n${marker(other)}`, user: BOT });
    await deliver(app.app, 'issue_comment', commentDelivery(github, '/agent stop', { owner: OWNER, repo: PUBLIC }));
    await waitFor(() => botComments(PUBLIC).some((c) => c.body.includes('There is no agent chat in this thread to stop')), 15_000);
    expect(interrupted(other)).toBe(false);
  });
});

/** Only the newest two pages of 100 comments are read (octokit-port.ts, THREAD_WINDOW_PAGES; re-review 8d). */
describe('the App in a thread longer than what is read', () => {
  it('a follow-up and a stop reach the chat labelled for the thread when the marker is older than its newest 200 comments', async () => {
    app = await startTestApp(appSettings(coder, github));
    await deliver(app.app, 'issue_comment', commentDelivery(github, '/agent start here', { owner: OWNER, repo: PUBLIC }));
    await waitFor(() => botComments(PUBLIC).some((c) => c.body.includes('state=done')), 15_000);
    const own = [...coder.chats.keys()][0] ?? '';
    for (let i = 0; i < 250; i++) github.addComment(OWNER, PUBLIC, 1, { body: `noise ${i}`, user: 'reader' });

    await deliver(app.app, 'issue_comment', commentDelivery(github, '/agent and now?', { owner: OWNER, repo: PUBLIC }));
    await waitFor(() => botComments(PUBLIC).some((c) => c.body.includes('state=done') && c.body.includes('and now?')), 15_000);
    expect(coder.chats.size).toBe(1);
    expect(sentTo(own)).toHaveLength(1);

    for (let i = 0; i < 250; i++) github.addComment(OWNER, PUBLIC, 1, { body: `more noise ${i}`, user: 'reader' });
    await deliver(app.app, 'issue_comment', commentDelivery(github, '/agent stop', { owner: OWNER, repo: PUBLIC }));
    await waitFor(() => interrupted(own), 15_000);
    // Each request read the conversation with at most three list requests, however long it grew.
    const reads = github.requests.filter((r) => r.method === 'GET' && r.path === `/repos/${OWNER}/${PUBLIC}/issues/1/comments`);
    expect(reads.map((r) => r.query.page ?? '1')).toEqual(['1', '1', '2', '3', '1', '5', '6']);
  });
});

/**
 * Re-review 8e through the App: GitHub answers a transferred issue's reads
 * with a 301 to its new repository, which the port refuses
 * (thread-identity.ts), so a request whose issue moved away before its job
 * ran reaches neither the moved issue nor the thread of its new number here.
 */
describe('the App and an issue transferred to another repository', () => {
  it('the job reads nothing there, starts no chat, posts nowhere, and fails once with a sentence that does not name where it went', async () => {
    app = await startTestApp(appSettings(coder, github));
    const payload = commentDelivery(github, '/agent summarise this issue', { owner: OWNER, repo: PUBLIC, number: 5 });
    github.addRepo(OWNER, PRIVATE, { installationId: INSTALLATION, private: true });
    // The moved issue becomes secret-plans#1; widgets#1 is an unrelated thread.
    github.addIssue(OWNER, PUBLIC, { number: 1, title: 'Unrelated' });
    github.transferIssue(OWNER, PUBLIC, 5, { owner: OWNER, repo: PRIVATE });

    const id = 'transferred-1';
    await deliver(app.app, 'issue_comment', payload, { id });
    const store = app.store;
    await waitFor(async () => (await store.get(id))?.state === 'failed', 15_000);
    const job = await store.get(id);
    expect(job?.attempts).toBe(1);
    expect(job?.error).toContain(`${OWNER}/${PUBLIC}#5 was transferred to another repository`);
    expect(job?.error).not.toContain(PRIVATE);
    expect(coder.chats.size).toBe(0);
    expect(botComments(PUBLIC)).toHaveLength(0);
    expect(botComments(PRIVATE)).toHaveLength(0);
  });

  /**
   * Re-review 8f: an issue moved before anyone commented answers its comment
   * list, after the 301, with an empty list; the port refuses it by the URL
   * the list was read at (octokit-port.ts, listReadFrom), so an `issues`
   * job, which reads no issue besides its payload, also fails at once.
   */
  it('an `issues` labeled job for an issue moved away before any comment starts no chat and posts nowhere', async () => {
    github.addRepo(OWNER, PUBLIC, { installationId: INSTALLATION });
    github.addRepo(OWNER, PRIVATE, { installationId: INSTALLATION, private: true });
    github.setFile(OWNER, PUBLIC, '.github/coder-agent.yml', 'label-trigger: agent\n');
    github.addIssue(OWNER, PUBLIC, { number: 1, title: 'Unrelated' });
    github.addIssue(OWNER, PUBLIC, { number: 5, title: 'Release cleanup', body: '/agent delete the release branch', user: 'maintainer' });
    const payload = webhookExample('issues', 'labeled');
    Object.assign(payload['issue'] as object, { number: 5, title: 'Release cleanup', body: '/agent delete the release branch', user: { login: 'maintainer', id: 7, type: 'User' } });
    Object.assign(payload['repository'] as object, { id: github.addRepo(OWNER, PUBLIC).id, name: PUBLIC, full_name: `${OWNER}/${PUBLIC}`, owner: { login: OWNER, id: 1, type: 'User' } });
    payload['label'] = { id: 99, name: 'agent', color: 'ededed', default: false };
    payload['sender'] = { login: 'maintainer', id: 7, type: 'User' };
    payload['installation'] = { id: INSTALLATION, node_id: 'x' };
    github.transferIssue(OWNER, PUBLIC, 5, { owner: OWNER, repo: PRIVATE });
    app = await startTestApp(appSettings(coder, github));

    const id = 'transferred-labeled-1';
    await deliver(app.app, 'issues', payload, { id });
    const store = app.store;
    await waitFor(async () => (await store.get(id))?.state === 'failed', 15_000);
    const job = await store.get(id);
    expect(job?.attempts).toBe(1);
    expect(job?.error).toContain(`${OWNER}/${PUBLIC}#5 was transferred to another repository`);
    expect(job?.error).not.toContain(PRIVATE);
    // The list that was refused came back empty through the 301: no comment named the new place.
    expect(github.requestsTo({ path: `/repos/${OWNER}/${PUBLIC}/issues/5/comments` }).map((r) => r.status)).toContain(301);
    expect(coder.chats.size).toBe(0);
    expect(github.comments(OWNER, PRIVATE, 1)).toHaveLength(0);
    expect(github.comments(OWNER, PUBLIC, 1)).toHaveLength(0);
  });
});

describe('the App names its GitHub host in the thread label (GHE_HOST)', () => {
  it('a chat labelled for the same repository id and number on github.com is "no chat here" for the Enterprise App', async () => {
    // One Coder account behind two Apps: one for github.com, one for an Enterprise server whose ids overlap.
    app = await startTestApp(appSettings(coder, github));
    await deliver(app.app, 'issue_comment', commentDelivery(github, '/agent private work', { owner: OWNER, repo: PUBLIC, user: 'insider' }));
    await waitFor(() => botComments(PUBLIC).some((c) => c.body.includes('state=done')), 15_000);
    const other = [...coder.chats.keys()][0] ?? '';
    const id = github.addRepo(OWNER, PUBLIC).id;
    expect(coder.chats.get(other)?.chat.labels['coder-agent-bot/thread']).toBe(`gh/${id}/1`);
    await app.stop();

    const settings = readSettings({ ...settingsEnv, GHE_HOST: 'ghe.example.com', GITHUB_API_URL: github.url }, () => '');
    app = await startTestApp(appSettings(coder, github, { gheHost: settings.gheHost, githubHost: settings.githubHost }));
    await deliver(app.app, 'issue_comment', commentDelivery(github, '/agent what did the other chat say?', { owner: OWNER, repo: PUBLIC }));
    await waitFor(() => botComments(PUBLIC).some((c) => c.body.includes('state=done') && c.body.includes('what did the other chat say?')), 15_000);
    expect(coder.chats.size).toBe(2);
    expect(sentTo(other)).toHaveLength(0);
    const mine = [...coder.chats.keys()].find((k) => k !== other) ?? '';
    expect(coder.chats.get(mine)?.chat.labels['coder-agent-bot/thread']).toBe(threadLabelValue({ repositoryId: id, number: 1, host: 'ghe.example.com' }));

    github.addComment(OWNER, PUBLIC, 1, { body: `Earlier\n\n${marker(other)}`, user: BOT });
    await deliver(app.app, 'issue_comment', commentDelivery(github, '/agent stop', { owner: OWNER, repo: PUBLIC }));
    await waitFor(() => botComments(PUBLIC).some((c) => c.body.includes('There is no agent chat in this thread to stop')), 15_000);
    expect(interrupted(other)).toBe(false);
  });
});
