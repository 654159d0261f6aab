/**
 * Entry of the bundled Action (dist/index.js). Thin on purpose: it wires the
 * runner's cancel signals to an AbortSignal and calls run().
 *
 * main.js is imported lazily, after the event file is read: @actions/github
 * parses that file when it loads, and a malformed one must get a clear
 * error, not a stack trace.
 */
import * as core from '@actions/core';
import { readEvent } from './event.js';

const controller = new AbortController();
// The runner cancels a job with SIGINT, then SIGTERM a few seconds later.
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

let event: ReturnType<typeof readEvent> | undefined;
try {
  event = readEvent(process.env);
} catch (err) {
  core.setOutput('status', 'failed');
  core.setOutput('skipped', 'false');
  core.setFailed((err as Error).message);
}
if (event) {
  const { run } = await import('./main.js');
  await run({ event, signal: controller.signal });
}
