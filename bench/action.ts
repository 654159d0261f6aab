/**
 * GitHub Action figures, measured on the bundled dist/index.js run as the
 * runner runs it (test/action/harness.ts) against the fakes on 127.0.0.1:
 *  1. cold start of a skipped run (a comment without the phrase, what most
 *     runs are): spawn → exit, beside `node -e 0` spawn → exit (goal
 *     < 150 ms over bare Node, issue 12); and of a run that calls the agent:
 *     spawn → the fake Coder's first request;
 *  2. bundle size: the entry dist/index.js, and dist/ with its chunks (goal < 2 MB);
 *  3. GitHub requests for one `/agent` comment whose turn lasts two minutes
 *     (goal ≤ 30): the Action must stay far below GitHub's secondary rate
 *     limits however long the agent works.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CODER_TOKEN, issueCommentEvent, OWNER, REPO, runAction, type ActionRun, type RunOptions } from '../test/action/harness.js';
import { FakeCoder, type AgentStep, type FakeCoderOptions } from '../test/fakes/fake-coder.js';
import { FakeGitHub } from '../test/fakes/fake-github.js';
import { webhookExample } from '../test/helpers/webhook-examples.js';
import type { BenchRow } from './report.js';

const BUNDLE = 'dist/index.js';
const COLD_RUNS = 15;
const WARM_UP_RUNS = 2;
const LONG_TURN_MS = 120_000;

export async function benchAction(): Promise<BenchRow[]> {
  await ensureBundle();
  return [...(await benchColdStart()), ...bundleSize(), ...(await benchLongRunRequests())];
}

async function ensureBundle(): Promise<void> {
  if (existsSync(BUNDLE)) return;
  console.log(`${BUNDLE} is missing; running npm run build`);
  const build = spawn('npm', ['run', 'build'], { stdio: 'inherit' });
  const [code] = (await once(build, 'exit')) as [number | null];
  if (code !== 0 || !existsSync(BUNDLE)) throw new Error(`npm run build failed (exit ${code}); the Action bench needs ${BUNDLE}`);
}

/** The entry alone (what a skipped run parses), and every .js file in dist/ (what a full run may load). */
function bundleSize(): BenchRow[] {
  const entryKb = statSync(BUNDLE).size / 1e3;
  const files = readdirSync('dist', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  const mb = files.reduce((sum, f) => sum + statSync(join('dist', f)).size, 0) / 1e6;
  return [
    { name: `entry ${BUNDLE}`, value: Math.round(entryKb * 10) / 10, unit: 'kB' },
    { name: `dist/ in all (${files.length} .js files)`, value: Math.round(mb * 100) / 100, unit: 'MB', goal: '< 2 MB', ok: mb < 2 },
  ];
}

// ---- 1. cold start ---------------------------------------------------------

/**
 * Both clocks start when spawn() returns (the child exists), so the
 * fork/exec cost, equal for both, is left out of each.
 */
async function benchColdStart(): Promise<BenchRow[]> {
  const { coder, github } = await startFakes();
  try {
    const action: number[] = [];
    const skipped: number[] = [];
    const bare: number[] = [];
    // Interleaved, so drift in the machine's load hits every series alike.
    for (let i = 0; i < WARM_UP_RUNS + COLD_RUNS; i++) {
      const a = await actionToFirstCoderRequest(coder, github);
      const s = await skippedRunSpawnToExit(coder, github);
      const b = await bareNodeSpawnToExit();
      if (i < WARM_UP_RUNS) continue;
      action.push(a);
      skipped.push(s);
      bare.push(b);
    }
    const actionMs = median(action);
    const skippedMs = median(skipped);
    const bareMs = median(bare);
    const skippedOver = skippedMs - bareMs;
    return [
      { name: `node -e 0, spawn → exit (median of ${COLD_RUNS})`, value: round1(bareMs), unit: 'ms' },
      { name: `Action, skipped run (no phrase), spawn → exit (median of ${COLD_RUNS})`, value: round1(skippedMs), unit: 'ms' },
      { name: 'Action cold start of a skipped run over bare Node', value: round1(skippedOver), unit: 'ms', goal: '< 150 ms', ok: skippedOver < 150 },
      { name: `Action, spawn → first Coder request (median of ${COLD_RUNS})`, value: round1(actionMs), unit: 'ms' },
      { name: '  run that calls the agent, over bare Node (loads Octokit and the Coder client)', value: round1(actionMs - bareMs), unit: 'ms' },
    ];
  } finally {
    await closeFakes(coder, github);
  }
}

/** A workflow_dispatch run with a prompt: nothing on GitHub comes before the first Coder request. */
async function actionToFirstCoderRequest(coder: FakeCoder, github: FakeGitHub): Promise<number> {
  const githubBefore = github.requests.length;
  let spawnedAt = 0;
  const firstRequest = nextCoderRequest(coder);
  const run = await runGuarded(coder, github, {
    event: 'workflow_dispatch',
    payload: webhookExample('workflow_dispatch'),
    inputs: { prompt: 'summarise open issues' },
    onSpawn: () => (spawnedAt = performance.now()),
  }, 30_000);
  expectCompleted(run, 'the cold-start run (workflow_dispatch)');
  const first = await firstRequest;
  const githubFirst = github.requests.slice(githubBefore).find((r) => r.at <= first.wallClock);
  if (githubFirst) {
    throw new Error(`Cold start: the Action called GitHub (${githubFirst.method} ${githubFirst.path}) before Coder, so spawn → first Coder request is not start-up time alone`);
  }
  return first.at - spawnedAt;
}

/** A comment without the trigger phrase: the Action must end with skipped=true, having asked nobody anything. */
async function skippedRunSpawnToExit(coder: FakeCoder, github: FakeGitHub): Promise<number> {
  const before = coder.requests.length + github.requests.length;
  let spawnedAt = 0;
  let exitedAt = 0;
  const run = await runGuarded(coder, github, {
    event: 'issue_comment',
    payload: issueCommentEvent(github, 'thanks, looks good!'),
    onSpawn: (child) => {
      spawnedAt = performance.now();
      child.once('exit', () => (exitedAt = performance.now()));
    },
  }, 30_000);
  if (run.code !== 0 || run.outputs['skipped'] !== 'true') throw new Error(`The skipped run did not skip: exit ${run.code}, skipped '${run.outputs['skipped'] ?? '(none)'}'.\n${tail(run)}`);
  if (coder.requests.length + github.requests.length !== before) throw new Error('The skipped run made requests; its time is not start-up alone');
  return exitedAt - spawnedAt;
}

/**
 * When the fake Coder records its next request. The fake keeps no timestamps,
 * so this wraps `push` on its request list for one call.
 */
function nextCoderRequest(coder: FakeCoder): Promise<{ at: number; wallClock: number }> {
  const list = coder.requests;
  return new Promise((resolve) => {
    list.push = (...items) => {
      resolve({ at: performance.now(), wallClock: Date.now() });
      delete (list as { push?: unknown }).push;
      return list.push(...items);
    };
  });
}

async function bareNodeSpawnToExit(): Promise<number> {
  // The same clean environment the harness gives the Action (no NODE_OPTIONS from tsx).
  const child = spawn(process.execPath, ['-e', '0'], { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const spawnedAt = performance.now();
  child.stdout.resume();
  child.stderr.resume();
  const [code] = (await once(child, 'exit')) as [number | null];
  const exitedAt = performance.now();
  if (code !== 0) throw new Error(`node -e 0 exited with ${code}`);
  return exitedAt - spawnedAt;
}

// ---- 3. GitHub requests for a two-minute run -------------------------------

async function benchLongRunRequests(): Promise<BenchRow[]> {
  const { coder, github } = await startFakes({ agent: () => twoMinuteTurn(), stepDelayMs: 0 });
  try {
    const started = performance.now();
    const run = await runGuarded(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent why does login fail on Safari?') }, LONG_TURN_MS + 60_000);
    const seconds = (performance.now() - started) / 1000;
    expectCompleted(run, 'the two-minute run (issue_comment)');
    const total = github.requests.length;
    const byRoute = new Map<string, number>();
    for (const r of github.requests) {
      const key = `${r.method} ${routeOf(r.path)}${r.status >= 300 ? ` → ${r.status}` : ''}`;
      byRoute.set(key, (byRoute.get(key) ?? 0) + 1);
    }
    // Edits are what grows with the turn's length; their spacing says how fast.
    const edits = github.requests.filter((r) => r.method === 'PATCH').map((r) => r.at);
    const gaps = edits.slice(1).map((at, i) => (at - (edits[i] ?? at)) / 1000);
    return [
      { name: 'two-minute agent run, wall time', value: Math.round(seconds * 10) / 10, unit: 's' },
      { name: 'GitHub requests for the two-minute run', value: total, unit: 'requests', goal: '≤ 30', ok: total <= 30 },
      { name: '  comment edits (PATCH), median gap', value: gaps.length ? round1(median(gaps)) : '—', unit: gaps.length ? 's' : '' },
      ...[...byRoute].sort((a, b) => b[1] - a[1]).map(([route, count]) => ({ name: `  ${route}`, value: count, unit: '' })),
    ];
  } finally {
    await closeFakes(coder, github);
  }
}

/**
 * A turn of ~120 s shaped like a real one: running, a text delta about every
 * second, a tool call every 5 s (cycling tools, so the progress line keeps
 * changing), one provider retry at the minute, then the answer, persisted,
 * and `waiting`.
 */
function twoMinuteTurn(): AgentStep[] {
  const tools = ['read_file', 'execute', 'search_files', 'edit_file'];
  const words = 'Looking at the login flow in src/login.ts and the Safari cookie handling around it. '.split(' ');
  const steps: AgentStep[] = [{ status: 'running' }];
  const seconds = LONG_TURN_MS / 1000;
  for (let s = 1; s <= seconds; s++) {
    steps.push({ delayMs: 1000 });
    steps.push({ text: `${words[s % words.length]} ` });
    if (s % 5 === 0) steps.push({ toolCall: { name: tools[(s / 5) % tools.length] ?? 'read_file', args: { path: 'src/login.ts' }, result: { ok: true } } });
    if (s === seconds / 2) steps.push({ retry: { attempt: 1, delayMs: 2000, error: 'The model provider is overloaded (529).' } });
  }
  steps.push({ text: '\n\nSafari drops the session cookie because it is set with SameSite=None without Secure; the fix is in src/login.ts.' });
  steps.push({ persist: true }, { status: 'waiting' });
  return steps;
}

/** `/repos/Codertocat/Hello-World/issues/1/comments` → `/repos/{owner}/{repo}/issues/{n}/comments`. */
function routeOf(path: string): string {
  return path.replace(`/repos/${OWNER}/${REPO}`, '/repos/{owner}/{repo}').replace(/\/\d+(?=\/|$)/g, '/{n}');
}

// ---- shared ----------------------------------------------------------------

async function startFakes(coderOptions: FakeCoderOptions = {}): Promise<{ coder: FakeCoder; github: FakeGitHub }> {
  const coder = await FakeCoder.start({ token: CODER_TOKEN, ...coderOptions });
  const github = await FakeGitHub.start({ botLogin: 'github-actions[bot]', writers: ['maintainer'] }).catch(async (err: unknown) => {
    await coder.close();
    throw err;
  });
  github.addRepo(OWNER, REPO);
  return { coder, github };
}

async function closeFakes(coder: FakeCoder, github: FakeGitHub): Promise<void> {
  await Promise.allSettled([coder.close(), github.close()]);
}

/** runAction, but a run that outlives `limitMs` is killed and reported instead of hanging the bench. */
async function runGuarded(coder: FakeCoder, github: FakeGitHub, opts: RunOptions, limitMs: number): Promise<ActionRun> {
  let child: ChildProcess | undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child?.kill('SIGKILL');
  }, limitMs);
  try {
    const run = await runAction(coder, github, {
      ...opts,
      onSpawn: (c) => {
        child = c;
        opts.onSpawn?.(c);
      },
    });
    if (timedOut) throw new Error(`The Action did not finish within ${limitMs / 1000} s; killed it.\n${tail(run)}`);
    return run;
  } finally {
    clearTimeout(timer);
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function expectCompleted(run: ActionRun, what: string): void {
  if (run.outputs['status'] === 'completed') return;
  throw new Error(`The Action did not complete ${what}: exit ${run.code}, status output '${run.outputs['status'] ?? '(none)'}'.\n${tail(run)}`);
}

function tail(run: ActionRun): string {
  return `--- stdout (tail) ---\n${run.stdout.slice(-2000)}\n--- stderr (tail) ---\n${run.stderr.slice(-2000)}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
