/**
 * Follows one turn of a chat to its end over the chat's WebSocket stream.
 *
 * - Accepts every stream framing (stream-events.ts), ignores unknown events.
 * - Reconnects with `after_id` and backoff when the socket drops; the
 *   in-flight message's deltas are replayed by the server, so the live text is
 *   rebuilt, never duplicated.
 * - Falls back to polling `GET /{chat}` and `/messages` when the socket
 *   cannot be had, and tries the socket again now and then.
 * - Returns one outcome; never throws for agent-side failures (those are the
 *   outcome), only for problems the caller must fix (bad token, no such chat).
 */
import WebSocket from 'ws';
import type { ChatCost, CoderClient } from './client.js';
import { CoderError, isTransient } from './errors.js';
import { backoffDelay, sleep } from './http.js';
import { FINAL_STATUSES, type ChatError, type DiffStatus, type Usage } from './schemas.js';
import { parseFrame } from './stream-events.js';
import { TurnState, type FollowProgress, type TurnError } from './turn-state.js';

export type { FollowProgress } from './turn-state.js';

export type OutcomeStatus = 'completed' | 'error' | 'requires_action' | 'timeout' | 'aborted';

export interface ChatOutcome {
  chatId: string;
  chatUrl: string;
  status: OutcomeStatus;
  /** The chat's own last status. */
  chatStatus: string;
  /** The turn ended because someone interrupted it (status `completed`, the answer partial); TurnState.interrupted. */
  interrupted?: boolean;
  /** The final assistant message of the turn (text parts only), or a sentence saying why there is none. */
  result: string;
  error?: TurnError | ChatError;
  usage?: Usage;
  /** Coder's `GET /{chat}/cost` after the turn; absent where the server has no such route. */
  cost?: ChatCost;
  /** `structured_output` of the final assistant message (a chat created with `response_format`). */
  structuredOutput?: unknown;
  diffStatus?: DiffStatus;
  /** Highest persisted message id seen: resume from here. */
  lastMessageId: number;
  durationMs: number;
  retries: number;
}

export interface FollowOptions {
  chatId: string;
  /** Messages with this id or lower belong to earlier turns. */
  afterId?: number;
  /** The user message that opened this turn (from a delivered send). */
  userMessageId?: number;
  /** `created_at` of that user message (from the send's answer); read from Coder when needed and absent. */
  userMessageAt?: string;
  /** Our message's queue id, when the send was queued behind a busy turn. */
  queuedId?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: (p: FollowProgress) => void;
  /** Consecutive failed socket attempts before switching to polling. */
  maxReconnects?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  pollIntervalMs?: number;
  /** While polling, try the socket again after this long. */
  socketRetryMs?: number;
  /**
   * How long a final status may stand on the stream without proof that our
   * turn ran before REST is asked (for an assistant message newer than ours,
   * a busy status, or `queued_for_capacity`). REST never makes a stale status
   * count; the look repeats with backoff up to 15 s.
   */
  staleCheckMs?: number;
  /** The chat's status before our message (default `waiting`): on a new chat, a different final status ends the turn without further proof. */
  baselineStatus?: string;
  /** A socket that says nothing (no frame, no ping) for this long is considered dead. */
  idleTimeoutMs?: number;
  /**
   * The turn is known to be under way or over (following an existing chat,
   * resuming after a restart): look once over REST first, and let a final
   * status count without waiting for signs of a new turn.
   */
  assumeStarted?: boolean;
  /** Skip the final `GET /{chat}` that fills diff status and last error. */
  skipFinalFetch?: boolean;
  /**
   * How long a turn that ended `waiting` with nothing written is held open for
   * the second `waiting` by which older servers show an interrupt
   * (TurnState.endedSilently); default 1000 ms. Only such silent ends wait.
   */
  interruptGraceMs?: number;
}

const STOP = Symbol('stop');
const MAX_REST_LOOK_MS = 15_000;

