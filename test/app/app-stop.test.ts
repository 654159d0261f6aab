/**
 * An App's stop() releases everything it started: afterwards its process has
 * nothing left to wait for and ends on its own. Before, a repository-config
 * read that the webhook thread had given up on (2 s) kept going: the
 * installation-token request behind it carried no signal, so it, and the
 * retries Octokit makes of it, outlived the App (a jest worker kept alive for
 * minutes after config-unread.test.ts's burst of 60 installations).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSilentServer, type SilentServer } from '../helpers/silent-server.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { BOT, deliver } from './harness.js';

const CHILD = fileURLToPath(new URL('../helpers/stopping-app.mjs', import.meta.url));

let child: ChildProcess | undefined;
let github: SilentServer | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await github?.close();
  github = undefined;
});

function nextMessage(c: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    c.once('message', resolve);
    c.once('exit', (code) => reject(new Error(`the App's process ended (${code}) before it answered`)));
  });
}

describe("the App's stop()", () => {
  it('leaves nothing running: a config read hanging on an installation token at stop does not keep the process alive', async () => {
    // GitHub that accepts connections and never answers: the token request for the config read hangs.
    github = await startSilentServer();
    let out = '';
    child = fork(CHILD, [JSON.stringify({ githubUrl: github.url, coderUrl: 'http://127.0.0.1:9', botLogin: BOT })], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const { url } = (await nextMessage(child)) as { url: string };

    const payload = webhookExample('issue_comment', 'created');
    Object.assign(payload['comment'] as object, { body: '/agent look at this' });
    payload['installation'] = { id: 4242, node_id: 'x' };
    // Recorded with its config unknown once the webhook's 2 s for the read are up; the read itself still hangs.
    expect((await deliver({ url }, 'issue_comment', payload)).status).toBe(200);

    child.send('stop');
    expect(await nextMessage(child)).toBe('stopped');
    // Not a measure of speed: a process with a request left open never ends (the server never answers).
    const ended = await Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 30_000).unref())]);
    expect({ ended, out: ended === 0 ? '' : out }).toEqual({ ended: 0, out: '' });
  }, 90_000);
});
