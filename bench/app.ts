/**
 * GitHub App figures, measured on the real App server (src/app/server.ts)
 * run as production runs it (compiled, plain `node`, its own process) against
 * the fakes on 127.0.0.1:
 *  1. webhook response latency, p50 and p99, at 200 signed `issue_comment`
 *     deliveries a second (10% of them `/agent` requests, run in the
 *     background), beside a bare Probot app that does nothing with the same
 *     deliveries (goal: the App's p99 within 1.5× of bare Probot's);
 *  2. resident memory with 1,000 chats followed at once, after a restart
 *     with 1,000 requests in flight (goal < 300 MB).
 * The fakes live in this process, the server under test and the webhook
 * sender each in a process of their own.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { StartedRun } from '../src/agent/run.js';
import { renderProgress } from '../src/agent/render.js';
import { parseTrigger } from '../src/agent/trigger.js';
import { EVENT_TABLE } from '../src/app/webhooks.js';
import { SqliteJobStore } from '../src/app/store/sqlite-store.js';
import { CoderClient } from '../src/coder/client.js';
import { FakeCoder, type AgentStep } from '../test/fakes/fake-coder.js';
import { FakeGitHub } from '../test/fakes/fake-github.js';
import { appSettings, BOT, CODER_TOKEN, SECRET } from '../test/app/harness.js';
import {
  answeredOn,
  bundleChildren,
  mb,
  percentile,
  pollUntil,
  round2,
  runSender,
  seedCommentDelivery,
  seedRepos,
  startServer,
  type BenchRepo,
  type ChildScripts,
  type ServerChild,
} from './app-fixtures.js';
import type { BenchRow } from './report.js';
import type { SenderDelivery, SenderResult } from './webhook-sender.js';

const RATE = 200;
const WARMUP_SECONDS = 2;
const MEASURE_SECONDS = 10;
/** One delivery in ten calls the bot; the rest are ordinary conversation. */
const AGENT_EVERY = Number(process.env['BENCH_AGENT_EVERY'] ?? 10);
const LATENCY_INSTALLATIONS = 100;

const FOLLOWED_CHATS = 1000;
const MEMORY_INSTALLATIONS = 100;
/** How long each seeded chat's agent keeps working: long enough for the App to start and pick all of them up. */
const HOLD_MS = 25_000;
const ANSWER = 'Done: the change is ready.';

