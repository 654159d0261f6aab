/**
 * Plumbing for the GitHub App figures (bench/app.ts): the child processes
 * (server under test, webhook sender) built as production builds the App,
 * and the repositories, comments and payloads seeded on the fake GitHub.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { AppSettings } from '../src/app/settings.js';
import type { FakeGitHub, FakeIssueComment } from '../test/fakes/fake-github.js';
import { webhookExample } from '../test/helpers/webhook-examples.js';
import type { FakesCommand, FakesMessage, LoadSpec } from './app-fakes-process.js';
import { placeProcess, type CpuPriorities } from './cpu-priorities.js';
import type { ServerCommand, ServerConfig, ServerKind, ServerMessage, ServerStats } from './app-server-process.js';
import type { SenderConfig, SenderResult } from './webhook-sender.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ChildScripts {
  server: string;
  sender: string;
  /** The fakes of the latency figure, in a process of their own (app-fakes-process.ts). */
  fakes: string;
}

/**
 * Bundles the child processes into `dir` (npm packages left external and
 * found through a node_modules link), so they run on plain `node` like the
 * compiled App in production: no TypeScript loader in the measured process.
 */
export async function bundleChildren(dir: string): Promise<ChildScripts> {
  await build({
    entryPoints: {
      'app-server-process': join(ROOT, 'bench/app-server-process.ts'),
      // The App's job worker thread, which the server process starts from beside itself.
      'app-worker-thread': join(ROOT, 'bench/app-worker-thread.ts'),
      'webhook-sender': join(ROOT, 'bench/webhook-sender.ts'),
      'app-fakes-process': join(ROOT, 'bench/app-fakes-process.ts'),
    },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { server: join(dir, 'app-server-process.mjs'), sender: join(dir, 'webhook-sender.mjs'), fakes: join(dir, 'app-fakes-process.mjs') };
}

/** A child's environment: only what it needs (no NODE_OPTIONS from tsx, nothing from the bench machine's App settings). */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '', ...extra };
}

