/**
 * What the App's webhook thread and its job worker thread (worker-thread.ts,
 * worker-host.ts) say to each other. Both sides are this code base in one
 * process, so these are types, not a wire format to validate.
 */
import type { FollowOptions } from '../coder/follow.js';
import type { LogLevel } from './probot.js';
import type { AppSettings } from './settings.js';
import type { RetryPause } from './worker.js';

/** The follower's timings a deployment (or a test) may tune. */
export type FollowTuning = Partial<Pick<FollowOptions, 'maxReconnects' | 'reconnectBaseMs' | 'reconnectMaxMs' | 'pollIntervalMs' | 'socketRetryMs' | 'staleCheckMs' | 'idleTimeoutMs'>>;

/** The worker thread's `workerData`. */
export interface WorkerConfig {
  settings: AppSettings;
  /** The name the worker's job leases carry. */
  owner: string;
  leaseMs?: number | undefined;
  pollMs?: number | undefined;
  /**
   * The pause before a failed job's next attempt, in milliseconds: `firstMs`
   * after the first failure, doubling up to `maxMs`, each drawn from the upper
   * half of its value (worker.ts, retryPauseMs). Default DEFAULT_RETRY_PAUSE:
   * 2,000 ms doubling to 60,000 ms.
   */
  retryPause?: RetryPause | undefined;
  follow?: FollowTuning | undefined;
  logLevel?: LogLevel | undefined;
  /** The bot's login when known; otherwise asked of GitHub. */
  botLogin?: string | undefined;
}

export type ToWorker =
  /** A job was recorded: claim work now rather than at the next poll. */
  | { type: 'kick' }
  /** Answer with the worker's metrics (prom-client `getMetricsAsJSON`). */
  | { type: 'metrics'; id: number }
  /** Stop taking work, leave running jobs resumable, close the store, then say `stopped`. */
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  /** The worker could not start (e.g. the store would not open). */
  | { type: 'failed'; message: string }
  /** How many jobs are being worked, sent whenever it changes. */
  | { type: 'active'; count: number }
  | { type: 'metrics'; id: number; metrics: object[] }
  | { type: 'stopped' };
