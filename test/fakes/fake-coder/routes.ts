/** The REST routes of the fake: chats, messages, models, files, users, organizations. */
import { randomUUID } from 'node:crypto';
import { FakeChat } from './chat.js';
import { HttpError, MESSAGES } from './http.js';
import type { Reply } from './http.js';
import { MAX_QUEUED_MESSAGES, promptOf } from './turns.js';
import type { TurnRunner } from './turns.js';
import type { ChatPrefix, ResolvedOptions } from './types.js';
import { UUID_RE, intParam, parseJson, validateCreateChat, validateCreateMessage } from './validation.js';
import type { ValidationContext } from './validation.js';

/** Reference: uploads over 10 MiB answer 413. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
const TITLE_LENGTH = 80;
/** Current servers: the statuses a chat can be archived from. */
const ARCHIVABLE: ReadonlySet<string> = new Set(['waiting', 'error']);

export interface StoredFile {
  id: string;
  organization_id: string;
  media_type: string;
  bytes: Buffer;
}

/** The state the routes read and change. */
export interface FakeState {
  readonly options: ResolvedOptions;
  readonly chats: Map<string, FakeChat>;
  readonly files: Map<string, StoredFile>;
  readonly runner: TurnRunner;
  readonly ownerId: string;
}

export type Route =
  | { kind: 'chats'; prefix: ChatPrefix; segments: string[] }
  | { kind: 'me' }
  | { kind: 'organization'; name: string }
  | { kind: 'orgModels'; org: string }
  | { kind: 'experiments' };

const PREFIXES: Array<[ChatPrefix, string]> = [
  ['experimental', '/api/experimental/chats'],
  ['v2', '/api/v2/chats'],
];

/** Maps a path to a route; null is "Route not found." (including an unmounted prefix). `current` mounts the routes of current servers. */
export function resolveRoute(pathname: string, mounted: readonly ChatPrefix[], current = false): Route | null {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const [prefix, base] of PREFIXES) {
    if (path !== base && !path.startsWith(`${base}/`)) continue;
    if (!mounted.includes(prefix)) return null;
    try {
      return { kind: 'chats', prefix, segments: path.slice(base.length).split('/').filter(Boolean).map(decodeURIComponent) };
    } catch {
      return null;
    }
  }
  if (path === '/api/v2/users/me') return { kind: 'me' };
  const org = /^\/api\/v2\/organizations\/([^/]+)$/.exec(path);
  if (org?.[1]) return { kind: 'organization', name: decodeURIComponent(org[1]) };
  if (!current) return null;
  // codersdk ChatModels: GET /api/v2/organizations/{organization}/chats/models.
  const orgModels = /^\/api\/v2\/organizations\/([^/]+)\/chats\/models$/.exec(path);
  if (orgModels?.[1]) return { kind: 'orgModels', org: decodeURIComponent(orgModels[1]) };
  if (path === '/api/v2/experiments') return { kind: 'experiments' };
  return null;
}

/** Recognises images by their magic bytes; the declared Content-Type is ignored (as the seed says). */
export function sniffImage(bytes: Buffer): string | undefined {
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') {
    return 'image/webp';
  }
  return undefined;
}

export interface RequestBody {
  bytes: Buffer;
  /** Bytes received, including any past the kept cap. */
  length: number;
}

export class ChatRoutes {
  constructor(private readonly state: FakeState) {}

  handle(route: Route, method: string, url: URL, body: RequestBody): Reply {
    switch (route.kind) {
      case 'me':
        if (method !== 'GET') throw HttpError.routeNotFound();
        return { status: 200, json: this.me() };
      case 'organization':
        if (method !== 'GET') throw HttpError.routeNotFound();
        return { status: 200, json: this.organization(route.name) };
      case 'chats':
        return this.chats(route.segments, method, url, body);
      case 'orgModels':
        if (method !== 'GET') throw HttpError.routeNotFound();
        return { status: 200, json: this.organizationModels(route.org) };
      case 'experiments':
        if (method !== 'GET') throw HttpError.routeNotFound();
        return { status: 200, json: this.options.structuredOutput ? ['agents', 'chat-structured-output'] : ['agents'] };
    }
  }

  private get current(): boolean {
    return this.options.generation === 'current';
  }

  /** coderd requireChatDaemon: creating, sending and streaming need the AI Gateway. */
  requireDaemon(): void {
    if (this.current && this.options.agentsDisabled) {
      throw new HttpError(503, { message: MESSAGES.gatewayDisabled, detail: MESSAGES.gatewayDisabledDetail });
    }
  }

