/**
 * Review 8: a repository that turned the bot off (`enabled: false`) keeps it
 * off when something else in its .github/coder-agent.yml is wrong (a
 * misspelt key, a setting of a newer version): ignoring the whole file
 * turned the bot back on there (fail closed, issue 8).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RepoConfigCache } from '../../src/app/repo-config.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import { silentLogger } from '../../src/logger.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { octokitFor } from '../github/support.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await FakeGitHub.start();
  fake.addRepo('o', 'r');
});
afterAll(async () => {
  await fake.close();
});
const port = () => createOctokitPort(octokitFor(fake), { botLogin: fake.botLogin });

describe('enabled: false in a file that is otherwise wrong', () => {
  it.each([
    ['a misspelt key', 'enabled: false\nallowed_bots: ["renovate[bot]"]\n'],
    ['a setting this version does not know', 'enabled: false\nmax-cost-usd: 5\n'],
    ['a bad value', 'trigger-phrase: two words\nenabled: false\n'],
  ])('%s: the bot stays off', async (_name, text) => {
    fake.setFile('o', 'r', '.github/coder-agent.yml', text);
    expect((await new RepoConfigCache().get(port(), 'o', 'r', silentLogger)).enabled).toBe(false);
  });

  it('a wrong file without enabled: false still means the App settings', async () => {
    fake.setFile('o', 'r', '.github/coder-agent.yml', 'allowed_bots: ["renovate[bot]"]\n');
    expect(await new RepoConfigCache().get(port(), 'o', 'r', silentLogger)).toEqual({ enabled: true });
  });
});
