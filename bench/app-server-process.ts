/**
 * A webhook server under test, in its own process so that neither the sender
 * nor the fakes share its CPU or count in its memory. `bench/app.ts` bundles
 * this file and runs it with plain `node`, as production runs the App.
 *
 *   node app-server-process.mjs app    the real App (startApp, SQLite store)
 *   node app-server-process.mjs bare   a Probot app that does nothing, for comparison
 *
 * Configuration comes as JSON in BENCH_SERVER_CONFIG. Over the IPC channel it
 * sends `ready` once listening, answers `stats` with its memory, and on `stop`
 * shuts down as the App does on SIGTERM and exits.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createNodeMiddleware, Probot } from 'probot';
import type { EmitterWebhookEventName } from '@octokit/webhooks';
import { startApp } from '../src/app/server.js';
import type { AppSettings } from '../src/app/settings.js';
import { openJobStore } from '../src/app/store/open-store.js';
import { EVENT_TABLE } from '../src/app/webhooks.js';

export type ServerKind = 'app' | 'bare';

export interface ServerConfig {
  /** What the App reads from the environment; `bare` uses its id, key, secret and webhook path only. */
  settings: AppSettings;
}

export interface ServerStats {
  /** process.memoryUsage().rss, bytes. */
  rss: number;
  /** V8 heap used by the webhook (main) thread, bytes. */
  heapUsed: number;
  /** V8 heap used by the App's job worker thread after a collection (from its metrics), bytes; only when `gc` was asked for, 0 for `bare`. */
  workerHeapUsed: number | undefined;
  /** Peak resident set of the process so far (process.resourceUsage().maxRSS), bytes. */
  maxRss: number;
  /** Jobs the App's runner is working on now (0 for `bare`). */
  active: number;
  /** CPU time the process has used since it started (user + system), ms. */
  cpuMs: number;
  /** Event-loop delay since the previous `stats` (or the start), ms: how long work held up everything else. */
  loopDelayP99: number;
  loopDelayMax: number;
}

export type ServerMessage = { type: 'ready'; url: string; before: ServerStats } | { type: 'stats'; stats: ServerStats } | { type: 'stopped' };
/** `gc`: collect garbage first, in both threads (the child runs with --expose-gc), to see the live heap rather than what V8 has not yet collected. */
export type ServerCommand = { type: 'stats'; gc?: boolean } | { type: 'stop' };

const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

function stats(active: number, workerHeapUsed: number | undefined): ServerStats {
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  const s: ServerStats = {
    rss: m.rss,
    heapUsed: m.heapUsed,
    workerHeapUsed,
    maxRss: process.resourceUsage().maxRSS * 1024,
    active,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loopDelayP99: loopDelay.percentile(99) / 1e6,
    loopDelayMax: loopDelay.max / 1e6,
  };
  loopDelay.reset();
  return s;
}

interface Running {
  url: string;
  active(): number;
  workerHeapUsed(): Promise<number>;
  stop(): Promise<void>;
}

async function startBare(settings: AppSettings): Promise<Running> {
  const probot = new Probot({ appId: settings.appId, privateKey: settings.privateKey, secret: settings.webhookSecret, baseUrl: settings.githubApiUrl });
  const events = Object.keys(EVENT_TABLE) as EmitterWebhookEventName[];
  const middleware = await createNodeMiddleware(
    (app) => {
      app.on(events, async () => undefined);
    },
    { probot, webhooksPath: settings.webhookPath },
  );
  const server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    active: () => 0,
    workerHeapUsed: async () => 0,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function startRealApp(settings: AppSettings): Promise<Running> {
  const store = await openJobStore(settings.databaseUrl);
  // Bundled beside this file by bench/app.ts, as lib/app/worker-thread.js sits beside lib/app/server.js.
  const app = await startApp({ settings, store, workerEntry: new URL('./app-worker-thread.mjs', import.meta.url) });
  return {
    url: app.url,
    active: () => app.worker.active,
    async workerHeapUsed() {
      const metrics = (await app.worker.metrics()) as Array<{ name: string; values: Array<{ value: number }> }>;
      return metrics.find((m) => m.name === 'coder_agent_bot_worker_heap_used_bytes')?.values[0]?.value ?? 0;
    },
    async stop() {
      await app.stop();
      await store.close();
    },
  };
}

async function main(): Promise<void> {
  const kind = process.argv[2] as ServerKind;
  const raw = process.env['BENCH_SERVER_CONFIG'];
  if ((kind !== 'app' && kind !== 'bare') || !raw || !process.send) {
    throw new Error('usage: BENCH_SERVER_CONFIG=<json> node app-server-process.mjs app|bare (with an IPC channel)');
  }
  const { settings } = JSON.parse(raw) as ServerConfig;
  const send = (m: ServerMessage) => process.send?.(m);
  const before = stats(0, 0);
  const running = kind === 'app' ? await startRealApp(settings) : await startBare(settings);
  process.on('message', (m: ServerCommand) => {
    if (m.type === 'stats') {
      if (m.gc) (globalThis as { gc?: () => void }).gc?.();
      if (!m.gc) send({ type: 'stats', stats: stats(running.active(), undefined) });
      else void running.workerHeapUsed().then((workerHeap) => send({ type: 'stats', stats: stats(running.active(), workerHeap) }));
    }
    if (m.type === 'stop') {
      void running.stop().then(
        () => {
          send({ type: 'stopped' });
          process.disconnect();
        },
        (err: unknown) => {
          console.error(`stop failed: ${(err as Error).message}`);
          process.exit(1);
        },
      );
    }
  });
  // The parent going away (a crashed bench) must not leave this server running.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', url: running.url, before });
}

main().catch((err: unknown) => {
  console.error(`app-server-process: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
