/**
 * The App's settings, from the environment, checked at start with one clear
 * message per missing or bad value (all of them at once, so a deployment is
 * fixed in one go).
 */
import { DEFAULT_TRIGGER_PHRASE } from '../agent/command.js';
import { githubHostOf } from '../agent/thread-label.js';
import { maskUrl } from '../url-mask.js';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from './store/open-store.js';

import { readLogOptions, type LogFormat, type LogLevel } from './log-options.js';
import { readRepoWorkspaces, type RepoWorkspaces } from './repo-workspaces.js';

export { LOG_LEVELS, type LogLevel } from './log-options.js';

export interface AppSettings {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  /** GitHub Enterprise Server host, e.g. github.example.com. */
  gheHost?: string | undefined;
  /**
   * The GitHub host chats' thread labels name (thread-label.ts
   * `githubHostOf`): GHE_HOST's, null for github.com. GITHUB_API_URL alone
   * (tests, a proxy in front of github.com) does not change it.
   */
  githubHost?: string | null | undefined;
  /** REST API base URL (derived from GHE_HOST, or GITHUB_API_URL for tests and proxies). */
  githubApiUrl?: string | undefined;
  coderUrl: string;
  coderToken: string;
  coderOrganization?: string | undefined;
  databaseUrl: string;
  port: number;
  host: string;
  triggerPhrase: string;
  /** Chats followed at once by this process. */
  concurrency: number;
  timeoutMs: number;
  allowedBots: string[];
  /** Least time between two edits of a progress comment. */
  progressIntervalMs: number;
  webhookPath: string;
  /** WEBHOOK_PROXY_URL: where GitHub delivers (a smee.io channel); the App does not read from it (webhook-proxy.ts). */
  webhookProxyUrl?: string | undefined;
  /** LOG_LEVEL, `info` by default (Probot's default for `probot run`). */
  logLevel: LogLevel;
  /** LOG_FORMAT: `json` for log collectors, else `pretty` (Probot: json by default when NODE_ENV=production). */
  logFormat: LogFormat;
  /** ALLOWED_REPO_WORKSPACES: which `workspace-id` a repository's config may pin (repo-workspaces.ts). Unset: none. */
  repoWorkspaces?: RepoWorkspaces | undefined;
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(readonly problems: string[]) {
    super(`The App cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Whether `npm start` should run the setup flow: none of the App's
 * credentials is set. One of them without the other (APP_ID without a key,
 * a key without APP_ID) is a half-configured App, which readSettings
 * reports, not a first run.
 */
export function wantsSetup(env: NodeJS.ProcessEnv): boolean {
  return !['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH'].some((name) => env[name]?.trim());
}

/** Whether Probot has what it needs to run as a registered App. */
export function hasAppCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env['APP_ID'] && (env['PRIVATE_KEY'] || env['PRIVATE_KEY_PATH']));
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[], max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n <= 0) {
    problems.push(`${name} must be a whole number above zero (got "${raw}").`);
    return fallback;
  }
  if (n > max) {
    problems.push(`${name} must be at most ${max} (got "${raw}").`);
    return fallback;
  }
  return n;
}

/** TCP ports are 16-bit (RFC 793); 0 would pick a random one, which a webhook URL cannot follow. */
const MAX_PORT = 65_535;

/** PORT (default 3000), checked as the App checks it; a bad value adds its sentence to `problems`. Setup mode uses it too. */
export function readPort(env: NodeJS.ProcessEnv, problems: string[]): number {
  return positiveInt(env, 'PORT', 3000, problems, MAX_PORT);
}

export function readSettings(env: NodeJS.ProcessEnv, readKeyFile: (path: string) => string): AppSettings {
  const problems: string[] = [];
  const need = (name: string, what: string): string => {
    const v = env[name]?.trim();
    if (!v) problems.push(`${name} is not set: ${what}`);
    return v ?? '';
  };
  const appId = need('APP_ID', 'the GitHub App id (App settings → General → App ID).');
  if (appId && !/^[1-9]\d*$/.test(appId)) problems.push(`APP_ID must be the App's numeric id, e.g. 123456 (got "${appId}").`);
  let privateKey = env['PRIVATE_KEY']?.trim() ?? '';
  const keyPath = env['PRIVATE_KEY_PATH']?.trim();
  if (!privateKey && keyPath) {
    try {
      privateKey = readKeyFile(keyPath);
      if (!privateKey.trim()) problems.push(`PRIVATE_KEY_PATH points to ${keyPath}, which is empty.`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'which does not exist' : code === 'EACCES' ? 'which this process may not read' : code === 'EISDIR' ? 'which is a directory' : 'which cannot be read';
      problems.push(`PRIVATE_KEY_PATH points to ${keyPath}, ${why}.`);
    }
  } else if (!privateKey) {
    problems.push('PRIVATE_KEY (or PRIVATE_KEY_PATH) is not set: the App\'s private key (.pem) from its settings page.');
  }
  if (privateKey.trim() && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey.replace(/\\n/g, '\n'))) {
    problems.push(`${env['PRIVATE_KEY']?.trim() ? 'PRIVATE_KEY' : `The file PRIVATE_KEY_PATH names (${keyPath ?? ''})`} does not look like a PEM private key (it should start with -----BEGIN RSA PRIVATE KEY-----).`);
  }
  const webhookSecret = need('WEBHOOK_SECRET', 'the webhook secret set in the App settings; deliveries are verified with it.');
  const coderUrl = need('CODER_URL', 'the URL of your Coder deployment, e.g. https://coder.example.com.');
  if (coderUrl && !/^https?:\/\/[^\s/]+/i.test(coderUrl)) problems.push(`CODER_URL must be an http(s) URL (got "${maskUrl(coderUrl)}").`);
  const coderToken = need('CODER_SESSION_TOKEN', 'a Coder session or API token for the account the App acts as.');
  const databaseUrl = env['DATABASE_URL']?.trim() || DEFAULT_DATABASE_URL;
  try {
    // The store's own reader says which forms are accepted; its messages never repeat the URL.
    const location = parseDatabaseUrl(databaseUrl);
    // The webhook thread and the job worker thread each open the store; an in-memory database would be two.
    if (location.kind === 'sqlite' && location.path === ':memory:') {
      problems.push('DATABASE_URL sqlite::memory: cannot be used by the App: its webhook and job worker threads share the store, so it must be a file (sqlite:<file path>).');
    }
  } catch (err) {
    problems.push((err as Error).message);
  }
  const gheHost = env['GHE_HOST']?.trim() || undefined;
  const protocol = env['GHE_PROTOCOL']?.trim() || 'https';
  const githubApiUrl = env['GITHUB_API_URL']?.trim() || (gheHost ? `${protocol}://${gheHost}/api/v3` : undefined);
  let githubHost: string | null = null;
  try {
    // With its protocol, as the API URL is built, so `GHE_PROTOCOL=http` and `:80` name the host as the Action does.
    githubHost = githubHostOf(gheHost === undefined ? undefined : `${protocol}://${gheHost}`);
  } catch {
    problems.push('GHE_HOST must be a host name, like github.example.com (optionally with :port).');
  }
  const triggerPhrase = env['TRIGGER_PHRASE']?.trim() || DEFAULT_TRIGGER_PHRASE;
  if (/\s/.test(triggerPhrase)) problems.push(`TRIGGER_PHRASE must be one word, like /agent (got "${triggerPhrase}").`);
  const settings: AppSettings = {
    appId,
    privateKey: privateKey.replace(/\\n/g, '\n'),
    webhookSecret,
    gheHost,
    githubHost,
    githubApiUrl,
    coderUrl,
    coderToken,
    coderOrganization: env['CODER_ORGANIZATION']?.trim() || undefined,
    databaseUrl,
    port: readPort(env, problems),
    host: env['HOST']?.trim() || '0.0.0.0',
    triggerPhrase,
    concurrency: positiveInt(env, 'CONCURRENCY', 50, problems),
    timeoutMs: positiveInt(env, 'TIMEOUT_MINUTES', 60, problems) * 60_000,
    allowedBots: (env['ALLOWED_BOTS'] ?? '')
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter(Boolean),
    progressIntervalMs: positiveInt(env, 'PROGRESS_INTERVAL_MS', 8000, problems),
    webhookPath: env['WEBHOOK_PATH']?.trim() || '/api/github/webhooks',
    webhookProxyUrl: env['WEBHOOK_PROXY_URL']?.trim() || undefined,
    repoWorkspaces: readRepoWorkspaces(env['ALLOWED_REPO_WORKSPACES'], problems),
    ...logSettings(env, problems),
  };
  if (problems.length) throw new SettingsError(problems);
  return settings;
}

function logSettings(env: NodeJS.ProcessEnv, problems: string[]): Pick<AppSettings, 'logLevel' | 'logFormat'> {
  const { level, format } = readLogOptions(env, problems);
  return { logLevel: level, logFormat: format };
}
