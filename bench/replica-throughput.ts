/**
 * Replica figure 3 (`npm run bench -- replicas`): deliveries per second that
 * three App replicas sharing one PostgreSQL absorb with the webhook answer's
 * p99 under 100 ms (issue 10's goal).
 *
 * The replicas are the real App (src/app/server.ts, bundled and run on plain
 * `node`, one process each, INSTANCE_ID replica-1..3). Three open-loop
 * senders, one per replica as a load balancer spreads deliveries, raise the
 * rate step by step; one delivery in ten is an `/agent` request on a thread
 * of its own, the rest ordinary conversation. A step counts when every
 * delivery was answered 2xx and the p99 over all three replicas stayed under
 * the goal; stepping stops at the first step that misses. Before the steps,
 * each replica gets one untimed delivery from every installation (warmUp).
 * Afterwards every
 * `/agent` request must have exactly one answer: no replica repeated
 * another's job, none was dropped.
 *
 * On this project's machines (2 cores) the three replicas, their job
 * workers, the senders and the fakes share the same two cores, so the figure
 * is a floor for three replicas on three machines.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeCoder, type AgentStep } from '../test/fakes/fake-coder.js';
import { FakeGitHub } from '../test/fakes/fake-github.js';
import { appSettings, BOT, CODER_TOKEN, SECRET } from '../test/app/harness.js';
import { answeredOn, bundleChildren, percentile, pollUntil, round2, runSender, seedCommentDelivery, seedRepos, type BenchRepo, type ChildScripts, type ServerChild, startServer } from './app-fixtures.js';
import { withBenchDatabase } from './replicas.js';
import type { BenchRow } from './report.js';
import type { SenderDelivery, SenderResult } from './webhook-sender.js';

const REPLICAS = 3;
/** Total deliveries a second at each step, spread evenly over the replicas. */
const RATES = [150, 300, 450, 600, 900];
const WARMUP_SECONDS = 1;
const STEP_SECONDS = 5;
const AGENT_EVERY = 10;
const P99_GOAL_MS = 100;
const INSTALLATIONS = 100;
/** Warm-up deliveries a second, per replica. */
const WARM_UP_RATE = 50;

interface Step {
  rate: number;
  p50: number;
  p99: number;
  failures: string[];
}

interface Thread {
  repo: BenchRepo;
  number: number;
}

/**
 * The step's deliveries, dealt round-robin into one file per replica. Issue
 * numbers start at `10_000 × step` so no two steps share a thread.
 */
