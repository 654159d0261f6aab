/**
 * A repository config the webhook thread cannot read in time (GitHub 5xx, a
 * read that hangs, a burst of first deliveries queued behind their
 * installation tokens): the delivery is recorded, never answered 503 (GitHub
 * redelivers only by hand, so a 503 loses the request), and the job worker
 * reads the config again and decides, failing closed (issue 8, kind 7).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FINISHED_STATES } from '../../src/app/store/job-store.js';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { appProcessEnv, freePort, startAppProcess, type AppProcess } from '../helpers/app-process.js';
import { waitFor } from '../helpers/wait.js';
import { appSettings, BOT, commentDelivery, deliver, INSTALLATION, OWNER, REPO, startAppFakes, startTestApp, stopAppAndFakes, type TestApp } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;
let running: TestApp | undefined;

beforeEach(async () => {
  ({ coder, github } = await startAppFakes());
});
afterEach(async () => {
  await stopAppAndFakes(running, { coder, github });
  running = undefined;
});

async function launch(): Promise<TestApp> {
  running = await startTestApp(appSettings(coder, github));
  return running;
}

const CONFIG = /\/contents\/\.github(\/|%2F)coder-agent\.yml$/i;
const CONFIG_FILE = '.github/coder-agent.yml';
const botComments = () => github.comments(OWNER, REPO, 1).filter((c) => c.user.login === BOT);
/** Every request that writes in the repository: a reaction, a comment, an edit, a label. */
const repoWrites = () => github.requests.filter((q) => q.method !== 'GET' && q.path.startsWith('/repos/'));
const chatsCreated = () => coder.chats.size;

/** GitHub cannot serve the config until `clearFaults` (a 502 on every read, Octokit's retries included). */
const failConfigReads = () => github.failNext({ method: 'GET', path: CONFIG }, { status: 502, body: { message: 'Bad Gateway' } }, 10_000);

async function finished(app: TestApp, id: string, timeoutMs = 30_000) {
  await waitFor(async () => (FINISHED_STATES as readonly string[]).includes((await app.store.get(id))?.state ?? ''), timeoutMs);
  const job = await app.store.get(id);
  if (!job) throw new Error(`job ${id} is gone`);
  return job;
}

describe('a repository config the webhook thread cannot read', () => {
  it.each([
    ['GitHub answers 502', () => failConfigReads()],
    ['the read hangs past the budget', () => github.setDelay(6000, { method: 'GET', path: CONFIG })],
  ])('%s, then recovers: the delivery is answered 2xx at once and the request answered once', async (_name, fault) => {
    const { app } = await launch();
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
    github.setFile(OWNER, REPO, CONFIG_FILE, 'enabled: true\n');
    const payload = commentDelivery(github, '/agent why is checkout slow?');
    fault();
    const r = await deliver(app, 'issue_comment', payload);
    github.clearFaults();
    expect(r.status).toBe(200);
    // The webhook waits 2 s for the config, not GitHub's 10 s nor the worker's 5 s.
    expect(r.ms).toBeLessThan(4000);
    await waitFor(() => botComments().some((c) => c.body.includes('state=done')), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(botComments()).toHaveLength(1);
    expect(botComments()[0]?.body).toContain('why is checkout slow?');
    expect(chatsCreated()).toBe(1);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/coder_agent_bot_deliveries_total\{event="issue_comment.created",outcome="queued-config-unknown"\} 1/);
  }, 60_000);

  it.each([
    ['`enabled: false`', 'enabled: false\n', 'turned off'],
    ['a trigger phrase of its own, and the comment uses the default one', 'trigger-phrase: /bot\n', 'does not start a line with "/bot"'],
  ])('%s, read by the worker: 2xx, then nothing: no chat, no reaction, no comment', async (_name, file, reason) => {
    const started = await launch();
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
    github.setFile(OWNER, REPO, CONFIG_FILE, file);
    const payload = commentDelivery(github, '/agent do it');
    failConfigReads();
    const id = randomUUID();
    expect((await deliver(started.app, 'issue_comment', payload, { id })).status).toBe(200);
    github.clearFaults();
    const job = await finished(started, id);
    expect(job.result).toMatchObject({ status: 'skipped', reason: expect.stringContaining(reason) });
    expect(chatsCreated()).toBe(0);
    expect(repoWrites()).toEqual([]);
  }, 60_000);

  it('a comment that is no request under any config (empty) is not recorded even so', async () => {
    const { app, store } = await launch();
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
    const payload = commentDelivery(github, '   ');
    failConfigReads();
    expect((await deliver(app, 'issue_comment', payload)).status).toBe(200);
    const c = await store.counts();
    expect(Object.values(c).reduce((sum, n) => sum + n, 0)).toBe(0);
  }, 30_000);

  it('a burst of first deliveries from 60 installations, token creation 100 ms each: every one 2xx within 5 s', async () => {
    const { app } = await launch();
    github.setDelay(100, { method: 'POST', path: /^\/app\/installations\/\d+\/access_tokens$/ });
    const payloads = Array.from({ length: 60 }, (_, i) => {
      const owner = `org-${i}`;
      github.addRepo(owner, 'service', { installationId: 1000 + i });
      const payload = commentDelivery(github, '/agent look at this', { owner, repo: 'service' });
      payload['installation'] = { id: 1000 + i, node_id: 'x' };
      return payload;
    });
    const answers = await Promise.all(payloads.map((p) => deliver(app, 'issue_comment', p)));
    const late = answers.filter((a) => a.status < 200 || a.status >= 300 || a.ms >= 5000);
    expect(late.map((a) => `${a.status} in ${Math.round(a.ms)} ms`)).toEqual([]);
  }, 60_000);
});

