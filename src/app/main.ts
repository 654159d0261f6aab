/**
 * `npm start`: the GitHub App. It reads `.env` first (as Probot does; the
 * environment wins). Without App credentials it runs Probot's setup flow,
 * which registers the App from app.yml; with them, it validates the
 * settings, opens the job store and serves webhooks until SIGTERM, when it
 * stops taking work and leaves running jobs for the next start to resume.
 * Every start-up failure is one message (one line per problem), never a
 * stack trace, and never a secret.
 */
import { readFileSync } from 'node:fs';
import { maskUrlsIn } from '../url-mask.js';
import { loadDotEnv } from './env-file.js';
import { hasAppCredentials, readSettings, SettingsError } from './settings.js';
import { startApp } from './server.js';
import { runSetup } from './setup.js';
import { openJobStore } from './store/open-store.js';

async function main(): Promise<void> {
  loadDotEnv(process.env);
  if (!hasAppCredentials(process.env)) {
    console.log('No APP_ID/PRIVATE_KEY: starting Probot\'s setup flow. Open the printed URL to register the App from app.yml.');
    await runSetup({ env: process.env });
    return;
  }
  const settings = readSettings(process.env, (path) => readFileSync(path, 'utf8'));
  const store = await openJobStore(settings.databaseUrl);
  const app = await startApp({ settings, store });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing up; running chats will be resumed at the next start.`);
    void app
      .stop()
      .then(() => store.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`Shutdown failed: ${maskUrlsIn((err as Error).message)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof SettingsError) console.error(err.message);
  else console.error(`The App could not start: ${maskUrlsIn((err as Error).message)}`);
  process.exit(1);
});
