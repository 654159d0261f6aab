/**
 * One live App per instance id on a SQLite store (issue 10): a second
 * `npm start` with the same INSTANCE_ID on the same file is refused in one
 * sentence with exit 1, and a restart after the first was SIGKILLed is not
 * blocked by anything the dead process left. The built App (lib/app/main.js)
 * runs as a process of its own, as `npm start` runs it.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startableAppEnv, startAppProcess, type AppProcess } from '../helpers/app-process.js';
import { waitFor } from '../helpers/wait.js';
import { CODER_TOKEN, SECRET } from './harness.js';

// Each test starts the App as processes; on a loaded machine that takes a while, and a slow start is not what is tested.
jest.setTimeout(120_000);

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

let procs: AppProcess[] = [];
let dirs: string[] = [];
afterEach(async () => {
  for (const p of procs) await p.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  procs = [];
  dirs = [];
});

async function launch(cwd: string, instanceId = 'bot-1'): Promise<{ app: AppProcess; port: number }> {
  const port = await freePort();
  const app = startAppProcess({
    cwd,
    env: { ...startableAppEnv(privateKey, { webhookSecret: SECRET, coderToken: CODER_TOKEN }), INSTANCE_ID: instanceId, PORT: String(port), LOG_FORMAT: 'json' },
  });
  procs.push(app);
  return { app, port };
}

const healthy = async (port: number) => (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0)) === 200;

describe('one App on a SQLite file', () => {
  it('a second App with the same INSTANCE_ID is refused in one sentence (exit 1); the first serves on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'instance-lock-'));
    dirs.push(dir);
    const first = await launch(dir);
    await first.app.waitForOutput(/serving on/);
    const second = await launch(dir);
    // Either it exits or it serves beside the first: whichever comes first.
    const outcome = await Promise.race([second.app.exited, second.app.waitForOutput(/serving on/, 60_000).then(() => 'served beside the first')]);
    expect(outcome).toBe(1);
    const said = second.app.stderr().trim();
    expect(said.split('\n')).toHaveLength(1);
    expect(said).toMatch(/^The App could not start: Another running process already uses the instance id "bot-1" with the job database .*jobs\.db: stop it first \(one process per SQLite file; several replicas need DATABASE_URL=postgres:\/\/…, each with its own INSTANCE_ID\)\.$/);
    expect(second.app.stdout()).not.toContain('serving on');
    // It said why its start paused before giving up: the line the restart below must not print.
    expect(second.app.stdout()).toMatch(/Another process holds the job database .*jobs\.db \(a previous life still stopping\?\): waiting up to 10 s for it\./);
    expect(await healthy(first.port)).toBe(true);
  });

  it('a second App with another INSTANCE_ID is refused too, in one sentence that names PostgreSQL (exit 1); the first serves on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'instance-lock-'));
    dirs.push(dir);
    const first = await launch(dir);
    await first.app.waitForOutput(/serving on/);
    const second = await launch(dir, 'bot-2');
    // A second process on the file would be woken only by its own deliveries: refused rather than slow.
    const outcome = await Promise.race([second.app.exited, second.app.waitForOutput(/serving on/, 60_000).then(() => 'served beside the first')]);
    expect(outcome).toBe(1);
    const said = second.app.stderr().trim();
    expect(said.split('\n')).toHaveLength(1);
    expect(said).toMatch(/^The App could not start: Another running App \(another INSTANCE_ID\) already uses the job database .*jobs\.db: a SQLite store serves one process, so stop that one, or use PostgreSQL for several \(DATABASE_URL=postgres:\/\/…, each with its own INSTANCE_ID\)\.$/);
    expect(await healthy(first.port)).toBe(true);
  });

  it('after the first App was SIGKILLed, a restart with the same INSTANCE_ID starts at once: no stale lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'instance-lock-'));
    dirs.push(dir);
    const first = await launch(dir);
    await first.app.waitForOutput(/serving on/);
    first.app.child.kill('SIGKILL');
    await first.app.exited;
    const again = await launch(dir);
    await again.app.waitForOutput(/serving on/);
    // Not waited for, as a live holder is (the first test): the dead process's locks went with it. Said in the log,
    // not timed, so a slow start on a loaded machine cannot fail it.
    expect(again.app.stdout()).not.toMatch(/waiting up to \d+ s/);
    await waitFor(() => healthy(again.port), 10_000);
    expect(again.app.stderr()).not.toContain('already uses the instance id');
  });
});
