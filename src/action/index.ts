/**
 * Entry of the bundled Action (dist/index.js). Thin on purpose: it reads the
 * event, answers the common "nothing to do" without loading the rest, wires
 * the runner's cancel signals, and calls run().
 *
 * main.js is imported lazily, after the event file is read: @actions/github
 * parses that file when it loads, and a malformed one must get a clear
 * error, not a stack trace.
 */
import * as core from '@actions/core';
import { DEFAULT_TRIGGER_PHRASE } from '../agent/command.js';
import { readEvent, type ActionEvent } from './event.js';
import { ActionOutputs } from './outputs.js';
import { quickSkipReason } from './quick-skip.js';
import { writeSummary } from './summary.js';

/**
 * The runner cancels a step with SIGINT, then SIGTERM 7.5 s later, then
 * SIGKILL 2.5 s after that (actions/runner, ProcessInvoker). The run winds
 * down on the first signal (final comment, interrupt); if that is not done
 * within this long, the outputs are written and the process exits anyway,
 * before the SIGKILL would lose them.
 */
const CANCEL_GRACE_MS = 8000;
/** After SIGTERM only 2.5 s remain. */
const AFTER_SIGTERM_MS = 1500;

const outputs = new ActionOutputs();
const controller = new AbortController();
let deadline: NodeJS.Timeout | undefined;
let deadlineAt = Infinity;

function exitBeforeKill(): void {
  outputs.values.status = 'aborted';
  outputs.write();
  core.setFailed('The run was cancelled, and winding down took too long; the outputs were written before the runner ends the step.');
  process.exit(1);
}

function onCancel(graceMs: number): void {
  if (!controller.signal.aborted) {
    core.info('The run was cancelled: stopping the agent and writing the outcome.');
    controller.abort();
  }
  // The earliest deadline wins; the timer keeps no process alive on its own.
  if (Date.now() + graceMs >= deadlineAt) return;
  deadlineAt = Date.now() + graceMs;
  if (deadline) clearTimeout(deadline);
  deadline = setTimeout(exitBeforeKill, graceMs);
  deadline.unref();
}
// `on`, not `once`: a second signal must not fall back to Node's default, which exits at once without outputs.
process.on('SIGINT', () => onCancel(CANCEL_GRACE_MS));
process.on('SIGTERM', () => onCancel(controller.signal.aborted ? AFTER_SIGTERM_MS : CANCEL_GRACE_MS));

let event: ActionEvent | undefined;
try {
  event = readEvent(process.env);
} catch (err) {
  outputs.values.status = 'failed';
  outputs.write();
  core.setFailed((err as Error).message);
}
if (event) {
  const reason = quickSkipReason(event, { triggerPhrase: core.getInput('trigger-phrase') || DEFAULT_TRIGGER_PHRASE, prompt: core.getInput('prompt') });
  if (reason !== undefined) {
    const result = { status: 'skipped', reason } as const;
    outputs.report(result);
    core.info(`Nothing to do: ${reason}`);
    await writeSummary(result, process.env).catch((err: unknown) => core.warning(`Could not write the job summary: ${(err as Error).message}`));
    outputs.write();
  } else {
    const { run } = await import('./main.js');
    await run({ event, signal: controller.signal, outputs });
  }
}
