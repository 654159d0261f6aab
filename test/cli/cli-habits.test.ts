/**
 * Issue 12, "The CLI": each finding run against the real binary as a process
 * (test/helpers/cli-process.ts), with the fake Coder on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { FakeCoder, profile, type FakeCoderOptions } from '../fakes/fake-coder.js';
import { runProcess } from '../helpers/cli-process.js';
import { startSilentServer, type SilentServer } from '../helpers/silent-server.js';

/**
 * Each finding runs the binary as a process at least once; the steps around
 * it run in-process (the same runCli), because a node start costs seconds
 * on a loaded machine.
 */
async function inProcess(argv: string[], environment: Record<string, string | undefined>) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: environment,
  });
  return { code, stdout, stderr };
}

/** For tests that start several processes. */
const SLOW = 60_000;

let fake: FakeCoder | undefined;
let silent: SilentServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await silent?.close();
  silent = undefined;
});

const start = async (opts: FakeCoderOptions = {}) => (fake = await FakeCoder.start(opts));
const env = (extra: Record<string, string | undefined> = {}) => ({ CODER_URL: fake?.url, CODER_SESSION_TOKEN: 'test-token', ...extra });
const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at |Error:/);

async function silentServer(): Promise<string> {
  silent = await startSilentServer();
  return silent.url;
}

