import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { inboxPath } from '../../src/app/store/sqlite-inbox.js';
import { appSettings, BOT, commentDelivery, deliver, OWNER, REPO, startTestApp, type TestApp, startAppFakes, stopAppAndFakes } from './harness.js';

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

describe('the App while another connection holds the SQLite write lock for 8 s', () => {
  it('answers deliveries 503 without blocking, and the job worker waits the lock out instead of dying', async () => {
    coder.options.agent = ({ prompt }) => [{ status: 'running' }, { delayMs: 1_000 }, { text: `Echo: ${prompt.slice(0, 20)}` }, { persist: true }, { status: 'waiting' }];
    const settings = appSettings(coder, github);
    app = await startTestApp(settings);
    const botComments = () => github.comments(OWNER, REPO, 1).filter((c) => c.user.login === BOT);
    expect((await deliver(app.app, 'issue_comment', commentDelivery(github, '/agent finish while locked'))).status).toBe(200);
    await waitFor(() => botComments().length === 1, 15_000); // the chat runs; its answer is due in about a second

    // Both files: the job database and the inbox that deliveries are recorded in (sqlite-inbox.ts).
    const file = settings.databaseUrl.replace(/^sqlite:/, '');
    const others = [new Database(file), new Database(inboxPath(file))];
    for (const other of others) other.prepare('BEGIN IMMEDIATE').run();
    const lockedAt = Date.now();
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        for (const other of others) {
          other.prepare('COMMIT').run();
          other.close();
        }
        resolve();
      }, 8_000),
    );
    try {
      // The webhook thread stays free: health answers while a delivery waits for the lock.
      const waiting = deliver(app.app, 'issue_comment', commentDelivery(github, '/agent arrives while locked'));
      const health = await fetch(`${app.app.url}/healthz`);
      expect(health.status).toBe(200);
      const refused = await waiting;
      expect(refused.status).toBe(503);
      expect(Date.now() - lockedAt).toBeLessThan(8_000);
    } finally {
      await released;
    }

    await waitFor(() => botComments().some((c) => c.body.includes('state=done')), 30_000);
    expect(app.app.worker.running).toBe(true);
    const metrics = await (await fetch(`${app.app.url}/metrics`)).text();
    expect(metrics).toMatch(/^coder_agent_bot_worker_crashes_total 0$/m);
    expect(botComments()).toHaveLength(1);
    expect(botComments()[0]?.body).toContain('Echo: ');
    await waitFor(async () => (await app!.store.counts()).done === 1, 10_000);
  }, 60_000);

  it('records a delivery at once while only the job database is locked (the worker\'s writes), and answers it once the lock is gone', async () => {
    coder.options.agent = ({ prompt }) => [{ status: 'running' }, { text: `Echo: ${prompt.slice(0, 20)}` }, { persist: true }, { status: 'waiting' }];
    const settings = appSettings(coder, github);
    app = await startTestApp(settings);
    const botComments = () => github.comments(OWNER, REPO, 1).filter((c) => c.user.login === BOT);
    const other = new Database(settings.databaseUrl.replace(/^sqlite:/, ''));
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      const sentAt = Date.now();
      const recorded = await deliver(app.app, 'issue_comment', commentDelivery(github, '/agent arrives while the worker writes'));
      expect(recorded.status).toBe(200);
      // Not the store's 2 s wait for a lock, nor the 8 s of the case above: the inbox has its own lock.
      expect(Date.now() - sentAt).toBeLessThan(1_000);
      expect((await app.store.counts()).queued).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(botComments()).toHaveLength(0);
    } finally {
      other.prepare('COMMIT').run();
      other.close();
    }
    await waitFor(() => botComments().some((c) => c.body.includes('state=done')), 30_000);
    expect(botComments()).toHaveLength(1);
  }, 60_000);
});
