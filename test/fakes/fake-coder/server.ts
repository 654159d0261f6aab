/** FakeCoder: the HTTP + WebSocket server tying routes, turns, streams and faults together. */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { FakeChat } from './chat.js';
import { Faults } from './faults.js';
import { BAD_GATEWAY_HTML, HttpError, MESSAGES, parseQuery, readBody, rejectUpgrade, sendReply } from './http.js';
import type { Reply } from './http.js';
import { ChatRoutes, MAX_FILE_BYTES, resolveRoute, seededContent } from './routes.js';
import type { FakeState, Route, StoredFile } from './routes.js';
import { StreamHub } from './streams.js';
import { TurnRunner } from './turns.js';
import { resolveOptions } from './types.js';
import type { ChatEvent, ChatMessage, ChatPrefix, FakeCoderOptions, FaultReply, RecordedRequest, RequestMatch, ResolvedOptions } from './types.js';
import { intParam } from './validation.js';

export interface SeedChatOptions {
  status?: string;
  /** Another user's chat (current servers refuse to send to it with 403). */
  ownerId?: string;
  messages?: Array<{ role: string; text: string }>;
  title?: string;
  labels?: Record<string, string>;
  archived?: boolean;
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

function recordedBody(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function faultPayload(reply: FaultReply): { contentType: string; text: string } {
  if (reply.rawBody !== undefined) return { contentType: reply.contentType ?? 'text/plain; charset=utf-8', text: reply.rawBody };
  const body = reply.body ?? { message: STATUS_CODES[reply.status] ?? 'Error' };
  return { contentType: reply.contentType ?? 'application/json', text: JSON.stringify(body) };
}

export class FakeCoder implements FakeState {
  /** Mutable: tests may change framing, agent, delays, ... between steps. */
  readonly options: ResolvedOptions;
  /** Every HTTP request, WebSocket upgrades included (method 'GET'). */
  readonly requests: RecordedRequest[] = [];
  readonly chats = new Map<string, FakeChat>();
  readonly files = new Map<string, StoredFile>();
  readonly ownerId = randomUUID();
  readonly runner: TurnRunner;
  private readonly hub: StreamHub;
  private readonly routes: ChatRoutes;
  private readonly faults = new Faults();
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new Set<Waiter>();
  private baseUrl = '';
  private closed = false;

  private constructor(options: ResolvedOptions) {
    this.options = options;
    this.hub = new StreamHub(options, () => this.notify());
    this.runner = new TurnRunner(options, this.hub, () => this.notify());
    this.routes = new ChatRoutes(this);
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options?: FakeCoderOptions): Promise<FakeCoder> {
    const fake = new FakeCoder(resolveOptions(options));
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      // A deep backlog: the bench opens 1,000 streams at once.
      fake.server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => resolve());
    });
    const { port } = fake.server.address() as AddressInfo;
    fake.baseUrl = `http://127.0.0.1:${port}`;
    return fake;
  }

  /** e.g. http://127.0.0.1:54321 */
  get url(): string {
    return this.baseUrl;
  }

  /** The first organization's id (what users/me lists first). */
  get organizationId(): string {
    return this.routes.defaultOrganizationId();
  }

  get defaultModelConfigId(): string {
    return this.routes.defaultModelConfigId();
  }

  /** `${url}/api/experimental/chats` (or the v2 prefix). */
  chatsUrl(prefix: ChatPrefix = this.options.prefixes[0] ?? 'experimental'): string {
    return `${this.baseUrl}/api/${prefix}/chats`;
  }

  /** The ws:// URL of a chat's stream. */
  streamUrl(chatId: string, afterId?: number, prefix?: ChatPrefix): string {
    const query = afterId === undefined ? '' : `?after_id=${afterId}`;
    return `${this.chatsUrl(prefix).replace(/^http/, 'ws')}/${chatId}/stream${query}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.runner.cancelAll(this.chats.values());
    this.hub.closeAll();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('FakeCoder closed'));
    }
    this.waiters.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    this.wss.close();
  }

  // ---- fault injection ----

  /** The next `times` matching requests (upgrades included) get `reply` instead. Path: RegExp or substring. */
  failNext(match: RequestMatch, reply: FaultReply, times = 1): void {
    this.faults.add(match, { kind: 'reply', reply }, times);
  }

  /** The next `times` matching requests have their connection destroyed without an answer. */
  destroyNextRequest(match: RequestMatch, times = 1): void {
    this.faults.add(match, { kind: 'destroy' }, times);
  }

  /** The next `times` stream connections are terminated (no close frame) after `frames` text frames. */
  dropStreamsAfterFrames(frames: number, times = 1): void {
    this.faults.dropStreams(frames, times);
  }

  /** The next `times` upgrade attempts get HTTP 502 (an HTML page) instead of a WebSocket. Infinity allowed. */
  refuseStreams(times = 1): void {
    this.faults.refuseStreams(times);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  // ---- state helpers ----

  /** Seeds a chat without HTTP and without running a turn. */
  createChatDirect(seed: SeedChatOptions = {}): FakeChat {
    const messages = seed.messages ?? [];
    const firstUser = messages.find((m) => m.role === 'user')?.text ?? '';
    const chat = new FakeChat({
      ownerId: seed.ownerId ?? this.ownerId,
      organizationId: this.organizationId,
      modelConfigId: this.defaultModelConfigId,
      title: seed.title ?? (firstUser.slice(0, 80) || 'New Chat'),
      labels: { ...seed.labels },
      status: seed.status ?? 'waiting',
    });
    chat.chat.archived = seed.archived ?? false;
    this.chats.set(chat.id, chat);
    for (const { role, text } of messages) this.runner.persist(chat, role as ChatMessage['role'], seededContent(role, text));
    return chat;
  }

  /** The chat or an error naming the id. */
  chat(chatId: string): FakeChat {
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error(`FakeCoder: no chat ${chatId}`);
    return chat;
  }

  /** Open stream sockets, of one chat or of all. */
  streamCount(chatId?: string): number {
    return chatId === undefined ? this.hub.size : (this.chats.get(chatId)?.streams.size ?? 0);
  }

  /** Sends an arbitrary event to a chat's streams now. */
  pushEvent(chatId: string, event: ChatEvent): void {
    this.runner.emit(this.chat(chatId), [event]);
  }

  /** Sets a chat's status and emits the status event. */
  setStatus(chatId: string, status: string): void {
    this.runner.setStatus(this.chat(chatId), status);
  }

  /** Stops a chat's turn as POST /interrupt does. */
  interrupt(chatId: string): void {
    this.runner.interrupt(this.chat(chatId));
  }

  /** Resolves once `predicate` holds; re-checked on every state change (no polling). */
  waitFor(predicate: () => boolean, timeoutMs = 5000, description = 'a condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('FakeCoder closed'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check: predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`FakeCoder: timed out after ${timeoutMs} ms waiting for ${description}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolves when the chat (or every chat) has no scheduled or running turn and nothing queued. */
  waitForIdle(chatId?: string, timeoutMs = 5000): Promise<void> {
    if (chatId === undefined) return this.waitFor(() => this.runner.busyChats === 0, timeoutMs, 'all chats idle');
    const chat = this.chat(chatId);
    return this.waitFor(() => !chat.busy && chat.queued.length === 0, timeoutMs, `chat ${chatId} idle`);
  }

  waitForStatus(chatId: string, status: string, timeoutMs = 5000): Promise<void> {
    const chat = this.chat(chatId);
    return this.waitFor(() => chat.status === status, timeoutMs, `chat ${chatId} status ${status}`);
  }

  /** Resolves when at least `count` streams are open (of one chat, or of all). */
  waitForStreams(count: number, chatId?: string, timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.streamCount(chatId) >= count, timeoutMs, `${count} open streams`);
  }

  // ---- plumbing ----

  private notify(): void {
    if (this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) {
      if (!waiter.check()) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  private record(req: IncomingMessage, method: string, url: URL, body: unknown): void {
    this.requests.push({ method, path: url.pathname, query: parseQuery(url.searchParams), headers: { ...req.headers }, body });
  }

  private authorized(headers: IncomingHttpHeaders): boolean {
    const token = this.options.token;
    if (headers['coder-session-token'] === token) return true;
    // Only newer servers (those with the v2 prefix) take a bearer token.
    return this.options.prefixes.includes('v2') && headers.authorization === `Bearer ${token}`;
  }

  /** Route, then auth, then the experiment gate — the order of Coder's middleware. */
  private access(headers: IncomingHttpHeaders, pathname: string): Route {
    const route = resolveRoute(pathname, this.options.prefixes, this.options.generation === 'current');
    if (!route) throw HttpError.routeNotFound();
    if (!this.authorized(headers)) throw new HttpError(401, { message: MESSAGES.signedOut });
    if (route.kind === 'chats' && route.prefix === 'experimental' && this.options.experimentDisabled) {
      throw new HttpError(403, { message: MESSAGES.experimentDisabled });
    }
    return route;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.handleRequest(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendReply(res, { status: 500, json: { message: 'Internal error in FakeCoder.', detail: String(error) } });
    });
  }

  private async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req, MAX_FILE_BYTES + 1);
    const upload = method === 'POST' && /\/chats\/files\/?$/.test(url.pathname);
    this.record(req, method, url, upload ? body.length : recordedBody(body.bytes));

    const fault = this.faults.take(method, url.pathname);
    if (fault?.kind === 'destroy') return void req.socket.destroy();
    if (fault?.kind === 'reply') {
      const { contentType, text } = faultPayload(fault.reply);
      return sendReply(res, { status: fault.reply.status, bytes: Buffer.from(text), contentType });
    }

    let reply: Reply;
    try {
      reply = this.routes.handle(this.access(req.headers, url.pathname), method, url, body);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      reply = { status: error.status, json: error.body };
    }
    sendReply(res, reply);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.record(req, 'GET', url, undefined);

    const fault = this.faults.take('GET', url.pathname);
    if (fault?.kind === 'destroy') return void socket.destroy();
    if (fault?.kind === 'reply') {
      const { contentType, text } = faultPayload(fault.reply);
      return rejectUpgrade(socket, fault.reply.status, contentType, text);
    }
    if (this.faults.takeRefusal()) return rejectUpgrade(socket, 502, 'text/html', BAD_GATEWAY_HTML);

    let chat: FakeChat | undefined;
    let afterId = 0;
    try {
      const route = this.access(req.headers, url.pathname);
      const [chatId, action, ...rest] = route.kind === 'chats' ? route.segments : [];
      if (chatId === undefined || action !== 'stream' || rest.length > 0) throw HttpError.routeNotFound();
      this.routes.requireDaemon();
      afterId = intParam(url.searchParams, 'after_id', 0) ?? 0;
      chat = this.chats.get(chatId.toLowerCase());
    } catch (error) {
      if (!(error instanceof HttpError)) return void socket.destroy();
      return rejectUpgrade(socket, error.status, 'application/json', JSON.stringify(error.body));
    }

    if (!chat) {
      const detail = `chat ${url.pathname.split('/').at(-2) ?? ''} does not exist`;
      if (this.options.framing !== 'batch') {
        return rejectUpgrade(socket, 404, 'application/json', JSON.stringify({ message: MESSAGES.resourceNotFound, detail }));
      }
      // Framing 1 has an error envelope: deliver the 404 inside the socket.
      this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        ws.send(JSON.stringify({ type: 'error', data: { message: MESSAGES.resourceNotFound, detail } }), () => ws.close(1000));
      });
      return;
    }
    const found = chat;
    const dropAfter = this.faults.takeDrop();
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => this.hub.attach(ws, found, afterId, dropAfter));
  }
}
