/**
 * Per-repository settings in `.github/coder-agent.yml`, over the App's own.
 * A repository owner can turn the bot off, change the trigger phrase, pin a
 * workspace or model, add a system prompt and allow bots. A file that cannot
 * be read is reported in the log and the App's settings are used, so a typo
 * never silently changes who may trigger.
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
    throw new RepoConfigError(`${REPO_CONFIG_PATH}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const c = parsed.data;
  return {
    enabled: c.enabled ?? true,
    triggerPhrase: c['trigger-phrase'],
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

interface Cached {
  config: Promise<RepoConfig>;
  at: number;
}

/**
 * Reads repository configs with a short cache: the webhook handler consults
 * it to drop deliveries that do not call the bot, and must answer GitHub
 * quickly. Concurrent readers of one repository share one read, and past the
 * TTL the last config is served while a fresh read runs, so only a
 * repository never seen before waits for GitHub.
 */
export class RepoConfigCache {
  private readonly entries = new Map<string, Cached>();
  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 5000,
  ) {}

  /** `github`: the port to read with, or how to get one (only called when the file must be read). */
  get(github: GitHubPort | (() => GitHubPort), owner: string, repo: string, logger: Logger, now = Date.now()): Promise<RepoConfig> {
    const key = `${owner}/${repo}`.toLowerCase();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.config;
    const fresh = this.read(github, owner, repo, logger);
    if (hit) {
      // Stale: answer with what we had; the new config takes over once read.
      hit.at = now;
      void fresh.then((config) => this.entries.set(key, { config: Promise.resolve(config), at: Date.now() }));
      return hit.config;
    }
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { config: fresh, at: now });
    return fresh;
  }

  private async read(github: GitHubPort | (() => GitHubPort), owner: string, repo: string, logger: Logger): Promise<RepoConfig> {
    try {
      const port = typeof github === 'function' ? github() : github;
      return parseRepoConfig(await port.readFile(owner, repo, REPO_CONFIG_PATH));
    } catch (err) {
      logger.warn(`Ignoring ${owner}/${repo}'s ${REPO_CONFIG_PATH}: ${(err as Error).message}`);
      return { enabled: true };
    }
  }
}
