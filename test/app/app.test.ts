import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { startApp } from '../../src/app/server.js';
import { openJobStore } from '../../src/app/store/open-store.js';
import { appSettings, BOT, CODER_TOKEN, commentDelivery, CRASHING_WORKER_ENTRY, TEST_WORKER_ENTRY, deliver, INSTALLATION, OWNER, REPO, startTestApp, type TestApp } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;
let apps: TestApp[] = [];

beforeEach(async () => {
  coder = await FakeCoder.start({ token: CODER_TOKEN });
  github = await FakeGitHub.start({ writers: ['maintainer'] });
});
afterEach(async () => {
  for (const a of apps) await a.stop().catch(() => undefined);
  apps = [];
  await coder.close();
  await github.close();
});

async function launch(overrides: Parameters<typeof appSettings>[2] = {}) {
  const a = await startTestApp(appSettings(coder, github, overrides));
  apps.push(a);
  return a;
}

const botComments = (number = 1, owner = OWNER, repo = REPO) => github.comments(owner, repo, number).filter((c) => c.user.login === BOT);
const answered = (number = 1) => botComments(number).some((c) => /state=(done|error|stopped)/.test(c.body));

describe('the App webhook endpoint', () => {
  it('rejects a delivery with a bad or missing signature (4xx) and does nothing', async () => {
    const { app, store } = await launch();
    const payload = commentDelivery(github, '/agent do it');
    const bad = await deliver(app, 'issue_comment', payload, { signature: `sha256=${'0'.repeat(64)}` });
    const missing = await deliver(app, 'issue_comment', payload, { secret: null });
    const wrongSecret = await deliver(app, 'issue_comment', payload, { secret: 'not-the-secret' });
    for (const r of [bad, missing, wrongSecret]) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(coder.requests).toHaveLength(0);
    expect((await store.counts()).queued).toBe(0);
    expect(github.requests).toHaveLength(0);
  });

  it('answers at once and runs the request in the background: 👀, one comment, the answer', async () => {
    const { app } = await launch();
    const r = await deliver(app, 'issue_comment', commentDelivery(github, '/agent why is checkout slow?'));
    expect(r.status).toBe(200);
    await waitFor(() => answered(), 15_000);
    const [answer, ...more] = botComments();
    expect(more).toHaveLength(0);
    expect(answer?.body).toContain('why is checkout slow?');
    expect(answer?.body).toContain('state=done');
    expect(github.reactions(OWNER, REPO).map((x) => x.content)).toContain('eyes');
    const create = coder.requests.find((q) => q.method === 'POST' && q.path === '/api/experimental/chats');
    expect(JSON.stringify(create?.body)).toContain('Checkout is slow');
  });

  it('a follow-up whose send loses its connection is tried again by the job, not ended in an error comment (chaos over HTTP)', async () => {
    const { app } = await launch();
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent first question'));
    await waitFor(() => answered(), 15_000);
    // The connection drops on the follow-up's send: Coder may or may not have the message, so the client cannot
    // resend it blindly; the job's next attempt looks for its tagged message first.
    coder.destroyNextRequest({ method: 'POST', path: /\/messages$/ }, 1);
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent second question'));
    await waitFor(() => botComments().filter((c) => c.body.includes('state=done')).length === 2, 20_000);
    expect(botComments().filter((c) => /state=error/.test(c.body))).toHaveLength(0);
    expect(botComments()).toHaveLength(2);
    expect(coder.chats.size).toBe(1);
  });

  it('ignores comments that do not call the bot without recording them', async () => {
    const { app, store } = await launch();
    expect((await deliver(app, 'issue_comment', commentDelivery(github, 'just chatting'))).status).toBe(200);
    const c = await store.counts();
    expect(Object.values(c).reduce((sum, n) => sum + n, 0)).toBe(0);
  });

  it('a redelivery (same delivery id, or a new id for the same comment) makes one chat and one answer', async () => {
    const { app } = await launch();
    const payload = commentDelivery(github, '/agent once please');
    const id = randomUUID();
    await deliver(app, 'issue_comment', payload, { id });
    await deliver(app, 'issue_comment', payload, { id });
    await deliver(app, 'issue_comment', payload, { id: randomUUID() });
    await waitFor(() => answered(), 15_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(coder.chats.size).toBe(1);
    expect(botComments()).toHaveLength(1);
  });

  it('serves /healthz and /metrics', async () => {
    const { app } = await launch();
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent count me'));
    await waitFor(() => answered(), 15_000);
    await waitFor(async () => /coder_agent_bot_jobs\{state="done"\} 1/.test(await (await fetch(`${app.url}/metrics`)).text()));
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toContain('coder_agent_bot_deliveries_total{event="issue_comment.created",outcome="queued"} 1');
    expect(metrics).toMatch(/coder_agent_bot_time_to_reaction_seconds_count 1/);
    expect(metrics).toMatch(/coder_agent_bot_time_to_answer_seconds_count 1/);
    expect(metrics).toContain('coder_agent_bot_runs_total{status="completed"} 1');
    expect(metrics).not.toContain(CODER_TOKEN);
  });
});

describe('the App across restarts', () => {
  it('a restart in the middle of a chat still gives exactly one answer', async () => {
    coder.options.agent = () => [{ status: 'running' }, { text: 'Halfway. ' }, { delayMs: 1500 }, { text: 'Done.' }, { persist: true }, { status: 'waiting' }];
    const settings = appSettings(coder, github);
    const first = await startTestApp(settings);
    apps.push(first);
    await deliver(first.app, 'issue_comment', commentDelivery(github, '/agent survive a restart'));
    await waitFor(() => coder.streamCount() > 0, 15_000);
    await first.stop();
    apps = [];
    expect(answered()).toBe(false);
    const progress = botComments();
    expect(progress).toHaveLength(1);
    expect(progress[0]?.body).toContain('state=running');

    const second = await startTestApp(settings);
    apps.push(second);
    await waitFor(() => answered(), 15_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(coder.chats.size).toBe(1);
    const comments = botComments();
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('Halfway. Done.');
    expect((await second.store.counts()).done).toBe(1);
  });
});

describe('the App shutting down', () => {
  it('refuses deliveries and reports "stopping" while it winds down, then leaves the chat resumable', async () => {
    coder.options.agent = () => [{ status: 'running' }, { text: 'Working. ' }, { delayMs: 3000 }, { text: 'Done.' }, { persist: true }, { status: 'waiting' }];
    const a = await launch();
    await deliver(a.app, 'issue_comment', commentDelivery(github, '/agent take your time'));
    await waitFor(() => coder.streamCount() > 0, 15_000);
    // Hold the store's write lock so the worker's release (the last step of stopping) waits: the window stays open.
    const blocker = new Database(a.settings.databaseUrl.replace(/^sqlite:/, ''));
    blocker.exec('BEGIN IMMEDIATE');
    const stopped = a.app.stop();
    try {
      const health = await fetch(`${a.app.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'stopping' });
      const late = await deliver(a.app, 'issue_comment', commentDelivery(github, '/agent too late', { number: 2 }));
      expect(late.status).toBe(503);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    await stopped;
    apps = apps.filter((x) => x !== a);
    // Nothing was posted for the refused delivery, and the chat is left, unanswered, to the next start.
    expect(botComments(2)).toHaveLength(0);
    expect(answered()).toBe(false);
    expect(await a.store.counts()).toMatchObject({ queued: 0, following: 1 });
    await a.store.close();
  });
});

describe('the App when its job worker thread dies', () => {
  it('starts another worker, which resumes the chat: still exactly one answer in one comment', async () => {
    coder.options.agent = () => [{ status: 'running' }, { text: 'Halfway. ' }, { delayMs: 1500 }, { text: 'Done.' }, { persist: true }, { status: 'waiting' }];
    const settings = appSettings(coder, github);
    const database = settings.databaseUrl.replace(/^sqlite:/, '');
    const a = await startTestApp(settings, { workerEntry: CRASHING_WORKER_ENTRY, workerRestartDelayMs: 500 });
    apps.push(a);
    writeFileSync(`${database}.crash`, 'armed');
    await deliver(a.app, 'issue_comment', commentDelivery(github, '/agent survive a crash'));
    // Until the new worker is up, /healthz says so.
    const health = async () => {
      const res = await fetch(`${a.app.url}/healthz`);
      return { status: res.status, body: (await res.json()) as { status: string } };
    };
    await waitFor(async () => (await health()).status === 503, 10_000);
    expect((await health()).body.status).toBe('worker restarting');
    await waitFor(() => answered(), 20_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(`${database}.crashed`)).toBe(true);
    const metrics = await (await fetch(`${a.app.url}/metrics`)).text();
    expect(metrics).toContain('coder_agent_bot_worker_crashes_total 1');
    expect(coder.chats.size).toBe(1);
    const comments = botComments();
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('Halfway. Done.');
    expect((await a.store.counts()).done).toBe(1);
    expect((await fetch(`${a.app.url}/healthz`)).status).toBe(200);
  });
});

describe('the App failing to start', () => {
  it('says which address it cannot listen on', async () => {
    const first = await launch();
    const port = Number(new URL(first.app.url).port);
    const settings = appSettings(coder, github, { port });
    const store = await openJobStore(settings.databaseUrl);
    try {
      await expect(startApp({ settings, store, logLevel: 'fatal', defaultMetrics: false, workerEntry: TEST_WORKER_ENTRY })).rejects.toThrow(`The App cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`);
    } finally {
      await store.close();
    }
  });
});

describe('the App under load', () => {
  it('holds the concurrency limit and still answers every request', async () => {
    coder.options.agent = () => [{ status: 'running' }, { delayMs: 300 }, { text: 'ok' }, { persist: true }, { status: 'waiting' }];
    const { app } = await launch({ concurrency: 2 });
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
    for (let n = 1; n <= 5; n++) {
      github.addIssue(OWNER, REPO, { number: n, title: `Issue ${n}` });
      await deliver(app, 'issue_comment', commentDelivery(github, `/agent job ${n}`, { number: n }));
    }
    // Seen from both sides: the jobs the App's worker reports, and the chats the agent works on at once.
    let peak = 0;
    let peakRunning = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, app.worker.active);
      peakRunning = Math.max(peakRunning, [...coder.chats.values()].filter((c) => c.status === 'running').length);
    }, 5);
    await waitFor(() => [1, 2, 3, 4, 5].every((n) => answered(n)), 30_000).catch(async (err: unknown) => {
      console.log([1, 2, 3, 4, 5].map((n) => botComments(n).map((c) => c.body.slice(-80))), JSON.stringify(await apps[0]?.store.counts()), github.requests.map((q) => `${q.method} ${q.path} ${q.status}`).join('\n'));
      throw err;
    });
    clearInterval(sampler);
    expect(peak).toBe(2);
    // GitHub's pacing of new comments may keep the second agent from starting before the first ends; never more than 2.
    expect(peakRunning).toBeGreaterThanOrEqual(1);
    expect(peakRunning).toBeLessThanOrEqual(2);
    expect(coder.chats.size).toBe(5);
  }, 40_000);
});

describe('the App with per-repository settings', () => {
  it('honours .github/coder-agent.yml: its trigger phrase, model and system prompt; enabled: false turns it off', async () => {
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
    github.setFile(OWNER, REPO, '.github/coder-agent.yml', 'trigger-phrase: "@coder"\nmodel: gpt-5\nsystem-prompt: Answer in French.\n');
    github.addRepo(OWNER, 'quiet-repo', { installationId: INSTALLATION });
    github.setFile(OWNER, 'quiet-repo', '.github/coder-agent.yml', 'enabled: false\n');
    const { app } = await launch();
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent old phrase'));
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent anything', { repo: 'quiet-repo' }));
    await deliver(app, 'issue_comment', commentDelivery(github, '@coder use the configured phrase'));
    await waitFor(() => answered(), 15_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(coder.chats.size).toBe(1);
    const create = coder.requests.find((q) => q.method === 'POST' && q.path === '/api/experimental/chats');
    expect(create?.body).toMatchObject({
      model_config_id: coder.options.modelConfigs.find((c) => c.model === 'gpt-5')?.id,
      system_prompt: 'Answer in French.',
    });
    expect(JSON.stringify(create?.body)).toContain('use the configured phrase');
    expect(botComments(1, OWNER, 'quiet-repo')).toHaveLength(0);
  });
});

// Issue 8: one Coder account serves every repository, so a repository's config pins a workspace only where the operator allows it.
describe('the App with a workspace-id in .github/coder-agent.yml', () => {
  const WORKSPACE = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';

  it('refuses it with a comment in the thread when ALLOWED_REPO_WORKSPACES does not list it, and creates no chat', async () => {
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
    github.setFile(OWNER, REPO, '.github/coder-agent.yml', `workspace-id: ${WORKSPACE}\n`);
    const { app } = await launch({ repoWorkspaces: { any: false, pairs: [{ owner: OWNER.toLowerCase(), repo: 'other-repo', workspaceId: WORKSPACE }] } });
    await deliver(app, 'issue_comment', commentDelivery(github, 'no trigger here'));
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent work in that workspace'));
    await waitFor(() => botComments().length > 0, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(coder.chats.size).toBe(0);
    const [refusal, ...more] = botComments();
    expect(more).toHaveLength(0);
    expect(refusal?.body).toContain('The agent may not use the workspace this repository pins');
    expect(refusal?.body).toContain(`${OWNER}/${REPO}`);
    expect(refusal?.body).toContain('ALLOWED_REPO_WORKSPACES');
  });

  it('uses it when ALLOWED_REPO_WORKSPACES lists this repository (or its owner) with that workspace', async () => {
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
    github.setFile(OWNER, REPO, '.github/coder-agent.yml', `workspace-id: ${WORKSPACE.toUpperCase()}\n`);
    const { app } = await launch({ repoWorkspaces: { any: false, pairs: [{ owner: OWNER.toLowerCase(), repo: '*', workspaceId: WORKSPACE }] } });
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent work in that workspace'));
    await waitFor(() => answered(), 15_000);
    expect([...coder.chats.values()].map((c) => c.chat.workspace_id)).toEqual([WORKSPACE.toUpperCase()]);
  });
});

describe('the Action cases that apply to the App', () => {
  it('refuses read-only users and bots, and never answers itself', async () => {
    // Under the deliveries' installation (setPermission alone seeds another, whose token GitHub refuses: config unknown).
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
    github.setPermission(OWNER, REPO, 'visitor', 'read');
    const { app, store } = await launch();
    const [visitor, renovate, itself] = [randomUUID(), randomUUID(), randomUUID()];
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent please', { user: 'visitor' }), { id: visitor });
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent bump', { user: 'renovate[bot]', userType: 'Bot' }), { id: renovate });
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent loop', { user: BOT, userType: 'Bot' }), { id: itself });
    await waitFor(async () => (await store.counts()).refused + (await store.counts()).skipped === 2, 15_000);
    // The read-only person is refused for the permission GitHub reports; the bot is skipped quietly (bots are
    // refused by account type, without a word in the thread); the bot's own comment never became a job.
    expect(await store.get(visitor)).toMatchObject({ state: 'refused' });
    expect(await store.get(renovate)).toMatchObject({ state: 'skipped' });
    expect(await store.get(itself)).toBeUndefined();
    expect(await store.counts()).toMatchObject({ refused: 1, skipped: 1, failed: 0, queued: 0, starting: 0, following: 0 });
    expect(coder.chats.size).toBe(0);
    expect(github.requests.filter((q) => q.method !== 'GET' && !q.path.includes('access_tokens'))).toHaveLength(0);
  });

  it('continues the chat on a follow-up and interrupts on stop', async () => {
    const { app } = await launch();
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent first'));
    await waitFor(() => botComments().length === 1 && answered(), 15_000);
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent second'));
    await waitFor(() => botComments().filter((c) => c.body.includes('state=done')).length === 2, 15_000);
    expect(coder.chats.size).toBe(1);
    expect(botComments()[1]?.body).toContain('second');
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent stop'));
    const chatId = [...coder.chats.keys()][0];
    await waitFor(() => coder.requests.some((q) => q.path === `/api/experimental/chats/${chatId}/interrupt`), 15_000);
  });

  it('reports an agent error in the thread and cuts an over-long answer instead of a 422', async () => {
    coder.options.agent = ({ turnIndex }) =>
      turnIndex === 0 ? [{ status: 'running' }, { error: { message: 'Provider overloaded.' } }] : [{ status: 'running' }, { text: 'x'.repeat(70_000) }, { persist: true }, { status: 'waiting' }];
    const { app } = await launch();
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent fail'));
    await waitFor(() => botComments().some((c) => c.body.includes('state=error')), 15_000);
    expect(botComments()[0]?.body).toContain('Provider overloaded.');
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent write a lot'));
    await waitFor(() => botComments().some((c) => c.body.includes('state=done')), 15_000);
    const long = botComments().find((c) => c.body.includes('state=done'));
    expect(long?.body.length).toBeLessThanOrEqual(65_536);
    expect(github.requests.some((q) => q.status === 422)).toBe(false);
  });

  it('answers a review comment in its thread and an issue opened with the phrase', async () => {
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
    github.addPullRequest(OWNER, REPO, { number: 2, title: 'Speed up checkout', head: { ref: 'fast' }, base: { ref: 'main' } });
    const seeded = github.addReviewComment(OWNER, REPO, 2, { body: '/agent explain this line', user: 'maintainer', path: 'src/cart.ts', line: 3 });
    const review = webhookExample('pull_request_review_comment', 'created');
    Object.assign(review['comment'] as object, { id: seeded.id, body: seeded.body, path: 'src/cart.ts', line: 3, diff_hunk: seeded.diff_hunk, created_at: seeded.created_at, updated_at: seeded.updated_at, user: { login: 'maintainer', id: 7, type: 'User' } });
    Object.assign(review['pull_request'] as object, { number: 2 });
    review['installation'] = { id: INSTALLATION };
    const { app } = await launch();
    await deliver(app, 'pull_request_review_comment', review);
    await waitFor(() => github.reviewComments(OWNER, REPO, 2).some((c) => c.user.login === BOT && c.body.includes('state=done')), 15_000);

    github.addIssue(OWNER, REPO, { number: 5, title: 'New bug', body: '/agent triage', user: 'maintainer' });
    const opened = webhookExample('issues', 'opened', (x) => typeof (x['issue'] as { body: unknown }).body === 'string');
    Object.assign(opened['issue'] as object, { number: 5, body: '/agent triage', user: { login: 'maintainer', id: 7, type: 'User' } });
    opened['sender'] = { login: 'maintainer', id: 7, type: 'User' };
    opened['installation'] = { id: INSTALLATION };
    await deliver(app, 'issues', opened);
    await waitFor(() => answered(5), 15_000);
  });
});

describe('the App with an answer that leaves a code fence open (issue 12, item 8)', () => {
  it('closes the fence before the footer, so the marker stays a marker', async () => {
    coder.options.agent = () => [{ status: 'running' }, { text: 'Try this:\n\n```ts\nconst session = cached();\n' }, { persist: true }, { status: 'waiting' }];
    const { app } = await launch();
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent show me'));
    await waitFor(() => answered(), 15_000);
    const body = botComments()[0]?.body ?? '';
    const lines = body.split('\n');
    const footer = lines.findIndex((l) => l.includes('Open in Coder'));
    expect(footer).toBeGreaterThan(0);
    expect(lines.slice(0, footer).filter((l) => /^\s*```/.test(l))).toHaveLength(2);
    expect(body).toMatch(/\n<!-- coder-agent-bot chat=[0-9a-f-]{36} state=done\b[^>]*-->$/);
  });
});
