/**
 * The App's durable record of work: every accepted webhook delivery, its
 * chat, its progress comment and its state. It is what makes the App
 * "never lose or repeat a request":
 * - a delivery is recorded once (by delivery id, and by a dedupe key such as
 *   the triggering comment's id, since a manual redelivery gets a new id);
 * - a job that was following a chat when the process stopped is resumed from
 *   its recorded `run` (chat id, comment, resume point);
 * - leases let several replicas share one store (Postgres): a job is worked
 *   by whoever holds its unexpired lease, and each claim hands out a new
 *   lease generation, the fencing token a worker shows before it writes to
 *   GitHub (`holdLease`), so a worker that lost its lease cannot post.
 *
 * Both stores (sqlite-store.ts, postgres-store.ts) implement this interface
 * and pass the same contract suite (test/app/store/job-store-contract.ts).
 * Times are the caller's epoch ms (`now`), never the database's clock.
 */

export type JobState =
  /** Recorded, not yet picked up. */
  | 'queued'
  /** Picked up; the chat may or may not exist yet (no `run` recorded). */
  | 'starting'
  /** The chat and comment exist (`run` recorded); following the agent. */
  | 'following'
  /** Finished: the outcome is in the thread. */
  | 'done'
  /** Finished without an answer: it failed for good. */
  | 'failed'
  /** Finished: nothing was asked of the agent (not a request, the bot turned off, nothing left to do). */
  | 'skipped'
  /** Finished: the request was not carried out (not allowed, no prompt, a workspace the operator did not allow). */
  | 'refused';

export const JOB_STATES: readonly JobState[] = ['queued', 'starting', 'following', 'done', 'failed', 'skipped', 'refused'];

/** The states a job ends in; each keeps the run's own outcome, so /metrics counts a skip as a skip. */
export type FinishedState = Extract<JobState, 'done' | 'failed' | 'skipped' | 'refused'>;
export const FINISHED_STATES: readonly FinishedState[] = ['done', 'failed', 'skipped', 'refused'];

export interface NewJob {
  /** GitHub's delivery id (X-GitHub-Delivery). */
  deliveryId: string;
  /** Another key that identifies the same request, e.g. `issue_comment:created:<comment id>`. */
  dedupeKey: string;
  event: string;
  installationId: number;
  /** Owner/repo, for logs and per-repository limits. */
  repository: string;
  /** The webhook payload, as received (after signature verification). */
  payload: unknown;
  /** Epoch ms when the delivery was received. */
  receivedAt: number;
  /**
   * The thread the request acts in (`owner/repo#number`), or null. One chat
   * per thread: `claim` holds a job back while another job with the same key
   * has no chat yet (`queued` or `starting`) and is either earlier (by
   * `receivedAt`, then `deliveryId`) or under a live lease (a worker has it,
   * whenever it arrived: a delivery recorded late must not start a second
   * chat beside one being started). So two requests a moment apart end up in
   * one chat, the second as a follow-up. Every store enforces this across
   * its connections and replicas (Postgres: under a per-thread lock).
   */
  threadKey?: string | null | undefined;
}

export interface JobRecord extends NewJob {
  state: JobState;
  /** How many times work on the job has started (a resume counts). */
  attempts: number;
  /** The StartedRun (see agent/run.ts) once the chat and comment exist; opaque JSON to the store. */
  run: unknown;
  /** The RunResult once finished; opaque JSON to the store. */
  result: unknown;
  /** Why the job failed, for `failed`. */
  error: string | null;
  leaseOwner: string | null;
  /** Epoch ms; a lease past this may be taken by another worker. */
  leaseUntil: number | null;
  /** Grows by one at every claim: the fencing token of the current lease. */
  leaseGeneration: number;
  updatedAt: number;
}

/** A worker's hold on one job: what it shows before writing to GitHub. */
export interface Lease {
  deliveryId: string;
  owner: string;
  /** `leaseGeneration` as the claim returned it. */
  generation: number;
}

export interface EnqueueResult {
  /** False when the delivery (or the same request under another delivery id) was already recorded. */
  inserted: boolean;
  /** The id of the recorded job (the first delivery's id when it was a duplicate). */
  deliveryId: string;
}

/** What happens to a held instance name after lockInstance (for the log: none of these stops the App). */
export interface InstanceLockEvents {
  /** The lock's connection dropped: the name is free until taken again. */
  lost?(message: string): void;
  /** Taken again after a drop. */
  regained?(message: string): void;
  /** Could not take it again yet (another process has it, or the server is unreachable); retried with backoff. */
  failed?(message: string): void;
  /**
   * At start, another live process holds the name (or, on SQLite, the
   * store): said once, before waiting up to `waitMs` for it to stop, so an
   * operator sees why the start pauses.
   */
  waiting?(message: string): void;
}