export async function benchApp(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'coder-agent-bot-bench-app-'));
  try {
    const scripts = await bundleChildren(dir);
    return [...(await benchWebhookLatency(scripts, dir)), ...(process.env['BENCH_SKIP_MEM'] ? [] : await benchFollowMemory(scripts, dir))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- 1. webhook latency ----------------------------------------------------------

interface LoadPlan {
  file: string;
  total: number;
  /** The threads of the `/agent` deliveries: each should get an answer. */
  agentThreads: Array<{ repo: BenchRepo; number: number }>;
}

/**
 * The deliveries both servers get, in order: comments spread over the
 * installations, every tenth an `/agent` request on a thread of its own.
 */
function planLoad(github: FakeGitHub, repos: BenchRepo[], file: string): LoadPlan {
  const total = RATE * (WARMUP_SECONDS + MEASURE_SECONDS);
  const lines: string[] = [];
  const agentThreads: LoadPlan['agentThreads'] = [];
  for (let i = 0; i < total; i++) {
    // Round-robin over the repositories, so the warm-up reads every repository's config once.
    const repo = repos[i % repos.length] as BenchRepo;
    // The `/agent` slot shifts by one each round: every repository (installation) gets its share,
    // one per issue, so concurrent jobs never share a thread.
    const agent = (i + Math.floor(i / repos.length)) % AGENT_EVERY === 0;
    const number = 1 + Math.floor(i / (AGENT_EVERY * repos.length));
    const body = agent ? `/agent why is checkout slow? (delivery ${i})` : `Thanks, I can reproduce it on Safari too (delivery ${i}).`;
    const { payload } = seedCommentDelivery(github, repo, number, body);
    if (agent) agentThreads.push({ repo, number });
    lines.push(JSON.stringify({ event: 'issue_comment', id: randomUUID(), body: JSON.stringify(payload) } satisfies SenderDelivery));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, total, agentThreads };
}

interface LatencyRun {
  p50: number;
  p99: number;
  lagP99: number;
  /** The server's CPU time over the load, ms, and its event-loop delay meanwhile. */
  cpuMs: number;
  loopDelayP99: number;
  loopDelayMax: number;
}

async function sendLoad(scripts: ChildScripts, server: ServerChild, plan: LoadPlan, webhookPath: string): Promise<LatencyRun> {
  const seconds = WARMUP_SECONDS + MEASURE_SECONDS;
  const before = await server.stats();
  const result: SenderResult = await runSender(
    scripts.sender,
    { url: `${server.url}${webhookPath}`, file: plan.file, secret: SECRET, rate: RATE, warmup: RATE * WARMUP_SECONDS },
    (seconds + 60) * 1000,
  );
  const name = server.kind === 'app' ? 'The App' : 'The bare Probot app';
  if (result.failures.length > 0) {
    throw new Error(`${name} did not answer ${result.failures.length} of ${result.sent} deliveries with 2xx:\n  ${result.failures.slice(0, 10).join('\n  ')}\n--- its output (tail) ---\n${server.output()}`);
  }
  if (process.env['BENCH_DEBUG']) {
    const w = RATE * WARMUP_SECONDS;
    const slow = result.latencies.map((ms, j) => ({ ms, i: j + w })).filter((x) => x.ms > 10);
    console.log(server.kind, 'slow', slow.length, JSON.stringify(slow.slice(0, 80).map((x) => `${x.i}${(x.i + Math.floor(x.i / 100)) % 10 === 0 ? 'A' : ''}:${Math.round(x.ms)}`)));
  }
  const sorted = result.latencies.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (sorted.length !== result.sent - RATE * WARMUP_SECONDS) throw new Error(`${name}: ${sorted.length} timed answers for ${result.sent - RATE * WARMUP_SECONDS} timed deliveries`);
  const after = await server.stats();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), lagP99: result.lagP99, cpuMs: after.cpuMs - before.cpuMs, loopDelayP99: after.loopDelayP99, loopDelayMax: after.loopDelayMax };
}

