import { afterEach, describe, expect, it } from '@jest/globals';
import { CoderClient, V2_PREFIX } from '../../src/coder/client.js';
import { CoderError } from '../../src/coder/errors.js';
import { explainRefusal } from '../../src/coder/refusals.js';
import { FakeCoder, MAX_QUEUED_MESSAGES, PROFILE_NAMES, profile, type FakeCoderOptions, type ProfileName } from '../fakes/fake-coder.js';
import { waitFor } from '../helpers/wait.js';

let fake: FakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(name: ProfileName, opts: FakeCoderOptions = {}) {
  fake = await FakeCoder.start(profile(name, opts));
  return { fake, client: new CoderClient({ url: fake.url, token: 'test-token', retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5 } }) };
}

async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CoderError);
  return { err: err as CoderError, explained: explainRefusal(err) };
}

describe.each(PROFILE_NAMES)('CoderClient against a %s server', (name) => {
  it('lists the models the server offers and resolves one by name', async () => {
    const { fake, client } = await setup(name);
    const models = await client.listModels();
    expect(models.map((m) => `${m.provider}:${m.model}`).sort()).toEqual(['anthropic:claude-sonnet-4-5', 'openai:gpt-5']);
    const id = await client.resolveModel('claude-sonnet-4-5');
    expect(id).toBe(fake.options.modelConfigs.find((c) => c.model === 'claude-sonnet-4-5')?.id);
    await expect(client.resolveModel('gpt-7')).rejects.toThrow(/No enabled model config matches "gpt-7"\. Available: .*anthropic:claude-sonnet-4-5/);
  });

  it('archives a chat that is still working (current servers refuse an active chat: interrupted first)', async () => {
    const { fake, client } = await setup(name, { agent: () => [{ status: 'running' }, { hang: true }] });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'x' }] });
    await waitFor(() => fake.chat(chat.id).status === 'running');
    await client.setArchived(chat.id, true);
    expect(fake.chat(chat.id).chat.archived).toBe(true);
    // Older servers archive a working chat as it is; v2.38 answers 409 until it is interrupted.
    if (name === 'v2.38') expect(fake.chat(chat.id).status).toBe('waiting');
  });

  it('reports the cost where the server has the route, and nothing where it has not', async () => {
    const { client } = await setup(name);
    const chat = await client.createChat({ content: [{ type: 'text', text: 'x' }] });
    await waitFor(async () => (await client.getMessagesAfter(chat.id, 0)).messages.some((m) => m.role === 'assistant'));
    const cost = await client.getCost(chat.id);
    if (name === 'v2.38') expect(cost).toEqual({ totalCostMicros: 125_000, requestCount: 1, unpricedRequestCount: 0 });
    else expect(cost).toBeUndefined();
  });
});

