/**
 * Public types of the fake Coder server. Written from
 * /work/shared/coder-chats-api.md only — never from our own src/.
 */
import { randomUUID } from 'node:crypto';

/** 1: `{"type":"data","data":[ev,...]}`; 2: `{"type":"data","data":ev}` one frame per event; 3: bare JSON array per frame. */
export type Framing = 'batch' | 'single' | 'array';
export type ChatPrefix = 'experimental' | 'v2';
/**
 * Which server generation the fake plays. 'current' is Coder v2.37+ as its
 * source shows it (coderd chats routes, codersdk/chats.go, chatd streamLoop):
 * statuses without `pending`, `message_part` with history_version /
 * generation_attempt / seq, `preview_reset` after every history change and
 * failed attempt, `queued_messages` in queue updates, `queued_for_capacity`,
 * organization-scoped model configs, `GET /{chat}/cost`, archive refused
 * while active, and its error answers. 'legacy' is what came before.
 */
export type Generation = 'legacy' | 'current';

export interface Organization {
  id: string;
  name: string;
}

export interface ModelConfig {
  id: string;
  provider: string;
  model: string;
  display_name: string;
  enabled: boolean;
  is_default: boolean;
}

export interface FakeCoderOptions {
  /** The valid session token (default 'test-token'). */
  token?: string;
  /** Server generation (default 'legacy'); profiles.ts sets it per release. */
  generation?: Generation;
  /** Current servers: the AI Gateway is off, so creating, sending and streaming answer 503. */
  agentsDisabled?: boolean;
  /**
   * A server that does not exist yet: coder/coder up to v2.38 has neither a
   * `response_format` field nor a `chat-structured-output` experiment, so no
   * profile sets this. On: `GET /api/v2/experiments` lists
   * `chat-structured-output` and create takes `response_format`. Off (every
   * release): the field is ignored, as coderd ignores unknown JSON fields.
   */
  structuredOutput?: boolean;
  /** Current servers: create and send answer a usage-limit 409, with the figures ('full') or with only a message ('message-only'). */
  usageLimit?: 'full' | 'message-only' | null;
  /** Cost recorded per finished assistant request (micro-dollars); `GET /{chat}/cost` sums it. */
  costPerRequestMicros?: number;
  /** Every n-th request of a chat has no price (0: none). */
  unpricedEvery?: number;
  framing?: Framing;
  /** Which chat route prefixes are mounted (default ['experimental']). `Authorization: Bearer` is accepted only when 'v2' is. */
  prefixes?: ChatPrefix[];
  /** The experimental prefix answers 403 (the 'agents' experiment is off). */
  experimentDisabled?: boolean;
  /** POST /chats without organization_id answers 400 (servers since ~v2.34). */
  requireOrganization?: boolean;
  /** chat.last_error as a string (older servers) or an object (newer). */
  lastErrorShape?: 'string' | 'object';
  /** 'post': POST /{chat}/archive|unarchive; 'patch': PATCH /{chat} {archived} → 204 and the POST routes 404. */
  archiveStyle?: 'post' | 'patch';
  /** In 'batch' framing also send `{"type":"ping"}` text frames with every ping tick. */
  jsonPings?: boolean;
  /** Keepalive interval (WebSocket ping frames, plus JSON pings). Read when the first stream opens. */
  pingIntervalMs?: number;
  /** Delay before each agent script step. */
  stepDelayMs?: number;
  /**
   * Current servers: a capped deployment with every agent slot busy. A
   * scheduled turn's chat is `running` (no worker yet) with
   * `queued_for_capacity: true` over REST until the turn starts
   * (`turnStartDelayMs`); the stream shows only `running`. Without it
   * `queued_for_capacity` is never true (chatd ChatQueuedForCapacity).
   */
  agentSlotsFull?: boolean;
  /** Current servers: how long an interrupted chat stays `interrupting` before its partial answer is persisted and it is `waiting`. */
  interruptSettleMs?: number;
  /** Delay between accepting a user message and the turn starting; the chat keeps its previous status meanwhile. */
  turnStartDelayMs?: number;
  organizations?: Organization[];
  modelConfigs?: ModelConfig[];
  /** Providers the deployment cannot use, with Coder's reason (e.g. `missing_api_key`); the model lists say so. */
  unavailableProviders?: Record<string, string>;
  agent?: AgentBehaviour;
}

