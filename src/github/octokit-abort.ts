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
