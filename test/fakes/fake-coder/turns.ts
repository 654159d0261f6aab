/** Runs the scripted agent: turns, the message queue, interrupts, persisted messages. */
import { FINAL_STATUSES, chatEvent, pendingToolCalls, queueUpdateEvent, statusEvents, timestamp } from './chat.js';
import type { FakeChat } from './chat.js';
import type { StreamHub } from './streams.js';
import type { AgentStep, ChatEvent, ChatMessage, QueuedMessage, ResolvedOptions } from './types.js';

/** The reference: 429 when more than 20 messages are queued on one chat. */
export const MAX_QUEUED_MESSAGES = 20;

type Part = Record<string, unknown>;

/** A scheduled or running turn. Cancelling wakes whatever step it is waiting in. */
export class Turn {
  started = false;
  cancelled = false;
  /** Current servers: interrupted, its partial answer not yet persisted (the chat shows `interrupting`). */
  interrupting = false;
  /** Assistant text and reasoning accumulated since the last persist. */
  text = '';
  reasoning = '';
  /** Set by a `structured` step: the next persisted assistant message carries it. */
  structured: unknown = undefined;
  /** The message_part events since the last persist, replayed in a stream snapshot. */
  deltas: ChatEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;

  constructor(
    readonly userMessage: ChatMessage,
    readonly index: number,
  ) {}