async function benchWebhookLatency(scripts: ChildScripts, dir: string): Promise<BenchRow[]> {
  const quickAnswer: AgentStep[] = [{ status: 'running' }, { text: 'Checkout waits on the ' }, { text: 'tax service; cache it.' }, { persist: true }, { status: 'waiting' }];
  const coder = await FakeCoder.start({ token: CODER_TOKEN, agent: () => quickAnswer });
  const github = await FakeGitHub.start({ writers: ['maintainer'] });
  const servers: ServerChild[] = [];
  try {
    const repos = seedRepos(github, LATENCY_INSTALLATIONS);
    const plan = planLoad(github, repos, join(dir, 'deliveries.jsonl'));
    const settings = appSettings(coder, github, {
      databaseUrl: `sqlite:${join(dir, 'latency.db')}`,
      // Enough to keep up with 20 requests a second whose runs take a few seconds each.
      concurrency: 100,
      progressIntervalMs: 8000,
      timeoutMs: 60 * 60_000,
    });

    // One server at a time, so neither competes with the other for the CPU.
    const bareServer = await startServer(scripts.server, 'bare', settings);
    servers.push(bareServer);
    const bare = await sendLoad(scripts, bareServer, plan, settings.webhookPath);
    await bareServer.stop();

    const appServer = await startServer(scripts.server, 'app', settings);
    servers.push(appServer);
    const parentCpu = process.cpuUsage();
    const ghBefore = github.requests.length;
    const coderBefore = coder.requests.length;
    const app = await sendLoad(scripts, appServer, plan, settings.webhookPath);
    if (process.env['BENCH_DEBUG']) {
      const c = process.cpuUsage(parentCpu);
      console.log('parent cpu ms during app load', (c.user + c.system) / 1000, 'gh req', github.requests.length - ghBefore, 'coder req', coder.requests.length - coderBefore);
      const byRoute = new Map<string, number>();
      for (const r of github.requests.slice(ghBefore)) { const k = `${r.method} ${r.path.replace(/org-\d+/, '{o}').replace(/\/\d+/g, '/{n}')}`; byRoute.set(k, (byRoute.get(k) ?? 0) + 1); }
      console.log([...byRoute].sort((a, b) => b[1] - a[1]));
    }
    const loadEnded = performance.now();
    await expectDeliveryOutcomes(appServer, plan);
    // The background work the deliveries started must also get done.
    const answered = () => plan.agentThreads.filter((t) => answeredOn(github, t.repo, t.number, BOT).length > 0).length;
    await pollUntil(() => answered() === plan.agentThreads.length, 60_000, 250);
    const drained = (performance.now() - loadEnded) / 1000;
    const done = answered();
    await appServer.stop();

    const ratio = app.p99 / bare.p99;
    const load = `${RATE}/s for ${MEASURE_SECONDS} s`;
    return [
      { name: `webhook latency p50, bare Probot (${load})`, value: round2(bare.p50), unit: 'ms' },
      { name: `webhook latency p99, bare Probot (${load})`, value: round2(bare.p99), unit: 'ms' },
      { name: `webhook latency p50, App (${load}, 1 in ${AGENT_EVERY} /agent)`, value: round2(app.p50), unit: 'ms' },
      { name: `webhook latency p99, App (${load}, 1 in ${AGENT_EVERY} /agent)`, value: round2(app.p99), unit: 'ms' },
      { name: 'App p99 / bare Probot p99', value: round2(ratio), unit: '×', goal: '≤ 1.5×', ok: ratio <= 1.5 },
      { name: '  sender behind schedule, p99 (bare / App)', value: `${round2(bare.lagP99)} / ${round2(app.lagP99)}`, unit: 'ms' },
      { name: '  server CPU time over the load (bare / App)', value: `${Math.round(bare.cpuMs)} / ${Math.round(app.cpuMs)}`, unit: `ms in ${WARMUP_SECONDS + MEASURE_SECONDS} s` },
      { name: '  server event-loop delay p99 / max (bare)', value: `${round2(bare.loopDelayP99)} / ${round2(bare.loopDelayMax)}`, unit: 'ms' },
      { name: '  server event-loop delay p99 / max (App)', value: `${round2(app.loopDelayP99)} / ${round2(app.loopDelayMax)}`, unit: 'ms' },
      {
        name: `  /agent requests answered in the background`,
        value: done,
        unit: `of ${plan.agentThreads.length}${done === plan.agentThreads.length ? `, the last ${round2(drained)} s after the load` : ` (${round2(drained)} s after the load)`}`,
        ok: done === plan.agentThreads.length,
      },
    ];
  } finally {
    for (const s of servers) await s.stop(5000);
    await Promise.allSettled([coder.close(), github.close()]);
  }
}

