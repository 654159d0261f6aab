/**
 * Errors of the GitHub port. They carry what a caller needs to decide (status,
 * GitHub's own message, the route) and a sentence a person can act on. They
 * are built from the response only: the request, and with it the token, is
 * never copied into them.
 */
import { maskUrl } from '../url-mask.js';

/** One entry of GitHub's `errors` array on a 422 "Validation Failed". */
export interface GitHubValidationDetail {
  resource?: string;
  field?: string;
  code?: string;
  message?: string;
}

export interface GitHubErrorInit {
  /** HTTP status; 0 when GitHub could not be reached at all. */
  status: number;
  /** Route template, e.g. `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`. */
  route: string;
  /** The request path with parameters filled in and without the query. */
  path?: string;
  githubMessage?: string;
  errors?: GitHubValidationDetail[];
  documentationUrl?: string;
  /** Seconds GitHub asked us to wait (`retry-after`, or until `x-ratelimit-reset`). */
  retryAfterSeconds?: number;
  rateLimited?: boolean;
  /** Why the request never got an answer (connection refused, timeout). */
  networkCause?: string;
  /** What to do about it, when the caller knows better than the status does. */
  advice?: string;
  /**
   * `METHOD /path` of the request that failed, when it is not the one asked
   * for: Octokit's App auth asks for an installation token first (`POST
   * /app/installations/{id}/access_tokens`), and its status says nothing
   * about the resource asked for (a 404 there is no "no such file").
   */
  failedRequest?: string;
}

export class GitHubError extends Error {
  override readonly name = 'GitHubError';
  readonly status: number;
  readonly route: string;
  readonly path: string;
  readonly githubMessage: string | undefined;
  readonly errors: readonly GitHubValidationDetail[];
  readonly documentationUrl: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly rateLimited: boolean;
  /** See GitHubErrorInit.failedRequest: undefined when the request asked for is the one that failed. */
  readonly failedRequest: string | undefined;

  constructor(init: GitHubErrorInit) {
    super(describe(init));
    this.status = init.status;
    this.route = init.route;
    this.path = init.path ?? init.route.split(' ')[1] ?? init.route;
    this.githubMessage = init.githubMessage;
    this.errors = init.errors ?? [];
    this.documentationUrl = init.documentationUrl;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.rateLimited = init.rateLimited ?? false;
    this.failedRequest = init.failedRequest;
  }

  /** GitHub answered this status to the request asked for itself (not to a token request made first). */
  answered(status: number): boolean {
    return this.status === status && this.failedRequest === undefined;
  }

  /**
   * Worth trying again later: GitHub unreachable, a 5xx, a rate limit, or a
   * 404 to a request made first (the installation token): the request asked
   * for was never sent, so another try cannot repeat it, and a token GitHub
   * does not find for now (a passing fault) is had at the next.
   */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.rateLimited || (this.status === 404 && this.failedRequest !== undefined);
  }
}

/**
 * GitHub answered a request about one thread (an issue, a pull request, a
 * conversation's comments) with another thread: an issue transferred to
 * another repository is answered with `301 Moved Permanently` to where it
 * now lives (REST docs, "Get an issue"), and fetch follows the redirect.
 * The bot acts only on the thread it was named (issue 8: "a thread reaches
 * only its own chat"), so it refuses rather than read or post there. The
 * message names the thread asked for, never where it went: that repository
 * may be one the person who named the thread cannot see. A repository
 * renamed or transferred whole keeps its id and is not a move
 * (thread-identity.ts).
 */
export class ThreadMovedError extends GitHubError {
  constructor(
    readonly asked: { owner: string; repo: string; number: number },
    route: string,
    path?: string,
  ) {
    super({
      status: 301,
      route,
      path,
      githubMessage: 'Moved Permanently',
      advice: `${asked.owner}/${asked.repo}#${asked.number} was transferred to another repository, and the bot acts only on the thread it was given.`,
    });
  }
}

function describe(init: GitHubErrorInit): string {
  const [method = '', template = ''] = init.route.split(' ');
  const asked = `${method} ${init.path ?? template}`;
  const where = init.failedRequest === undefined ? asked : `${init.failedRequest} (made first, for ${asked})`;
  if (init.status === 0) {
    return `Could not reach GitHub for ${where}${init.networkCause ? ` (${init.networkCause})` : ''}. Check the network and the API URL, then retry.`;
  }
  const details = (init.errors ?? []).map((e) => e.message ?? [e.resource, e.field, e.code].filter(Boolean).join(' ')).filter(Boolean);
  // GitHub's message often ends in a full stop; ours follows with its own sentence.
  const message = init.githubMessage?.replace(/[\s.]+$/, '');
  const said = message ? `: ${message}${details.length ? ` (${details.join('; ')})` : ''}` : '';
  return `GitHub answered ${init.status} to ${where}${said}. ${advice(init)}`;
}

