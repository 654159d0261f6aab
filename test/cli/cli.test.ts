import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { FakeCoder, type FakeCoderOptions } from '../fakes/fake-coder.js';
import { waitFor } from '../helpers/wait.js';

let fake: FakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function cli(argv: string[], env: Record<string, string | undefined> = {}, signal?: AbortSignal) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { CODER_URL: fake?.url, CODER_SESSION_TOKEN: 'test-token', ...env },
    signal,
    followTuning: { reconnectBaseMs: 5, pollIntervalMs: 20, maxReconnects: 3 },
  });
  return { code, stdout, stderr };
}

const start = async (opts: FakeCoderOptions = {}) => (fake = await FakeCoder.start(opts));

describe('coder-agent chat', () => {
  it('streams the answer to stdout and exits 0', async () => {
    await start();
    const r = await cli(['chat', 'hello', 'world']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Echo: hello world\n');
    expect(r.stderr).toMatch(/^chat http:\/\/127\.0\.0\.1:\d+\/agents\/[0-9a-f-]{36}\n/);
  });

  it('--json prints exactly one result object', async () => {
    await start();
    const r = await cli(['chat', '--json', 'hi']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['chat_id', 'chat_url', 'cost_usd', 'result', 'status']);
    // The seed server has no cost route: null, and nothing alarming on stderr.
    expect(out['cost_usd']).toBeNull();
    expect(out['result']).toBe('Echo: hi');
    expect(out['status']).toBe('completed');
    expect(out['chat_url']).toBe(`${fake!.url}/agents/${String(out['chat_id'])}`);
  });

  it('exits 1 on an agent error and says it on stderr', async () => {
    await start({ agent: () => [{ status: 'running' }, { error: { message: 'Provider quota exceeded.' } }] });
    const r = await cli(['chat', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the agent stopped with an error: Provider quota exceeded.');
  });

  it('exits 124 on timeout', async () => {
    await start({ agent: () => [{ status: 'running' }, { hang: true }] });
    const r = await cli(['chat', '--timeout', '200ms', 'x']);
    expect(r.code).toBe(124);
    expect(r.stderr).toContain('timed out');
  });

  it('exits 130 when interrupted', async () => {
    await start({ agent: () => [{ status: 'running' }, { hang: true }] });
    const controller = new AbortController();
    const pending = cli(['chat', 'x'], {}, controller.signal);
    await waitFor(() => fake!.streamCount() === 1);
    controller.abort();
    expect((await pending).code).toBe(130);
  });

  it('resolves --model by name and sends --workspace and labels', async () => {
    await start();
    const r = await cli(['chat', '--model', 'gpt-5', '--workspace', '7a7a7a7a-0000-1111-2222-333333333333', '--label', 'team=core', 'x']);
    expect(r.code).toBe(0);
    const create = fake!.requests.find((q) => q.method === 'POST' && q.path === '/api/experimental/chats');
    expect(create?.body).toMatchObject({
      model_config_id: fake!.options.modelConfigs.find((c) => c.model === 'gpt-5')?.id,
      workspace_id: '7a7a7a7a-0000-1111-2222-333333333333',
      labels: { team: 'core' },
    });
  });

  it('attaches an image as a file part', async () => {
    await start();
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const png = join(dir, 'shot.png');
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    const r = await cli(['chat', '--image', png, 'look']);
    expect(r.code).toBe(0);
    const create = fake!.requests.find((q) => q.method === 'POST' && q.path === '/api/experimental/chats');
    expect(create?.body).toMatchObject({ content: [{ type: 'text', text: 'look' }, { type: 'file', file_id: expect.any(String) }] });
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const bad = await cli(['chat', '--image', join(dir, 'notes.txt'), 'look']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a PNG, JPEG, GIF or WebP image');
  });
});

describe('coder-agent usage errors exit 2', () => {
  it.each([
    [['chat', 'x'], { CODER_URL: '' }, 'No Coder URL: set CODER_URL or pass --url.'],
    [['chat', 'x'], { CODER_SESSION_TOKEN: '' }, 'No session token'],
    [['chat'], {}, 'chat needs a prompt'],
    [['chat', '   '], {}, 'chat needs a prompt'],
    [['frobnicate'], {}, 'Unknown command "frobnicate"'],
    [['chat', '--timeout', 'soon', 'x'], {}, '"soon" is not a duration'],
    [['chat', '--bogus', 'x'], {}, 'Unknown option --bogus.'],
    [['send', 'only-id'], {}, 'send needs a chat (id or URL) and a prompt'],
  ])('%j', async (argv, env, message) => {
    await start();
    const r = await cli(argv, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('coder-agent other commands', () => {
  it('send continues a chat and streams the new answer; follow prints the stored answer of an idle chat', async () => {
    await start();
    const first = JSON.parse((await cli(['chat', '--json', 'one'])).stdout) as { chat_id: string };
    const r = await cli(['send', first.chat_id, 'two']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Echo: two\n');
    const f = await cli(['follow', first.chat_id]);
    expect(f.code).toBe(0);
    expect(f.stdout).toBe('Echo: two\n');
  });

  it('follow picks up a running chat and waits for its answer', async () => {
    await start({ agent: () => [{ status: 'running' }, { delayMs: 80 }, { text: 'late answer' }, { persist: true }, { status: 'waiting' }] });
    const created = JSON.parse((await cli(['chat', '--json', '--no-wait', 'go'])).stdout) as { chat_id: string };
    await waitFor(() => fake!.chats.get(created.chat_id)?.chat.status === 'running');
    const f = await cli(['follow', created.chat_id]);
    expect(f.code).toBe(0);
    expect(f.stdout).toBe('late answer\n');
  });

  it('list, models, interrupt, archive and unarchive', async () => {
    await start({ agent: () => [{ status: 'running' }, { hang: true }] });
    const created = JSON.parse((await cli(['chat', '--json', '--no-wait', 'go'])).stdout) as { chat_id: string };
    const list = await cli(['list', '--json']);
    expect((JSON.parse(list.stdout) as Array<{ id: string }>).map((c) => c.id)).toEqual([created.chat_id]);
    const models = await cli(['models']);
    expect(models.stdout).toContain('openai:gpt-5');
    expect(models.stdout).toContain('(default)');
    await waitFor(() => fake!.chats.get(created.chat_id)?.chat.status === 'running');
    expect((await cli(['interrupt', created.chat_id])).stdout).toContain('status waiting');
    expect((await cli(['archive', created.chat_id])).code).toBe(0);
    expect((await cli(['list'])).stdout).toBe('No chats.\n');
    expect((await cli(['unarchive', created.chat_id])).code).toBe(0);
    expect((await cli(['list'])).stdout).toContain(created.chat_id);
  });

  it('a wrong token exits 1 with one line and no secret', async () => {
    await start();
    const r = await cli(['list'], { CODER_SESSION_TOKEN: 'super-secret-value' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('Coder rejected the session token (401)');
    expect(r.stderr).not.toContain('super-secret-value');
  });

  it('an unreachable server exits 1 with a clear sentence', async () => {
    await start();
    const url = fake!.url;
    await fake!.close();
    fake = undefined;
    const r = await cli(['list', '--quiet'], { CODER_URL: url });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`coder-agent: Could not reach Coder at ${url}: connection refused. Check the URL and that the server is up.\n`);
  });
});

describe('the coder-agent binary', () => {
  it('runs as a process: streams, exits 0, and --url/--token override the environment', async () => {
    await start();
    const child = spawn(process.execPath, ['bin/coder-agent.js', '--url', fake!.url, '--token', 'test-token', 'chat', 'from a process'], {
      env: { PATH: process.env['PATH'], CODER_URL: 'http://127.0.0.1:1', CODER_SESSION_TOKEN: 'wrong' },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stdout).toBe('Echo: from a process\n');
  });
});