export async function followChat(client: CoderClient, opts: FollowOptions): Promise<ChatOutcome> {
  const started = Date.now();
  const emit = (p: FollowProgress) => {
    try {
      opts.onProgress?.(p);
    } catch {
      // A broken progress callback must not break following.
    }
  };
  const state = new TurnState(opts.afterId ?? 0, { userMessageId: opts.userMessageId, queuedId: opts.queuedId, baselineStatus: opts.baselineStatus }, emit);
  state.userMessageAt = opts.userMessageAt;
  if (opts.assumeStarted) state.active = true;
  const timeoutMs = opts.timeoutMs ?? 60 * 60_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const stop = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;

  const finish = async (status: OutcomeStatus): Promise<ChatOutcome> => {
    let diffStatus: DiffStatus | undefined;
    let error: TurnError | ChatError | undefined = state.error;
    let chatStatus = state.status;
    let cost: ChatCost | undefined;
    if (!opts.skipFinalFetch && (status === 'completed' || status === 'error' || status === 'requires_action')) {
      // Older servers say `waiting` before they store the interrupted step: one read picks it up when it is there.
      if (state.interrupted && state.liveText) await readLateMessages(client, opts.chatId, state);
      const [chat, spent] = await Promise.all([
        client.getChat(opts.chatId).catch(() => undefined),
        // A server without the cost route shows nothing; a failure here never fails the run.
        client.getCost(opts.chatId).catch(() => undefined),
      ]);
      cost = spent;
      if (chat) {
        diffStatus = chat.diff_status ?? undefined;
        if (status === 'error') error = error ?? chat.last_error ?? undefined;
        chatStatus = chat.status;
      }
    }
    return {
      chatId: opts.chatId,
      chatUrl: client.chatUrl(opts.chatId),
      status,
      chatStatus,
      ...(status === 'completed' && state.interrupted && { interrupted: true }),
      result: outcomeResult(status, state, error),
      error: status === 'error' ? (error ?? { message: 'The agent stopped with an error.' }) : undefined,
      usage: state.usage,
      ...(cost && { cost }),
      ...(state.lastAssistant?.structured_output !== undefined && { structuredOutput: state.lastAssistant.structured_output }),
      diffStatus,
      lastMessageId: state.lastMessageId,
      durationMs: Date.now() - started,
      retries: state.retries,
    };
  };
  const outcomeForStatus = (): OutcomeStatus =>
    state.status === 'error' ? 'error' : state.status === 'requires_action' ? 'requires_action' : 'completed';

  const maxReconnects = opts.maxReconnects ?? 5;
  const backoff = { baseDelayMs: opts.reconnectBaseMs ?? 250, maxDelayMs: opts.reconnectMaxMs ?? 5000 };
  let failures = 0;
  let connects = 0;
  try {
    // A stream URL needs the route prefix, and an upgrade's 404 cannot tell a missing route from a
    // missing chat: a fresh client (a new worker thread resuming a run) learns it over REST first.
    if (!client.prefixKnown) {
      const chat = await client.getChat(opts.chatId, stop);
      state.setCapacity(chat.queued_for_capacity === true);
    }
    if (opts.assumeStarted) {
      // One REST look first: an idle chat's answer is already stored, and
      // REST gives messages before status, which a stream snapshot need not.
      await pollUntil(client, opts, state, stop, 0);
      if (state.done) return await finish(outcomeForStatus());
    }
    for (;;) {
      if (failures >= maxReconnects) {
        emit({ kind: 'polling', reason: 'the stream could not be opened' });
        await pollUntil(client, opts, state, stop, Date.now() + (opts.socketRetryMs ?? 30_000));
        if (state.done) return await finish(outcomeForStatus());
        failures = maxReconnects - 1; // one socket attempt, then back to polling if it fails
        continue;
      }
      // An abort that came before the socket opened fires no 'abort' event for it to hear.
      throwIfStopped(stop);
      if (connects > 0) state.resetLive();
      connects++;
      const r = await streamOnce(client, opts, state, stop);
      if (state.done) return await finish(outcomeForStatus());
      if (r.fatal) throw r.fatal;
      // Ctrl-C or the timeout closed the socket: that is no dropped stream, and nothing reconnects.
      throwIfStopped(stop);
      failures = r.gotFrames ? 0 : failures + 1;
      if (failures >= maxReconnects) continue;
      const delayMs = backoffDelay(failures, backoff);
      emit({ kind: 'reconnect', attempt: failures + 1, delayMs, reason: r.reason });
      await sleep(delayMs, stop).catch(() => undefined);
      throwIfStopped(stop);
    }
  } catch (err) {
    if (err === STOP || (err instanceof CoderError && err.kind === 'aborted') || stop.aborted) {
      return await finish(timeout.aborted && !opts.signal?.aborted ? 'timeout' : 'aborted');
    }
    throw err;
  }
}

/**
 * The `result` of an outcome. A run we stopped (timeout, cancel) or an
 * interrupted turn carries only what the agent had written, '' when nothing:
 * the filler sentences of `answer()` say the agent finished, which a stopped
 * turn did not.
 */
function outcomeResult(status: OutcomeStatus, state: TurnState, error: TurnError | ChatError | undefined): string {
  // An interrupted turn did not finish either: never say it did (answer()'s filler sentences).
  if (status === 'timeout' || status === 'aborted' || (status === 'completed' && state.interrupted)) return state.written();
  if (status === 'error' && !state.lastAssistant) return error?.message ?? 'The agent stopped with an error.';
  return state.answer();
}

