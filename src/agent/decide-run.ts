/**
 * Whether a trigger calls the agent, decided before anything touches Coder
 * (issue 12, item 7): the request, and a person allowed to make it. An entry
 * asks first so it checks its Coder settings only for events that need them.
 */
import { decideTrigger } from './policy.js';
import { resolveRequest, type AgentRequest } from './request.js';
import type { AgentDeps, AgentSettings, RunResult } from './run-types.js';
import type { Trigger } from './trigger.js';

/** Whether a trigger calls the agent: the request to carry out, or the result of not doing so. */
export type RunDecision = { go: true; request: Exclude<AgentRequest, { kind: 'none' }> } | { go: false; result: RunResult };

/**
 * Decides whether the trigger calls the agent (a request, and a person
 * allowed to make it) without touching Coder, so an entry can check its
 * Coder settings only for events that need them (the Action on a fork's
 * pull request has no secrets, and most comments never call the agent).
 */
export async function decideRun(trigger: Trigger, settings: AgentSettings, deps: Pick<AgentDeps, 'github' | 'botLogin' | 'logger'>): Promise<RunDecision> {
  const request = resolveRequest(trigger, settings);
  if (request.kind === 'none') return { go: false, result: { status: 'skipped', reason: request.reason } };

  const decision = await decideTrigger(trigger, { botLogin: deps.botLogin, allowedBots: settings.allowedBots }, deps.github);
  if (!decision.allowed) {
    // No comment: a refusal in the thread would let anyone make the bot talk.
    deps.logger.warn(`Not starting the agent: ${decision.reason}`);
    return { go: false, result: { status: decision.quiet ? 'skipped' : 'refused', reason: decision.reason } };
  }
  return { go: true, request };
}