/**
 * The built App (`node lib/app/main.js`, built by `npm test`'s pretest), for its log: with the config
 * unreadable everywhere, the worker keeps the job and reads the config again past the three attempts a
 * job is given, saying so each time (issue 10; the end of its wait is job-retry-pause.test.ts's).
 */
describe('a repository config nobody can read', () => {
  let child: AppProcess | undefined;
  afterEach(async () => {
    await child?.stop();
    child = undefined;
  });

  it('2xx, then the job waits for the config, reading it again past its three attempts and saying why; nothing is posted', async () => {
    const port = await freePort();
    child = startAppProcess({
      cwd: mkdtempSync(join(tmpdir(), 'config-unread-')),
      env: appProcessEnv(appSettings(coder, github), { PORT: String(port), LOG_LEVEL: 'info', LOG_FORMAT: 'json' }),
    });
    await child.waitForOutput(/serving on/);
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
    github.setFile(OWNER, REPO, CONFIG_FILE, 'enabled: false\n');
    failConfigReads();
    const id = randomUUID();
    const r = await deliver({ url: `http://127.0.0.1:${port}` }, 'issue_comment', commentDelivery(github, '/agent do it'), { id });
    expect(r.status).toBe(200);
    const lines = () =>
      child!
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { msg: string; delivery?: string; level: number });
    // Each read is one Octokit retries until the worker's 5 s are up; the pauses between them grow from 1-2 s.
    const waits = () => lines().filter((l) => l.delivery === id && /; reading it again in \d+ s$/.test(l.msg));
    await waitFor(() => waits().length >= 3, 70_000);
    const mine = lines().filter((l) => l.delivery === id);
    expect(mine.find((l) => /the job worker reads it again/.test(l.msg))?.msg).toMatch(/^Codertocat\/Hello-World's \.github\/coder-agent\.yml could not be read \(.+\) and no recent copy is cached, so nothing is done on defaults: the delivery is recorded, and the job worker reads it again and decides\.$/);
    expect(waits()[0]?.msg).toMatch(/^Codertocat\/Hello-World's \.github\/coder-agent\.yml could not be read .* nothing is done on defaults; reading it again in \d+ s$/);
    // Three reads and the job is still waiting, where it was given up before issue 10: no attempt was spent.
    expect(mine.filter((l) => /^Job failed/.test(l.msg))).toEqual([]);
    expect(chatsCreated()).toBe(0);
    expect(repoWrites()).toEqual([]);
    // The file's text never reaches the log.
    expect(child.stdout()).not.toContain('enabled: false');
  }, 120_000);
});