function planStep(github: FakeGitHub, repos: BenchRepo[], dir: string, step: number, rate: number): { files: string[]; warmup: number; agentThreads: Thread[] } {
  const total = rate * (WARMUP_SECONDS + STEP_SECONDS);
  const perReplica: string[][] = Array.from({ length: REPLICAS }, () => []);
  const agentThreads: Thread[] = [];
  for (let i = 0; i < total; i++) {
    const repo = repos[i % repos.length] as BenchRepo;
    const agent = i % AGENT_EVERY === 0;
    const number = 10_000 * (step + 1) + (agent ? 1 + i : 0);
    const body = agent ? `/agent why is checkout slow? (step ${step}, delivery ${i})` : `Thanks, I can reproduce it on Safari too (delivery ${i}).`;
    const { payload } = seedCommentDelivery(github, repo, number, body);
    if (agent) agentThreads.push({ repo, number });
    const line = JSON.stringify({ event: 'issue_comment', id: randomUUID(), body: JSON.stringify(payload) } satisfies SenderDelivery);
    perReplica[i % REPLICAS]?.push(line);
  }
  const files = perReplica.map((lines, r) => {
    const file = join(dir, `step-${step}-replica-${r + 1}.jsonl`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  });
  return { files, warmup: Math.ceil((rate * WARMUP_SECONDS) / REPLICAS), agentThreads };
}

async function runStep(scripts: ChildScripts, replicas: ServerChild[], webhookPath: string, files: string[], rate: number, warmup: number): Promise<Step> {
  const limitMs = (WARMUP_SECONDS + STEP_SECONDS + 60) * 1000;
  const results: SenderResult[] = await Promise.all(
    replicas.map((server, r) => runSender(scripts.sender, { url: `${server.url}${webhookPath}`, file: files[r] as string, secret: SECRET, rate: rate / REPLICAS, warmup }, limitMs)),
  );
  const sorted = results
    .flatMap((x) => x.latencies)
    .filter((x) => Number.isFinite(x))
    .sort((a, b) => a - b);
  return { rate, p50: percentile(sorted, 50), p99: percentile(sorted, 99), failures: results.flatMap((x) => x.failures) };
}

export async function benchReplicaThroughput(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'coder-agent-bot-bench-replicas-'));
  const quickAnswer: AgentStep[] = [{ status: 'running' }, { text: 'Checkout waits on the tax service; cache it.' }, { persist: true }, { status: 'waiting' }];
  const coder = await FakeCoder.start({ token: CODER_TOKEN, agent: () => quickAnswer });
  const github = await FakeGitHub.start({ writers: ['maintainer'] });
  const replicas: ServerChild[] = [];
  try {
    const scripts = await bundleChildren(dir);
    return await withBenchDatabase(async (databaseUrl) => {
      const repos = seedRepos(github, INSTALLATIONS);
      const settings = appSettings(coder, github, { databaseUrl, concurrency: 50, progressIntervalMs: 8000, timeoutMs: 60 * 60_000, logLevel: 'warn' });
      for (let r = 1; r <= REPLICAS; r++) replicas.push(await startServer(scripts.server, 'app', settings, { INSTANCE_ID: `replica-${r}` }));
      try {
        return await measure(scripts, replicas, settings.webhookPath, github, repos, dir);
      } finally {
        // Before the database is dropped under them.
        for (const s of replicas.splice(0)) await s.stop(10_000);
      }
    });
  } finally {
    for (const s of replicas) await s.stop(10_000);
    await Promise.allSettled([coder.close(), github.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Untimed: one ordinary comment from every installation to every replica,
 * so each has its installation tokens and repository configs (an hour's
 * and a minute's cache in production) before anything is timed: the figure
 * is about the steady state, not about a cold start of 300 caches at once.
 */
async function warmUp(scripts: ChildScripts, replicas: ServerChild[], webhookPath: string, github: FakeGitHub, repos: BenchRepo[], dir: string): Promise<void> {
  const files = replicas.map((_, r) => {
    const lines = repos.map((repo) => JSON.stringify({ event: 'issue_comment', id: randomUUID(), body: JSON.stringify(seedCommentDelivery(github, repo, 1, `Warming up replica ${r + 1}.`).payload) } satisfies SenderDelivery));
    const file = join(dir, `warm-up-replica-${r + 1}.jsonl`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  });
  const results = await Promise.all(replicas.map((server, r) => runSender(scripts.sender, { url: `${server.url}${webhookPath}`, file: files[r] as string, secret: SECRET, rate: WARM_UP_RATE, warmup: repos.length }, 120_000)));
  const failures = results.flatMap((x) => x.failures);
  if (failures.length > 0) throw new Error(`The warm-up was not answered 2xx ${failures.length} times; first: ${failures[0]}`);
}

async function measure(scripts: ChildScripts, replicas: ServerChild[], webhookPath: string, github: FakeGitHub, repos: BenchRepo[], dir: string): Promise<BenchRow[]> {
  await warmUp(scripts, replicas, webhookPath, github, repos, dir);
  const steps: Step[] = [];
  const threads: Thread[] = [];
  for (const [step, rate] of RATES.entries()) {
    const plan = planStep(github, repos, dir, step, rate);
    threads.push(...plan.agentThreads);
    const result = await runStep(scripts, replicas, webhookPath, plan.files, rate, plan.warmup);
    steps.push(result);
    if (result.failures.length > 0 || !(result.p99 < P99_GOAL_MS)) break;
  }

  const answers = () => threads.map((t) => answeredOn(github, t.repo, t.number, BOT).length);
  await pollUntil(() => answers().every((n) => n >= 1), 120_000, 500);
  const counts = answers();
  const once = counts.filter((n) => n === 1).length;
  const twice = counts.filter((n) => n > 1).length;

  const passed = steps.filter((s) => s.failures.length === 0 && s.p99 < P99_GOAL_MS);
  const best = passed.at(-1)?.rate ?? 0;
  const rows: BenchRow[] = [
    {
      name: `deliveries/s absorbed by ${REPLICAS} replicas on PostgreSQL, webhook p99 < ${P99_GOAL_MS} ms (1 in ${AGENT_EVERY} /agent)`,
      value: best,
      unit: '/s',
      goal: `p99 < ${P99_GOAL_MS} ms at ≥ 200/s`,
      ok: best >= 200,
    },
  ];
  for (const s of steps) {
    const failed = s.failures.length ? `, ${s.failures.length} not answered 2xx (first: ${s.failures[0]?.slice(0, 80)})` : '';
    rows.push({ name: `  at ${s.rate}/s for ${STEP_SECONDS} s: webhook p50 / p99 over the ${REPLICAS} replicas`, value: `${round2(s.p50)} / ${round2(s.p99)}${failed}`, unit: 'ms' });
  }
  rows.push({
    name: `  /agent requests answered exactly once (none twice)`,
    value: once,
    unit: `of ${threads.length}${twice ? `; ${twice} answered more than once` : ''}`,
    ok: once === threads.length && twice === 0,
  });
  return rows;
}
