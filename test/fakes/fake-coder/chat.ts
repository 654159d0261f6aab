/** One chat's state as the fake server keeps it, and its wire rendering. */
import { randomUUID } from 'node:crypto';
import type { ChatEvent, ChatMessage, LastError, QueuedMessage } from './types.js';
import type { StreamClient } from './streams.js';
import type { Turn } from './turns.js';

/** Statuses after which a turn is over (reference: "Finished"; requires_action needs a human). */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['waiting', 'completed', 'error', 'requires_action']);

export interface ChatRecord {
  id: string;
  owner_id: string;
  organization_id: string;
  /** Absent (not null) when unset. */
  workspace_id?: string;
  root_chat_id: string;
  last_model_config_id: string;
  title: string;
  status: string;
  last_error: LastError | null;
  created_at: string;
  updated_at: string;
  archived: boolean;
  labels: Record<string, string>;
  /** Absent until set. */
  diff_status?: Record<string, unknown>;
}

export interface NewChat {
  ownerId: string;
  organizationId: string;
  modelConfigId: string;
  title: string;
  workspaceId?: string;
  labels?: Record<string, string>;
  systemPrompt?: string;
  status?: string;
}

export class FakeChat {
  readonly id: string;
  readonly chat: ChatRecord;
  /** Persisted messages, ascending id. */
  readonly messages: ChatMessage[] = [];
  readonly queued: QueuedMessage[] = [];
  /** Open stream sockets of this chat. */
  readonly streams = new Set<StreamClient>();
  readonly systemPrompt: string | undefined;
  /** The scheduled or running turn; null when idle. */
  turn: Turn | null = null;
  /** How many turns have been scheduled so far. */
  turnCount = 0;
  /** Current servers: bumped by every persisted message or history edit. */
  historyVersion = 0;
  /** Current servers: the generation attempt now streaming, and the last part's seq in it. */
  generationAttempt = 0;
  partSeq = 0;
  /** What `GET /{chat}/cost` reports. */
  costMicros = 0;
  requests = 0;
  unpricedRequests = 0;

  constructor(init: NewChat) {
    this.id = randomUUID();
    const now = timestamp();
    this.chat = {
      id: this.id,
      owner_id: init.ownerId,
      organization_id: init.organizationId,
      root_chat_id: this.id,
      last_model_config_id: init.modelConfigId,
      title: init.title,
      status: init.status ?? 'waiting',
      last_error: null,
      created_at: now,
      updated_at: now,
      archived: false,
      labels: init.labels ?? {},
    };
    if (init.workspaceId !== undefined) this.chat.workspace_id = init.workspaceId;
    this.systemPrompt = init.systemPrompt;
  }

  get status(): string {
    return this.chat.status;
  }

  /** A turn is scheduled or running (the status may still be the previous turn's). */
  get busy(): boolean {
    return this.turn !== null;
  }

  get streamCount(): number {
    return this.streams.size;
  }

  /** Coder stamps `updated_at` with NOW() in the transaction that changed the chat: one write, one time. */
  touch(at: string = timestamp()): void {
    this.chat.updated_at = at;
  }

  /**
   * The Chat object as the API returns it. `queuedForCapacity`: current
   * servers with every agent slot busy add `queued_for_capacity` to a
   * `running` chat whose turn has no worker yet (never to another status).
   */
  toWire(lastErrorShape: 'string' | 'object', current = false, queuedForCapacity = false): Record<string, unknown> {
    const { last_error: lastError, ...rest } = this.chat;
    let renderedError: unknown = null;
    if (lastError) renderedError = lastErrorShape === 'object' ? { ...lastError } : lastError.message;
    // Key order as the reference lists the fields.
    const wire: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rest)) {
      wire[key] = value;
      if (key === 'status') wire.last_error = renderedError;
    }
    wire.labels = { ...this.chat.labels };
    if (current && queuedForCapacity && this.chat.status === 'running' && this.turn && !this.turn.started) wire.queued_for_capacity = true;
    return wire;
  }
}

let lastMicros = 0;

