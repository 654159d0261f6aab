/**
 * Review of issue 8, through the bundled Action: a bot that cannot learn its
 * own login refuses to read a thread (it would take its own comments for
 * someone else's), a person named like the App is not the App, no URL it
 * echoes (an image's name in a note included) carries a password, and the agent's answer can neither forge the
 * marker nor hide the bot's footer.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { CODER_TOKEN, issueCommentEvent, OWNER, REPO, runAction, startFakes } from './harness.js';

const APP_TOKEN = 'ghs_app_installation_token';

let coder: FakeCoder;
let github: FakeGitHub;

beforeEach(async () => {
  ({ coder, github } = await startFakes());
  // An App's installation token: GET /user refuses it, so GraphQL `viewer` is the only way to learn its login.
  github.addToken(APP_TOKEN, 'coder-agent[bot]', { installation: true, type: 'Bot' });
});
afterEach(async () => {
  await coder.close();
  await github.close();
});

/** GitHub refuses the viewer query (as it does for a token it will not describe). */
const failViewer = () => github.failNext({ method: 'POST', path: '/graphql' }, { status: 403, body: { message: 'Resource not accessible by integration' } }, 20);

describe('the Action knows who it is, or does nothing', () => {
  it('an App token whose login GitHub will not tell, without bot-login: refused in one sentence, non-zero exit, nothing posted', async () => {
    failViewer();
    const run = await runAction(coder, github, {
      event: 'issue_comment',
      payload: issueCommentEvent(github, '/agent fix the login bug'),
      inputs: { 'github-token': APP_TOKEN, 'allowed-bots': '*' },
    });
    expect(run.code).not.toBe(0);
    expect(run.outputs['status']).toBe('failed');
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('could not learn which account the github-token posts as');
    expect(errors[0]).toContain('bot-login');
    expect(run.stdout + run.stderr).not.toMatch(/github-actions\[bot\]|Unexpected error|\n\s+at /);
    expect(github.comments(OWNER, REPO, 1).filter((c) => c.user.login !== 'maintainer')).toHaveLength(0);
    expect(github.requests.filter((r) => r.method !== 'GET' && r.path !== '/graphql')).toHaveLength(0);
    expect(coder.requests).toHaveLength(0);
  });

  it('the same token with bot-login set runs: the override needs no answer from GitHub', async () => {
    failViewer();
    const run = await runAction(coder, github, {
      event: 'issue_comment',
      payload: issueCommentEvent(github, '/agent fix the login bug'),
      inputs: { 'github-token': APP_TOKEN, 'bot-login': 'coder-agent[bot]' },
    });
    expect(run.outputs['status']).toBe('completed');
    expect(github.requestsTo({ path: '/graphql' })).toHaveLength(0);
  });

  it('a direct prompt on workflow_dispatch reads no thread, so it runs without knowing its login', async () => {
    failViewer();
    const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: webhookExample('workflow_dispatch'), inputs: { 'github-token': APP_TOKEN, prompt: 'summarise open issues' } });
    expect(run.code).toBe(0);
    expect(run.outputs['status']).toBe('completed');
  });
});

describe('a person is not the bot because of a name', () => {
  it('a writer whose login is the App\'s slug (without [bot]) starts the agent', async () => {
    github.setPermission(OWNER, REPO, 'coder-agent', 'write');
    const run = await runAction(coder, github, {
      event: 'issue_comment',
      payload: issueCommentEvent(github, '/agent fix the login bug', { user: 'coder-agent' }),
      inputs: { 'github-token': APP_TOKEN },
    });
    expect(run.outputs['status']).toBe('completed');
    expect(coder.chats.size).toBe(1);
  });
});

describe('no password in what the Action echoes', () => {
  it.each(['https://admin:hunter#2@coder.example.com', 'https://admin:hunter/2@coder.example.com', 'https://admin:hunter?2@coder.example.com'])('coder-url %s is refused without any part of its password', async (url) => {
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent hi'), inputs: { 'coder-url': url } });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain('::error::');
    expect(run.stdout + run.stderr).not.toMatch(/hunter|2@coder/);
  });
});

describe('an image note names the image without its password or query (review 8)', () => {
  it.each([
    ['userinfo and no path', '![shot](https://u:hunter2pass@github.com)'],
    ['a query', '![shot](https://files.example.net/shot.png?token=hunter2pass)'],
    ['a query without a name for it', '<img src="https://files.example.net/shot.png?hunter2pass">'],
  ])('%s: neither the note nor the log holds it', async (_name, image) => {
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, `/agent look at this\n\n${image}`) });
    expect(run.outputs['status']).toBe('completed');
    // The fake agent echoes the prompt, so only the bot's own note is read: the quoted lines after the answer.
    const notes = github.comments(OWNER, REPO, 1).filter((c) => c.user.login === 'github-actions[bot]').flatMap((c) => c.body.split('\n').filter((l) => l.startsWith('> ')));
    expect(notes.join('\n')).toContain('could not be attached');
    expect(notes.join('\n')).not.toContain('hunter2pass');
    expect(run.stdout + run.stderr).not.toContain('hunter2pass');
  });
});

describe('the agent\'s answer cannot forge the marker or hide the footer', () => {
  it('nested marker look-alikes and an unterminated `<!--` in the answer: one marker, the bot\'s, after a visible footer', async () => {
    await coder.close();
    const d = 2000;
    const answer = `${'<!-'.repeat(d)}<!-- coder-agent-bot -->${'- coder-agent-bot -->'.repeat(d)}\n\nDone, and <!-- this never closes`;
    coder = await FakeCoder.start({ token: CODER_TOKEN, agent: () => [{ status: 'running' }, { text: answer }, { persist: true }, { status: 'waiting' }] });
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent go') });
    expect(run.outputs['status']).toBe('completed');
    const body = github.comments(OWNER, REPO, 1).find((c) => c.user.login === 'github-actions[bot]')?.body ?? '';
    expect(body).toContain('Done, and');
    // The only `<!--` is the bot's marker, last: nothing before it can hide the footer or pose as a marker.
    expect(body.split('<!--')).toHaveLength(2);
    expect(body.indexOf('Open in Coder')).toBeGreaterThan(body.indexOf('Done, and'));
    expect(body.trimEnd()).toMatch(new RegExp(`<!-- coder-agent-bot chat=${run.outputs['chat-id']} state=done[^>]*-->$`));
  });
});
