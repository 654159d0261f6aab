/**
 * Who may start the agent (DESIGN.md, "Safety rules"): people with write,
 * maintain or admin permission on the repository, read from the
 * collaborator permission API (author_association alone can be stale or
 * wrong for org members); bots by account type only when listed; and never
 * the bot itself, so it cannot answer its own comments in a loop.
 *
 * The person checked is the one whose action caused the event (issue 8,
 * kind 2): the commenter for a comment or review (who is also its author),
 * the labeller for `labeled`, the editor for `edited`, the assigner for
 * `assigned` — GitHub's `sender`. An issue's author is not asked: a
 * maintainer labelling an outsider's report is the normal case, and a triage
 * user labelling a writer's issue must not borrow the writer's permission.
 */
import type { GitHubPort, Permission } from '../github/port.js';
import type { Actor, RepositoryRef, Trigger } from './trigger.js';

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

/**
 * Whether `actor` is the bot itself: the same login, or, for a bot account,
 * the same login but for `[bot]` (`bot-login: coder-agent` names the App
 * `coder-agent[bot]`). A person is never the bot because their login equals
 * the App's slug: `coder-agent` the user and `coder-agent[bot]` the App are
 * different accounts, and GitHub keeps `[bot]` for Apps.
 */
function isSelf(actor: Actor, botLogin: string): boolean {
  if (sameLogin(actor.login, botLogin)) return true;
  return isBot(actor) && sameLogin(withoutBotSuffix(actor.login), withoutBotSuffix(botLogin));
}

export async function decideTrigger(trigger: Trigger, settings: PolicySettings, github: GitHubPort): Promise<PolicyDecision> {
  // schedule and workflow_dispatch: the workflow file itself is the request,
  // and only people who can push can change it or dispatch it. That holds in
  // the workflow's own repository only: a target thread in another one is
  // checked before this (workflow-target.ts, authorizeTarget).
  if (trigger.event === 'schedule' || trigger.event === 'workflow_dispatch') return { allowed: true, via: 'workflow' };
  const actors = actorsOf(trigger);
  if (actors.length === 0) {
    return { allowed: false, reason: 'The event names nobody who caused it, so there is nobody whose permission could be checked.', quiet: true };
  }
  let decision: PolicyDecision = { allowed: false, reason: 'unreachable', quiet: true };
  for (const actor of actors) {
    decision = await decideActor(actor, trigger.repository, settings, github);
    if (!decision.allowed) return decision;
  }
  return decision;
}

/** Events whose text is written by the person who sent them: the author must be that person too. */
const AUTHORED_EVENTS: ReadonlySet<string> = new Set(['issue_comment', 'pull_request_review_comment', 'pull_request_review']);

/**
 * Everyone who must be allowed: the sender (who caused the event) and, for
 * comments and reviews, their author, were the two ever to differ.
 */
export function actorsOf(trigger: Pick<Trigger, 'event' | 'author' | 'sender'>): Actor[] {
  const actors: Actor[] = [];
  const sender = trigger.sender ?? (AUTHORED_EVENTS.has(trigger.event) ? null : trigger.author);
  if (sender) actors.push(sender);
  const author = trigger.author;
  if (AUTHORED_EVENTS.has(trigger.event) && author && !actors.some((a) => sameLogin(a.login, author.login))) actors.push(author);
  return actors;
}

/** Whether `actor` may start the agent in `repository`: never the bot itself, listed bots, people with write access. */
export async function decideActor(actor: Actor, repository: RepositoryRef, settings: PolicySettings, github: GitHubPort): Promise<PolicyDecision> {
  // Before the allowed-bots list, so neither `*` nor listing the bot's own login lets it answer itself.
  if (isSelf(actor, settings.botLogin)) {
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
  const permission = await github.getPermission(repository.owner, repository.repo, actor.login);
  if (WRITERS.has(permission)) return { allowed: true, via: 'permission' };
  return {
    allowed: false,
    reason: `@${actor.login} has ${permission === 'none' ? 'no' : `"${permission}"`} permission on ${repository.owner}/${repository.repo}; starting the agent needs write, maintain or admin.`,
    quiet: false,
  };
}
