import { describe, expect, it } from '@jest/globals';
import { parseTrigger } from '../../src/agent/trigger.js';
import { authorizeTarget, parseIssueTarget, TargetError } from '../../src/agent/workflow-target.js';
import { GitHubError } from '../../src/github/errors.js';
import type { GitHubPort, Permission } from '../../src/github/port.js';

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

describe('authorizeTarget: a thread in another repository needs the sender\'s access there (re-review 8d)', () => {
  const repository = { id: 1, name: 'web', owner: { login: 'acme' }, full_name: 'acme/web' };
  const dispatch = (sender?: { login: string; id: number; type: string }) =>
    parseTrigger('workflow_dispatch', { inputs: {}, ref: 'refs/heads/main', repository, workflow: 'agent.yml', ...(sender ? { sender } : {}) });
  /** A port that answers the permission API from a table (or with `fail`), and records where it was asked. */
  function permissions(table: Record<string, Permission>, fail?: GitHubError) {
    const asked: string[] = [];
    const getPermission = async (o: string, r: string, login: string) => {
      asked.push(`${o}/${r}:${login}`);
      if (fail) throw fail;
      return table[login] ?? 'none';
    };
    return { port: { getPermission } as unknown as GitHubPort, asked };
  }
  const settings = { botLogin: 'coder-agent[bot]', allowedBots: [] };
  const tracking = { owner: 'acme', repo: 'tracking', number: 5 };

  it('asks nobody for a thread in the workflow\'s own repository, whatever its case', async () => {
    const { port, asked } = permissions({});
    expect(await authorizeTarget(dispatch({ login: 'intern', id: 2, type: 'User' }), { owner: 'ACME', repo: 'Web', number: 5 }, settings, port)).toMatchObject({ allowed: true });
    expect(asked).toEqual([]);
  });

  it('asks about the sender on the target\'s repository, and says why it refuses, naming the input', async () => {
    const { port, asked } = permissions({ intern: 'triage', lead: 'maintain' });
    const refused = await authorizeTarget(dispatch({ login: 'intern', id: 2, type: 'User' }), tracking, settings, port);
    expect(refused).toEqual({
      allowed: false,
      quiet: false,
      reason: 'The input "issue" names acme/tracking#5, in another repository than acme/web, where this run may not act: @intern has "triage" permission on acme/tracking; starting the agent needs write, maintain or admin.',
    });
    expect(await authorizeTarget(dispatch({ login: 'lead', id: 3, type: 'User' }), tracking, settings, port)).toMatchObject({ allowed: true });
    expect(asked).toEqual(['acme/tracking:intern', 'acme/tracking:lead']);
  });

  it('refuses a senderless event other than schedule, and lets a schedule go', async () => {
    const { port } = permissions({});
    expect(await authorizeTarget(dispatch(), tracking, settings, port)).toMatchObject({ allowed: false, quiet: false, reason: expect.stringContaining('names nobody') });
    const schedule = parseTrigger('schedule', { schedule: '0 3 * * *', repository });
    expect(await authorizeTarget(schedule, tracking, settings, port)).toMatchObject({ allowed: true });
  });

  it('a permission API failure becomes one sentence naming the input', async () => {
    const { port } = permissions({}, new GitHubError({ status: 502, route: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission' }));
    const attempt = authorizeTarget(dispatch({ login: 'intern', id: 2, type: 'User' }), tracking, settings, port);
    await expect(attempt).rejects.toThrow(TargetError);
    await expect(attempt).rejects.toThrow(/^The input "issue" names acme\/tracking#5, .* @intern's permission there could not be read: /);
  });
});
