/**
 * The agent's lifecycle events beside requests: a failed CI run on the
 * agent's pull request (ci-feedback.ts), and a thread closed or reopened
 * (cleanup.ts). Both front doors call `handleEvent`; everything that is not a
 * lifecycle event is a request (`handleTrigger`). A direct prompt (the
 * Action's `prompt` input) always makes the event a request.
 */
import { cleanUpThreadChat, isCleanupEvent } from './cleanup.js';
import { relayCiFailure } from './ci-feedback.js';
import { handleTrigger } from './run.js';
import type { AgentDeps, AgentSettings, RunResult } from './run-types.js';
import type { Trigger } from './trigger.js';

export type LifecycleEvent = 'ci-failure' | 'cleanup';

/** Which lifecycle event this is, or null for a request. */
export function lifecycleEventOf(trigger: Pick<Trigger, 'event' | 'action'>, settings: Pick<AgentSettings, 'prompt'>): LifecycleEvent | null {
  if (settings.prompt?.trim()) return null;
  if (trigger.event === 'workflow_run') return 'ci-failure';
  if (isCleanupEvent(trigger)) return 'cleanup';
  return null;
}

/** Whether the settings let this lifecycle event do anything (so the App need not record it). */
export function lifecycleEnabled(event: LifecycleEvent, settings: Pick<AgentSettings, 'ciFeedback' | 'archiveOnClose'>): boolean {
  return event === 'ci-failure' ? settings.ciFeedback !== false : settings.archiveOnClose !== false;
}

export async function handleEvent(trigger: Trigger, settings: AgentSettings, deps: AgentDeps): Promise<RunResult> {
  switch (lifecycleEventOf(trigger, settings)) {
    case 'ci-failure':
      return relayCiFailure(trigger, { ciFeedback: settings.ciFeedback !== false }, deps);
    case 'cleanup':
      return cleanUpThreadChat(trigger, { archiveOnClose: settings.archiveOnClose !== false, allowedBots: settings.allowedBots }, deps);
    default:
      return handleTrigger(trigger, settings, deps);
  }
}
