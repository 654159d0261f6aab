/**
 * Real webhook payloads from @octokit/webhooks-examples (GitHub's own
 * examples, collected by Octokit), by event name and action.
 */
import { createRequire } from 'node:module';

interface WebhookDefinition {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const definitions = require('@octokit/webhooks-examples') as WebhookDefinition[];

/** A fresh copy of the first example of `event` (with `action`, when given) that passes `where`. */
export function webhookExample(
  event: string,
  action?: string,
  where: (payload: Record<string, unknown>) => boolean = () => true,
): Record<string, unknown> {
  const examples = definitions.find((d) => d.name === event)?.examples ?? [];
  const found = examples.find((e) => (action === undefined || e['action'] === action) && where(e));
  if (found === undefined) throw new Error(`No ${event}${action === undefined ? '' : `.${action}`} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

/** Every example of `event` across github.com and each GitHub Enterprise Server version in the package. */
export function allWebhookExamples(event: string): { source: string; payload: Record<string, unknown> }[] {
  const sources = ['api.github.com', 'ghes-31', 'ghes-32', 'ghes-33', 'ghes-34', 'ghes-35'];
  return sources.flatMap((source) => {
    const defs = require(`@octokit/webhooks-examples/${source}/index.json`) as WebhookDefinition[];
    const examples = defs.find((d) => d.name === event)?.examples ?? [];
    return examples.map((payload) => ({ source, payload: structuredClone(payload) }));
  });
}
