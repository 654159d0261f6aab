/**
 * The values `coder-agent` options take: durations (--timeout), whole
 * numbers (--limit, --after-id) and labels (--label key=value). Each bad
 * value is a UsageError naming the option and what it got.
 */
import { UsageError } from './usage-error.js';

/**
 * The longest --timeout, in milliseconds: Node's timers hold a signed 32-bit
 * delay (2^31 − 1 ms, about 596.5 h) and fire at once for anything larger
 * (TimeoutOverflowWarning), so a larger value cannot be honoured.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** MAX_TIMEOUT_MS in whole hours, as help and errors say it: "596h". */
export const MAX_TIMEOUT_TEXT = `${Math.floor(MAX_TIMEOUT_MS / 3_600_000)}h`;
/** --timeout when none is given: an hour. */
export const DEFAULT_TIMEOUT_MS = 60 * 60_000;

/** Parses "90s", "30m", "2h", "1500ms" or a bare number of minutes; at most MAX_TIMEOUT_MS. */
export function parseDuration(text: string): number {
  if (/^\s*-/.test(text)) throw new UsageError(`The timeout must be more than zero (got "${text}").`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m || !m[1]) throw new UsageError(`"${text}" is not a duration (use e.g. 90s, 30m or 2h; a bare number is minutes).`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'm';
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
  if (ms <= 0) throw new UsageError(`The timeout must be more than zero (got "${text}").`);
  if (ms > MAX_TIMEOUT_MS) throw new UsageError(`The timeout can be at most ${MAX_TIMEOUT_TEXT} (${MAX_TIMEOUT_MS}ms, the longest delay Node's timers keep; got "${text}").`);
  return ms;
}

export function parseLabels(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.search(/[=:]/);
    if (i <= 0) throw new UsageError(`--label takes key=value (got "${item}").`);
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

export function wholeNumber(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (/^-\d+$/.test(text)) throw new UsageError(`${flag} must be ${min} or more (got ${text}).`);
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} takes a whole number (got "${text}").`);
  const n = Number(text);
  if (n < min) throw new UsageError(`${flag} must be ${min} or more (got ${n}).`);
  return n;
}
