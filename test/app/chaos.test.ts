/**
 * Chaos: three replicas of the App's job worker (processes) share one
 * PostgreSQL store while the fake Coder drops sockets and answers 502s and
 * the fake GitHub answers 502s and secondary rate limits (403 with
 * retry-after). 200 requests are recorded (as the replicas' webhook threads
 * would, straight into the shared store), one replica is SIGKILLed mid-run
 * and restarted. Every request must get exactly one answer comment with its
 * own text; no chat is created twice, no prompt sent twice, nothing is left
 * "working".
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { JobStore } from '../../src/app/store/job-store.js';
import { openJobStore } from '../../src/app/store/open-store.js';
import type { WorkerConfig } from '../../src/app/worker-protocol.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { testSchemas, type TestDatabase } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { live, type Life } from './crash-points.js';
import { appSettings, BOT, CODER_TOKEN } from './harness.js';

const createTestSchema = testSchemas();
const TRIGGERS = 200;
/** Many installations: GitHub's write budget spaces one installation's writes a second apart. */
const INSTALLATIONS = 100;

let coder: FakeCoder;
let github: FakeGitHub;
let db: TestDatabase;
let store: JobStore;
const lives: Life[] = [];

beforeEach(async () => {
  coder = await FakeCoder.start({ token: CODER_TOKEN, agent: ({ prompt }) => [{ status: 'running' }, { text: `Echo: ${/task #\d+/.exec(prompt)?.[0] ?? 'none'}` }, { persist: true }, { status: 'waiting' }] });
  github = await FakeGitHub.start({ writers: ['maintainer'] });
  db = await createTestSchema();
  store = await openJobStore(db.url);
});

afterEach(async () => {
  for (const l of lives.splice(0)) l.kill();
  await store.close();
  await db.drop();
  await coder.close();
  await github.close();
});

function seed(n: number): { deliveryId: string; owner: string; number: number; installationId: number; payload: Record<string, unknown> } {
  const k = n % INSTALLATIONS;
  const owner = `org-${k}`;
  const installationId = 9000 + k;
  // GitHub gives every repository its own id (the thread labels name it): never the example payload's one for all.
  const repositoryId = github.addRepo(owner, 'service', { installationId }).id;
  const number = 1 + Math.floor(n / INSTALLATIONS);
  const issue = github.addIssue(owner, 'service', { number, title: `Issue ${number}`, body: 'Broken.', user: 'reporter' });
  const body = `/agent do task #${n}`;
  const comment = github.addComment(owner, 'service', number, { body, user: 'maintainer' });
  const payload = webhookExample('issue_comment', 'created');
  const p = payload as Record<string, Record<string, unknown>>;
  Object.assign(p['comment'] ?? {}, { id: comment.id, body, created_at: comment.created_at, updated_at: comment.updated_at, user: { login: 'maintainer', id: 7, type: 'User' } });
  Object.assign(p['issue'] ?? {}, { number, title: issue.title, body: issue.body, user: { login: 'reporter', id: 8, type: 'User' } });
  Object.assign(p['repository'] ?? {}, { id: repositoryId, name: 'service', full_name: `${owner}/service`, owner: { login: owner, id: 1, type: 'Organization' } });
  payload['sender'] = { login: 'maintainer', id: 7, type: 'User' };
  payload['installation'] = { id: installationId, node_id: 'x' };
  return { deliveryId: randomUUID(), owner, number, installationId, payload };
}

describe('chaos: three replicas on one PostgreSQL, flaky Coder and GitHub, one replica killed', () => {
  it('answers every request exactly once, with its own text', async () => {
    const config = (owner: string): WorkerConfig => ({
      settings: { ...appSettings(coder, github, { databaseUrl: db.url }), concurrency: 40 },
      owner,
      leaseMs: 3_000,
      pollMs: 300,
      logLevel: 'fatal',
      botLogin: BOT,
      follow: { reconnectBaseMs: 5, pollIntervalMs: 50 },
    });
    coder.failNext({ method: 'POST', path: /\/chats$/ }, { status: 502, rawBody: '<html>502 Bad Gateway</html>', contentType: 'text/html' }, 15);
    coder.destroyNextRequest({ path: /\/messages/ }, 15);
    coder.dropStreamsAfterFrames(2, 20);
    github.failNext({ method: 'POST', path: /\/comments$/ }, { status: 502, body: { message: 'Server Error' } }, 15);
    github.failNext({ method: 'PATCH', path: /\/comments\// }, { status: 403, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit.' } }, 15);

    const triggers = Array.from({ length: TRIGGERS }, (_, n) => seed(n));
    const replicas = ['replica-1', 'replica-2', 'replica-3'];
    for (const owner of replicas) lives.push(live(config(owner)));
    for (const t of triggers) {
      const comment = (t.payload as { comment: { id: number } }).comment;
      await store.enqueue({ deliveryId: t.deliveryId, dedupeKey: `issue_comment:created:${comment.id}`, event: 'issue_comment', installationId: t.installationId, repository: `${t.owner}/service`, payload: t.payload, receivedAt: Date.now() });
    }
    const finished = async () => {
      const c = await store.counts();
      return c.done + c.failed;
    };
    // Mid-run: replica-2 dies and comes back under the same name.
    // Bounded waits, generous for a machine shared with other test suites (about 60 s alone here).
    await waitFor(async () => (await finished()) >= TRIGGERS / 4, 60_000);
    lives[1]?.kill();
    lives.push(live(config('replica-2')));
    await waitFor(async () => (await finished()) === TRIGGERS, 90_000);

    // One summary, so a failure shows everything that went wrong at once.
    const userMessages = [...coder.chats.values()].flatMap((chat) => chat.messages.filter((m) => m.role === 'user'));
    const wrong: string[] = [];
    for (const t of triggers) {
      const n = Number(/#(\d+)/.exec((t.payload as { comment: { body: string } }).comment.body)?.[1]);
      const ownTask = new RegExp(`task #${n}(?!\\d)`);
      const prompts = userMessages.filter((m) => ownTask.test(JSON.stringify(m.content))).length;
      const answers = github.comments(t.owner, 'service', t.number).filter((c) => c.user.login === BOT);
      const good = answers.length === 1 && new RegExp(`Echo: task #${n}(?!\\d)`).test(answers[0]?.body ?? '') && answers[0]?.body.includes('state=done');
      if (prompts !== 1 || !good) {
        const job = await store.get(t.deliveryId);
        wrong.push(`#${n}: ${prompts} prompts, ${answers.length} bot comments (${answers.map((c) => /state=\w+/.exec(c.body)?.[0] ?? 'no marker').join(', ')}), job ${job?.state} after ${job?.attempts} attempts${job?.error ? `: ${job.error}` : ''}`);
      }
    }
    expect({ counts: await store.counts(), chats: coder.chats.size, wrong }).toEqual({ counts: expect.objectContaining({ done: TRIGGERS, failed: 0 }), chats: TRIGGERS, wrong: [] });
  }, 180_000);
});
