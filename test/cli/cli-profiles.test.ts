import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { FakeCoder, MAX_QUEUED_MESSAGES, PROFILE_NAMES, profile, type AgentStep, type FakeCoderOptions, type ProfileName } from '../fakes/fake-coder.js';
import { waitFor } from '../helpers/wait.js';

let fake: FakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { CODER_URL: fake?.url, CODER_SESSION_TOKEN: 'test-token' },
    followTuning: { reconnectBaseMs: 5, pollIntervalMs: 20, maxReconnects: 3 },
  });
  return { code, stdout, stderr };
}

const start = async (name: ProfileName, opts: FakeCoderOptions = {}) => (fake = await FakeCoder.start(profile(name, opts)));
const answer = (text: string): AgentStep[] => [{ status: 'running' }, { text }, { persist: true }, { status: 'waiting' }];
const createBody = () => fake!.requests.find((r) => r.method === 'POST' && /\/chats$/.test(r.path) && r.body !== undefined && typeof r.body === 'object' && 'content' in (r.body as object) && fake!.chats.size > 0)?.body as Record<string, unknown> | undefined;

describe.each(PROFILE_NAMES)('coder-agent against a %s server', (name) => {
  it('chat streams the answer and exits 0', async () => {
    await start(name);
    const r = await cli(['chat', 'hello']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Echo: hello\n');
  });

  it('models lists what the server offers, and --model NAME picks one', async () => {
    await start(name);
    const listed = await cli(['models']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('anthropic:claude-sonnet-4-5');
    expect(listed.stdout).toContain('openai:gpt-5');
    const r = await cli(['chat', '--model', 'claude-sonnet-4-5', 'hi']);
    expect(r.code).toBe(0);
    const wanted = fake!.options.modelConfigs.find((c) => c.model === 'claude-sonnet-4-5')!.id;
    expect(createBody()?.['model_config_id']).toBe(wanted);
    const unknown = await cli(['chat', '--model', 'gpt-7', 'hi']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No enabled model config matches "gpt-7". Available: ');
    expect(unknown.stderr).not.toContain('Route not found');
  });

  it('send to a chat whose last turn failed, failing again at once: exit 1 with the new error, not a wait until --timeout', async () => {
    await start(name, { stepDelayMs: 0, agent: ({ turnIndex }) => [{ status: 'running' }, { error: { message: turnIndex === 0 ? 'Provider quota exceeded.' : 'The model provider refused the request.' } }] });
    const first = await cli(['chat', 'one']);
    expect(first.code).toBe(1);
    const chatId = [...fake!.chats.keys()][0]!;
    const began = Date.now();
    const r = await cli(['send', '--timeout', '30s', chatId, 'two']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('the agent stopped with an error: The model provider refused the request.');
    expect(Date.now() - began).toBeLessThan(10_000);
  });

  /**
   * Runs `chat --json go` (or `send --no-wait` then `follow --json`), waits
   * until the turn is `ready` and followed, runs `coder-agent interrupt`,
   * and returns what the following command printed.
   */
  async function interruptWhile(command: string, ready: (c: { turn: { text: string; started: boolean } | null; status: string }) => boolean) {
    let chatId = '';
    if (command === 'follow') chatId = fake!.createChatDirect({ status: 'waiting', messages: [] }).id;
    const following =
      command === 'chat'
        ? cli(['chat', '--json', 'go'])
        : (async () => {
            await cli(['send', '--no-wait', chatId, 'go']);
            return cli(['follow', '--json', chatId]);
          })();
    await waitFor(() => [...fake!.chats.values()].some((c) => ready(c) && c.streamCount > 0));
    chatId ||= [...fake!.chats.keys()][0]!;
    const stop = await cli(['interrupt', chatId]);
    expect(stop.code).toBe(0);
    return following;
  }

  it.each([['chat'], ['follow']])('%s: a turn interrupted by another process (coder-agent interrupt) exits 130, the answer marked partial', async (command) => {
    await start(name, { agent: () => [{ status: 'running' }, { text: 'half an ans' }, { hang: true }] });
    const r = await interruptWhile(command, (c) => c.turn?.text === 'half an ans');
    expect(r.code).toBe(130);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'interrupted', result: 'half an ans' });
  });

  it.each([['chat'], ['follow']])('%s: a turn interrupted before it wrote anything exits 130 as interrupted, not 0 as if it had finished', async (command) => {
    // Older servers show such an interrupt only as `waiting` twice (InterruptChat, then the worker's release).
    await start(name, { agent: () => [{ status: 'running' }, { hang: true }] });
    const r = await interruptWhile(command, (c) => c.turn?.started === true && c.status === 'running');
    expect(r.code).toBe(130);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'interrupted', result: '' });
  });

  it('the same, without --json: stderr says the turn was interrupted, never that the agent finished', async () => {
    await start(name, { agent: () => [{ status: 'running' }, { hang: true }] });
    const following = cli(['chat', 'go']);
    await waitFor(() => [...fake!.chats.values()].some((c) => c.turn?.started === true && c.status === 'running' && c.streamCount > 0));
    const stop = await cli(['interrupt', [...fake!.chats.keys()][0]!]);
    expect(stop.code).toBe(0);
    const r = await following;
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("the agent's turn was interrupted before it finished");
    expect(r.stderr).toContain('it had written nothing');
    expect(r.stderr).not.toContain('finished without writing an answer');
  });

  it('a turn that ends on its own is not taken for an interrupted one', async () => {
    await start(name, { agent: () => [{ status: 'running' }, { text: 'whole ' }, { text: 'answer' }, { persist: true }, { status: 'waiting' }] });
    const r = await cli(['chat', '--json', 'go']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'completed', result: 'whole answer' });
  });

  it('models --json prints the array help promises: one object per config, its names usable with --model', async () => {
    await start(name, { unavailableProviders: { openai: 'missing_api_key' } });
    const help = await cli(['help', 'models']);
    expect(help.stdout).toContain('{id, provider, model, display_name, enabled, is_default, available, unavailable_reason?}');
    const r = await cli(['models', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const listed = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    const configs = fake!.options.modelConfigs;
    expect(listed).toEqual(
      configs.map((c) => ({
        id: c.id,
        provider: c.provider,
        model: c.model,
        display_name: c.display_name,
        enabled: c.enabled,
        is_default: c.is_default,
        available: c.provider !== 'openai',
        ...(c.provider === 'openai' && { unavailable_reason: 'missing_api_key' }),
      })),
    );
    const sonnet = listed.find((m) => m['model'] === 'claude-sonnet-4-5')!;
    const picked = await cli(['chat', '--model', `${String(sonnet['provider'])}:${String(sonnet['model'])}`, 'hi']);
    expect(picked.code).toBe(0);
    expect(createBody()?.['model_config_id']).toBe(sonnet['id']);
  });

  it('archive works on a chat that is still working', async () => {
    await start(name, { agent: () => [{ status: 'running' }, { hang: true }] });
    const created = await cli(['chat', '--no-wait', 'x']);
    const chatId = [...fake!.chats.keys()][0]!;
    expect(created.code).toBe(0);
    await waitFor(() => fake!.chat(chatId).turn?.started === true && fake!.chat(chatId).status === 'running');
    const r = await cli(['archive', chatId]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fake!.chat(chatId).chat.archived).toBe(true);
    // Only v2.38 refuses to archive a working chat, so only there is the agent interrupted first; the message says so.
    const interrupted = fake!.requests.some((q) => q.method === 'POST' && q.path.endsWith(`/${chatId}/interrupt`));
    expect(interrupted).toBe(name === 'v2.38');
    expect(r.stdout).toBe(`${interrupted ? 'Interrupted and archived' : 'Archived'} ${chatId}.\n`);
  });

  // Coder shows a new chat busy from its creation (`pending` before v2.37, `running` since) however
  // long a worker takes to start its turn; the old follower ended such a chat with "finished without
  // writing an answer" when the fake (wrongly) showed it `waiting`.
  it('chat: a new chat whose turn starts only after 7 s prints the real answer, exit 0', async () => {
    await start(name, { turnStartDelayMs: 7000, agent: () => answer('The real answer.') });
    const began = Date.now();
    const r = await cli(['chat', 'hello']);
    expect(Date.now() - began).toBeGreaterThanOrEqual(7000);
    expect(r.stderr).not.toContain('without writing an answer');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('The real answer.\n');
  }, 20_000);

  it('archive --json of a chat that is idle says it did not interrupt', async () => {
    await start(name);
    await cli(['chat', 'x']);
    const chatId = [...fake!.chats.keys()][0]!;
    const r = await cli(['archive', '--json', chatId]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ chat_id: chatId, archived: true, interrupted: false });
  });
});

