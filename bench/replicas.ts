/**
 * Replica figures (`npm run bench -- replicas`), with the production lease
 * (10 s) and poll (2.5 s), the job worker run as a process of its own
 * (test/helpers/crash-point-worker.mjs, the sources through tsx) against the
 * fakes on 127.0.0.1:
 *  1. a replica's death to its chat followed again by another replica, on
 *     PostgreSQL (goal < 15 s): the lease must run out first;
 *  2. a single process's restart (same INSTANCE_ID) to its answer, on SQLite
 *     and on PostgreSQL: it takes its leases back at once;
 *  3. deliveries a second absorbed by three App replicas on PostgreSQL with
 *     webhook p99 under 100 ms (replica-throughput.ts).
 * PostgreSQL: TEST_DATABASE_URL, else the local server at 127.0.0.1:5432.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { JobStore } from '../src/app/store/job-store.js';
import { openJobStore } from '../src/app/store/open-store.js';
import type { WorkerConfig } from '../src/app/worker-protocol.js';
import { FakeCoder } from '../test/fakes/fake-coder.js';
import { FakeGitHub } from '../test/fakes/fake-github.js';
import { appSettings, BOT, CODER_TOKEN, commentDelivery, INSTALLATION, OWNER, REPO } from '../test/app/harness.js';
import type { BenchRow } from './report.js';

const WORKER = fileURLToPath(new URL('../test/helpers/crash-point-worker.mjs', import.meta.url));
const SERVER = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function life(config: WorkerConfig): { kill(): void; exited: Promise<void> } {
  const child = spawn(process.execPath, [WORKER, JSON.stringify({ config })], { stdio: 'ignore' });
  return { kill: () => child.kill('SIGKILL'), exited: new Promise((resolve) => child.on('exit', () => resolve())) };
}

async function until(cond: () => Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fresh database on the bench's PostgreSQL server for `fn`, dropped after. */
export async function withBenchDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `cab_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(SERVER);
    url.pathname = `/${name}`;
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

interface Scene {
  coder: FakeCoder;
  github: FakeGitHub;
  store: JobStore;
  config(owner: string): WorkerConfig;
  enqueue(text: string): Promise<string>;
}

async function scene<T>(databaseUrl: string, answerAfterMs: number, fn: (s: Scene) => Promise<T>): Promise<T> {
  const coder = await FakeCoder.start({ token: CODER_TOKEN, agent: () => [{ status: 'running' }, { delayMs: answerAfterMs }, { text: 'Answered.' }, { persist: true }, { status: 'waiting' }] });
  const github = await FakeGitHub.start({ writers: ['maintainer'] });
  const store = await openJobStore(databaseUrl);
  try {
    return await fn({
      coder,
      github,
      store,
      config: (owner) => ({ settings: appSettings(coder, github, { databaseUrl }), owner, logLevel: 'fatal', botLogin: BOT }),
      async enqueue(text) {
        const deliveryId = randomUUID();
        const payload = commentDelivery(github, text);
        const id = (payload as { comment: { id: number } }).comment.id;
        await store.enqueue({ deliveryId, dedupeKey: `issue_comment:created:${id}`, event: 'issue_comment', installationId: INSTALLATION, repository: `${OWNER}/${REPO}`, payload, receivedAt: Date.now() });
        return deliveryId;
      },
    });
  } finally {
    await store.close();
    await Promise.allSettled([coder.close(), github.close()]);
  }
}

/** Seconds from SIGKILL of the replica following a chat to another replica claiming it and to it following the chat's stream. */
async function deathToTakeover(databaseUrl: string): Promise<{ claimed: number; following: number }> {
  return scene(databaseUrl, 120_000, async (s) => {
    const a = life(s.config('replica-a'));
    const b = life(s.config('replica-b'));
    try {
      const id = await s.enqueue('/agent a long task');
      await until(async () => (await s.store.get(id))?.state === 'following', 60_000, 'a replica to follow the chat');
      const holder = (await s.store.get(id))?.leaseOwner;
      const [dying, survivor] = holder === 'replica-a' ? [a, 'replica-b'] : [b, 'replica-a'];
      // Stream requests so far: the survivor's first one after the kill is the chat followed again.
      const streamRequests = () => s.coder.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/stream')).length;
      const streams = streamRequests();
      const t0 = performance.now();
      dying.kill();
      await until(async () => (await s.store.get(id))?.leaseOwner === survivor, 60_000, 'the other replica to claim the chat');
      const claimed = (performance.now() - t0) / 1000;
      await until(async () => streamRequests() > streams, 60_000, 'the other replica to follow the chat');
      return { claimed, following: (performance.now() - t0) / 1000 };
    } finally {
      a.kill();
      b.kill();
    }
  });
}

/** Seconds from a killed single process's restart to its answer in the thread (the agent answers 1 s into the chat). */
async function restartToAnswer(databaseUrl: string): Promise<number> {
  return scene(databaseUrl, 1_000, async (s) => {
    const first = life(s.config('single'));
    const id = await s.enqueue('/agent a quick task');
    await until(async () => (await s.store.get(id))?.state === 'following', 60_000, 'the process to follow the chat');
    first.kill();
    await first.exited;
    const t0 = performance.now();
    const second = life(s.config('single'));
    try {
      await until(async () => (await s.store.get(id))?.state === 'done', 60_000, 'the restarted process to answer');
      return (performance.now() - t0) / 1000;
    } finally {
      second.kill();
    }
  });
}

export async function benchReplicas(): Promise<BenchRow[]> {
  const round = (x: number) => Math.round(x * 100) / 100;
  const takeover = await withBenchDatabase(deathToTakeover);
  const dir = mkdtempSync(join(tmpdir(), 'bench-replicas-'));
  let sqliteRestart: number;
  try {
    sqliteRestart = await restartToAnswer(`sqlite:${join(dir, 'jobs.db')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pgRestart = await withBenchDatabase(restartToAnswer);
  return [
    { name: 'replica death → its chat claimed by another replica (Postgres, 10 s lease)', value: round(takeover.claimed), unit: 's', goal: '< 15 s', ok: takeover.claimed < 15 },
    { name: 'replica death → the chat followed again (stream open)', value: round(takeover.following), unit: 's', goal: '< 15 s', ok: takeover.following < 15 },
    { name: 'single process SIGKILLed, restart → answer (SQLite; agent answers 1 s in; includes tsx start-up)', value: round(sqliteRestart), unit: 's', goal: '< lease (10 s)', ok: sqliteRestart < 10 },
    { name: 'single process SIGKILLed, restart → answer (Postgres; same)', value: round(pgRestart), unit: 's', goal: '< lease (10 s)', ok: pgRestart < 10 },
  ];
}
