import { describe, expect, it } from '@jest/globals';
import { workspaceRefusal } from '../../src/app/repo-workspaces.js';
import { hasAppCredentials, readSettings, SettingsError } from '../../src/app/settings.js';

const KEY = '-----BEGIN RSA PRIVATE KEY-----\\nMIIB\\n-----END RSA PRIVATE KEY-----';
const good = { APP_ID: '12', PRIVATE_KEY: KEY, WEBHOOK_SECRET: 's3cret', CODER_URL: 'https://coder.example.com', CODER_SESSION_TOKEN: 'tok-123456' };
const noFile = () => {
  throw new Error('no file');
};

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    readSettings(env, noFile);
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  throw new Error('expected a SettingsError');
}

describe('App settings', () => {
  it('reads a complete environment with defaults', () => {
    const s = readSettings(good, noFile);
    expect(s).toMatchObject({ appId: '12', databaseUrl: 'sqlite:./data/coder-agent-bot.db', port: 3000, triggerPhrase: '/agent', concurrency: 50, timeoutMs: 3_600_000 });
    expect(s.privateKey).toContain('\nMIIB\n');
  });

  it('lists every missing or bad value at once, in words', () => {
    const list = problems({ CODER_URL: 'coder.example.com', PORT: 'eighty', CONCURRENCY: '0', DATABASE_URL: 'mysql://u:pw@h/db' });
    expect(list.join('\n')).toContain('APP_ID is not set');
    expect(list.join('\n')).toContain('PRIVATE_KEY (or PRIVATE_KEY_PATH) is not set');
    expect(list.join('\n')).toContain('WEBHOOK_SECRET is not set');
    expect(list.join('\n')).toContain('CODER_SESSION_TOKEN is not set');
    expect(list.join('\n')).toContain('CODER_URL must be an http(s) URL');
    expect(list.join('\n')).toContain('PORT must be a whole number above zero (got "eighty")');
    expect(list.join('\n')).toContain('CONCURRENCY must be a whole number above zero');
    expect(list.join('\n')).toContain('DATABASE_URL has the unsupported scheme `mysql:`. Use `sqlite:<file path>`');
    // A database password never reaches the message.
    expect(list.join('\n')).not.toContain(':pw@');
  });

  it('lists an ambiguous Postgres sslmode among the start-up problems, without the URL\'s password', () => {
    const listed = problems({ ...good, DATABASE_URL: 'postgres://bot:s3cret@db.internal/bot?sslmode=require' }).join('\n');
    expect(listed).toContain('DATABASE_URL has sslmode=require');
    expect(listed).not.toContain('s3cret');
  });

  it('refuses an in-memory database, which the webhook and job worker threads could not share', () => {
    expect(problems({ ...good, DATABASE_URL: 'sqlite::memory:' }).join('\n')).toContain('sqlite::memory: cannot be used by the App');
    expect(readSettings({ ...good, DATABASE_URL: 'sqlite:./jobs.db' }, noFile).databaseUrl).toBe('sqlite:./jobs.db');
  });

  it('derives the API URL from GHE_HOST and reads the key from PRIVATE_KEY_PATH', () => {
    const { PRIVATE_KEY: _drop, ...rest } = good;
    const s = readSettings({ ...rest, PRIVATE_KEY_PATH: '/keys/app.pem', GHE_HOST: 'github.example.com' }, () => KEY.replace(/\\n/g, '\n'));
    expect(s.githubApiUrl).toBe('https://github.example.com/api/v3');
    expect(s.gheHost).toBe('github.example.com');
    expect(problems({ ...rest, PRIVATE_KEY_PATH: '/missing.pem' })).toEqual(['PRIVATE_KEY_PATH points to /missing.pem, which cannot be read.']);
    expect(problems({ ...good, PRIVATE_KEY: 'not a key' }).join()).toContain('does not look like a PEM private key');
  });

  it('names the GitHub host for thread labels from GHE_HOST only: github.com (null) without it, even behind GITHUB_API_URL', () => {
    expect(readSettings(good, noFile).githubHost).toBeNull();
    expect(readSettings({ ...good, GITHUB_API_URL: 'http://127.0.0.1:9999' }, noFile).githubHost).toBeNull();
    expect(readSettings({ ...good, GHE_HOST: 'GitHub.Example.com' }, noFile).githubHost).toBe('github.example.com');
    expect(readSettings({ ...good, GHE_HOST: 'github.example.com:8443' }, noFile).githubHost).toBe('github.example.com:8443');
    // With GHE_PROTOCOL's default port, as the Action names the same server (GITHUB_SERVER_URL http://github.example.com).
    expect(readSettings({ ...good, GHE_PROTOCOL: 'http', GHE_HOST: 'github.example.com:80' }, noFile).githubHost).toBe('github.example.com');
    expect(readSettings({ ...good, GHE_HOST: 'github.example.com:80' }, noFile).githubHost).toBe('github.example.com:80');
    expect(problems({ ...good, GHE_HOST: 'not a host' })).toEqual(['GHE_HOST must be a host name, like github.example.com (optionally with :port).']);
  });

  it('knows when to run the setup flow instead', () => {
    expect(hasAppCredentials({})).toBe(false);
    expect(hasAppCredentials({ APP_ID: '1' })).toBe(false);
    expect(hasAppCredentials({ APP_ID: '1', PRIVATE_KEY_PATH: '/k.pem' })).toBe(true);
  });
});

// Issue 8: which workspace a repository's config may pin is the operator's choice.
describe('ALLOWED_REPO_WORKSPACES', () => {
  const W = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';
  const widgets = { owner: 'Acme', repo: 'Widgets' };

  it('unset: no repository may pin a workspace; a repository pinning none is never refused', () => {
    const { repoWorkspaces } = readSettings(good, noFile);
    expect(workspaceRefusal(repoWorkspaces, widgets, W)).toContain('has not allowed for Acme/Widgets');
    expect(workspaceRefusal(repoWorkspaces, widgets, undefined)).toBeUndefined();
  });

  it('honours only the listed repository (or owner) and workspace, without regard to case; * honours any', () => {
    const { repoWorkspaces } = readSettings({ ...good, ALLOWED_REPO_WORKSPACES: `acme/widgets=${W.toUpperCase()}\nacme/*=11111111-2222-4333-8444-555555555555` }, noFile);
    expect(workspaceRefusal(repoWorkspaces, widgets, W)).toBeUndefined();
    expect(workspaceRefusal(repoWorkspaces, { owner: 'acme', repo: 'secret-plans' }, W)).toBeDefined();
    expect(workspaceRefusal(repoWorkspaces, { owner: 'acme', repo: 'secret-plans' }, '11111111-2222-4333-8444-555555555555')).toBeUndefined();
    expect(workspaceRefusal(repoWorkspaces, { owner: 'other', repo: 'widgets' }, W)).toBeDefined();
    expect(workspaceRefusal(readSettings({ ...good, ALLOWED_REPO_WORKSPACES: '*' }, noFile).repoWorkspaces, widgets, W)).toBeUndefined();
  });

  it('a malformed entry is a start-up problem, in words', () => {
    expect(problems({ ...good, ALLOWED_REPO_WORKSPACES: `acme=${W}, acme/widgets` }).join('\n')).toContain('ALLOWED_REPO_WORKSPACES entries must be owner/repo=<workspace id>');
  });
});
