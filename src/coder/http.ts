/**
 * The one HTTP path to Coder: auth header, JSON in and out, error bodies
 * turned into CoderError, and retries with backoff for requests that are
 * safe to repeat.
 */
import type { z } from 'zod';
import { CoderError, describeNetworkError, isTransient, networkCode } from './errors.js';
import { ErrorBodySchema } from './schemas.js';

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Attempts after the first when the connection is refused outright (nothing
   * listens): default `retries`. A person at a terminal wants few and short.
   */
  refusedRetries?: number;
  /**
   * Attempts after the first when the server took the connection and did not
   * answer within the per-request limit: default 1. Each one costs a whole
   * limit (30 s), so `retries` of them would turn one silent request into minutes.
   */
  timeoutRetries?: number;
  /**
   * Once a request has gone unanswered before the server ever answered this
   * client, later requests fail at once with the same error: the server is
   * silent (a dead proxy, a black hole), and a run of start-up requests would
   * otherwise each wait out their own limit. For short-lived processes (the CLI).
   */
  silentFailsFast?: boolean;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 300, maxDelayMs: 8000 };

/** Timed-out requests retried when the policy does not say (RetryPolicy.timeoutRetries). */
const DEFAULT_TIMEOUT_RETRIES = 1;

export interface HttpOptions {
  baseUrl: string;
  token: string;
  retry?: RetryPolicy;
  /** Per-request time limit. */
  requestTimeoutMs?: number;
  userAgent?: string;
  fetch?: typeof fetch;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string; path: string }) => void;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | string[] | undefined>;
  json?: unknown;
  body?: Uint8Array;
  contentType?: string;
  /** Safe to repeat after a transient failure (GETs, interrupt, archive). Creates are not. */
  idempotent: boolean;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
}

/** Full-jitter exponential backoff: a random delay in [0, min(max, base·2^attempt)]. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + (Math.random() * cap) / 2);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CoderError('aborted', 'Cancelled.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CoderError('aborted', 'Cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class CoderHttp {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly retry: RetryPolicy;
  private readonly requestTimeoutMs: number;
  private readonly userAgent: string;
  private readonly fetchFn: typeof fetch;
  private readonly onRetry: HttpOptions['onRetry'];
  /** Whether the server has answered anything (any status) to this client. */
  private answered = false;
  /** The timeout that showed the server silent, when `retry.silentFailsFast` (RetryPolicy). */
  private silent: CoderError | undefined;

  constructor(opts: HttpOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.userAgent = opts.userAgent ?? 'coder-agent-bot';
    this.fetchFn = opts.fetch ?? fetch;
    this.onRetry = opts.onRetry;
  }

  /** Headers that authenticate a request; also used for the WebSocket upgrade. */
  authHeaders(): Record<string, string> {
    return { 'Coder-Session-Token': this.token, 'User-Agent': this.userAgent };
  }

  url(path: string, query?: RequestSpec['query']): string {
    const u = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(item));
    }
    return u.toString();
  }

  /** Sends a request and validates a JSON answer with `schema`. */
  async json<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<z.output<S>> {
    const res = await this.send(spec);
    const text = new TextDecoder().decode(res.bytes);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CoderError('protocol', `Coder answered ${spec.method} ${spec.path} with a body that is not JSON.`, {
        status: res.status,
        detail: snippet(text),
      });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown shape';
      throw new CoderError('protocol', `Coder's answer to ${spec.method} ${spec.path} has an unexpected shape (${where}).`, {
        status: res.status,
      });
    }
    return parsed.data;
  }

  /** Sends a request, retrying transient failures when the request is idempotent. Throws CoderError on non-2xx. */
  async send(spec: RequestSpec): Promise<RawResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(spec);
      } catch (err) {
        const limit = isRefused(err)
          ? (this.retry.refusedRetries ?? this.retry.retries)
          : isTimeout(err)
            ? Math.min(this.retry.retries, this.retry.timeoutRetries ?? DEFAULT_TIMEOUT_RETRIES)
            : this.retry.retries;
        const canRetry = attempt < limit && isTransient(err) && (spec.idempotent || connectionNeverMade(err));
        if (!canRetry) throw err;
        const delayMs = retryAfterMs(err) ?? backoffDelay(attempt, this.retry);
        this.onRetry?.({ attempt: attempt + 1, delayMs, reason: (err as CoderError).message, path: spec.path });
        await sleep(delayMs, spec.signal);
      }
    }
  }

  private async once(spec: RequestSpec): Promise<RawResponse> {
    if (this.silent && !this.answered) throw this.silent;
    const headers: Record<string, string> = { ...this.authHeaders(), Accept: 'application/json' };
    let body: RequestInit['body'];
    if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.json);
    } else if (spec.body !== undefined) {
      headers['Content-Type'] = spec.contentType ?? 'application/octet-stream';
      body = spec.body;
    }
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    let res: Response;
    let bytes: Uint8Array;
    try {
      res = await this.fetchFn(this.url(spec.path, spec.query), { method: spec.method, headers, body, signal });
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      if (spec.signal?.aborted) throw new CoderError('aborted', 'Cancelled.', { cause: err });
      if (timeout.aborted) {
        const silent = new CoderError('timeout', `Coder did not answer ${spec.method} ${spec.path} within ${Math.round(this.requestTimeoutMs / 1000)}s.`);
        if (this.retry.silentFailsFast && !this.answered) this.silent = silent;
        throw silent;
      }
      throw new CoderError('network', describeNetworkError(this.baseUrl, err), { cause: err });
    }
    this.answered = true;
    if (res.status >= 200 && res.status < 300) return { status: res.status, headers: res.headers, bytes };
    throw errorFromResponse(spec, res.status, res.headers, bytes);
  }
}

