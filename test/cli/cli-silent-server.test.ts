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

const servers: SilentServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

// Both commands run at once, each against its own silent server: the test waits out one 30 s limit, not two.
it('`list` and `chat` against a server that never answers each end after their 30 s per-request limit, exit 1', async () => {
  const runs = [['list'], ['chat', '--quiet', 'hello']].map(async (args) => {
    const silent = await startSilentServer();
    servers.push(silent);
    const r = await runProcess([...args, '--timeout', '45s'], { CODER_URL: silent.url, CODER_SESSION_TOKEN: 't' });
    return { command: args[0], stderr: r.stderr, code: r.code, elapsedMs: r.elapsedMs };
  });
  for (const r of await Promise.all(runs)) {
    expect(r).toMatchObject({ code: 1 });
    expect(r.stderr).toContain('did not answer');
    expect(r.elapsedMs).toBeLessThan(40_000);
  }
}, 90_000);
