import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseRepoConfig, RepoConfigCache, RepoConfigError } from '../../src/app/repo-config.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import { silentLogger } from '../../src/logger.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { octokitFor } from '../github/support.js';
import { waitFor } from '../helpers/wait.js';

describe('.github/coder-agent.yml', () => {
  it('no file, or an empty one, means enabled with the App settings', () => {
    expect(parseRepoConfig(null)).toEqual({ enabled: true });
    expect(parseRepoConfig('\n')).toEqual({ enabled: true });
  });

  it('reads every setting', () => {
    const c = parseRepoConfig(
      'enabled: false\ntrigger-phrase: "@coder"\nworkspace-id: abc\nmodel: gpt-5\nsystem-prompt: Be brief.\nallowed-bots: ["renovate[bot]"]\ntimeout-minutes: 15\n',
    );
    expect(c).toEqual({ enabled: false, triggerPhrase: '@coder', workspaceId: 'abc', model: 'gpt-5', systemPrompt: 'Be brief.', allowedBots: ['renovate[bot]'], timeoutMs: 900_000 });
  });

  it('says what is wrong and where', () => {
    expect(() => parseRepoConfig('enabled: [')).toThrow(RepoConfigError);
    expect(() => parseRepoConfig('enabled: [')).toThrow(/not valid YAML/);
    expect(() => parseRepoConfig('trigger-phrase: two words')).toThrow(/trigger-phrase: must be one word/);
    expect(() => parseRepoConfig('timeout-minutes: -3')).toThrow(/timeout-minutes/);
    // A misspelt key is an error, not silently ignored.
    expect(() => parseRepoConfig('allowed_bots: ["x[bot]"]')).toThrow(/allowed_bots|Unrecognized/);
  });
});

describe('RepoConfigCache', () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await FakeGitHub.start();
    fake.addRepo('o', 'r');
  });
  afterAll(async () => {
    await fake.close();
  });
  const port = () => createOctokitPort(octokitFor(fake), { botLogin: fake.botLogin });
  const reads = () => fake.requests.filter((q) => /\/contents\/\.github(\/|%2F)coder-agent\.yml$/i.test(q.path)).length;

  it('shares one read among concurrent callers, then serves the cache', async () => {
    fake.setFile('o', 'r', '.github/coder-agent.yml', 'model: gpt-5\n');
    const cache = new RepoConfigCache(60_000);
    const before = reads();
    const all = await Promise.all([1, 2, 3, 4].map(() => cache.get(port(), 'o', 'r', silentLogger)));
    expect(all.every((c) => c.model === 'gpt-5')).toBe(true);
    await cache.get(port(), 'O', 'R', silentLogger);
    expect(reads() - before).toBe(1);
  });

  it('past the TTL answers with the last config at once and picks up the new one in the background', async () => {
    fake.setFile('o', 'r', '.github/coder-agent.yml', 'model: old\n');
    const cache = new RepoConfigCache(1000);
    const t0 = Date.now();
    expect((await cache.get(port(), 'o', 'r', silentLogger, t0)).model).toBe('old');
    fake.setFile('o', 'r', '.github/coder-agent.yml', 'model: new\n');
    expect((await cache.get(port(), 'o', 'r', silentLogger, t0 + 5000)).model).toBe('old');
    await waitFor(async () => (await cache.get(port(), 'o', 'r', silentLogger, t0 + 5001)).model === 'new');
  });

  it('an unreadable file falls back to the App settings', async () => {
    fake.setFile('o', 'r', '.github/coder-agent.yml', 'enabled: [');
    expect(await new RepoConfigCache().get(port(), 'o', 'r', silentLogger)).toEqual({ enabled: true });
  });
});
