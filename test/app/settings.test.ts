import { describe, expect, it } from '@jest/globals';
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

  it('knows when to run the setup flow instead', () => {
    expect(hasAppCredentials({})).toBe(false);
    expect(hasAppCredentials({ APP_ID: '1' })).toBe(false);
    expect(hasAppCredentials({ APP_ID: '1', PRIVATE_KEY_PATH: '/k.pem' })).toBe(true);
  });
});
