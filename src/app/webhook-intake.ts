/**
 * The App's webhook endpoint, in place of Probot's node middleware, so that
 * an unsigned or oversized body costs next to nothing:
 *
 * 1. cheap checks on the request line and headers (path, method, content
 *    type, GitHub's three headers, a declared length over the cap);
 * 2. the body is read up to GitHub's own cap, 25 MiB ("Payloads are capped
 *    at 25 MB", docs.github.com › Webhook events and payloads), and the
 *    HMAC is computed as it arrives; a body that passes the cap is refused
 *    with 413 while it is being read and the connection is closed; the
 *    bodies being read at once share a budget (`MAX_BUFFERED_BODY_BYTES`),
 *    and a chunk beyond it is refused with 503;
 * 3. the signature (`X-Hub-Signature-256`, HMAC-SHA256 with the webhook
 *    secret) is compared in constant time;
 * 4. only then is the body parsed (JSON.parse grows with the body) and
 *    handed to Probot's handlers.
 *
 * Each refusal is one log line naming the delivery, the event and the
 * reason; the payload is never logged.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';

/** GitHub caps webhook payloads at 25 MB and does not deliver larger ones. */
export const MAX_WEBHOOK_BODY_BYTES = 25 * 1024 * 1024;

/**
 * Bytes of bodies held at once before their signature is checked, across
 * every request the process is reading (review-sec finding 13): the cap
 * above bounds one body, and without this N senders of 24 MiB each held
 * N × 24 MiB until their bodies ended. Two bodies at GitHub's cap fit, and
 * GitHub's usual deliveries are kilobytes.
 */
export const MAX_BUFFERED_BODY_BYTES = 2 * MAX_WEBHOOK_BODY_BYTES;

/**
 * Bytes shared by the requests being read: `take` reserves (false when that
 * would pass the limit, reserving nothing), `give` returns.
 */
export interface BodyBudget {
  take(bytes: number): boolean;
  give(bytes: number): void;
  /** Bytes reserved now. */
  readonly used: number;
}

export function createBodyBudget(limit: number): BodyBudget {
  let used = 0;
  return {
    take(bytes) {
      if (used + bytes > limit) return false;
      used += bytes;
      return true;
    },
    give(bytes) {
      used = Math.max(0, used - bytes);
    },
    get used() {
      return used;
    },
  };
}

/** The process's budget: every intake created without its own shares it. */
const PROCESS_BODY_BUDGET = createBodyBudget(MAX_BUFFERED_BODY_BYTES);

/** GitHub waits 10 s for an answer; like Probot's middleware, say "still processing" (202) a second before. */
const ANSWER_WITHIN_MS = 9000;

/** How long the rest of a refused body is drained before the connection is cut. */
const DISCARD_FOR_MS = 5000;

/**
 * A body not read whole within this is refused (408) and its connection cut,
 * returning what it held of the budget: GitHub sends a delivery at once and
 * gives up on it after 10 s, so a slower body is not GitHub's. Without this,
 * senders that fill the budget and stall (Node's default request timeout is
 * 300 s) would turn every signed delivery meanwhile into a 503.
 */
export const BODY_WITHIN_MS = 10_000;

export interface VerifiedDelivery {
  id: string;
  name: string;
  payload: unknown;
}

export interface WebhookIntakeOptions {
  /** The webhook path, e.g. `/api/github/webhooks`. */
  path: string;
  secret: string;
  logger: Logger;
  /** Runs the handlers for a delivery whose signature matched. */
  receive(delivery: VerifiedDelivery): Promise<void>;
  /** Bytes; GitHub's cap by default (smaller only in tests). */
  maxBodyBytes?: number;
  /** Bytes of unchecked bodies held at once across requests; the process's shared budget by default (own one only in tests). */
  bodyBudget?: BodyBudget;
  /** ms; BODY_WITHIN_MS by default (shorter only in tests). */
  bodyWithinMs?: number;
}

const JSON_CONTENT_TYPE = /^\s*application\/json\s*(?:;|$)/i;