  private checkUsageLimit(): void {
    const limit = this.current ? this.options.usageLimit : null;
    if (limit === 'full') {
      throw new HttpError(409, { message: MESSAGES.usageLimit, spent_micros: 51_000_000, limit_micros: 50_000_000, resets_at: '2026-12-01T00:00:00Z' });
    }
    // Synchronous generation classifies a gateway budget rejection as a usage limit: only a message.
    if (limit === 'message-only') throw new HttpError(409, { message: 'Your AI Gateway budget for this period is spent.' });
  }

  private get options(): ResolvedOptions {
    return this.state.options;
  }

  private chats(segments: string[], method: string, url: URL, body: RequestBody): Reply {
    const [first, second, ...rest] = segments;
    if (rest.length > 0) throw HttpError.routeNotFound();
    if (first === undefined) {
      if (method === 'GET') return { status: 200, json: this.listChats(url.searchParams) };
      if (method === 'POST') return { status: 201, json: this.createChat(body) };
      throw HttpError.routeNotFound();
    }
    // Current servers resolve models per organization; the chat-scoped routes are gone.
    if (!this.current && first === 'models' && second === undefined && method === 'GET') return { status: 200, json: this.models() };
    if (!this.current && first === 'model-configs' && second === undefined && method === 'GET') return { status: 200, json: this.options.modelConfigs };
    if (first === 'files') {
      if (second === undefined && method === 'POST') return this.uploadFile(url.searchParams, body);
      if (second !== undefined && method === 'GET') return this.downloadFile(second);
      throw HttpError.routeNotFound();
    }
    const action = `${method} ${second ?? ''}`;
    const post = this.options.archiveStyle === 'post';
    const known = ['GET ', 'GET messages', 'POST messages', 'GET stream', 'POST interrupt'];
    if (post) known.push('POST archive', 'POST unarchive');
    else known.push('PATCH ');
    if (this.current) known.push('GET cost');
    if (!known.includes(action)) throw HttpError.routeNotFound();

    const chat = this.chat(first);
    switch (action) {
      case 'GET ':
        return this.chatReply(chat, 200);
      case 'PATCH ':
        return this.patchChat(chat, body);
      case 'GET messages':
        return { status: 200, json: this.listMessages(chat, url.searchParams) };
      case 'GET cost':
        // codersdk.ChatCost: the whole chat tree's AI Gateway cost.
        return {
          status: 200,
          json: { chat_id: chat.id, total_cost_micros: chat.costMicros, request_count: chat.requests, unpriced_request_count: chat.unpricedRequests },
        };
      case 'POST messages':
        return { status: 200, json: this.createMessage(chat, body) };
      case 'GET stream':
        // Reached only without an Upgrade header.
        throw new HttpError(400, { message: 'Failed to open web socket.', detail: 'The request is not a WebSocket upgrade.' });
      case 'POST interrupt':
        this.state.runner.interrupt(chat);
        return this.chatReply(chat, 200);
      default:
        this.setArchived(chat, action === 'POST archive');
        return this.chatReply(chat, 200);
    }
  }

  /** Looks a chat up by id; malformed and unknown ids are the same 404. */
  chat(id: string): FakeChat {
    const chat = UUID_RE.test(id) ? this.state.chats.get(id.toLowerCase()) : undefined;
    if (!chat) throw HttpError.resourceNotFound();
    return chat;
  }

  private chatReply(chat: FakeChat, status: number): Reply {
    return { status, json: chat.toWire(this.options.lastErrorShape, this.current, this.options.agentSlotsFull) };
  }

  private validationContext(): ValidationContext {
    return {
      requireOrganization: this.options.requireOrganization,
      isOrganization: (id) => this.options.organizations.some((org) => org.id === id),
      isModelConfig: (id) => this.options.modelConfigs.some((config) => config.id === id),
      mediaTypeOf: (fileId) => this.state.files.get(fileId)?.media_type,
    };
  }

  defaultModelConfigId(): string {
    const configs = this.options.modelConfigs;
    const config = configs.find((c) => c.is_default && c.enabled) ?? configs.find((c) => c.enabled) ?? configs[0];
    return config?.id ?? '00000000-0000-0000-0000-000000000000';
  }

  defaultOrganizationId(): string {
    return this.options.organizations[0]?.id ?? '00000000-0000-0000-0000-000000000000';
  }

