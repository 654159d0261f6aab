/**
 * LOG_LEVEL and LOG_FORMAT, read as Probot documents them
 * (https://probot.github.io/docs/configuration/): the levels are pino's,
 * the formats `json` and `pretty`. Probot takes any other LOG_FORMAT for
 * json and any other LOG_LEVEL as pino's error; here a value outside the
 * documented ones stops the start with a sentence listing the allowed ones,
 * in setup mode as in the running App.
 */

/** pino's levels, which Probot documents for LOG_LEVEL. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Probot's LOG_FORMAT values. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogOptions {
  /** `info` when unset (Probot's default for `probot run`). */
  level: LogLevel;
  /** `json` when unset and NODE_ENV=production, else `pretty` (Probot's default). */
  format: LogFormat;
}

/**
 * The log options from the environment. Each bad value adds one sentence to
 * `problems` (and the default is used meanwhile). Case and surrounding
 * blanks are ignored, as a hand-written `.env` often has them.
 */
export function readLogOptions(env: NodeJS.ProcessEnv, problems: string[]): LogOptions {
  return { level: pick(env, 'LOG_LEVEL', LOG_LEVELS, 'info', problems), format: pick(env, 'LOG_FORMAT', LOG_FORMATS, env['NODE_ENV'] === 'production' ? 'json' : 'pretty', problems) };
}

function pick<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T, problems: string[]): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = allowed.find((a) => a === raw.toLowerCase());
  if (value) return value;
  problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}").`);
  return fallback;
}
