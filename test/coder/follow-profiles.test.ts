import { afterEach, describe, expect, it } from '@jest/globals';
import { CoderClient } from '../../src/coder/client.js';
import { followChat, type FollowOptions, type FollowProgress } from '../../src/coder/follow.js';
import { FakeCoder, PROFILE_NAMES, profile, type AgentStep, type FakeCoderOptions, type ProfileName } from '../fakes/fake-coder.js';

let fake: FakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const tuning: Partial<FollowOptions> = { reconnectBaseMs: 5, reconnectMaxMs: 20, pollIntervalMs: 20, maxReconnects: 3 };

async function setup(name: ProfileName, opts: FakeCoderOptions = {}) {
  fake = await FakeCoder.start(profile(name, opts));
  return { fake, client: new CoderClient({ url: fake.url, token: 'test-token', retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 } }) };
}

/** What a terminal shows: deltas appended, a reset erases the message being written. */
function screen(progress: FollowProgress[]): string {
  let done = '';
  let live = '';
  for (const p of progress) {
    if (p.kind === 'text') live += p.delta;
    else if (p.kind === 'reset') live = '';
    else if (p.kind === 'message') {
      done += live;
      live = '';
    }
  }
  return done + live;
}

async function run(client: CoderClient, prompt: string, extra: Partial<FollowOptions> = {}) {
  const progress: FollowProgress[] = [];
  const chat = await client.createChat({ content: [{ type: 'text', text: prompt }] });
  const outcome = await followChat(client, { chatId: chat.id, ...tuning, onProgress: (p) => progress.push(p), ...extra });
  return { chat, outcome, progress };
}

const answer = (text: string): AgentStep[] => [{ status: 'running' }, { text: text.slice(0, 5) }, { text: text.slice(5) }, { persist: true }, { status: 'waiting' }];

describe.each(PROFILE_NAMES)('followChat against a %s server', (name) => {
  it('follows a new chat to its answer, and a follow-up a worker takes up late', async () => {
    const { fake, client } = await setup(name, { agent: ({ turnIndex }) => answer(turnIndex === 0 ? 'first answer' : 'second answer') });
    const { chat, outcome } = await run(client, 'one');
    expect(outcome.status).toBe('completed');
    expect(outcome.result).toBe('first answer');
    fake.options.turnStartDelayMs = 300;
    const sent = await client.sendMessage(chat.id, { content: [{ type: 'text', text: 'two' }] });
    const next = await followChat(client, { chatId: chat.id, afterId: sent.message!.id, userMessageId: sent.message!.id, ...tuning, staleCheckMs: 20 });
    expect(next.result).toBe('second answer');
  });

  it('a turn interrupted before it wrote anything is interrupted, with no filler answer; one that ends silently on its own is not', async () => {
    const { fake, client } = await setup(name, { agent: ({ turnIndex }) => (turnIndex === 0 ? [{ status: 'running' }, { hang: true }] : [{ status: 'running' }, { status: 'waiting' }]) });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'one' }] });
    const following = followChat(client, { chatId: chat.id, ...tuning });
    await fake.waitFor(() => fake.chat(chat.id).status === 'running' && fake.streamCount(chat.id) > 0, 5000, 'a followed running turn');
    fake.interrupt(chat.id);
    const outcome = await following;
    expect(outcome).toMatchObject({ status: 'completed', interrupted: true, result: '' });
    const sent = await client.sendMessage(chat.id, { content: [{ type: 'text', text: 'two' }] });
    const quiet = await followChat(client, { chatId: chat.id, afterId: sent.message!.id, userMessageId: sent.message!.id, ...tuning });
    expect(quiet.interrupted).toBeUndefined();
    expect(quiet.result).toBe('The agent finished without writing an answer.');
  });

  it('a follow-up to a chat whose last turn failed, failing again before the stream connects, reports the new error promptly', async () => {
    const { fake, client } = await setup(name, {
      agent: ({ turnIndex }) => [{ status: 'running' }, { error: { message: turnIndex === 0 ? 'Provider quota exceeded.' : 'The model provider refused the request.' } }],
    });
    const { chat, outcome } = await run(client, 'one');
    expect(outcome.status).toBe('error');
    const sent = await client.sendMessage(chat.id, { content: [{ type: 'text', text: 'two' }] });
    // The new turn ran and failed before anyone followed it: the chat shows `error`, as it did before the send.
    await fake.waitForIdle(chat.id);
    expect(fake.chat(chat.id).status).toBe('error');
    const began = Date.now();
    const next = await followChat(client, { chatId: chat.id, afterId: sent.message!.id, userMessageId: sent.message!.id, ...tuning, staleCheckMs: 50, timeoutMs: 10_000 });
    expect(next.status).toBe('error');
    expect(next.error?.message).toBe('The model provider refused the request.');
    expect(Date.now() - began).toBeLessThan(5000);
  });

  it('never keeps the text of a failed generation attempt in the answer', async () => {
    const { client } = await setup(name, {
      agent: () => [{ status: 'running' }, { text: 'DISCARDED-PARTIAL' }, { failAttempt: { error: 'overloaded' } }, { text: 'Real answer.' }, { persist: true }, { status: 'waiting' }],
    });
    const { outcome } = await run(client, 'x');
    expect(outcome.result).toBe('Real answer.');
  });
});

