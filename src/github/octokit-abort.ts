/**
 * Aborting an Octokit request so that it stays aborted.
 *
 * Node's fetch rejects an aborted request with its signal's reason.
 * @octokit/request (10.x, fetch-wrapper) passes that rejection on as an
 * abort only when it is an `Error` named "AbortError"; anything else becomes
 * a network failure, a RequestError with status 500, which plugin-retry
 * tries again 3 times, 1, 4 and 9 s later. Each try fails at once on the
 * aborted signal, but first asks for an installation token when none is
 * cached, and the tries keep the process alive (a stopped App that did not
 * end). So an abort meant for Octokit always carries an AbortError, and one
 * made in this module's realm: a DOMException fails `instanceof Error` where
 * Octokit runs in another realm (jest's vm modules).
 */

/** The reason every abort handed to Octokit carries (see above). */
export function octokitAbortError(): Error {
  return Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
}

/**
 * A signal for Octokit's `request.signal` that aborts when `signal` does,
 * whatever its reason (a timeout's own Error), with octokitAbortError().
 */
export function abortingOctokit(signal: AbortSignal): AbortSignal {
  const plain = new AbortController();
  if (signal.aborted) plain.abort(octokitAbortError());
  else signal.addEventListener('abort', () => plain.abort(octokitAbortError()), { once: true });
  return plain.signal;
}

/**
 * A fetch for Octokit whose requests all end when `stop(reason)` is
 * called, in flight or made later; a request's own signal still ends it.
 * Octokit passes a request's signal to fetch, but the installation-token
 * request that its auth makes first carries none, so a caller's signal
 * alone cannot end it. `reason` must be octokitAbortError(), or Octokit
 * retries.
 *
 * Each request gets its own AbortController, kept in a set only while
 * fetch waits for the answer's headers. Not `AbortSignal.any([signal,
 * stopped])`: a composite that follows a long-lived signal is retained by
 * it in Node 20 and 22 (nodejs/node#54614, #55351), one per GitHub request
 * for the App's whole life. `globalThis.fetch` is looked up per call: nock
 * (tests) replaces it.
 */
export function stoppableFetch(): { fetch: typeof fetch; stop(reason: Error): void } {
  const inFlight = new Set<AbortController>();
  let stoppedWith: Error | undefined;
  return {
    fetch: async (input, init) => {
      const own = new AbortController();
      const caller = init?.signal;
      if (stoppedWith) own.abort(stoppedWith);
      else if (caller?.aborted) own.abort(caller.reason);
      // The caller's signal lives as long as its request: the listener goes with it.
      else caller?.addEventListener('abort', () => own.abort(caller.reason), { once: true });
      inFlight.add(own);
      try {
        return await globalThis.fetch(input, { ...init, signal: own.signal });
      } finally {
        inFlight.delete(own);
      }
    },
    stop: (reason) => {
      stoppedWith = reason;
      for (const request of inFlight) request.abort(reason);
      inFlight.clear();
    },
  };
}
