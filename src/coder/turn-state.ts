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

/**
 * What the follower reports while a turn runs. Consumers render from these
 * (the CLI on a TTY, the progress comment):
 * - `text`: a live delta of the assistant message being written. It can
 *   still be voided by a later `reset`; never write it where it cannot be
 *   taken back (a pipe, a file, a comment).
 * - `reset`: everything reported as `text` since the last `message` is void
 *   (Coder's `preview_reset` after a failed generation attempt was retried,
 *   or `history_reset` after the history was edited). Redraw from nothing.
 * - `message`: an assistant message was persisted; `text` is its final text
 *   (text parts only, possibly empty for a tool-call step). Safe to print.
 * - `status`: the chat's status; `waitingForCapacity` when Coder shows
 *   `queued_for_capacity` (the chat waits for a free agent slot).
 */
export type FollowProgress =
  | { kind: 'status'; status: string; waitingForCapacity?: boolean }
  | { kind: 'text'; delta: string }
  | { kind: 'reset'; reason: 'preview_reset' | 'history_reset' | 'replaced' }
  | { kind: 'message'; role: string; text: string; id: number }
  | { kind: 'tool'; name: string }
  | { kind: 'retry'; attempt: number; delayMs: number; error: string }
  | { kind: 'queue'; queued: number }
  | { kind: 'reconnect'; attempt: number; delayMs: number; reason: string }
  | { kind: 'polling'; reason: string }
  | { kind: 'ignored'; count: number };

export class TurnState {
  status = '';
  /** Coder's `queued_for_capacity`: the chat waits for a free agent slot (seen over REST only). */
  waitingForCapacity = false;
  /** Highest persisted message id seen: the `after_id` to resume from. */
  lastMessageId: number;
  /** Id of the user message that opened this turn, once known. */
  userMessageId: number | undefined;
  /** Id of our queued message while it waits in the queue. */
  private queuedId: number | undefined;
  /** `created_at` of the turn's user message, once known: a chat updated later than it has taken it up. */
  userMessageAt: string | undefined;
  /** A user message persisted while ours was queued: ours, if the queue update comes after it. */
  private userWhileQueued: number | undefined;
  private userWhileQueuedAt: string | undefined;
  /** The turn's user message is known from the send; later user messages belong to later turns. */
  private readonly pinned: boolean;
  /** Where this turn's messages start: a history reset re-reads from here. */
  private readonly startAfterId: number;
  /** The chat's status before our message; a final status equal to it may be stale. */
  private readonly baselineStatus: string;
  /**
   * Set once the server has shown it took up our message: a busy status after
   * our message was persisted, or an assistant message newer than ours. Only
   * then does a final status that equals the baseline end the turn.
   */
  active = false;
  lastAssistant: ChatMessage | undefined;
  toolCalls = 0;
  toolNames: string[] = [];
  private lastToolId: string | undefined;
  /** Text of the current generation attempt of the message being written. */
  liveText = '';
  /** What has been reported as `text` for the current live message. */
  private shown = '';
  /** After a reconnect the server replays the live message; a snapshot `preview_reset` is then judged lazily. */
  private replaying = false;
  /** Newest `history_version` / `generation_attempt` seen on a part; older parts are void. */
  private latestHistory = 0;
  private latestAttempt = 0;
  /**
   * The turn was interrupted (`/agent stop`, `coder-agent interrupt`, the UI):
   * current servers say `interrupting`; older ones go straight to `waiting`
   * while the step being streamed is not yet persisted (chatd's InterruptChat
   * sets `waiting` before the cancelled worker stores the interrupted step).
   */
  interrupted = false;
  /** A tool call streamed in the current step and not yet persisted. */
  private liveToolCall = false;
  /**
   * Stream frames folded so far, and the frame in which the turn went from
   * busy to `waiting` (undefined when not seen live): the double-`waiting`
   * rule of older servers (noteFrame, apply).
   */
  private frameNo = 0;
  private inSnapshot = false;
  private idleFrame: number | undefined;
  /** The agent has written something (a part or a message) since the chat last became busy. */
  private outputThisTurn = false;
  /** `queued_for_capacity` has been read over REST since the chat last became busy. */
  private capacityRead = false;
  error: TurnError | undefined;
  usage: Usage | undefined;
  retries = 0;
  ignored = 0;

