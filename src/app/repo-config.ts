/**
 * Per-repository settings in `.github/coder-agent.yml`, over the App's own.
 * A repository owner can turn the bot off, change the trigger phrase, pin a
 * workspace or model, add a system prompt and allow bots. A file that cannot
 * be parsed is reported in the log and the App's settings are used, so a typo
 * never silently changes who may trigger; but a file that says
 * `enabled: false` keeps the bot off whatever else in it is wrong. A file GitHub cannot serve right now
 * (5xx, timeout, 403, no installation token) is not "no file": see RepoConfigCache.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { GitHubPort } from '../github/port.js';
import type { Logger } from '../logger.js';

export const REPO_CONFIG_PATH = '.github/coder-agent.yml';

const RepoConfigSchema = z
  .object({
    enabled: z.boolean().optional(),
    'trigger-phrase': z.string().regex(/^\S+$/, 'must be one word').optional(),
    'label-trigger': z.string().trim().min(1).optional(),
    'workspace-id': z.string().optional(),
    model: z.string().optional(),
    'system-prompt': z.string().max(10_000).optional(),
    'allowed-bots': z.array(z.string()).optional(),
    'timeout-minutes': z.number().positive().optional(),
    /** One account or a list: assigning an issue to it starts a chat with the issue as the prompt. */
    'assignee-trigger': z.union([z.string().regex(/^\S+$/, 'must be an account login'), z.array(z.string().regex(/^\S+$/, 'must be an account login'))]).optional(),
    'remove-label-when-done': z.boolean().optional(),
    'ci-feedback': z.boolean().optional(),
    'rerun-on-edit': z.boolean().optional(),
    'archive-on-close': z.boolean().optional(),
  })
  .strict();

export interface RepoConfig {
  enabled: boolean;
  triggerPhrase?: string | undefined;
  /** The label whose addition starts the agent on an issue; unset, labels start nothing. */
  labelTrigger?: string | undefined;
  workspaceId?: string | undefined;
  model?: string | undefined;
  systemPrompt?: string | undefined;
  allowedBots?: string[] | undefined;
  timeoutMs?: number | undefined;
  assigneeTrigger?: string[] | undefined;
  removeLabelWhenDone?: boolean | undefined;
  ciFeedback?: boolean | undefined;
  rerunOnEdit?: boolean | undefined;
  archiveOnClose?: boolean | undefined;
}

export class RepoConfigError extends Error {
  override readonly name = 'RepoConfigError';
  /**
   * The file is YAML that says `enabled: false`, whatever else in it is
   * wrong: the owner turned the bot off, and a mistake elsewhere in the file
   * (a misspelt key, a setting of a newer version) must not turn it back on.
   */
  readonly disabled: boolean;
  constructor(message: string, opts: { disabled?: boolean } = {}) {
    super(message);
    this.disabled = opts.disabled ?? false;
  }
}

