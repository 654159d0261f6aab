import { afterEach, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { FakeCoder, MESSAGES } from './fake-coder.js';
import type { FakeCoderOptions, Framing } from './fake-coder.js';

type Json = Record<string, unknown>;

const fakes: FakeCoder[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function start(options?: FakeCoderOptions): Promise<FakeCoder> {
  const fake = await FakeCoder.start(options);
  fakes.push(fake);
  return fake;
}

const AUTH = { 'Coder-Session-Token': 'test-token' };

async function api(fake: FakeCoder, method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  const res = await fetch(`${fake.url}${path}`, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type'), text, json: json as Json };
}

const P = '/api/experimental/chats';
const text = (t: string) => ({ content: [{ type: 'text', text: t }] });

/** Records a stream socket, decoding the three framings. */
class StreamRecorder {
  readonly frames: string[] = [];
  readonly events: Json[] = [];
  readonly envelopeErrors: Json[] = [];
  closeCode: number | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(readonly ws: WebSocket) {
    sockets.push(ws);
    ws.on('error', () => undefined);
    ws.on('message', (data: Buffer) => {
      const frame = data.toString();
      this.frames.push(frame);
      const parsed = JSON.parse(frame) as unknown;
      if (Array.isArray(parsed)) this.events.push(...(parsed as Json[]));
      else {
        const envelope = parsed as Json;
        if (envelope.type === 'data') this.events.push(...(Array.isArray(envelope.data) ? (envelope.data as Json[]) : [envelope.data as Json]));
        else if (envelope.type === 'error') this.envelopeErrors.push(envelope.data as Json);
        else if (envelope.type !== 'ping') this.events.push(envelope);
      }
      this.fire();
    });
    ws.on('close', (code: number) => {
      this.closeCode = code;
      this.fire();
    });
  }

  static async open(url: string, headers: Record<string, string> = AUTH): Promise<StreamRecorder> {
    const recorder = new StreamRecorder(new WebSocket(url, { headers }));
    await once(recorder.ws, 'open');
    return recorder;
  }

  until(predicate: (r: StreamRecorder) => boolean, timeoutMs = 3000): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`stream condition not met; events: ${JSON.stringify(this.events.map((e) => e.type))}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate(this)) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }

  statuses(): string[] {
    return this.events.filter((e) => e.type === 'status').map((e) => (e.status as Json).status as string);
  }

  messages(): Json[] {
    return this.events.filter((e) => e.type === 'message').map((e) => e.message as Json);
  }

  closed(): Promise<void> {
    return this.until((r) => r.closeCode !== undefined);
  }

  private fire(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** A turn is over once a `waiting` status follows the last assistant message. */
function turnFinished(r: StreamRecorder): boolean {
  const lastAssistant = r.events.findLastIndex((e) => e.type === 'message' && (e.message as Json).role === 'assistant');
  return lastAssistant >= 0 && r.events.slice(lastAssistant).some((e) => e.type === 'status' && (e.status as Json).status === 'waiting');
}

const textOf = (message: Json) =>
  (message.content as Json[])
    .filter((p) => p.type === 'text')
    .map((p) => p.text)
    .join('');

describe('FakeCoder auth and routing', () => {
  it('answers 401 for a missing or wrong token, and takes Bearer only when v2 is mounted', async () => {
    const fake = await start();
    const attempts: Array<Record<string, string>> = [{}, { 'Coder-Session-Token': 'nope' }, { Authorization: 'Bearer test-token' }];
    for (const headers of attempts) {
      const res = await api(fake, 'GET', P, undefined, headers);
      expect(res.status).toBe(401);
      expect(res.contentType).toContain('application/json');
      expect(res.json).toEqual({ message: MESSAGES.signedOut });
    }
    expect((await api(fake, 'GET', P)).status).toBe(200);

    const newer = await start({ prefixes: ['experimental', 'v2'] });
    expect((await api(newer, 'GET', '/api/v2/chats', undefined, { Authorization: 'Bearer test-token' })).status).toBe(200);
  });

  it('404s an unmounted prefix, 403s a disabled experiment, 404s unknown routes and chats', async () => {
    const old = await start();
    expect(await api(old, 'GET', '/api/v2/chats')).toMatchObject({ status: 404, json: { message: 'Route not found.' } });
    expect(await api(old, 'GET', `${P}/not-a-uuid`)).toMatchObject({ status: 404, json: { message: MESSAGES.resourceNotFound } });
    expect(await api(old, 'GET', `${P}/00000000-0000-4000-8000-000000000000`)).toMatchObject({ status: 404 });
    expect(await api(old, 'GET', '/api/v2/nothing')).toMatchObject({ status: 404, json: { message: 'Route not found.' } });

    const gated = await start({ prefixes: ['experimental', 'v2'], experimentDisabled: true });
    expect(await api(gated, 'GET', P)).toMatchObject({ status: 403, json: { message: MESSAGES.experimentDisabled } });
    expect((await api(gated, 'GET', '/api/v2/chats')).status).toBe(200);

    const v2only = await start({ prefixes: ['v2'] });
    expect((await api(v2only, 'GET', P)).status).toBe(404);
    expect((await api(v2only, 'POST', '/api/v2/chats', text('hi'))).status).toBe(201);
  });

  it('requires organization_id when asked, and resolves it via users/me and organizations', async () => {
    const fake = await start({ requireOrganization: true });
    expect(await api(fake, 'POST', P, text('hi'))).toMatchObject({ status: 400, json: { message: 'organization_id is required.' } });
    const me = await api(fake, 'GET', '/api/v2/users/me');
    expect(me.json).toMatchObject({ username: 'tester', organization_ids: [fake.organizationId] });
    const org = await api(fake, 'GET', '/api/v2/organizations/coder');
    expect(org.json).toMatchObject({ id: fake.organizationId, name: 'coder' });
    expect((await api(fake, 'GET', '/api/v2/organizations/nope')).status).toBe(404);
    const created = await api(fake, 'POST', P, { ...text('hi'), organization_id: fake.organizationId });
    expect(created.status).toBe(201);
    expect(created.json.organization_id).toBe(fake.organizationId);
  });

  it('validates bodies and query parameters with the reference error bodies', async () => {
    const fake = await start();
    expect(await api(fake, 'POST', P, '{nope')).toMatchObject({ status: 400, json: { message: MESSAGES.badJson } });
    expect(await api(fake, 'POST', P, { content: [{ type: 'video' }] })).toMatchObject({ status: 400, json: { message: MESSAGES.invalidPart } });
    const labels = await api(fake, 'POST', P, { ...text('hi'), labels: { '-bad': 'x' } });
    expect(labels.json).toMatchObject({ message: 'Validation failed.', validations: [{ field: 'labels' }] });
    const model = await api(fake, 'POST', P, { ...text('hi'), model_config_id: '00000000-0000-4000-8000-000000000000' });
    expect(model.json.validations).toEqual([expect.objectContaining({ field: 'model_config_id' })]);
    expect((await api(fake, 'POST', P, { ...text('hi'), system_prompt: 'x'.repeat(10_001) })).status).toBe(400);
    const chat = fake.createChatDirect();
    expect((await api(fake, 'GET', `${P}/${chat.id}/messages?limit=201`)).status).toBe(400);
    expect((await api(fake, 'GET', `${P}/${chat.id}/messages?limit=0`)).status).toBe(400);
  });
});

describe('FakeCoder chats and streams', () => {
  it.each<Framing>(['batch', 'single', 'array'])('creates a chat and streams the default echo turn in %s framing', async (framing) => {
    const fake = await start({ framing, turnStartDelayMs: 300 });
    const created = await api(fake, 'POST', P, { ...text('hello world'), labels: { team: 'web' } });
    expect(created.status).toBe(201);
    const chat = created.json;
    // chatd (before v2.37) inserts a new chat as `pending`; the API shows it as is until a worker takes it.
    expect(chat).toMatchObject({ title: 'hello world', status: 'pending', last_error: null, archived: false, labels: { team: 'web' } });
    expect(chat.last_model_config_id).toBe(fake.defaultModelConfigId);
    expect(chat.root_chat_id).toBe(chat.id);
    expect('workspace_id' in chat).toBe(false);
    expect('diff_status' in chat).toBe(false);

    const stream = await StreamRecorder.open(fake.streamUrl(chat.id as string));
    await stream.until(turnFinished);
    expect(stream.statuses()).toEqual(['pending', 'running', 'waiting']);
    const deltas = stream.events.filter((e) => e.type === 'message_part').map((e) => e.message_part as Json);
    expect(deltas).toHaveLength(3);
    expect(deltas.map((d) => (d.part as Json).text).join('')).toBe('Echo: hello world');
    const [user, assistant] = stream.messages();
    expect(user).toMatchObject({ role: 'user', chat_id: chat.id, content: [{ type: 'text', text: 'hello world' }] });
    expect(assistant).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: 'Echo: hello world' }] });
    expect((assistant?.id as number) > (user?.id as number)).toBe(true);
    expect(stream.events.every((e) => e.chat_id === chat.id)).toBe(true);

    const shapes = stream.frames.map((f) => JSON.parse(f) as unknown);
    if (framing === 'array') expect(shapes.every(Array.isArray)).toBe(true);
    else expect(shapes.every((s) => (s as Json).type === 'data' && Array.isArray((s as Json).data) === (framing === 'batch'))).toBe(true);
    if (framing === 'single') expect(stream.frames.length).toBe(stream.events.length);
  });

  it('snapshots status, messages after after_id and the queue, then goes live', async () => {
    const fake = await start();
    const seeded = fake.createChatDirect({
      messages: [
        { role: 'user', text: 'one' },
        { role: 'assistant', text: 'two' },
        { role: 'user', text: 'three' },
        { role: 'assistant', text: 'four' },
      ],
    });
    const ids = seeded.messages.map((m) => m.id);
    const stream = await StreamRecorder.open(fake.streamUrl(seeded.id, ids[1]));
    await stream.until((r) => r.events.length >= 3);
    expect(stream.frames).toHaveLength(1);
    expect(stream.events.map((e) => e.type)).toEqual(['status', 'message', 'message']);
    expect(stream.messages().map((m) => m.id)).toEqual([ids[2], ids[3]]);

    fake.pushEvent(seeded.id, { type: 'action_required', chat_id: seeded.id, action_required: {} });
    await stream.until((r) => r.events.some((e) => e.type === 'action_required'));
  });

  // chatd SendMessage (before v2.37) stores the message and sets `pending` in one transaction: the
  // previous turn's `waiting` is never shown after the send, however late a worker takes the chat.
  it('shows `pending` from the send until the delayed turn starts, never the previous `waiting`', async () => {
    const fake = await start({ turnStartDelayMs: 250 });
    const chat = fake.createChatDirect({ messages: [{ role: 'user', text: 'a' }, { role: 'assistant', text: 'b' }] });
    expect((await api(fake, 'GET', `${P}/${chat.id}`)).json.status).toBe('waiting');
    const sent = await api(fake, 'POST', `${P}/${chat.id}/messages`, text('again'));
    expect(sent.json).toMatchObject({ queued: false, message: { role: 'user', content: [{ type: 'text', text: 'again' }] } });
    const userId = (sent.json.message as Json).id as number;
    expect((await api(fake, 'GET', `${P}/${chat.id}`)).json.status).toBe('pending');

    const stream = await StreamRecorder.open(fake.streamUrl(chat.id));
    await stream.until((r) => r.messages().some((m) => m.id === userId));
    expect(stream.statuses()).toEqual(['pending']);
    expect(fake.chat(chat.id).turn?.started).toBe(false);
    await stream.until(turnFinished);
    expect(stream.statuses()).toEqual(['pending', 'running', 'waiting']);
    expect(textOf(stream.messages().at(-1) as Json)).toBe('Echo: again');
  });

  it('queues messages behind a busy turn, 429s past 20, and delivers them in order', async () => {
    const fake = await start({
      agent: (turn) => (turn.turnIndex === 0 ? [{ status: 'running' }, { hang: true }] : [{ status: 'running' }, { text: `re ${turn.prompt}` }, { persist: true }]),
    });
    const created = await api(fake, 'POST', P, text('first'));
    const id = created.json.id as string;
    await fake.waitForStatus(id, 'running');
    const stream = await StreamRecorder.open(fake.streamUrl(id));
    for (let i = 1; i <= 20; i++) {
      const res = await api(fake, 'POST', `${P}/${id}/messages`, text(`q${i}`));
      expect(res.json).toMatchObject({ queued: true, queued_message: { chat_id: id, content: [{ type: 'text', text: `q${i}` }] } });
    }
    const over = await api(fake, 'POST', `${P}/${id}/messages`, text('q21'));
    expect(over.status).toBe(429);
    expect(over.json.message).toMatch(/too many queued messages/);
    const page = await api(fake, 'GET', `${P}/${id}/messages`);
    expect((page.json.queued_messages as Json[]).length).toBe(20);
    await stream.until((r) => r.events.filter((e) => e.type === 'queue_update').length === 20);
    expect((stream.events.filter((e) => e.type === 'queue_update').at(-1)?.queue_update as Json[]).length).toBe(20);

    expect((await api(fake, 'POST', `${P}/${id}/interrupt`)).json.status).toBe('waiting');
    await fake.waitForIdle(id);
    const { json } = await api(fake, 'GET', `${P}/${id}/messages?limit=200`);
    const messages = json.messages as Json[];
    expect(json.queued_messages).toEqual([]);
    expect(messages.map((m) => m.role)).toEqual(['user', ...Array.from({ length: 20 }, () => ['user', 'assistant']).flat()]);
    expect(messages.filter((m) => m.role === 'assistant').map(textOf)).toEqual(Array.from({ length: 20 }, (_, i) => `re q${i + 1}`));
    expect(messages.map((m) => m.id)).toEqual([...messages.map((m) => m.id as number)].sort((a, b) => a - b));
    await stream.until((r) => (r.events.filter((e) => e.type === 'queue_update').at(-1)?.queue_update as Json[]).length === 0);
  });

  it('interrupts a hanging turn and persists the partial answer', async () => {
    const fake = await start({ agent: () => [{ status: 'running' }, { text: 'partial ' }, { hang: true }] });
    const id = (await api(fake, 'POST', P, text('go'))).json.id as string;
    await fake.waitFor(() => fake.chat(id).turn?.text === 'partial ');
    expect(fake.chat(id).busy).toBe(true);
    const res = await api(fake, 'POST', `${P}/${id}/interrupt`);
    expect(res).toMatchObject({ status: 200, json: { id, status: 'waiting' } });
    expect(fake.chat(id).busy).toBe(false);
    const last = fake.chat(id).messages.at(-1);
    expect(last).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: 'partial ' }] });
  });

  it('renders last_error as a string or an object', async () => {
    for (const shape of ['string', 'object'] as const) {
      const fake = await start({ lastErrorShape: shape, agent: () => [{ status: 'running' }, { error: { message: 'boom', kind: 'overloaded' } }] });
      const id = (await api(fake, 'POST', P, text('go'))).json.id as string;
      await fake.waitForStatus(id, 'error');
      const { json } = await api(fake, 'GET', `${P}/${id}`);
      expect(json.last_error).toEqual(shape === 'string' ? 'boom' : { message: 'boom', kind: 'overloaded', retryable: false });
    }
  });

  it('archives with POST routes or with PATCH, hiding archived chats from the default list', async () => {
    const post = await start();
    const a = post.createChatDirect();
    expect((await api(post, 'POST', `${P}/${a.id}/archive`)).json).toMatchObject({ id: a.id, archived: true });
    expect((await api(post, 'GET', `${P}?q=archived:false`)).json).toEqual([]);
    expect(((await api(post, 'GET', `${P}?q=archived:true`)).json as unknown as Json[]).map((c) => c.id)).toEqual([a.id]);
    expect((await api(post, 'PATCH', `${P}/${a.id}`, { archived: false })).status).toBe(404);
    expect((await api(post, 'POST', `${P}/${a.id}/unarchive`)).json.archived).toBe(false);

    const patch = await start({ archiveStyle: 'patch' });
    const b = patch.createChatDirect();
    expect(await api(patch, 'POST', `${P}/${b.id}/archive`)).toMatchObject({ status: 404, json: { message: 'Route not found.' } });
    expect((await api(patch, 'PATCH', `${P}/${b.id}`, { archived: true })).status).toBe(204);
    expect(patch.chat(b.id).chat.archived).toBe(true);
    expect((await api(patch, 'GET', P)).json).toEqual([]);
  });

  it('lists newest first, filtering by every label', async () => {
    const fake = await start();
    const older = fake.createChatDirect({ labels: { repo: 'x', pr: '1' } });
    const newer = fake.createChatDirect({ labels: { repo: 'x', pr: '2' } });
    const ids = (path: string) => api(fake, 'GET', path).then((r) => (r.json as unknown as Json[]).map((c) => c.id));
    expect(await ids(`${P}?label=repo:x`)).toEqual([newer.id, older.id]);
    expect(await ids(`${P}?label=repo:x&label=pr:1`)).toEqual([older.id]);
    expect(await ids(`${P}?limit=1&offset=1`)).toEqual([older.id]);
  });
});

describe('FakeCoder files', () => {
  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const upload = (fake: FakeCoder, bytes: Buffer, query = `?organization=${fake.organizationId}`) =>
    fetch(`${fake.url}${P}/files${query}`, { method: 'POST', headers: { ...AUTH, 'Content-Type': 'text/plain' }, body: bytes });

  it('sniffs uploads by content, serves them back, and rejects the rest', async () => {
    const fake = await start();
    const res = await upload(fake, PNG);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const back = await fetch(`${fake.url}${P}/files/${id}`, { headers: AUTH });
    expect(back.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await back.arrayBuffer())).toEqual(PNG);
    expect(fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/files'))?.body).toBe(PNG.length);

    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);
    expect((await upload(fake, webp)).status).toBe(201);
    const bad = await upload(fake, Buffer.from('hello'));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ message: 'Unsupported file type.' });
    expect((await upload(fake, PNG, '')).status).toBe(400);
    const big = await upload(fake, Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ message: 'File too large.' });
  });
});

describe('FakeCoder fault injection', () => {
  it('failNext answers matching requests with the given reply, then recovers', async () => {
    const fake = await start();
    const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    fake.failNext({ method: 'GET', path: /\/chats$/ }, { status: 502, rawBody: html, contentType: 'text/html' }, 2);
    for (let i = 0; i < 2; i++) {
      const res = await api(fake, 'GET', P);
      expect(res).toMatchObject({ status: 502, text: html });
      expect(res.contentType).toBe('text/html');
    }
    expect((await api(fake, 'GET', P)).status).toBe(200);
    expect(fake.requests.filter((r) => r.path === P)).toHaveLength(3);

    fake.destroyNextRequest({ method: 'POST' });
    await expect(api(fake, 'POST', P, text('x'))).rejects.toThrow();
    expect((await api(fake, 'POST', P, text('x'))).status).toBe(201);
  });

  it('dropStreamsAfterFrames cuts the next stream abruptly after n frames', async () => {
    const fake = await start({ framing: 'single' });
    const chat = fake.createChatDirect({ messages: [{ role: 'user', text: 'a' }, { role: 'assistant', text: 'b' }, { role: 'user', text: 'c' }] });
    fake.dropStreamsAfterFrames(2);
    const cut = await StreamRecorder.open(fake.streamUrl(chat.id));
    await cut.closed();
    expect(cut.closeCode).toBe(1006);
    expect(cut.frames).toHaveLength(2);

    const whole = await StreamRecorder.open(fake.streamUrl(chat.id));
    await whole.until((r) => r.frames.length === 4);
    expect(whole.closeCode).toBeUndefined();
    expect(fake.streamCount(chat.id)).toBe(1);
  });

  it('refuseStreams answers upgrades with 502, and the stream works afterwards', async () => {
    const fake = await start();
    const chat = fake.createChatDirect();
    fake.refuseStreams(1);
    const ws = new WebSocket(fake.streamUrl(chat.id), { headers: AUTH });
    sockets.push(ws);
    ws.on('error', () => undefined);
    const [, response] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(502);
    const stream = await StreamRecorder.open(fake.streamUrl(chat.id));
    await stream.until((r) => r.statuses().length === 1);
    expect(fake.requests.filter((r) => r.path.endsWith('/stream'))).toHaveLength(2);
  });

  it('closes a stream the client writes to', async () => {
    const fake = await start();
    const chat = fake.createChatDirect();
    const stream = await StreamRecorder.open(fake.streamUrl(chat.id));
    await stream.until((r) => r.frames.length === 1);
    expect(fake.streamCount(chat.id)).toBe(1);
    stream.ws.send('hello');
    await stream.closed();
    expect(stream.closeCode).toBe(1008);
    expect(fake.streamCount(chat.id)).toBe(0);
  });

  it('reports an unknown chat in the error envelope (batch) or with a 404 upgrade answer', async () => {
    const fake = await start();
    const missing = '00000000-0000-4000-8000-000000000000';
    const stream = await StreamRecorder.open(fake.streamUrl(missing));
    await stream.closed();
    expect(stream.envelopeErrors).toEqual([expect.objectContaining({ message: MESSAGES.resourceNotFound })]);

    fake.options.framing = 'array';
    const ws = new WebSocket(fake.streamUrl(missing), { headers: AUTH });
    sockets.push(ws);
    ws.on('error', () => undefined);
    const [, response] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(404);
  });
});