  constructor(
    afterId: number,
    opts: { userMessageId?: number; queuedId?: number; baselineStatus?: string },
    private readonly emit: (p: FollowProgress) => void,
  ) {
    this.lastMessageId = afterId;
    this.startAfterId = afterId;
    this.userMessageId = opts.userMessageId;
    this.pinned = opts.userMessageId !== undefined || opts.queuedId !== undefined;
    this.queuedId = opts.queuedId;
    this.baselineStatus = opts.baselineStatus ?? 'waiting';
  }

  /** Following a new chat (no user message of ours pinned): it has no previous turn whose status could be stale. */
  get newChat(): boolean {
    return !this.pinned;
  }

  get waitingInQueue(): boolean {
    return this.queuedId !== undefined;
  }

  /**
   * Whether the turn is over: a final status, once the server has shown it
   * took up our message; or, for a new chat, a final status other than the
   * one it was created in (it failed before we connected). No delay makes a
   * stale status count: a slow server only makes us wait longer, and the
   * timeout bounds that.
   */
  get done(): boolean {
    if (this.waitingInQueue || !FINAL_STATUSES.has(this.status)) return false;
    if (this.active) return true;
    // A follow-up (pinned) needs proof: the previous turn may have ended in any final status.
    return !this.pinned && this.status !== this.baselineStatus;
  }

  /**
   * Whether a final status is standing without proof that it is ours (worth
   * a look over REST). That includes a final status while our message still
   * looks queued: Coder takes up queued messages as soon as a chat is idle,
   * so the stream must have shown its queue before the message left it (a
   * follower that connected late never sees the queue_update).
   */
  /**
   * Coder shows a turn waiting for an agent slot only over REST, as
   * `queued_for_capacity` on a `running` chat (chatd ChatQueuedForCapacity);
   * the stream says just `running`. True while the chat is running, has
   * written nothing yet, and has not been looked up: one REST read tells.
   * The first part clears the flag (a worker took the chat).
   */
  get capacityUnknown(): boolean {
    return this.status === 'running' && !this.waitingInQueue && !this.outputThisTurn && !this.capacityRead && !this.done;
  }

  noteCapacityRead(): void {
    this.capacityRead = true;
  }

  private noteOutput(): void {
    this.outputThisTurn = true;
    if (this.waitingForCapacity) this.setCapacity(false);
  }

  get unproven(): boolean {
    if (!FINAL_STATUSES.has(this.status) || this.done) return false;
    return this.waitingInQueue || !this.active;
  }

  /** A reconnect replays the in-flight message's deltas from its start. */
  resetLive(): void {
    this.liveText = '';
    this.replaying = this.shown.length > 0;
    // A snapshot may repeat the status it starts with: a repeat across connections proves nothing.
    this.idleFrame = undefined;
  }

  /**
   * Called before each stream frame is folded. `snapshot`: the connection's
   * first frame, whose status restates the chat's state rather than a change.
   */
  noteFrame(snapshot: boolean): void {
    this.frameNo++;
    this.inSnapshot = snapshot;
  }

  /**
   * The turn ended `waiting` without a word written and without a sign of an
   * interrupt. On older servers an interrupt that came before any output
   * looks exactly like this until the second `waiting` (see apply): the
   * follower waits a moment for it before it believes the turn finished.
   */
  get endedSilently(): boolean {
    return this.done && this.status === 'waiting' && !this.interrupted && this.written() === '';
  }

  apply(ev: StreamEvent): void {
    switch (ev.type) {
      case 'status': {
        const was = this.status;
        // Older servers (chatd before `interrupting`): InterruptChat publishes `waiting`, then the cancelled
        // worker releases the chat and publishes `waiting` again; a turn that ends on its own publishes it once.
        // A repeat in a later live frame is the only sign of an interrupt that came before any output.
        if (ev.status === 'waiting' && this.status === 'waiting' && this.idleFrame !== undefined && !this.inSnapshot && this.frameNo > this.idleFrame) {
          this.interrupted = true;
        }
        this.setStatus(ev.status);
        if (ev.status !== was) {
          const fromBusy = was !== '' && !FINAL_STATUSES.has(was);
          this.idleFrame = ev.status === 'waiting' && fromBusy && this.frameNo > 0 && !this.inSnapshot && this.active && !this.waitingInQueue ? this.frameNo : undefined;
        }
        break;
      }
      case 'message_part':
        if (ev.role !== 'assistant' || this.waitingInQueue) break;
        if (!this.currentAttempt(ev.historyVersion, ev.generationAttempt)) break;
        this.noteOutput();
        if (ev.part.type === 'text' && ev.part.text) {
          this.active = true;
          this.addLive(ev.part.text);
        } else if (ev.part.type === 'tool-call') {
          this.liveToolCall = true;
          this.noteTool(ev.part.tool_call_id, ev.part.tool_name);
        }
        break;
      case 'message':
        if (ev.message.role === 'assistant' && !this.waitingInQueue) this.noteOutput();
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
      case 'preview_reset':
        // Coder: everything streamed since the last persisted message is void.
        if (this.replaying) this.liveText = '';
        else this.voidLive('preview_reset');
        break;
      case 'history_reset':
        this.resetHistory();
        break;
      case 'action_required':
        this.setStatus('requires_action');
        break;
    }
  }

