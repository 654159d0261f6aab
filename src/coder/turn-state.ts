/**
 * What the follower knows about one turn of a chat, folded from stream events
 * or from polled REST answers. Kept small on purpose: a server follows
 * thousands of chats at once, so we keep the last assistant message and
 * counters, not the whole history.
 */
import { FINAL_STATUSES, type ChatMessage, type Usage } from './schemas.js';
import { textOf, type StreamEvent } from './stream-events.js';

export interface TurnError {
  message: string;
  kind?: string;
  detail?: string;
}

export type FollowProgress =
  | { kind: 'status'; status: string }
  | { kind: 'text'; delta: string }
  | { kind: 'message'; role: string; text: string; id: number }
  | { kind: 'tool'; name: string }
  | { kind: 'retry'; attempt: number; delayMs: number; error: string }
  | { kind: 'queue'; queued: number }
  | { kind: 'reconnect'; attempt: number; delayMs: number; reason: string }
  | { kind: 'polling'; reason: string }
  | { kind: 'ignored'; count: number };

export class TurnState {
  status = '';
  /** Highest persisted message id seen: the `after_id` to resume from. */
  lastMessageId: number;
  /** Id of the user message that opened this turn, once known. */
  userMessageId: number | undefined;
  /** Id of our queued message while it waits in the queue. */
  private queuedId: number | undefined;
  /** A user message persisted while ours was queued: ours, if the queue update comes after it. */
  private userWhileQueued: number | undefined;
  /** The turn's user message is known from the send; later user messages belong to later turns. */
  private readonly pinned: boolean;
  /** Set when the turn has shown signs of life, so a final status may count. */
  active = false;
  lastAssistant: ChatMessage | undefined;
  toolCalls = 0;
  toolNames: string[] = [];
  private lastToolId: string | undefined;
  liveText = '';
  /** How much of the current live message has already been reported as text deltas. */
  private emitted = 0;
  error: TurnError | undefined;
  usage: Usage | undefined;
  retries = 0;
  ignored = 0;

  constructor(
    afterId: number,
    opts: { userMessageId?: number; queuedId?: number },
    private readonly emit: (p: FollowProgress) => void,
  ) {
    this.lastMessageId = afterId;
    this.userMessageId = opts.userMessageId;
    this.pinned = opts.userMessageId !== undefined || opts.queuedId !== undefined;
    this.queuedId = opts.queuedId;
  }

  get waitingInQueue(): boolean {
    return this.queuedId !== undefined;
  }

  /** Whether the turn is over: a final status seen after the turn was known to be under way. */
  get done(): boolean {
    return !this.waitingInQueue && this.active && FINAL_STATUSES.has(this.status);
  }

  /** A reconnect replays the in-flight message's deltas from its start. */
  resetLive(): void {
    this.liveText = '';
  }

  apply(ev: StreamEvent): void {
    switch (ev.type) {
      case 'status':
        this.setStatus(ev.status);
        break;
      case 'message_part':
        if (ev.role !== 'assistant' || this.waitingInQueue) break;
        if (ev.part.type === 'text' && ev.part.text) {
          const text = ev.part.text;
          const before = this.liveText.length;
          this.liveText += text;
          this.active = true;
          // Usually everything before this delta was reported already: pass it on
          // as is. After a reconnect the replayed deltas are reported only past
          // what was.
          if (this.emitted === before) {
            this.emit({ kind: 'text', delta: text });
            this.emitted = this.liveText.length;
          } else if (this.liveText.length > this.emitted) {
            this.emit({ kind: 'text', delta: this.liveText.slice(this.emitted) });
            this.emitted = this.liveText.length;
          }
        } else if (ev.part.type === 'tool-call') {
          this.noteTool(ev.part.tool_call_id, ev.part.tool_name);
        }
        break;
      case 'message':
        this.applyMessage(ev.message);
        break;
      case 'error':
        this.error = { message: ev.message, kind: ev.kind, detail: ev.detail };
        break;
      case 'retry':
        this.retries++;
        this.emit({ kind: 'retry', attempt: ev.attempt, delayMs: ev.delayMs, error: ev.error });
        break;
      case 'queue_update':
        this.applyQueue(ev.queued.map((q) => q.id));
        break;
      case 'history_reset':
        this.liveText = '';
        this.emitted = 0;
        break;
      case 'action_required':
        this.setStatus('requires_action');
        break;
    }
  }

