/**
 * Sends signed webhook deliveries at a steady rate, open-loop: each request
 * leaves at its scheduled time whether or not earlier ones were answered, as
 * GitHub's deliveries do. Runs in its own process (bundled by bench/app.ts)
 * so the client's CPU does not slow the server it measures.
 *
 * Configuration comes as JSON in BENCH_SENDER_CONFIG; the deliveries are one
 * JSON object per line in `file`. The result goes back over IPC.
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface SenderConfig {
  /** e.g. http://127.0.0.1:3000/api/github/webhooks */
  url: string;
  /** JSON lines of `SenderDelivery`. */
  file: string;
  secret: string;
  /** Deliveries per second. */
  rate: number;
  /** The first `warmup` deliveries are sent and checked but not timed. */
  warmup: number;
}

export interface SenderDelivery {
  event: string;
  id: string;
  /** The payload as sent, already JSON. */
  body: string;
}

export interface SenderResult {
  /** Milliseconds from sending each timed request to the end of its response, in send order. */
  latencies: number[];
  /** Every delivery that was not answered 2xx: what happened instead. */
  failures: string[];
  /** How late the sender was on its own schedule, 99th percentile, ms (a busy sender would distort the figures). */
  lagP99: number;
  sent: number;
}

/** No request may take longer than this: the bench fails instead of hanging. */
const REQUEST_TIMEOUT_MS = 30_000;

async function main(): Promise<void> {
  const raw = process.env['BENCH_SENDER_CONFIG'];
  if (!raw || !process.send) throw new Error('usage: BENCH_SENDER_CONFIG=<json> node webhook-sender.mjs (with an IPC channel)');
  const config = JSON.parse(raw) as SenderConfig;
  const target = new URL(config.url);
  // Signed up front, so the timed loop does nothing but send.
  const deliveries = readFileSync(config.file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const d = JSON.parse(line) as SenderDelivery;
      const body = Buffer.from(d.body);
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'content-length': String(body.length),
          'user-agent': 'GitHub-Hookshot/bench',
          'x-github-event': d.event,
          'x-github-delivery': d.id,
          'x-hub-signature-256': `sha256=${createHmac('sha256', config.secret).update(body).digest('hex')}`,
        },
      };
    });
  if (deliveries.length === 0) throw new Error(`${config.file} holds no deliveries`);
  // An idle socket is dropped after 4 s, before the server's own 5 s keep-alive timeout (Node's default) closes it
  // while a request is being sent on it (ECONNRESET): sockets opened during a slow spell sit idle afterwards.
  const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });
  const latencies = new Array<number>(Math.max(0, deliveries.length - config.warmup)).fill(NaN);
  const lags: number[] = [];
  const failures: string[] = [];
  let answered = 0;

  const done = new Promise<void>((resolve) => {
    const settle = () => {
      if (++answered === deliveries.length) resolve();
    };
    const send = (i: number, scheduledAt: number) => {
      const d = deliveries[i];
      if (!d) return;
      const sentAt = performance.now();
      if (i >= config.warmup) lags.push(sentAt - scheduledAt);
      const req = request({ agent, method: 'POST', host: target.hostname, port: target.port, path: target.pathname, headers: d.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (i >= config.warmup) latencies[i - config.warmup] = performance.now() - sentAt;
          if (status < 200 || status >= 300) failures.push(`delivery ${i}: HTTP ${status} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`);
          settle();
        });
        res.on('error', (err) => {
          failures.push(`delivery ${i}: response error ${err.message}`);
          settle();
        });
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('error', (err) => {
        failures.push(`delivery ${i}: ${err.message}`);
        settle();
      });
      req.end(d.body);
    };
    // Scheduled by the clock, not by answers: a slow answer never delays the next send.
    const interval = 1000 / config.rate;
    const start = performance.now() + 20;
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < deliveries.length && start + next * interval <= now) {
        send(next, start + next * interval);
        next++;
      }
      if (next < deliveries.length) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  await done;
  agent.destroy();
  lags.sort((a, b) => a - b);
  const result: SenderResult = {
    latencies,
    failures,
    lagP99: lags[Math.min(lags.length - 1, Math.ceil(lags.length * 0.99) - 1)] ?? 0,
    sent: deliveries.length,
  };
  process.send(result, () => process.disconnect());
}

main().catch((err: unknown) => {
  console.error(`webhook-sender: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
