import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCrashPoints } from './crash-points.js';

describeCrashPoints('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crash-points-'));
  return { url: `sqlite:${join(dir, 'jobs.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}, { clockSkew: true });
