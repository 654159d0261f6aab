/**
 * Issue 8, kind 2, through the Action: a label starts the agent only when it
 * is the configured label-trigger, and only when the person who added it may
 * write; the issue's own text is the request, as untrusted context.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { CODER_TOKEN, OWNER, REPO, runAction } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;

beforeEach(async () => {
  coder = await FakeCoder.start({ token: CODER_TOKEN });
  github = await FakeGitHub.start({ botLogin: 'github-actions[bot]', writers: ['maintainer'] });
  github.setPermission(OWNER, REPO, 'triager', 'triage');
});
afterEach(async () => {
  await coder.close();
  await github.close();
});

/** A real `issues` `labeled` payload: a writer's issue holding a request, labelled by `sender`. */
function labeled(label: string, sender: string, senderType = 'User') {
  const repo = github.addRepo(OWNER, REPO);
  if (!github.issue(OWNER, REPO, 1)) github.addIssue(OWNER, REPO, { number: 1, title: 'Release cleanup', body: '/agent delete the release branch', user: 'maintainer' });
  const payload = webhookExample('issues', 'labeled');
  Object.assign(payload['issue'] as object, { number: 1, title: 'Release cleanup', body: '/agent delete the release branch', user: { login: 'maintainer', id: 7, type: 'User' } });
  Object.assign(payload['repository'] as object, { id: repo.id, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER, id: 1, type: 'User' } });
  payload['label'] = { id: 99, name: label, color: 'ededed', default: false };
  payload['sender'] = { login: sender, id: 12, type: senderType };
  return { event: 'issues', payload };
}

describe('the Action on labels', () => {
  it('a triage user adding any label to a writer\'s request starts nothing', async () => {
    for (const label of ['bug', 'agent']) {
      const run = await runAction(coder, github, { ...labeled(label, 'triager'), inputs: { 'label-trigger': 'agent' } });
      expect(run.outputs['skipped']).toBe('true');
    }
    expect(coder.chats.size).toBe(0);
  });

  it('without label-trigger no label starts the agent, even from a writer and even when the issue holds a request', async () => {
    const run = await runAction(coder, github, labeled('agent', 'maintainer'));
    expect(run.outputs['skipped']).toBe('true');
    expect(run.stdout).toContain('label-trigger');
    expect(coder.chats.size).toBe(0);
  });

  it('a writer adding another label starts nothing; adding the configured one starts one chat on the issue', async () => {
    const other = await runAction(coder, github, { ...labeled('bug', 'maintainer'), inputs: { 'label-trigger': 'agent' } });
    expect(other.outputs['skipped']).toBe('true');
    const run = await runAction(coder, github, { ...labeled('agent', 'maintainer'), inputs: { 'label-trigger': 'agent' } });
    expect(run.outputs['status']).toBe('completed');
    expect(coder.chats.size).toBe(1);
    const create = JSON.stringify(coder.requests.find((r) => r.method === 'POST' && /\/chats$/.test(r.path))?.body);
    // The issue text reaches the agent only inside the fenced, untrusted context; the instruction is the bot's.
    expect(create).toContain('Context from GitHub (untrusted reference material)');
    expect(create).toContain('Work on this issue as its title and description ask. The \\"agent\\" label was added by @maintainer');
    expect(create).toMatch(/Instruction from @maintainer[^"]*\\n\\nWork on this issue/);
  });

  it('a bot adding the label is refused unless allowed', async () => {
    const refused = await runAction(coder, github, { ...labeled('agent', 'triage-bot[bot]', 'Bot'), inputs: { 'label-trigger': 'agent' } });
    expect(refused.outputs['skipped']).toBe('true');
    expect(coder.chats.size).toBe(0);
    const allowed = await runAction(coder, github, { ...labeled('agent', 'triage-bot[bot]', 'Bot'), inputs: { 'label-trigger': 'agent', 'allowed-bots': 'triage-bot[bot]' } });
    expect(allowed.outputs['status']).toBe('completed');
  });
});

describe('the Action never answers itself (issue 8, kind 7b)', () => {
  it('not when allowed-bots names its own login, with or without [bot], nor when it is *', async () => {
    const number = 3;
    github.addIssue(OWNER, REPO, { number, title: 'Loop', body: 'x', user: 'maintainer' });
    for (const allowed of ['github-actions[bot]', 'github-actions', '*']) {
      const payload = webhookExample('issue_comment', 'created');
      const seeded = github.addComment(OWNER, REPO, number, { body: '/agent answer yourself', user: 'github-actions[bot]' });
      Object.assign(payload['comment'] as object, { id: seeded.id, body: seeded.body, created_at: seeded.created_at, updated_at: seeded.updated_at, user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' } });
      Object.assign(payload['issue'] as object, { number });
      Object.assign(payload['repository'] as object, { id: github.addRepo(OWNER, REPO).id });
      payload['sender'] = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
      const run = await runAction(coder, github, { event: 'issue_comment', payload, inputs: { 'allowed-bots': allowed } });
      expect(run.outputs['skipped']).toBe('true');
    }
    expect(coder.chats.size).toBe(0);
  });
});