/** The App must have recorded every `/agent` delivery and ignored the rest; anything else means it measured something other than the mix. */
async function expectDeliveryOutcomes(server: ServerChild, plan: LoadPlan): Promise<void> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const count = (outcome: string) => Number(new RegExp(`coder_agent_bot_deliveries_total\\{event="issue_comment\\.created",outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  const queued = count('queued');
  const ignored = count('ignored');
  const agents = plan.agentThreads.length;
  if (queued !== agents || ignored !== plan.total - agents) {
    throw new Error(`The App recorded ${queued} and ignored ${ignored} of ${plan.total} deliveries; expected ${agents} and ${plan.total - agents}.\n--- /metrics (deliveries) ---\n${text.split('\n').filter((l) => l.includes('deliveries')).join('\n')}\n--- its output (tail) ---\n${server.output()}`);
  }
}

// ---- 2. memory with 1,000 chats followed ------------------------------------------

interface SeededJob {
  repo: BenchRepo;
  number: number;
  deliveryId: string;
  payload: Record<string, unknown>;
  run: StartedRun;
}

/**
 * The state a restart finds: 1,000 jobs `following` chats that are running on
 * the fake Coder, each with its progress comment already on the fake GitHub.
 * Building it from webhooks instead would take many minutes, since GitHub's
 * write pacing spaces the progress comments out.
 */
async function seedInFlight(coder: FakeCoder, github: FakeGitHub, databasePath: string): Promise<SeededJob[]> {
  const repos = seedRepos(github, MEMORY_INSTALLATIONS);
  const client = new CoderClient({ url: coder.url, token: CODER_TOKEN });
  const chatIds: string[] = [];
  for (let i = 0; i < FOLLOWED_CHATS; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, FOLLOWED_CHATS - i) }, (_, j) => client.createChat({ content: [{ type: 'text', text: `ship the fix for request ${i + j}` }] })),
    );
    chatIds.push(...batch.map((c) => c.id));
  }
  const startedAt = Date.now();
  const jobs = chatIds.map((chatId, i): SeededJob => {
    const repo = repos[i % repos.length] as BenchRepo;
    const number = 1 + Math.floor(i / repos.length);
    const { payload } = seedCommentDelivery(github, repo, number, `/agent ship the fix for request ${i}`);
    const chatUrl = client.chatUrl(chatId);
    const progress = github.addComment(repo.owner, repo.repo, number, { body: renderProgress({ status: 'running', chatUrl, chatId, elapsedMs: 2000 }), user: BOT });
    const url = `https://github.com/${repo.owner}/${repo.repo}/issues/${number}#issuecomment-${progress.id}`;
    const run: StartedRun = {
      chatId,
      chatUrl,
      thread: { owner: repo.owner, repo: repo.repo, kind: 'issue', number },
      comment: { owner: repo.owner, repo: repo.repo, id: progress.id, url, kind: 'issue' },
      afterId: 0,
      startedAt,
      requestedBy: 'maintainer',
      notes: [],
    };
    return { repo, number, deliveryId: randomUUID(), payload, run };
  });
  const store = SqliteJobStore.open(databasePath);
  try {
    for (const job of jobs) {
      await store.enqueue({
        deliveryId: job.deliveryId,
        dedupeKey: EVENT_TABLE['issue_comment.created'].dedupeKey(parseTrigger('issue_comment', job.payload)),
        event: 'issue_comment',
        installationId: job.repo.installationId,
        repository: `${job.repo.owner}/${job.repo.repo}`,
        payload: job.payload,
        receivedAt: startedAt - 1000,
      });
    }
    // Claimed and given its run by the process before the restart, which released its leases on the way down.
    const claimed = await store.claim('bench-before-restart', FOLLOWED_CHATS, 60_000);
    const byId = new Map(jobs.map((j) => [j.deliveryId, j]));
    for (const job of claimed) await store.recordRun(job.deliveryId, byId.get(job.deliveryId)?.run);
    await store.release('bench-before-restart', claimed.map((j) => j.deliveryId));
    const counts = await store.counts();
    if (counts.following !== FOLLOWED_CHATS) throw new Error(`Seeding the job store left ${JSON.stringify(counts)}; expected ${FOLLOWED_CHATS} following`);
    return jobs;
  } finally {
    await store.close();
  }
}

