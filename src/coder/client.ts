/**
 * Client for Coder's Chats API. Knows nothing of GitHub.
 *
 * Handles the differences between Coder releases (shared/coder-chats-api.md):
 * the route prefix (`/api/experimental/chats`, or `/api/v2/chats` on servers
 * that moved it), a required `organization_id` on newer servers, and archive
 * as POST routes or as `PATCH {archived}`.
 */
import { z } from 'zod';
import { CoderError } from './errors.js';
import { CoderHttp, connectionNeverMade, type HttpOptions, type RawResponse, type RequestSpec, type RetryPolicy } from './http.js';
import {
  ChatMessageSchema,
  ChatSchema,
  CreateMessageResponseSchema,
  MessagesPageSchema,
  ModelConfigSchema,
  ModelsResponseSchema,
  OrganizationSchema,
  UploadResponseSchema,
  UserSchema,
  type Chat,
  type ChatMessage,
  type CreateChatMessageRequest,
  type CreateChatRequest,
  type CreateMessageResponse,
  type MessagesPage,
  type ModelConfig,
  type ModelsResponse,
} from './schemas.js';

export const EXPERIMENTAL_PREFIX = '/api/experimental/chats';
export const V2_PREFIX = '/api/v2/chats';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

/** Coder's answer for a missing chat, as opposed to a missing route. */
const RESOURCE_NOT_FOUND = /resource not found|do not have access/i;

export interface CoderClientOptions {
  /** Deployment URL, e.g. https://coder.example.com */
  url: string;
  token: string;
  /** Organization id or name. Default: the user's first organization, resolved only when the server needs one. */
  organization?: string;
  /** Force a route prefix instead of detecting it. */
  prefix?: string;
  retry?: RetryPolicy;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  userAgent?: string;
  onRetry?: HttpOptions['onRetry'];
}

export interface ListChatsOptions {
  archived?: boolean;
  labels?: Record<string, string>;
  limit?: number;
  offset?: number;
}

export interface MessagesOptions {
  afterId?: number;
  beforeId?: number;
  limit?: number;
}

export interface CreateChatOptions extends Omit<CreateChatRequest, 'organization_id'> {
  /**
   * A label value that makes the create safe to repeat: on an ambiguous
   * failure (a 5xx or a reset after the request was sent) we look for a chat
   * carrying it before sending again, so one request never makes two chats.
   */
  idempotencyKey?: string;
  /** Look for a chat with the idempotency key before creating one (resuming work that may have created it). */
  reuseExisting?: boolean;
  signal?: AbortSignal;
}

const IDEMPOTENCY_LABEL = 'coder-agent-bot/request';

export class CoderClient {
  readonly http: CoderHttp;
  readonly baseUrl: string;
  private prefix: string | undefined;
  private prefixFixed: boolean;
  private readonly organization: string | undefined;
  private orgId: Promise<string> | undefined;

  constructor(opts: CoderClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(opts.url);
    } catch {
      throw new CoderError('protocol', `The Coder URL "${opts.url}" is not a valid URL (expected e.g. https://coder.example.com).`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CoderError('protocol', `The Coder URL must start with http:// or https:// (got "${parsed.protocol}").`);
    }
    if (!opts.token) throw new CoderError('auth', 'No Coder session token was given (set CODER_SESSION_TOKEN).');
    this.http = new CoderHttp({
      baseUrl: parsed.origin + parsed.pathname.replace(/\/+$/, ''),
      token: opts.token,
      retry: opts.retry,
      requestTimeoutMs: opts.requestTimeoutMs,
      fetch: opts.fetch,
      userAgent: opts.userAgent,
      onRetry: opts.onRetry,
    });
    this.baseUrl = this.http.baseUrl;
    this.prefix = opts.prefix;
    this.prefixFixed = opts.prefix !== undefined;
    this.organization = opts.organization?.trim() || undefined;
  }

  /** The page a person opens for a chat. */
  chatUrl(chatId: string): string {
    return `${this.baseUrl}/agents/${chatId}`;
  }

  /** The chat route prefix in use (after detection). */
  get routePrefix(): string {
    return this.prefix ?? EXPERIMENTAL_PREFIX;
  }

