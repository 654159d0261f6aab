/**
 * The contracts of a run: what the entries configure (AgentSettings), what
 * they hand in (AgentDeps), what the App persists to resume (StartedRun) and
 * what comes back (RunResult).
 */
import type { ChatCost, CoderClient } from '../coder/client.js';
import type { FollowOptions, OutcomeStatus } from '../coder/follow.js';
import type { DiffStatus } from '../coder/schemas.js';
import type { CommentRef, GitHubPort, Thread } from '../github/port.js';
import type { Logger } from '../logger.js';

export interface AgentSettings {
  triggerPhrase: string;
  /** The label whose addition starts the agent on an issue (`label-trigger`); unset, labels start nothing. */
  labelTrigger?: string | undefined;
  /** A direct prompt (workflow input): no trigger phrase needed. */
  prompt?: string | undefined;
  allowedBots: readonly string[];
  workspaceId?: string | undefined;
  /** Model config UUID or a model name to resolve. */
  model?: string | undefined;
  systemPrompt?: string | undefined;
  timeoutMs: number;
  /** false: create the chat, post the progress comment and return. */
  wait: boolean;
  /** false: no comments in the thread (outputs only). */
  comment: boolean;
  /** Least time between two progress edits. GitHub's secondary rate limits punish bursts. */
  progressIntervalMs?: number | undefined;
  labels?: Record<string, string> | undefined;
  /** Accounts whose assignment to an issue starts a chat with the issue as the prompt (`assignee-trigger`). */
  assigneeTrigger?: readonly string[] | undefined;
  /** After a run started by adding a label, remove that label (`remove-label-when-done`). */
  removeLabelWhenDone?: boolean | undefined;
  /** An edited comment or issue body that changes the request runs it, as a follow-up that says so (`rerun-on-edit`, default off). */
  rerunOnEdit?: boolean | undefined;
  /** false: failed workflow runs on the agent's pull requests are not sent to its chat (`ci-feedback`, default on). */
  ciFeedback?: boolean | undefined;
  /** false: closing a thread leaves its chat alone, reopening too (`archive-on-close`, default on). */
  archiveOnClose?: boolean | undefined;
  /**
   * Send the prompt to this chat and follow it, whatever the thread's marker
   * says (the Action's `chat-id` input). A missing chat is an error, not a
   * reason to start another.
   */
  chatId?: string | undefined;
  /** Start a fresh chat even when the thread has one (the Action's `new-chat` input). */
  newChat?: boolean | undefined;
  /**
   * A direct prompt continues the thread's chat as a follow-up would, instead
   * of starting a new one (the Action's `issue` input: a workflow reporting
   * into a tracking issue keeps one chat going across runs).
   */
  continueThreadChat?: boolean | undefined;
  /** A JSON Schema for the final answer, sent as `response_format` when the chat is created. */
  outputSchema?: Record<string, unknown> | undefined;
}

export interface AgentDeps {
  coder: CoderClient;
  github: GitHubPort;
  /** The login the bot posts as (never answers itself, finds its own markers). */
  botLogin: string;
  /**
   * The GitHub host the events come from (`host[:port]`, thread-label.ts
   * `githubHostOf`); null or absent for github.com. Chats' thread labels
   * name it, so one Coder account can serve several GitHub hosts.
   */
  githubHost?: string | null | undefined;
  logger: Logger;
  /** Values that must never appear in a comment or log (the Coder token). */
  secrets: readonly string[];
  /** Cancellation: the runner cancelling the job, the server shutting down. */
  signal?: AbortSignal | undefined;
  /**
   * The request's key (the App: the webhook delivery id). Makes the chat
   * create safe to repeat (a Coder label), and is carried by the progress
   * comment's marker and by the message sent to the chat (marker.ts), so a
   * resumed run finds what it already did.
   */
  idempotencyKey?: string | undefined;
  /**
   * Work picked up again after a restart: the chat (found by the idempotency
   * label), the prompt (found in the chat's messages by its request tag) and
   * the progress comment (found by the request key in its marker) may exist
   * already and are reused, not made or sent twice.
   */
  resuming?: boolean | undefined;
  /** Epoch ms when the request was received (the App's delivery time). */
  receivedAt?: number | undefined;
  /** Called after the 👀 reaction (time-to-first-reaction metric). */
  onReacted?: (() => void) | undefined;
  /** Called once the chat and comment exist, before following: the App persists this to resume after a restart. */
  onStarted?: ((run: StartedRun) => Promise<void> | void) | undefined;
  /**
   * When the signal aborts because the process is shutting down (the App),
   * leave the comment as it is: the run is resumed after the restart.
   */
  leaveOnAbort?: boolean | undefined;
  /**
   * The App, while the job has attempts left: a start (or a rejoin after a
   * crash) that fails because Coder could not be reached (no connection, a
   * timeout, 502 or 504) is thrown, so the job store hands the job out again
   * and the next attempt finds any chat this one did create by its request
   * label. Without it (the Action, the last attempt) the failure ends the
   * request with an error comment.
   */
  retryUnreachable?: boolean | undefined;
  /** Follower tuning (tests). */
  follow?: Partial<FollowOptions> | undefined;
}

