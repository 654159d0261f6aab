/**
 * Reads the workflow's event file. Done before @actions/github loads, because
 * that package parses the same file on load and a malformed one would end
 * the step with a stack trace instead of a sentence.
 */
import { readFileSync } from 'node:fs';
import { TriggerError } from '../agent/trigger-error.js';

export interface ActionEvent {
  /** `GITHUB_EVENT_NAME`: `issue_comment`, `schedule`, ... */
  name: string;
  payload: unknown;
}

export function readEvent(env: NodeJS.ProcessEnv): ActionEvent {
  const name = env['GITHUB_EVENT_NAME'] ?? '';
  const path = env['GITHUB_EVENT_PATH'];
  if (!path) return { name, payload: withRunnerContext({}, env) };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new TriggerError(name || 'unknown', [`the event file ${path} cannot be read`]);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new TriggerError(name || 'unknown', ['the event file is not valid JSON']);
  }
  return { name, payload: withRunnerContext(payload, env) };
}

/**
 * Fills what the runner knows and the payload may lack: the event file of a
 * `schedule` on GitHub Enterprise Server, and on github.com before late 2022,
 * holds only `{"schedule": "0 3 * * *"}`. The repository comes from
 * `GITHUB_REPOSITORY` (`owner/name`), the sender from `GITHUB_ACTOR` (and
 * `GITHUB_ACTOR_ID` where the runner sets it), the ref from `GITHUB_REF`, as
 * GitHub's documentation of the default variables describes them. Fields the
 * payload has are never replaced; anything that is not a JSON object is left
 * for the trigger parser to reject.
 */
export function withRunnerContext(payload: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const filled: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
  const [owner, repo, ...rest] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  if (filled['repository'] === undefined && owner && repo && rest.length === 0) {
    filled['repository'] = { name: repo, full_name: `${owner}/${repo}`, owner: { login: owner } };
  }
  const actor = env['GITHUB_ACTOR']?.trim();
  if (filled['sender'] === undefined && actor) {
    const id = Number(env['GITHUB_ACTOR_ID']);
    filled['sender'] = { login: actor, id: Number.isSafeInteger(id) ? id : 0, type: /\[bot\]$/i.test(actor) ? 'Bot' : 'User' };
  }
  if (filled['ref'] === undefined && env['GITHUB_REF']) filled['ref'] = env['GITHUB_REF'];
  return filled;
}
