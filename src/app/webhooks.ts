/**
 * The App's webhook handlers: a table of events and, for each, the key that
 * tells a redelivery from a new request. Handlers only read, record and
 * enqueue (GitHub gives a webhook ten seconds); the run happens in the
 * worker. Probot has verified the signature before any of this runs.
 */
import type { Probot } from 'probot';
import type { GitHubPort } from '../github/port.js';
import type { Logger } from '../logger.js';
import { mentionsPhrase } from '../agent/command.js';
import { actorsOf, isBot } from '../agent/policy.js';
import { lifecycleEnabled, lifecycleEventOf } from '../agent/lifecycle.js';
import { mayBeRequest, resolveRequest } from '../agent/request.js';
import { parseTrigger, TriggerError, type Trigger } from '../agent/trigger.js';
import type { AppMetrics } from './metrics.js';
import { RepoConfigUnavailableError, type RepoConfigCache } from './repo-config.js';
import type { JobStore } from './store/job-store.js';

interface EventRoute {
  /** What identifies the request across deliveries (a manual redelivery has a new delivery id). */
  dedupeKey(trigger: Trigger): string;
}

/**
 * A comment's or review's id is GitHub's, unique across repositories. A
 * review without `submitted_at` has none here (trigger.ts), so the thread
 * stands in, named with its repository: a pull request's number alone is
 * the same in many repositories, and their reviews took one another for
 * redeliveries (re-review 8d). The repository id, as the label keys use it,
 * survives a rename between deliveries.
 */
const byComment = (t: Trigger) =>
  t.comment
    ? `${t.event}:${t.comment.kind}:${t.comment.id}`
    : `${t.event}:none:${t.repositoryId ?? `${t.repository.owner}/${t.repository.repo}`}#${t.thread?.number ?? 0}`;

const threadEventKey = (t: Trigger) => `${t.event}:${t.repository.owner}/${t.repository.repo}#${t.thread?.number ?? 0}:${t.action ?? ''}:${t.triggeredAt ?? ''}`;

const HANDLED_EVENTS = [
  'issue_comment.created',
  'pull_request_review_comment.created',
  'pull_request_review.submitted',
  'issue_comment.edited',
  'pull_request_review_comment.edited',
  'issues.opened',
  'issues.edited',
  'issues.labeled',
  'issues.assigned',
  'issues.closed',
  'issues.reopened',
  'pull_request.closed',
  'pull_request.reopened',
  'workflow_run.completed',
] as const;
type HandledEvent = (typeof HANDLED_EVENTS)[number];

/** Events the App subscribes to (app.yml) → how each is keyed. Lifecycle events slot in here. */
export const EVENT_TABLE: Readonly<Record<HandledEvent, EventRoute>> = {
  'issue_comment.created': { dedupeKey: byComment },
  'pull_request_review_comment.created': { dedupeKey: byComment },
  'pull_request_review.submitted': { dedupeKey: byComment },
  // Each edit is its own request (only with rerun-on-edit): the edit time tells them apart.
  'issue_comment.edited': { dedupeKey: (t) => `${byComment(t)}:edited:${t.comment?.updatedAt ?? ''}` },
  'pull_request_review_comment.edited': { dedupeKey: (t) => `${byComment(t)}:edited:${t.comment?.updatedAt ?? ''}` },
  // An issue can ask again by being edited or labelled: the time of the change tells the requests apart.
  'issues.opened': { dedupeKey: (t) => `issues:${t.repository.owner}/${t.repository.repo}#${t.thread?.number ?? 0}:opened` },
  'issues.edited': { dedupeKey: (t) => `issues:${t.repository.owner}/${t.repository.repo}#${t.thread?.number ?? 0}:edited:${t.triggeredAt ?? ''}` },
  // One request per addition of the label: a redelivery carries the same issue `updated_at`, while removing the
  // label and adding it again changes it. The label name is lower-cased as GitHub compares names.
  'issues.labeled': { dedupeKey: (t) => `issues:${t.repositoryId ?? `${t.repository.owner}/${t.repository.repo}`}#${t.thread?.number ?? 0}:labeled:${(t.label ?? '').toLowerCase()}:${t.triggeredAt ?? ''}` },
  'issues.assigned': { dedupeKey: (t) => `issues:${t.repositoryId ?? `${t.repository.owner}/${t.repository.repo}`}#${t.thread?.number ?? 0}:assigned:${t.assignee?.login ?? ''}:${t.triggeredAt ?? ''}` },
  // Closing and reopening: the thread's update time tells a second close from a redelivery of the first.
  'issues.closed': { dedupeKey: (t) => threadEventKey(t) },
  'issues.reopened': { dedupeKey: (t) => threadEventKey(t) },
  'pull_request.closed': { dedupeKey: (t) => threadEventKey(t) },
  'pull_request.reopened': { dedupeKey: (t) => threadEventKey(t) },
  // Once per failing run attempt, whatever the delivery.
  'workflow_run.completed': { dedupeKey: (t) => `workflow_run:${t.repository.owner}/${t.repository.repo}:${t.workflowRun?.id ?? 0}.${t.workflowRun?.attempt ?? 0}` },
};

/**
 * Actions whose request is not in the text, so the phrase pre-check must let
 * them through: a label or an assignment asks by itself (request.ts decides).
 */
const PHRASELESS_ACTIONS: ReadonlySet<string> = new Set(['labeled', 'assigned']);

