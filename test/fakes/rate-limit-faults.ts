/**
 * GitHub's rate-limit answers, as faults for FakeGitHub.failNext, written
 * as GitHub sends them (docs.github.com, "Rate limits for the REST API"):
 * a secondary limit is a 403 whose message names it, with `retry-after` in
 * seconds; a primary limit is a 403 with `x-ratelimit-remaining: 0` and
 * `x-ratelimit-reset` in epoch seconds.
 */
import type { Fault } from './fake-github.js';

/** A secondary rate limit asking for `retryAfter` seconds ('0': plugin-throttling then waits its fallback). */
export function secondaryRateLimit(retryAfter: string): Fault {
  return {
    status: 403,
    body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
    headers: { 'retry-after': retryAfter },
  };
}

/** A primary rate limit that resets at `resetAt` (epoch seconds); by default one already past, so the wait is 0 s. */
export function primaryRateLimit(resetAt = Math.floor(Date.now() / 1000) - 10): Fault {
  return {
    status: 403,
    body: { message: 'API rate limit exceeded for installation.' },
    headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetAt), 'x-ratelimit-limit': '5000' },
  };
}
