import { afterEach, describe, expect, it } from '@jest/globals';
import { CoderClient } from '../../src/coder/client.js';
import { CoderError } from '../../src/coder/errors.js';
import { followChat, type FollowOptions, type FollowProgress } from '../../src/coder/follow.js';
import { FakeCoder, type AgentStep, type FakeCoderOptions, type Framing } from '../fakes/fake-coder.js';
import { waitFor } from '../helpers/wait.js';

let fake: FakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const tuning: Partial<FollowOptions> = { reconnectBaseMs: 5, reconnectMaxMs: 20, pollIntervalMs: 20, maxReconnects: 3 };

async function setup(opts: FakeCoderOptions = {}) {
  fake = await FakeCoder.start(opts);
  const client = new CoderClient({ url: fake.url, token: 'test-token', retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 } });
  return { fake, client };
}

async function createAndFollow(client: CoderClient, prompt: string, extra: Partial<FollowOptions> = {}) {
  const progress: FollowProgress[] = [];
  const chat = await client.createChat({ content: [{ type: 'text', text: prompt }] });
  const outcome = await followChat(client, { chatId: chat.id, ...tuning, onProgress: (p) => progress.push(p), ...extra });
  const streamed = progress.flatMap((p) => (p.kind === 'text' ? [p.delta] : [])).join('');
  return { chat, outcome, progress, streamed };
}

const answerSteps = (answer: string, pieces = 4): AgentStep[] => {
  const size = Math.ceil(answer.length / pieces);
  const out: AgentStep[] = [{ status: 'running' }];
  for (let i = 0; i < answer.length; i += size) out.push({ text: answer.slice(i, i + size) }, { delayMs: 1 });
  return [...out, { persist: true }, { status: 'waiting' }];
};

