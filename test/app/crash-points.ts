/**
 * The crash points of one request, each tested on a store (run by
 * crash-points-sqlite.test.ts and crash-points-postgres.test.ts). The App's
 * job worker runs as a process (test/helpers/crash-point-worker.mjs) that
 * SIGKILLs itself right after an external call returned and before its
 * result was recorded; a second life of the same instance then takes the
 * job back at once (the lease is a minute, the test waits 20 s) and
 * finishes it. Every case must end with exactly one chat, one
 * prompt sent and one answer comment, and nothing left "working".
 *
 * The crash points (between each external call and its record):
 * 1. Coder created the chat; the chat is not recorded.
 *    → The resumed run finds it by its idempotency label (the delivery id).
 * 2. GitHub created the progress comment; the run is not recorded.
 *    → The resumed run finds its comment by the request key in the marker
 *      (not by time: ±120 s of clock skew changes nothing), follows that
 *      chat and sends nothing.
 * 3. The run (chat + comment) is recorded; following had begun.
 *    → The resumed run follows the recorded chat and edits the same comment.
 * 4. GitHub has the answer; the job is not marked done.
 *    → The resumed run finds the chat finished and writes the same answer
 *      into the same comment (an edit, not a second comment).
 * 5. A follow-up: Coder has the message; no comment yet.
 *    → The resumed run reads the chat's messages for the request tag and
 *      does not send again.
 * 6. A follow-up: GitHub has its progress comment; the run is not recorded.
 *    → As 2, with the follow point at the request's own message.
 *
 * The comments a request posts without a chat carry the request key in
 * their marker too, and each step that posts one looks for it first
 * (request-comment.ts); after a crash right after GitHub created one, the
 * thread holds it once (each with GitHub's clock 120 s ahead and behind):
 * 7. `/agent` without a prompt: the error saying so.
 *    → Posted once; the job ends refused.
 * 8. Coder refused to create the chat: the error saying so.
 *    → The earlier attempt's error is the outcome: no chat is tried again.
 * 9. `/agent stop`, while the thread's chat runs a turn: its comment,
 *    "stopping" (the chat's newest message id in the marker), is posted
 *    before the interrupt (stop.ts).
 *    → Not posted again; the recorded turn still runs, so the chat is
 *      interrupted (once), and the comment edited to "stopped".
 * 10. `/agent stop` in a thread without a chat: the error saying so.
 *    → Posted once.
 * 11. `/agent stop` while Coder refuses the interrupt: the "stopping"
 *    comment (the resumed attempt is the first to interrupt).
 *    → The refusal goes into that comment; one interrupt tried.
 * 12. GitHub created the progress comment, and on resume Coder refuses to
 *    read the chat's messages: the error goes into that progress comment
 *    (naming no chat: it could not be checked) rather than a second comment
 *    beside one left "working".
 * 13. A repository whose .github/coder-agent.yml pins a workspace the
 *    operator has not allowed: the refusal. → Posted once, no chat.
 *
 * `/agent stop` after Coder took the interrupt, with its comment still
 * "stopping" (the crash is right after the interrupt):
 * 17. → The chat is idle or still interrupting: not interrupted again; the
 *    comment is edited to "stopped".
 * 18. Another request started a turn in the chat before the resume.
 *    → The chat holds a user message newer than the recorded one: that
 *      turn is not cut short (one interrupt in all); the comment says
 *      "stopped" and that the agent had moved on.
 *
 * A failed CI run relayed to the agent's chat (ci-feedback.ts): the notice
 * in the pull request says "sending…" (state running) until the chat has
 * the follow-up, tagged with the run's key. Each ends with one notice
 * saying it was sent and one CI follow-up in the chat (each with GitHub's
 * clock 120 s ahead and behind):
 * 14. GitHub created the notice; nothing was sent.
 *    → The resumed job finds its notice still "sending", reads the chat,
 *      finds no tagged message, sends once and edits that notice.
 * 15. Coder took the follow-up; the notice still says "sending".
 *    → The chat holds the tagged message: not sent again; the notice is
 *      edited to say it was sent.
 * 16. The notice says it was sent; the job is not marked done.
 *    → The notice is final: nothing read, sent or posted (the job ends
 *      skipped, "already sent").
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FinishedState, JobStore } from '../../src/app/store/job-store.js';
import { openJobStore } from '../../src/app/store/open-store.js';
import type { WorkerConfig } from '../../src/app/worker-protocol.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { clockSkew } from '../fakes/fake-github-data.js';
import { FAILED_PR, seedFailedRun } from '../helpers/failed-run.js';
import { waitFor } from '../helpers/wait.js';
import { appSettings, BOT, CODER_TOKEN, commentDelivery, INSTALLATION, OWNER, REPO } from './harness.js';
import { ciRunKey } from '../../src/agent/ci-feedback.js';
import { readMarker, renderRequestTag, type MarkerState } from '../../src/agent/marker.js';
import { threadLabels } from '../../src/agent/thread-label.js';

const WORKER = fileURLToPath(new URL('../helpers/crash-point-worker.mjs', import.meta.url));

/** Opens a prompt the fake agent works on until it is interrupted. */
const LONG_WORK = 'long work:';

