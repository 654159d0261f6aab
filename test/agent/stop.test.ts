/**
 * `/agent stop` recognises its own earlier interrupt (issue 10, "No step
 * repeated after a crash"): with a request key it records the turn it
 * stops in its comment ("stopping", the chat's newest message id) before it
 * interrupts, and a resumed stop interrupts only while that turn may still
 * run. The crash itself is played by test/app/crash-points.ts; here each
 * state an earlier attempt can leave is set up directly.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readMarker, renderMarker } from '../../src/agent/marker.js';
import { renderStopping } from '../../src/agent/render.js';
import { findRequestComment } from '../../src/agent/request-comment.js';
import type { AgentDeps } from '../../src/agent/run-types.js';
import { stopChat } from '../../src/agent/stop.js';
import { threadLabels, type ThreadLabelRef } from '../../src/agent/thread-label.js';
import { CoderClient } from '../../src/coder/client.js';
import type { Chat } from '../../src/coder/schemas.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import type { Thread } from '../../src/github/port.js';
import { silentLogger } from '../../src/logger.js';
import type { FakeChat } from '../fakes/fake-coder/chat.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { octokitFor } from '../github/support.js';

const TOKEN = 'coder-secret-token-0123456789';
const OWNER = 'acme';
const REPO = 'shop';
const KEY = '7d1e1f2a-0000-4000-8000-00000000000a';
const thread: Thread = { owner: OWNER, repo: REPO, kind: 'issue', number: 1 };

/** A client that notes what the thread said at the moment each interrupt went out. */
class WatchedClient extends CoderClient {
  readonly saidAtInterrupt: string[][] = [];
  constructor(
    opts: ConstructorParameters<typeof CoderClient>[0],
    private readonly said: () => string[],
  ) {
    super(opts);
  }
  override async interrupt(chatId: string, signal?: AbortSignal): Promise<Chat> {
    this.saidAtInterrupt.push(this.said());
    return super.interrupt(chatId, signal);
  }
}