/** Keeps the last few KB a child printed, for error messages. */
function captureTail(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

/** The next IPC message that `pick` accepts; rejects when the child exits first or after `timeoutMs`. */
function nextMessage<T>(child: ChildProcess, pick: (m: unknown) => T | undefined, timeoutMs: number, what: string, tail: () => string): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (m: unknown) => {
      const picked = pick(m);
      if (picked === undefined) return;
      cleanup();
      resolve(picked);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`${what}: the child exited (code ${code}, signal ${signal}) first.\n--- its output (tail) ---\n${tail()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: no answer within ${timeoutMs / 1000} s.\n--- its output (tail) ---\n${tail()}`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export interface ServerChild {
  kind: ServerKind;
  url: string;
  /** Memory right after start-up, before the server was created (Node + loaded modules). */
  before: ServerStats;
  stats(opts?: { gc?: boolean }): Promise<ServerStats>;
  /** Graceful stop (the App's SIGTERM path); killed if it takes over `limitMs`. Resolves whether it stopped by itself. */
  stop(limitMs?: number): Promise<boolean>;
  output(): string;
}

/**
 * `env`: more environment for the child, e.g. its INSTANCE_ID when several replicas share one database.
 * `priorities`: run it in a session of its own at the servers' level (cpu-priorities.ts); in the bench's session by default.
 */
export async function startServer(script: string, kind: ServerKind, settings: AppSettings, env: Record<string, string> = {}, priorities?: CpuPriorities): Promise<ServerChild> {
  const config: ServerConfig = { settings };
  // --expose-gc changes nothing until `stats({ gc: true })` asks for a collection.
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each server to <dir> (open it in Chrome's DevTools).
  const profile = process.env['BENCH_CPU_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`] : [];
  const child = spawn(process.execPath, ['--expose-gc', ...profile, script, kind], {
    cwd: ROOT,
    env: childEnv({ ...env, BENCH_SERVER_CONFIG: JSON.stringify(config) }),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: priorities !== undefined,
  });
  if (priorities && child.pid) placeProcess(priorities, child.pid, 'servers');
  const output = captureTail(child);
  const name = kind === 'app' ? `the App${env['INSTANCE_ID'] ? ` (${env['INSTANCE_ID']})` : ''}` : 'the bare Probot app';
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  try {
    const ready = await nextMessage(child, (m) => ((m as ServerMessage).type === 'ready' ? (m as Extract<ServerMessage, { type: 'ready' }>) : undefined), 30_000, `starting ${name}`, output);
    return {
      kind,
      url: ready.url,
      before: ready.before,
      output,
      stats: (opts = {}) => {
        if (exited()) return Promise.reject(new Error(`${name} has exited (code ${child.exitCode}, signal ${child.signalCode}).\n--- its output (tail) ---\n${output()}`));
        const answer = nextMessage(child, (m) => ((m as ServerMessage).type === 'stats' ? (m as Extract<ServerMessage, { type: 'stats' }>).stats : undefined), 10_000, `asking ${name} for its memory`, output);
        child.send({ type: 'stats', gc: opts.gc } satisfies ServerCommand);
        return answer;
      },
      async stop(limitMs = 15_000) {
        if (exited()) return false;
        const gone = once(child, 'exit');
        child.send({ type: 'stop' } satisfies ServerCommand);
        const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
        await gone;
        clearTimeout(timer);
        return child.exitCode === 0;
      },
    };
  } catch (err) {
    if (!exited()) child.kill('SIGKILL');
    throw err;
  }
}

/**
 * Runs the open-loop sender in its own process and returns what it measured.
 * `priorities`: in a session of its own at the sender's level (cpu-priorities.ts); in the bench's session by default.
 */
export async function runSender(script: string, config: SenderConfig, limitMs: number, priorities?: CpuPriorities): Promise<SenderResult> {
  const child = spawn(process.execPath, [script], { cwd: ROOT, env: childEnv({ BENCH_SENDER_CONFIG: JSON.stringify(config) }), stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: priorities !== undefined });
  // Placed before it has signed its deliveries, so before its first send.
  if (priorities && child.pid) placeProcess(priorities, child.pid, 'sender');
  const output = captureTail(child);
  try {
    return await nextMessage(child, (m) => ((m as SenderResult).latencies ? (m as SenderResult) : undefined), limitMs, 'the webhook sender', output);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export interface FakesChild {
  /** Its process, in a session of its own (for cpu-priorities.ts's placeProcess). */
  pid: number;
  coderUrl: string;
  githubUrl: string;
  /** Seeds the fake GitHub and writes the deliveries; resolves with how many are `/agent` requests. */
  plan(spec: LoadSpec): Promise<number>;
  /** How many of the planned `/agent` threads have their final answer. */
  answered(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the fake GitHub and fake Coder in their own process and session, at the fakes' level (cpu-priorities.ts). */
export async function startFakes(script: string, priorities: CpuPriorities): Promise<FakesChild> {
  const child = spawn(process.execPath, [script], { cwd: ROOT, env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
  if (child.pid) placeProcess(priorities, child.pid, 'fakes');
  const output = captureTail(child);
  const ask = <T extends FakesMessage['type']>(command: FakesCommand, answer: T, timeoutMs: number) => {
    const reply = nextMessage(child, (m) => ((m as FakesMessage).type === answer ? (m as Extract<FakesMessage, { type: T }>) : undefined), timeoutMs, `the fakes (${command.type})`, output);
    child.send(command);
    return reply;
  };
  try {
    const ready = await nextMessage(child, (m) => ((m as FakesMessage).type === 'ready' ? (m as Extract<FakesMessage, { type: 'ready' }>) : undefined), 30_000, 'starting the fakes', output);
    return {
      pid: child.pid ?? 0,
      coderUrl: ready.coderUrl,
      githubUrl: ready.githubUrl,
      plan: async (spec) => (await ask({ type: 'plan', spec }, 'planned', 120_000)).agents,
      answered: async () => (await ask({ type: 'answered' }, 'answered', 30_000)).count,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = once(child, 'exit');
        child.disconnect();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

// ---- what the fake GitHub holds ----------------------------------------------

export interface BenchRepo {
  owner: string;
  repo: string;
  installationId: number;
}

/**
 * `count` repositories, each in an installation of its own. GitHub paces
 * writes per installation (Octokit's throttling: one write a second, one new
 * comment every three seconds), and a busy App serves many installations;
 * with a single one the background work would be measured waiting in that
 * queue rather than doing anything.
 */
export function seedRepos(github: FakeGitHub, count: number): BenchRepo[] {
  return Array.from({ length: count }, (_, k) => {
    const r: BenchRepo = { owner: `org-${k + 1}`, repo: 'service', installationId: 7001 + k };
    github.addRepo(r.owner, r.repo, { installationId: r.installationId });
    return r;
  });
}

let template: Record<string, unknown> | undefined;

/**
 * Seeds a comment on issue `number` (created if needed) and returns it with
 * a real `issue_comment.created` payload re-pointed at it, as GitHub would
 * deliver it to the installation.
 */
export function seedCommentDelivery(github: FakeGitHub, r: BenchRepo, number: number, body: string, user = 'maintainer'): { comment: FakeIssueComment; payload: Record<string, unknown> } {
  template ??= webhookExample('issue_comment', 'created');
  const issue = github.issue(r.owner, r.repo, number) ?? github.addIssue(r.owner, r.repo, { number, title: `Checkout is slow (${number})`, body: 'It takes 9 seconds.', user: 'reporter' });
  const comment = github.addComment(r.owner, r.repo, number, { body, user });
  const person = { login: user, id: 7, type: 'User' };
  const t = template as Record<string, Record<string, unknown>>;
  const payload = {
    ...template,
    comment: { ...t['comment'], id: comment.id, body, created_at: comment.created_at, updated_at: comment.updated_at, user: person },
    issue: { ...t['issue'], number, title: issue.title, body: issue.body, user: { login: 'reporter', id: 8, type: 'User' } },
    // Each repository its own id, as on GitHub: the chats' thread labels name it.
    repository: { ...t['repository'], id: github.addRepo(r.owner, r.repo).id, name: r.repo, full_name: `${r.owner}/${r.repo}`, owner: { login: r.owner, id: 1, type: 'Organization' } },
    sender: person,
    installation: { id: r.installationId, node_id: 'x' },
  };
  return { comment, payload };
}

/** Bot comments on the issue that carry a final answer (the marker says state=done). */
export function answeredOn(github: FakeGitHub, r: BenchRepo, number: number, botLogin: string): FakeIssueComment[] {
  return github.comments(r.owner, r.repo, number).filter((c) => c.user.login === botLogin && c.body.includes('state=done'));
}

// ---- figures -------------------------------------------------------------------

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

/** Polls `cond` every `everyMs` until it holds or `limitMs` passes; returns whether it held. */
export async function pollUntil(cond: () => boolean | Promise<boolean>, limitMs: number, everyMs = 100): Promise<boolean> {
  const end = Date.now() + limitMs;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
