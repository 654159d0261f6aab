import { describe, expect, it } from '@jest/globals';
import { parseFrame, type StreamEvent } from '../../src/coder/stream-events.js';
import { compareTimestamps, TurnState, type FollowProgress } from '../../src/coder/turn-state.js';

/** Events as Coder v2.38 sends them: one bare array per frame (codersdk.ChatStreamEvent). */
function frame(events: Array<Record<string, unknown>>): StreamEvent[] {
  const r = parseFrame(JSON.stringify(events.map((e) => ({ chat_id: 'c', ...e }))));
  if (r.kind !== 'events') throw new Error('not events');
  return r.events;
}
const part = (text: string, attempt = 1, seq = 1, history = 2) => ({
  type: 'message_part',
  message_part: { role: 'assistant', part: { type: 'text', text }, history_version: history, generation_attempt: attempt, seq },
});
const status = (s: string) => ({ type: 'status', status: { status: s } });
const message = (id: number, role: string, text: string) => ({ type: 'message', message: { id, chat_id: 'c', role, content: [{ type: 'text', text }] } });

function fold(events: StreamEvent[], opts: { afterId?: number; userMessageId?: number; baselineStatus?: string } = {}) {
  const progress: FollowProgress[] = [];
  const state = new TurnState(opts.afterId ?? 0, opts, (p) => progress.push(p));
  for (const ev of events) state.apply(ev);
  return { state, progress };
}

/** What a TTY shows: deltas appended, a reset erases the live message. */
function screen(progress: FollowProgress[]): string {
  let done = '';
  let live = '';
  for (const p of progress) {
    if (p.kind === 'text') live += p.delta;
    else if (p.kind === 'reset') live = '';
    else if (p.kind === 'message') {
      done += live;
      live = '';
    }
  }
  return done + live;
}

describe('TurnState on the v2.38 stream', () => {
  it('preview_reset voids the live text: reported as a reset, never part of the answer', () => {
    const { state, progress } = fold(
      frame([
        message(1, 'user', 'q'),
        status('running'),
        part('DISCARDED-', 1, 1),
        part('PARTIAL', 1, 2),
        { type: 'retry', retry: { attempt: 1, delay_ms: 10, error: 'overloaded' } },
        { type: 'preview_reset' },
        part('Real ', 2, 1),
        part('answer.', 2, 2),
      ]),
    );
    expect(progress).toContainEqual({ kind: 'reset', reason: 'preview_reset' });
    expect(screen(progress)).toBe('Real answer.');
    expect(state.answer()).toBe('Real answer.');
    expect(progress.filter((p) => p.kind === 'message')).toEqual([]);
  });

  it('ignores parts of an older generation attempt or history version than the newest seen', () => {
    const { state, progress } = fold(frame([message(1, 'user', 'q'), status('running'), part('new ', 3, 1), part('STALE', 2, 9), part('STALE', 3, 1, 1), part('text', 3, 2)]));
    expect(state.answer()).toBe('new text');
    expect(screen(progress)).toBe('new text');
  });

  it('a newer attempt without a preview_reset still voids what was shown', () => {
    const { progress } = fold(frame([message(1, 'user', 'q'), status('running'), part('old', 1, 1), part('fresh', 2, 1)]));
    expect(progress).toContainEqual({ kind: 'reset', reason: 'preview_reset' });
    expect(screen(progress)).toBe('fresh');
  });

  it('a persisted message gives the final text; a preview_reset after it voids nothing', () => {
    const { progress } = fold(frame([message(1, 'user', 'q'), status('running'), part('Hel', 1, 1), part('lo', 1, 2), message(2, 'assistant', 'Hello'), { type: 'preview_reset' }, status('waiting')]));
    expect(progress.filter((p) => p.kind === 'reset')).toEqual([]);
    expect(progress).toContainEqual({ kind: 'message', role: 'assistant', text: 'Hello', id: 2 });
  });

  it('a persisted message that differs from the streamed text replaces it', () => {
    const { progress } = fold(frame([message(1, 'user', 'q'), status('running'), part('Draft'), message(2, 'assistant', 'Final')]));
    expect(progress).toContainEqual({ kind: 'reset', reason: 'replaced' });
    expect(screen(progress)).toBe('Final');
  });

  it('history_reset drops the messages held and takes the full history that follows', () => {
    const { state, progress } = fold(
      frame([message(1, 'user', 'q'), status('running'), message(2, 'assistant', 'before the edit'), { type: 'history_reset' }, message(1, 'user', 'q edited'), message(3, 'assistant', 'after the edit'), status('waiting')]),
    );
    expect(progress).toContainEqual({ kind: 'message', role: 'assistant', text: 'after the edit', id: 3 });
    expect(state.answer()).toBe('after the edit');
    expect(state.done).toBe(true);
  });

  it('interrupting is still working; action_required ends the turn like requires_action', () => {
    const { state } = fold(frame([message(1, 'user', 'q'), status('running'), status('interrupting')]));
    expect(state.done).toBe(false);
    state.apply({ type: 'action_required' });
    expect(state.status).toBe('requires_action');
    expect(state.done).toBe(true);
  });

  it('a stale waiting after a follow-up is not the end, however long it stands; a busy status then waiting is', () => {
    const { state } = fold(frame([message(5, 'user', 'follow-up'), status('waiting')]), { afterId: 5, userMessageId: 5 });
    expect(state.done).toBe(false);
    expect(state.unproven).toBe(true);
    state.apply(frame([status('running')])[0]!);
    state.apply(frame([status('waiting')])[0]!);
    expect(state.done).toBe(true);
  });

  it('a stale error after a follow-up needs proof too; on a new chat an error is the end', () => {
    expect(fold(frame([status('error')]), { afterId: 5, userMessageId: 5 }).state.done).toBe(false);
    expect(fold(frame([message(1, 'user', 'q'), status('error')])).state.done).toBe(true);
    expect(fold(frame([message(1, 'user', 'q'), status('waiting')])).state.done).toBe(false);
  });

  it('a final status written after our message (to the microsecond) is proof; one written with it, or before, is not', () => {
    const at = '2026-11-30T13:00:00.123456Z';
    const after = (updated: string, chatStatus = 'error') => {
      const { state } = fold(frame([status('error')]), { afterId: 5, userMessageId: 5 });
      state.userMessageAt = at;
      state.noteChatUpdated({ status: chatStatus, updated_at: updated });
      return state.done;
    };
    expect(after('2026-11-30T13:00:00.123457Z')).toBe(true);
    expect(after('2026-11-30T13:00:00.123456Z')).toBe(false);
    expect(after('2026-11-30T13:00:00.123Z')).toBe(false);
    expect(after('2026-11-30T13:00:00.12346+00:00')).toBe(true);
    expect(after('not a time')).toBe(false);
    expect(compareTimestamps('2026-11-30T13:00:01Z', at)).toBeGreaterThan(0);
  });

  it('reports queued_for_capacity as a status change, cleared by a busy status', () => {
    const { state, progress } = fold(frame([message(1, 'user', 'q'), status('waiting')]));
    state.setCapacity(true);
    expect(progress.at(-1)).toEqual({ kind: 'status', status: 'waiting', waitingForCapacity: true });
    state.apply(frame([status('running')])[0]!);
    expect(state.waitingForCapacity).toBe(false);
  });

  it('after a reconnect, the replayed live text is not reported twice and a snapshot preview_reset voids nothing it repeats', () => {
    const progress: FollowProgress[] = [];
    const state = new TurnState(0, {}, (p) => progress.push(p));
    for (const ev of frame([message(1, 'user', 'q'), status('running'), part('abc', 1, 1)])) state.apply(ev);
    state.resetLive();
    for (const ev of frame([status('running'), { type: 'preview_reset' }, part('abc', 1, 1), part('def', 1, 2)])) state.apply(ev);
    expect(progress.filter((p) => p.kind === 'reset')).toEqual([]);
    expect(screen(progress)).toBe('abcdef');
  });

  it('after a reconnect, a replay that differs from what was shown replaces it', () => {
    const progress: FollowProgress[] = [];
    const state = new TurnState(0, {}, (p) => progress.push(p));
    for (const ev of frame([message(1, 'user', 'q'), status('running'), part('voided', 1, 1)])) state.apply(ev);
    state.resetLive();
    for (const ev of frame([{ type: 'preview_reset' }, part('kept', 2, 1)])) state.apply(ev);
    expect(screen(progress)).toBe('kept');
  });

  it('reads the queue from queued_messages, as codersdk names it', () => {
    const [ev] = frame([{ type: 'queue_update', queued_messages: [{ id: 7, chat_id: 'c', content: [] }] }]);
    expect(ev).toEqual({ type: 'queue_update', queued: [{ id: 7, chat_id: 'c', content: [] }] });
  });
});