/** The server took the connection and did not answer within the per-request limit. */
function isTimeout(err: unknown): boolean {
  return err instanceof CoderError && err.kind === 'timeout';
}

/** Nothing listens at the address: the server is down or the port is wrong. */
function isRefused(err: unknown): boolean {
  return err instanceof CoderError && err.kind === 'network' && networkCode(err) === 'ECONNREFUSED';
}

/** A refused connection never reached the server, so even a create is safe to send again. */
export function connectionNeverMade(err: unknown): boolean {
  return err instanceof CoderError && err.kind === 'network' && /connection refused|host not found|DNS/.test(err.message);
}

function retryAfterMs(err: unknown): number | undefined {
  if (!(err instanceof CoderError)) return undefined;
  const ra = err.extra['retry_after_ms'];
  return typeof ra === 'number' ? ra : undefined;
}

function snippet(text: string): string {
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
}

export function errorFromResponse(spec: Pick<RequestSpec, 'method' | 'path'>, status: number, headers: Headers, bytes: Uint8Array): CoderError {
  const text = new TextDecoder().decode(bytes);
  const extra: Record<string, unknown> = {};
  const retryAfter = Number(headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) extra['retry_after_ms'] = Math.min(retryAfter * 1000, 60_000);
  let parsedBody: unknown;
  try {
    parsedBody = JSON.parse(text);
  } catch {
    parsedBody = undefined;
  }
  const parsed = ErrorBodySchema.safeParse(parsedBody);
  if (!parsed.success) {
    // Typically an HTML page from a proxy or load balancer in front of Coder.
    const type = headers.get('content-type')?.split(';')[0] ?? 'no content type';
    return new CoderError(
      status === 401 ? 'auth' : 'http',
      `Coder answered ${spec.method} ${spec.path} with HTTP ${status} and a body that is not JSON (${type}); a proxy in front of Coder may have answered.`,
      { status, detail: snippet(text) || undefined, extra },
    );
  }
  const body = parsed.data;
  for (const [k, v] of Object.entries(parsedBody as Record<string, unknown>)) {
    if (k !== 'message' && k !== 'detail' && k !== 'validations') extra[k] = v;
  }
  let message = body.message;
  if (status === 401) message = `Coder rejected the session token (401): ${body.message} Check CODER_SESSION_TOKEN.`;
  else if (status === 409 && 'limit_micros' in extra) message = `Usage limit reached: ${body.message}`;
  return new CoderError(status === 401 ? 'auth' : 'http', message, {
    status,
    detail: body.detail,
    validations: body.validations,
    extra,
  });
}
