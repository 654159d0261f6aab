/**
 * Issue 12, item 12 ("speed of failure"; first-user review). README: "A server
 * that takes the connection and does not answer gets 30 s per request, and
 * its first unanswered request ends the run (exit 1, not retried)". `list`
 * used to retry the unanswered GET four more times (about 150 s) and `chat`
 * spent about 10 minutes in start-up requests. Asked with a 45 s budget, each
 * gives up on its own 30 s allowance (exit 1), not on the budget (124).
 */
import { afterEach, expect, it } from '@jest/globals';
import { runProcess } from '../helpers/cli-process.js';
import { startSilentServer, type SilentServer } from '../helpers/silent-server.js';

let silent: SilentServer | undefined;
afterEach(async () => silent?.close());

it.each([
  ['list', ['list']],
  ['chat', ['chat', '--quiet', 'hello']],
])('`%s` against a server that never answers ends after its 30 s per-request limit, exit 1', async (_name, args) => {
  silent = await startSilentServer();
  const r = await runProcess([...args, '--timeout', '45s'], { CODER_URL: silent.url, CODER_SESSION_TOKEN: 't' });
  expect(r.stderr).toContain('did not answer');
  expect(r.code).toBe(1);
  expect(r.elapsedMs).toBeLessThan(40_000);
}, 90_000);
