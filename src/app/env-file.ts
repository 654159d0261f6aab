/**
 * `.env` for `npm start`, read as Probot reads it (probot/lib/helpers/load-env.js:
 * `<working directory>/.env`, parsed with Node's own `util.parseEnv`). Two
 * differences, on purpose:
 * - a variable already set in the environment wins, so a deployment's
 *   settings are never overridden by a stray file (Probot's `applyEnv` lets
 *   the file win);
 * - a line `util.parseEnv` would skip without a word (no `=`, a name that
 *   is not one, a quote never closed) stops the start, naming the line:
 *   otherwise a broken `PRIVATE_KEY` line silently becomes "no credentials"
 *   and the App falls into its setup flow. The line's text is never echoed:
 *   it may hold a secret.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** `.env` cannot be read or has a line that is not `NAME=value`; the message is one sentence. */
export class EnvFileError extends Error {
  override readonly name = 'EnvFileError';
}

/**
 * Fills `env` from `<cwd>/.env` where it has no value yet. Returns the names
 * taken from the file. No file: nothing happens. A file that cannot be read
 * (not ENOENT) or that has a malformed line throws an EnvFileError naming
 * the file and the line.
 */
export function loadDotEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): string[] {
  const path = join(cwd, '.env');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new EnvFileError(`${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: err });
  }
  const problem = findMalformedLine(text);
  if (problem) throw new EnvFileError(`${path}, line ${problem.line}: ${problem.what}`);
  const loaded: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (value === undefined || env[name] !== undefined) continue;
    env[name] = value;
    loaded.push(name);
  }
  return loaded;
}

/** `NAME=value`, optionally after `export ` (dotenv's syntax, which util.parseEnv follows). */
const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/;

/**
 * The first line that is neither blank, a `#` comment, nor `NAME=value`,
 * where a value that opens a quote (`"`, `'` or a backtick) may run over
 * several lines until the quote closes (Probot writes PRIVATE_KEY that way).
 */
export function findMalformedLine(text: string): { line: number; what: string } | undefined {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) {
      const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(line)?.[1];
      return { line: i + 1, what: name ? `${name} has no value (write ${name}=<value>).` : 'this line is not NAME=value.' };
    }
    const value = (m[2] ?? '').trimStart();
    const quote = value[0];
    if (quote !== '"' && quote !== "'" && quote !== '`') continue;
    if (value.indexOf(quote, 1) !== -1) continue;
    // The value runs on until a line holding the closing quote.
    const start = i;
    while (++i < lines.length && !(lines[i] ?? '').includes(quote));
    if (i >= lines.length) return { line: start + 1, what: `the value of ${m[1] ?? 'this variable'} opens a quote (${quote}) that is never closed.` };
  }
  return undefined;
}
