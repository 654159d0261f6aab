/**
 * The line that keeps a silent wait from looking like a hang. A server that
 * takes the connection and never answers would otherwise leave the terminal
 * (or a CI log, where no progress is drawn) blank until the first request's
 * own timeout; so once, a few seconds in, if Coder has not answered and
 * nothing else was said, stderr gets "waiting for Coder at <url>…" with the
 * time limit that ends the wait (issue 12, item 12).
 */
import { maskUrl } from '../url-mask.js';

/** How long the CLI waits for Coder's first answer before saying so, in milliseconds. */
export const WAIT_NOTICE_MS = 3000;

export interface WaitNotice {
  /** `fetch` that marks Coder as having answered on any response, error statuses included. */
  fetch: typeof fetch;
  /** Something else was printed (a retry line): the notice would only repeat it. */
  spoke(): void;
  /** The run is over: no notice after it. */
  stop(): void;
}

/**
 * Starts the clock at once. `limit` says what ends the wait, e.g. "60m
 * (--timeout)"; `say` prints one line (and honours --quiet).
 */
export function startWaitNotice(url: string, limit: string, say: (line: string) => void, afterMs = WAIT_NOTICE_MS, base: typeof fetch = fetch): WaitNotice {
  let done = false;
  const timer = setTimeout(() => {
    if (done) return;
    done = true;
    say(`coder-agent: waiting for Coder at ${maskUrl(url)}… (no answer yet; giving up after ${limit})`);
  }, afterMs);
  // The notice alone never keeps the process alive.
  timer.unref();
  const stop = () => {
    done = true;
    clearTimeout(timer);
  };
  return {
    fetch: async (input, init) => {
      const response = await base(input, init);
      stop();
      return response;
    },
    spoke: stop,
    stop,
  };
}
