/**
 * Parsing of chat stream frames. Three framings exist across Coder releases
 * (shared/coder-chats-api.md, "The stream"):
 *   1. {"type":"data","data":[event, ...]}, {"type":"ping"}, {"type":"error","data":{...}}
 *   2. {"type":"data","data":event}
 *   3. [event, ...]  (current servers: codersdk StreamChat reads one []ChatStreamEvent per frame)
 * This is the hot path of the follower, so events are checked by hand rather
 * than through a schema library; persisted messages (rare) go through the
 * same zod schema as REST.
 */
import { ChatMessageSchema, type ChatMessage, type MessagePart, type QueuedMessage } from './schemas.js';

export type StreamEvent =
  | {
      type: 'message_part';
      role: string;
      part: MessagePart;
      /** Current servers (v2.37+): which history edit and which generation attempt the part belongs to, and its order. */
      historyVersion?: number;
      generationAttempt?: number;
      seq?: number;
    }
  | { type: 'message'; message: ChatMessage }
  | { type: 'status'; status: string }
  | { type: 'error'; message: string; kind?: string; detail?: string }
  | { type: 'retry'; attempt: number; delayMs: number; error: string }
  | { type: 'queue_update'; queued: QueuedMessage[] }
  | { type: 'history_reset' }
  | { type: 'preview_reset' }
  | { type: 'action_required' };

export type FrameResult =
  | { kind: 'events'; events: StreamEvent[]; ignored: number }
  | { kind: 'error'; message: string; detail?: string }
  | { kind: 'invalid'; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Parses one text frame into events. Unknown event types are counted and skipped, never fatal. */
export function parseFrame(text: string): FrameResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'frame is not JSON' };
  }
  let items: unknown[];
  if (Array.isArray(raw)) {
    items = raw;
  } else if (isObj(raw)) {
    const envelope = raw['type'];
    if (envelope === 'ping') return { kind: 'events', events: [], ignored: 0 };
    if (envelope === 'data' && 'data' in raw) {
      const data = raw['data'];
      items = Array.isArray(data) ? data : [data];
    } else if (envelope === 'error' && 'data' in raw && !('error' in raw)) {
      const data = isObj(raw['data']) ? raw['data'] : {};
      return { kind: 'error', message: str(data['message']) ?? 'The stream reported an error.', detail: str(data['detail']) };
    } else {
      items = [raw];
    }
  } else {
    return { kind: 'invalid', reason: 'frame is neither an object nor an array' };
  }
  const events: StreamEvent[] = [];
  let ignored = 0;
  for (const item of items) {
    const ev = toEvent(item);
    if (ev) events.push(ev);
    else ignored++;
  }
  return { kind: 'events', events, ignored };
}

function toEvent(item: unknown): StreamEvent | undefined {
  if (!isObj(item)) return undefined;
  const type = item['type'];
  switch (type) {
    case 'message_part': {
      const payload = item['message_part'];
      if (!isObj(payload) || !isObj(payload['part']) || typeof payload['part']['type'] !== 'string') return undefined;
      const part = payload['part'] as MessagePart;
      if (part.text !== undefined && typeof part.text !== 'string') return undefined;
      const ev: StreamEvent = { type, role: str(payload['role']) ?? 'assistant', part };
      // codersdk.ChatStreamMessagePart: history_version, generation_attempt, seq (omitted when zero).
      const hv = payload['history_version'];
      const ga = payload['generation_attempt'];
      const seq = payload['seq'];
      if (typeof hv === 'number') ev.historyVersion = hv;
      if (typeof ga === 'number') ev.generationAttempt = ga;
      if (typeof seq === 'number') ev.seq = seq;
      return ev;
    }
    case 'message': {
      const r = ChatMessageSchema.safeParse(item['message']);
      return r.success ? { type, message: r.data } : undefined;
    }
    case 'status': {
      const payload = item['status'];
      const status = isObj(payload) ? str(payload['status']) : str(payload);
      return status ? { type, status } : undefined;
    }
    case 'error': {
      const p = item['error'];
      if (isObj(p)) return { type, message: str(p['message']) ?? 'The agent reported an error.', kind: str(p['kind']), detail: str(p['detail']) };
      return { type, message: str(p) ?? 'The agent reported an error.' };
    }
    case 'retry': {
      const p = item['retry'];
      if (!isObj(p)) return undefined;
      const attempt = typeof p['attempt'] === 'number' ? p['attempt'] : 0;
      const delayMs = typeof p['delay_ms'] === 'number' ? p['delay_ms'] : 0;
      return { type, attempt, delayMs, error: str(p['error']) ?? '' };
    }
    case 'queue_update': {
      // codersdk.ChatStreamEvent carries the list as `queued_messages`; older dashboards used `queue_update`.
      const p = item['queued_messages'] ?? item['queue_update'];
      const list = Array.isArray(p) ? p : [];
      const queued = list.filter((q): q is QueuedMessage => isObj(q) && typeof q['id'] === 'number');
      return { type, queued };
    }
    case 'history_reset':
    case 'preview_reset':
    case 'action_required':
      return { type };
    default:
      return undefined;
  }
}

/** The text parts of a message, joined; reasoning and tool parts are left out. */
export function textOf(parts: readonly MessagePart[]): string {
  let out = '';
  for (const p of parts) if (p.type === 'text' && p.text) out += p.text;
  return out;
}