function throwIfStopped(stop: AbortSignal): void {
  if (stop.aborted) throw STOP;
}

interface StreamResult {
  gotFrames: boolean;
  reason: string;
  fatal?: CoderError;
}

/** One WebSocket connection: folds events until the turn is done or the socket ends. */
function streamOnce(client: CoderClient, opts: FollowOptions, state: TurnState, stop: AbortSignal): Promise<StreamResult> {
  return new Promise((resolve) => {
    let gotFrames = false;
    let settled = false;
    /** The turn ended silently: only a repeated `waiting` (an interrupt) can still change the outcome. */
    let graceTimer: NodeJS.Timeout | undefined;
    const ws = new WebSocket(client.streamUrl(opts.chatId, state.lastMessageId), {
      headers: client.http.authHeaders(),
      handshakeTimeout: 15_000,
      perMessageDeflate: false,
    });
    const idleMs = opts.idleTimeoutMs ?? 45_000;
    let idle: NodeJS.Timeout | undefined;
    let staleTimer: NodeJS.Timeout | undefined;
    let lookMs = opts.staleCheckMs ?? 2000;
    const looks = { idle: 0 };
    // A final status standing without proof: look over REST now and then, without closing the socket.
    // So too, once, a `running` turn that writes nothing: it may be queued for an agent slot, which only REST says.
    const scheduleLook = () => {
      if (staleTimer || settled || !(state.unproven || state.capacityUnknown)) return;
      staleTimer = setTimeout(() => {
        if (state.capacityUnknown) state.noteCapacityRead();
        void restLook(client, opts.chatId, state, stop, looks).then(() => {
          staleTimer = undefined;
          if (settled || graceTimer) return;
          if (state.done) return end({ gotFrames, reason: 'done' });
          lookMs = Math.min(MAX_REST_LOOK_MS, lookMs * 2);
          scheduleLook();
        });
      }, lookMs);
    };
    const touch = () => {
      if (idle) idle.refresh();
      else idle = setTimeout(() => end({ gotFrames, reason: 'the stream went quiet' }), idleMs);
    };
    const end = (r: StreamResult) => {
      if (settled) return;
      settled = true;
      if (idle) clearTimeout(idle);
      if (staleTimer) clearTimeout(staleTimer);
      if (graceTimer) clearTimeout(graceTimer);
      stop.removeEventListener('abort', onStop);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      resolve(r);
    };
    const onStop = () => end({ gotFrames, reason: 'stopped' });
    stop.addEventListener('abort', onStop, { once: true });
    ws.on('open', touch);
    ws.on('ping', touch);
    ws.on('message', (data, isBinary) => {
      touch();
      if (isBinary) return;
      const frame = parseFrame(data.toString());
      if (frame.kind === 'invalid') {
        state.ignored++;
        return;
      }
      if (frame.kind === 'error') {
        state.error = { message: frame.message, detail: frame.detail };
        return end({ gotFrames, reason: `the stream reported: ${frame.message}` });
      }
      state.noteFrame(!gotFrames);
      gotFrames = true;
      if (graceTimer) {
        // The outcome is settled but for an interrupt: whatever else comes belongs to a later turn.
        for (const ev of frame.events) if (ev.type === 'status' && ev.status === 'waiting') state.apply(ev);
        if (state.interrupted) end({ gotFrames, reason: 'done' });
        return;
      }
      if (frame.ignored) state.ignored += frame.ignored;
      for (const ev of frame.events) state.apply(ev);
      if (state.done && state.endedSilently) {
        if (staleTimer) clearTimeout(staleTimer);
        staleTimer = undefined;
        graceTimer = setTimeout(() => end({ gotFrames, reason: 'done' }), opts.interruptGraceMs ?? 1000);
        return;
      }
      if (state.done) return end({ gotFrames, reason: 'done' });
      scheduleLook();
    });
    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      if (status === 401) {
        return end({ gotFrames, reason: 'unauthorized', fatal: new CoderError('auth', 'Coder rejected the session token (401) when opening the chat stream. Check CODER_SESSION_TOKEN.', { status }) });
      }
      if (status === 404 || status === 403) {
        return end({ gotFrames, reason: `HTTP ${status}`, fatal: new CoderError('http', `Coder answered ${status} when opening the stream of chat ${opts.chatId}: the chat does not exist or this token cannot see it.`, { status }) });
      }
      end({ gotFrames, reason: `the stream answered HTTP ${status}` });
    });
    ws.on('error', (err) => end({ gotFrames, reason: err.message }));
    ws.on('close', (code) => end({ gotFrames, reason: `the stream closed (${code})` }));
  });
}

