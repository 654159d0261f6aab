/**
 * The App's pino logger: Probot's own (its getLog: the level, `json` or
 * `pretty` through @probot/pino, on stdout), with one `name` per line.
 *
 * Why not Probot's as it comes: getLog names its logger "probot" and the
 * Probot constructor then takes `child({ name: "probot" })` of it, and pino
 * writes child bindings after the parent's without merging them, so every
 * JSON line had two "name" keys (three under the setup app's child). A JSON
 * object with a repeated key is invalid for many log collectors (RFC 8259
 * §4: names SHOULD be unique). Here a child never adds a second name.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Logger as PinoLogger } from 'probot';
import type { LogOptions } from './log-options.js';

type GetLog = (options: { level: string; logFormat: string }) => Promise<PinoLogger>;

/**
 * Probot's getLog. The package exports only its entry, so the module is
 * loaded by path beside it (as setup.ts loads the setup app); probot's
 * version is pinned in package.json and the first-run test fails if it moves.
 */
async function probotGetLog(): Promise<GetLog> {
  const entry = createRequire(import.meta.url).resolve('probot');
  const mod = (await import(new URL('./helpers/get-log.js', pathToFileURL(entry)).href)) as { getLog: GetLog };
  return mod.getLog;
}

/** A logger for LOG_LEVEL/LOG_FORMAT whose lines carry exactly one `name` ("probot"). */
export async function createAppLog(options: LogOptions): Promise<PinoLogger> {
  const getLog = await probotGetLog();
  return namedOnce(await getLog({ level: options.level, logFormat: options.format }));
}

/** The logger, with `child()` dropping a `name` binding: the root's name is the line's only one. */
function namedOnce(log: PinoLogger): PinoLogger {
  return new Proxy(log, {
    get(target, prop) {
      if (prop === 'child') {
        return (bindings: Record<string, unknown>, opts?: object) => {
          const { name: _dropped, ...rest } = bindings;
          return namedOnce(target.child(rest, opts));
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    set(target, prop, value) {
      return Reflect.set(target, prop, value, target);
    },
  });
}
