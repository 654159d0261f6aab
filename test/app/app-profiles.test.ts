import { afterEach, describe, expect, it } from '@jest/globals';
import { FakeCoder, PROFILE_NAMES, profile, type AgentStep, type FakeCoderOptions, type ProfileName } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { appSettings, BOT, CODER_TOKEN, commentDelivery, deliver, OWNER, REPO, startTestApp, type TestApp } from './harness.js';

let coder: FakeCoder | undefined;
let github: FakeGitHub | undefined;
let apps: TestApp[] = [];

afterEach(async () => {
  for (const a of apps) await a.stop().catch(() => undefined);
  apps = [];
  await coder?.close();
  await github?.close();
});

async function launch(name: ProfileName, opts: FakeCoderOptions = {}) {
  coder = await FakeCoder.start(profile(name, { token: CODER_TOKEN, ...opts }));
  github = await FakeGitHub.start({ writers: ['maintainer'] });
  const a = await startTestApp(appSettings(coder, github));
  apps.push(a);
  return { app: a.app, coder, github };
}

const bodies = (gh: FakeGitHub) => gh.comments(OWNER, REPO, 1).filter((c) => c.user.login === BOT);
const done = (gh: FakeGitHub) => bodies(gh).filter((c) => c.body.includes('state=done'));
const answer = (text: string): AgentStep[] => [{ status: 'running' }, { text }, { persist: true }, { status: 'waiting' }];

describe.each(PROFILE_NAMES)('the App against a %s server', (name) => {
  it('answers in the thread, with the cost in the footer where Coder reports it', async () => {
    const { app, github } = await launch(name, { costPerRequestMicros: 370_000, agent: () => answer('All good.') });
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent check'));
    await waitFor(() => done(github).length === 1, 15_000);
    const body = done(github)[0]!.body;
    expect(body).toContain('All good.');
    if (name === 'v2.38') expect(body).toContain('$0.37 · 1 request');
    else expect(body).not.toMatch(/\$\d/);
  });
});

describe('the App against a v2.38 server', () => {
  it('never shows voided text in any comment, at any edit', async () => {
    const { app, github } = await launch('v2.38', {
      agent: () => [
        { status: 'running' },
        { text: 'DISCARDED-PARTIAL' },
        { delayMs: 50 },
        { failAttempt: { error: 'overloaded' } },
        { text: 'The real answer.' },
        { persist: true },
        { status: 'waiting' },
      ],
    });
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent go'));
    await waitFor(() => done(github).length === 1, 15_000);
    expect(done(github)[0]!.body).toContain('The real answer.');
    const written = github.requests.filter((q) => q.method === 'POST' || q.method === 'PATCH').map((q) => JSON.stringify(q.body ?? null));
    expect(written.length).toBeGreaterThan(0);
    for (const w of written) expect(w).not.toContain('DISCARDED');
  });

  it('shows "waiting for capacity" while every agent slot is busy', async () => {
    const { app, github } = await launch('v2.38', { turnStartDelayMs: 6000, agentSlotsFull: true, agent: () => answer('Finally.') });
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent go'));
    await waitFor(() => done(github).length === 1, 20_000);
    const written = github.requests.filter((q) => q.method === 'POST' || q.method === 'PATCH').map((q) => JSON.stringify(q.body ?? null));
    expect(written.some((w) => w.includes('Waiting for capacity'))).toBe(true);
  }, 25_000);

  // A follow-up no worker takes up for a while: `running` all along, with no output. (The old rule
  // believed a final status after 2 s; the stale-status case itself: test/coder/follow.test.ts.)
  it.each([3000, 7000])('a follow-up that a worker takes up only after %i ms gets its own answer', async (delay) => {
    const { app, github, coder } = await launch('v2.38', { agent: ({ turnIndex }) => answer(turnIndex === 0 ? 'first answer' : 'second answer') });
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent first'));
    await waitFor(() => done(github).length === 1, 15_000);
    coder.options.turnStartDelayMs = delay;
    await deliver(app, 'issue_comment', commentDelivery(github, '/agent second'));
    await waitFor(() => done(github).length === 2, 25_000);
    const second = done(github)[1]!.body;
    expect(second).toContain('second answer');
    expect(second).not.toContain('without writing an answer');
  }, 40_000);
});