function advice(init: GitHubErrorInit): string {
  if (init.advice) return init.advice;
  if (init.failedRequest !== undefined && /\/access_tokens$/.test(init.failedRequest) && (init.status === 404 || init.status === 403)) {
    return 'GitHub gave the App no installation token: the App may have been uninstalled or suspended there, or lost a permission.';
  }
  if (init.rateLimited) {
    const wait = init.retryAfterSeconds !== undefined ? ` in about ${init.retryAfterSeconds} s` : ' later';
    return `GitHub is rate limiting this token; retry${wait}.`;
  }
  switch (init.status) {
    case 401:
      return 'The GitHub token is missing, expired or wrong.';
    case 403:
      return 'The GitHub token lacks the permission this needs (check the workflow `permissions:` or the App\'s permissions).';
    case 404:
      return 'It does not exist, or the GitHub token cannot see it.';
    case 410:
      return 'It is gone (deleted or disabled).';
    case 422:
      return 'GitHub rejected the request as invalid.';
    default:
      return init.status >= 500 ? 'GitHub had a problem; retry later.' : 'Unexpected for this request.';
  }
}

export type AssetRefusal = 'host-not-allowed' | 'other-repository' | 'address-not-allowed' | 'too-large' | 'too-many-redirects' | 'insecure-redirect' | 'http-error' | 'network';

/**
 * A download the port refused or could not complete. `url` is the address
 * without its query: signed URLs carry credentials there.
 */
export class AssetDownloadError extends Error {
  override readonly name = 'AssetDownloadError';
  constructor(
    readonly reason: AssetRefusal,
    readonly url: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** `scheme://host/path` of a URL, dropping query and fragment (signed URLs carry credentials there). */
export function safeUrl(url: URL | string): string {
  // The project's one masking function (src/url-mask.ts), with the query and fragment dropped rather than masked.
  return maskUrl(typeof url === 'string' ? url : url.href).replace(/[?#].*$/, '');
}

/**
 * Turns whatever an Octokit `request` threw into a `GitHubError`. Octokit's
 * `RequestError` has `status` and `response`; when there is no response the
 * request never got an answer.
 */
export function toGitHubError(err: unknown, route: string, path?: string): GitHubError {
  if (err instanceof GitHubError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    status?: unknown;
    message?: unknown;
    request?: { method?: unknown; url?: unknown };
    response?: { data?: unknown; headers?: Record<string, unknown> };
  };
  const status = typeof e.status === 'number' ? e.status : 0;
  const failedRequest = otherRequest(e.request, route, path);
  if (!e.response || status === 0) {
    const cause = typeof e.message === 'string' ? e.message : String(err);
    return new GitHubError({ status: 0, route, path, networkCause: cause, failedRequest });
  }
  const data = e.response.data;
  const body = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  // A load balancer's HTML error page says nothing useful; plain text is kept, shortened.
  const text = typeof data === 'string' && data.trim() && !/^\s*</.test(data) ? data.trim().slice(0, 200) : undefined;
  const githubMessage = typeof body.message === 'string' ? body.message : text;
  const errors = Array.isArray(body.errors) ? body.errors.map(toDetail) : [];
  const headers = e.response.headers ?? {};
  const retryAfter = numberHeader(headers['retry-after']);
  const remaining = headers['x-ratelimit-remaining'];
  const reset = numberHeader(headers['x-ratelimit-reset']);
  const primary = (status === 403 || status === 429) && String(remaining) === '0';
  const secondary = (status === 403 || status === 429) && /rate limit/i.test(githubMessage ?? '');
  const rateLimited = status === 429 || primary || secondary;
  const retryAfterSeconds =
    retryAfter ?? (primary && reset !== undefined ? Math.max(0, Math.ceil(reset - Date.now() / 1000)) : undefined);
  return new GitHubError({
    status,
    route,
    path,
    githubMessage,
    errors,
    documentationUrl: typeof body.documentation_url === 'string' ? body.documentation_url : undefined,
    retryAfterSeconds,
    rateLimited,
    failedRequest,
  });
}

/**
 * `METHOD /path` of the request Octokit says failed (its `RequestError`
 * carries it), when that is not the request asked for (`route` filled in as
 * `path`), else undefined. Paths are compared decoded, and by their end, as
 * GitHub Enterprise serves the API under `/api/v3`.
 */
function otherRequest(request: { method?: unknown; url?: unknown } | undefined, route: string, path: string | undefined): string | undefined {
  if (typeof request?.url !== 'string' || path === undefined) return undefined;
  let failedPath: string;
  try {
    failedPath = new URL(request.url, 'http://github.invalid').pathname;
  } catch {
    return undefined;
  }
  const method = typeof request.method === 'string' ? request.method.toUpperCase() : '';
  const askedMethod = (route.split(' ')[0] ?? '').toUpperCase();
  if (method === askedMethod && decodedOrAsIs(failedPath).endsWith(decodedOrAsIs(path))) return undefined;
  return `${method} ${failedPath}`;
}

/** `decodeURIComponent`, or the text as it is when it holds a malformed escape (a stray `%`), which would throw. */
export function decodedOrAsIs(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** GitHub's `errors` entries are objects of strings, or sometimes bare strings. */
function toDetail(v: unknown): GitHubValidationDetail {
  if (typeof v === 'string') return { message: v };
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const str = (k: string): string | undefined => (typeof o[k] === 'string' ? o[k] : undefined);
  const detail: GitHubValidationDetail = {};
  for (const k of ['resource', 'field', 'code', 'message'] as const) {
    const value = str(k);
    if (value !== undefined) detail[k] = value;
  }
  return detail;
}

function numberHeader(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
