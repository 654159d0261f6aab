/**
 * Client for Coder's Chats API. Knows nothing of GitHub.
 *
 * Handles the differences between Coder releases (shared/coder-chats-api.md):
 * the route prefix (`/api/v2/chats` on current servers, `/api/experimental/chats`
 * on older ones), a required `organization_id`, model configs scoped to an
 * organization (current) or under the chats prefix (older), and archive as
 * `PATCH {archived}` (current) or POST routes (the seed).
 */
import { z } from 'zod';
import { maskUrl } from '../url-mask.js';
import { CoderError } from './errors.js';
import { CoderHttp, connectionNeverMade, sleep, type HttpOptions, type RawResponse, type RequestSpec, type RetryPolicy } from './http.js';
import { explainRefusal } from './refusals.js';
import {
  ChatCostSchema,
  ChatMessageSchema,
  ChatSchema,
  CreateMessageResponseSchema,
  MessagesPageSchema,
  ModelConfigSchema,
  ModelsResponseSchema,
  OrganizationModelsSchema,
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

/**
 * The prefix each server answered on, for the life of the process (the App's
 * long-lived process learns it once). A hint only: a route 404 on it still
 * switches, since another server may later listen at the same address.
 */
const knownPrefixes = new Map<string, string>();
/** Servers that answered `GET /{chat}/cost` with a route 404 (releases before the cost route). */
const serversWithoutCost = new Set<string>();

/** What `GET /{chat}/cost` reports (codersdk.ChatCost), for the chat and its sub-agents. */
export interface ChatCost {
  totalCostMicros: number;
  requestCount: number;
  unpricedRequestCount: number;
}

/** A model config as `coder-agent models` lists it. */
export interface ModelListing extends ModelConfig {
  available: boolean;
  unavailableReason?: string;
}

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
  /** Force a route prefix instead of detecting it (v2 first, experimental after a route 404). */
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

/** The label naming the request a chat was created for (the idempotency key of createChat). */
export const IDEMPOTENCY_LABEL = 'coder-agent-bot/request';

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
      throw new CoderError('protocol', `The Coder URL "${maskUrl(opts.url)}" is not a valid URL (expected e.g. https://coder.example.com).`);
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
    this.prefix = opts.prefix ?? knownPrefixes.get(this.baseUrl);
    this.prefixFixed = opts.prefix !== undefined;
    this.organization = opts.organization?.trim() || undefined;
  }

  /** The page a person opens for a chat. */
  chatUrl(chatId: string): string {
    return `${this.baseUrl}/agents/${chatId}`;
  }

  /** Whether the prefix is known (forced, learned from an answer, or remembered for this server). */
  get prefixKnown(): boolean {
    return this.prefix !== undefined;
  }

  /** The chat route prefix in use (after detection). */
  get routePrefix(): string {
    return this.prefix ?? V2_PREFIX;
  }

  /**
   * Sends a request under the chats prefix. `/api/v2/chats` first; a 404 for
   * the route (not for a resource) switches to the other prefix once, and the
   * prefix that answered is remembered for this server.
   */
  private chats<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<z.output<S>> {
    return this.underPrefix((prefix) => this.http.json({ ...spec, path: prefix + spec.path }, schema));
  }

  private chatsRaw(spec: RequestSpec) {
    return this.underPrefix((prefix) => this.http.send({ ...spec, path: prefix + spec.path }));
  }

  private async underPrefix<T>(request: (prefix: string) => Promise<T>): Promise<T> {
    const prefix = this.routePrefix;
    try {
      const out = await request(prefix);
      this.learnPrefix(prefix);
      return out;
    } catch (err) {
      if (this.prefixFixed || !isRouteMissing(err)) throw err;
      const other = prefix === V2_PREFIX ? EXPERIMENTAL_PREFIX : V2_PREFIX;
      try {
        const out = await request(other);
        this.learnPrefix(other);
        return out;
      } catch (second) {
        // Neither prefix has the route: the first answer explains (v2 is what current servers mount).
        if (isRouteMissing(second)) throw err;
        throw second;
      }
    }
  }

  private learnPrefix(prefix: string): void {
    this.prefix = prefix;
    knownPrefixes.set(this.baseUrl, prefix);
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
    // Once this client has resolved the organization (a server that requires it), send it every time: no 400 round trip.
    if (this.organization || this.orgId) body.organization_id = await this.organizationId(signal);
    // A server with the v2 chat routes (v2.34+) requires it (coderd postChats: "organization_id is required."):
    // resolve it first rather than take a refused create on every run. Best effort: an answer
    // refusing it leaves the old path (create, and resolve on the 400), which reports it; an
    // unreachable server is reported at once (its retries already said so).
    else if (this.routePrefix === V2_PREFIX) {
      const org = await this.organizationId(signal).catch((err: unknown) => {
        if (signal?.aborted || !(err instanceof CoderError) || err.status === undefined) throw err;
        return undefined;
      });
      if (org) body.organization_id = org;
    }
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
        // request layer has already retried it). Nor is a known refusal (e.g. 503
        // "AI Gateway must be enabled"): it made nothing and will not change on a retry.
        const ambiguous =
          err instanceof CoderError &&
          !connectionNeverMade(err) &&
          (err.kind === 'network' || err.kind === 'timeout' || (err.status ?? 0) >= 500) &&
          !explainRefusal(err);
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

  /**
   * Archives (or unarchives) a chat: `PATCH {archived}` (current servers), or
   * the seed's POST routes where PATCH is not routed. Current servers refuse
   * to archive an active chat (409); with `interruptIfActive` (the default)
   * the chat is interrupted first, then archived once it is idle.
   * Resolves to `{ interrupted: true }` when it had to interrupt the agent
   * (so a caller can say so); throws CoderError when Coder still refuses.
   */
  async setArchived(chatId: string, archived: boolean, opts: { signal?: AbortSignal; interruptIfActive?: boolean; settleMs?: number } = {}): Promise<{ interrupted: boolean }> {
    const { signal } = opts;
    const path = `/${enc(chatId)}`;
    const patch = async () => expectEmptyOrJson('PATCH', path, await this.chatsRaw({ method: 'PATCH', path, json: { archived }, idempotent: true, signal }));
    try {
      await patch();
      return { interrupted: false };
    } catch (err) {
      if (isRouteMissing(err) || (err instanceof CoderError && err.status === 405)) {
        const post = `/${enc(chatId)}/${archived ? 'archive' : 'unarchive'}`;
        expectEmptyOrJson('POST', post, await this.chatsRaw({ method: 'POST', path: post, idempotent: true, signal }));
        return { interrupted: false };
      }
      if (!(archived && err instanceof CoderError && err.status === 409 && opts.interruptIfActive !== false)) throw err;
    }
    // Coder: "Cannot archive an active chat. Interrupt or wait for the chat to finish first."
    await this.interrupt(chatId, signal);
    // Current Coder answers `interrupting` (or, for a chat in requires_action,
    // `running` once the pending tool calls are cancelled) and settles in the
    // background; archiving succeeds only from waiting or error (coderd patchChat).
    const deadline = Date.now() + (opts.settleMs ?? 10_000);
    let status: string | undefined;
    for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
      status = (await this.getChat(chatId, signal)).status;
      if (status !== 'running' && status !== 'interrupting' && status !== 'pending') break;
      if (Date.now() >= deadline) break;
      await sleep(delay, signal);
    }
    try {
      await patch();
    } catch (err) {
      if (err instanceof CoderError && err.status === 409) {
        const sentence =
          status === 'requires_action'
            ? `Coder refuses to archive chat ${chatId} while it waits for a tool result (requires_action), and interrupting it did not end that. Answer or stop it in Coder, then archive it again.`
            : `Coder refuses to archive chat ${chatId} while it is working, and it was still working after being interrupted. Wait for it to finish, then archive it again.`;
        throw new CoderError('http', sentence, { status: 409, detail: err.message });
      }
      throw err;
    }
    return { interrupted: true };
  }

  /**
   * The chat's AI Gateway cost (`GET /{chat}/cost`, current servers), for the
   * chat and its sub-agents. Undefined where the server has no such route.
   */
  async getCost(chatId: string, signal?: AbortSignal): Promise<ChatCost | undefined> {
    // Asked once per server: one without the route is not asked again (the App follows thousands of chats).
    if (serversWithoutCost.has(this.baseUrl)) return undefined;
    try {
      const res = await this.http.json({ method: 'GET', path: `${this.routePrefix}/${enc(chatId)}/cost`, idempotent: true, signal }, ChatCostSchema);
      return { totalCostMicros: res.total_cost_micros, requestCount: res.request_count, unpricedRequestCount: res.unpriced_request_count };
    } catch (err) {
      if (isRouteMissing(err) || (err instanceof CoderError && (err.status === 405 || err.status === 501))) {
        serversWithoutCost.add(this.baseUrl);
        return undefined;
      }
      throw err;
    }
  }

  /**
   * Whether the deployment has the `chat-structured-output` experiment
   * (`GET /api/v2/experiments`); undefined when that cannot be known.
   */
  async supportsStructuredOutput(signal?: AbortSignal): Promise<boolean | undefined> {
    try {
      const list = await this.http.json({ method: 'GET', path: '/api/v2/experiments', idempotent: true, signal }, z.array(z.string()));
      return list.includes('chat-structured-output');
    } catch {
      return undefined;
    }
  }

  /** The older servers' provider list (`GET {prefix}/models`). */
  async models(signal?: AbortSignal): Promise<ModelsResponse> {
    return this.chats({ method: 'GET', path: '/models', idempotent: true, signal }, ModelsResponseSchema);
  }

  /**
   * The model configs this user may pick, with their availability. Current
   * servers scope them to an organization
   * (`GET /api/v2/organizations/{org}/chats/models`); older servers list them
   * under the chats prefix (`/model-configs`, availability from `/models`).
   */
  async listModels(signal?: AbortSignal): Promise<ModelListing[]> {
    if (this.prefix !== EXPERIMENTAL_PREFIX) {
      const org = await this.organizationId(signal);
      try {
        const res = await this.http.json(
          { method: 'GET', path: `/api/v2/organizations/${enc(org)}/chats/models`, idempotent: true, signal },
          OrganizationModelsSchema,
        );
        const providers = new Map(res.providers.map((p) => [p.id, p]));
        return res.models.map((m) => {
          const p = m.ai_provider_id ? providers.get(m.ai_provider_id) : undefined;
          const listing: ModelListing = {
            id: m.id,
            model: m.model,
            display_name: m.display_name,
            enabled: m.enabled,
            is_default: m.is_default,
            available: p?.available ?? true,
          };
          if (p?.type) listing.provider = p.type;
          if (p?.unavailable_reason) listing.unavailableReason = p.unavailable_reason;
          return listing;
        });
      } catch (err) {
        if (!isRouteMissing(err)) throw err;
      }
    }
    const [configs, models] = await Promise.all([this.modelConfigs(signal), this.models(signal).catch(() => undefined)]);
    const unavailable = new Map((models?.providers ?? []).filter((p) => !p.available).map((p) => [p.provider, p.unavailable_reason ?? 'unavailable']));
    return configs.map((c) => {
      const reason = unavailable.get(c.provider ?? '');
      return reason === undefined ? { ...c, available: true } : { ...c, available: false, unavailableReason: reason };
    });
  }

  /** The older servers' model configs (`GET {prefix}/model-configs`). */
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
    const configs = (await this.listModels(signal)).filter((c) => c.enabled);
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

  /**
   * Refuses before any chat is made when the deployment is known to lack the
   * chat-structured-output experiment (a 400-like CoderError on the
   * `response_format` field, which coder/refusals.ts explains); when that
   * cannot be known, the create itself will tell.
   */
  async requireStructuredOutput(signal?: AbortSignal): Promise<void> {
    if ((await this.supportsStructuredOutput(signal)) !== false) return;
    throw new CoderError('http', 'This Coder deployment does not accept structured output (response_format).', {
      status: 400,
      validations: [{ field: 'response_format', detail: "this Coder release lists no 'chat-structured-output' experiment" }],
    });
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

/** A 404 for a route the server does not have, as opposed to a missing chat ("Resource not found..."). */
function isRouteMissing(err: unknown): boolean {
  return err instanceof CoderError && err.status === 404 && !RESOURCE_NOT_FOUND.test(err.message);
}
