/**
 * The Action's clients: Octokit behind the GitHub port, and the Coder
 * client. A module of its own so that main.ts loads it (and Octokit, undici
 * and the Coder schemas with it) only for an event that calls the agent.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { githubHostOf } from '../agent/thread-label.js';
import { CoderClient } from '../coder/client.js';
import { withWriteBudget } from '../github/budgeted-port.js';
import { createOctokitPort } from '../github/octokit-port.js';
import { octokitRetryOptions } from '../github/octokit-options.js';
import type { GitHubPort } from '../github/port.js';
import { GITHUB_WRITE_BUDGET, WriteScheduler } from '../github/write-scheduler.js';
import type { Logger } from '../logger.js';
import { resolveBotLogin } from './bot-login.js';
import { InputError, type ActionInputs } from './inputs.js';

/**
 * Octokit behind the GitHub port, posting as `botLogin`. `meetsComments`:
 * the run reads a thread, so it must know its own comments (otherwise no
 * API call is made to ask who the token is).
 */
export async function connectGitHub(
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  meetsComments: boolean,
): Promise<{ github: GitHubPort; botLogin: string; githubHost: string | null }> {
  // Read before any request, so a malformed URL costs none.
  const githubHost = serverHostOf(env);
  const octokit = getOctokit(
    inputs.githubToken,
    { baseUrl: env['GITHUB_API_URL'] || 'https://api.github.com', ...octokitRetryOptions(logger) },
    retry,
    throttling,
  );
  const portOptions = { logger, enterpriseHost: githubHost ?? undefined };
  // Who the token posts as: asked of GitHub (GraphQL viewer), `bot-login` only overrides, never guessed (bot-login.ts).
  const botLogin = await resolveBotLogin({ override: inputs.botLogin, meetsComments, whoAmI: () => createOctokitPort(octokit, portOptions).whoAmI() });
  // GitHub's write budget (write-scheduler.ts): the answer goes before progress edits.
  const github = withWriteBudget(createOctokitPort(octokit, { ...portOptions, botLogin }), new WriteScheduler(GITHUB_WRITE_BUDGET, logger));
  return { github, botLogin, githubHost };
}

export function connectCoder(inputs: ActionInputs, onRetryMessage: (message: string) => void): CoderClient {
  return new CoderClient({
    url: inputs.coderUrl,
    token: inputs.coderToken,
    organization: inputs.coderOrganization,
    userAgent: 'coder-agent-bot-action',
    onRetry: (r) => onRetryMessage(`Coder ${r.path}: ${r.reason}; retrying in ${r.delayMs} ms (attempt ${r.attempt})`),
  });
}

/**
 * The GitHub host the runner serves (`GITHUB_SERVER_URL`, thread-label.ts
 * `githubHostOf`): null for github.com or when unset. Chats' thread labels
 * name it, and images are fetched from it. Throws InputError on a value that
 * is not a URL, without echoing it (it could hold credentials).
 */
function serverHostOf(env: NodeJS.ProcessEnv): string | null {
  try {
    return githubHostOf(env['GITHUB_SERVER_URL']);
  } catch {
    throw new InputError('GITHUB_SERVER_URL is not a URL (GitHub sets it on every runner, e.g. https://github.com); check the workflow\'s env.');
  }
}
