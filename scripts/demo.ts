/**
 * `npm run demo`: the real `coder-agent` CLI against the project's FAKE Coder
 * server, for someone without a Coder deployment at hand. Everything the
 * agent "does" here is scripted; nothing leaves this machine.
 */
import { runCli } from '../src/cli/main.js';
import { FakeCoder, type AgentStep } from '../test/fakes/fake-coder.js';

const prompt = process.argv.slice(2).join(' ') || 'Why does the auth test flake?';
const answer = [
  'The flake comes from `retryLogin()` racing the token refresh: both read the',
  'same expiry and the slower one overwrites the fresh token with the stale one.',
  '',
  'I serialised the refresh behind a single promise and added a regression test',
  'that runs the two paths concurrently 200 times.',
].join('\n');

const words = answer.split(/(?<= )/);
const steps: AgentStep[] = [
  { status: 'running' },
  { delayMs: 300 },
  { toolCall: { name: 'read_file', args: { path: 'src/auth/login.ts' }, result: '…' } },
  { delayMs: 300 },
  { toolCall: { name: 'execute', args: { command: 'npm test -- auth' }, result: '1 failed' } },
  { delayMs: 300 },
  ...words.flatMap((text): AgentStep[] => [{ text }, { delayMs: 25 }]),
  { persist: true },
  { status: 'waiting' },
];

const fake = await FakeCoder.start({ agent: () => steps, framing: 'array' });
// Drop the stream once mid-answer to show the follower resuming without losing or repeating text.
fake.dropStreamsAfterFrames(12);
process.stderr.write(
  [
    '┌──────────────────────────────────────────────────────────────────────┐',
    '│ SIMULATION — a fake Coder server on this machine plays the agent.    │',
    '│ Point CODER_URL and CODER_SESSION_TOKEN at a real deployment and run │',
    '│   npm run coder-agent -- chat "your prompt"                          │',
    '│ for the real thing.                                                  │',
    '└──────────────────────────────────────────────────────────────────────┘',
    `$ coder-agent chat "${prompt}"`,
    '',
  ].join('\n'),
);
const code = await runCli(['chat', prompt], {
  stdout: process.stdout,
  stderr: process.stderr,
  env: { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.options.token },
});
await fake.close();
process.stderr.write(`\n(exit code ${code})\n`);
process.exitCode = code;
