import { afterEach, describe, expect, it } from '@jest/globals';
import { CoderClient, V2_PREFIX } from '../../src/coder/client.js';
import { CoderError } from '../../src/coder/errors.js';
import { FakeCoder, type FakeCoderOptions } from '../fakes/fake-coder.js';
import { waitFor } from '../helpers/wait.js';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const fast = { retries: 3, baseDelayMs: 1, maxDelayMs: 5 };

let fake: FakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(opts: FakeCoderOptions = {}, clientOpts: Partial<ConstructorParameters<typeof CoderClient>[0]> = {}) {
  fake = await FakeCoder.start(opts);
  const client = new CoderClient({ url: fake.url, token: 'test-token', retry: fast, ...clientOpts });
  return { fake, client };
}

async function expectCoderError(p: Promise<unknown>): Promise<CoderError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CoderError);
    return err as CoderError;
  }
  throw new Error('expected a CoderError');
}

describe('CoderClient endpoints', () => {
  it('creates a chat with the session token header and returns a validated Chat', async () => {
    const { fake, client } = await setup();
    const chat = await client.createChat({ content: [{ type: 'text', text: 'hello world' }], labels: { team: 'core' } });
    expect(chat.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(chat.labels).toEqual({ team: 'core' });
    expect(chat.last_error).toBeNull();
    const create = fake.requests.find((r) => r.method === 'POST' && r.path === '/api/experimental/chats');
    expect(create?.headers['coder-session-token']).toBe('test-token');
    expect(create?.body).toMatchObject({ content: [{ type: 'text', text: 'hello world' }] });
    expect(client.chatUrl(chat.id)).toBe(`${fake.url}/agents/${chat.id}`);
  });

  it('gets, lists with archived and label filters, and pages messages', async () => {
    const { client } = await setup();
    const a = await client.createChat({ content: [{ type: 'text', text: 'a' }], labels: { repo: 'x' } });
    const b = await client.createChat({ content: [{ type: 'text', text: 'b' }], labels: { repo: 'y' } });
    expect((await client.getChat(a.id)).id).toBe(a.id);
    expect((await client.listChats({ labels: { repo: 'y' } })).map((c) => c.id)).toEqual([b.id]);
    await client.setArchived(a.id, true);
    expect((await client.listChats({ archived: false })).map((c) => c.id)).toEqual([b.id]);
    expect((await client.listChats({ archived: true })).map((c) => c.id)).toEqual([a.id]);
    await client.setArchived(a.id, false);
    expect((await client.listChats({ archived: false })).length).toBe(2);
    await waitFor(async () => (await client.getChat(a.id)).status === 'waiting' && (await client.getMessages(a.id)).messages.length === 2);
    const page = await client.getMessages(a.id, { limit: 1 });
    expect(page.messages.length).toBe(1);
    expect(page.has_more).toBe(true);
    const all = await client.getMessagesAfter(a.id, 0);
    expect(all.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('sends a follow-up to an idle chat (delivered) and to a busy chat (queued)', async () => {
    const { fake, client } = await setup({ agent: ({ turnIndex }) => (turnIndex === 0 ? [{ status: 'running' }, { hang: true }] : [{ status: 'running' }, { text: 'ok' }, { persist: true }, { status: 'waiting' }]) });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'first' }] });
    await waitFor(() => fake.chats.get(chat.id)?.chat.status === 'running');
    const queued = await client.sendMessage(chat.id, { content: [{ type: 'text', text: 'second' }] });
    expect(queued.queued).toBe(true);
    expect(queued.queued_message?.id).toEqual(expect.any(Number));
    const interrupted = await client.interrupt(chat.id);
    expect(interrupted.status).toBe('waiting');
  });

  it('interrupts a hanging turn', async () => {
    const { fake, client } = await setup({ agent: () => [{ status: 'running' }, { hang: true }] });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'x' }] });
    await waitFor(() => fake.chats.get(chat.id)?.chat.status === 'running');
    expect((await client.interrupt(chat.id)).status).toBe('waiting');
  });

  it('lists models and model configs, and resolves a model by name, display name or provider:model', async () => {
    const { fake, client } = await setup();
    const models = await client.models();
    expect(models.providers.length).toBeGreaterThan(0);
    const configs = await client.modelConfigs();
    const gpt = fake.options.modelConfigs.find((c) => c.model === 'gpt-5');
    expect(configs.map((c) => c.id)).toContain(gpt?.id);
    expect(await client.resolveModel('gpt-5')).toBe(gpt?.id);
    expect(await client.resolveModel('GPT-5')).toBe(gpt?.id);
    expect(await client.resolveModel('openai:gpt-5')).toBe(gpt?.id);
    const uuid = '11111111-2222-3333-4444-555555555555';
    expect(await client.resolveModel(uuid)).toBe(uuid);
    const err = await expectCoderError(client.resolveModel('llama-9'));
    expect(err.message).toContain('No enabled model config matches "llama-9"');
    expect(err.message).toContain('openai:gpt-5');
  });

  it('uploads an image with the organization and downloads it back', async () => {
    const { fake, client } = await setup();
    const id = await client.uploadFile(PNG, 'image/png');
    const upload = fake.requests.find((r) => r.path.endsWith('/files'));
    expect(upload?.query['organization']).toBe(fake.options.organizations[0]?.id);
    const file = await client.downloadFile(id);
    expect(Array.from(file.bytes)).toEqual(Array.from(PNG));
    expect(file.contentType).toContain('image/png');
    const err = await expectCoderError(client.uploadFile(new TextEncoder().encode('plain text'), 'image/png'));
    expect(err.status).toBe(400);
    expect(err.message).toBe('Unsupported file type.');
  });
});

