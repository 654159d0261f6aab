/**
 * The fake's v2.38 profile is no kinder than Coder's current source (review of
 * issue 9, /work/notes/review-coder.md K1–K6). Sources (coder/coder):
 * - coderd/x/chatd stream loop, applyDBSnapshot: one snapshot emits
 *   message…, queue_update, status (only when changed), error (status error),
 *   action_required (status requires_action), retry, preview_reset — in that order.
 * - coderd/chat_routes.go patchChat: archive only from idle/error states
 *   ("W, E0, E1"), otherwise 409 "Cannot archive an active chat…".
 * - chatd InterruptChat (chatstate Interrupt): a running chat lands in
 *   `interrupting`, and a worker's interrupt task persists and sets waiting;
 *   a requires_action chat gets cancelled tool results and returns to running.
 * - coderd/x/chatd ChatQueuedForCapacity: false unless status is `running`.
 */
import { describe, expect, it } from '@jest/globals';
import { statusOf, v238Harness, type Json } from '../helpers/v238-api.js';

const { fake, start, api, create, record } = v238Harness();
const HANGS = { agent: () => [{ status: 'running' }, { text: 'partial' }, { hang: true as const }] };

describe('fake v2.38: interrupt and archive as Coder does them', () => {
  it('POST /interrupt on a running chat answers `interrupting`, not an instant `waiting` (chatd InterruptChat)', async () => {
    await start(HANGS);
    const chat = (await create()).json;
    await fake().waitForStatus(chat.id as string, 'running');
    const r = await api('POST', `/api/v2/chats/${String(chat.id)}/interrupt`);
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('interrupting');
  });

  it('the interrupted chat persists its partial answer and is `waiting` shortly after, in that order on the stream', async () => {
    await start({ ...HANGS, interruptSettleMs: 250 });
    const id = (await create()).json.id as string;
    await fake().waitFor(() => fake().chat(id).turn?.text === 'partial', 5000, 'the partial answer streamed');
    const stream = record(id, (evs) => evs.some((e) => statusOf(e) === 'waiting' && evs.some((x) => statusOf(x) === 'interrupting')));
    await fake().waitForStreams(1, id);
    const asked = Date.now();
    await api('POST', `/api/v2/chats/${id}/interrupt`);
    expect((await api('GET', `/api/v2/chats/${id}`)).json.status).toBe('interrupting');
    await fake().waitForStatus(id, 'waiting');
    expect(Date.now() - asked).toBeGreaterThanOrEqual(240);
    const messages = (await api('GET', `/api/v2/chats/${id}/messages`)).json.messages as Json[];
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: 'partial' }] });
    const order = (await stream).events.map((e) => statusOf(e) ?? String(e.type)).filter((t) => ['interrupting', 'message', 'waiting'].includes(t));
    expect(order.slice(-3)).toEqual(['interrupting', 'message', 'waiting']);
  });

  it('archiving right after an interrupt is refused while the chat is still `interrupting` (patchChat: only W, E0, E1), and succeeds once it is waiting', async () => {
    await start(HANGS);
    const id = (await create()).json.id as string;
    await fake().waitForStatus(id, 'running');
    await api('POST', `/api/v2/chats/${id}/interrupt`);
    const refused = await api('PATCH', `/api/v2/chats/${id}`, { archived: true });
    expect(refused.status).toBe(409);
    await fake().waitForStatus(id, 'waiting');
    expect((await api('PATCH', `/api/v2/chats/${id}`, { archived: true })).status).toBe(204);
  });

  it('a chat in requires_action cannot be archived (409), as only idle and error chats can', async () => {
    await start();
    const chat = fake().createChatDirect({ status: 'requires_action', messages: [{ role: 'user', text: 'hi' }] });
    const r = await api('PATCH', `/api/v2/chats/${chat.id}`, { archived: true });
    expect(r.status).toBe(409);
    expect(r.json.message).toBe('Cannot archive an active chat. Interrupt or wait for the chat to finish first.');
  });

  it('interrupting a requires_action chat answers each pending tool call with an error result and runs it back to waiting', async () => {
    await start({ agent: () => [{ status: 'running' }, { toolCall: { name: 'browser' } }, { status: 'requires_action' }] });
    const id = (await create()).json.id as string;
    await fake().waitForStatus(id, 'requires_action');
    // The scripted turn wrote a tool call and its result; a dynamic tool waits for one: drop it.
    const chat = fake().chat(id);
    chat.messages.splice(chat.messages.findIndex((m) => m.role === 'tool'), 1);
    const r = await api('POST', `/api/v2/chats/${id}/interrupt`);
    expect(r.json.status).toBe('running');
    await fake().waitForStatus(id, 'waiting');
    expect(chat.messages.at(-1)).toMatchObject({ role: 'tool', content: [{ type: 'tool-result', is_error: true, result: 'Tool execution interrupted by user' }] });
    expect((await api('PATCH', `/api/v2/chats/${id}`, { archived: true })).status).toBe(204);
  });
});