/** A request handler: answers and returns true for the webhook path, false for any other. */
export function createWebhookIntake(opts: WebhookIntakeOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const max = opts.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
  const budget = opts.bodyBudget ?? PROCESS_BODY_BUDGET;
  return (req, res) => {
    if ((req.url ?? '/').split('?')[0]?.replace(/\/+$/, '') !== opts.path.replace(/\/+$/, '')) return false;
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const id = header('x-github-delivery');
    const name = header('x-github-event');
    const signature = header('x-hub-signature-256');
    const refuse = (status: number, reason: string, unread = false) => {
      opts.logger.warn(`Webhook delivery refused (${status}): ${reason}.`, { delivery: id ?? '(none)', event: name ?? '(none)' });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: reason }));
      if (unread) discardRest(req);
    };

    if (req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `Unknown route: ${req.method ?? ''} ${opts.path}` }));
      return true;
    }
    const contentType = header('content-type');
    if (!contentType || !JSON_CONTENT_TYPE.test(contentType)) {
      refuse(415, 'the content type must be application/json (set it in the App\'s webhook settings)', true);
      return true;
    }
    const missing = [['x-github-event', name], ['x-github-delivery', id], ['x-hub-signature-256', signature]].filter(([, v]) => !v).map(([h]) => h);
    if (missing.length) {
      refuse(400, `required headers missing: ${missing.join(', ')}`, true);
      return true;
    }
    const declared = Number(header('content-length'));
    if (Number.isFinite(declared) && declared > max) {
      refuse(413, `the body (${declared} bytes) is over the ${max}-byte limit`, true);
      return true;
    }

    const hmac = createHmac('sha256', opts.secret);
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    // What this request holds of the budget, returned once: when its body is dropped or parsed, or the socket goes.
    let held = 0;
    const release = () => {
      budget.give(held);
      held = 0;
      clearTimeout(deadline);
    };
    const deadline = setTimeout(() => {
      if (refused) return;
      refused = true;
      chunks.length = 0;
      release();
      refuse(408, `the body did not arrive within ${Math.round((opts.bodyWithinMs ?? BODY_WITHIN_MS) / 1000)} s`);
      req.socket.destroy();
    }, opts.bodyWithinMs ?? BODY_WITHIN_MS);
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      received += chunk.length;
      if (received > max) {
        refused = true;
        chunks.length = 0;
        release();
        refuse(413, `the body is over the ${max}-byte limit`, true);
        return;
      }
      if (!budget.take(chunk.length)) {
        refused = true;
        chunks.length = 0;
        release();
        refuse(503, 'too many webhook bodies are being read at once; try again later', true);
        return;
      }
      held += chunk.length;
      hmac.update(chunk);
      chunks.push(chunk);
    });
    req.on('error', () => {
      refused = true;
      chunks.length = 0;
      release();
    });
    req.on('close', release);
    req.on('end', () => {
      clearTimeout(deadline);
      if (refused) return;
      if (!signatureMatches(hmac.digest(), signature ?? '')) {
        chunks.length = 0;
        release();
        refuse(400, 'the signature does not match the body (check WEBHOOK_SECRET)');
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.concat(chunks, received).toString('utf8'));
      } catch {
        refuse(400, 'the body is not valid JSON');
        return;
      } finally {
        chunks.length = 0;
        release();
      }
      void answer(opts, res, { id: id ?? '', name: name ?? '', payload });
    });
    return true;
  };
}

async function answer(opts: WebhookIntakeOptions, res: ServerResponse, delivery: VerifiedDelivery): Promise<void> {
  let answered = false;
  const timer = setTimeout(() => {
    answered = true;
    res.writeHead(202, { 'content-type': 'text/plain' }).end('still processing\n');
  }, ANSWER_WITHIN_MS);
  try {
    await opts.receive(delivery);
    if (!answered) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  } catch (err) {
    const inner = firstError(err);
    opts.logger.error(`Webhook delivery failed: ${inner instanceof Error ? inner.message : String(inner)}`, { delivery: delivery.id, event: delivery.name });
    // A handler may say how to answer (503: try again later); anything else is ours, 500.
    const status = (inner as { status?: unknown } | undefined)?.status;
    const code = typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
    if (!answered) res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'the delivery could not be handled; see the App\'s log' }));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What the sender still sends after a refusal is read and dropped (never
 * kept), for a few seconds so that it can read the answer: closing a socket
 * with unread data resets it, and the sender would see a reset instead of
 * the 413. A sender that keeps going past that is cut off.
 */
function discardRest(req: IncomingMessage): void {
  req.removeAllListeners('data');
  req.resume();
  if (req.complete) return;
  const timer = setTimeout(() => req.socket.destroy(), DISCARD_FOR_MS);
  timer.unref();
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
}

/** `sha256=<64 hex digits>` against the computed digest, in constant time. */
function signatureMatches(digest: Buffer, signature: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  if (!match?.[1]) return false;
  return timingSafeEqual(digest, Buffer.from(match[1], 'hex'));
}

/** Octokit wraps handler errors in an AggregateError; the first one says what happened. */
function firstError(err: unknown): unknown {
  return err instanceof AggregateError && err.errors.length ? (err.errors[0] as unknown) : err;
}
