/**
 * The GitHub Action: inputs and event in; outputs, a job summary and the exit
 * status out. All the work is in agent/; this file only wires the runner's
 * world to it.
 *
 * Order matters: whether the event calls the agent is decided before the
 * Coder inputs are checked (forks and Dependabot get no secrets), and the
 * clients (Octokit, the Coder client) load only once a run needs them.
 */
import * as core from '@actions/core';
import { redactSecrets } from '../agent/render.js';
import { decideRun, handleTrigger, isFailure, type RunResult } from '../agent/run.js';
import { resolveRequest } from '../agent/request.js';
import { handleEvent, lifecycleEnabled, lifecycleEventOf } from '../agent/lifecycle.js';
import { parseTrigger, TriggerError, type Trigger } from '../agent/trigger.js';
import { authorizeTarget, parseIssueTarget, retarget, TargetError, type IssueTarget } from '../agent/workflow-target.js';
import { GitHubError } from '../github/errors.js';
import type { Logger } from '../logger.js';
import { BotLoginError } from './bot-login.js';
import type { ActionEvent } from './event.js';
import { InputError, readInputs, readOutputSchemaInput, requireCoderInputs, type ActionInputs } from './inputs.js';
import { ActionOutputs } from './outputs.js';
import { writeSummary } from './summary.js';

const coreLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warn: (m) => core.warning(m),
  error: (m) => core.error(m),
};

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** The event, read by the entry before this module (and @actions/github) loaded. */
  event: ActionEvent;
  /** Aborted when the runner cancels the job (SIGINT, then SIGTERM). */
  signal?: AbortSignal;
  /** Where the outputs are kept until written; the entry writes them itself if a cancel runs out of time. */
  outputs?: ActionOutputs;
}

export async function run(opts: RunOptions): Promise<void> {
  const env = opts.env ?? process.env;
  const outputs = opts.outputs ?? new ActionOutputs();
  try {
    const inputs = readInputs();
    outputs.secrets.push(inputs.coderToken, inputs.githubToken);
    const trigger = parseTrigger(opts.event.name, opts.event.payload);
    if (trigger.event === 'schedule' && !inputs.agent.prompt) {
      throw new InputError(
        'A "schedule" run needs the "prompt" input: a scheduled workflow has no comment to read a request from, so without a prompt it can never call the agent. Add `prompt:` to the step\'s `with:`.',
      );
    }
    const outputSchema = await readOutputSchemaInput(env);
    if (outputSchema) inputs.agent.outputSchema = outputSchema;

    const target = inputs.issue === undefined ? undefined : parseIssueTarget(inputs.issue, trigger.repository);
    const result = await carryOut(trigger, target, inputs, env, outputs, opts.signal);
    outputs.report(result);
    if (result.status === 'skipped' || result.status === 'refused') core.info(`Nothing to do: ${result.reason ?? result.status}`);
    await writeSummary(result, env).catch((err: unknown) => core.warning(`Could not write the job summary: ${(err as Error).message}`));
    if (isFailure(result.status)) core.setFailed(failureMessage(result));
    else if (result.deliveryError) core.setFailed(deliveryMessage(result));
  } catch (err) {
    outputs.values.status = 'failed';
    const known = err instanceof InputError || err instanceof TriggerError || err instanceof TargetError || err instanceof BotLoginError;
    const message = known ? err.message : `Unexpected error: ${(err as Error)?.message ?? String(err)}`;
    core.setFailed(redactSecrets(message, outputs.secrets));
    if (!known && err instanceof Error && err.stack) core.debug(redactSecrets(err.stack, outputs.secrets));
  } finally {
    outputs.write();
  }
}

/** The `issue` input names a thread this token cannot read: say which and why, not a stack. */
function targetUnreadable(err: unknown, target: { owner: string; repo: string; number: number }): Error {
  if (!(err instanceof GitHubError)) return err as Error;
  const where = `${target.owner}/${target.repo}#${target.number}`;
  // GitHub answers 404 too for an issue transferred to a repository the token cannot read ("Get an issue").
  const why = err.status === 404 ? 'it does not exist or the github-token cannot see it (nor, if it was transferred, its new repository)' : err.message;
  return new TargetError(`The input "issue" names ${where}, which could not be read: ${why}.`);
}

/** Decides (no client loads for an event without a request), then connects and runs. */
async function carryOut(
  event: Trigger,
  target: IssueTarget | undefined,
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  outputs: ActionOutputs,
  signal: AbortSignal | undefined,
): Promise<RunResult> {
  // A lifecycle event (a failed CI run, a thread closed or reopened) is no request: no phrase, no permission check.
  const lifecycle = lifecycleEventOf(event, inputs.agent);
  if (lifecycle && !lifecycleEnabled(lifecycle, inputs.agent)) return { status: 'skipped', reason: `${lifecycle === 'ci-failure' ? 'ci-feedback' : 'archive-on-close'} is off.` };
  const request = lifecycle ? undefined : resolveRequest(event, inputs.agent);
  if (request?.kind === 'none') return { status: 'skipped', reason: request.reason };
  const { connectCoder, connectGitHub } = await import('./clients.js');
  // A run with no thread (workflow_dispatch, schedule, without an `issue` target) never meets its own comments.
  const meetsComments = Boolean(event.thread) || target !== undefined;
  const { github, botLogin, githubHost } = await connectGitHub(inputs, env, coreLogger, meetsComments);
  if (target) {
    // Before the target is read: a thread in another repository needs the sender's access there (workflow-target.ts).
    const access = await authorizeTarget(event, target, { botLogin, allowedBots: inputs.agent.allowedBots }, github);
    if (!access.allowed && access.quiet) return { status: 'skipped', reason: access.reason };
    if (!access.allowed) throw new TargetError(access.reason);
  }
  const trigger = target ? await retarget(event, target, github).catch((err: unknown) => Promise.reject(targetUnreadable(err, target))) : event;
  if (lifecycle) {
    requireCoderInputs(inputs);
    const coder = connectCoder(inputs, (m) => core.info(m));
    return handleEvent(trigger, inputs.agent, { coder, github, botLogin, githubHost, logger: coreLogger, secrets: outputs.secrets, signal });
  }
  const decision = await decideRun(trigger, inputs.agent, { github, botLogin, logger: coreLogger });
  if (!decision.go) return decision.result;
  requireCoderInputs(inputs);
  const coder = connectCoder(inputs, (m) => core.info(m));
  return handleTrigger(trigger, inputs.agent, { coder, github, botLogin, githubHost, logger: coreLogger, secrets: outputs.secrets, signal, onStarted: (started) => outputs.started(started) }, decision);
}

function failureMessage(r: RunResult): string {
  const where = r.chatUrl ? ` See ${r.chatUrl}` : '';
  const delivery = r.deliveryError ? ` ${deliveryMessage(r)}` : '';
  switch (r.status) {
    case 'error':
      return `The agent stopped with an error.${where}${delivery}`;
    case 'timeout':
      return `The agent did not finish within timeout-minutes.${where}${delivery}`;
    case 'aborted':
      return `The run was cancelled before the agent finished.${where}${delivery}`;
    default:
      return `${r.reason ?? 'The run failed.'}${where}${delivery}`;
  }
}

/** The step fails when the thread does not show the outcome, even though the agent finished. */
function deliveryMessage(r: RunResult): string {
  const chat = r.chatUrl ? ` The chat: ${r.chatUrl}` : '';
  return `The outcome could not be written to the thread (${r.deliveryError?.replace(/\.$/, '')}); it is in the job summary and the "result" output.${chat}`;
}