  /**
   * Parts of an older history version or generation attempt than the newest
   * seen are void. A newer one starts a new attempt: what was shown is void.
   */
  private currentAttempt(history: number | undefined, attempt: number | undefined): boolean {
    if (history === undefined && attempt === undefined) return true;
    const h = history ?? this.latestHistory;
    const a = attempt ?? this.latestAttempt;
    if (h < this.latestHistory || (h === this.latestHistory && a < this.latestAttempt)) return false;
    if (h > this.latestHistory || a > this.latestAttempt) {
      this.latestHistory = h;
      this.latestAttempt = a;
      if (this.replaying) this.liveText = '';
      else this.voidLive('preview_reset');
    }
    return true;
  }

  /**
   * Appends a delta. Outside a replay everything live has been reported, so
   * the delta is reported as is (O(delta): messages can be long). During a
   * replay after a reconnect, the delta is compared with what was shown at
   * the same place; past its end, or where it differs, reporting resumes.
   */
  private addLive(text: string): void {
    const pos = this.liveText.length;
    this.liveText += text;
    if (!this.replaying) {
      this.emit({ kind: 'text', delta: text });
      this.shown = this.liveText;
      return;
    }
    const within = Math.min(text.length, this.shown.length - pos);
    if (within > 0 && this.shown.startsWith(within === text.length ? text : text.slice(0, within), pos)) {
      if (within === text.length) return; // still replaying what was shown
      this.replaying = false;
      this.emit({ kind: 'text', delta: text.slice(within) });
      this.shown = this.liveText;
      return;
    }
    if (within <= 0 && pos === this.shown.length) {
      this.replaying = false;
      this.emit({ kind: 'text', delta: text });
      this.shown = this.liveText;
      return;
    }
    // Replayed text that differs from what was shown: the attempt we showed was voided while we were away.
    this.replaying = false;
    this.emit({ kind: 'reset', reason: 'replaced' });
    this.emit({ kind: 'text', delta: this.liveText });
    this.shown = this.liveText;
  }

  private voidLive(reason: 'preview_reset' | 'history_reset'): void {
    this.liveText = '';
    this.liveToolCall = false;
    this.replaying = false;
    if (this.shown) {
      this.shown = '';
      this.emit({ kind: 'reset', reason });
    }
  }

  /** Coder's `history_reset`: forget the messages held and take the full history that follows. */
  private resetHistory(): void {
    this.voidLive('history_reset');
    this.lastAssistant = undefined;
    this.toolCalls = 0;
    this.toolNames = [];
    this.lastToolId = undefined;
    this.lastMessageId = this.startAfterId;
  }

  setStatus(status: string): void {
    if (status === this.status) return;
    const was = this.status;
    if (status === 'interrupting' && !this.waitingInQueue) this.interrupted = true;
    // An idle status while a step is still being streamed: nothing ends a turn that way but an interrupt.
    if (status === 'waiting' && this.active && !this.waitingInQueue && (this.liveText !== '' || this.liveToolCall)) this.interrupted = true;
    this.status = status;
    // Only a status that shows work under way proves the turn started: the
    // first snapshot after a send may still carry the previous turn's
    // 'waiting' (the stale-waiting trap). 'interrupting' is still working.
    if (!FINAL_STATUSES.has(status) && !this.waitingInQueue) {
      if (FINAL_STATUSES.has(was)) {
        this.outputThisTurn = false;
        this.capacityRead = false;
      }
      this.active = true;
      this.waitingForCapacity = false;
    }
    this.emit({ kind: 'status', status });
  }

  /** From `GET /{chat}`: `queued_for_capacity` (current servers; list responses leave it false). */
  setCapacity(waiting: boolean): void {
    if (waiting === this.waitingForCapacity) return;
    this.waitingForCapacity = waiting;
    this.emit({ kind: 'status', status: this.status, waitingForCapacity: waiting });
  }

