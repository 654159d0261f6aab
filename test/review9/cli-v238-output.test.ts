/**
 * Review 9: issue 9's CLI output contract on the v2.38 profile (cli-output
 * tests play an older fake). A failed attempt voided by `preview_reset`, two
 * assistant messages, and a `history_reset` after which Coder sends the whole
 * history again (chatd streamLoop.messageEvents): a pipe and a terminal each
 * show every message once, with nothing voided.
 */
import { afterEach, expect, it } from '@jest/globals';
import { runCli } from '../../src/cli/main.js';
import { FakeCoder, profile, type AgentStep } from '../fakes/fake-coder.js';
import { runProcess } from '../helpers/cli-process.js';
import { VirtualTerminal } from '../helpers/virtual-terminal.js';

let fake: FakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const env = () => ({ CODER_URL: fake?.url, CODER_SESSION_TOKEN: 'test-token' });

/** The CLI's stream is open before the agent writes (not a timing assertion: a slower start only shows less live text). */
const steps: AgentStep[] = [
  { status: 'running' },
  { delayMs: 1000 },
  { text: 'First message.' },
  { persist: true },
  { text: 'DISCARDED-PARTIAL ' },
  { text: 'ANSWER-1' },
  { failAttempt: { error: 'overloaded' } },
  { text: 'Second ' },
  { text: 'message.' },
  { persist: true },
  { historyReset: true },
  { text: 'Third.' },
  { persist: true },
  { status: 'waiting' },
];

it('piped: each persisted message once, a blank line between, nothing voided, even after a history_reset', async () => {
  fake = await FakeCoder.start(profile('v2.38', { agent: () => steps }));
  const r = await runProcess(['chat', 'go'], env());
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('First message.\n\nSecond message.\n\nThird.\n');
  expect(r.stderr).toContain('· retrying (attempt 1');
}, 45_000);

it('on a terminal: each message once on screen, nothing voided, even after a history_reset', async () => {
  fake = await FakeCoder.start(profile('v2.38', { agent: () => steps }));
  const term = new VirtualTerminal(80);
  const raw: string[] = [];
  const sink = (isTTY: boolean) => ({ isTTY, columns: 80, write: (s: string) => (raw.push(s), term.write(s)) });
  const code = await runCli(['chat', 'go'], { stdout: sink(true), stderr: sink(true), env: env() });
  expect(code).toBe(0);
  expect(raw.join('')).toContain('DISCARDED-PARTIAL');
  const text = term.screen().filter((l) => l !== '' && !l.startsWith('· ') && !l.startsWith('chat '));
  expect(text).toEqual(['First message.', 'Second message.', 'Third.']);
}, 30_000);
