import { describe, expect, it } from '@jest/globals';
import { parseRepoConfig, RepoConfigError } from '../../src/app/repo-config.js';

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