describe('CoderClient against a v2.38 server', () => {
  it('uses only /api/v2 routes: chats, organization-scoped models, PATCH archive', async () => {
    const { fake, client } = await setup('v2.38');
    const chat = await client.createChat({ content: [{ type: 'text', text: 'x' }] });
    await client.listModels();
    await fake.waitForIdle(chat.id);
    await client.setArchived(chat.id, true);
    expect(client.routePrefix).toBe(V2_PREFIX);
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths.filter((p) => p.includes('/api/experimental'))).toEqual([]);
    expect(paths).toContain(`GET /api/v2/organizations/${fake.organizationId}/chats/models`);
    expect(paths).toContain(`PATCH /api/v2/chats/${chat.id}`);
    expect(paths.filter((p) => /\/(models|model-configs)$/.test(p) && p.startsWith('GET /api/v2/chats'))).toEqual([]);
  });

  it('says why it cannot archive when the chat does not stop', async () => {
    const { fake, client } = await setup('v2.38', { agent: () => [{ status: 'running' }, { hang: true }] });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'x' }] });
    await waitFor(() => fake.chat(chat.id).status === 'running');
    fake.failNext({ method: 'POST', path: '/interrupt' }, { status: 200, body: { ...fake.chat(chat.id).toWire('object', true) } });
    const { err } = await refusal(client.setArchived(chat.id, true, { settleMs: 100 }));
    expect(err.status).toBe(409);
    expect(err.message).toMatch(/refuses to archive chat .* while it is working.*Wait for it to finish/);
    expect(err.message).not.toContain('Route not found');
  });

  it('archives a chat that waits for a tool result: interrupted (its tool call cancelled), then archived once waiting', async () => {
    const { fake, client } = await setup('v2.38', { agent: () => [{ status: 'running' }, { toolCall: { name: 'browser' } }, { status: 'requires_action' }] });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'x' }] });
    await waitFor(() => fake.chat(chat.id).status === 'requires_action');
    await client.setArchived(chat.id, true);
    expect(fake.chat(chat.id).chat.archived).toBe(true);
    const calls = fake.requests.map((r) => `${r.method} ${r.path}`).filter((p) => p.endsWith(chat.id) || p.endsWith('/interrupt'));
    expect(calls.filter((p) => p.startsWith('PATCH'))).toHaveLength(2);
    expect(calls).toContain(`POST /api/v2/chats/${chat.id}/interrupt`);
  });

  it('says so in one sentence when a requires_action chat stays so after the interrupt', async () => {
    const { fake, client } = await setup('v2.38');
    const seeded = fake.createChatDirect({ status: 'requires_action', messages: [{ role: 'user', text: 'x' }] });
    fake.failNext({ method: 'POST', path: '/interrupt' }, { status: 200, body: seeded.toWire('object', true) });
    const { err } = await refusal(client.setArchived(seeded.id, true, { settleMs: 100 }));
    expect(err.status).toBe(409);
    expect(err.message).toBe(
      `Coder refuses to archive chat ${seeded.id} while it waits for a tool result (requires_action), and interrupting it did not end that. Answer or stop it in Coder, then archive it again.`,
    );
  });

  it('explains a full message queue (429)', async () => {
    const { fake, client } = await setup('v2.38', { agent: () => [{ status: 'running' }, { hang: true }] });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'x' }] });
    await waitFor(() => fake.chat(chat.id).busy);
    for (let i = 0; i < MAX_QUEUED_MESSAGES; i++) await client.sendMessage(chat.id, { content: [{ type: 'text', text: `q${i}` }] });
    const { err, explained } = await refusal(client.sendMessage(chat.id, { content: [{ type: 'text', text: 'one too many' }] }));
    expect(err.status).toBe(429);
    expect(explained).toMatchObject({ kind: 'queue_full', temporary: true, sentence: "Coder's message queue for this chat is full (at most 20 waiting messages)." });
  });

  it('explains a chat the caller does not own (403)', async () => {
    const { fake, client } = await setup('v2.38');
    const chat = fake.createChatDirect({ ownerId: '11111111-1111-4111-8111-111111111111', messages: [{ role: 'user', text: 'hi' }] });
    const { err, explained } = await refusal(client.sendMessage(chat.id, { content: [{ type: 'text', text: 'x' }] }));
    expect(err.status).toBe(403);
    expect(explained?.kind).toBe('not_owner');
    expect(explained?.sentence).toBe('Only the owner of this chat can send it messages, and this token belongs to someone else.');
  });

  it('explains a deployment with agents switched off (503), without retrying the create', async () => {
    const { fake, client } = await setup('v2.38', { agentsDisabled: true });
    const { err, explained } = await refusal(client.createChat({ content: [{ type: 'text', text: 'x' }] }));
    expect(err.status).toBe(503);
    expect(explained?.kind).toBe('gateway_disabled');
    expect(explained?.hint).toContain('CODER_AI_GATEWAY_ENABLED=true');
    expect(fake.chats.size).toBe(0);
  });

  it.each([
    ['full', /\(\$51\.00 of \$50\.00 spent\)/],
    ['message-only', /^You have reached your Coder usage limit for this period\.$/],
  ] as const)('explains a usage limit 409 (%s body)', async (usageLimit, sentence) => {
    const { client } = await setup('v2.38', { usageLimit });
    const { err, explained } = await refusal(client.createChat({ content: [{ type: 'text', text: 'x' }] }));
    expect(err.status).toBe(409);
    expect(explained?.kind).toBe('usage_limit');
    expect(explained?.sentence).toMatch(sentence);
  });

  it('explains a lifecycle hook that refused the message, and one that failed', async () => {
    const { fake, client } = await setup('v2.38');
    const chat = fake.createChatDirect({ messages: [{ role: 'user', text: 'hi' }] });
    fake.failNext({ method: 'POST', path: '/messages' }, { status: 403, body: { message: 'Prompts may not mention production secrets.', kind: 'hook_denied' } });
    const denied = await refusal(client.sendMessage(chat.id, { content: [{ type: 'text', text: 'x' }] }));
    expect(denied.explained?.sentence).toBe('A lifecycle hook on the Coder deployment refused the message: Prompts may not mention production secrets.');
    fake.failNext({ method: 'POST', path: '/messages' }, { status: 502, body: { message: 'Chat lifecycle hook dispatch failed.', kind: 'hook_dispatch_failed' } });
    const failed = await refusal(client.sendMessage(chat.id, { content: [{ type: 'text', text: 'x' }] }));
    expect(failed.explained?.kind).toBe('hook_failed');
  });

  it('explains a chat whose state takes no messages (409)', async () => {
    const { fake, client } = await setup('v2.38');
    const chat = fake.createChatDirect({ messages: [{ role: 'user', text: 'hi' }] });
    fake.failNext({ method: 'POST', path: '/messages' }, { status: 409, body: { message: 'Chat is not in a state that accepts new messages.', detail: 'transition not allowed' } });
    const { explained } = await refusal(client.sendMessage(chat.id, { content: [{ type: 'text', text: 'x' }] }));
    expect(explained?.kind).toBe('chat_state');
  });

  it('knows before any chat is made whether structured output is available', async () => {
    const off = await setup('v2.38');
    await expect(off.client.requireStructuredOutput()).rejects.toThrow(/does not accept structured output/);
    expect(off.fake.chats.size).toBe(0);
    await off.fake.close();
    const on = await setup('v2.38', { structuredOutput: true });
    await expect(on.client.requireStructuredOutput()).resolves.toBeUndefined();
  });
});
