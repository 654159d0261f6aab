// The App's job worker thread (through tsx, like worker-thread.mjs), made to
// die once. A test arms it by creating `<database file>.crash`; 700 ms after
// the first `kick` (a job was recorded) the worker renames that file to
// `<database file>.crashed` and throws an uncaught error, so the worker
// started in its place runs normally.
import { existsSync, renameSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import('../../src/app/worker-thread.ts');

const database = String(workerData.settings.databaseUrl).replace(/^sqlite:/, '');
parentPort?.on('message', (m) => {
  if (m.type !== 'kick' || !existsSync(`${database}.crash`)) return;
  renameSync(`${database}.crash`, `${database}.crashed`);
  setTimeout(() => {
    throw new Error('simulated crash of the job worker');
  }, 700);
});