/**
 * Tells `waiting` (InstanceLockEvents.waiting) once, at the first call, that
 * another process holds `holder` ("the instance name …", "the job database
 * …") and the start waits up to `waitMs` ms for it; later calls say nothing.
 */
export function lockWaitNotice(waiting: ((message: string) => void) | undefined, holder: string, waitMs: number): () => void {
  let said = waiting === undefined;
  return () => {
    if (said) return;
    said = true;
    waiting?.(`Another process holds ${holder} (a previous life still stopping?): waiting up to ${Number((waitMs / 1000).toFixed(1))} s for it.`);
  };
}

export interface JobStore {
  /** Records a delivery unless it (or its dedupe key) was seen before. Atomic. */
  enqueue(job: NewJob): Promise<EnqueueResult>;

  /**
   * Takes up to `limit` jobs for `owner` and leases them until `now + leaseMs`:
   * queued jobs, and unfinished ones (starting, following) whose lease is
   * missing or expired, oldest first, except jobs held back by another
   * job of their thread that has no chat yet (see `NewJob.threadKey`). Each claimed
   * job's `attempts` grows by one.
   */
  claim(owner: string, limit: number, leaseMs: number, now?: number): Promise<JobRecord[]>;

  /**
   * Extends the leases `owner` holds on these jobs; returns the ids it still
   * holds (a job missing from the answer was finished or taken over: stop
   * working it).
   */
  renew(owner: string, deliveryIds: readonly string[], leaseMs: number, now?: number): Promise<string[]>;

  /**
   * The fencing check before a write to GitHub: true, with the lease
   * extended to at least `now + leaseMs`, when `lease` is still the job's
   * current, unexpired lease (same owner and generation, job unfinished);
   * false when another worker took the job over or the lease ran out.
   */
  holdLease(lease: Lease, leaseMs: number, now?: number): Promise<boolean>;

  /**
   * Calls `onJob` when another process records a job (Postgres: LISTEN/NOTIFY),
   * so an idle replica claims at once instead of at its next poll. The
   * embedded store has no other process to hear from: the webhook thread
   * kicks its own worker. Resolves to a function that stops listening.
   */
  watch(onJob: () => void, onError: (err: Error) => void): Promise<() => Promise<void>>;

  /** Records the started run (the chat and the comment exist) and moves the job to `following`. */
  recordRun(deliveryId: string, run: unknown): Promise<void>;

  /** Moves the job to `starting` (picked up, chat not yet recorded). */
  markStarting(deliveryId: string): Promise<void>;

  /** Moves the job to a finished state with its result and drops the lease. */
  finish(deliveryId: string, state: FinishedState, result: unknown, error?: string | null): Promise<void>;

  /**
   * Drops `owner`'s lease so another worker (or this one after a restart) may resume the job at once.
   * `notAnAttempt`: the claim did nothing (it stopped before any call that acts, e.g. at an unreadable
   * repository config), so its `attempts` is taken back; a later claim is then no resume.
   */
  release(owner: string, deliveryIds: readonly string[], opts?: { notAnAttempt?: boolean }): Promise<void>;

  /** Drops every lease `owner` holds on unfinished jobs (its worker died); returns how many. */
  releaseAll(owner: string): Promise<number>;

  /**
   * Claims the name `owner` for this process until the returned function is
   * called (or the process dies), so that a second live process with the same
   * INSTANCE_ID is refused instead of taking this one's jobs. Postgres: a
   * session advisory lock, freed by the server when the connection drops;
   * waits up to `waitMs` for a previous life's connection to be noticed dead.
   * SQLite: an exclusive lock on a file of the name's own beside the store,
   * and one on a file of the store's, so that a second process is refused
   * whatever its name (sqlite-instance-lock.ts: one process per SQLite file);
   * both freed by the OS when the process dies; waits up to `waitMs` for a
   * previous life still shutting down.
   * Throws an Error that names the instance when the name is in use (SQLite:
   * or the file, when another process uses it under another name).
   * `events` hears what happens to the name later (Postgres: its connection
   * dropped and is being replaced, taken again, or another process has it).
   */
  lockInstance(owner: string, waitMs?: number, events?: InstanceLockEvents): Promise<() => Promise<void>>;

  get(deliveryId: string): Promise<JobRecord | undefined>;

  /** Number of jobs in each state, for /metrics. */
  counts(): Promise<Record<JobState, number>>;

  /** Deletes finished jobs older than `olderThan` (epoch ms); returns how many. */
  prune(olderThan: number): Promise<number>;

  close(): Promise<void>;
}