  /**
   * Sends a request under the chats prefix. Until the prefix is known, a 404
   * for the route (not for a resource) or the experiment gate's 403 on the
   * experimental prefix switches to `/api/v2/chats` once.
   */
  private chats<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<z.output<S>> {
    return this.underPrefix((prefix) => this.http.json({ ...spec, path: prefix + spec.path }, schema));
  }

  private chatsRaw(spec: RequestSpec) {
    return this.underPrefix((prefix) => this.http.send({ ...spec, path: prefix + spec.path }));
  }

  /** Runs a request under the current prefix, switching to v2 once when the experimental routes are missing. */
  private async underPrefix<T>(request: (prefix: string) => Promise<T>): Promise<T> {
    const prefix = this.routePrefix;
    try {
      const out = await request(prefix);
      this.lockPrefix(prefix);
      return out;
    } catch (err) {
      if (this.shouldTryV2(err)) return this.onV2(err, () => request(V2_PREFIX));
      throw err;
    }
  }

  /** Tries the v2 prefix once; when it is not there either, the first error is the one that explains. */
  private async onV2<T>(first: unknown, attempt: () => Promise<T>): Promise<T> {
    try {
      const out = await attempt();
      this.lockPrefix(V2_PREFIX);
      return out;
    } catch (err) {
      if (err instanceof CoderError && err.status === 404 && !RESOURCE_NOT_FOUND.test(err.message)) {
        this.lockPrefix(EXPERIMENTAL_PREFIX);
        throw first;
      }
      throw err;
    }
  }

  private lockPrefix(prefix: string): void {
    this.prefix = prefix;
    this.prefixFixed = true;
  }

  private shouldTryV2(err: unknown): boolean {
    if (this.prefixFixed || this.routePrefix !== EXPERIMENTAL_PREFIX || !(err instanceof CoderError)) return false;
    if (err.status === 404) return !RESOURCE_NOT_FOUND.test(err.message);
    return err.status === 403 && /'agents' experiment|enabling .*experiment/i.test(err.message);
  }

  /** Resolves once (and caches) the organization id a create or upload needs. */
  organizationId(signal?: AbortSignal): Promise<string> {
    this.orgId ??= this.resolveOrganization(signal).catch((err: unknown) => {
      this.orgId = undefined;
      throw err;
    });
    return this.orgId;
  }

  private async resolveOrganization(signal?: AbortSignal): Promise<string> {
    if (this.organization && isUuid(this.organization)) return this.organization;
    if (this.organization) {
      try {
        const org = await this.http.json(
          { method: 'GET', path: `/api/v2/organizations/${encodeURIComponent(this.organization)}`, idempotent: true, signal },
          OrganizationSchema,
        );
        return org.id;
      } catch (err) {
        if (err instanceof CoderError && err.status === 404) {
          throw new CoderError('http', `Coder has no organization named "${this.organization}" that this token can see.`, { status: 404 });
        }
        throw err;
      }
    }
    const me = await this.http.json({ method: 'GET', path: '/api/v2/users/me', idempotent: true, signal }, UserSchema);
    const first = me.organization_ids[0];
    if (!first) throw new CoderError('http', 'The Coder user behind this token belongs to no organization; set an organization explicitly.');
    return first;
  }

  /**
   * Creates a chat. The organization is sent when one was configured; when a
   * newer server says it is required, it is resolved and the create is sent
   * again (a 400 means nothing was created).
   */
  async createChat(opts: CreateChatOptions): Promise<Chat> {
    const { idempotencyKey, reuseExisting, signal, ...req } = opts;
    if (idempotencyKey && reuseExisting) {
      const existing = await this.listChats({ labels: { [IDEMPOTENCY_LABEL]: idempotencyKey }, limit: 1, signal });
      if (existing[0]) return existing[0];
    }
    const body: CreateChatRequest = { ...req };
    if (idempotencyKey) body.labels = { ...(req.labels ?? {}), [IDEMPOTENCY_LABEL]: idempotencyKey };
    if (this.organization) body.organization_id = await this.organizationId(signal);
    const post = () => this.postChat(body, idempotencyKey, signal);
    try {
      return await post();
    } catch (err) {
      if (!body.organization_id && err instanceof CoderError && err.status === 400 && /organization/i.test(err.message)) {
        body.organization_id = await this.organizationId(signal);
        return post();
      }
      throw err;
    }
  }