describe('followChat against a v2.38 server', () => {
  it('preview_reset voids what was streamed: the screen never ends with voided text', async () => {
    const { client } = await setup('v2.38', {
      agent: () => [
        { status: 'running' },
        { text: 'first.' },
        { persist: true },
        { text: 'DISCARDED-' },
        { text: 'PARTIAL ANSWER-1' },
        { failAttempt: { error: 'overloaded' } },
        { text: 'The real ' },
        { text: 'answer.' },
        { persist: true },
        { status: 'waiting' },
      ],
    });
    const { outcome, progress } = await run(client, 'x');
    expect(progress).toContainEqual({ kind: 'reset', reason: 'preview_reset' });
    expect(screen(progress)).toBe('first.The real answer.');
    expect(progress.filter((p) => p.kind === 'message').map((p) => (p as { text: string }).text)).toEqual(['first.', 'The real answer.']);
    expect(outcome.result).toBe('The real answer.');
  });

  it('history_reset: the answer is what the edited history holds', async () => {
    const { client } = await setup('v2.38', {
      agent: () => [{ status: 'running' }, { text: 'old' }, { persist: true }, { historyReset: true }, { text: 'new answer' }, { persist: true }, { status: 'waiting' }],
    });
    const { outcome } = await run(client, 'x');
    expect(outcome.result).toBe('new answer');
  });

  it('a chat waiting for a free agent slot shows "waiting for capacity", then its answer', async () => {
    // Coder: the chat is `running` (no worker yet) and only REST says it waits for a slot.
    const { client } = await setup('v2.38', { turnStartDelayMs: 400, agentSlotsFull: true, agent: () => answer('after the wait') });
    const { outcome, progress } = await run(client, 'x', { staleCheckMs: 30 });
    const at = progress.findIndex((p) => p.kind === 'status' && p.waitingForCapacity === true);
    expect(progress[at]).toEqual({ kind: 'status', status: 'running', waitingForCapacity: true });
    // The first part clears it: a worker took the chat.
    expect(progress.slice(at + 1)).toContainEqual({ kind: 'status', status: 'running', waitingForCapacity: false });
    expect(outcome.result).toBe('after the wait');
  });

  it('reads the cost after the run, with the unpriced count', async () => {
    const { client } = await setup('v2.38', {
      costPerRequestMicros: 185_000,
      unpricedEvery: 3,
      agent: () => [{ status: 'running' }, { toolCall: { name: 'a' } }, { toolCall: { name: 'b' } }, { toolCall: { name: 'c' } }, { text: 'done' }, { persist: true }, { status: 'waiting' }],
    });
    const { outcome } = await run(client, 'x');
    expect(outcome.cost).toEqual({ totalCostMicros: 3 * 185_000, requestCount: 4, unpricedRequestCount: 1 });
  });

  it('carries structured_output of the final message', async () => {
    const { client } = await setup('v2.38', { structuredOutput: true, agent: () => [{ status: 'running' }, { structured: { verdict: 'flaky', confidence: 0.9 } }, { text: 'It is flaky.' }, { persist: true }, { status: 'waiting' }] });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'x' }], response_format: { type: 'object', properties: { verdict: { type: 'string' } } } });
    const outcome = await followChat(client, { chatId: chat.id, ...tuning });
    expect(outcome.structuredOutput).toEqual({ verdict: 'flaky', confidence: 0.9 });
  });

  // The old rule believed a final status after 2 s; a server may take longer to take up a follow-up
  // (it shows `running` meanwhile; the stale-status case itself: follow.test.ts).
  it.each([3000, 7000])('a follow-up that a worker takes up only after %i ms is followed to its own answer', async (delay) => {
    const { fake, client } = await setup('v2.38', { agent: ({ turnIndex }) => answer(turnIndex === 0 ? 'first answer' : 'second answer') });
    const { chat } = await run(client, 'one');
    fake.options.turnStartDelayMs = delay;
    const sent = await client.sendMessage(chat.id, { content: [{ type: 'text', text: 'two' }] });
    const next = await followChat(client, { chatId: chat.id, afterId: sent.message!.id, userMessageId: sent.message!.id, ...tuning });
    expect(next.status).toBe('completed');
    expect(next.result).toBe('second answer');
  }, 20_000);

  it('the timeout still bounds a follow-up the server never takes up', async () => {
    const { fake, client } = await setup('v2.38', { agent: () => answer('first answer') });
    const { chat } = await run(client, 'one');
    fake.options.turnStartDelayMs = 60_000;
    const sent = await client.sendMessage(chat.id, { content: [{ type: 'text', text: 'two' }] });
    const next = await followChat(client, { chatId: chat.id, afterId: sent.message!.id, userMessageId: sent.message!.id, ...tuning, staleCheckMs: 20, timeoutMs: 300 });
    expect(next.status).toBe('timeout');
  });
});
