/**
 * Runs the fake Coder in its own process, so that what the bench measures in
 * the follower's process is the follower's memory, not the server's.
 * Prints its URL on the first line of stdout.
 */
import { FakeCoder, profile, type AgentStep } from '../test/fakes/fake-coder.js';

const holdMs = Number(process.env['HOLD_MS'] ?? '3000');
const steps: AgentStep[] = [
  { status: 'running' },
  { text: 'Working on it. ' },
  { delayMs: holdMs },
  { text: 'Done: the change is ready.' },
  { persist: true },
  { status: 'waiting' },
];
// The current release's profile: v2 prefix, bare arrays, organization required, parts with their attempt.
const fake = await FakeCoder.start(profile('v2.38', { agent: () => steps, pingIntervalMs: 15_000 }));
process.stdout.write(`${fake.url}\n`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