describe('CoderClient across releases', () => {
  it('sends to /api/v2/chats first, with no detour, on a server that has it', async () => {
    const { fake, client } = await setup({ prefixes: ['v2'] });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'hi' }] });
    await client.getChat(chat.id);
    expect(client.routePrefix).toBe(V2_PREFIX);
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths.filter((p) => p.includes('/api/experimental'))).toHaveLength(0);
    expect(paths).toContain(`GET /api/v2/chats/${chat.id}`);
  });

  it('on an older server takes /api/experimental/chats after one route 404, and remembers it for that server', async () => {
    const { fake, client } = await setup({ prefixes: ['experimental'] });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'hi' }] });
    await client.getChat(chat.id);
    expect(client.routePrefix).toBe('/api/experimental/chats');
    // A second client in the same process (the App's next job) goes straight to the right prefix.
    const again = new CoderClient({ url: fake.url, token: 'test-token' });
    await again.getChat(chat.id);
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths.filter((p) => p.includes('/api/v2/chats'))).toEqual(['POST /api/v2/chats']);
    expect(paths.filter((p) => p === `GET /api/experimental/chats/${chat.id}`)).toHaveLength(2);
  });

  it('falls back to v2 when the agents experiment is off but v2 exists', async () => {
    const { client } = await setup({ prefixes: ['experimental', 'v2'], experimentDisabled: true });
    await client.createChat({ content: [{ type: 'text', text: 'hi' }] });
    expect(client.routePrefix).toBe(V2_PREFIX);
  });

  it('says the experiment is off when no prefix works', async () => {
    const { client } = await setup({ experimentDisabled: true });
    const err = await expectCoderError(client.listChats());
    expect(err.status).toBe(403);
    expect(err.message).toContain("'agents' experiment");
  });

  it('a missing chat is a 404 error, not a prefix switch', async () => {
    const { client } = await setup({ prefixes: ['experimental', 'v2'] });
    await client.listChats();
    const err = await expectCoderError(client.getChat('00000000-0000-0000-0000-000000000000'));
    expect(err.status).toBe(404);
    expect(client.routePrefix).toBe(V2_PREFIX);
  });

  it('resolves the organization from users/me when a newer server requires it', async () => {
    const { fake, client } = await setup({ requireOrganization: true });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'hi' }] });
    expect(chat.organization_id).toBe(fake.options.organizations[0]?.id);
    expect(fake.requests.some((r) => r.path === '/api/v2/users/me')).toBe(true);
    // cached: a second create asks users/me no more
    await client.createChat({ content: [{ type: 'text', text: 'again' }] });
    expect(fake.requests.filter((r) => r.path === '/api/v2/users/me')).toHaveLength(1);
  });

  it('resolves an organization given by name, and says when it does not exist', async () => {
    const orgs = [{ id: '0b0b0b0b-1111-2222-3333-444444444444', name: 'platform' }];
    const { client } = await setup({ requireOrganization: true, organizations: orgs }, { organization: 'platform' });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'hi' }] });
    expect(chat.organization_id).toBe(orgs[0]?.id);
    const other = new CoderClient({ url: fake!.url, token: 'test-token', organization: 'nope', retry: fast });
    const err = await expectCoderError(other.createChat({ content: [{ type: 'text', text: 'hi' }] }));
    expect(err.message).toContain('no organization named "nope"');
  });

  it('archives with PATCH on servers without the POST routes', async () => {
    const { fake, client } = await setup({ archiveStyle: 'patch' });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'hi' }] });
    await client.setArchived(chat.id, true);
    expect(fake.chats.get(chat.id)?.chat.archived).toBe(true);
    expect(fake.requests.some((r) => r.method === 'PATCH' && r.body !== undefined)).toBe(true);
  });

  it('reads last_error as a string or as an object', async () => {
    for (const shape of ['string', 'object'] as const) {
      const { client } = await setup({ lastErrorShape: shape, agent: () => [{ status: 'running' }, { error: { message: 'model overloaded', kind: 'overloaded' } }] });
      const chat = await client.createChat({ content: [{ type: 'text', text: 'hi' }] });
      await waitFor(async () => (await client.getChat(chat.id)).status === 'error');
      const got = await client.getChat(chat.id);
      expect(got.last_error?.message).toBe('model overloaded');
      await fake?.close();
      fake = undefined;
    }
  });
});