async function benchFollowMemory(scripts: ChildScripts, dir: string): Promise<BenchRow[]> {
  const holding: AgentStep[] = [{ status: 'running' }, { text: 'Working on it. ' }, { delayMs: HOLD_MS }, { text: ANSWER }, { persist: true }, { status: 'waiting' }];
  const coder = await FakeCoder.start({ token: CODER_TOKEN, agent: () => holding });
  const github = await FakeGitHub.start({ writers: ['maintainer'] });
  let server: ServerChild | undefined;
  try {
    const databasePath = join(dir, 'memory.db');
    const seeded = performance.now();
    const jobs = await seedInFlight(coder, github, databasePath);
    const settings = appSettings(coder, github, { databaseUrl: `sqlite:${databasePath}`, concurrency: FOLLOWED_CHATS, progressIntervalMs: 8000, timeoutMs: 60 * 60_000 });

    const started = performance.now();
    server = await startServer(scripts.server, 'app', settings);
    const app = server;
    let active = 0;
    const following = await pollUntil(async () => {
      active = (await app.stats()).active;
      return active >= FOLLOWED_CHATS && coder.streamCount() >= FOLLOWED_CHATS;
    }, Math.max(1000, HOLD_MS - (performance.now() - seeded) - 3000), 200);
    const followedAfter = (performance.now() - started) / 1000;
    if (!following) {
      throw new Error(`The App did not follow all ${FOLLOWED_CHATS} chats before their agents finished: ${active} jobs active, ${coder.streamCount()} streams open.\n--- its output (tail) ---\n${app.output()}`);
    }
    // Settled: every socket open, the first progress edits queued.
    await new Promise((r) => setTimeout(r, 1000));
    const held = await app.stats();
    const stillRunning = [...coder.chats.values()].filter((c) => c.status === 'running').length;
    if (stillRunning !== FOLLOWED_CHATS || coder.streamCount() < FOLLOWED_CHATS) {
      throw new Error(`Only ${stillRunning} chats were still running and ${coder.streamCount()} followed when memory was read; raise HOLD_MS.`);
    }

    const sampler = process.env['BENCH_DEBUG'] ? setInterval(() => void app.stats().then((st) => console.log(`t=${round2((performance.now() - started) / 1000)} rss=${mb(st.rss)} heap=${mb(st.heapUsed)} active=${st.active} streams=${coder.streamCount()} loopmax=${round2(st.loopDelayMax)}`)), 2000) : undefined;
    const answered = () => jobs.filter((j) => answeredOn(github, j.repo, j.number, BOT).some((c) => c.body.includes(ANSWER))).length;
    await pollUntil(() => answered() === FOLLOWED_CHATS, 120_000, 500);
    const answers = answered();
    clearInterval(sampler);
    const answeredAfter = (performance.now() - started) / 1000;
    const end = await app.stats();
    await app.stop();
    server = undefined;

    const rss = mb(held.rss);
    return [
      { name: `chats followed at once after a restart`, value: held.active, unit: `of ${FOLLOWED_CHATS}, all ${round2(followedAfter)} s after the start`, ok: held.active === FOLLOWED_CHATS },
      { name: '  App process RSS before the App started (Node + modules)', value: mb(app.before.rss), unit: 'MB' },
      { name: `App process RSS with ${FOLLOWED_CHATS.toLocaleString('en-US')} chats followed`, value: rss, unit: 'MB', goal: '< 300 MB', ok: rss < 300 },
      { name: '  of which V8 heap used', value: mb(held.heapUsed), unit: 'MB' },
      { name: '  App process peak RSS, whole run', value: mb(end.maxRss), unit: 'MB' },
      {
        name: '  answers posted (comment state=done)',
        value: answers,
        unit: `of ${FOLLOWED_CHATS}, ${round2(answeredAfter)} s after the start (agents worked ${HOLD_MS / 1000} s)`,
        ok: answers === FOLLOWED_CHATS,
      },
    ];
  } finally {
    await server?.stop(5000);
    await Promise.allSettled([coder.close(), github.close()]);
  }
}
