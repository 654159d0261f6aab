/**
 * The App refusing an oversized unsigned webhook body (issue 8): a sender
 * streams 60 MiB, chunked (no Content-Length to refuse it by), with a
 * signature that cannot match, at the real App in its own process. The
 * intake reads at most GitHub's 25 MiB cap before answering 413, so the
 * process's peak resident memory must stay low (goal < 250 MB), and the
 * App must be healthy afterwards. A second sender leaves the signature out
 * altogether, which is refused before any of the body is read. Then eight
 * senders at once: the bodies being read share one budget (413 or 503),
 * so the peak stays under the same goal.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { FakeCoder } from '../test/fakes/fake-coder.js';
import { FakeGitHub } from '../test/fakes/fake-github.js';
import { appSettings, CODER_TOKEN } from '../test/app/harness.js';
import { mb, startServer, type ChildScripts, type ServerChild } from './app-fixtures.js';
import type { BenchRow } from './report.js';

const BODY_BYTES = 60 * 1024 * 1024;
const GOAL_MB = 250;
/** Senders at once in the concurrency row: eight bodies at the 25 MiB cap would hold 200 MiB without the shared budget. */
const CONCURRENT = 8;

/** Streams `total` bytes to the webhook path; resolves with the status once answered (or the connection dropped). */
function sendHuge(url: string, signature: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': randomUUID() };
    if (signature) headers['x-hub-signature-256'] = signature;
    const req = request(`${url}/api/github/webhooks`, { method: 'POST', headers });
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    let written = 0;
    let done = false;
    req.on('response', (res) => {
      done = true;
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => {
      if (!done) resolve(0);
      done = true;
    });
    const pump = () => {
      while (!done && written < BODY_BYTES) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!done) req.end();
    };
    req.write('{"a":"');
    pump();
  });
}

export async function benchBodyLimit(scripts: ChildScripts): Promise<BenchRow[]> {
  const coder = await FakeCoder.start({ token: CODER_TOKEN });
  const github = await FakeGitHub.start();
  let server: ServerChild | undefined;
  try {
    server = await startServer(scripts.server, 'app', appSettings(coder, github));
    const before = await server.stats();
    const badSignature = await sendHuge(server.url, `sha256=${'0'.repeat(64)}`);
    const unsigned = await sendHuge(server.url, undefined);
    const after = await server.stats();
    // review-sec finding 13: many senders at once share one budget of unchecked bytes, so the peak stays bounded.
    const concurrent = await Promise.all(Array.from({ length: CONCURRENT }, () => sendHuge(server!.url, `sha256=${'0'.repeat(64)}`)));
    const afterConcurrent = await server.stats();
    const health = await fetch(`${server.url}/healthz`).then((r) => r.status, () => 0);
    const peak = mb(after.maxRss);
    const concurrentPeak = mb(afterConcurrent.maxRss);
    const tally = (status: number) => concurrent.filter((s) => s === status).length;
    return [
      { name: 'App idle RSS before the bodies', value: mb(before.rss), unit: 'MB' },
      {
        name: `App peak RSS refusing a 60 MiB body with a bad signature (answered ${badSignature}) and one unsigned (answered ${unsigned})`,
        value: peak,
        unit: 'MB',
        goal: `< ${GOAL_MB} MB`,
        ok: peak < GOAL_MB && badSignature === 413 && unsigned === 400,
      },
      {
        name: `App peak RSS refusing ${CONCURRENT} concurrent 60 MiB bodies with bad signatures (413 × ${tally(413)}, 503 × ${tally(503)})`,
        value: concurrentPeak,
        unit: 'MB',
        goal: `< ${GOAL_MB} MB`,
        ok: concurrentPeak < GOAL_MB && tally(413) + tally(503) === CONCURRENT,
      },
      { name: 'App /healthz afterwards', value: health, unit: 'status', goal: '200', ok: health === 200 },
    ];
  } finally {
    await server?.stop();
    await coder.close();
    await github.close();
  }
}
