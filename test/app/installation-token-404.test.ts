/**
 * The App's Octokit (Probot's) asks for an installation token before each
 * request it has no token for. GitHub's 404 to that token request (the App
 * uninstalled or suspended there, or a passing fault) says nothing about the
 * resource asked for, so the port's readers of "404 means…" take only
 * GitHub's own answer (GitHubError.answered):
 * - getPermission: a token 404 is no permission answer. It fails (closed):
 *   it is never read as "none" (a refusal in the thread), nor as anything else.
 * - removeLabel: a token 404 is not "someone took the label off already";
 *   it is an error worth another try, and the label stays on.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createProbot, installationPorts } from '../../src/app/probot.js';
import { GitHubError } from '../../src/github/errors.js';
import { silentLogger } from '../../src/logger.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { appSettings, INSTALLATION, OWNER, REPO } from './harness.js';

const TOKEN = /^\/app\/installations\/\d+\/access_tokens$/;
const TOKEN_MADE_FIRST = /POST \/app\/installations\/4242\/access_tokens \(made first, for /;

describe("the installation token's 404 through the App's Octokit", () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await FakeGitHub.start({ writers: ['writer'] });
    github.addRepo(OWNER, REPO, { installationId: INSTALLATION });
  });
  afterAll(async () => {
    await github.close();
  });
  // A new Probot each time: one that holds a token would not ask for another.
  const portOf = async () => {
    const { probot } = await createProbot(appSettings({ url: 'http://127.0.0.1:9' }, github), { logLevel: 'fatal' });
    return installationPorts(probot, { logger: silentLogger })(INSTALLATION);
  };

  it('getPermission: fails rather than answer "none"; GitHub\'s own 404 (not a collaborator) is still "none"', async () => {
    const port = await portOf();
    github.failNext({ method: 'POST', path: TOKEN }, { status: 404, body: { message: 'Not Found' } }, 1);
    const err = await port.getPermission(OWNER, REPO, 'writer').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).message).toMatch(TOKEN_MADE_FIRST);
    // With a token, GitHub answers for the person; and its 404 for someone who is no collaborator means "none".
    expect(await port.getPermission(OWNER, REPO, 'writer')).toBe('write');
    github.setPermission(OWNER, REPO, 'stranger', 'not-found');
    expect(await port.getPermission(OWNER, REPO, 'stranger')).toBe('none');
  });

  it('removeLabel: fails with an error worth another try and leaves the label on; GitHub\'s own 404 (label already off) is still success', async () => {
    const port = await portOf();
    github.addIssue(OWNER, REPO, { number: 7, labels: ['agent'] });
    github.failNext({ method: 'POST', path: TOKEN }, { status: 404, body: { message: 'Not Found' } }, 1);
    const err = await port.removeLabel(OWNER, REPO, 7, 'agent').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).message).toMatch(TOKEN_MADE_FIRST);
    expect((err as GitHubError).retryable).toBe(true);
    expect(github.issue(OWNER, REPO, 7)?.labels).toEqual(['agent']);
    // Tried again, it is taken off; taken off again, GitHub's 404 says it is already off.
    await port.removeLabel(OWNER, REPO, 7, 'agent');
    expect(github.issue(OWNER, REPO, 7)?.labels).toEqual([]);
    await expect(port.removeLabel(OWNER, REPO, 7, 'agent')).resolves.toBeUndefined();
  });
});
