/**
 * A GitHub port that checks the job's lease before every write that posts
 * or edits in GitHub (the fencing token of JobStore.holdLease). A replica
 * paused past its lease (a stopped VM, a long GC pause, a network
 * partition) wakes up to find another replica working its job: its next
 * post or edit is refused here, before it reaches GitHub, so the answer is
 * posted by the new holder alone.
 *
 * The check also extends the lease, so the write that follows has a whole
 * lease length to finish. What this cannot stop: a write already sent when
 * the pause began (GitHub cannot check our token). The lease (10 s) is far
 * longer than a write takes, and a resumed run edits the same comment
 * (found by its request key), so such a late write edits, never adds.
 */
import type { GitHubPort } from '../github/port.js';
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
  const writes: Partial<GitHubPort> = {
    // The write options (what the write is for) go on to the installation's write scheduler.
    createComment: async (thread, body, options) => {
      await check();
      return port.createComment(thread, body, options);
    },
    updateComment: async (ref, body, options) => {
      await check();
      return port.updateComment(ref, body, options);
    },
    addReaction: async (target, content) => {
      await check();
      return port.addReaction(target, content);
    },
  };
  // Reads go straight to the port (bound to it, so its own fields stay reachable).
  const fenced = new Proxy(port, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in writes) return writes[prop as keyof GitHubPort];
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    port: fenced,
    get refused() {
      return refused;
    },
  };
}
