/**
 * GitHub App figure 2: resident memory of the App process with 1,000 chats
 * followed at once (goal < 300 MB), and that their answers all arrive.
 *
 * The scenario is a restart with 1,000 requests in flight: the job store
 * holds 1,000 jobs `following` chats that run on the fake Coder, each with
 * its progress comment on the fake GitHub; the App (concurrency 1,000) starts
 * in its own process and resumes them all. The fakes stay in this process, so
 * their memory is not counted.
 */
import { randomUUID } from 'node:crypto';
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
import { appSettings, BOT, CODER_TOKEN } from '../test/app/harness.js';
import { answeredOn, mb, pollUntil, round2, seedCommentDelivery, seedRepos, startServer, type BenchRepo, type ChildScripts, type ServerChild } from './app-fixtures.js';
import type { BenchRow } from './report.js';

const FOLLOWED_CHATS = 1000;
/** The jobs are spread over installations as a busy App's are: GitHub paces writes per installation. */
const INSTALLATIONS = 100;
/** How long each seeded chat's agent keeps working: long enough for the App to start and pick all of them up. */
const HOLD_MS = 20_000;
const ANSWER = 'Done: the change is ready.';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  const repos = seedRepos(github, INSTALLATIONS);
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

export async function benchFollowMemory(scripts: ChildScripts, dir: string): Promise<BenchRow[]> {
  const holding: AgentStep[] = [{ status: 'running' }, { text: 'Working on it. ' }, { delayMs: HOLD_MS }, { text: ANSWER }, { persist: true }, { status: 'waiting' }];
  const coder = await FakeCoder.start({ token: CODER_TOKEN, agent: () => holding });
  const github = await FakeGitHub.start({ writers: ['maintainer'] });
  let server: ServerChild | undefined;
  try {
    const databasePath = join(dir, 'memory.db');
    // The agents start working as their chats are created, at the start of seeding.
    const holdEnds = performance.now() + HOLD_MS;
    const jobs = await seedInFlight(coder, github, databasePath);
    const settings = appSettings(coder, github, { databaseUrl: `sqlite:${databasePath}`, concurrency: FOLLOWED_CHATS, progressIntervalMs: 8000, timeoutMs: 60 * 60_000 });

    const started = performance.now();
    server = await startServer(scripts.server, 'app', settings);
    const app = server;
    let active = 0;
    const following = await pollUntil(async () => {
      active = (await app.stats()).active;
      return active >= FOLLOWED_CHATS && coder.streamCount() >= FOLLOWED_CHATS;
    }, Math.max(1000, holdEnds - performance.now() - 5000), 200);
    const followedAfter = (performance.now() - started) / 1000;
    if (!following) {
      throw new Error(`The App did not follow all ${FOLLOWED_CHATS} chats before their agents finished: ${active} jobs active, ${coder.streamCount()} streams open.\n--- its output (tail) ---\n${app.output()}`);
    }
    // Settled: every socket open, the first progress edits queued.
    await sleep(1000);
    const allRunning = () => coder.streamCount() >= FOLLOWED_CHATS && [...coder.chats.values()].every((c) => c.status === 'running');
    const held = await app.stats();
    if (!allRunning()) throw new Error(`Some agents finished or streams closed before memory was read (${coder.streamCount()} streams open); raise HOLD_MS.`);
    // V8 collects lazily, so RSS also depends on how long the App has been following: sample the
    // rest of the hold, then collect once to see what is live (still with every chat followed).
    let highest = held.rss;
    const sampledFrom = performance.now();
    while (performance.now() < holdEnds - 2000) {
      await sleep(500);
      const now = await app.stats();
      if (!allRunning()) break;
      highest = Math.max(highest, now.rss);
    }
    const sampledFor = (performance.now() - sampledFrom) / 1000;
    const collected = await app.stats({ gc: true });
    if (!allRunning()) throw new Error('Some agents finished before the live memory was read; raise HOLD_MS.');

    const answered = () => jobs.filter((j) => answeredOn(github, j.repo, j.number, BOT).some((c) => c.body.includes(ANSWER))).length;
    await pollUntil(() => answered() === FOLLOWED_CHATS, 120_000, 500);
    const answers = answered();
    const answeredAfter = (performance.now() - started) / 1000;
    const end = await app.stats();
    // After the run and a full collection, the heap should be back near where it started: nothing kept per job.
    const settled = await app.stats({ gc: true });
    if (!(await app.stop())) console.warn(`  (the App did not stop by itself within 15 s of being asked; it was killed)\n${app.output()}`);
    server = undefined;

    const rss = mb(held.rss);
    const chats = FOLLOWED_CHATS.toLocaleString('en-US');
    return [
      { name: 'chats followed at once after a restart', value: held.active, unit: `of ${FOLLOWED_CHATS}, all ${round2(followedAfter)} s after the start`, ok: held.active === FOLLOWED_CHATS },
      { name: '  App process RSS before the App started (Node + modules)', value: mb(app.before.rss), unit: 'MB' },
      { name: `App process RSS, ${chats} chats followed`, value: rss, unit: 'MB', goal: '< 300 MB', ok: rss < 300 },
      { name: `  highest RSS while all ${chats} were followed`, value: mb(highest), unit: `MB (sampled every 0.5 s for ${Math.round(sampledFor)} s)` },
      { name: `  after a full GC, ${chats} followed: RSS / V8 heap used (webhook thread + job worker)`, value: `${mb(collected.rss)} / ${mb(collected.heapUsed)} + ${mb(collected.workerHeapUsed ?? NaN)}`, unit: 'MB' },
      { name: '  peak RSS of the whole run (answers included)', value: mb(end.maxRss), unit: 'MB' },
      { name: '  V8 heap used after the run + full GC (webhook thread + job worker)', value: `${mb(settled.heapUsed)} + ${mb(settled.workerHeapUsed ?? NaN)}`, unit: `MB (webhook thread before the start: ${mb(app.before.heapUsed)} MB)` },
      {
        name: '  answers posted (comment state=done)',
        value: answers,
        unit: `of ${FOLLOWED_CHATS}, the last ${round2(answeredAfter)} s after the start (agents worked ${HOLD_MS / 1000} s)`,
        ok: answers === FOLLOWED_CHATS,
      },
    ];
  } finally {
    await server?.stop(5000);
    await Promise.allSettled([coder.close(), github.close()]);
  }
}
