import { afterEach, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBodyBudget, createWebhookIntake, MAX_BUFFERED_BODY_BYTES, MAX_WEBHOOK_BODY_BYTES, type BodyBudget, type VerifiedDelivery } from '../../src/app/webhook-intake.js';
import type { Logger } from '../../src/logger.js';

const SECRET = 'intake-secret';
const PATH = '/api/github/webhooks';

interface Logged {
  level: string;
  msg: string;
  meta?: object | undefined;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

async function serve(opts: { maxBodyBytes?: number; bodyBudget?: BodyBudget; bodyWithinMs?: number; receive?: (d: VerifiedDelivery) => Promise<void> } = {}) {
  const logs: Logged[] = [];
  const received: VerifiedDelivery[] = [];
  const log = (level: string) => (msg: string, meta?: object) => logs.push({ level, msg, meta });
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const intake = createWebhookIntake({
    path: PATH,
    secret: SECRET,
    logger,
    maxBodyBytes: opts.maxBodyBytes,
    bodyBudget: opts.bodyBudget ?? createBodyBudget(MAX_BUFFERED_BODY_BYTES),
    bodyWithinMs: opts.bodyWithinMs,
    receive: opts.receive ?? (async (d) => void received.push(d)),
  });
  server = createServer((req, res) => {
    if (!intake(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logs, received };
}

const sign = (body: string | Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const headers = (body: string, extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  'x-github-event': 'issue_comment',
  'x-github-delivery': 'delivery-1',
  'x-hub-signature-256': sign(body),
  ...extra,
});

/**
 * Streams `total` bytes in chunks with no Content-Length (chunked), as a
 * sender that lies about nothing up front would, and reports the answer and
 * how much had been written when it came.
 */
function streamBody(url: string, total: number, hdrs: Record<string, string>): Promise<{ status: number; writtenWhenAnswered: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${PATH}`, { method: 'POST', headers: hdrs });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, writtenWhenAnswered: written });
    });
    req.on('error', (err) => (answered ? undefined : reject(err)));
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** Resolves once `done()` holds, polling every 10 ms; fails the test after 5 s. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > 5000) throw new Error('the condition did not hold within 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the webhook intake', () => {
  it('caps bodies at GitHub\'s own limit, 25 MiB', () => {
    expect(MAX_WEBHOOK_BODY_BYTES).toBe(25 * 1024 * 1024);
  });

  it('passes a signed delivery to the handlers, parsed', async () => {
    const { url, received, logs } = await serve();
    const body = JSON.stringify({ action: 'created', n: 1 });
    const res = await fetch(`${url}${PATH}`, { method: 'POST', headers: headers(body), body });
    expect(res.status).toBe(200);
    expect(received).toEqual([{ id: 'delivery-1', name: 'issue_comment', payload: { action: 'created', n: 1 } }]);
    expect(logs).toHaveLength(0);
  });

  it('a bad signature: 400, one log line with delivery, event and reason, never the payload, no handler', async () => {
    const { url, received, logs } = await serve();
    const body = JSON.stringify({ comment: { body: 'PAYLOAD-TEXT-NEVER-LOGGED' } });
    const res = await fetch(`${url}${PATH}`, { method: 'POST', headers: headers(body, { 'x-hub-signature-256': sign(body, 'wrong') }), body });
    expect(res.status).toBe(400);
    expect(received).toHaveLength(0);
    expect(logs).toHaveLength(1);
    expect(logs[0]?.msg).toContain('signature does not match');
    expect(logs[0]?.meta).toEqual({ delivery: 'delivery-1', event: 'issue_comment' });
    expect(JSON.stringify(logs)).not.toContain('PAYLOAD-TEXT-NEVER-LOGGED');
  });

  it('a missing signature is refused before the body is read', async () => {
    const { url, logs } = await serve({ maxBodyBytes: 1024 * 1024 });
    const { 'x-hub-signature-256': _none, ...unsigned } = headers('');
    // Far more than the cap: were it read, it would be refused with 413 instead.
    const r = await streamBody(url, 8 * 1024 * 1024, unsigned);
    expect(r.status).toBe(400);
    expect(r.writtenWhenAnswered).toBeLessThan(8 * 1024 * 1024);
    expect(logs.map((l) => l.msg)).toEqual([expect.stringContaining('x-hub-signature-256')]);
  });

  it('a declared length over the cap: 413 at once', async () => {
    const { url, logs } = await serve({ maxBodyBytes: 1024 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}${PATH}`, { method: 'POST', headers: { ...headers('x'), 'content-length': String(30 * 1024 * 1024) } });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.write('{"a":');
    });
    expect(status).toBe(413);
    expect(logs).toHaveLength(1);
  });

  it('a chunked body over the cap: 413 while it is being read, long before the sender is done', async () => {
    const { url, received, logs } = await serve({ maxBodyBytes: 1024 * 1024 });
    const r = await streamBody(url, 64 * 1024 * 1024, headers('', { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }));
    expect(r.status).toBe(413);
    expect(r.writtenWhenAnswered).toBeLessThan(16 * 1024 * 1024);
    expect(received).toHaveLength(0);
    expect(logs).toHaveLength(1);
    expect(logs[0]?.msg).toContain('over the 1048576-byte limit');
  });

  it('a signed body that is not JSON: 400 after the signature check; other methods and paths are not its business', async () => {
    const { url, logs } = await serve();
    const res = await fetch(`${url}${PATH}`, { method: 'POST', headers: headers('{nope'), body: '{nope' });
    expect(res.status).toBe(400);
    expect(logs[0]?.msg).toContain('not valid JSON');
    expect((await fetch(`${url}${PATH}`)).status).toBe(404);
    expect((await fetch(`${url}/elsewhere`, { method: 'POST' })).status).toBe(404);
    const form = await fetch(`${url}${PATH}`, { method: 'POST', headers: { ...headers('a=b'), 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    expect(form.status).toBe(415);
  });

  it('a handler that throws: 500 and one log line with its message', async () => {
    const { url, logs } = await serve({
      receive: () => Promise.reject(new AggregateError([new Error('store is down')])),
    });
    const body = '{}';
    const res = await fetch(`${url}${PATH}`, { method: 'POST', headers: headers(body), body });
    expect(res.status).toBe(500);
    expect(logs).toEqual([{ level: 'error', msg: 'Webhook delivery failed: store is down', meta: { delivery: 'delivery-1', event: 'issue_comment' } }]);
  });

  // review-sec finding 13: the cap bounds one body; without a shared budget N senders held N bodies at once.
  it('unsigned bodies read at once share a budget: past it, 503 with one line; what they held comes back', async () => {
    const budget = createBodyBudget(256 * 1024);
    const { url, received, logs } = await serve({ maxBodyBytes: 1024 * 1024, bodyBudget: budget });
    const bad = { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` };
    // Three senders hold 128 KiB each and never finish; the third passes the budget.
    const holders = [0, 1, 2].map(() => request(`${url}${PATH}`, { method: 'POST', headers: headers('', bad) }));
    const answers = holders.map((req) => new Promise<number>((resolve) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(-1));
    }));
    for (const [i, req] of holders.entries()) {
      req.write(Buffer.alloc(128 * 1024, 0x61));
      // The first two are held whole before the next sender starts (they fill the budget exactly).
      if (i < 2) await until(() => budget.used === (i + 1) * 128 * 1024);
    }
    expect(await answers[2]).toBe(503);
    expect(budget.used).toBeLessThanOrEqual(256 * 1024);
    expect(logs.map((l) => l.msg)).toEqual(['Webhook delivery refused (503): too many webhook bodies are being read at once; try again later.']);
    // The senders give up: everything they held is returned, and a signed delivery goes through.
    for (const req of holders) req.destroy();
    await until(() => budget.used === 0);
    const body = '{"action":"created"}';
    expect((await fetch(`${url}${PATH}`, { method: 'POST', headers: headers(body), body })).status).toBe(200);
    expect(received).toHaveLength(1);
    expect(budget.used).toBe(0);
  });
});

describe('bodies that stall (re-review of issue 8)', () => {
  it('senders that fill the budget and stop sending are cut off at the deadline, and what they held comes back', async () => {
    const budget = createBodyBudget(256 * 1024);
    const { url, received, logs } = await serve({ maxBodyBytes: 1024 * 1024, bodyBudget: budget, bodyWithinMs: 400 });
    const bad = { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` };
    const holders = [0, 1].map(() => request(`${url}${PATH}`, { method: 'POST', headers: headers('', bad) }));
    const answers = holders.map((req) => new Promise<number>((resolve) => {
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', () => resolve(0));
    }));
    for (const [i, req] of holders.entries()) {
      req.write(Buffer.alloc(128 * 1024, 0x61));
      await until(() => budget.used === (i + 1) * 128 * 1024);
    }
    const body = JSON.stringify({ action: 'created', comment: { body: '/agent fix it' } });
    // While they hold it all, a signed delivery is refused (503: GitHub's delivery log shows it as retryable)...
    expect((await fetch(`${url}${PATH}`, { method: 'POST', headers: headers(body), body })).status).toBe(503);
    // ...but only until the deadline: the stalled bodies are refused (408) and their connections cut.
    await until(() => budget.used === 0);
    expect(await Promise.all(answers)).toEqual([408, 408]);
    expect(logs.filter((l) => l.msg.includes('did not arrive within'))).toHaveLength(2);
    expect((await fetch(`${url}${PATH}`, { method: 'POST', headers: headers(body), body })).status).toBe(200);
    expect(received).toHaveLength(1);
  });
});