/** Polls the chat until the turn is done, the deadline passes, or we are stopped. */
async function pollUntil(client: CoderClient, opts: FollowOptions, state: TurnState, stop: AbortSignal, deadline: number): Promise<void> {
  const interval = opts.pollIntervalMs ?? 2000;
  for (let first = true; first || Date.now() < deadline; first = false) {
    throwIfStopped(stop);
    try {
      const page = await client.getMessagesAfter(opts.chatId, state.lastMessageId, stop);
      state.applyQueue(page.queued.map((q) => q.id));
      for (const m of page.messages) state.applyMessage(m);
      const chat = await client.getChat(opts.chatId, stop);
      state.setStatus(chat.status);
      state.setCapacity(chat.queued_for_capacity === true);
      await proveByUpdate(client, opts.chatId, state, chat, stop);
      if (chat.status === 'error' && chat.last_error && !state.error) state.error = chat.last_error;
      // Polling can miss a short 'running': an assistant message after ours
      // proves the turn ran. A final status that merely holds proves nothing
      // (a slow server may take seconds to take up our message).
      state.markActiveIfAnswered();
      if (state.done || Date.now() >= deadline) return;
    } catch (err) {
      // Coder restarting or a proxy hiccup delays the answer; it does not end the follow.
      if (!isTransient(err)) throw err;
    }
    await sleep(interval, stop);
  }
}

/**
 * One look over REST while the stream shows a final status without proof that
 * our turn ran: an assistant message newer than ours, or a busy status, is
 * proof; `queued_for_capacity` is reported. Failures are ignored (the stream
 * goes on).
 */
async function restLook(client: CoderClient, chatId: string, state: TurnState, stop: AbortSignal, looks: { idle: number }): Promise<void> {
  try {
    let page = await client.getMessagesAfter(chatId, state.lastMessageId, stop);
    if (state.waitingInQueue) {
      state.applyQueue(page.queued.map((q) => q.id));
      // Out of the queue before we saw it leave: read again from where its turn may have begun.
      if (!state.waitingInQueue) page = await client.getMessagesAfter(chatId, state.lastMessageId, stop);
    }
    for (const m of page.messages) state.applyMessage(m);
    state.markActiveIfAnswered();
    const chat = await client.getChat(chatId, stop);
    if (!FINAL_STATUSES.has(chat.status) && !state.waitingInQueue) state.active = true;
    await proveByUpdate(client, chatId, state, chat, stop);
    // A new chat has no earlier turn, so its idle status cannot be a stale one: when two looks agree
    // that it is idle, not waiting for capacity and has nothing queued, its turn ran (and wrote
    // nothing) before we connected. Follow-ups never take this path.
    const idle = state.newChat && chat.status === state.status && FINAL_STATUSES.has(chat.status) && chat.queued_for_capacity !== true && page.queued.length === 0;
    looks.idle = idle ? looks.idle + 1 : 0;
    if (looks.idle >= 2) state.active = true;
    state.setCapacity(chat.queued_for_capacity === true);
    if (chat.status === 'error' && chat.last_error && !state.error) state.error = chat.last_error;
  } catch {
    // The stream stays the source; REST was only a second opinion.
  }
}

/**
 * A final status with no busy status or answer seen (a follow-up to a chat
 * whose last turn ended the same way, e.g. `error` then `error`): it is this
 * turn's when the chat was updated after our message was persisted
 * (TurnState.noteChatUpdated). The message's time is read once, when the
 * send did not give it.
 */
async function proveByUpdate(client: CoderClient, chatId: string, state: TurnState, chat: { status: string; updated_at?: string | undefined }, stop: AbortSignal): Promise<void> {
  if (state.active || state.waitingInQueue || !FINAL_STATUSES.has(chat.status)) return;
  const id = state.userMessageId;
  if (state.userMessageAt === undefined && id !== undefined) {
    const page = await client.getMessages(chatId, { afterId: id - 1, limit: 1, signal: stop });
    state.userMessageAt = page.messages.find((m) => m.id === id)?.created_at;
  }
  state.noteChatUpdated(chat);
}

/** Folds messages persisted after the turn ended (best effort: a failure leaves the live text as the answer). */
async function readLateMessages(client: CoderClient, chatId: string, state: TurnState): Promise<void> {
  try {
    const page = await client.getMessagesAfter(chatId, state.lastMessageId);
    for (const m of page.messages) state.applyMessage(m);
  } catch {
    // The answer is the text streamed so far.
  }
}