  setStatus(status: string): void {
    if (status === this.status) return;
    this.status = status;
    // Only a status that shows work under way proves the turn started: the
    // first snapshot after a send may still carry the previous turn's
    // 'waiting' (the stale-waiting trap).
    if (!FINAL_STATUSES.has(status) && !this.waitingInQueue) this.active = true;
    this.emit({ kind: 'status', status });
  }

  applyQueue(queuedIds: number[]): void {
    this.emit({ kind: 'queue', queued: queuedIds.length });
    if (this.queuedId !== undefined && !queuedIds.includes(this.queuedId)) {
      // Our message left the queue: it is (or is about to be) persisted as the
      // next user message, and the statuses from now on are its turn's.
      this.queuedId = undefined;
      this.userMessageId = this.userWhileQueued;
      this.active = false;
      this.error = undefined;
    }
  }

  applyMessage(m: ChatMessage): void {
    // Replays after a reconnect or a poll carry messages we already folded.
    if (m.id <= this.lastMessageId) return;
    this.lastMessageId = m.id;
    if (m.role === 'user') {
      if (this.waitingInQueue) this.userWhileQueued = m.id;
      else if (this.userMessageId === undefined || !this.pinned) {
        // Unpinned (a new chat, or following whatever turn is current): the
        // newest user message opens the turn that counts.
        this.userMessageId = m.id;
        this.lastAssistant = undefined;
        this.toolCalls = 0;
        this.toolNames = [];
      }
      return;
    }
    if (this.waitingInQueue || this.userMessageId === undefined || m.id <= this.userMessageId) return;
    if (m.role !== 'assistant') return;
    this.active = true;
    this.lastAssistant = m;
    if (m.usage) this.usage = m.usage;
    for (const p of m.content) {
      if (p.type === 'tool-call') {
        this.toolCalls++;
        if (p.tool_name && this.toolNames.length < 20) this.toolNames.push(p.tool_name);
        this.noteTool(p.tool_call_id, p.tool_name);
      }
    }
    // The persisted message replaces the deltas; report any text the deltas missed.
    const text = textOf(m.content);
    if (text.length > this.emitted && text.startsWith(this.liveText.slice(0, this.emitted))) {
      this.emit({ kind: 'text', delta: text.slice(this.emitted) });
    }
    this.emit({ kind: 'message', role: m.role, text, id: m.id });
    this.liveText = '';
    this.emitted = 0;
  }

  /** Reports a tool call once, whether seen as streamed deltas or only in the persisted message. */
  private noteTool(id: string | undefined, name: string | undefined): void {
    if (!name || (id !== undefined && id === this.lastToolId)) return;
    this.lastToolId = id;
    this.active = true;
    this.emit({ kind: 'tool', name });
  }

  /** Seen in polling: a newer assistant message proves the turn ran even if no running status was observed. */
  markActiveIfAnswered(): void {
    if (this.lastAssistant) this.active = true;
  }

  /** The final answer of the turn, or a sentence saying why there is none. */
  answer(): string {
    const text = this.lastAssistant ? textOf(this.lastAssistant.content).trim() : '';
    if (text) return text;
    if (this.liveText.trim()) return this.liveText.trim();
    if (this.toolCalls > 0) {
      const names = [...new Set(this.toolNames)].join(', ');
      return `The agent ended this turn with ${this.toolCalls} tool call${this.toolCalls === 1 ? '' : 's'}${names ? ` (${names})` : ''} and no written answer.`;
    }
    return 'The agent finished without writing an answer.';
  }
}