/**
 * Now, as Coder writes it (RFC 3339 with microseconds, from PostgreSQL's
 * timestamptz). Strictly increasing, as two transactions' NOW() are: a status
 * written after a message is later than the message, even within one millisecond.
 */
export function timestamp(): string {
  lastMicros = Math.max(Date.now() * 1000, lastMicros + 1);
  const ms = Math.floor(lastMicros / 1000);
  return new Date(ms).toISOString().replace('Z', `${String(lastMicros % 1000).padStart(3, '0')}Z`);
}

export function chatEvent(chatId: string, type: string, payload: unknown): ChatEvent {
  return { type, chat_id: chatId, [type]: payload };
}

export function statusEvent(chat: FakeChat): ChatEvent {
  return chatEvent(chat.id, 'status', { status: chat.chat.status });
}

/** Tool calls of the chat's assistant messages that no tool result answers yet (what `action_required` lists). */
export function pendingToolCalls(chat: FakeChat): Array<{ tool_call_id: string; tool_name: string; args: string }> {
  const answered = new Set<unknown>();
  for (const m of chat.messages) for (const part of m.content) if (part.type === 'tool-result') answered.add(part.tool_call_id);
  const calls: Array<{ tool_call_id: string; tool_name: string; args: string }> = [];
  for (const m of chat.messages) {
    if (m.role !== 'assistant') continue;
    for (const part of m.content) {
      if (part.type !== 'tool-call' || answered.has(part.tool_call_id)) continue;
      calls.push({ tool_call_id: String(part.tool_call_id), tool_name: String(part.tool_name), args: JSON.stringify(part.args ?? {}) });
    }
  }
  return calls;
}

/**
 * A status change as the stream carries it. Current servers follow
 * `requires_action` with `action_required` listing the tool calls the client
 * must answer (codersdk ChatStreamActionRequired, chatd applyDBSnapshot).
 */
export function statusEvents(chat: FakeChat, current: boolean): ChatEvent[] {
  const events = [statusEvent(chat)];
  if (current && chat.chat.status === 'requires_action') events.push(chatEvent(chat.id, 'action_required', { tool_calls: pendingToolCalls(chat) }));
  return events;
}

/** codersdk.ChatStreamEvent names the list `queued_messages`; older dashboards put it under the event type. */
export function queueUpdateEvent(chat: FakeChat, current = false): ChatEvent {
  const queued = chat.queued.map((q) => ({ ...q }));
  return current ? { type: 'queue_update', chat_id: chat.id, queued_messages: queued } : chatEvent(chat.id, 'queue_update', queued);
}

/**
 * A current server's snapshot, in chatd streamLoop order: messages after
 * after_id, the queue, the status, the error of an errored chat or the
 * `action_required` of one that waits for tool results, then
 * `preview_reset` (the history version moved from the stream's zero), then
 * the parts of the attempt now streaming (the relay replays them).
 */
function currentSnapshot(chat: FakeChat, afterId: number): ChatEvent[] {
  const events: ChatEvent[] = [];
  for (const message of chat.messages) {
    if (message.id > afterId) events.push(chatEvent(chat.id, 'message', message));
  }
  if (chat.queued.length > 0) events.push(queueUpdateEvent(chat, true));
  events.push(statusEvent(chat));
  if (chat.chat.status === 'error') {
    events.push(chatEvent(chat.id, 'error', chat.chat.last_error ?? { message: 'The chat request failed unexpectedly.', kind: 'generic', retryable: false }));
  }
  events.push(...statusEvents(chat, true).slice(1));
  events.push({ type: 'preview_reset', chat_id: chat.id });
  if (chat.turn) events.push(...chat.turn.deltas);
  return events;
}

/** What a new stream connection receives first (reference, "The stream"). */
export function snapshotEvents(chat: FakeChat, afterId: number, current = false): ChatEvent[] {
  if (current) return currentSnapshot(chat, afterId);
  const events: ChatEvent[] = [statusEvent(chat)];
  if (chat.turn) events.push(...chat.turn.deltas);
  for (const message of chat.messages) {
    if (message.id > afterId) events.push(chatEvent(chat.id, 'message', message));
  }
  if (chat.queued.length > 0) events.push(queueUpdateEvent(chat));
  return events;
}
