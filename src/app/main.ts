/**
 * `npm start`: the GitHub App. It reads `.env` first (as Probot does; the
 * environment wins). Without any App credential it runs Probot's setup flow,
 * which registers the App from app.yml; with them, it validates the
 * settings, opens the job store and serves webhooks until SIGTERM, when it
 * stops taking work and leaves running jobs for the next start to resume.
 * Every start-up failure is one message (one line per problem), never a
 * stack trace, and never a secret. Once the logger exists (LOG_LEVEL,
 * LOG_FORMAT), every line goes through it, so LOG_FORMAT=json gives JSON lines only.
 */
import { readFileSync } from 'node:fs';
import { maskUrlsIn } from '../url-mask.js';
import { EnvFileError, loadDotEnv } from './env-file.js';
import { readLogOptions } from './log-options.js';
import { readPort, readSettings, SettingsError, wantsSetup } from './settings.js';
import { startApp } from './server.js';
import { runSetup, SetupPortError } from './setup.js';
import { openJobStore } from './store/open-store.js';

async function main(): Promise<void> {
  loadDotEnv(process.env);
  if (wantsSetup(process.env)) {
    // Setup mode logs and listens too: a bad LOG_LEVEL, LOG_FORMAT or PORT stops it as it stops the App.
    const problems: string[] = [];
    const log = readLogOptions(process.env, problems);
    readPort(process.env, problems);
    if (problems.length) throw new SettingsError(problems);
    await runSetup({ env: process.env, log });
    return;
  }
  const settings = readSettings(process.env, (path) => readFileSync(path, 'utf8'));
  // The signal handlers go in before anything is opened: a SIGTERM that
  // arrives while the App starts (a rollout, a test, an impatient operator)
  // would otherwise take Node's default and kill the process between the
  // store's opening and its first job, without a word or a clean unlock.
  // It is acted on as soon as the App has started.
  let signalled: string | undefined;
  let shutdown = (signal: string) => {
    signalled ??= signal;
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  const store = await openJobStore(settings.databaseUrl);
  const app = await startApp({ settings, store });
  let stopping = false;
  shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info(`${signal}: finishing up; running chats will be resumed at the next start.`);
    void app
      .stop()
      .then(() => store.close())
      .then(
        () => exitAfterLogs(0),
        (err: unknown) => {
          app.logger.error(`Shutdown failed: ${maskUrlsIn((err as Error).message)}`);
          exitAfterLogs(1);
        },
      );
  };
  if (signalled) shutdown(signalled);
}

/**
 * Exits once the log lines written so far have reached stdout: Probot's
 * logger writes through a stream (@probot/pino's transform), so a line said
 * just before `process.exit` could otherwise be dropped.
 */
function exitAfterLogs(code: number): void {
  setImmediate(() => process.stdout.write('', () => process.exit(code)));
}

main().catch((err: unknown) => {
  if (err instanceof SettingsError || err instanceof EnvFileError || err instanceof SetupPortError) console.error(err.message);
  else console.error(`The App could not start: ${maskUrlsIn((err as Error).message)}`);
  process.exit(1);
});
