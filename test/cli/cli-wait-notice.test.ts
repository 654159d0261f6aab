/**
 * A Coder that takes the connection and never answers (issue 12, item 12):
 * the CLI says it is waiting, once, a few seconds in, with the time limit
 * that ends the wait: the default one when no --timeout is given. The
 * process test runs the binary with pipes (no TTY), as CI does.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { runCli } from '../../src/cli/main.js';
import { overviewHelp, commandHelp } from '../../src/cli/help.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { BIN } from '../helpers/cli-process.js';
import { startSilentServer, type SilentServer } from '../helpers/silent-server.js';

let silent: SilentServer | undefined;
let fake: FakeCoder | undefined;

afterEach(async () => {
  await silent?.close();
  silent = undefined;
  await fake?.close();
  fake = undefined;
});

async function silentServer(): Promise<string> {
  silent = await startSilentServer();
  return silent.url;
}

async function inProcess(argv: string[], env: Record<string, string | undefined>, waitNoticeMs?: number) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env,
    ...(waitNoticeMs !== undefined && { waitNoticeMs }),
  });
  return { code, stdout, stderr };
}

describe('a Coder that never answers', () => {
  it('the binary, piped and without --timeout, says it is waiting after a few seconds, naming the URL and the default limit', async () => {
    const url = await silentServer();
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, 'list'], {
      env: { PATH: process.env['PATH'], CODER_URL: url, CODER_SESSION_TOKEN: 'abc-def' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stderr = '';
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const seen = new Promise<number>((resolve) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes('\n')) resolve(Date.now() - started);
        });
      });
      const after = await Promise.race([seen, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 20_000))]);
      expect(stderr).toBe(`coder-agent: waiting for Coder at ${url}… (no answer yet; giving up after 60m (--timeout))\n`);
      // Not at once (a quick answer must not be preceded by it), and well before the first request's own 30 s timeout.
      expect(after).toBeGreaterThanOrEqual(2500);
      expect(after).toBeLessThan(20_000);
      expect(stdout).toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);

  it('says it once, with the --timeout given, and the timeout still ends the run with 124', async () => {
    const url = await silentServer();
    const r = await inProcess(['list', '--timeout', '2s'], { CODER_URL: url, CODER_SESSION_TOKEN: 'abc-def' }, 200);
    expect(r.code).toBe(124);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => l.includes('waiting for Coder'))).toEqual([`coder-agent: waiting for Coder at ${url}… (no answer yet; giving up after 2s (--timeout))`]);
    expect(lines.at(-1)).toMatch(/^coder-agent: timed out after 2s \(--timeout\)/);
  });

  it('--quiet keeps it off stderr', async () => {
    const url = await silentServer();
    const r = await inProcess(['list', '--quiet', '--timeout', '1s'], { CODER_URL: url, CODER_SESSION_TOKEN: 'abc-def' }, 100);
    expect(r.code).toBe(124);
    expect(r.stderr).not.toContain('waiting for Coder');
  });

  it('a userinfo or query in the URL is masked in the notice', async () => {
    const url = await silentServer();
    const withSecret = url.replace('http://', 'http://user:hunter2@') + '/?token=hunter2';
    const r = await inProcess(['list', '--timeout', '1s'], { CODER_URL: withSecret, CODER_SESSION_TOKEN: 'abc-def' }, 100);
    expect(r.stderr).toContain('waiting for Coder at');
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe('a Coder that answers', () => {
  it('gets no waiting notice', async () => {
    fake = await FakeCoder.start({ token: 'test-token' });
    const r = await inProcess(['list'], { CODER_URL: fake.url, CODER_SESSION_TOKEN: 'test-token' }, 1000);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('No chats.\n');
    expect(r.stderr).toBe('');
  });
});

describe('--help and the timeout', () => {
  it('states the default and the maximum (596h, the longest delay Node timers keep), overview and per command', () => {
    for (const text of [overviewHelp(), commandHelp('chat'), commandHelp('follow')]) {
      expect(text).toContain('(default 60m, at most 596h)');
      expect(text).toContain('a bare number is minutes');
    }
  });
});