/** The job store could not record a delivery; `status` is what the webhook intake answers (webhook-intake.ts). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly status = 503;
  constructor() {
    super('The job store is busy or unreachable; the delivery was not recorded. Redeliver it.');
  }
}

export interface WebhookDeps {
  store: JobStore;
  repoConfigs: RepoConfigCache;
  metrics: AppMetrics;
  logger: Logger;
  triggerPhrase: string;
  botLogin: () => Promise<string>;
  /** A port over the delivery's Octokit (Probot's `context.octokit`), for reading the repository config. */
  portFor(octokit: unknown): GitHubPort;
  /** A delivery was recorded: start work. */
  onQueued(): void;
}

export function registerWebhooks(app: Probot, deps: WebhookDeps): void {
  app.on([...HANDLED_EVENTS], async (context) => {
    const { name, id: deliveryId, octokit } = context;
    const payload = context.payload as { action?: string; installation?: { id?: number } };
    const key = `${name}.${payload.action ?? ''}`;
    const route = EVENT_TABLE[key as HandledEvent] as EventRoute | undefined;
    if (!route) return;
    const count = (outcome: string) => deps.metrics.deliveries.inc({ event: key, outcome });
    let trigger: Trigger;
    try {
      trigger = parseTrigger(name, payload);
    } catch (err) {
      if (!(err instanceof TriggerError)) throw err;
      deps.logger.warn(err.message, { delivery: deliveryId });
      return count('malformed');
    }
    const installationId = payload.installation?.id;
    if (!installationId) {
      deps.logger.warn('A delivery without an installation was ignored.', { delivery: deliveryId });
      return count('ignored');
    }
    const lifecycle = lifecycleEventOf(trigger, {});
    // Only failures are relayed; most completed runs are not worth a record.
    if (lifecycle === 'ci-failure' && trigger.workflowRun?.conclusion !== 'failure') return count('ignored');
    // Cheap checks first: most comments do not call the bot, and the bot's own never do. A lifecycle event
    // is no request (it archives or relays, never answers), so the bot closing a thread still cleans up.
    const botLogin = (await deps.botLogin()).toLowerCase();
    if (!lifecycle && actorsOf(trigger).some((a) => isBot(a) && a.login.toLowerCase() === botLogin)) return count('ignored');
    // The port is only made when the config must be read (a minute in, or never seen).
    const config = await deps.repoConfigs.get(() => deps.portFor(octokit), trigger.repository.owner, trigger.repository.repo, deps.logger).catch((err: unknown) => {
      if (err instanceof RepoConfigUnavailableError) return err;
      throw err;
    });
    if (config instanceof RepoConfigUnavailableError) {
      // Not read in time (a burst of new installations, GitHub slow or failing). GitHub redelivers a failed delivery
      // only by hand, so a 503 here would lose the request: it is recorded instead, and the job worker, which reads
      // the config again before it acts (worker.ts), decides with it and fails closed (issue 8). Only what is no
      // request under any config is dropped here (mayBeRequest); lifecycle events are the worker's to filter.
      if (!lifecycle && !mayBeRequest(trigger)) return count('ignored');
    } else {
      const triggerPhrase = config.triggerPhrase ?? deps.triggerPhrase;
      // Before any Markdown is read: a body that never names the phrase (and is no label or assignment) costs one search.
      if (!lifecycle && !PHRASELESS_ACTIONS.has(trigger.action ?? '') && !mentionsPhrase(trigger.text, triggerPhrase)) return count('ignored');
      const request = resolveRequest(trigger, { triggerPhrase, labelTrigger: config.labelTrigger, assigneeTrigger: config.assigneeTrigger, rerunOnEdit: config.rerunOnEdit });
      const wanted = lifecycle ? lifecycleEnabled(lifecycle, config) : request.kind !== 'none';
      if (!config.enabled || !wanted) return count('ignored');
    }

    const recorded = await deps.store
      .enqueue({
        deliveryId,
        dedupeKey: route.dedupeKey(trigger),
        event: name,
        installationId,
        repository: `${trigger.repository.owner}/${trigger.repository.repo}`,
        payload,
        receivedAt: Date.now(),
        // Requests and clean-up in one thread run one after another (one chat per thread).
        threadKey: trigger.thread ? `${trigger.repository.owner}/${trigger.repository.repo}#${trigger.thread.number}`.toLowerCase() : null,
      })
      .catch((err: unknown) => {
        // Not recorded (SQLite locked by another connection, Postgres unreachable): a 503, which the
        // App's delivery log shows as retryable, rather than a 500 that reads as a bug.
        deps.logger.error(`Could not record a delivery: ${(err as Error).message}`, { delivery: deliveryId });
        count('error');
        throw new StoreUnavailableError();
      });
    if (!recorded.inserted) {
      deps.logger.info('Duplicate delivery ignored.', { delivery: deliveryId, first: recorded.deliveryId });
      return count('duplicate');
    }
    if (config instanceof RepoConfigUnavailableError) {
      // The error names the repository and the cause (a timeout, GitHub's status), never the file: it was not read.
      deps.logger.info(`${config.message}: the delivery is recorded, and the job worker reads it again and decides.`, { delivery: deliveryId });
      count('queued-config-unknown');
    } else {
      count('queued');
    }
    deps.onQueued();
  });
}