/** Parses the file's text; throws RepoConfigError with what is wrong and where. */
export function parseRepoConfig(text: string | null): RepoConfig {
  if (text === null || text.trim() === '') return { enabled: true };
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new RepoConfigError(`${REPO_CONFIG_PATH} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = RepoConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    const disabled = typeof raw === 'object' && raw !== null && (raw as { enabled?: unknown }).enabled === false;
    throw new RepoConfigError(`${REPO_CONFIG_PATH}: ${where}: ${issue?.message ?? 'invalid'}`, { disabled });
  }
  const c = parsed.data;
  return {
    enabled: c.enabled ?? true,
    triggerPhrase: c['trigger-phrase'],
    labelTrigger: c['label-trigger'],
    workspaceId: c['workspace-id'],
    model: c.model,
    systemPrompt: c['system-prompt'],
    allowedBots: c['allowed-bots'],
    timeoutMs: c['timeout-minutes'] === undefined ? undefined : c['timeout-minutes'] * 60_000,
    assigneeTrigger: typeof c['assignee-trigger'] === 'string' ? [c['assignee-trigger']] : c['assignee-trigger'],
    removeLabelWhenDone: c['remove-label-when-done'],
    ciFeedback: c['ci-feedback'],
    rerunOnEdit: c['rerun-on-edit'],
    archiveOnClose: c['archive-on-close'],
  };
}

/**
 * The repository's config could not be read (GitHub 5xx, a timeout, a 403,
 * no installation token: anything but GitHub's 404 to the contents request
 * itself, "no such file") and no recent copy is cached. Nothing may be
 * done on defaults, which could answer in a repository that set
 * `enabled: false`: the webhook handler records the delivery for the job
 * worker to decide, and the worker retries the job, then fails it having
 * posted nothing. `cause` is what the read ran into.
 */
export class RepoConfigUnavailableError extends Error {
  override readonly name = 'RepoConfigUnavailableError';
}

interface Cached {
  /** The last config read successfully, and when (ms). */
  config?: RepoConfig;
  goodAt: number;
  /** A read in progress, shared by concurrent callers. */
  reading?: Promise<RepoConfig> | undefined;
}

export interface RepoConfigCacheOptions {
  /** How long a config is used without asking GitHub again. */
  ttlMs?: number;
  /** How long the last good config stands in while GitHub cannot be read ("fresh enough"). */
  maxStaleMs?: number;
  /**
   * A read that takes longer fails like a 5xx, and is aborted. Only time in
   * which this thread was running counts (responsiveDeadline): a read does
   * not fail because our own thread was starved of CPU.
   */
  readTimeoutMs?: number;
  /**
   * The most wall time a read may take however stalled this thread is
   * (default 12 × `readTimeoutMs`). The webhook thread sets it to its
   * `readTimeoutMs`: GitHub gives a delivery 10 s in all, whatever the cause.
   */
  maxWaitMs?: number;
  maxEntries?: number;
  /** Counts reads that failed, by what happened next (`stale-served`, `unavailable`). */
  onReadFailure?: (outcome: 'stale-served' | 'unavailable') => void;
}

/**
 * Reads repository configs with a short cache: the webhook handler consults
 * it to drop deliveries that do not call the bot, and must answer GitHub
 * quickly. Concurrent readers of one repository share one read, and past the
 * TTL the last config is served while a fresh read runs, so only a
 * repository never seen before waits for GitHub.
 *
 * It fails closed: a read that fails for any reason but a 404 to the
 * contents request itself (octokit-port.ts; a 404 to the installation
 * token Octokit asks for first is a failure like any other) never replaces
 * a good config; the last good one stands in for up to `maxStaleMs` (an
 * hour by default: long enough to ride out a GitHub incident, short enough
 * that a change made meanwhile is not ignored for long), and past that the
 * caller gets `RepoConfigUnavailableError`.
 */
export class RepoConfigCache {
  private readonly entries = new Map<string, Cached>();
  private readonly ttlMs: number;
  private readonly maxStaleMs: number;
  private readonly readTimeoutMs: number;
  private readonly maxWaitMs: number;
  private readonly maxEntries: number;
  constructor(private readonly options: RepoConfigCacheOptions | number = {}) {
    const o = typeof options === 'number' ? { ttlMs: options } : options;
    this.ttlMs = o.ttlMs ?? 60_000;
    this.maxStaleMs = o.maxStaleMs ?? 3_600_000;
    this.readTimeoutMs = o.readTimeoutMs ?? 5000;
    this.maxWaitMs = o.maxWaitMs ?? this.readTimeoutMs * 12;
    this.maxEntries = o.maxEntries ?? 5000;
  }

  /** `github`: the port to read with, or how to get one (only called when the file must be read). */
  get(github: GitHubPort | (() => GitHubPort), owner: string, repo: string, logger: Logger, now = Date.now()): Promise<RepoConfig> {
    const key = `${owner}/${repo}`.toLowerCase();
    let entry = this.entries.get(key);
    if (entry?.config && now - entry.goodAt < this.ttlMs) return Promise.resolve(entry.config);
    if (!entry) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      entry = { goodAt: 0 };
      this.entries.set(key, entry);
    }
    const cached = entry;
    cached.reading ??= this.read(github, owner, repo, logger).then(
      (config) => {
        cached.config = config;
        cached.goodAt = now;
        cached.reading = undefined;
        return config;
      },
      (err: unknown) => {
        cached.reading = undefined;
        const why = (err as Error).message;
        if (cached.config && now - cached.goodAt < this.maxStaleMs) {
          logger.warn(`${owner}/${repo}'s ${REPO_CONFIG_PATH} could not be read (${why}); using the copy read ${Math.round((now - cached.goodAt) / 1000)} s ago.`);
          this.failure('stale-served');
          return cached.config;
        }
        this.failure('unavailable');
        throw new RepoConfigUnavailableError(
          `${owner}/${repo}'s ${REPO_CONFIG_PATH} could not be read (${why}) and no recent copy is cached, so nothing is done on defaults`,
          { cause: err },
        );
      },
    );
    // Stale but fresh enough: answer with it at once; the read replaces it only if it succeeds.
    if (cached.config && now - cached.goodAt < this.maxStaleMs) {
      const stale = cached.config;
      cached.reading.catch(() => undefined);
      return Promise.resolve(stale);
    }
    return cached.reading;
  }

  private failure(outcome: 'stale-served' | 'unavailable'): void {
    if (typeof this.options === 'object') this.options.onReadFailure?.(outcome);
  }

  /** The parsed file; a missing file is the defaults; a file that does not parse is reported and the defaults used. Throws when GitHub cannot be read. */
  private async read(github: GitHubPort | (() => GitHubPort), owner: string, repo: string, logger: Logger): Promise<RepoConfig> {
    const port = typeof github === 'function' ? github() : github;
    // A read past its time is aborted, not left to run: its answer would be dropped, and it would hold a connection meanwhile.
    const abort = new AbortController();
    const deadline = responsiveDeadline(this.readTimeoutMs, this.maxWaitMs, (late) => abort.abort(late));
    let text: string | null;
    try {
      text = await Promise.race([port.readFile(owner, repo, REPO_CONFIG_PATH, { signal: abort.signal }), deadline.expired]);
    } finally {
      deadline.cancel();
    }
    try {
      return parseRepoConfig(text);
    } catch (err) {
      // The owner's mistake, not GitHub's: said in the log, and the App's settings apply (docs/deploy.md),
      // except that a file saying `enabled: false` keeps the bot off (fail closed, issue 8).
      if (!(err instanceof RepoConfigError)) throw err;
      logger.warn(`Ignoring ${owner}/${repo}'s ${REPO_CONFIG_PATH}${err.disabled ? ' but its "enabled: false"' : ''}: ${err.message}`);
      return { enabled: !err.disabled };
    }
  }
}

