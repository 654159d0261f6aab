/**
 * Throttle and retry settings both entries give their Octokit, so the Action
 * and the App behave alike under GitHub's rate limits. Reads hit by a rate
 * limit are retried here; writes hit by a secondary rate limit are the write
 * scheduler's (write-scheduler.ts), which knows which of them matter most.
 *
 * Action: `getOctokit(token, { baseUrl, ...octokitRetryOptions(logger) }, retry, throttling)`
 * App:    `new Probot({ Octokit: ProbotOctokit.defaults(overInstanceOptions(octokitRetryOptions(logger))), ... })`
 *         (ProbotOctokit already includes both plugins; see overInstanceOptions for why not the object form).
 */
import type { RetryOptions } from '@octokit/plugin-retry';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';
import type { Logger } from '../logger.js';

export interface RetrySettings {
  /** Retries after a (secondary) rate limit; default 2. */
  maxRateLimitRetries?: number;
  /**
   * Longest wait worth taking, in seconds; default 900. A primary rate limit
   * can ask for most of an hour, longer than a run should hang: then the
   * request fails and the caller says so in the thread.
   */
  maxWaitSeconds?: number;
  /** Milliseconds per second GitHub asks to wait (1000; less in time-scaled tests), as plugin-throttling's `retryAfterBaseValue`. */
  retryAfterUnitMs?: number;
}

export interface OctokitRetryOptions {
  throttle: ThrottlingOptions;
  retry: RetryOptions;
}

function isWrite(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

export function octokitRetryOptions(logger: Logger, settings: RetrySettings = {}): OctokitRetryOptions {
  const maxRetries = settings.maxRateLimitRetries ?? 2;
  const maxWait = settings.maxWaitSeconds ?? 900;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      const request = `${options.method} ${options.url}`;
      if (kind === 'secondary rate limit' && isWrite(options.method)) {
        // The write scheduler (write-scheduler.ts) pauses every write of the
        // installation and retries answers first; a retry held here would make
        // an answer wait behind a progress edit for the whole retry-after.
        logger.warn(`GitHub ${kind} on ${request}; left to the write scheduler (asked to wait ${retryAfter} s)`, { retryAfter });
        return false;
      }
      if (retryCount < maxRetries && retryAfter <= maxWait) {
        logger.warn(`GitHub ${kind} on ${request}; retrying in ${retryAfter} s (retry ${retryCount + 1} of ${maxRetries})`, {
          retryAfter,
          retryCount,
        });
        return true;
      }
      // Debug only: the request then fails with a GitHubError that says the same to whoever reports it (one problem, one line).
      logger.debug(`GitHub ${kind} on ${request}; giving up (asked to wait ${retryAfter} s after ${retryCount} retries)`, {
        retryAfter,
        retryCount,
      });
      return false;
    };
  return {
    throttle: {
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      ...(settings.retryAfterUnitMs === undefined ? {} : { retryAfterBaseValue: settings.retryAfterUnitMs }),
    },
    // plugin-retry's defaults (3 retries of 5xx with backoff; never 4xx). The
    // port turns it off for comment creation, where a blind retry could post twice.
    retry: {},
  };
}

/** The options an Octokit class's constructor is given, as far as ours touch them. */
export interface OctokitInstanceOptions {
  throttle?: Partial<ThrottlingOptions>;
  retry?: RetryOptions;
  [option: string]: unknown;
}

/**
 * `ours` as Octokit `defaults` in function form: each instance's options with
 * our rate-limit handlers and retry settings laid over its `throttle` and
 * `retry`, keeping the rest of them.
 *
 * Why not `Octokit.defaults(ours)`: the object form is a shallow
 * `Object.assign(defaults, instanceOptions)`, and Probot 14 gives every
 * Octokit it builds a `throttle` of its own (get-probot-octokit-with-defaults.js:
 * its handlers, which never retry a secondary limit and retry a primary one
 * three times; get-authenticated-octokit.js: `id` = the installation, so each
 * installation has its own limiter), which then replaced ours whole (issue 10).
 * Here Probot's `enabled`, `id` and Redis `connection`/`Bottleneck` stay,
 * and only the handlers (and `retryAfterBaseValue` when set) are ours.
 */
export function overInstanceOptions(ours: OctokitRetryOptions): <T extends OctokitInstanceOptions>(instance: T) => T {
  return (instance) => ({
    ...instance,
    throttle: { ...instance.throttle, ...ours.throttle },
    retry: { ...instance.retry, ...ours.retry },
  });
}
