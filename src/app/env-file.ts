/**
 * `.env` for `npm start`, read as Probot reads it (probot/lib/helpers/load-env.js:
 * `<working directory>/.env`, parsed with Node's own `util.parseEnv`). One
 * difference, on purpose: a variable already set in the environment wins,
 * so a deployment's settings are never overridden by a stray file (Probot's
 * `applyEnv` lets the file win).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Fills `env` from `<cwd>/.env` where it has no value yet. Returns the names
 * taken from the file. No file: nothing happens. A file that cannot be read
 * (not ENOENT) throws an Error naming it.
 */
export function loadDotEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): string[] {
  const path = join(cwd, '.env');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: err });
  }
  const loaded: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (value === undefined || env[name] !== undefined) continue;
    env[name] = value;
    loaded.push(name);
  }
  return loaded;
}
