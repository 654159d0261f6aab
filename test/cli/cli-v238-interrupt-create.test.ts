/**
 * The CLI against the v2.38 fake (review of issue 9, C1–C3): a turn
 * interrupted from elsewhere (the web UI, another CLI) or by Ctrl-C, and the
 * requests one `chat` run makes. `coder-agent help` promises: "130
 * interrupted: Ctrl-C, or the agent's turn was interrupted (the answer is
 * partial)". coderd postChats answers 400 "organization_id is required." on
 * these servers, so the organization is resolved before the create.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { FakeCoder, profile } from '../fakes/fake-coder.js';
import { BIN, runProcess } from '../helpers/cli-process.js';

let fake: FakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Runs `chat go` until the fake's chat is running and followed, then calls `then`. */
async function runUntilStreaming(then: (chatId: string, kill: () => void) => void) {
  fake = await FakeCoder.start(profile('v2.38', { agent: () => [{ status: 'running' }, { text: 'partial ' }, { hang: true }] }));
  const child = spawn(process.execPath, [BIN, 'chat', 'go'], { env: { PATH: process.env['PATH'], CODER_URL: fake.url, CODER_SESSION_TOKEN: 'test-token' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const f = fake;
  await f.waitFor(() => [...f.chats.values()].some((c) => c.turn?.text === 'partial ' && c.streams.size > 0), 10_000, 'a followed running chat');
  const chat = [...f.chats.values()][0]!;
  then(chat.id, () => child.kill('SIGINT'));
  const code = await closed;
  return { code, stdout, stderr };
}

describe('coder-agent chat on v2.38: interrupts', () => {
  it('a turn interrupted from elsewhere ends with exit 130 and says so, not exit 0 as if the partial answer were complete', async () => {
    const run = await runUntilStreaming((chatId) => fake!.interrupt(chatId));
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('partial');
    expect(run.stderr).toContain("the agent's turn was interrupted before it finished; the answer is partial");
  }, 20_000);

  it('Ctrl-C exits 130 without a "stream dropped … reconnecting" progress line', async () => {
    const run = await runUntilStreaming((_chatId, kill) => kill());
    expect(run.code).toBe(130);
    expect(run.stderr).not.toMatch(/reconnecting|stream dropped/);
    expect(run.stderr).toContain('stopped following; the agent may still be working');
  }, 20_000);
});

describe('coder-agent chat on v2.38: requests', () => {
  it('creates the chat with one POST, organization_id included (no refused create first)', async () => {
    fake = await FakeCoder.start(profile('v2.38'));
    const run = await runProcess(['chat', 'hello'], { CODER_URL: fake.url, CODER_SESSION_TOKEN: 'test-token' });
    expect(run.code).toBe(0);
    const creates = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/chats');
    expect(creates).toHaveLength(1);
    expect((creates[0]?.body as Record<string, unknown>).organization_id).toBe(fake.organizationId);
  }, 20_000);

  it('on a server that does not require it (seed), the run still works', async () => {
    fake = await FakeCoder.start(profile('seed'));
    const run = await runProcess(['chat', 'hello'], { CODER_URL: fake.url, CODER_SESSION_TOKEN: 'test-token' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Echo: hello');
  }, 20_000);
});
