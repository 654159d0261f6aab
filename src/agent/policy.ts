/**
 * Who may start the agent (DESIGN.md, "Safety rules"): people with write,
 * maintain or admin permission on the repository, read from the
 * collaborator permission API (author_association alone can be stale or
 * wrong for org members); bots by account type only when listed; and never
 * the bot itself, so it cannot answer its own comments in a loop.
 */
import type { GitHubPort, Permission } from '../github/port.js';
import type { Actor, Trigger } from './trigger.js';

const WRITERS: ReadonlySet<Permission> = new Set(['admin', 'maintain', 'write']);

export type PolicyDecision =
  | { allowed: true; via: 'permission' | 'allowed-bot' | 'workflow' }
  /** `quiet`: not worth a comment in the thread (the bot's own comment). */
  | { allowed: false; reason: string; quiet: boolean };

export interface PolicySettings {
  /** The login the bot posts as. */
  botLogin: string;
  /** Bot logins allowed to trigger, e.g. `renovate[bot]`; `*` allows every bot. */
  allowedBots: readonly string[];
}

/** GitHub App bots have type `Bot`; a `[bot]` suffix is a bot whatever the payload says. */
export function isBot(actor: Pick<Actor, 'login' | 'type'>): boolean {
  return actor.type === 'Bot' || /\[bot\]$/i.test(actor.login);
}

const sameLogin = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const withoutBotSuffix = (login: string) => login.replace(/\[bot\]$/i, '');

export async function decideTrigger(trigger: Trigger, settings: PolicySettings, github: GitHubPort): Promise<PolicyDecision> {
  // schedule and workflow_dispatch: the workflow file itself is the request,
  // and only people who can push can change it or dispatch it.
  if (trigger.event === 'schedule' || trigger.event === 'workflow_dispatch') return { allowed: true, via: 'workflow' };
  const actor = trigger.author ?? trigger.sender;
  if (!actor) {
    return { allowed: false, reason: 'The event names no author, so there is nobody whose permission could be checked.', quiet: true };
  }
  if (sameLogin(actor.login, settings.botLogin) || sameLogin(withoutBotSuffix(actor.login), withoutBotSuffix(settings.botLogin))) {
    return { allowed: false, reason: `@${actor.login} is this bot; it never answers itself.`, quiet: true };
  }
  if (isBot(actor)) {
    const listed = settings.allowedBots.some((b) => b === '*' || sameLogin(withoutBotSuffix(b), withoutBotSuffix(actor.login)));
    if (listed) return { allowed: true, via: 'allowed-bot' };
    return {
      allowed: false,
      reason: `@${actor.login} is a bot, and bots may not start the agent unless listed in allowed-bots.`,
      quiet: true,
    };
  }
  const permission = await github.getPermission(trigger.repository.owner, trigger.repository.repo, actor.login);
  if (WRITERS.has(permission)) return { allowed: true, via: 'permission' };
  return {
    allowed: false,
    reason: `@${actor.login} has ${permission === 'none' ? 'no' : `"${permission}"`} permission on ${trigger.repository.owner}/${trigger.repository.repo}; starting the agent needs write, maintain or admin.`,
    quiet: false,
  };
}