  private async postChat(body: CreateChatRequest, key: string | undefined, signal?: AbortSignal): Promise<Chat> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.chats({ method: 'POST', path: '', json: body, idempotent: false, signal }, ChatSchema);
      } catch (err) {
        // Ambiguous: the server may have created the chat before failing. Only
        // with a key can we check, and only then send again.
        // A refused connection is not: nothing reached the server (and the
        // request layer has already retried it).
        const ambiguous =
          err instanceof CoderError && !connectionNeverMade(err) && (err.kind === 'network' || err.kind === 'timeout' || (err.status ?? 0) >= 500);
        if (!key || !ambiguous || attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, 300 * 2 ** attempt));
        const existing = await this.listChats({ labels: { [IDEMPOTENCY_LABEL]: key }, limit: 1, signal }).catch(() => []);
        if (existing[0]) return existing[0];
      }
    }
  }

  async sendMessage(chatId: string, req: CreateChatMessageRequest, signal?: AbortSignal): Promise<CreateMessageResponse> {
    return this.chats({ method: 'POST', path: `/${enc(chatId)}/messages`, json: req, idempotent: false, signal }, CreateMessageResponseSchema);
  }

  async getChat(chatId: string, signal?: AbortSignal): Promise<Chat> {
    return this.chats({ method: 'GET', path: `/${enc(chatId)}`, idempotent: true, signal }, ChatSchema);
  }

  async listChats(opts: ListChatsOptions & { signal?: AbortSignal } = {}): Promise<Chat[]> {
    const query: RequestSpec['query'] = {
      q: opts.archived === undefined ? undefined : `archived:${opts.archived}`,
      label: opts.labels ? Object.entries(opts.labels).map(([k, v]) => `${k}:${v}`) : undefined,
      limit: opts.limit,
      offset: opts.offset,
    };
    return this.chats({ method: 'GET', path: '', query, idempotent: true, signal: opts.signal }, z.array(ChatSchema).nullable().transform((v) => v ?? []));
  }

  async getMessages(chatId: string, opts: MessagesOptions & { signal?: AbortSignal } = {}): Promise<MessagesPage> {
    const query = { after_id: opts.afterId, before_id: opts.beforeId, limit: opts.limit };
    return this.chats({ method: 'GET', path: `/${enc(chatId)}/messages`, query, idempotent: true, signal: opts.signal }, MessagesPageSchema);
  }

  /** Every message after `afterId`, in id order, following pages. */
  async getMessagesAfter(chatId: string, afterId: number, signal?: AbortSignal): Promise<{ messages: ChatMessage[]; queued: MessagesPage['queued_messages'] }> {
    const all: ChatMessage[] = [];
    let cursor = afterId;
    for (let page = 0; page < 50; page++) {
      const res = await this.getMessages(chatId, { afterId: cursor, limit: 200, signal });
      const fresh = res.messages.filter((m) => m.id > cursor).sort((a, b) => a.id - b.id);
      all.push(...fresh);
      const last = fresh[fresh.length - 1];
      if (!res.has_more || !last) return { messages: all, queued: res.queued_messages };
      cursor = last.id;
    }
    return { messages: all, queued: [] };
  }

  async interrupt(chatId: string, signal?: AbortSignal): Promise<Chat> {
    return this.chats({ method: 'POST', path: `/${enc(chatId)}/interrupt`, idempotent: true, signal }, ChatSchema);
  }

  /** Archives (or unarchives) a chat: the seed's POST routes, or `PATCH {archived}` on servers without them. */
  async setArchived(chatId: string, archived: boolean, signal?: AbortSignal): Promise<void> {
    const post = `/${enc(chatId)}/${archived ? 'archive' : 'unarchive'}`;
    try {
      expectEmptyOrJson('POST', post, await this.chatsRaw({ method: 'POST', path: post, idempotent: true, signal }));
    } catch (err) {
      const routeMissing = err instanceof CoderError && (err.status === 404 || err.status === 405) && !RESOURCE_NOT_FOUND.test(err.message);
      if (!routeMissing) throw err;
      expectEmptyOrJson('PATCH', `/${enc(chatId)}`, await this.chatsRaw({ method: 'PATCH', path: `/${enc(chatId)}`, json: { archived }, idempotent: true, signal }));
    }
  }

  async models(signal?: AbortSignal): Promise<ModelsResponse> {
    return this.chats({ method: 'GET', path: '/models', idempotent: true, signal }, ModelsResponseSchema);
  }

  async modelConfigs(signal?: AbortSignal): Promise<ModelConfig[]> {
    return this.chats({ method: 'GET', path: '/model-configs', idempotent: true, signal }, z.array(ModelConfigSchema).nullable().transform((v) => v ?? []));
  }

  /**
   * Turns what a user typed for a model into a model config UUID. A UUID is
   * used as is; otherwise it is matched against model configs by model name,
   * display name or `provider:model` (the ids `GET /models` shows are not the
   * UUIDs that `model_config_id` takes).
   */
  async resolveModel(nameOrId: string, signal?: AbortSignal): Promise<string> {
    const wanted = nameOrId.trim();
    if (isUuid(wanted)) return wanted;
    const configs = (await this.modelConfigs(signal)).filter((c) => c.enabled);
    const lower = wanted.toLowerCase();
    const matches = configs.filter(
      (c) =>
        c.model.toLowerCase() === lower ||
        c.display_name?.toLowerCase() === lower ||
        (c.provider && `${c.provider}:${c.model}`.toLowerCase() === lower),
    );
    if (matches.length === 1 && matches[0]) return matches[0].id;
    const names = configs.map((c) => (c.provider ? `${c.provider}:${c.model}` : c.model)).join(', ') || 'none';
    if (matches.length > 1) {
      throw new CoderError('http', `The model "${wanted}" matches several model configs; use provider:model or the config id. Available: ${names}.`);
    }
    throw new CoderError('http', `No enabled model config matches "${wanted}". Available: ${names}.`);
  }

  /** Uploads an image for use as a `file` input part. Coder accepts PNG, JPEG, GIF and WebP up to 10 MiB. */
  async uploadFile(bytes: Uint8Array, contentType: string, signal?: AbortSignal): Promise<string> {
    const organization = await this.organizationId(signal);
    const res = await this.chats(
      { method: 'POST', path: '/files', query: { organization }, body: bytes, contentType, idempotent: false, signal },
      UploadResponseSchema,
    );
    return res.id;
  }

  async downloadFile(fileId: string, signal?: AbortSignal): Promise<{ bytes: Uint8Array; contentType: string }> {
    const res = await this.chatsRaw({ method: 'GET', path: `/files/${enc(fileId)}`, idempotent: true, signal });
    return { bytes: res.bytes, contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
  }

  /** WebSocket URL of a chat's stream. */
  streamUrl(chatId: string, afterId?: number): string {
    const u = new URL(this.http.url(`${this.routePrefix}/${enc(chatId)}/stream`, { after_id: afterId && afterId > 0 ? afterId : undefined }));
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.toString();
  }

  /** Validates a persisted message from the stream with the same schema as REST. */
  static parseMessage(value: unknown): ChatMessage | undefined {
    const r = ChatMessageSchema.safeParse(value);
    return r.success ? r.data : undefined;
  }
}

const enc = (s: string) => encodeURIComponent(s);

/**
 * Coder answers archive with 204 (PATCH) or a JSON chat (the older POST
 * routes). Anything else with a 2xx, typically a proxy's or a login page's
 * HTML, means the request never reached the Chats API: it did not happen.
 */
function expectEmptyOrJson(method: string, path: string, res: RawResponse): void {
  const text = new TextDecoder().decode(res.bytes).trim();
  if (!text) return;
  try {
    JSON.parse(text);
  } catch {
    const type = res.headers.get('content-type')?.split(';')[0] ?? 'no content type';
    throw new CoderError(
      'protocol',
      `Coder answered ${method} ${path} with HTTP ${res.status} and a body that is not JSON (${type}), so the change was not made; a proxy or login page in front of Coder may have answered.`,
      { status: res.status },
    );
  }
}