/** How often the read clock looks at the time; a gap much longer than this means the thread was not running. */
const CLOCK_TICK_MS = 100;

/**
 * A deadline that counts only time in which this thread was running: a
 * read's budget is GitHub's time to answer, not ours to get round to it.
 * Measured (issue 10, chaos-http beside busy loops on 2 cores): the job
 * worker's event loop stood still for up to 16 s at a time, and 90% of the
 * reads that "timed out" after 5 s had not yet sent a single request (the
 * installation token, then the contents) when the timer fired. So the clock
 * ticks every CLOCK_TICK_MS and counts a longer gap as two ticks; past
 * `maxWallMs` of wall time the read ends all the same, so that a thread
 * starved for minutes does not wait for ever.
 *
 * `expired` rejects (and `onExpire` is told the error) when the budget is
 * spent; `cancel` stops the clock.
 */
function responsiveDeadline(budgetMs: number, maxWallMs: number, onExpire: (err: Error) => void): { expired: Promise<never>; cancel(): void } {
  const started = Date.now();
  let counted = 0;
  let last = started;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      const now = Date.now();
      counted += Math.min(now - last, 2 * CLOCK_TICK_MS);
      last = now;
      const wall = now - started;
      if (counted < budgetMs && wall < maxWallMs) return;
      clearInterval(timer);
      const late =
        counted >= budgetMs
          ? new Error(`no answer within ${budgetMs} ms`)
          : new Error(`no answer within ${wall} ms, most of it spent waiting for this process's own thread (the machine is short of CPU)`);
      reject(late);
      onExpire(late);
    }, Math.min(CLOCK_TICK_MS, budgetMs));
  });
  // Nobody may be listening once the read has won the race.
  expired.catch(() => undefined);
  return { expired, cancel: () => clearInterval(timer) };
}