describe('coder-agent against a v2.38 server', () => {
  it('--json carries cost_usd', async () => {
    await start('v2.38', { costPerRequestMicros: 370_000 });
    const r = await cli(['chat', '--json', 'hi']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'completed', result: 'Echo: hi', cost_usd: 0.37 });
  });

  it('--output-schema sends response_format and --json carries structured_output', async () => {
    await start('v2.38', { structuredOutput: true, agent: () => [{ status: 'running' }, { structured: { flaky: true } }, ...answer('It is flaky.').slice(1)] });
    const dir = mkdtempSync(join(tmpdir(), 'schema-'));
    const schema = { type: 'object', properties: { flaky: { type: 'boolean' } }, required: ['flaky'] };
    writeFileSync(join(dir, 'schema.json'), JSON.stringify(schema));
    const r = await cli(['chat', '--json', '--output-schema', join(dir, 'schema.json'), 'is it flaky?']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: 'It is flaky.', structured_output: { flaky: true } });
    expect(createBody()?.['response_format']).toEqual(schema);
  });

  it('--output-schema on a server without the experiment: a clear error and no chat', async () => {
    await start('v2.38');
    const dir = mkdtempSync(join(tmpdir(), 'schema-'));
    writeFileSync(join(dir, 'schema.json'), '{"type":"object"}');
    const r = await cli(['chat', '--output-schema', join(dir, 'schema.json'), 'x']);
    // A configuration problem found before any chat: the usage exit code, not the agent-error one.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('This Coder deployment does not accept structured output (response_format)');
    expect(r.stderr).toContain("its Coder release does not offer it (it lists no 'chat-structured-output' experiment)");
    expect(r.stderr).toContain('No chat was made.');
    // Coder's source has no such experiment to switch on: never send the user looking for one.
    expect(r.stderr).not.toMatch(/enable/i);
    expect(fake!.chats.size).toBe(0);
    expect(fake!.requests.some((q) => q.method === 'POST' && /\/chats$/.test(q.path))).toBe(false);
  });

  it('--output-schema where Coder ignores response_format (experiments unknown): the answer, and stderr says no structured output came back, in text and --json', async () => {
    await start('v2.38');
    fake!.failNext({ method: 'GET', path: '/api/v2/experiments' }, { status: 500 }, 100);
    const dir = mkdtempSync(join(tmpdir(), 'schema-'));
    writeFileSync(join(dir, 'schema.json'), '{"type":"object"}');
    const said = 'coder-agent: Coder returned no structured output for this run; the deployment may not support response_format.';
    const text = await cli(['chat', '--output-schema', join(dir, 'schema.json'), 'x']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Echo: x');
    expect(text.stderr).toContain(said);
    expect(createBody()?.['response_format']).toEqual({ type: 'object' });
    const json = await cli(['chat', '--json', '--output-schema', join(dir, 'schema.json'), 'x']);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'completed', result: 'Echo: x', structured_output: null });
    expect(json.stderr).toContain(said);
  });

  it('a bad --output-schema file is bad usage (exit 2)', async () => {
    await start('v2.38');
    const dir = mkdtempSync(join(tmpdir(), 'schema-'));
    writeFileSync(join(dir, 'schema.json'), '[1,2]');
    const r = await cli(['chat', '--output-schema', join(dir, 'schema.json'), 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must be a JSON Schema object');
  });

  it('a full message queue exits 75 with a sentence, not a stack', async () => {
    await start('v2.38', { agent: () => [{ status: 'running' }, { hang: true }] });
    await cli(['chat', '--no-wait', 'x']);
    const chatId = [...fake!.chats.keys()][0]!;
    await waitFor(() => fake!.chat(chatId).busy);
    for (let i = 0; i < MAX_QUEUED_MESSAGES; i++) await cli(['send', '--no-wait', chatId, `q${i}`]);
    const r = await cli(['send', chatId, 'one too many']);
    expect(r.code).toBe(75);
    expect(r.stderr).toBe("coder-agent: Coder's message queue for this chat is full (at most 20 waiting messages). Wait for the agent to work through the queued messages, then send again.\n");
  });

  it('agents switched off on the deployment: exit 1 and what to do', async () => {
    await start('v2.38', { agentsDisabled: true });
    const r = await cli(['chat', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Coder Agents are switched off on this deployment');
  });

  // A follow-up no worker takes up for a while: `running` (v2.38) all along, with no output. (The old
  // rule believed a final status after 2 s; the stale-status case itself: follow.test.ts.)
  it.each([3000, 7000])('send: a follow-up that a worker takes up only after %i ms prints its own answer', async (delay) => {
    await start('v2.38', { agent: ({ turnIndex }) => answer(turnIndex === 0 ? 'first answer' : 'second answer') });
    await cli(['chat', 'one']);
    const chatId = [...fake!.chats.keys()][0]!;
    fake!.options.turnStartDelayMs = delay;
    const r = await cli(['send', chatId, 'two']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('second answer\n');
  }, 20_000);
});