describe('TurnState: an interrupt on older servers before anything was written', () => {
  /** Folds frames the way the follower does: noteFrame before each, the first a connection's snapshot. */
  function foldFrames(frames: Array<Array<Record<string, unknown>>>, opts: { snapshotAt?: number[] } = {}) {
    const state = new TurnState(0, {}, () => undefined);
    frames.forEach((events, i) => {
      state.noteFrame(i === 0 || (opts.snapshotAt ?? []).includes(i));
      for (const ev of frame(events)) state.apply(ev);
    });
    return state;
  }

  it('a second live `waiting` (InterruptChat, then the worker releasing the chat) marks the turn interrupted', () => {
    const state = foldFrames([[status('waiting'), message(1, 'user', 'q')], [status('pending')], [status('running')], [status('waiting')], [status('waiting')]]);
    expect(state.done).toBe(true);
    expect(state.interrupted).toBe(true);
    expect(state.endedSilently).toBe(false);
  });

  it('one `waiting` is a turn that ended on its own (silently: the follower waits a moment before believing it)', () => {
    const state = foldFrames([[status('waiting'), message(1, 'user', 'q')], [status('running')], [status('waiting')]]);
    expect(state.done).toBe(true);
    expect(state.interrupted).toBe(false);
    expect(state.endedSilently).toBe(true);
  });

  it('a `waiting` repeated inside one frame, or by the snapshot of a new connection, proves nothing', () => {
    expect(foldFrames([[message(1, 'user', 'q')], [status('running')], [status('waiting'), status('waiting')]]).interrupted).toBe(false);
    const reconnected = foldFrames([[message(1, 'user', 'q')], [status('running')], [status('waiting')], [status('waiting')]], { snapshotAt: [3] });
    expect(reconnected.interrupted).toBe(false);
  });

  it('a turn that wrote its answer is not held open (not silent)', () => {
    const state = foldFrames([[message(1, 'user', 'q')], [status('running')], [message(2, 'assistant', 'done')], [status('waiting')]]);
    expect(state.done).toBe(true);
    expect(state.endedSilently).toBe(false);
  });
});