export interface CrashPoint {
  target: 'coder' | 'github' | 'store';
  method: string;
  /** Crash only on the call whose arguments (as JSON) contain this. */
  argsInclude?: string;
}

/** A delivery as the webhook thread queues it. */
interface QueuedEvent {
  event: string;
  payload: Record<string, unknown>;
  dedupeKey: string;
}

/**
 * A request that ends with one comment other than an answer: the trigger,
 * what the fakes hold first, and what must be true after the crash right
 * after GitHub created its comment and the resume.
 */
export interface CommentCase {
  name: string;
  /** The trigger comment's text. */
  text: string;
  /** Seeds the thread's chat (and its marked comment), when the case needs one. */
  threadChat?: boolean;
  /** The thread's chat runs a turn (until interrupted) when the request comes. */
  busy?: boolean;
  /** Adds to the fake GitHub before the request (a repository's config file). */
  githubSetup?: (github: FakeGitHub) => void;
  /** Arms faults in the fake Coder for the first life. */
  faults?: (coder: FakeCoder) => void;
  /** Arms faults in the fake Coder for the second life (after the first died). */
  resumeFaults?: (coder: FakeCoder) => void;
  /** Chats created over both lives. */
  chatsCreated: number;
  /** The state in the comment's marker, and whether the marker names the thread's chat. */
  marker: { state: MarkerState; chat: boolean };
  /** How the job ends (its state in the store). */
  job: FinishedState;
  /** How many interrupts Coder received over both lives. */
  interrupts: number;
}

/** Crash points 7-13 (see the top of this file). */
export const COMMENT_CASES: readonly CommentCase[] = [
  { name: '7. `/agent` without a prompt', text: '/agent', marker: { state: 'error', chat: false }, job: 'refused', interrupts: 0, chatsCreated: 0 },
  {
    name: '8. Coder refused to create the chat',
    text: '/agent start something Coder refuses',
    faults: (coder) => coder.failNext({ method: 'POST', path: /\/chats$/ }, { status: 403, body: { message: 'Chats are disabled for this user.' } }),
    marker: { state: 'error', chat: false },
    job: 'failed',
    interrupts: 0,
    chatsCreated: 0,
  },
  { name: '9. `/agent stop`', text: '/agent stop', threadChat: true, busy: true, marker: { state: 'stopped', chat: true }, job: 'done', interrupts: 1, chatsCreated: 0 },
  { name: '10. `/agent stop` without a chat in the thread', text: '/agent stop', marker: { state: 'error', chat: false }, job: 'skipped', interrupts: 0, chatsCreated: 0 },
  {
    name: '11. `/agent stop` when Coder refused the interrupt',
    text: '/agent stop',
    threadChat: true,
    busy: true,
    faults: (coder) => coder.failNext({ method: 'POST', path: /\/interrupt$/ }, { status: 403, body: { message: 'You may not interrupt this chat.' } }),
    marker: { state: 'error', chat: true },
    job: 'failed',
    interrupts: 1,
    chatsCreated: 0,
  },
  {
    name: '12. the progress comment, then Coder refused to read the chat on resume',
    text: '/agent work on something',
    resumeFaults: (coder) => coder.failNext({ method: 'GET', path: /\/messages$/ }, { status: 403, body: { message: 'You may not read this chat.' } }),
    // The chat could not be checked (a marker is a hint, issue 8): the error names none.
    marker: { state: 'error', chat: false },
    job: 'failed',
    interrupts: 0,
    chatsCreated: 1,
  },
  {
    name: '13. a workspace the operator has not allowed',
    text: '/agent work in the pinned workspace',
    // The App's settings allow no repository a workspace of its own (ALLOWED_REPO_WORKSPACES unset).
    githubSetup: (github) => {
      github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
      github.setFile(OWNER, REPO, '.github/coder-agent.yml', 'workspace-id: 6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f\n');
    },
    marker: { state: 'error', chat: false },
    job: 'refused',
    interrupts: 0,
    chatsCreated: 0,
  },
];