  applyQueue(queuedIds: number[]): void {
    this.emit({ kind: 'queue', queued: queuedIds.length });
    if (this.queuedId !== undefined && !queuedIds.includes(this.queuedId)) {
      // Our message left the queue: it is (or is about to be) persisted as the
      // next user message, and the statuses from now on are its turn's.
      this.queuedId = undefined;
      this.userMessageId = this.userWhileQueued;
      this.userMessageAt = this.userWhileQueuedAt;
      this.active = false;
      this.interrupted = false;
      this.error = undefined;
      // Assistant messages folded while we looked queued were skipped; a REST read from here takes them again.
      this.lastMessageId = Math.min(this.lastMessageId, this.userWhileQueued ?? this.startAfterId);
    }
  }

  applyMessage(m: ChatMessage): void {
    // Replays after a reconnect or a poll carry messages we already folded.
    if (m.id <= this.lastMessageId) return;
    this.lastMessageId = m.id;
    if (m.role === 'user') {
      if (this.waitingInQueue) {
        this.userWhileQueued = m.id;
        this.userWhileQueuedAt = m.created_at;
      } else if (this.userMessageId === undefined || !this.pinned) {
        // Unpinned (a new chat, or following whatever turn is current): the
        // newest user message opens the turn that counts.
        this.userMessageId = m.id;
        this.userMessageAt = m.created_at;
        this.interrupted = false;
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
    // The persisted message replaces the deltas: report what they missed, or
    // void what was shown when the stored text differs from it.
    const text = textOf(m.content);
    if (this.shown && !text.startsWith(this.shown)) {
      this.emit({ kind: 'reset', reason: 'replaced' });
      this.shown = '';
    }
    if (text.length > this.shown.length) this.emit({ kind: 'text', delta: text.slice(this.shown.length) });
    this.emit({ kind: 'message', role: m.role, text, id: m.id });
    this.liveText = '';
    this.liveToolCall = false;
    this.shown = '';
    this.replaying = false;
  }

  /** Reports a tool call once, whether seen as streamed deltas or only in the persisted message. */
  private noteTool(id: string | undefined, name: string | undefined): void {
    if (!name || (id !== undefined && id === this.lastToolId)) return;
    this.lastToolId = id;
    this.active = true;
    this.emit({ kind: 'tool', name });
  }

  /**
   * Seen over REST: a final status written after our message was persisted
   * is this turn's, even if no busy status was ever observed (the turn ran
   * and failed before we connected; its error leaves no message behind).
   * Coder stamps `updated_at` with NOW() on every status change, in the same
   * transaction as the message it persists, so a later time proves it.
   */
  noteChatUpdated(chat: { status: string; updated_at?: string | undefined }): void {
    if (this.waitingInQueue || !FINAL_STATUSES.has(chat.status) || !this.userMessageAt || !chat.updated_at) return;
    if (compareTimestamps(chat.updated_at, this.userMessageAt) > 0) this.active = true;
  }

  /** Seen in polling: a newer assistant message proves the turn ran even if no running status was observed. */
  markActiveIfAnswered(): void {
    if (this.lastAssistant) this.active = true;
  }

  /** What the agent wrote in this turn so far, stored or streamed; '' when nothing. */
  written(): string {
    const text = this.lastAssistant ? textOf(this.lastAssistant.content).trim() : '';
    return text || this.liveText.trim();
  }

  /** The final answer of the turn, or a sentence saying why there is none. */
  answer(): string {
    const text = this.written();
    if (text) return text;
    if (this.toolCalls > 0) {
      const names = [...new Set(this.toolNames)].join(', ');
      return `The agent ended this turn with ${this.toolCalls} tool call${this.toolCalls === 1 ? '' : 's'}${names ? ` (${names})` : ''} and no written answer.`;
    }
    return 'The agent finished without writing an answer.';
  }
}

/**
 * Orders two RFC 3339 times at full precision: Coder writes microseconds
 * (PostgreSQL timestamptz), which `Date.parse` would cut to milliseconds.
 * Returns <0, 0 or >0; 0 when either cannot be read (no proof either way).
 */
export function compareTimestamps(a: string, b: string): number {
  const pa = splitTimestamp(a);
  const pb = splitTimestamp(b);
  if (!pa || !pb) return 0;
  if (pa.seconds !== pb.seconds) return pa.seconds - pb.seconds;
  return pa.fraction < pb.fraction ? -1 : pa.fraction > pb.fraction ? 1 : 0;
}

function splitTimestamp(t: string): { seconds: number; fraction: string } | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(t);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  return Number.isNaN(seconds) ? undefined : { seconds, fraction: (m[2] ?? '').padEnd(9, '0') };
}