describe('/agent stop, with and without a record of the turn it stops', () => {
  let coder: FakeCoder;
  let github: FakeGitHub;
  let client: WatchedClient;
  let chat: FakeChat;
  let ref: ThreadLabelRef;

  beforeEach(async () => {
    coder = await FakeCoder.start({ token: TOKEN });
    github = await FakeGitHub.start();
    // A turn runs until it is interrupted.
    coder.options.agent = () => [{ status: 'running' }, { delayMs: 60_000 }, { text: 'never' }, { persist: true }, { status: 'waiting' }];
    const repository = github.addRepo(OWNER, REPO);
    ref = { repositoryId: repository.id, number: 1 };
    github.addIssue(OWNER, REPO, { number: 1, title: 'Checkout is slow' });
    chat = coder.createChatDirect({ status: 'waiting', labels: threadLabels(ref), messages: [{ role: 'user', text: 'first request' }, { role: 'assistant', text: 'First answer.' }] });
    github.addComment(OWNER, REPO, 1, { body: `First answer.\n\n${renderMarker({ chatId: chat.id, state: 'done' })}`, user: github.botLogin });
    client = new WatchedClient({ url: coder.url, token: TOKEN }, () => botBodies());
  });
  afterEach(async () => {
    await coder.close();
    await github.close();
  });

  const botBodies = () => github.comments(OWNER, REPO, 1).filter((c) => c.user.login === github.botLogin).map((c) => c.body);
  const interrupts = () => coder.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${chat.id}/interrupt`)).length;
  const commentWrites = () => github.requests.filter((r) => (r.method === 'POST' || r.method === 'PATCH') && r.path.includes('/issues/'));
  /** A turn the thread's chat is running now (another request's message, or the one `/agent stop` is asked to stop). */
  const startTurn = (text: string) => coder.runner.deliver(chat, [{ type: 'text', text }]);

  async function stop(key: string | undefined) {
    const deps: AgentDeps = {
      coder: client,
      github: createOctokitPort(octokitFor(github), { botLogin: github.botLogin }),
      botLogin: github.botLogin,
      logger: silentLogger,
      secrets: [TOKEN],
      idempotencyKey: key,
      resuming: true,
    };
    const read = await deps.github.listThreadComments(thread);
    const own = findRequestComment(read.comments, key, github.botLogin);
    const earlier = { comments: own === undefined ? read.comments : read.comments.filter((c) => c !== own.comment), olderLeftOut: read.olderLeftOut };
    return stopChat(earlier, ref, thread, 'maintainer', own, deps);
  }

  /** The comment an earlier attempt of the request posted before it died, as stop.ts posts it. */
  function leftStopping(lastMessageId: number): void {
    const body = renderStopping({ request: KEY, chatUrl: client.chatUrl(chat.id), chatId: chat.id, stoppedBy: 'maintainer', lastMessageId });
    github.addComment(OWNER, REPO, 1, { body, user: github.botLogin });
  }

  const newestId = () => chat.messages.reduce((n, m) => Math.max(n, m.id), 0);

  it('with a key: says "stopping" with the newest message id before it interrupts, then edits that comment to "stopped"', async () => {
    const turn = startTurn('long work');
    const result = await stop(KEY);
    expect(result.status).toBe('stopped');
    expect(interrupts()).toBe(1);
    const atInterrupt = client.saidAtInterrupt[0]?.map((b) => readMarker(b));
    expect(atInterrupt?.at(-1)).toEqual({ chatId: chat.id, state: 'stopping', request: KEY, lastMessageId: turn.id });
    expect(client.saidAtInterrupt[0]?.at(-1)).toContain('Stopping');
    const bodies = botBodies();
    expect(bodies).toHaveLength(2);
    expect(readMarker(bodies[1])).toEqual({ chatId: chat.id, state: 'stopped', request: KEY });
    expect(bodies[1]).toContain('Stopped** by @maintainer');
    // One comment, posted once and edited once.
    expect(commentWrites().map((r) => r.method)).toEqual(['POST', 'PATCH']);
  });

  it('without a key (the Action, never resumed): interrupts, then posts one comment, one write', async () => {
    startTurn('long work');
    const result = await stop(undefined);
    expect(result.status).toBe('stopped');
    expect(interrupts()).toBe(1);
    expect(client.saidAtInterrupt[0]).toHaveLength(1);
    expect(readMarker(botBodies()[1])).toEqual({ chatId: chat.id, state: 'stopped' });
    expect(commentWrites().map((r) => r.method)).toEqual(['POST']);
  });

  it('resumed before its interrupt went out (the recorded turn still runs): interrupts once and says so in the same comment', async () => {
    startTurn('long work');
    leftStopping(newestId());
    const result = await stop(KEY);
    expect(result.status).toBe('stopped');
    expect(interrupts()).toBe(1);
    const bodies = botBodies();
    expect(bodies).toHaveLength(2);
    expect(readMarker(bodies[1])).toEqual({ chatId: chat.id, state: 'stopped', request: KEY });
    expect(commentWrites().map((r) => r.method)).toEqual(['PATCH']);
  });

  it('resumed after Coder took its interrupt (the chat is idle or interrupting): no second interrupt', async () => {
    startTurn('long work');
    leftStopping(newestId());
    coder.interrupt(chat.id);
    expect(['waiting', 'interrupting']).toContain(chat.status);
    const result = await stop(KEY);
    expect(result.status).toBe('stopped');
    expect(interrupts()).toBe(0);
    expect(readMarker(botBodies()[1])?.state).toBe('stopped');
  });

  it('resumed after another request started a later turn: that turn is not cut short', async () => {
    startTurn('long work');
    leftStopping(newestId());
    coder.interrupt(chat.id);
    await coder.waitForStatus(chat.id, 'waiting');
    startTurn('a later request');
    expect(chat.busy).toBe(true);
    const result = await stop(KEY);
    expect(result.status).toBe('stopped');
    expect(interrupts()).toBe(0);
    expect(chat.busy).toBe(true);
    const bodies = botBodies();
    expect(bodies).toHaveLength(2);
    expect(readMarker(bodies[1])?.state).toBe('stopped');
    expect(bodies[1]).toContain('moved on to a later request');
  });

  it('resumed, and Coder refuses the interrupt: the error goes into the same comment', async () => {
    startTurn('long work');
    leftStopping(newestId());
    coder.failNext({ method: 'POST', path: /\/interrupt$/ }, { status: 403, body: { message: 'You may not interrupt this chat.' } });
    const result = await stop(KEY);
    expect(result.status).toBe('failed');
    const bodies = botBodies();
    expect(bodies).toHaveLength(2);
    expect(readMarker(bodies[1])).toEqual({ chatId: chat.id, state: 'error', request: KEY });
    expect(bodies[1]).toContain('You may not interrupt this chat.');
  });

  it('resumed with a comment whose record was edited away: interrupts nothing and says why', async () => {
    startTurn('long work');
    github.addComment(OWNER, REPO, 1, { body: `Stopping\n\n${renderMarker({ chatId: chat.id, state: 'stopping', request: KEY })}`, user: github.botLogin });
    const result = await stop(KEY);
    expect(result.status).toBe('failed');
    expect(interrupts()).toBe(0);
    expect(chat.busy).toBe(true);
    expect(readMarker(botBodies()[1])?.state).toBe('error');
  });
});