describe('CoderClient errors', () => {
  it('401 says the token was rejected and never contains the token', async () => {
    const { fake } = await setup();
    const client = new CoderClient({ url: fake.url, token: 'wrong-secret-token', retry: fast });
    const err = await expectCoderError(client.listChats());
    expect(err.kind).toBe('auth');
    expect(err.status).toBe(401);
    expect(err.message).toContain('session token');
    expect(JSON.stringify({ m: err.message, d: err.detail, s: err.stack })).not.toContain('wrong-secret-token');
  });

  it('an unreachable server is one clear sentence', async () => {
    const { fake } = await setup();
    const url = fake.url;
    await fake.close();
    const client = new CoderClient({ url, token: 't', retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const err = await expectCoderError(client.listChats());
    expect(err.kind).toBe('network');
    expect(err.message).toBe(`Could not reach Coder at ${url}: connection refused. Check the URL and that the server is up.`);
  });

  it('a proxy HTML page is reported as such, with a readable snippet', async () => {
    const { fake, client } = await setup();
    fake.failNext({ method: 'GET' }, { status: 403, rawBody: '<html><body><h1>Access denied by proxy</h1></body></html>', contentType: 'text/html' });
    const err = await expectCoderError(client.listChats());
    expect(err.status).toBe(403);
    expect(err.message).toContain('not JSON (text/html)');
    expect(err.detail).toBe('Access denied by proxy');
  });

  it('retries GETs on 502/503/429 and on a reset connection', async () => {
    const { fake, client } = await setup();
    fake.failNext({ method: 'GET' }, { status: 502, rawBody: '<html>502 Bad Gateway</html>', contentType: 'text/html' });
    fake.failNext({ method: 'GET' }, { status: 429, body: { message: 'Too many requests.' } });
    expect(await client.listChats()).toEqual([]);
    fake.destroyNextRequest({ method: 'GET' });
    expect(await client.listChats()).toEqual([]);
  });

  it('gives up after the retry budget with the last error', async () => {
    const { fake, client } = await setup();
    fake.failNext({ method: 'GET' }, { status: 503, body: { message: 'Service unavailable.' } }, 10);
    const err = await expectCoderError(client.listChats());
    expect(err.status).toBe(503);
    expect(fake.requests.filter((r) => r.method === 'GET').length).toBe(4);
  });

  it('never blindly repeats a create: without a key a 502 is final', async () => {
    const { fake, client } = await setup();
    fake.failNext({ method: 'POST' }, { status: 502, body: { message: 'Bad gateway.' } });
    const err = await expectCoderError(client.createChat({ content: [{ type: 'text', text: 'once' }] }));
    expect(err.status).toBe(502);
    expect(fake.requests.filter((r) => r.method === 'POST').length).toBe(1);
  });

  it('with an idempotency key, an ambiguous create is checked before it is sent again', async () => {
    const { fake, client } = await setup();
    fake.failNext({ method: 'POST', path: /chats$/ }, { status: 503, body: { message: 'Unavailable.' } });
    const chat = await client.createChat({ content: [{ type: 'text', text: 'once' }], idempotencyKey: 'k1' });
    expect(fake.chats.size).toBe(1);
    expect(chat.labels?.['coder-agent-bot/request']).toBe('k1');
    expect(fake.requests.some((r) => r.method === 'GET' && JSON.stringify(r.query).includes('coder-agent-bot/request:k1'))).toBe(true);
  });

  it('validation errors carry the fields', async () => {
    const { client } = await setup();
    const err = await expectCoderError(client.createChat({ content: [{ type: 'text', text: 'x' }], model_config_id: '99999999-9999-9999-9999-999999999999' }));
    expect(err.status).toBe(400);
    expect(err.validations.length).toBeGreaterThan(0);
    expect(err.describe()).toContain(err.validations[0]?.field ?? '???');
  });

  it('rejects a URL that is not http(s) and a missing token up front', () => {
    expect(() => new CoderClient({ url: 'coder.example.com', token: 't' })).toThrow(/not a valid URL/);
    expect(() => new CoderClient({ url: 'ftp://coder.example.com', token: 't' })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => new CoderClient({ url: 'https://coder.example.com', token: '' })).toThrow(/CODER_SESSION_TOKEN/);
  });
});