  /** Runs `start` after `ms` unless cancelled first. */
  startAfter(ms: number, start: () => void): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      start();
    }, ms);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.cancelled) return resolve();
      this.wake = resolve;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.wake = null;
        resolve();
      }, ms);
    });
  }

  /** Waits until cancelled. */
  hang(): Promise<void> {
    return new Promise((resolve) => {
      if (this.cancelled) return resolve();
      this.wake = resolve;
    });
  }

  cancel(): void {
    this.cancelled = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

export function promptOf(content: Part[]): string {
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('\n');
}

export class TurnRunner {
  /** Chats with a scheduled or running turn. */
  busyChats = 0;
  private nextMessageId = 1;
  private nextQueuedId = 1;
  private nextToolCallId = 1;
  /** model_config_id of queued messages (not part of the wire shape). */
  private readonly queuedModels = new Map<number, string>();
  /** >0 while a multi-step transition runs: waiters must not see its middle. */
  private transitionDepth = 0;
  /** Set at shutdown: work deferred to a later tick is dropped. */
  private stopped = false;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly hub: StreamHub,
    private readonly onChange: () => void,
  ) {}

  emit(chat: FakeChat, events: ChatEvent[]): void {
    this.hub.broadcast(chat, events);
    this.changed();
  }

  private get current(): boolean {
    return this.options.generation === 'current';
  }

  private changed(): void {
    if (this.transitionDepth === 0) this.onChange();
  }

  /** Runs a transition and tells waiters only once it is complete. */
  private transition<T>(run: () => T): T {
    this.transitionDepth += 1;
    try {
      return run();
    } finally {
      this.transitionDepth -= 1;
      this.changed();
    }
  }

  setStatus(chat: FakeChat, status: string): void {
    chat.chat.status = status;
    chat.touch();
    this.emit(chat, statusEvents(chat, this.current));
  }

  /** Persists a message and emits its `message` event. */
  persist(chat: FakeChat, role: ChatMessage['role'], content: Part[], usage?: ChatMessage['usage'], structured?: unknown): ChatMessage {
    const message: ChatMessage = { id: this.nextMessageId++, chat_id: chat.id, created_at: timestamp(), role, content };
    if (usage) message.usage = usage;
    if (structured !== undefined) message.structured_output = structured;
    chat.messages.push(message);
    // One transaction in Coder: the chat's updated_at equals the new message's created_at.
    chat.touch(message.created_at);
    if (!this.current) {
      this.emit(chat, [chatEvent(chat.id, 'message', message)]);
      return message;
    }
    // chatd: a history change publishes the message, then preview_reset (the parts so far are now persisted or void).
    chat.historyVersion += 1;
    chat.partSeq = 0;
    this.emit(chat, [chatEvent(chat.id, 'message', message), { type: 'preview_reset', chat_id: chat.id }]);
    return message;
  }

  /** Persists the user message and schedules a turn for it. */
  deliver(chat: FakeChat, content: Part[], modelConfigId?: string): ChatMessage {
    return this.transition(() => {
      const message = this.persist(chat, 'user', content);
      if (modelConfigId) chat.chat.last_model_config_id = modelConfigId;
      this.schedule(chat, message);
      return message;
    });
  }

  /** Queues a message behind the running turn; null when the queue is full. */
  enqueue(chat: FakeChat, content: Part[], modelConfigId?: string): QueuedMessage | null {
    if (chat.queued.length >= MAX_QUEUED_MESSAGES) return null;
    const queued: QueuedMessage = { id: this.nextQueuedId++, chat_id: chat.id, content, created_at: timestamp() };
    chat.queued.push(queued);
    if (modelConfigId) this.queuedModels.set(queued.id, modelConfigId);
    this.emit(chat, [queueUpdateEvent(chat, this.current)]);
    return queued;
  }

  /**
   * Stops the current turn (or a turn not yet started), persists the partial
   * answer, sets `waiting`. The queue then moves on, as after any turn.
   * The order on the stream is each release's (coder/coder chatd):
   * - current: InterruptChat moves a running chat to `interrupting` and
   *   answers with it; the worker's interrupt task persists the partial answer
   *   and sets `waiting` later (after `interruptSettleMs`; `settleNow` does it
   *   at once, as a send that replaces the turn must). A chat in
   *   `requires_action` gets a cancelled result for its tool call and runs
   *   again (chatstate Interrupt: "return to running").
   *   A `running` chat no worker has taken yet (a turn not started) has
   *   no runner to finish the interrupt: it goes to `waiting` at once
   *   (chatstate TestInterruptUnownedRunningChat).
   * - legacy: InterruptChat sets `waiting` at once; the cancelled worker then
   *   persists the interrupted step and releases the chat (`waiting` again).
   */
  interrupt(chat: FakeChat, deliverQueued = true, settleNow = false): void {
    this.transition(() => {
      const turn = chat.turn;
      if (this.current && turn?.started) {
        if (!turn.interrupting) {
          turn.cancel();
          turn.interrupting = true;
          this.setStatus(chat, 'interrupting');
        } else if (!settleNow) return;
        if (settleNow) this.settleInterrupt(chat, turn, deliverQueued);
        else turn.startAfter(this.options.interruptSettleMs, () => this.settleInterrupt(chat, turn, deliverQueued));
        return;
      }
      if (this.current && !turn && chat.chat.status === 'requires_action') return this.cancelAction(chat);
      if (turn) {
        turn.cancel();
        if (!this.current && turn.started) this.setStatus(chat, 'waiting');
        if (turn.text || turn.reasoning) this.persistAssistant(chat, turn, []);
        this.release(chat, turn);
      }
      if (chat.chat.status !== 'waiting' || (turn?.started && !this.current)) this.setStatus(chat, 'waiting');
      if (!deliverQueued) return;
      if (this.current) return this.deliverNextQueued(chat);
      // Older servers: the cancelled worker takes up the queue when it releases the chat, after
      // InterruptChat has answered with the chat `waiting`.
      setImmediate(() => {
        if (!this.stopped && !chat.turn) this.transition(() => this.deliverNextQueued(chat));
      });
    });
  }

  /** The interrupt task of a current server: the partial answer is persisted, then `waiting`. */
  private settleInterrupt(chat: FakeChat, turn: Turn, deliverQueued: boolean): void {
    if (chat.turn !== turn) return;
    this.transition(() => {
      if (turn.text || turn.reasoning) this.persistAssistant(chat, turn, []);
      this.release(chat, turn);
      this.setStatus(chat, 'waiting');
      if (deliverQueued) this.deliverNextQueued(chat);
    });
  }

  /** Interrupting `requires_action`: each pending tool call gets an error result, and the chat runs a (here empty) turn to `waiting`. */
  private cancelAction(chat: FakeChat): void {
    for (const call of pendingToolCalls(chat)) {
      this.persist(chat, 'tool', [{ type: 'tool-result', tool_call_id: call.tool_call_id, tool_name: call.tool_name, result: 'Tool execution interrupted by user', is_error: true }]);
    }
    const last = chat.messages.at(-1);
    if (!last) return this.setStatus(chat, 'waiting');
    const turn = new Turn(last, chat.turnCount++);
    turn.started = true;
    chat.turn = turn;
    this.busyChats += 1;
    this.setStatus(chat, 'running');
    turn.startAfter(this.options.interruptSettleMs, () => this.finish(chat, turn));
  }

  /** Cancels every turn without emitting anything (shutdown). */
  cancelAll(chats: Iterable<FakeChat>): void {
    this.stopped = true;
    for (const chat of chats) {
      if (chat.turn) {
        chat.turn.cancel();
        this.release(chat, chat.turn);
      }
    }
  }

  private schedule(chat: FakeChat, userMessage: ChatMessage): void {
    // Callers interrupt first; never let two turns run on one chat.
    if (chat.turn) {
      chat.turn.cancel();
      this.release(chat, chat.turn);
    }
    const turn = new Turn(userMessage, chat.turnCount++);
    chat.turn = turn;
    this.busyChats += 1;
    // Coder writes the busy status in the transaction that stores the user message, so no client
    // sees the chat idle between the send and the turn's start (however long a worker takes):
    // - current (chatstate CreateChat / SendMessage): `running`, with no worker until one takes it
    //   (and, with every agent slot busy, `queued_for_capacity` over REST);
    // - legacy (chatd CreateChat / SendMessage): `pending`, which the API shows as is, until a
    //   worker acquires the chat (the agent's `running` step plays that).
    const busy = this.current ? 'running' : 'pending';
    if (chat.chat.status !== busy) this.setStatus(chat, busy);
    turn.startAfter(this.options.turnStartDelayMs, () => {
      this.run(chat, turn).catch((error: unknown) => this.fail(chat, turn, error));
    });
  }

  private release(chat: FakeChat, turn: Turn): void {
    if (chat.turn !== turn) return;
    chat.turn = null;
    turn.deltas = [];
    this.busyChats -= 1;
  }

  private async run(chat: FakeChat, turn: Turn): Promise<void> {
    turn.started = true;
    chat.chat.last_error = null;
    if (this.current) {
      // Current servers have no `pending`: a worker takes the chat and runs generation attempt 1.
      chat.generationAttempt = 1;
      chat.partSeq = 0;
      // Coder sends a status only when it changed: the chat has been `running` since the send.
      if (chat.chat.status === 'running') this.changed();
      else this.setStatus(chat, 'running');
    } else if (chat.chat.status !== 'pending') {
      this.setStatus(chat, 'pending');
    }
    const steps = this.options.agent({
      chatId: chat.id,
      prompt: promptOf(turn.userMessage.content),
      content: turn.userMessage.content,
      turnIndex: turn.index,
    });
    for (const step of steps) {
      if (this.options.stepDelayMs > 0) await turn.sleep(this.options.stepDelayMs);
      if (turn.cancelled) return;
      const wait = this.execute(chat, turn, step);
      if (wait) await wait;
      if (turn.cancelled) return;
    }
    this.finish(chat, turn);
  }

  /** A throwing agent behaviour ends its turn as an error, like a provider failure would. */
  private fail(chat: FakeChat, turn: Turn, error: unknown): void {
    if (turn.cancelled || chat.turn !== turn) return;
    const message = error instanceof Error ? error.message : String(error);
    this.execute(chat, turn, { error: { message: `fake agent threw: ${message}` } });
    this.finish(chat, turn);
  }

  private finish(chat: FakeChat, turn: Turn): void {
    if (chat.turn !== turn) return;
    this.transition(() => {
      this.release(chat, turn);
      // Unpersisted deltas are dropped; a turn that did not end in a final status ends `waiting`.
      if (!FINAL_STATUSES.has(chat.chat.status) && chat.queued.length === 0) this.setStatus(chat, 'waiting');
      this.deliverNextQueued(chat);
    });
  }

  private deliverNextQueued(chat: FakeChat): void {
    const next = chat.queued.shift();
    if (!next) return;
    const model = this.queuedModels.get(next.id);
    this.queuedModels.delete(next.id);
    const message = this.persist(chat, 'user', next.content);
    if (model) chat.chat.last_model_config_id = model;
    this.emit(chat, [queueUpdateEvent(chat, this.current)]);
    this.schedule(chat, message);
  }

  private delta(chat: FakeChat, turn: Turn, part: Part): void {
    const payload: Part = { role: 'assistant', part };
    if (this.current) {
      chat.partSeq += 1;
      payload.history_version = chat.historyVersion;
      payload.generation_attempt = chat.generationAttempt;
      payload.seq = chat.partSeq;
    }
    const event = chatEvent(chat.id, 'message_part', payload);
    turn.deltas.push(event);
    this.emit(chat, [event]);
  }

  private persistAssistant(chat: FakeChat, turn: Turn, extra: Part[]): ChatMessage {
    const content: Part[] = [];
    if (turn.reasoning) content.push({ type: 'reasoning', text: turn.reasoning });
    if (turn.text) content.push({ type: 'text', text: turn.text });
    content.push(...extra);
    const usage = {
      input_tokens: Math.ceil(promptOf(turn.userMessage.content).length / 4) + 10,
      output_tokens: Math.ceil((turn.text.length + turn.reasoning.length) / 4),
    };
    turn.text = '';
    turn.reasoning = '';
    turn.deltas = [];
    this.charge(chat);
    const structured = turn.structured;
    turn.structured = undefined;
    return this.persist(chat, 'assistant', content, usage, structured);
  }

  /** One finished model request: what `GET /{chat}/cost` adds up. */
  private charge(chat: FakeChat): void {
    chat.requests += 1;
    const every = this.options.unpricedEvery;
    if (every > 0 && chat.requests % every === 0) chat.unpricedRequests += 1;
    else chat.costMicros += this.options.costPerRequestMicros;
  }

  /** Executes one step; returns a promise when the step waits. */
  private execute(chat: FakeChat, turn: Turn, step: AgentStep): Promise<void> | undefined {
    if ('status' in step) {
      // Current servers send a status only when it changed (chatd stream loop).
      if (this.current && chat.chat.status === step.status) this.changed();
      else this.setStatus(chat, step.status);
    } else if ('text' in step) {
      turn.text += step.text;
      this.delta(chat, turn, { type: 'text', text: step.text });
    } else if ('reasoning' in step) {
      turn.reasoning += step.reasoning;
      this.delta(chat, turn, { type: 'reasoning', text: step.reasoning });
    } else if ('toolCall' in step) {
      const { name, args = {}, result = null, isError = false } = step.toolCall;
      const id = `call_${this.nextToolCallId++}`;
      this.delta(chat, turn, { type: 'tool-call', tool_call_id: id, tool_name: name, args_delta: JSON.stringify(args) });
      this.persistAssistant(chat, turn, [{ type: 'tool-call', tool_call_id: id, tool_name: name, args }]);
      this.persist(chat, 'tool', [{ type: 'tool-result', tool_call_id: id, tool_name: name, result, is_error: isError }]);
    } else if ('persist' in step) {
      this.persistAssistant(chat, turn, []);
    } else if ('error' in step) {
      const { message, kind, detail } = step.error;
      const payload: Part = { message };
      if (kind !== undefined) payload.kind = kind;
      if (detail !== undefined) payload.detail = detail;
      chat.chat.last_error = { message, kind: kind ?? 'generic', retryable: false };
      if (detail !== undefined) chat.chat.last_error.detail = detail;
      if (this.current) {
        // chatd applyDBSnapshot: one batch, the status before the error it explains.
        chat.chat.status = 'error';
        chat.touch();
        this.emit(chat, [...statusEvents(chat, true), chatEvent(chat.id, 'error', payload)]);
      } else {
        this.emit(chat, [chatEvent(chat.id, 'error', payload)]);
        this.setStatus(chat, 'error');
      }
    } else if ('retry' in step) {
      const { attempt, delayMs, error } = step.retry;
      const retryingAt = new Date(Date.now() + delayMs).toISOString();
      this.emit(chat, [chatEvent(chat.id, 'retry', { attempt, delay_ms: delayMs, error, retrying_at: retryingAt })]);
    } else if ('previewReset' in step) {
      // Voided text is neither persisted nor replayed to a stream that connects later.
      turn.text = '';
      turn.reasoning = '';
      turn.deltas = [];
      this.emit(chat, [{ type: 'preview_reset', chat_id: chat.id }]);
    } else if ('failAttempt' in step) {
      // A failed generation attempt is retried: what it streamed is void.
      const retryingAt = new Date(Date.now() + 10).toISOString();
      this.emit(chat, [chatEvent(chat.id, 'retry', { attempt: chat.generationAttempt, delay_ms: 10, error: step.failAttempt.error, retrying_at: retryingAt })]);
      turn.text = '';
      turn.reasoning = '';
      turn.deltas = [];
      this.charge(chat);
      if (this.current) {
        chat.generationAttempt += 1;
        chat.partSeq = 0;
        this.emit(chat, [{ type: 'preview_reset', chat_id: chat.id }]);
      }
    } else if ('historyReset' in step) {
      if (this.current) {
        chat.historyVersion += 1;
        turn.deltas = [];
        turn.text = '';
        this.emit(chat, [{ type: 'history_reset', chat_id: chat.id }, ...chat.messages.map((m) => chatEvent(chat.id, 'message', m)), { type: 'preview_reset', chat_id: chat.id }]);
      }
    } else if ('structured' in step) {
      turn.structured = step.structured;
    } else if ('event' in step) {
      this.emit(chat, [step.event as ChatEvent]);
    } else if ('rawFrame' in step) {
      this.hub.broadcastRaw(chat, step.rawFrame);
    } else if ('delayMs' in step) {
      return turn.sleep(step.delayMs);
    } else if ('diffStatus' in step) {
      chat.chat.diff_status = { ...step.diffStatus };
      chat.touch();
      this.changed();
    } else if ('hang' in step) {
      return turn.hang();
    }
    return undefined;
  }
}
