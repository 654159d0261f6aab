/**
 * Issue 12, item 12 (speed of failure; first-user review): a server that
 * takes the connection and never answers. Each unanswered request costs a
 * whole per-request limit, so the retry policy may not multiply it: a
 * timed-out request is retried at most once by default, never by the CLI,
 * and the CLI's later requests to a server that never answered fail at once.
 * The limit is shortened here; the CLI test (cli-silent-server) uses the real 30 s.
 */
import { afterEach, expect, it } from '@jest/globals';
import { CoderHttp, type RetryPolicy } from '../../src/coder/http.js';
import { CoderError } from '../../src/coder/errors.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { startSilentServer, type SilentServer } from '../helpers/silent-server.js';

let silent: SilentServer | undefined;
let coder: FakeCoder | undefined;
afterEach(async () => {
  await silent?.close();
  await coder?.close();
  silent = undefined;
  coder = undefined;
});

const LIMIT_MS = 300;

async function timedGet(http: CoderHttp): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  const err = await http.send({ method: 'GET', path: '/api/v2/users/me', idempotent: true }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { err, ms: Date.now() - started };
}

function client(url: string, retry: RetryPolicy, retries: number[]): CoderHttp {
  return new CoderHttp({ baseUrl: url, token: 't', requestTimeoutMs: LIMIT_MS, retry, onRetry: ({ attempt }) => retries.push(attempt) });
}

it('by default a timed-out request is retried once, not `retries` times', async () => {
  silent = await startSilentServer();
  const retries: number[] = [];
  const { err, ms } = await timedGet(client(silent.url, { retries: 4, baseDelayMs: 1, maxDelayMs: 1 }, retries));
  expect(err).toBeInstanceOf(CoderError);
  expect((err as CoderError).kind).toBe('timeout');
  expect(retries).toEqual([1]);
  expect(ms).toBeLessThan(LIMIT_MS * 4);
});

it('silentFailsFast: after one unanswered request, the next fails at once with the same sentence', async () => {
  silent = await startSilentServer();
  const retries: number[] = [];
  const http = client(silent.url, { retries: 4, baseDelayMs: 1, maxDelayMs: 1, timeoutRetries: 0, silentFailsFast: true }, retries);
  const first = await timedGet(http);
  expect((first.err as CoderError).message).toContain('did not answer GET /api/v2/users/me');
  const second = await timedGet(http);
  expect(second.err).toBe(first.err);
  expect(second.ms).toBeLessThan(LIMIT_MS / 2);
  expect(retries).toEqual([]);
});

it('silentFailsFast never stops a client whose server has answered: a slow request is only that', async () => {
  coder = await FakeCoder.start({ token: 't' });
  const http = client(coder.url, { retries: 4, baseDelayMs: 1, maxDelayMs: 1, timeoutRetries: 0, silentFailsFast: true }, []);
  expect((await timedGet(http)).err).toBeUndefined();
});