/** A port nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  await new Promise((r) => server.close(r));
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return `http://127.0.0.1:${addr.port}`;
}

describe('12: --timeout and failing fast', () => {
  it('chat --timeout 1s against a server that never answers exits 124 and says so', async () => {
    const url = await silentServer();
    const r = await runProcess(['chat', '--timeout', '1s', 'hi'], { CODER_URL: url, CODER_SESSION_TOKEN: 't' });
    expect(r.code).toBe(124);
    expect(r.stderr).toContain('coder-agent: timed out after 1s (--timeout) before Coder answered');
    expect(r.stdout).toBe('');
    // Exit 124 is the run's deadline at work: the request's own 30 s limit would end in exit 1.
  }, SLOW);

  it('a refused connection is retried twice, each retry said on stderr, then one clear sentence and exit 1', async () => {
    const url = await closedPort();
    const r = await runProcess(['chat', 'hi'], { CODER_URL: url, CODER_SESSION_TOKEN: 't' });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^coder-agent: Could not reach Coder at ${url}: connection refused\\. Retrying in \\d+ms…$`));
    expect(lines[1]).toMatch(/Retrying in \d+ms…$/);
    expect(lines[2]).toBe(`coder-agent: Could not reach Coder at ${url}: connection refused. Check the URL and that the server is up.`);
  }, SLOW);

  it('--help says that a bare --timeout number is minutes, and a bare number works', async () => {
    const help = await inProcess(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--timeout <duration>[^\n]*\n[^\n]*a bare number is minutes/);
    await start();
    const r = await runProcess(['chat', '--timeout', '2', 'hi'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Echo: hi\n');
  }, SLOW);
});

describe('13: commands that fit together', () => {
  it('the chat URL that chat --no-wait prints is taken by follow, send, interrupt, archive and unarchive', async () => {
    await start();
    const created = await inProcess(['chat', '--no-wait', 'one'], env());
    expect(created.code).toBe(0);
    const chatUrl = created.stdout.trim();
    expect(chatUrl).toMatch(new RegExp(`^${fake!.url}/agents/[0-9a-f-]{36}$`));
    const chatId = chatUrl.split('/').at(-1)!;
    await fake!.waitForIdle(chatId);

    const followed = await runProcess(['follow', chatUrl], env());
    expect(followed).toMatchObject({ code: 0, stdout: 'Echo: one\n' });
    const sent = await inProcess(['send', `${chatUrl}/`, 'two'], env());
    expect(sent).toMatchObject({ code: 0, stdout: 'Echo: two\n' });
    expect((await inProcess(['interrupt', chatUrl], env())).code).toBe(0);
    expect((await inProcess(['archive', chatUrl], env())).stdout).toBe(`Archived ${chatId}.\n`);
    expect(fake!.chat(chatId).chat.archived).toBe(true);
    expect((await inProcess(['unarchive', chatUrl], env())).code).toBe(0);
    expect(fake!.chat(chatId).chat.archived).toBe(false);
    // The id reached the API as an id, never as a URL inside a path.
    expect(fake!.requests.filter((q) => q.path.includes('agents'))).toEqual([]);
  }, SLOW);

  it('a chat URL of another deployment, or a URL that is not a chat page, is bad usage', async () => {
    await start();
    const other = await runProcess(['follow', 'https://coder.other.example/agents/0b8f1c9e-1111-2222-3333-444455556666'], env());
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`is not on the Coder deployment in use (${fake!.url}); pass --url for that deployment.`);
    const notChat = await inProcess(['follow', `${fake!.url}/workspaces`], env());
    expect(notChat.code).toBe(2);
    expect(notChat.stderr).toContain('is not a chat URL');
    expect(fake!.requests).toEqual([]);
  }, SLOW);

  it('upload of a file that is not there says so in words (no errno code), exit 2', async () => {
    await start();
    const r = await runProcess(['upload', join(tmpdir(), 'no-such-dir-coder-agent', 'shot.png')], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('shot.png: there is no such file.');
    expect(r.stderr).not.toContain('ENOENT');
  });

  it('upload prints a file id that chat --file-id and send --file-id attach', async () => {
    await start();
    const dir = mkdtempSync(join(tmpdir(), 'cli-upload-'));
    const png = join(dir, 'shot.png');
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    const up = await runProcess(['upload', png], env());
    expect(up.code).toBe(0);
    const fileId = up.stdout.trim();
    expect(fake!.files.has(fileId)).toBe(true);

    const r = await inProcess(['chat', '--json', '--file-id', fileId, 'look'], env());
    expect(r.code).toBe(0);
    const create = fake!.requests.find((q) => q.method === 'POST' && /\/chats$/.test(q.path));
    expect(create?.body).toMatchObject({ content: [{ type: 'text', text: 'look' }, { type: 'file', file_id: fileId }] });

    const chatId = (JSON.parse(r.stdout) as { chat_id: string }).chat_id;
    const s = await inProcess(['send', '--file-id', fileId, '--file-id', fileId, chatId, 'again'], env());
    expect(s.code).toBe(0);
    const send = fake!.requests.find((q) => q.method === 'POST' && q.path.endsWith('/messages'));
    expect(send?.body).toMatchObject({ content: [{ type: 'text', text: 'again' }, { type: 'file', file_id: fileId }, { type: 'file', file_id: fileId }] });

    const bad = await inProcess(['chat', '--file-id', 'shot.png', 'look'], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--file-id takes the id that `coder-agent upload` prints, a UUID (got "shot.png").');
  }, SLOW);

  it.each(['archive', 'unarchive'])('%s against a server answering 200 HTML fails with a clear sentence', async (command) => {
    await start();
    const chat = fake!.createChatDirect({ messages: [{ role: 'user', text: 'x' }] });
    fake!.failNext({ path: /\/(un)?archive$/ }, { status: 200, rawBody: '<html><body>Sign in</body></html>', contentType: 'text/html' });
    const r = await runProcess([command, chat.id], env());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/with HTTP 200 and a body that is not JSON \(text\/html\), so the change was not made/);
    noStack(r.stderr);
  }, SLOW);
});

describe('14: exit codes', () => {
  it('a turn interrupted mid-answer exits 130 with a line on stderr, the partial answer marked as such', async () => {
    // Coder v2.38 on POST /interrupt: `interrupting`, the partial answer persisted, then `waiting` (older releases: cli-profiles.test.ts).
    await start({ ...profile('v2.38'), agent: () => [{ status: 'running' }, { text: 'half an ans' }, { hang: true }] });
    const interrupting = new Set<string>();
    const interruptOnceFollowed = async (text: string) => {
      const chatId = /\/agents\/([0-9a-f-]{36})/.exec(text)?.[1];
      if (!chatId || interrupting.has(chatId)) return;
      interrupting.add(chatId);
      // Mid-answer: the text is streamed to a follower, not yet persisted.
      await fake!.waitFor(() => fake!.chat(chatId).turn?.text === 'half an ans' && fake!.streamCount(chatId) > 0);
      fake!.interrupt(chatId);
    };
    const plain = await runProcess(['chat', 'go'], env(), { onStderr: (t) => void interruptOnceFollowed(t) });
    expect(plain.code).toBe(130);
    expect(plain.stdout).toBe('half an ans\n');
    expect(plain.stderr).toMatch(/\ncoder-agent: the agent's turn was interrupted before it finished; the answer is partial: http:\/\/127\.0\.0\.1:\d+\/agents\/[0-9a-f-]{36}\n$/);
    const json = await runProcess(['chat', '--json', 'go'], env(), { onStderr: (t) => void interruptOnceFollowed(t) });
    expect(json.code).toBe(130);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'interrupted', result: 'half an ans' });
  }, SLOW);

  it.each([
    ['notaurl', '"notaurl" is not a URL'],
    ['ftp://x', 'The Coder URL must start with http:// or https:// (got "ftp://x").'],
  ])('--url %s is bad usage (exit 2), from the flag or CODER_URL', async (url, message) => {
    const flag = await runProcess(['list', '--url', url], { CODER_SESSION_TOKEN: 't' });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(message);
    noStack(flag.stderr);
    const fromEnv = await inProcess(['list'], { CODER_URL: url, CODER_SESSION_TOKEN: 't' });
    expect(fromEnv.code).toBe(2);
  }, SLOW);
});

describe('15: habits', () => {
  it.each([
    [['help', 'chat'], runProcess],
    [['chat', '--help'], runProcess],
    [['help', 'list'], inProcess],
    [['list', '-h'], inProcess],
  ])('%j prints that command\'s help and exits 0, without a URL or token', async (argv, run) => {
    const r = await run(argv, {});
    const command = argv[0] === 'help' ? argv[1] : argv[0];
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: coder-agent ${command} [options]`);
    expect(r.stderr).toBe('');
  }, SLOW);

  it('help lists the commands; help for an unknown command is bad usage', async () => {
    const r = await runProcess(['help'], {});
    expect(r.code).toBe(0);
    for (const c of ['chat', 'send', 'follow', 'list', 'models', 'interrupt', 'archive', 'unarchive', 'upload']) expect(r.stdout).toContain(`coder-agent ${c}`);
    const bad = await inProcess(['help', 'frobnicate'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('There is no command "frobnicate".');
  }, SLOW);

  it('--help lists every environment variable the CLI reads', async () => {
    const source = ['src/cli/options.ts', 'src/cli/main.ts'].map((f) => readFileSync(f, 'utf8')).join('\n');
    const read = [...source.matchAll(/env\[['"]([A-Z_]+)['"]\]/g)].map((m) => m[1]);
    expect(read).toEqual(expect.arrayContaining(['CODER_URL', 'CODER_SESSION_TOKEN', 'CODER_ORGANIZATION']));
    const help = (await inProcess(['--help'], {})).stdout;
    for (const name of read) expect(help).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it.each([
    [['list', '--bogus'], 'coder-agent: Unknown option --bogus.\nRun "coder-agent help list" for usage.\n', runProcess],
    [['chat', '--timeout'], 'coder-agent: --timeout needs a value.\nRun "coder-agent help chat" for usage.\n', inProcess],
    [['list', '--json=yes'], 'coder-agent: --json does not take a value.\nRun "coder-agent help list" for usage.\n', inProcess],
    [['list', '--image', 'x.png'], 'coder-agent: list does not take --image.\nRun "coder-agent help list" for usage.\n', inProcess],
    [['list', '--limit', '0'], 'coder-agent: --limit must be 1 or more (got 0).\nRun "coder-agent help list" for usage.\n', runProcess],
  ])('%j: a clean message and exit 2', async (argv, stderr, run) => {
    await start();
    const r = await run(argv, env());
    expect(r).toMatchObject({ code: 2, stdout: '', stderr });
    expect(fake!.requests).toEqual([]);
  }, SLOW);
});
