/**
 * The App's settings, from the environment, checked at start with one clear
 * message per missing or bad value (all of them at once, so a deployment is
 * fixed in one go).
 */
import { DEFAULT_TRIGGER_PHRASE } from '../agent/command.js';
import { DEFAULT_DATABASE_URL } from './store/open-store.js';

export interface AppSettings {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  /** GitHub Enterprise Server host, e.g. github.example.com. */
  gheHost?: string | undefined;
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
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(readonly problems: string[]) {
    super(`The App cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Whether Probot has what it needs to run as a registered App. */
export function hasAppCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env['APP_ID'] && (env['PRIVATE_KEY'] || env['PRIVATE_KEY_PATH']));
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    problems.push(`${name} must be a whole number above zero (got "${raw}").`);
    return fallback;
  }
  return n;
}

export function readSettings(env: NodeJS.ProcessEnv, readKeyFile: (path: string) => string): AppSettings {
  const problems: string[] = [];
  const need = (name: string, what: string): string => {
    const v = env[name]?.trim();
    if (!v) problems.push(`${name} is not set: ${what}`);
    return v ?? '';
  };
  const appId = need('APP_ID', 'the GitHub App id (App settings → General → App ID).');
  let privateKey = env['PRIVATE_KEY']?.trim() ?? '';
  if (!privateKey && env['PRIVATE_KEY_PATH']) {
    try {
      privateKey = readKeyFile(env['PRIVATE_KEY_PATH']);
    } catch {
      problems.push(`PRIVATE_KEY_PATH points to ${env['PRIVATE_KEY_PATH']}, which cannot be read.`);
    }
  }
  if (!privateKey) problems.push('PRIVATE_KEY (or PRIVATE_KEY_PATH) is not set: the App\'s private key (.pem) from its settings page.');
  else if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey.replace(/\\n/g, '\n'))) {
    problems.push('PRIVATE_KEY does not look like a PEM private key (it should start with -----BEGIN RSA PRIVATE KEY-----).');
  }
  const webhookSecret = need('WEBHOOK_SECRET', 'the webhook secret set in the App settings; deliveries are verified with it.');
  const coderUrl = need('CODER_URL', 'the URL of your Coder deployment, e.g. https://coder.example.com.');
  if (coderUrl && !/^https?:\/\/[^\s/]+/i.test(coderUrl)) problems.push(`CODER_URL must be an http(s) URL (got "${coderUrl}").`);
  const coderToken = need('CODER_SESSION_TOKEN', 'a Coder session or API token for the account the App acts as.');
  const databaseUrl = env['DATABASE_URL']?.trim() || DEFAULT_DATABASE_URL;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    problems.push(`DATABASE_URL must be sqlite:<file path> or postgres://... (got "${databaseUrl.replace(/\/\/[^@]*@/, '//***@')}").`);
  }
  // The webhook thread and the job worker thread each open the store; an in-memory database would be two.
  if (/^sqlite:\s*:memory:$/.test(databaseUrl)) problems.push('DATABASE_URL sqlite::memory: cannot be used by the App: its webhook and job worker threads share the store, so it must be a file (sqlite:<file path>).');
  const gheHost = env['GHE_HOST']?.trim() || undefined;
  const protocol = env['GHE_PROTOCOL']?.trim() || 'https';
  const githubApiUrl = env['GITHUB_API_URL']?.trim() || (gheHost ? `${protocol}://${gheHost}/api/v3` : undefined);
  const triggerPhrase = env['TRIGGER_PHRASE']?.trim() || DEFAULT_TRIGGER_PHRASE;
  if (/\s/.test(triggerPhrase)) problems.push(`TRIGGER_PHRASE must be one word, like /agent (got "${triggerPhrase}").`);
  const settings: AppSettings = {
    appId,
    privateKey: privateKey.replace(/\\n/g, '\n'),
    webhookSecret,
    gheHost,
    githubApiUrl,
    coderUrl,
    coderToken,
    coderOrganization: env['CODER_ORGANIZATION']?.trim() || undefined,
    databaseUrl,
    port: positiveInt(env, 'PORT', 3000, problems),
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
  };
  if (problems.length) throw new SettingsError(problems);
  return settings;
}
