/**
 * Review 8: the note about an image that could not be attached names the
 * image by its URL's last part; that name must be masked like every URL the
 * bot echoes (docs/security.md, "No secret in what the bot echoes").
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { issueCommentEvent, OWNER, REPO, runAction, startFakes } from '../action/harness.js';

let coder: FakeCoder;
let github: FakeGitHub;

beforeEach(async () => {
  ({ coder, github } = await startFakes());
});
afterEach(async () => {
  await coder.close();
  await github.close();
});

describe('an image note names the image without its password or query', () => {
  it.each([
    ['userinfo and no path', '![shot](https://u:hunter2pass@github.com)'],
    ['a query', '![shot](https://files.example.net/shot.png?token=hunter2pass)'],
    ['a query without a name for it', '<img src="https://files.example.net/shot.png?hunter2pass">'],
  ])('%s: neither the comment nor the log holds it', async (_name, image) => {
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, `/agent look at this\n\n${image}`) });
    expect(run.outputs['status']).toBe('completed');
    // The fake agent echoes the prompt, so only the bot's own note is read: the quoted lines after the answer.
    const notes = github.comments(OWNER, REPO, 1).filter((c) => c.user.login === 'github-actions[bot]').flatMap((c) => c.body.split('\n').filter((l) => l.startsWith('> ')));
    expect(notes.join('\n')).toContain('could not be attached');
    expect(notes.join('\n')).not.toContain('hunter2pass');
    expect(run.stdout + run.stderr).not.toContain('hunter2pass');
  });
});
