import { describe, expect, it } from '@jest/globals';
import { parseIssueTarget, TargetError } from '../../src/agent/workflow-target.js';

const here = { owner: 'acme', repo: 'web' };

describe('parseIssueTarget', () => {
  it('reads numbers in this repository and URLs of issues and pull requests anywhere', () => {
    expect(parseIssueTarget('42', here)).toEqual({ owner: 'acme', repo: 'web', number: 42 });
    expect(parseIssueTarget(' #42 ', here)).toEqual({ owner: 'acme', repo: 'web', number: 42 });
    expect(parseIssueTarget('https://github.com/o/r/issues/5', here)).toEqual({ owner: 'o', repo: 'r', number: 5 });
    expect(parseIssueTarget('https://ghe.example.com/o/r/pull/6#issuecomment-1', here)).toEqual({ owner: 'o', repo: 'r', number: 6 });
  });

  it('refuses anything else with a sentence naming the input', () => {
    for (const bad of ['0', '-3', 'latest', 'https://github.com/o/r', 'https://github.com/o/r/discussions/3', '99999999999999999999']) {
      expect(() => parseIssueTarget(bad, here)).toThrow(TargetError);
    }
    expect(() => parseIssueTarget('latest', here)).toThrow('The input "issue" must be an issue or pull request number');
  });
});
