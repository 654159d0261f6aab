/**
 * Issue 9, "CLI output contract": what reaches stdout and stderr, piped (the
 * binary as a process, stdout a pipe) and on a terminal (a pseudo-terminal
 * from util-linux `script`, and in-process with isTTY injected into a
 * virtual terminal that applies the cursor movements).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { runCli } from '../../src/cli/main.js';
import { FakeCoder, type AgentStep, type FakeCoderOptions } from '../fakes/fake-coder.js';
import { BIN, runProcess } from '../helpers/cli-process.js';
import { VirtualTerminal } from '../helpers/virtual-terminal.js';

let fake: FakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Tests that start the binary: a node start costs seconds on a loaded machine. */
const PROCESS_TIMEOUT = 45_000;

const start = async (opts: FakeCoderOptions = {}) => (fake = await FakeCoder.start(opts));
const env = () => ({ CODER_URL: fake?.url, CODER_SESSION_TOKEN: 'test-token' });

/**
 * Time for the CLI to open the chat's stream before the agent writes, so the
 * text arrives live rather than in the snapshot of a stream opened later.
 * Not a timing assertion: a slower start only makes a test see less live text.
 */
const settle: AgentStep = { delayMs: 1000 };

/** A generation attempt fails after streaming text; Coder retries it and voids what was streamed. */
const retriedAnswer: AgentStep[] = [
  { status: 'running' },
  settle,
  { text: 'Let me start with the ' },
  { text: 'DISCARDED-PARTIAL ANSWER-1, which goes on long enough to wrap' },
  { retry: { attempt: 1, delayMs: 10, error: 'provider overloaded' } },
  { previewReset: true },
  { text: 'The real ' },
  { text: 'answer.' },
  { persist: true },
  { status: 'waiting' },
];

/** Two assistant messages in one turn, a tool call between them. */
const twoMessages: AgentStep[] = [
  { status: 'running' },
  settle,
  { text: 'First I look.' },
  { persist: true },
  { toolCall: { name: 'read_file', args: { path: 'a.ts' }, result: 'ok' } },
  { text: 'Then I ' },
  { text: 'answer.' },
  { persist: true },
  { status: 'waiting' },
];

describe('piped stdout', () => {
  it('never holds text that Coder voided (preview_reset after a failed attempt)', async () => {
    await start({ agent: () => retriedAnswer, framing: 'array' });
    const r = await runProcess(['chat', 'go'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('The real answer.\n');
    expect(r.stderr).toContain('· retrying (attempt 1');
  }, PROCESS_TIMEOUT);

  it('separates assistant messages with a blank line; progress goes to stderr on lines of its own', async () => {
    await start({ agent: () => twoMessages });
    const r = await runProcess(['chat', 'go'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('First I look.\n\nThen I answer.\n');
    const lines = r.stderr.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['· running', '· tool: read_file', '· waiting']));
    expect(r.stderr.endsWith('\n')).toBe(true);
  }, PROCESS_TIMEOUT);

  it('prints nothing streamed that was never persisted; an agent error goes to stderr only', async () => {
    await start({ agent: () => [{ status: 'running' }, { text: 'half-written, never persisted' }, { error: { message: 'Provider quota exceeded.' } }] });
    const r = await runProcess(['chat', 'go'], env());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('coder-agent: the agent stopped with an error: Provider quota exceeded.');
  }, PROCESS_TIMEOUT);

  it('says on stderr, not stdout, that the agent wrote no answer', async () => {
    await start({ agent: () => [{ status: 'running' }, { status: 'waiting' }] });
    const r = await runProcess(['chat', 'go'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('coder-agent: The agent finished without writing an answer.\n');
  }, PROCESS_TIMEOUT);
});

/** Runs the CLI in-process with stdout and stderr both a terminal `columns` wide. */
async function onTerminal(argv: string[], columns: number) {
  const term = new VirtualTerminal(columns);
  const raw: string[] = [];
  const sink = { isTTY: true, columns, write: (s: string) => (raw.push(s), term.write(s)) };
  const code = await runCli(argv, {
    stdout: sink,
    stderr: { isTTY: true, write: (s: string) => (raw.push(s), term.write(s)) },
    env: env(),
  });
  return { code, screen: term.screen(), raw: raw.join('') };
}

describe('on a terminal', () => {
  it('streams deltas, then erases the voided text (wrapped over several rows) and shows the real answer', async () => {
    await start({ agent: () => retriedAnswer, framing: 'array' });
    const r = await onTerminal(['chat', 'go'], 24);
    expect(r.code).toBe(0);
    // The voided text was on screen (streamed live) and was taken off it.
    expect(r.raw).toContain('DISCARDED-PARTIAL');
    expect(r.screen.join('\n')).not.toMatch(/DISCARDED|Let me start/);
    expect(r.screen).toContain('The real answer.');
    expect(r.screen.join('')).toContain(`chat ${fake!.url}/agents/`);
    // The retry line stays visible, on a line of its own.
    expect(r.screen.some((l) => l.startsWith('· retrying (attempt 1'))).toBe(true);
  });

  it('separates messages with a blank line and never puts a status line inside a sentence', async () => {
    await start({ agent: () => twoMessages });
    const r = await onTerminal(['chat', 'go'], 80);
    expect(r.code).toBe(0);
    const screen = r.screen;
    const first = screen.indexOf('First I look.');
    const second = screen.indexOf('Then I answer.');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    // Between them: status lines, each whole, and one blank line.
    const between = screen.slice(first + 1, second);
    expect(between.every((l) => l === '' || l.startsWith('· '))).toBe(true);
    expect(between.filter((l) => l === '')).toHaveLength(1);
    expect(between).toContain('· tool: read_file');
  });

  it('the binary on a pseudo-terminal (util-linux script) takes the terminal path', async () => {
    await start({ agent: () => retriedAnswer, framing: 'array' });
    const command = [process.execPath, BIN, 'chat', 'go'].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { PATH: process.env['PATH'], TERM: 'xterm', COLUMNS: '40', LINES: '40', ...env() },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    // Streamed live (only the terminal path prints deltas), then erased (ESC[J) and redrawn.
    expect(out).toContain('DISCARDED-PARTIAL');
    expect(out).toContain('\u001b[J');
    const term = new VirtualTerminal(80);
    term.write(out.replace(/\r\n/g, '\n'));
    expect(term.screen().join('\n')).not.toContain('DISCARDED');
    expect(term.screen()).toContain('The real answer.');
  }, PROCESS_TIMEOUT);
});
