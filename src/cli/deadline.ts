/**
 * --timeout for a whole CLI run: one signal every request shares, the time
 * left for following, and how a run cut by it is told apart from a network
 * error (exit 124).
 */
import type { CliSettings } from './options.js';

/** The run's own time limit: one signal for every request, and the time left for following. */
export interface Run {
  signal: AbortSignal;
  /** Epoch milliseconds at which --timeout ends the run. */
  deadline: number;
}

export class DeadlineError extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly during: string,
  ) {
    super('deadline');
  }
}

/**
 * --timeout bounds the whole run, connecting and retrying included: every
 * request gets a signal that fires at the deadline, and a request cut by it
 * is reported as a timeout (exit 124), not as a network error.
 */
export async function withDeadline(s: Pick<CliSettings, 'timeoutMs'>, io: { signal?: AbortSignal | undefined }, body: (run: Run) => Promise<number>): Promise<number> {
  const timer = AbortSignal.timeout(s.timeoutMs);
  const run: Run = { signal: io.signal ? AbortSignal.any([io.signal, timer]) : timer, deadline: Date.now() + s.timeoutMs };
  try {
    return await body(run);
  } catch (err) {
    if (timer.aborted && !io.signal?.aborted) throw new DeadlineError(s.timeoutMs, 'before Coder answered; check the URL and that the server is up');
    throw err;
  }
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10}s`;
  return `${Math.round(ms / 6000) / 10}m`;
}