  private createChat(body: RequestBody): Record<string, unknown> {
    this.requireDaemon();
    const raw = parseJson(body.bytes);
    const input = validateCreateChat(raw, this.validationContext());
    // A server without the feature ignores response_format: codersdk.CreateChatRequest has no such
    // field and coderd's httpapi.Read decodes without DisallowUnknownFields, on every release.
    if (this.current && this.options.structuredOutput && raw.response_format !== undefined && raw.response_format !== null) {
      if (typeof raw.response_format !== 'object' || Array.isArray(raw.response_format)) {
        throw HttpError.validation({ field: 'response_format', detail: 'response_format must be a JSON Schema object.' });
      }
    }
    this.checkUsageLimit();
    const prompt = promptOf(input.content);
    const chat = new FakeChat({
      ownerId: this.state.ownerId,
      organizationId: input.organizationId ?? this.defaultOrganizationId(),
      modelConfigId: input.modelConfigId ?? this.defaultModelConfigId(),
      title: prompt.slice(0, TITLE_LENGTH) || 'New Chat',
      ...(input.workspaceId !== undefined && { workspaceId: input.workspaceId }),
      ...(input.systemPrompt !== undefined && { systemPrompt: input.systemPrompt }),
      labels: input.labels,
    });
    this.state.chats.set(chat.id, chat);
    this.state.runner.deliver(chat, input.content);
    return chat.toWire(this.options.lastErrorShape, this.current, this.options.agentSlotsFull);
  }

  private listChats(params: URLSearchParams): Array<Record<string, unknown>> {
    let archived = false;
    for (const term of (params.get('q') ?? '').split(/\s+/)) {
      if (term === 'archived:true') archived = true;
      else if (term === 'archived:false') archived = false;
    }
    const labels = params.getAll('label').map((label) => {
      const at = label.indexOf(':');
      if (at <= 0) throw HttpError.validation({ field: 'label', detail: `label filter ${JSON.stringify(label)} must be key:value.` });
      return [label.slice(0, at), label.slice(at + 1)] as const;
    });
    const offset = intParam(params, 'offset', 0) ?? 0;
    const limit = intParam(params, 'limit', 0) || Number.POSITIVE_INFINITY;
    const out: Array<Record<string, unknown>> = [];
    const chats = [...this.state.chats.values()];
    let skipped = 0;
    // Insertion order is creation order: walk it backwards for newest first.
    for (let i = chats.length - 1; i >= 0 && out.length < limit; i--) {
      const chat = chats[i] as FakeChat;
      if (chat.chat.archived !== archived) continue;
      if (!labels.every(([key, value]) => chat.chat.labels[key] === value)) continue;
      if (skipped++ < offset) continue;
      out.push(chat.toWire(this.options.lastErrorShape));
    }
    return out;
  }

  private listMessages(chat: FakeChat, params: URLSearchParams): Record<string, unknown> {
    const limit = intParam(params, 'limit', 1, 200) ?? 50;
    const beforeId = intParam(params, 'before_id', 0);
    const afterId = intParam(params, 'after_id', 0);
    const matching = chat.messages.filter((m) => (beforeId === undefined || m.id < beforeId) && (afterId === undefined || m.id > afterId));
    // With after_id the page reads forward from it; otherwise it is the newest page (before_id pages backwards).
    const messages = afterId !== undefined ? matching.slice(0, limit) : matching.slice(-limit);
    return { messages, queued_messages: chat.queued, has_more: matching.length > limit };
  }

  private createMessage(chat: FakeChat, body: RequestBody): Record<string, unknown> {
    this.requireDaemon();
    if (this.current && chat.chat.owner_id !== this.state.ownerId) throw new HttpError(403, { message: MESSAGES.notOwner });
    const input = validateCreateMessage(parseJson(body.bytes), this.validationContext());
    this.checkUsageLimit();
    const runner = this.state.runner;
    if (chat.busy && input.busyBehavior === 'queue') {
      const queued = runner.enqueue(chat, input.content, input.modelConfigId);
      if (!queued && this.current) throw new HttpError(429, { message: MESSAGES.queueFull, detail: `Maximum ${MAX_QUEUED_MESSAGES} messages can be queued.` });
      if (!queued) throw new HttpError(429, { message: MESSAGES.tooManyQueued });
      return { queued: true, queued_message: queued };
    }
    if (chat.busy) runner.interrupt(chat, false, true);
    const message = runner.deliver(chat, input.content, input.modelConfigId);
    return { queued: false, message };
  }

  private patchChat(chat: FakeChat, body: RequestBody): Reply {
    const patch = parseJson(body.bytes);
    if (patch.archived !== undefined) {
      if (typeof patch.archived !== 'boolean') throw HttpError.validation({ field: 'archived', detail: 'archived must be a boolean.' });
      // Current servers archive only from idle or error states ("W, E0, E1", coderd patchChat):
      // running, interrupting and requires_action are refused.
      if (this.current && patch.archived && (chat.busy || !ARCHIVABLE.has(chat.status))) {
        throw new HttpError(409, { message: MESSAGES.archiveActive, detail: 'chat state transition not allowed' });
      }
      this.setArchived(chat, patch.archived);
    }
    return { status: 204 };
  }