/** Everything needed to finish a run later, in this process or after a restart. */
export interface StartedRun {
  chatId: string;
  chatUrl: string;
  thread?: Thread | undefined;
  comment?: CommentRef | undefined;
  afterId: number;
  userMessageId?: number | undefined;
  /** Coder's `created_at` of that message (RFC 3339): a chat updated later has taken it up. */
  userMessageAt?: string | undefined;
  queuedId?: number | undefined;
  /** Epoch ms when the request was accepted. */
  startedAt: number;
  requestedBy: string;
  /** Notes for the person (e.g. an image that could not be attached). */
  notes: string[];
  /** True when this run created the chat; false when it sent a follow-up to an existing one. */
  created?: boolean | undefined;
  /** The request key (the idempotency key) its comment's marker and its chat message carry. */
  request?: string | undefined;
  /** The label that started the run, to take off the issue when the run ends (`remove-label-when-done`). */
  removeLabel?: { owner: string; repo: string; number: number; name: string } | undefined;
}

export type RunStatus = OutcomeStatus | 'skipped' | 'refused' | 'started' | 'stopped' | 'failed' | 'archived' | 'unarchived';

export interface RunResult {
  status: RunStatus;
  /** Why nothing ran (skipped, refused), or what failed. */
  reason?: string | undefined;
  chatId?: string | undefined;
  chatUrl?: string | undefined;
  result?: string | undefined;
  commentUrl?: string | undefined;
  durationMs?: number | undefined;
  prUrl?: string | undefined;
  /** The chat's `diff_status` at the end of the run (its pull request and diff size), when Coder reports one. */
  diffStatus?: DiffStatus | undefined;
  /** True when the run created the chat, false when it continued one; unset when no chat was reached. */
  chatCreated?: boolean | undefined;
  /** Coder's error kind (`last_error.kind`, e.g. `rate_limit`, `usage_limit`, `hook_denied`), when the run failed with one. */
  errorKind?: string | undefined;
  /** Coder's `GET /{chat}/cost` after the run, when the server has it. */
  cost?: ChatCost | undefined;
  /** The final message's `structured_output` (a run with `outputSchema`). */
  structuredOutput?: unknown;
  /** A completed run with `outputSchema` whose answer carried no `structured_output` (a server that ignores response_format). */
  structuredOutputMissing?: boolean;
  /**
   * Why the thread does not show the outcome: a comment write failed after
   * its retries (a read-only token, a rate limit). The outcome is still in
   * this result; the entry must say it was not delivered.
   */
  deliveryError?: string | undefined;
}

/** Statuses that should fail a workflow step. */
export function isFailure(status: RunStatus): boolean {
  return status === 'error' || status === 'timeout' || status === 'aborted' || status === 'failed';
}

/** Least time between two edits of a progress comment, unless the entry says otherwise. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 8000;

/**
 * The gap between progress edits grows with the run: every few seconds is
 * worth it while a person watches a fresh request, not for an hour-long run
 * (GitHub's secondary rate limits count every edit). Base for 2 minutes,
 * twice it until 10 minutes, four times it after.
 */
export function progressInterval(baseMs: number, startedAt: number): () => number {
  return () => {
    const elapsed = Date.now() - startedAt;
    return baseMs * (elapsed < 120_000 ? 1 : elapsed < 600_000 ? 2 : 4);
  };
}