export type AgentStep =
  | { status: string }
  | { text: string }
  | { reasoning: string }
  | { toolCall: { name: string; args?: unknown; result?: unknown; isError?: boolean } }
  | { persist: true }
  | { error: { message: string; kind?: string; detail?: string } }
  | { retry: { attempt: number; delayMs: number; error: string } }
  /** A failed generation attempt is retried (Coder v2.37+): `preview_reset`, and the text streamed since the last persist is void. */
  | { previewReset: true }
  | { event: Record<string, unknown> }
  | { rawFrame: string }
  | { delayMs: number }
  /** The current generation attempt fails and is retried: its streamed text is void (current servers send preview_reset). */
  | { failAttempt: { error: string } }
  /** The history is edited: current servers send history_reset, then every message again. */
  | { historyReset: true }
  /** The next persisted assistant message carries this as `structured_output`. */
  | { structured: unknown }
  | { diffStatus: Record<string, unknown> }
  | { hang: true };

export interface AgentTurn {
  chatId: string;
  /** Text parts of the user message joined with '\n'. */
  prompt: string;
  /** The user message's content parts as persisted. */
  content: unknown[];
  /** 0 for the first turn of a chat. */
  turnIndex: number;
}

export type AgentBehaviour = (turn: AgentTurn) => AgentStep[];

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; the raw text when it is not JSON; the byte length for file uploads; undefined when empty. */
  body: unknown;
}

export interface RequestMatch {
  method?: string;
  /** A RegExp tested against the path, or a substring of the path. */
  path?: RegExp | string;
}

export interface FaultReply {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (e.g. an HTML error page from a proxy). */
  rawBody?: string;
  contentType?: string;
}

export type ResolvedOptions = Required<FakeCoderOptions>;

// ---- wire shapes ----

export interface LastError {
  message: string;
  detail?: string;
  kind: string;
  retryable: boolean;
  status_code?: number;
}

export interface ChatMessage {
  id: number;
  chat_id: string;
  created_at: string;
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: Array<Record<string, unknown>>;
  usage?: { input_tokens: number; output_tokens: number };
  structured_output?: unknown;
}

export interface QueuedMessage {
  id: number;
  chat_id: string;
  content: Array<Record<string, unknown>>;
  created_at: string;
}

export interface ChatEvent {
  type: string;
  chat_id: string;
  [payload: string]: unknown;
}

/** Splits text into `n` consecutive chunks of near-equal length (fewer when the text is shorter than n). */
export function chunkText(text: string, n: number): string[] {
  const chunks: string[] = [];
  const size = Math.max(1, Math.ceil(text.length / n));
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks.length > 0 ? chunks : [''];
}

/** The default agent: answers `Echo: <prompt>` in three text deltas. */
export const echoAgent: AgentBehaviour = ({ prompt }) => [
  { status: 'running' },
  ...chunkText(`Echo: ${prompt}`, 3).map((text) => ({ text })),
  { persist: true },
  { status: 'waiting' },
];

export function resolveOptions(options: FakeCoderOptions = {}): ResolvedOptions {
  return {
    token: options.token ?? 'test-token',
    generation: options.generation ?? 'legacy',
    agentsDisabled: options.agentsDisabled ?? false,
    structuredOutput: options.structuredOutput ?? false,
    usageLimit: options.usageLimit ?? null,
    costPerRequestMicros: options.costPerRequestMicros ?? 125_000,
    unpricedEvery: options.unpricedEvery ?? 0,
    framing: options.framing ?? 'batch',
    prefixes: options.prefixes ?? ['experimental'],
    experimentDisabled: options.experimentDisabled ?? false,
    requireOrganization: options.requireOrganization ?? false,
    lastErrorShape: options.lastErrorShape ?? 'string',
    archiveStyle: options.archiveStyle ?? 'post',
    jsonPings: options.jsonPings ?? true,
    pingIntervalMs: options.pingIntervalMs ?? 15_000,
    stepDelayMs: options.stepDelayMs ?? 2,
    turnStartDelayMs: options.turnStartDelayMs ?? 0,
    interruptSettleMs: options.interruptSettleMs ?? 25,
    agentSlotsFull: options.agentSlotsFull ?? false,
    organizations: options.organizations ?? [{ id: randomUUID(), name: 'coder' }],
    unavailableProviders: options.unavailableProviders ?? {},
    modelConfigs: options.modelConfigs ?? [
      { id: randomUUID(), provider: 'anthropic', model: 'claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5', enabled: true, is_default: true },
      { id: randomUUID(), provider: 'openai', model: 'gpt-5', display_name: 'GPT-5', enabled: true, is_default: false },
    ],
    agent: options.agent ?? echoAgent,
  };
}