export interface Life {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
  kill(): void;
}

/** Starts one life of the job worker as a process; with `crash`, it SIGKILLs itself there. */
export function live(config: WorkerConfig, crash?: CrashPoint): Life {
  const child = spawn(process.execPath, [WORKER, JSON.stringify({ config, crash })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return {
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out }))),
    kill: () => child.kill('SIGKILL'),
  };
}

/** `databaseUrl()` gives a fresh, empty store location for each test. */
export function describeCrashPoints(storeName: string, databaseUrl: () => Promise<{ url: string; drop(): Promise<void> }>, opts: { clockSkew?: boolean; replicas?: boolean } = {}): void {
  describe(`crash points (${storeName})`, () => {
    let coder: FakeCoder;
    let github: FakeGitHub;
    let store: JobStore;
    let location: { url: string; drop(): Promise<void> };
    const lives: Life[] = [];

    beforeEach(async () => {
      coder = await FakeCoder.start({ token: CODER_TOKEN });
      github = await FakeGitHub.start({ writers: ['maintainer'] });
      // Long enough that every crash point is reached before the answer.
      coder.options.agent = ({ prompt }) => [
        { status: 'running' },
        // A turn that runs until it is interrupted (the `/agent stop` cases).
        { delayMs: prompt.startsWith(LONG_WORK) ? 120_000 : 400 },
        { text: `Echo: ${prompt.replace(/<!--[^>]*-->/g, '')}` },
        { persist: true },
        { status: 'waiting' },
      ];
      location = await databaseUrl();
      store = await openJobStore(location.url);
    });

    afterEach(async () => {
      clockSkew.ms = 0;
      for (const life of lives.splice(0)) life.kill();
      await store.close();
      await location.drop();
      await coder.close();
      await github.close();
    });

    const config = (): WorkerConfig => ({
      settings: appSettings(coder, github, { databaseUrl: location.url }),
      owner: 'crash-test-instance',
      // Far longer than the test waits for the second life: the job is resumed
      // at once only because the restarted instance takes its leases back.
      leaseMs: 60_000,
      pollMs: 200,
      logLevel: 'fatal',
      botLogin: BOT,
      follow: { reconnectBaseMs: 5, pollIntervalMs: 50 },
    });

    const botComments = () => github.comments(OWNER, REPO, 1).filter((c) => c.user.login === BOT);

    /**
     * Records the request as the webhook thread would, runs a life that crashes at `crash`, then one that finishes
     * (the job ends `ends`). `arm.first` runs before the first life, `arm.between` after it died.
     */
    async function crashAndResume(request: string | QueuedEvent, crash: CrashPoint, ends: FinishedState = 'done', arm: { first?: () => void; between?: () => void } = {}): Promise<string> {
      const deliveryId = randomUUID();
      const { event, payload, dedupeKey } = typeof request === 'string' ? commentEvent(request) : request;
      await store.enqueue({ deliveryId, dedupeKey, event, installationId: INSTALLATION, repository: `${OWNER}/${REPO}`, payload, receivedAt: Date.now() });
      arm.first?.();
      const first = live(config(), crash);
      lives.push(first);
      const died = await first.exited;
      expect(died.out).toContain(`crash after ${crash.target}.${crash.method}`);
      expect(died.signal).toBe('SIGKILL');
      arm.between?.();
      const second = live(config());
      lives.push(second);
      // 2–8 s on an idle machine; over 20 s for the CI-feedback cases with a load average of 8 on 2 cores. The test's own limit is 60 s.
      await waitFor(async () => (await store.get(deliveryId))?.state === ends, 45_000);
      second.kill();
      return deliveryId;
    }

    /** An `/agent …` comment in issue #1, queued as the webhook thread would. */
    function commentEvent(text: string): QueuedEvent {
      const payload = commentDelivery(github, text);
      const comment = (payload as { comment: { id: number } }).comment;
      return { event: 'issue_comment', payload, dedupeKey: `issue_comment:created:${comment.id}` };
    }

    function expectOneAnswer(deliveryId: string, prompt: string): void {
      const own = botComments().filter((c) => c.body.includes(`request=${deliveryId}`));
      expect(own).toHaveLength(1);
      expect(own[0]?.body).toContain('state=done');
      expect(own[0]?.body).toContain(`Echo: `);
      expect(own[0]?.body).toContain(prompt);
      expect(botComments().filter((c) => c.body.includes('state=running'))).toEqual([]);
    }

    const promptsSent = (prompt: string) =>
      [...coder.chats.values()].flatMap((chat) => chat.messages).filter((m) => m.role === 'user' && JSON.stringify(m.content).includes(prompt)).length;

    const newChatCases: Array<[string, CrashPoint]> = [
      ['1. after Coder created the chat', { target: 'coder', method: 'createChat' }],
      ['2. after GitHub created the progress comment', { target: 'github', method: 'createComment' }],
      ['3. after the run was recorded', { target: 'store', method: 'recordRun' }],
      ['4. after the answer was written, before the job was marked done', { target: 'github', method: 'updateComment', argsInclude: 'state=done' }],
    ];
    for (const [name, crash] of newChatCases) {
      it(`${name}: one chat, one prompt, one answer`, async () => {
        const prompt = `please fix crash point ${crash.method}`;
        const deliveryId = await crashAndResume(`/agent ${prompt}`, crash);
        expect(coder.chats.size).toBe(1);
        expect(promptsSent(prompt)).toBe(1);
        expectOneAnswer(deliveryId, prompt);
      }, 60_000);
    }

    const followUpCases: Array<[string, CrashPoint]> = [
      ['5. a follow-up, after Coder took the message', { target: 'coder', method: 'sendMessage' }],
      ['6. a follow-up, after GitHub created its progress comment', { target: 'github', method: 'createComment' }],
    ];
    /** The thread's chat, as the bot makes it: labelled with its thread (thread-label.ts), or a follow-up or stop would not use it; and the bot's answer naming it. */
    function seedThreadChat(busy = false): string {
      const repository = github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
      const labels = threadLabels({ repositoryId: repository.id, number: 1 });
      const chat = coder.createChatDirect({ status: 'waiting', labels, messages: [{ role: 'user', text: 'first request' }, { role: 'assistant', text: 'First answer.' }] });
      github.addIssue(OWNER, REPO, { number: 1, title: 'Checkout is slow', body: 'It takes 9 seconds.', user: 'reporter' });
      github.addComment(OWNER, REPO, 1, { body: `First answer.\n\n<!-- coder-agent-bot chat=${chat.id} state=done -->`, user: BOT });
      if (busy) startLongTurn(chat.id, 'the turn to stop');
      return chat.id;
    }

    /** A turn in the chat that runs until interrupted, as another request's message starts one. */
    function startLongTurn(chatId: string, what: string): void {
      coder.runner.deliver(coder.chat(chatId), [{ type: 'text', text: `${LONG_WORK} ${what}` }]);
    }

    for (const [name, crash] of followUpCases) {
      it(`${name}: the same chat, one prompt, one answer`, async () => {
        seedThreadChat();
        const prompt = `and now the follow-up ${crash.method}`;
        const deliveryId = await crashAndResume(`/agent ${prompt}`, crash);
        expect(coder.chats.size).toBe(1);
        expect(promptsSent(prompt)).toBe(1);
        expectOneAnswer(deliveryId, prompt);
      }, 60_000);
    }

    // Issue 8: a marker is a hint, never proof, also in the request's own comment found on resume.
    it("2'. the resumed request's own comment names another thread's chat: that chat is not followed, its answer not posted", async () => {
      const repository = github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
      const otherLabels = threadLabels({ repositoryId: repository.id, number: 2 });
      const other = coder.createChatDirect({ status: 'waiting', labels: otherLabels, messages: [{ role: 'user', text: 'private work' }, { role: 'assistant', text: 'Answer of another thread.' }] });
      const prompt = 'please fix the resumed marker';
      const deliveryId = await crashAndResume(`/agent ${prompt}`, { target: 'github', method: 'createComment' }, 'done', { between: () => {
        const [own] = botComments();
        if (!own?.body.includes('chat=')) throw new Error('the first life posted no progress comment with a marker');
        own.body = own.body.replace(/chat=[^ ]+/, `chat=${other.id}`);
      } });
      expect(botComments().some((c) => c.body.includes('Answer of another thread.'))).toBe(false);
      expect(botComments().some((c) => c.body.includes(`chat=${other.id}`))).toBe(false);
      // The other thread's chat got nothing; this request's own chat (found by its idempotency label) answered once.
      expect(other.messages).toHaveLength(2);
      expect(coder.chats.size).toBe(2);
      expect(promptsSent(prompt)).toBe(1);
      expectOneAnswer(deliveryId, prompt);
    }, 60_000);

    // The key, not the time, finds the comment: each case runs with GitHub's clock well ahead and well behind the App's.
    for (const c of COMMENT_CASES) {
      for (const skew of [120_000, -120_000]) {
        it(`${c.name}, after GitHub created its comment (GitHub's clock ${skew > 0 ? 'ahead' : 'behind'} by 120 s): one comment`, async () => {
          clockSkew.ms = skew;
          const seeded = c.threadChat ? seedThreadChat(c.busy) : undefined;
          c.githubSetup?.(github);
          const chatsBefore = coder.chats.size;
          const deliveryId = await crashAndResume(c.text, { target: 'github', method: 'createComment' }, c.job, { first: () => c.faults?.(coder), between: () => c.resumeFaults?.(coder) });
          const chatId = seeded ?? [...coder.chats.values()][0]?.id;
          const own = botComments().filter((comment) => readMarker(comment.body)?.request === deliveryId);
          expect(own).toHaveLength(1);
          expect(readMarker(own[0]?.body)).toEqual({ state: c.marker.state, request: deliveryId, ...(c.marker.chat ? { chatId } : {}) });
          // Nothing else was posted for it: the bot's comments are the seeded answer and this one.
          expect(botComments()).toHaveLength(c.threadChat ? 2 : 1);
          expect(coder.chats.size).toBe(chatsBefore + c.chatsCreated);
          expect(coder.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/interrupt'))).toHaveLength(c.interrupts);
        }, 60_000);
      }
    }

    // `/agent stop` recognises its own interrupt by the turn its "stopping" comment recorded (stop.ts).
    const stopAfterInterrupt: Array<[string, boolean]> = [
      ['17. `/agent stop`, after Coder took the interrupt and before the comment said so: no second interrupt', false],
      ['18. `/agent stop`, after Coder took the interrupt, and another request started a turn before the resume: that turn is not cut short', true],
    ];
    for (const [name, laterTurn] of stopAfterInterrupt) {
      it(name, async () => {
        const chatId = seedThreadChat(true);
        const deliveryId = await crashAndResume('/agent stop', { target: 'coder', method: 'interrupt' }, 'done', {
          between: () => {
            if (laterTurn) startLongTurn(chatId, 'of a later request');
          },
        });
        const own = botComments().filter((comment) => readMarker(comment.body)?.request === deliveryId);
        expect(own).toHaveLength(1);
        expect(readMarker(own[0]?.body)).toEqual({ chatId, state: 'stopped', request: deliveryId });
        expect(botComments()).toHaveLength(2);
        expect(coder.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/interrupt'))).toHaveLength(1);
        const chat = coder.chat(chatId);
        // The later request's turn still runs; without one, the chat is idle after the one interrupt.
        expect(chat.busy && chat.status !== 'interrupting').toBe(laterTurn);
        if (laterTurn) expect(own[0]?.body).toContain('moved on to a later request');
      }, 60_000);
    }

    // CI feedback (ci-feedback.ts): the notice says "sending…" until the chat has the follow-up, which carries the run's
    // tag; each case with GitHub's clock well ahead and well behind the App's (nothing here reads a time).
    const ciCases: Array<[string, CrashPoint, FinishedState]> = [
      ['14. a failed CI run, after GitHub created the notice and before the follow-up was sent', { target: 'github', method: 'createComment' }, 'done'],
      ['15. a failed CI run, after Coder took the follow-up and before the notice said so', { target: 'coder', method: 'sendMessage' }, 'done'],
      // The relay was complete: the resumed job finds the notice final and ends skipped ("already sent").
      ['16. a failed CI run, after the notice said it was sent and before the job was marked done', { target: 'github', method: 'updateComment', argsInclude: 'state=done' }, 'skipped'],
    ];
    for (const [name, crash, ends] of ciCases) {
      for (const skew of [120_000, -120_000]) {
        it(`${name} (GitHub's clock ${skew > 0 ? 'ahead' : 'behind'} by 120 s): one notice, one CI follow-up`, async () => {
          clockSkew.ms = skew;
          const failed = seedFailedRun(coder, github, OWNER, REPO, { installationId: INSTALLATION });
          const run = failed.payload['workflow_run'] as { id: number; run_attempt: number };
          await crashAndResume({ event: 'workflow_run', payload: failed.payload, dedupeKey: `workflow_run:${OWNER}/${REPO}:${run.id}.${run.run_attempt}` }, crash, ends);
          const notices = github.comments(OWNER, REPO, FAILED_PR).filter((c) => c.user.login === BOT);
          expect(notices).toHaveLength(1);
          expect(readMarker(notices[0]?.body)).toEqual({ chatId: failed.chatId, state: 'done', ciRun: `${run.id}.${run.run_attempt}` });
          expect(notices[0]?.body).toContain('were sent');
          const tag = renderRequestTag(ciRunKey({ id: run.id, attempt: run.run_attempt }));
          const chat = coder.chat(failed.chatId);
          const followUps = [...chat.messages, ...chat.queued].filter((m) => m.content.some((p) => p['type'] === 'text' && p['text'] === tag));
          expect(followUps).toHaveLength(1);
          expect(JSON.stringify(followUps[0]?.content)).toContain('FAIL src/csv.test.ts');
          expect(coder.chats.size).toBe(1);
        }, 60_000);
      }
    }

    if (opts.replicas) {
      it('another replica takes over a dead replica\'s chat once its lease runs out, and the answer is posted once', async () => {
        const leaseMs = 2_000;
        const deliveryId = randomUUID();
        const prompt = 'survive a dead replica';
        const payload = commentDelivery(github, `/agent ${prompt}`);
        const comment = (payload as { comment: { id: number } }).comment;
        await store.enqueue({ deliveryId, dedupeKey: `issue_comment:created:${comment.id}`, event: 'issue_comment', installationId: INSTALLATION, repository: `${OWNER}/${REPO}`, payload, receivedAt: Date.now() });
        const dying = live({ ...config(), owner: 'replica-a', leaseMs }, { target: 'store', method: 'recordRun' });
        lives.push(dying);
        expect((await dying.exited).signal).toBe('SIGKILL');
        expect(await store.get(deliveryId)).toMatchObject({ state: 'following', leaseOwner: 'replica-a' });
        // Another replica (another name: nothing to take back) must wait for the lease, then resume the chat.
        const other = live({ ...config(), owner: 'replica-b', leaseMs });
        lives.push(other);
        await waitFor(async () => (await store.get(deliveryId))?.state === 'done', 30_000);
        expect(await store.get(deliveryId)).toMatchObject({ attempts: 2, leaseOwner: null });
        expect(coder.chats.size).toBe(1);
        expect(promptsSent(prompt)).toBe(1);
        expectOneAnswer(deliveryId, prompt);
      }, 60_000);
    }

    // The comment search involves no store: one store is enough for the clock cases.
    for (const skew of opts.clockSkew ? [120_000, -120_000] : []) {
      it(`finds its own progress comment with GitHub's clock ${skew > 0 ? 'ahead' : 'behind'} by 120 s`, async () => {
        clockSkew.ms = skew;
        const prompt = `skewed clocks ${skew}`;
        const deliveryId = await crashAndResume(`/agent ${prompt}`, { target: 'github', method: 'createComment' });
        expect(coder.chats.size).toBe(1);
        expect(promptsSent(prompt)).toBe(1);
        expectOneAnswer(deliveryId, prompt);
      }, 60_000);
    }
  });
}
