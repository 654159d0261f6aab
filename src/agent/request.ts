/**
 * What a trigger asks for: a prompt (new chat or follow-up), a fresh chat, a
 * stop, or nothing. A direct `prompt` setting (a workflow's input) needs no
 * trigger phrase; adding the configured `label-trigger` label asks the agent
 * to work on the issue as written; otherwise the phrase must start a line of
 * the text.
 */
import { parseAgentCommand } from './command.js';
import { isTriggeringAction, type Trigger } from './trigger.js';

export type AgentRequest =
  | { kind: 'prompt'; prompt: string; direct: boolean }
  | { kind: 'new'; prompt: string }
  | { kind: 'stop' }
  | { kind: 'none'; reason: string };

export interface RequestOptions {
  triggerPhrase: string;
  prompt?: string | undefined;
  /** The label whose addition starts the agent on an issue or pull request (`label-trigger`); unset: labels start nothing. */
  labelTrigger?: string | undefined;
  /** Accounts whose assignment to an issue starts a chat with the issue as the prompt (`assignee-trigger`). */
  assigneeTrigger?: readonly string[] | undefined;
  /** An edited comment or issue body that changes the request runs it (as a follow-up); off by default (`rerun-on-edit`). */
  rerunOnEdit?: boolean | undefined;
}

/** What an assignment asks: the issue itself (title and body go to the chat as its context). */
export const ASSIGNED_PROMPT =
  'You have been assigned this issue. Work on it as its title and description ask; when a code change is needed, push a branch and open a pull request that refers to the issue.';

export function resolveRequest(trigger: Trigger, opts: RequestOptions): AgentRequest {
  const direct = opts.prompt?.trim();
  if (direct) return { kind: 'prompt', prompt: direct, direct: true };
  if (!isTriggeringAction(trigger)) {
    return { kind: 'none', reason: `"${trigger.event}" with action "${trigger.action ?? ''}" does not start the agent.` };
  }
  if (trigger.action === 'labeled') return labelRequest(trigger, opts.labelTrigger);
  if (trigger.event === 'issues' && trigger.action === 'assigned') return resolveAssignment(trigger, opts.assigneeTrigger ?? []);
  if (!trigger.text.trim()) {
    return { kind: 'none', reason: `The "${trigger.event}" event carries no text and no prompt input was given.` };
  }
  const command = parseAgentCommand(trigger.text, opts.triggerPhrase);
  if (!command) return { kind: 'none', reason: `The text does not start a line with "${opts.triggerPhrase}".` };
  if (trigger.action === 'edited') {
    // Off by default: an edit must never quietly run a request again (DESIGN.md: content edited after the trigger is not trusted).
    if (!opts.rerunOnEdit) return { kind: 'none', reason: 'Editing a request does not run it again (rerun-on-edit is off).' };
    // Only an edit that adds or changes the request starts it; fixing a typo elsewhere does not. A title
    // edit leaves the body as it was: the editor authorises the run (policy.ts), so re-reading the body
    // would let a maintainer's title fix start an outsider's request (review-sec finding 10).
    if (trigger.previousText === null) return { kind: 'none', reason: 'The edit did not change the text.' };
    const before = parseAgentCommand(trigger.previousText, opts.triggerPhrase);
    if (before && JSON.stringify(before) === JSON.stringify(command)) {
      return { kind: 'none', reason: 'The edit did not change the request in the issue.' };
    }
  }
  if (command.kind === 'stop') return command;
  if (command.kind === 'new') return command;
  return { kind: 'prompt', prompt: command.prompt, direct: false };
}

/**
 * Whether the trigger could be a request under some repository config, for
 * the App when `.github/coder-agent.yml` could not be read: false only where
 * `resolveRequest` answers "none" whatever `trigger-phrase`, `label-trigger`,
 * `assignee-trigger` and `rerun-on-edit` say. Everything else could be one:
 * the phrase may be any one word (repo-config.ts), so any text with a
 * non-blank line could start with it. Reads no Markdown (linear, cheap).
 */
export function mayBeRequest(trigger: Trigger): boolean {
  if (!isTriggeringAction(trigger)) return false;
  // Any label may be the configured one, any assignee a listed account.
  if (trigger.action === 'labeled') return (trigger.label ?? '').trim() !== '';
  if (trigger.event === 'issues' && trigger.action === 'assigned') return trigger.assignee !== null;
  if (!trigger.text.trim()) return false;
  // An edit that left the text as it was asks nothing new under any phrase (resolveRequest compares the two commands).
  if (trigger.action === 'edited') return trigger.previousText !== null && trigger.previousText !== trigger.text;
  return true;
}

/**
 * `labeled`: only the configured label starts the agent, and then the
 * request is the issue itself. The labeller authorises it (policy.ts checks
 * the labeller's permission); the issue's title and body stay untrusted
 * context, which the chat input fences and labels as such, so this
 * instruction is written by the bot and names only the thread and who asked.
 * GitHub treats label names case-insensitively, and so does this.
 */
function labelRequest(trigger: Trigger, labelTrigger: string | undefined): AgentRequest {
  const wanted = labelTrigger?.trim();
  if (!wanted) return { kind: 'none', reason: 'Labels start the agent only when label-trigger is set.' };
  if (trigger.label === null || trigger.label.toLowerCase() !== wanted.toLowerCase()) {
    return { kind: 'none', reason: `The label added is not "${wanted}" (label-trigger).` };
  }
  const noun = trigger.thread?.isPullRequest ? 'pull request' : 'issue';
  const by = trigger.sender ? ` by @${trigger.sender.login}` : '';
  return { kind: 'new', prompt: `Work on this ${noun} as its title and description ask. The "${wanted}" label was added${by} to request it.` };
}

function resolveAssignment(trigger: Trigger, accounts: readonly string[]): AgentRequest {
  const login = trigger.assignee?.login;
  const listed = login !== undefined && accounts.some((a) => a.replace(/^@/, '').toLowerCase() === login.toLowerCase());
  if (!listed) return { kind: 'none', reason: `The issue was assigned to ${login ? `@${login}` : 'nobody'}, not to an account in assignee-trigger.` };
  return { kind: 'prompt', prompt: ASSIGNED_PROMPT, direct: true };
}
