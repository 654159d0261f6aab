import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { testSchemas } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';
import { appSettings, BOT, CODER_TOKEN, commentDelivery, deliver, OWNER, REPO, startTestApp, type TestApp } from './harness.js';

// Starts the App (webhook server and job worker thread): slow on a loaded machine.
jest.setTimeout(240_000);

let coder: FakeCoder;
let github: FakeGitHub;
let app: TestApp | undefined;
let replica: TestApp | undefined;
const createTestSchema = testSchemas();

beforeEach(async () => {
  coder = await FakeCoder.start({ token: CODER_TOKEN });
  github = await FakeGitHub.start({ writers: ['maintainer'] });
});
afterEach(async () => {
  await app?.stop().catch(() => undefined);
  await replica?.stop().catch(() => undefined);
  app = undefined;
  replica = undefined;
  await coder.close();
  await github.close();
});

describe('the App: one chat per thread when requests race', () => {
  /** Two comments in each fresh thread, 0–1 s apart, the first to `one` and the second to `other`. */
  async function race(one: TestApp, other: TestApp): Promise<void> {
    const gaps = [0, 0, 400, 1000];
    for (const [round, gap] of gaps.entries()) {
      const number = 10 + round;
      const first = commentDelivery(github, `/agent first request ${round}`, { number });
      const second = commentDelivery(github, `/agent second request ${round}`, { number });
      const a = deliver(one.app, 'issue_comment', first);
      await new Promise((r) => setTimeout(r, gap));
      const b = deliver(other.app, 'issue_comment', second);
      expect((await a).status).toBe(200);
      expect((await b).status).toBe(200);
      const answers = () => github.comments(OWNER, REPO, number).filter((c) => c.user.login === BOT && c.body.includes('state=done'));
      await waitFor(() => answers().length === 2, 60_000);
      const inThread = [...coder.chats.values()].filter((c) => c.messages.some((m) => JSON.stringify(m.content).includes(`request ${round}`)));
      expect(inThread).toHaveLength(1);
      const chat = inThread[0];
      const prompts = chat?.messages.filter((m) => m.role === 'user').map((m) => JSON.stringify(m.content)) ?? [];
      expect(prompts).toHaveLength(2);
      // Sent at the same instant, either may arrive first: one opens the chat, the other joins it.
      const [opening, followUp] = prompts;
      expect(opening).toContain('Context from GitHub');
      expect(followUp).toContain('Follow-up instruction');
      if (gap > 0) expect(followUp).toContain(`second request ${round}`);
      expect(prompts.join()).toContain(`first request ${round}`);
      expect(prompts.join()).toContain(`second request ${round}`);
      // Both answers name the one chat.
      for (const c of answers()) expect(c.body).toContain(`chat=${chat?.id}`);
    }
  }

  it('two /agent comments 0–1 s apart in a fresh thread make one chat; the second joins it as a follow-up (several rounds)', async () => {
    app = await startTestApp(appSettings(coder, github));
    await race(app, app);
  });

  it('the same with two replicas on one PostgreSQL, each comment delivered to a different replica', async () => {
    const db = await createTestSchema();
    app = await startTestApp(appSettings(coder, github, { databaseUrl: db.url }), { workerId: 'replica-a' });
    replica = await startTestApp(appSettings(coder, github, { databaseUrl: db.url }), { workerId: 'replica-b' });
    await race(app, replica);
  });
});