describe('followChat', () => {
  it.each<Framing>(['batch', 'single', 'array'])('follows a turn to its answer in the %s framing', async (framing) => {
    const { client } = await setup({ framing });
    const { outcome, streamed, progress } = await createAndFollow(client, 'hello there');
    expect(outcome.status).toBe('completed');
    expect(outcome.result).toBe('Echo: hello there');
    expect(streamed).toBe('Echo: hello there');
    expect(outcome.chatUrl).toBe(`${fake!.url}/agents/${outcome.chatId}`);
    expect(progress).toContainEqual({ kind: 'status', status: 'running' });
    expect(outcome.lastMessageId).toBeGreaterThan(0);
  });

  it('leaves reasoning and tool parts out of the answer, and reports tool calls', async () => {
    const { client } = await setup({
      agent: () => [{ status: 'running' }, { reasoning: 'thinking hard' }, { toolCall: { name: 'read_file', args: { path: 'a.ts' }, result: 'x' } }, { text: 'Fixed it.' }, { persist: true }, { status: 'waiting' }],
    });
    const { outcome, progress } = await createAndFollow(client, 'fix');
    expect(outcome.result).toBe('Fixed it.');
    expect(outcome.result).not.toContain('thinking');
    expect(progress).toContainEqual({ kind: 'tool', name: 'read_file' });
  });

  it('says so when a turn ends in tool calls with no text', async () => {
    const { client } = await setup({ agent: () => [{ status: 'running' }, { toolCall: { name: 'execute', args: { cmd: 'ls' }, result: 'ok' } }, { status: 'waiting' }] });
    const { outcome } = await createAndFollow(client, 'run ls');
    expect(outcome.status).toBe('completed');
    expect(outcome.result).toBe('The agent ended this turn with 1 tool call (execute) and no written answer.');
  });

  it('ignores unknown event types, unknown part types and garbage frames', async () => {
    const { client } = await setup({
      agent: () => [
        { status: 'running' },
        { event: { type: 'brand_new_event', chat_id: 'x', brand_new_event: { a: 1 } } },
        { event: { type: 'message_part', chat_id: 'x', message_part: { role: 'assistant', part: { type: 'hologram', beam: true } } } },
        { rawFrame: 'not json at all' },
        { text: 'still fine' },
        { persist: true },
        { status: 'waiting' },
      ],
    });
    const { outcome } = await createAndFollow(client, 'x');
    expect(outcome.status).toBe('completed');
    expect(outcome.result).toBe('still fine');
  });

  it('reconnects with after_id after a socket dropped mid-answer: the answer whole, never duplicated', async () => {
    const answer = 'The quick brown fox jumps over the lazy dog and keeps running far away.';
    const { fake, client } = await setup({ framing: 'single', agent: () => [{ status: 'running' }, ...answerSteps(answer, 8).slice(1, 9), { delayMs: 30 }, ...answerSteps(answer, 8).slice(9)] });
    fake.dropStreamsAfterFrames(5);
    const { outcome, streamed, progress } = await createAndFollow(client, 'fox');
    expect(outcome.result).toBe(answer);
    expect(streamed).toBe(answer);
    expect(progress.some((p) => p.kind === 'reconnect')).toBe(true);
    const streams = fake.requests.filter((r) => r.path.endsWith('/stream'));
    expect(streams.length).toBeGreaterThanOrEqual(2);
  });

  it('resumes after persisted messages with after_id so earlier messages are not replayed', async () => {
    const { fake, client } = await setup({
      framing: 'batch',
      agent: () => [{ status: 'running' }, { text: 'part one' }, { persist: true }, { delayMs: 40 }, { text: 'part two' }, { persist: true }, { status: 'waiting' }],
    });
    fake.dropStreamsAfterFrames(4);
    const { outcome } = await createAndFollow(client, 'two parts');
    expect(outcome.result).toBe('part two');
    const second = fake.requests.filter((r) => r.path.endsWith('/stream'))[1];
    expect(Number(second?.query['after_id'])).toBeGreaterThan(0);
  });

  it('falls back to polling when the socket cannot be had, and still gets the answer', async () => {
    const { fake, client } = await setup({ agent: () => answerSteps('polled answer', 2) });
    fake.refuseStreams(Infinity);
    const { outcome, progress } = await createAndFollow(client, 'poll', { socketRetryMs: 60_000 });
    expect(outcome.status).toBe('completed');
    expect(outcome.result).toBe('polled answer');
    expect(progress.some((p) => p.kind === 'polling')).toBe(true);
    expect(fake.requests.some((r) => r.path.endsWith('/messages') && r.method === 'GET')).toBe(true);
  });

  // Coder sets the busy status with the message, so no release shows a follow-up the previous
  // turn's `waiting`. The follower still must not believe a final status it has no proof for (a
  // status read that lags the send): here the fake is made to show the stale `waiting` until the
  // turn starts, on purpose.
  it('does not take a stale "waiting" (the previous turn\'s) as the end of a follow-up', async () => {
    const { fake, client } = await setup({ turnStartDelayMs: 300, agent: ({ turnIndex }) => answerSteps(turnIndex === 0 ? 'first answer' : 'second answer') });
    const { chat, outcome: first } = await createAndFollow(client, 'one');
    expect(first.result).toBe('first answer');
    const sent = await client.sendMessage(chat.id, { content: [{ type: 'text', text: 'two' }] });
    expect(sent.queued).toBe(false);
    expect(fake.chat(chat.id).status).toBe('pending');
    fake.chat(chat.id).chat.status = 'waiting'; // the stale read, without an event
    const progress: FollowProgress[] = [];
    const outcome = await followChat(client, { chatId: chat.id, afterId: sent.message!.id, userMessageId: sent.message!.id, ...tuning, onProgress: (p) => progress.push(p) });
    expect(progress.find((p) => p.kind === 'status')).toEqual({ kind: 'status', status: 'waiting' });
    expect(outcome.result).toBe('second answer');
  });

  it('follows a queued follow-up through the current turn to its own answer', async () => {
    const { client } = await setup({ agent: ({ turnIndex }) => (turnIndex === 0 ? [{ status: 'running' }, { delayMs: 60 }, { text: 'first' }, { persist: true }, { status: 'waiting' }] : answerSteps('queued answer')) });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'one' }] });
    await waitFor(async () => (await client.getChat(chat.id)).status === 'running');
    const sent = await client.sendMessage(chat.id, { content: [{ type: 'text', text: 'two' }] });
    expect(sent.queued).toBe(true);
    const outcome = await followChat(client, { chatId: chat.id, queuedId: sent.queued_message!.id, ...tuning });
    expect(outcome.result).toBe('queued answer');
  });

  it('a queued follow-up whose turn ran and ended before the follower connected still ends with its own answer', async () => {
    // The follower never sees the queue_update: the stream's snapshot shows an idle chat and an empty queue.
    const { client } = await setup({ agent: ({ turnIndex }) => (turnIndex === 0 ? [{ status: 'running' }, { delayMs: 60 }, { text: 'first' }, { persist: true }, { status: 'waiting' }] : answerSteps('queued answer')) });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'one' }] });
    await waitFor(async () => (await client.getChat(chat.id)).status === 'running');
    const sent = await client.sendMessage(chat.id, { content: [{ type: 'text', text: 'two' }] });
    expect(sent.queued).toBe(true);
    await waitFor(async () => (await client.getMessages(chat.id)).messages.length === 4);
    const outcome = await followChat(client, { chatId: chat.id, afterId: 1, queuedId: sent.queued_message!.id, ...tuning, staleCheckMs: 20, timeoutMs: 5000 });
    expect(outcome.status).toBe('completed');
    expect(outcome.result).toBe('queued answer');
  });

  it('reports an agent error as the outcome, with the error message', async () => {
    const { client } = await setup({ lastErrorShape: 'object', agent: () => [{ status: 'running' }, { delayMs: 150 }, { retry: { attempt: 1, delayMs: 10, error: 'overloaded' } }, { error: { message: 'The model provider is overloaded.', kind: 'overloaded' } }] });
    const { outcome, progress } = await createAndFollow(client, 'x');
    expect(outcome.status).toBe('error');
    expect(outcome.error?.message).toBe('The model provider is overloaded.');
    expect(outcome.retries).toBe(1);
    expect(progress).toContainEqual({ kind: 'retry', attempt: 1, delayMs: 10, error: 'overloaded' });
  });

  it('a turn that failed before the follower connected still ends as an error (checked over REST)', async () => {
    const { client } = await setup({ agent: () => [{ status: 'running' }, { error: { message: 'No model configured.' } }] });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'x' }] });
    await waitFor(async () => (await client.getChat(chat.id)).status === 'error');
    const outcome = await followChat(client, { chatId: chat.id, ...tuning, staleCheckMs: 50 });
    expect(outcome.status).toBe('error');
    expect(outcome.error?.message).toBe('No model configured.');
  });

  it('carries the diff status (pull request) of the chat', async () => {
    const { client } = await setup({ agent: () => [{ status: 'running' }, { diffStatus: { url: 'https://github.com/o/r/pull/7', pr_number: 7, pull_request_state: 'open' } }, ...answerSteps('opened a PR').slice(1)] });
    const { outcome } = await createAndFollow(client, 'x');
    expect(outcome.diffStatus?.url).toBe('https://github.com/o/r/pull/7');
  });

  it('times out with the partial answer and status timeout', async () => {
    const { client } = await setup({ agent: () => [{ status: 'running' }, { text: 'partial' }, { hang: true }] });
    const { outcome } = await createAndFollow(client, 'x', { timeoutMs: 150 });
    expect(outcome.status).toBe('timeout');
    expect(outcome.result).toBe('partial');
  });

  it('stops on an AbortSignal and closes the socket', async () => {
    const { fake, client } = await setup({ agent: () => [{ status: 'running' }, { hang: true }] });
    const controller = new AbortController();
    const chat = await client.createChat({ content: [{ type: 'text', text: 'x' }] });
    const pending = followChat(client, { chatId: chat.id, signal: controller.signal, ...tuning });
    await waitFor(() => fake.streamCount(chat.id) === 1);
    controller.abort();
    const outcome = await pending;
    expect(outcome.status).toBe('aborted');
    await waitFor(() => fake.streamCount(chat.id) === 0);
  });

  it('a rejected token on the stream is an error the caller sees, not a retry loop', async () => {
    const { fake } = await setup();
    const good = new CoderClient({ url: fake.url, token: 'test-token' });
    const chat = await good.createChat({ content: [{ type: 'text', text: 'x' }] });
    const bad = new CoderClient({ url: fake.url, token: 'nope-nope' });
    await expect(followChat(bad, { chatId: chat.id, ...tuning })).rejects.toBeInstanceOf(CoderError);
  });
});