  private setArchived(chat: FakeChat, archived: boolean): void {
    chat.chat.archived = archived;
    chat.touch();
  }

  private models(): Record<string, unknown> {
    const providers = new Map<string, Array<Record<string, string>>>();
    for (const config of this.options.modelConfigs) {
      if (!config.enabled) continue;
      const models = providers.get(config.provider) ?? [];
      models.push({ id: `${config.provider}:${config.model}`, provider: config.provider, model: config.model, display_name: config.display_name });
      providers.set(config.provider, models);
    }
    return { providers: [...providers].map(([provider, models]) => ({ provider, ...this.availability(provider), models })) };
  }

  /** A provider's `available` and, when it is not, `unavailable_reason` (codersdk.ChatModelProviderUnavailableReason). */
  private availability(provider: string): { available: boolean; unavailable_reason?: string } {
    const reason = this.options.unavailableProviders[provider];
    return reason === undefined ? { available: true } : { available: false, unavailable_reason: reason };
  }

  /** codersdk.OrganizationChatModelsResponse: models reference their provider by id. */
  private organizationModels(org: string): Record<string, unknown> {
    const organization = this.options.organizations.find((o) => o.id === org || o.name === org);
    if (!organization) throw HttpError.resourceNotFound();
    const providers = [...new Set(this.options.modelConfigs.map((c) => c.provider))].map((type) => ({
      id: providerId(type),
      type,
      display_name: type,
      icon: '',
      enabled: true,
      has_api_key: true,
      has_user_api_key: false,
      has_effective_api_key: true,
      allow_user_api_key: false,
      ...this.availability(type),
    }));
    const models = this.options.modelConfigs.map((c) => ({
      id: c.id,
      organization_id: organization.id,
      ai_provider_id: providerId(c.provider),
      model: c.model,
      display_name: c.display_name,
      enabled: c.enabled,
      is_default: c.is_default,
      context_limit: 200_000,
      compression_threshold: 70,
      created_at: '2026-11-01T00:00:00Z',
      updated_at: '2026-11-01T00:00:00Z',
    }));
    return { models, providers, unsupported_providers: [] };
  }

  private uploadFile(params: URLSearchParams, body: RequestBody): Reply {
    const organization = params.get('organization');
    if (!organization) throw new HttpError(400, { message: 'Missing organization.', detail: 'The "organization" query parameter is required.' });
    if (!UUID_RE.test(organization) || !this.options.organizations.some((org) => org.id === organization)) {
      throw new HttpError(400, { message: 'Invalid organization.', detail: `${JSON.stringify(organization)} is not an organization you belong to.` });
    }
    if (body.length > MAX_FILE_BYTES) {
      throw new HttpError(413, { message: MESSAGES.fileTooLarge, detail: `The maximum upload size is ${MAX_FILE_BYTES} bytes.` });
    }
    const mediaType = sniffImage(body.bytes);
    if (!mediaType) throw new HttpError(400, { message: MESSAGES.unsupportedFile, detail: 'Supported formats: PNG, JPEG, GIF, WebP.' });
    const file: StoredFile = { id: randomUUID(), organization_id: organization, media_type: mediaType, bytes: body.bytes };
    this.state.files.set(file.id, file);
    return { status: 201, json: { id: file.id } };
  }

  private downloadFile(id: string): Reply {
    const file = this.state.files.get(id);
    if (!file) throw HttpError.resourceNotFound();
    return { status: 200, bytes: file.bytes, contentType: file.media_type };
  }

  private me(): Record<string, unknown> {
    return {
      id: this.state.ownerId,
      username: 'tester',
      email: 'tester@example.com',
      name: 'Test User',
      organization_ids: this.options.organizations.map((org) => org.id),
    };
  }

  private organization(nameOrId: string): Record<string, unknown> {
    const org = this.options.organizations.find((o) => o.name === nameOrId || o.id === nameOrId);
    if (!org) throw HttpError.resourceNotFound();
    return { id: org.id, name: org.name, display_name: org.name };
  }
}

/** A stable provider id per provider type. */
function providerId(type: string): string {
  let hash = 0;
  for (const ch of type) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `00000000-0000-4000-8000-${hash.toString(16).padStart(12, '0').slice(-12)}`;
}

/** Content persisted for a seeded message. */
export function seededContent(role: string, text: string): Array<Record<string, unknown>> {
  if (role === 'tool') return [{ type: 'tool-result', tool_call_id: 'seeded', tool_name: 'seeded', result: text, is_error: false }];
  return [{ type: 'text', text }];
}
