/** The fake's v2.38 profile speaks as Coder's current source does (codersdk/chats.go, coderd chat routes, chatd streamLoop). */
import { afterEach, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { FakeCoder, profile, type FakeCoderOptions } from './fake-coder.js';

type Json = Record<string, unknown>;
let fake: FakeCoder | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await fake?.close();
  fake = undefined;
});

const start = async (opts: FakeCoderOptions = {}) => (fake = await FakeCoder.start(profile('v2.38', { pingIntervalMs: 30, ...opts })));
const AUTH = { 'Coder-Session-Token': 'test-token', 'content-type': 'application/json' };
async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(fake!.url + path, { method, headers: AUTH, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as Json };
}
const create = (extra: Json = {}) => api('POST', '/api/v2/chats', { organization_id: fake!.organizationId, content: [{ type: 'text', text: 'hi' }], ...extra });

/** Records every text frame and ping of a stream until `done` holds. */
async function record(chatId: string, done: (events: Json[]) => boolean) {
  const ws = new WebSocket(fake!.streamUrl(chatId, undefined, 'v2'), { headers: AUTH });
  sockets.push(ws);
  const frames: unknown[] = [];
  let pings = 0;
  ws.on('ping', () => pings++);
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      frames.push(JSON.parse(String(data)));
      if (done(frames.flat() as Json[])) resolve();
    });
    ws.on('error', reject);
  });
  return { frames, events: frames.flat() as Json[], pings };
}

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
    const models = await api('GET', `/api/v2/organizations/${fake!.organizationId}/chats/models`);
    expect((models.json.models as Json[]).map((m) => m.model).sort()).toEqual(['claude-sonnet-4-5', 'gpt-5']);
    expect((await api('GET', '/api/v2/chats/model-configs')).status).toBe(404);
    const archived = await api('PATCH', `/api/v2/chats/${String(chat.id)}`, { archived: true });
    expect(archived.status).toBe(409);
    expect(archived.json.message).toBe('Cannot archive an active chat. Interrupt or wait for the chat to finish first.');
    expect((await api('POST', `/api/v2/chats/${String(chat.id)}/archive`)).status).toBe(404);
  });

  it('shows queued_for_capacity while the turn waits for a worker, and queue updates as queued_messages', async () => {
    await start({ turnStartDelayMs: 200 });
    const chat = (await create()).json;
    expect((await api('GET', `/api/v2/chats/${String(chat.id)}`)).json.queued_for_capacity).toBe(true);
    await fake!.waitForIdle(chat.id as string);
    expect((await api('GET', `/api/v2/chats/${String(chat.id)}`)).json.queued_for_capacity).toBeUndefined();
    fake!.options.agent = () => [{ status: 'running' }, { hang: true }];
    await api('POST', `/api/v2/chats/${String(chat.id)}/messages`, { content: [{ type: 'text', text: 'a' }] });
    await fake!.waitFor(() => fake!.chat(chat.id as string).turn?.started === true);
    const recording = record(chat.id as string, (evs) => evs.some((e) => e.type === 'queue_update'));
    await fake!.waitForStreams(1, chat.id as string);
    const queued = await api('POST', `/api/v2/chats/${String(chat.id)}/messages`, { content: [{ type: 'text', text: 'b' }] });
    expect(queued.json.queued).toBe(true);
    const update = (await recording).events.find((e) => e.type === 'queue_update');
    expect((update?.queued_messages as Json[]).map((q) => q.id)).toEqual([(queued.json.queued_message as Json).id]);
    expect(update && 'queue_update' in update).toBe(false);
  });
});
