/**
 * The webhook thread's config read ends at 2 s of wall time however stalled
 * the thread is (server.ts passes `maxWaitMs: WEBHOOK_CONFIG_READ_MS`):
 * a read's budget otherwise counts only time in which the thread ran
 * (repo-config.ts `responsiveDeadline`), and without the cap a stalled
 * webhook thread would wait up to 12 × 2 s, past the 10 s GitHub gives a
 * delivery. The built App (`node lib/app/main.js`, built by `npm test`'s
 * pretest) is stalled as a whole, as a paused container or a starved VM is,
 * with SIGSTOP while its read is in flight; its log says which limit ended
 * the read, so nothing here is timed.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { appProcessEnv, freePort, startAppProcess, type AppProcess } from '../helpers/app-process.js';
import { waitFor } from '../helpers/wait.js';
import { appSettings, commentDelivery, deliver, INSTALLATION, OWNER, REPO, startAppFakes, stopAppAndFakes } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;
let child: AppProcess | undefined;
const holds: { release(): void }[] = [];

beforeEach(async () => {
  ({ coder, github } = await startAppFakes());
});
afterEach(async () => {
  for (const h of holds.splice(0)) h.release();
  if (child) {
    // A process left stopped would never end.
    child.child.kill('SIGCONT');
    await child.stop();
  }
  child = undefined;
  await stopAppAndFakes(undefined, { coder, github });
});

const CONFIG = /\/contents\/\.github(\/|%2F)coder-agent\.yml$/i;
/** Longer than the webhook thread's 2 s wall cap, and far shorter than the 24 s it would wait without it. */
const STALL_MS = 3000;

describe('a webhook thread stalled while its config read is in flight', () => {
  it("gives the read up at its 2 s of wall time, saying the wait was the process's own, and records the delivery", async () => {
    const port = await freePort();
    child = startAppProcess({
      cwd: mkdtempSync(join(tmpdir(), 'stalled-webhook-')),
      env: appProcessEnv(appSettings(coder, github), { PORT: String(port), LOG_LEVEL: 'info', LOG_FORMAT: 'json' }),
    });
    await child.waitForOutput(/serving on/);
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
    // GitHub never answers the config read: only the read's own limits can end it.
    holds.push(github.hold({ method: 'GET', path: CONFIG }));
    const id = randomUUID();
    const answer = deliver({ url: `http://127.0.0.1:${port}` }, 'issue_comment', commentDelivery(github, '/agent do it'), { id });
    // The read is in flight (its request is at GitHub, held): now the whole process stands still.
    await waitFor(() => github.requestsTo({ method: 'GET', path: CONFIG }).length > 0, 30_000);
    const pid = child.child.pid;
    if (pid === undefined) throw new Error('the App has no process id');
    process.kill(pid, 'SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, STALL_MS));
    process.kill(pid, 'SIGCONT');

    expect((await answer).status).toBe(200);
    const recorded = /the delivery is recorded, and the job worker reads it again and decides\.$/;
    const lines = () =>
      child!
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { msg: string; delivery?: string });
    await waitFor(() => lines().some((l) => l.delivery === id && recorded.test(l.msg)), 30_000);
    const line = lines().find((l) => l.delivery === id && recorded.test(l.msg));
    // Ended by the wall cap: the read had counted well under its 2 s budget when the process came back
    // (the stall counts as one tick). Without the cap it would have run on to "no answer within 2000 ms".
    expect(line?.msg).toMatch(/could not be read \(no answer within \d+ ms, most of it spent waiting for this process's own thread \(the machine is short of CPU\)\)/);
  }, 90_000);
});
