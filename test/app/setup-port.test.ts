/**
 * Issue 12, first run (found by the re-review): setup mode on a port that is
 * already in use says so in one sentence and exits 1, without Probot's
 * welcome banner (which would invite the user to someone else's server) and
 * without a stack trace.
 */
import { afterEach, expect, it, jest } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppProcess, type AppProcess } from '../helpers/app-process.js';

jest.setTimeout(120_000);
let proc: AppProcess | undefined;
let busy: Server | undefined;
afterEach(async () => {
  await proc?.stop();
  await new Promise<void>((resolve) => (busy ? busy.close(() => resolve()) : resolve()));
});

it('setup mode on a port already in use says so once, without the banner or a stack trace', async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy?.listen(0, '127.0.0.1', () => resolve()));
  const port = (busy.address() as { port: number }).port;
  proc = startAppProcess({ cwd: mkdtempSync(join(tmpdir(), 'setup-port-')), env: { PORT: String(port), HOST: '127.0.0.1', NO_SMEE_SETUP: 'true' } });
  const code = await proc.exited;
  const out = proc.stdout() + proc.stderr();
  expect(code).toBe(1);
  expect(out).toContain(`Port ${port} on 127.0.0.1 is already in use: stop what uses it, or set PORT to a free port.`);
  expect(out).not.toContain('Welcome to Probot');
  expect(out).not.toMatch(/\n\s+at /);
});
