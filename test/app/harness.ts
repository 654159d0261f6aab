/**
 * Runs the real App server on 127.0.0.1 against a fake Coder and a fake
 * GitHub, and sends it signed webhook deliveries over HTTP, as GitHub does.
 */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp, type StartOptions } from '../../src/app/server.js';
import type { AppSettings } from '../../src/app/settings.js';
import type { JobStore } from '../../src/app/store/job-store.js';
import { openJobStore } from '../../src/app/store/open-store.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { webhookExample } from '../helpers/webhook-examples.js';

export const OWNER = 'Codertocat';
export const REPO = 'Hello-World';
export const SECRET = 'webhook-secret-for-tests';
export const CODER_TOKEN = 'app-coder-token-abcdef123456';
export const INSTALLATION = 4242;
export const BOT = 'coder-agent[bot]';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

export function tempDatabaseUrl(): string {
  return `sqlite:${join(mkdtempSync(join(tmpdir(), 'app-store-')), 'jobs.db')}`;
}

/** The App's settings against the fakes (only their URLs are read, so fakes in another process fit too). */
export function appSettings(coder: Pick<FakeCoder, 'url'>, github: Pick<FakeGitHub, 'url'>, overrides: Partial<AppSettings> = {}): AppSettings {
  return {
    appId: '1',
    privateKey,
    webhookSecret: SECRET,
    githubApiUrl: github.url,
    coderUrl: coder.url,
    coderToken: CODER_TOKEN,
    databaseUrl: tempDatabaseUrl(),
    port: 0,
    host: '127.0.0.1',
    triggerPhrase: '/agent',
    concurrency: 10,
    timeoutMs: 60_000,
    allowedBots: [],
    progressIntervalMs: 3000,
    webhookPath: '/api/github/webhooks',
    logLevel: 'info',
    logFormat: 'json',
    ...overrides,
  };
}

export interface TestApp {
  app: RunningApp;
  store: JobStore;
  settings: AppSettings;
  stop(): Promise<void>;
}

/** The job worker thread's entry for tests: the TypeScript sources through tsx. */
export const TEST_WORKER_ENTRY = new URL('../helpers/worker-thread.mjs', import.meta.url);

/** A job worker thread entry that dies once, mid-run (see crashing-worker-thread.mjs). */
export const CRASHING_WORKER_ENTRY = new URL('../helpers/crashing-worker-thread.mjs', import.meta.url);

export async function startTestApp(settings: AppSettings, extra: Partial<StartOptions> = {}): Promise<TestApp> {
  const store = await openJobStore(settings.databaseUrl);
  const app = await startApp({ settings, store, logLevel: 'fatal', defaultMetrics: false, pollMs: 100, leaseMs: 5000, follow: { reconnectBaseMs: 5, pollIntervalMs: 50 }, workerEntry: TEST_WORKER_ENTRY, ...extra });
  return {
    app,
    store,
    settings,
    async stop() {
      await app.stop();
      await store.close();
    },
  };
}

export interface Delivery {
  status: number;
  body: string;
  ms: number;
}

/** Sends one signed delivery to `app` (a started App, or any `{ url }` serving the App: another process's). */
export async function deliver(app: Pick<RunningApp, 'url'>, event: string, payload: unknown, opts: { id?: string; secret?: string | null; signature?: string } = {}): Promise<Delivery> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': opts.id ?? randomUUID(),
    'user-agent': 'GitHub-Hookshot/test',
  };
  const secret = opts.secret === undefined ? SECRET : opts.secret;
  if (opts.signature) headers['x-hub-signature-256'] = opts.signature;
  else if (secret !== null) headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const started = performance.now();
  const res = await fetch(`${app.url}/api/github/webhooks`, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text(), ms: performance.now() - started };
}

/** A real issue_comment payload from an installation, re-pointed at a seeded issue and comment. */
export function commentDelivery(github: FakeGitHub, body: string, opts: { user?: string; userType?: string; number?: number; owner?: string; repo?: string } = {}) {
  const owner = opts.owner ?? OWNER;
  const repo = opts.repo ?? REPO;
  const number = opts.number ?? 1;
  const user = opts.user ?? 'maintainer';
  const seededRepo = github.addRepo(owner, repo, { installationId: INSTALLATION });
  const issue = github.issue(owner, repo, number) ?? github.addIssue(owner, repo, { number, title: 'Checkout is slow', body: 'It takes 9 seconds.', user: 'reporter' });
  const seeded = github.addComment(owner, repo, number, { body, user });
  const payload = webhookExample('issue_comment', 'created');
  const p = payload as Record<string, Record<string, unknown>>;
  Object.assign(p['comment'] ?? {}, { id: seeded.id, body, created_at: seeded.created_at, updated_at: seeded.updated_at, user: { login: user, id: 7, type: opts.userType ?? 'User' } });
  Object.assign(p['issue'] ?? {}, { number, title: issue.title, body: issue.body, user: { login: 'reporter', id: 8, type: 'User' } });
  Object.assign(p['repository'] ?? {}, { id: seededRepo.id, name: repo, full_name: `${owner}/${repo}`, owner: { login: owner, id: 1, type: 'User' } });
  payload['sender'] = { login: user, id: 7, type: opts.userType ?? 'User' };
  payload['installation'] = { id: INSTALLATION, node_id: 'x' };
  return payload;
}

/** The fakes most App tests start with: Coder (this file's token) and GitHub with one writer, `maintainer`. */
export async function startAppFakes(): Promise<{ coder: FakeCoder; github: FakeGitHub }> {
  const coder = await FakeCoder.start({ token: CODER_TOKEN });
  const github = await FakeGitHub.start({ writers: ['maintainer'] });
  return { coder, github };
}

/** Stops what startAppFakes and startTestApp started; an App that failed to stop does not hide the rest. */
export async function stopAppAndFakes(app: TestApp | undefined, fakes: { coder: FakeCoder; github: FakeGitHub }): Promise<void> {
  await app?.stop().catch(() => undefined);
  await fakes.coder.close();
  await fakes.github.close();
}
