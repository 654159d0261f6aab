/**
 * The App's network edge, on the real server: bounded bodies and a
 * repository config GitHub cannot serve.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { appSettings, BOT, CODER_TOKEN, commentDelivery, deliver, OWNER, REPO, startTestApp, type TestApp } from './harness.js';

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

async function launch() {
  const a = await startTestApp(appSettings(coder, github));
  apps.push(a);
  return a;
}

const CONFIG = /\/contents\/\.github(\/|%2F)coder-agent\.yml$/i;

describe('the App edge', () => {
  it('refuses a body declared over 25 MiB with 413 before reading it, and stays healthy', async () => {
    const { app } = await launch();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${app.url}/api/github/webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(25 * 1024 * 1024 + 1),
          'x-github-event': 'issue_comment',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
        },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.write('{');
    });
    expect(status).toBe(413);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('a repository config GitHub cannot serve (502): 2xx and recorded, never acted on with defaults; the worker reads `enabled: false` and does nothing', async () => {
    const { app, store } = await launch();
    github.addRepo('Codertocat', 'Hello-World', { installationId: 4242 });
    github.setFile('Codertocat', 'Hello-World', '.github/coder-agent.yml', 'enabled: false\n');
    const payload = commentDelivery(github, '/agent do it');
    github.failNext({ method: 'GET', path: CONFIG }, { status: 502, body: { message: 'Bad Gateway' } }, 10);
    const id = randomUUID();
    // GitHub redelivers a failed delivery only by hand: a 503 would lose the request, so it is recorded for the
    // job worker, which reads the config again before it acts (config-unread.test.ts covers the rest).
    const first = await deliver(app, 'issue_comment', payload, { id });
    expect(first.status).toBe(200);
    github.clearFaults();
    await waitFor(async () => (await store.get(id))?.state === 'skipped', 30_000);
    expect((await store.get(id))?.result).toMatchObject({ status: 'skipped' });
    // A redelivery, with the config readable now, is dropped before the store: the bot is off here.
    expect((await deliver(app, 'issue_comment', payload, { id })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(coder.requests).toHaveLength(0);
    expect(github.requests.filter((q) => q.method !== 'GET' && q.path.startsWith('/repos/'))).toEqual([]);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/coder_agent_bot_repo_config_read_failures_total\{outcome="unavailable"\} 1/);
    expect(metrics).toMatch(/coder_agent_bot_deliveries_total\{event="issue_comment.created",outcome="queued-config-unknown"\} 1/);
    expect(metrics).toMatch(/coder_agent_bot_deliveries_total\{event="issue_comment.created",outcome="ignored"\} 1/);
  }, 60_000);

  it("an image naming another (private) repository is refused with a note, and never fetched with the token", async () => {
    const { app } = await launch();
    github.addRepo('acme', 'secret-plans', { private: true });
    const secretUrl = `${github.url}/repos/acme/secret-plans/contents/plan.png`;
    const r = await deliver(app, 'issue_comment', commentDelivery(github, `/agent what is in this picture?\n\n![plan](${secretUrl})`));
    expect(r.status).toBe(200);
    await waitFor(() => github.comments(OWNER, REPO, 1).some((c) => c.user.login === BOT && /state=(done|error)/.test(c.body)), 40_000);
    expect(github.requests.filter((q) => q.path.includes('secret-plans'))).toHaveLength(0);
    const answer = github.comments(OWNER, REPO, 1).find((c) => c.user.login === BOT)?.body ?? '';
    expect(answer).toContain('names another repository (acme/secret-plans)');
    // Nothing was uploaded to Coder in its place.
    expect(coder.requests.filter((q) => q.path.endsWith('/files'))).toHaveLength(0);
  }, 60_000);

  it('an own attachment that GitHub redirects to another (private) repository is refused at the redirect, with a note', async () => {
    const { app } = await launch();
    github.addRepo('acme', 'secret-plans', { private: true });
    const { url } = github.addAttachment({ bytes: 'unused', redirect: `${github.url}/repos/acme/secret-plans/contents/plan.png` });
    const r = await deliver(app, 'issue_comment', commentDelivery(github, `/agent what is in this picture?\n\n![plan](${url})`));
    expect(r.status).toBe(200);
    await waitFor(() => github.comments(OWNER, REPO, 1).some((c) => c.user.login === BOT && /state=(done|error)/.test(c.body)), 40_000);
    // The attachment itself was asked for (with the token); the repository it redirects to never was.
    expect(github.requests.some((q) => q.path.includes('/user-attachments/assets/'))).toBe(true);
    expect(github.requests.filter((q) => q.path.includes('secret-plans'))).toHaveLength(0);
    const answer = github.comments(OWNER, REPO, 1).find((c) => c.user.login === BOT)?.body ?? '';
    expect(answer).toContain('Refusing the redirect to');
    expect(answer).toContain('names another repository (acme/secret-plans)');
    expect(coder.requests.filter((q) => q.path.endsWith('/files'))).toHaveLength(0);
  }, 60_000);
});
