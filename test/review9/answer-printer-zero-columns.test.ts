/**
 * Review 9: a pseudo-terminal with no size set (`script`, some `docker exec -t`
 * and CI runners) reports `columns` 0 through Node's tty.WriteStream. A redraw
 * after `preview_reset` must still erase only the voided message, never the
 * earlier answer above it.
 */
import { expect, it } from '@jest/globals';
import { AnswerPrinter } from '../../src/cli/answer-printer.js';
import type { FollowProgress } from '../../src/coder/follow.js';
import { VirtualTerminal } from '../helpers/virtual-terminal.js';

const reset = { kind: 'reset', reason: 'preview_reset' } as unknown as FollowProgress;

it('a terminal that reports 0 columns: the redraw after a reset keeps the earlier message and its blank line', () => {
  const term = new VirtualTerminal(80);
  const sink = { isTTY: true, columns: 0, write: (s: string) => term.write(s) };
  const printer = new AnswerPrinter(sink, sink, false);
  term.write('chat http://x/agents/1\n');
  printer.handle({ kind: 'text', delta: 'First message.' });
  printer.handle({ kind: 'message', role: 'assistant', text: 'First message.', id: 1 });
  printer.handle({ kind: 'text', delta: 'DISCARDED-PARTIAL ANSWER-1' });
  printer.status('· retrying (attempt 1, in 0s): overloaded');
  printer.handle(reset);
  printer.handle({ kind: 'text', delta: 'Second message.' });
  printer.handle({ kind: 'message', role: 'assistant', text: 'Second message.', id: 2 });
  printer.finish();
  expect(term.screen()).toEqual(['chat http://x/agents/1', 'First message.', '', '· retrying (attempt 1, in 0s): overloaded', 'Second message.']);
});