describe('fake v2.38: stream order as applyDBSnapshot writes it', () => {
  it('a stream of a chat in requires_action carries an action_required event after the status', async () => {
    await start();
    const chat = fake().createChatDirect({ status: 'requires_action', messages: [{ role: 'user', text: 'hi' }, { role: 'assistant', text: 'need a tool' }] });
    const { events } = await record(chat.id, (evs) => evs.some((e) => e.type === 'preview_reset'));
    const types = events.map((e) => statusOf(e) ?? String(e.type));
    expect(types.slice(types.indexOf('requires_action'))).toEqual(['requires_action', 'action_required', 'preview_reset']);
    expect(events.find((e) => e.type === 'action_required')?.action_required).toEqual({ tool_calls: [] });
  });

  it('a turn that stops for a tool result sends requires_action and action_required, with the unanswered call, in one frame', async () => {
    await start({ turnStartDelayMs: 100, agent: () => [{ status: 'running' }, { toolCall: { name: 'browser', args: { url: 'x' } } }, { status: 'requires_action' }] });
    const id = (await create()).json.id as string;
    // A dynamic tool's result comes from the client: the scripted result is dropped as soon as it is written.
    const chat = fake().chat(id);
    const push = chat.messages.push.bind(chat.messages);
    chat.messages.push = (...ms) => push(...ms.filter((m) => m.role !== 'tool'));
    const { frames } = await record(id, (evs) => evs.some((e) => e.type === 'action_required'));
    const frame = frames.find((f) => f.some((e) => e.type === 'action_required')) ?? [];
    const types = frame.map((e) => statusOf(e) ?? e.type);
    const at = types.indexOf('requires_action');
    expect(types.slice(at, at + 2)).toEqual(['requires_action', 'action_required']);
    expect(frame[at + 1]?.action_required).toEqual({ tool_calls: [{ tool_call_id: expect.any(String), tool_name: 'browser', args: '{"url":"x"}' }] });
  });

  it('an agent error arrives as status `error` then the `error` event, in one frame', async () => {
    await start({ agent: () => [{ status: 'running' }, { text: 'half' }, { error: { message: 'provider exploded' } }] });
    const id = (await create()).json.id as string;
    const { frames } = await record(id, (evs) => evs.some((e) => e.type === 'error') && evs.some((e) => statusOf(e) === 'error'));
    const frame = frames.find((f) => f.some((e) => e.type === 'error')) ?? [];
    expect(frame.map((e) => statusOf(e) ?? e.type)).toEqual(['error', 'error']);
    expect(frame[0]?.type).toBe('status');
    expect(frame[1]?.error).toMatchObject({ message: 'provider exploded' });
  });
});

describe('fake v2.38: queued_for_capacity (chatd ChatQueuedForCapacity)', () => {
  // chatstate SendMessage stores the message and sets `running` in one transaction: the previous
  // turn's `waiting` is never shown after the send. The flag needs every agent slot busy.
  it('is never true on an idle chat, nor on a `running` one waiting for a worker while slots are free', async () => {
    await start({ turnStartDelayMs: 2000 });
    const chat = fake().createChatDirect({ messages: [{ role: 'user', text: 'hi' }, { role: 'assistant', text: 'hello' }] });
    const idle = await api('GET', `/api/v2/chats/${chat.id}`);
    expect(idle.json.status).toBe('waiting');
    expect(idle.json.queued_for_capacity).toBeUndefined();
    await api('POST', `/api/v2/chats/${chat.id}/messages`, { content: [{ type: 'text', text: 'again' }] });
    const r = await api('GET', `/api/v2/chats/${chat.id}`);
    expect(r.json.status).toBe('running');
    expect(fake().chat(chat.id).turn?.started).toBe(false);
    expect(r.json.queued_for_capacity).toBeUndefined();
  });

  it('on a deployment with every slot busy, the chat is `running` with the flag until a worker takes it; the stream says `running` once', async () => {
    await start({ turnStartDelayMs: 300, agentSlotsFull: true });
    const id = (await create()).json.id as string;
    const stream = record(id, (evs) => evs.some((e) => statusOf(e) === 'waiting'));
    expect((await api('GET', `/api/v2/chats/${id}`)).json).toMatchObject({ status: 'running', queued_for_capacity: true });
    await fake().waitFor(() => fake().chat(id).turn?.started === true || !fake().chat(id).busy);
    expect((await api('GET', `/api/v2/chats/${id}`)).json.queued_for_capacity).toBeUndefined();
    const statuses = (await stream).events.map(statusOf).filter(Boolean);
    expect(statuses).toEqual(['running', 'waiting']);
  });
});

describe('fake v2.38: structured output on a server without the feature', () => {
  it('creates the chat and ignores response_format (no CreateChatRequest field; httpapi.Read keeps unknown fields quiet)', async () => {
    await start();
    const r = await create({ response_format: { type: 'object' } });
    expect(r.status).toBe(201);
    const id = r.json.id as string;
    await fake().waitForIdle(id);
    const messages = (await api('GET', `/api/v2/chats/${id}/messages`)).json.messages as Json[];
    expect(messages.at(-1)?.role).toBe('assistant');
    expect(messages.some((m) => 'structured_output' in m)).toBe(false);
  });
});
