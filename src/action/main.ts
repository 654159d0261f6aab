/**
 * The GitHub Action: inputs and event in; outputs, a job summary and the exit
 * status out. All the work is in agent/; this file only wires the runner's
 * world to it.
 */
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { redactSecrets } from '../agent/render.js';
import { handleTrigger, isFailure, type RunResult } from '../agent/run.js';
import { parseTrigger, TriggerError } from '../agent/trigger.js';
import { parseIssueTarget, retarget, TargetError } from '../agent/workflow-target.js';
import { GitHubError } from '../github/errors.js';
import { CoderClient } from '../coder/client.js';
import { withWriteBudget } from '../github/budgeted-port.js';
import { createOctokitPort } from '../github/octokit-port.js';
import { octokitRetryOptions } from '../github/octokit-options.js';
import { GITHUB_WRITE_BUDGET, WriteScheduler } from '../github/write-scheduler.js';
import type { Logger } from '../logger.js';
import { BotLoginError, resolveBotLogin } from './bot-login.js';
import { InputError, readInputs, readOutputSchemaInput } from './inputs.js';
import { emptyOutputs, reportOutputs } from './outputs.js';
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
  event: { name: string; payload: unknown };
  /** Aborted when the runner cancels the job (SIGINT, then SIGTERM). */
  signal?: AbortSignal;
}

export async function run(opts: RunOptions): Promise<void> {
  const env = opts.env ?? process.env;
  const outputs = emptyOutputs();
  let secrets: string[] = [];
  try {
    const inputs = readInputs();
    secrets = [inputs.coderToken, inputs.githubToken];
    let trigger = parseTrigger(opts.event.name, opts.event.payload);
    const target = inputs.issue === undefined ? undefined : parseIssueTarget(inputs.issue, trigger.repository);
    const outputSchema = await readOutputSchemaInput(env);
    if (outputSchema) inputs.agent.outputSchema = outputSchema;

    const octokit = getOctokit(
      inputs.githubToken,
      { baseUrl: env['GITHUB_API_URL'] || 'https://api.github.com', ...octokitRetryOptions(coreLogger) },
      retry,
      throttling,
    );
    const serverHost = hostOf(env['GITHUB_SERVER_URL']);
    const portOptions = { logger: coreLogger, enterpriseHost: serverHost && serverHost !== 'github.com' ? serverHost : undefined };
    // Who the token posts as: an App's installation token and the workflow token both start with `ghs_`, so
    // GitHub is asked (GraphQL viewer, octokit-port.ts); `bot-login` only overrides. Never guessed (bot-login.ts).
    const botLogin = await resolveBotLogin({
      override: inputs.botLogin,
      meetsComments: Boolean(trigger.thread) || target !== undefined,
      whoAmI: () => createOctokitPort(octokit, portOptions).whoAmI(),
    });
    // GitHub's write budget (write-scheduler.ts): the answer goes before progress edits.
    const github = withWriteBudget(createOctokitPort(octokit, { ...portOptions, botLogin }), new WriteScheduler(GITHUB_WRITE_BUDGET, coreLogger));
    const coder = new CoderClient({
      url: inputs.coderUrl,
      token: inputs.coderToken,
      organization: inputs.coderOrganization,
      userAgent: 'coder-agent-bot-action',
      onRetry: (r) => core.info(`Coder ${r.path}: ${r.reason}; retrying in ${r.delayMs} ms (attempt ${r.attempt})`),
    });

    if (target) trigger = await retarget(trigger, target, github).catch((err: unknown) => Promise.reject(targetUnreadable(err, target)));
    const result = await handleTrigger(trigger, inputs.agent, {
      coder,
      github,
      botLogin,
      logger: coreLogger,
      secrets,
      signal: opts.signal,
    });
    reportOutputs(result, outputs);
    if (result.status === 'skipped' || result.status === 'refused') core.info(`Nothing to do: ${result.reason ?? result.status}`);
    await writeSummary(result, env).catch((err: unknown) => core.warning(`Could not write the job summary: ${(err as Error).message}`));
    if (isFailure(result.status)) core.setFailed(failureMessage(result));
  } catch (err) {
    outputs['status'] = 'failed';
    const known = err instanceof InputError || err instanceof TriggerError || err instanceof TargetError || err instanceof BotLoginError;
    const message = known ? err.message : `Unexpected error: ${(err as Error)?.message ?? String(err)}`;
    core.setFailed(redactSecrets(message, secrets));
    if (!known && err instanceof Error && err.stack) core.debug(redactSecrets(err.stack, secrets));
  } finally {
    for (const [k, v] of Object.entries(outputs)) core.setOutput(k, redactSecrets(v, secrets));
  }
}

/** The `issue` input names a thread this token cannot read: say which and why, not a stack. */
function targetUnreadable(err: unknown, target: { owner: string; repo: string; number: number }): Error {
  if (!(err instanceof GitHubError)) return err as Error;
  const where = `${target.owner}/${target.repo}#${target.number}`;
  const why = err.status === 404 ? 'it does not exist or the github-token cannot see it' : err.message;
  return new TargetError(`The input "issue" names ${where}, which could not be read: ${why}.`);
}

function failureMessage(r: RunResult): string {
  const where = r.chatUrl ? ` See ${r.chatUrl}` : '';
  switch (r.status) {
    case 'error':
      return `The agent stopped with an error.${where}`;
    case 'timeout':
      return `The agent did not finish within timeout-minutes.${where}`;
    case 'aborted':
      return `The run was cancelled before the agent finished.${where}`;
    default:
      return `${r.reason ?? 'The run failed.'}${where}`;
  }
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}
