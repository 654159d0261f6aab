/**
 * The Action's inputs, read and validated in one place and turned into one
 * settings object (the pattern of actions/checkout's input-helper).
 */
import { maskUrl } from '../url-mask.js';
import * as core from '@actions/core';
import type { AgentSettings } from '../agent/run.js';
import { DEFAULT_TRIGGER_PHRASE } from '../agent/command.js';
import { isChatId } from '../agent/marker.js';
import { OutputSchemaError, readOutputSchema } from '../agent/output-schema.js';

export class InputError extends Error {
  override readonly name = 'InputError';
}

export interface ActionInputs {
  coderUrl: string;
  coderToken: string;
  coderOrganization?: string | undefined;
  githubToken: string;
  botLogin?: string | undefined;
  /** `issue`: the issue or pull request (number or URL) a workflow run reports into; parsed by agent/workflow-target.ts. */
  issue?: string | undefined;
  agent: AgentSettings;
}

/** A chat id, or the chat's page in Coder (`.../agents/<id>`), as people copy it. */
export function parseChatIdInput(raw: string): string {
  const value = raw.trim();
  const fromUrl = /\/agents\/([0-9a-fA-F-]{8,64})\/?(?:[?#].*)?$/.exec(value)?.[1];
  const id = fromUrl ?? value;
  if (!isChatId(id)) throw new InputError(`The input "chat-id" must be a Coder chat id or its URL like https://coder.example.com/agents/<id> (got "${raw}").`);
  return id;
}

function bool(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim().toLowerCase();
  if (raw === '') return fallback;
  if (['true', 'yes', '1', 'on'].includes(raw)) return true;
  if (['false', 'no', '0', 'off'].includes(raw)) return false;
  throw new InputError(`The input "${name}" must be true or false (got "${raw}").`);
}

function optional(name: string): string | undefined {
  return core.getInput(name).trim() || undefined;
}

/** `output-schema`: inline JSON or a path in the workspace (GITHUB_WORKSPACE). */
export async function readOutputSchemaInput(env: NodeJS.ProcessEnv): Promise<Record<string, unknown> | undefined> {
  const raw = optional('output-schema');
  if (!raw) return undefined;
  try {
    return await readOutputSchema(raw, env['GITHUB_WORKSPACE'] || process.cwd(), 'The input "output-schema"');
  } catch (err) {
    if (err instanceof OutputSchemaError) throw new InputError(err.message);
    throw err;
  }
}

/** A comma- or newline-separated list input. */
function list(name: string): string[] {
  return core
    .getInput(name)
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Reads every input. The Coder inputs are masked and read here but checked
 * only by `requireCoderInputs`, once the event is known to call the agent:
 * workflows on pull requests from forks and Dependabot's get no secrets, and
 * a comment that never calls the agent must not fail for want of one.
 */
export function readInputs(): ActionInputs {
  const coderToken = core.getInput('coder-token').trim();
  // Mask first, before anything can print it.
  if (coderToken) core.setSecret(coderToken);
  const githubToken = core.getInput('github-token').trim();
  if (githubToken) core.setSecret(githubToken);

  const coderUrl = core.getInput('coder-url').trim();
  if (!githubToken) throw new InputError('The input "github-token" is empty; leave it unset to use the workflow token.');

  const timeoutRaw = core.getInput('timeout-minutes').trim() || '60';
  const timeoutMinutes = Number(timeoutRaw);
  if (!Number.isFinite(timeoutMinutes) || timeoutMinutes <= 0) {
    throw new InputError(`The input "timeout-minutes" must be a positive number (got "${timeoutRaw}").`);
  }
  const systemPrompt = optional('system-prompt');
  if (systemPrompt && systemPrompt.length > 10_000) {
    throw new InputError(`The input "system-prompt" is ${systemPrompt.length} characters; Coder accepts at most 10,000.`);
  }
  const triggerPhrase = optional('trigger-phrase') ?? DEFAULT_TRIGGER_PHRASE;
  const chatIdRaw = optional('chat-id');
  const issue = optional('issue');
  const newChat = bool('new-chat', false);
  if (chatIdRaw && newChat) throw new InputError('The inputs "chat-id" and "new-chat: true" contradict each other: set one of them.');
  if (/\s/.test(triggerPhrase)) throw new InputError(`The input "trigger-phrase" must be one word, like /agent (got "${triggerPhrase}").`);

  return {
    coderUrl,
    coderToken,
    coderOrganization: optional('coder-organization'),
    githubToken,
    botLogin: optional('bot-login'),
    issue,
    agent: {
      triggerPhrase,
      labelTrigger: optional('label-trigger'),
      prompt: optional('prompt'),
      allowedBots: list('allowed-bots'),
      assigneeTrigger: list('assignee-trigger'),
      removeLabelWhenDone: bool('remove-label-when-done', false),
      ciFeedback: bool('ci-feedback', true),
      rerunOnEdit: bool('rerun-on-edit', false),
      archiveOnClose: bool('archive-on-close', true),
      workspaceId: optional('workspace-id'),
      model: optional('model'),
      systemPrompt,
      timeoutMs: timeoutMinutes * 60_000,
      wait: bool('wait', true),
      comment: bool('comment', true),
      chatId: chatIdRaw === undefined ? undefined : parseChatIdInput(chatIdRaw),
      newChat,
      // A workflow reporting into a thread keeps that thread's chat going across runs.
      continueThreadChat: issue !== undefined,
    },
  };
}

/**
 * Checks the Coder inputs, for a run that calls the agent. Throws
 * `InputError`; a missing token names the usual cause (secrets withheld from
 * forks and Dependabot, docs/action.md "Forked pull requests and Dependabot").
 */
export function requireCoderInputs(inputs: ActionInputs): void {
  const { coderUrl, coderToken } = inputs;
  const noSecrets =
    'GitHub passes no secrets to workflows run for pull requests from forks or by Dependabot; see "Forked pull requests and Dependabot" in docs/action.md.';
  if (!coderUrl) throw new InputError(`The input "coder-url" is required: the URL of your Coder deployment, e.g. https://coder.example.com. ${noSecrets}`);
  if (!/^https?:\/\/[^\s/]+/i.test(coderUrl)) throw new InputError(`The input "coder-url" must be an http(s) URL (got "${maskUrl(coderUrl)}").`);
  if (!coderToken) throw new InputError(`The input "coder-token" is required: a Coder session token, stored as a repository or organization secret. ${noSecrets}`);
}
