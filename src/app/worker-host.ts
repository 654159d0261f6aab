/**
 * The webhook thread's handle on the job worker thread (worker-thread.ts):
 * starts it, wakes it when a job is recorded, asks it for metrics, stops it
 * gracefully, and, should it die, frees its leases and starts another, so
 * its chats are resumed at once instead of when their leases run out.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { JobStore } from './store/job-store.js';
import type { FromWorker, ToWorker, WorkerConfig } from './worker-protocol.js';

export interface WorkerHostOptions {
  config: WorkerConfig;
  /** The worker thread's entry module (worker-thread.js, or a bundle of it). */
  entry: URL;
  /** The webhook thread's own connection to the job store. */
  store: JobStore;
  logger: Logger;
  /** How long an answer to `metrics` may take before /metrics is served without the worker's figures. */
  metricsTimeoutMs?: number;
  /** First wait before a dead worker is started again; doubles while it keeps dying, up to 30 s. */
  restartDelayMs?: number | undefined;
  /** Told each time the worker died unexpectedly (for metrics). */
  onCrash?: (() => void) | undefined;
}

/** A worker that lived this long before dying is restarted after the first delay again. */
const STABLE_MS = 60_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** Under the 30 s a container is usually given between SIGTERM and SIGKILL. */
export const STOP_LIMIT_MS = 20_000;

export class WorkerHost {
  private worker: Worker | undefined;
  private activeCount = 0;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restarting: Promise<void> | undefined;
  private nextDelayMs: number;
  private metricsId = 0;
  private readonly pendingMetrics = new Map<number, (metrics: object[]) => void>();
  private stopped: (() => void) | undefined;

  private constructor(private readonly opts: WorkerHostOptions) {
    this.nextDelayMs = opts.restartDelayMs ?? 1000;
  }

  /** Starts the worker and resolves once it works the store; rejects with the worker's own reason if it cannot start. */
  static async start(opts: WorkerHostOptions): Promise<WorkerHost> {
    const host = new WorkerHost(opts);
    await host.spawn();
    return host;
  }

  /** Jobs the worker is working on now, as it last said. */
  get active(): number {
    return this.activeCount;
  }

  /** Whether a worker thread is up (false between a crash and its replacement). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  kick(): void {
    this.send({ type: 'kick' });
  }

  /** The worker's metrics as JSON, or none when it is down or slow to answer. */
  metrics(): Promise<object[]> {
    if (!this.worker) return Promise.resolve([]);
    const id = ++this.metricsId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle([]), this.opts.metricsTimeoutMs ?? 2000);
      const settle = (metrics: object[]) => {
        clearTimeout(timer);
        this.pendingMetrics.delete(id);
        resolve(metrics);
      };
      this.pendingMetrics.set(id, settle);
      this.send({ type: 'metrics', id });
    });
  }

  /**
   * Asks the worker to stop taking work and leave its jobs resumable;
   * resolves once it has and the thread is gone. A worker that has not
   * stopped within `STOP_LIMIT_MS` is terminated: its leases simply run out.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.restarting;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    let limit: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.stopped = resolve;
      // A worker that dies while stopping has stopped too.
      void exited.then(resolve);
      limit = setTimeout(() => {
        this.opts.logger.warn(`The job worker did not stop within ${STOP_LIMIT_MS / 1000} s; ending it.`);
        resolve();
      }, STOP_LIMIT_MS);
      this.send({ type: 'stop' });
    });
    clearTimeout(limit);
    await worker.terminate();
    await exited;
  }

  private send(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  private spawn(): Promise<void> {
    const { config, entry, logger } = this.opts;
    const worker = new Worker(entry, { workerData: config, name: 'coder-agent-bot jobs' });
    const bornAt = Date.now();
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      let failure: string | undefined;
      worker.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            ready = true;
            this.worker = worker;
            resolve();
            break;
          case 'failed':
            failure = m.message;
            void worker.terminate();
            break;
          case 'active':
            this.activeCount = m.count;
            break;
          case 'metrics':
            this.pendingMetrics.get(m.id)?.(m.metrics);
            break;
          case 'stopped':
            this.stopped?.();
            break;
        }
      });
      worker.on('error', (err) => {
        failure = err.message;
        logger.error(`The job worker failed: ${err.stack ?? err.message}`);
      });
      worker.on('exit', (code) => {
        this.worker = undefined;
        this.activeCount = 0;
        for (const settle of this.pendingMetrics.values()) settle([]);
        if (!ready) {
          reject(new Error(`The App's job worker could not start: ${failure ?? `it exited with code ${code}`}`));
          return;
        }
        if (this.stopping) return;
        this.opts.onCrash?.();
        logger.error(`The job worker stopped unexpectedly (${failure ?? `exit code ${code}`}); its chats will be resumed by a new one.`);
        this.nextDelayMs = Date.now() - bornAt > STABLE_MS ? (this.opts.restartDelayMs ?? 1000) : this.nextDelayMs;
        this.scheduleRestart();
      });
    });
  }

  private scheduleRestart(): void {
    const delay = this.nextDelayMs;
    this.nextDelayMs = Math.min(MAX_RESTART_DELAY_MS, delay * 2);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.restarting = this.restart().finally(() => (this.restarting = undefined));
    }, delay);
  }

  private async restart(): Promise<void> {
    const { store, config, logger } = this.opts;
    try {
      // The dead worker's leases are ours (same owner): free them so the new worker resumes its chats now.
      await store.releaseAll(config.owner);
      await this.spawn();
      logger.info('The job worker was started again.');
    } catch (err) {
      logger.error(`${(err as Error).message}; trying again.`);
      if (!this.stopping) this.scheduleRestart();
    }
  }
}
