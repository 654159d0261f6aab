/**
 * Errors from talking to Coder. Each carries what a person needs to act on it
 * (status, Coder's message and detail, field validations) and never the token:
 * messages are built only from the server's answer and our own words.
 */

export type CoderErrorKind =
  | 'http' // Coder answered with an error status
  | 'auth' // 401: token wrong or expired
  | 'network' // could not reach Coder at all
  | 'timeout' // a request took too long
  | 'protocol' // Coder answered something we could not understand
  | 'aborted'; // the caller cancelled

export interface Validation {
  field: string;
  detail: string;
}

export class CoderError extends Error {
  override readonly name = 'CoderError';
  readonly kind: CoderErrorKind;
  readonly status: number | undefined;
  readonly detail: string | undefined;
  readonly validations: Validation[];
  /** Extra fields of the error body, e.g. `spent_micros`/`limit_micros`/`resets_at` on 409 usage limits. */
  readonly extra: Record<string, unknown>;

  constructor(
    kind: CoderErrorKind,
    message: string,
    opts: { status?: number; detail?: string; validations?: Validation[]; extra?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.status = opts.status;
    this.detail = opts.detail;
    this.validations = opts.validations ?? [];
    this.extra = opts.extra ?? {};
  }

  /** One line a person understands, with the detail and validations when Coder gave them. */
  describe(): string {
    const parts = [this.message];
    if (this.detail && !this.message.includes(this.detail)) parts.push(this.detail);
    for (const v of this.validations) parts.push(`${v.field}: ${v.detail}`);
    return parts.join(' — ');
  }
}

/**
 * True when Coder could not be reached or its gateway failed (no connection,
 * a timeout, 502, 504): the request may or may not have been carried out,
 * and nothing about it was refused.
 */
export function isUnreachable(err: unknown): boolean {
  if (!(err instanceof CoderError)) return false;
  return err.kind === 'network' || err.kind === 'timeout' || err.status === 502 || err.status === 504;
}

/** True for errors worth retrying on a request that is safe to repeat: unreachable, or busy (429, 503). */
export function isTransient(err: unknown): boolean {
  return isUnreachable(err) || (err instanceof CoderError && (err.status === 429 || err.status === 503));
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
};

/** Finds the system error code (ECONNREFUSED, ...) that Node's fetch hides in `cause`. */
export function networkCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export function describeNetworkError(baseUrl: string, err: unknown): string {
  const code = networkCode(err);
  const why = code ? (NETWORK_CODES[code] ?? code) : 'the connection failed';
  return `Could not reach Coder at ${baseUrl}: ${why}. Check the URL and that the server is up.`;
}
