/**
 * The answer printer fed follower events directly (isTTY injected), drawn on
 * a virtual terminal that applies the cursor movements: what a person sees
 * at each moment, not only at the end.
 */
import { describe, expect, it } from '@jest/globals';
import { AnswerPrinter, progressLine } from '../../src/cli/answer-printer.js';
import type { FollowProgress } from '../../src/coder/follow.js';
import { VirtualTerminal } from '../helpers/virtual-terminal.js';

// The follower's `reset` event (Coder's preview_reset / history_reset).
const reset = { kind: 'reset', reason: 'preview_reset' } as unknown as FollowProgress;
const text = (delta: string): FollowProgress => ({ kind: 'text', delta });
const message = (t: string, id: number): FollowProgress => ({ kind: 'message', role: 'assistant', text: t, id });

function terminal(columns: number) {
  const term = new VirtualTerminal(columns);
  const printer = new AnswerPrinter({ isTTY: true, columns, write: (s) => term.write(s) }, { isTTY: true, write: (s) => term.write(s) }, false);
  return { term, printer };
}

describe('on a terminal', () => {
  it('takes voided text off the screen at the reset, wrapped rows and all, and keeps status lines', () => {
    const { term, printer } = terminal(20);
    term.write('chat http://x/agents/1\n');
    printer.handle(text('Let me start with a long sentence that wraps '));
    printer.status('· retrying (attempt 1, in 0s): overloaded');
    printer.handle(text('and DISCARDED more.'));
    expect(term.screen().join('')).toContain('DISCARDED');
    printer.handle(reset);
    // At once, before anything is persisted: the voided text is gone, the retry line is not.
    expect(term.screen().join('\n')).not.toMatch(/Let me start|DISCARDED/);
    expect(term.screen()).toEqual(['chat http://x/agents', '/1', '· retrying (attempt', '1, in 0s): overloade', 'd']);
    printer.handle(text('Real answer.'));
    printer.handle(message('Real answer.', 7));
    printer.finish();
    expect(term.screen().at(-1)).toBe('Real answer.');
  });

  it('redraws when the persisted message differs from what was streamed', () => {
    const { term, printer } = terminal(80);
    printer.handle(text('Draft tex'));
    printer.handle(message('Final text.', 3));
    printer.finish();
    expect(term.screen()).toEqual(['Final text.']);
  });

  it('separates messages with one blank line', () => {
    const { term, printer } = terminal(80);
    printer.handle(text('One.'));
    printer.handle(message('One.', 1));
    printer.handle(text('Two.'));
    printer.handle(message('Two.', 2));
    printer.finish();
    expect(term.screen()).toEqual(['One.', '', 'Two.']);
  });
});

describe('piped', () => {
  it('prints persisted messages only, whole, with a blank line between them', () => {
    let out = '';
    const printer = new AnswerPrinter({ write: (s) => (out += s) }, { write: () => undefined }, false);
    printer.handle(text('DISCARDED'));
    printer.handle(reset);
    printer.handle(text('First'));
    printer.handle(message('First', 1));
    printer.handle(message('', 2)); // a tool-call step: no text
    printer.handle(text('Second'));
    expect(out).toBe('First\n');
    printer.handle(message('Second\n\n', 3));
    printer.finish();
    expect(out).toBe('First\n\nSecond\n');
  });
});

describe('progress lines', () => {
  it('say "waiting for capacity" while Coder queues the turn for a worker', () => {
    const waiting = { kind: 'status', status: 'running', waitingForCapacity: true } as FollowProgress;
    expect(progressLine(waiting)).toBe('· waiting for capacity');
    expect(progressLine({ kind: 'status', status: 'running' })).toBe('· running');
  });
});
