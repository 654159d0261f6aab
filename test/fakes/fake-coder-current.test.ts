/** The fake's v2.38 profile speaks as Coder's current source does (codersdk/chats.go, coderd chat routes, chatd streamLoop). */
import { describe, expect, it } from '@jest/globals';
import { v238Harness, type Json } from '../helpers/v238-api.js';

const { fake, start, api, create, record } = v238Harness({ pingIntervalMs: 30 });

describe('FakeCoder v2.38 profile', () => {
  it('mounts only /api/v2: the experimental prefix is a route 404', async () => {
    await start();
    const r = await api('GET', '/api/experimental/chats');
    expect(r.status).toBe(404);
    expect(r.json.message).toBe('Route not found.');
    expect((await api('POST', '/api/v2/chats', { content: [{ type: 'text', text: 'x' }] })).json.message).toBe('organization_id is required.');
  });

  it('streams bare arrays, pings only at the WebSocket level, statuses without pending, parts with their attempt, preview_reset after each history change', async () => {
    await start({ agent: () => [{ status: 'running' }, { text: 'void' }, { failAttempt: { error: 'overloaded' } }, { text: 'kept' }, { delayMs: 80 }, { persist: true }, { status: 'waiting' }] });
    const chat = (await create()).json;
    const { frames, events, pings } = await record(chat.id as string, (evs) => evs.some((e) => e.type === 'status' && (e.status as Json).status === 'waiting' && evs.some((m) => m.type === 'message' && (m.message as Json).role === 'assistant')));
    expect(frames.every(Array.isArray)).toBe(true);
    expect(events.some((e) => e.type === 'ping')).toBe(false);
    expect(pings).toBeGreaterThan(0);
    const statuses = events.filter((e) => e.type === 'status').map((e) => (e.status as Json).status);
    expect(statuses).not.toContain('pending');
    const parts = events.filter((e) => e.type === 'message_part').map((e) => e.message_part as Json);
    expect(parts.map((p) => [p.generation_attempt, p.seq, (p.part as Json).text])).toEqual([
      [1, 1, 'void'],
      [2, 1, 'kept'],
    ]);
    expect(parts.every((p) => typeof p.history_version === 'number')).toBe(true);
    const types = events.map((e) => e.type);
    expect(types.indexOf('preview_reset', types.indexOf('retry'))).toBeLessThan(types.lastIndexOf('message_part'));
    const assistant = events.find((e) => e.type === 'message' && (e.message as Json).role === 'assistant');
    expect(types[events.indexOf(assistant!) + 1]).toBe('preview_reset');
  });

  it('answers GET /{chat}/cost, organization-scoped models, and refuses to archive an active chat', async () => {
    await start({ costPerRequestMicros: 200_000, agent: () => [{ status: 'running' }, { hang: true }] });
    const chat = (await create()).json;
    const cost = await api('GET', `/api/v2/chats/${String(chat.id)}/cost`);
    expect(cost.json).toEqual({ chat_id: chat.id, total_cost_micros: 0, request_count: 0, unpriced_request_count: 0 });
    const models = await api('GET', `/api/v2/organizations/${fake().organizationId}/chats/models`);
    expect((models.json.models as Json[]).map((m) => m.model).sort()).toEqual(['claude-sonnet-4-5', 'gpt-5']);
    expect((await api('GET', '/api/v2/chats/model-configs')).status).toBe(404);
    const archived = await api('PATCH', `/api/v2/chats/${String(chat.id)}`, { archived: true });
    expect(archived.status).toBe(409);
    expect(archived.json.message).toBe('Cannot archive an active chat. Interrupt or wait for the chat to finish first.');
    expect((await api('POST', `/api/v2/chats/${String(chat.id)}/archive`)).status).toBe(404);
  });

  it('shows queued_for_capacity on a running chat while the turn waits for a worker, and queue updates as queued_messages', async () => {
    await start({ turnStartDelayMs: 200, agentSlotsFull: true });
    const chat = (await create()).json;
    expect((await api('GET', `/api/v2/chats/${String(chat.id)}`)).json).toMatchObject({ status: 'running', queued_for_capacity: true });
    await fake().waitForIdle(chat.id as string);
    expect((await api('GET', `/api/v2/chats/${String(chat.id)}`)).json.queued_for_capacity).toBeUndefined();
    fake().options.agent = () => [{ status: 'running' }, { hang: true }];
    await api('POST', `/api/v2/chats/${String(chat.id)}/messages`, { content: [{ type: 'text', text: 'a' }] });
    await fake().waitFor(() => fake().chat(chat.id as string).turn?.started === true);
    const recording = record(chat.id as string, (evs) => evs.some((e) => e.type === 'queue_update'));
    await fake().waitForStreams(1, chat.id as string);
    const queued = await api('POST', `/api/v2/chats/${String(chat.id)}/messages`, { content: [{ type: 'text', text: 'b' }] });
    expect(queued.json.queued).toBe(true);
    const update = (await recording).events.find((e) => e.type === 'queue_update');
    expect((update?.queued_messages as Json[]).map((q) => q.id)).toEqual([(queued.json.queued_message as Json).id]);
    expect(update && 'queue_update' in update).toBe(false);
  });
});
