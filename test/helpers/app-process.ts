/**
 * The App as `npm start` runs it: `node lib/app/main.js` (built by `npm test`'s
 * pretest), in a working directory of the test's choosing, with exactly the
 * environment the test gives (plus PATH), so a `.env` there is all it knows.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { AppSettings } from '../../src/app/settings.js';

export const APP_MAIN = fileURLToPath(new URL('../../lib/app/main.js', import.meta.url));

export interface AppProcess {
  child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Waits until stdout or stderr matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

export function startAppProcess(opts: { cwd: string; env: NodeJS.ProcessEnv }): AppProcess {
  const child = spawn(process.execPath, [APP_MAIN], { cwd: opts.cwd, env: { PATH: process.env['PATH'], ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForOutput(pattern, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      while (!pattern.test(out) && !pattern.test(err)) {
        if (done) throw new Error(`the App exited before printing ${pattern}:\n${out}\n${err}`);
        if (Date.now() > end) throw new Error(`the App did not print ${pattern} in time:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      if (!done) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A port free right now on 127.0.0.1 (Probot's setup server treats PORT=0 as 3000, so it needs a real one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The settings of an App that starts and serves: credentials (the fakes'
 * webhook secret and Coder token), Coder on a port nothing listens on
 * (nothing at start-up calls it), the job store in `./data` of the working
 * directory. `privateKey`: a PEM RSA key.
 */
export function startableAppEnv(privateKey: string, secrets: { webhookSecret: string; coderToken: string }): NodeJS.ProcessEnv {
  return {
    APP_ID: '1',
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: secrets.webhookSecret,
    CODER_URL: 'http://127.0.0.1:9',
    CODER_SESSION_TOKEN: secrets.coderToken,
    DATABASE_URL: 'sqlite:./data/jobs.db',
    HOST: '127.0.0.1',
  };
}

/**
 * The environment `npm start` reads for `settings` (an App against the
 * fakes: their URLs, credentials and store), on 127.0.0.1, plus `extra`
 * (PORT, INSTANCE_ID, LOG_LEVEL, ...).
 */
export function appProcessEnv(settings: AppSettings, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    APP_ID: settings.appId,
    PRIVATE_KEY: settings.privateKey,
    WEBHOOK_SECRET: settings.webhookSecret,
    GITHUB_API_URL: settings.githubApiUrl,
    CODER_URL: settings.coderUrl,
    CODER_SESSION_TOKEN: settings.coderToken,
    DATABASE_URL: settings.databaseUrl,
    HOST: '127.0.0.1',
    ...extra,
  };
}
