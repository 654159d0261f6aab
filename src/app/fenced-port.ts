/**
 * A GitHub port that checks the job's lease before every write that posts
 * or edits in GitHub (the fencing token of JobStore.holdLease). A replica
 * paused past its lease (a stopped VM, a long GC pause, a network
 * partition) wakes up to find another replica working its job: its next
 * post or edit is refused here, before it reaches GitHub, so the answer is
 * posted by the new holder alone.
 *
 * The check runs when the write is about to be sent (the port's
 * `beforeSend`), after any wait in the installation's write queue, which
 * can be long under GitHub's write budget: a lease that held when the write
 * was queued proves nothing by then. It also extends the lease, so the
 * write that follows has a whole lease length to finish. What this cannot stop: a write already sent when
 * the pause began (GitHub cannot check our token). The lease (10 s) is far
 * longer than a write takes, and a resumed run edits the same comment
 * (found by its request key), so such a late write edits, never adds.
 */
import type { GitHubPort, WriteOptions } from '../github/port.js';
import type { JobStore, Lease } from './store/job-store.js';

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(readonly deliveryId: string) {
    super(`This replica no longer holds the lease of job ${deliveryId}: another replica has taken it over, so nothing is written to GitHub from here.`);
  }
}

export interface FencedPort {
  port: GitHubPort;
  /** Whether a write was refused (the job must then be left to its new holder). */
  readonly refused: boolean;
}

export function fencePort(port: GitHubPort, store: JobStore, lease: Lease, leaseMs: number, onRefused: () => void): FencedPort {
  let refused = false;
  const check = async () => {
    if (refused || !(await store.holdLease(lease, leaseMs))) {
      if (!refused) onRefused();
      refused = true;
      throw new LeaseLostError(lease.deliveryId);
    }
  };
  // The write options (what the write is for) go on to the installation's write scheduler, with the check to run at send time.
  const fenced = (options: WriteOptions | undefined): WriteOptions => ({
    ...options,
    beforeSend: async () => {
      await options?.beforeSend?.();
      await check();
    },
  });
  const writes: Partial<GitHubPort> = {
    createComment: (thread, body, options) => port.createComment(thread, body, fenced(options)),
    updateComment: (ref, body, options) => port.updateComment(ref, body, fenced(options)),
    addReaction: (target, content, options) => port.addReaction(target, content, fenced(options)),
  };
  // Reads go straight to the port (bound to it, so its own fields stay reachable).
  const proxy = new Proxy(port, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in writes) return writes[prop as keyof GitHubPort];
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    port: proxy,
    get refused() {
      return refused;
    },
  };
}
