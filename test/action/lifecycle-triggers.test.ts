import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { webhookExample } from '../helpers/webhook-examples.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { OWNER, REPO, runAction, startFakes } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;

beforeEach(async () => {
  ({ coder, github } = await startFakes());
  github.addIssue(OWNER, REPO, { number: 3, title: 'Export to CSV', body: 'The report page needs a CSV export button.', user: 'reporter', labels: ['agent'] });
});
afterEach(async () => {
  await coder.close();
  await github.close();
});

const botComments = () => github.comments(OWNER, REPO, 3).filter((c) => c.user.login === 'github-actions[bot]');
const creates = () => coder.requests.filter((r) => r.method === 'POST' && /\/chats$/.test(r.path));

/** A real `issues.assigned` payload: `sender` assigned `assignee` to issue #3 written by `reporter`. */
function assigned(assignee: string, sender = 'maintainer') {
  const payload = webhookExample('issues', 'assigned');
  Object.assign(payload['issue'] as object, { number: 3, title: 'Export to CSV', body: 'The report page needs a CSV export button.', user: { login: 'reporter', id: 8, type: 'User' } });
  payload['assignee'] = { login: assignee, id: 99, type: 'User' };
  payload['sender'] = { login: sender, id: 7, type: 'User' };
  return payload;
}

describe('assignee-trigger', () => {
  it('assigning the issue to the configured account starts a chat with the issue as the prompt', async () => {
    const run = await runAction(coder, github, { event: 'issues', payload: assigned('agent-bot'), inputs: { 'assignee-trigger': 'someone-else, agent-bot' } });
    expect(run.code).toBe(0);
    expect(run.outputs['status']).toBe('completed');
    expect(run.outputs['chat-created']).toBe('true');
    const sent = JSON.stringify(creates()[0]?.body);
    expect(sent).toContain('Export to CSV');
    expect(sent).toContain('CSV export button');
    expect(sent).toContain('You have been assigned this issue');
    // The assigner is who asked, not the issue's author.
    expect(github.requestsTo({ path: /collaborators\/maintainer\/permission/ })).toHaveLength(1);
    expect(botComments()).toHaveLength(1);
  });

  it('an assignment to another account, or without the input, does nothing', async () => {
    const cases: Record<string, string>[] = [{ 'assignee-trigger': 'agent-bot' }, {}];
    for (const inputs of cases) {
      const run = await runAction(coder, github, { event: 'issues', payload: assigned('alice'), inputs });
      expect(run.outputs['skipped']).toBe('true');
    }
    expect(coder.requests).toHaveLength(0);
    expect(botComments()).toHaveLength(0);
  });

  it('an assigner without write access is refused, whoever wrote the issue', async () => {
    github.setPermission(OWNER, REPO, 'visitor', 'triage');
    const run = await runAction(coder, github, { event: 'issues', payload: assigned('agent-bot', 'visitor'), inputs: { 'assignee-trigger': 'agent-bot' } });
    expect(run.outputs['status']).toBe('refused');
    expect(run.stdout).toContain('@visitor has "triage" permission');
    expect(coder.chats.size).toBe(0);
  });
});

describe('remove-label-when-done', () => {
  function labeled() {
    const payload = webhookExample('issues', 'labeled');
    Object.assign(payload['issue'] as object, { number: 3, title: 'Export to CSV', body: '/agent add the CSV export', user: { login: 'maintainer', id: 7, type: 'User' } });
    payload['label'] = { name: 'agent', id: 1, color: 'ffffff', default: false };
    payload['sender'] = { login: 'maintainer', id: 7, type: 'User' };
    return payload;
  }

  it('takes the triggering label off when the run ends', async () => {
    const run = await runAction(coder, github, { event: 'issues', payload: labeled(), inputs: { 'label-trigger': 'agent', 'remove-label-when-done': 'true' } });
    expect(run.outputs['status']).toBe('completed');
    expect(github.issue(OWNER, REPO, 3)?.labels).toEqual([]);
  });

  it('leaves it on by default, and a label someone already removed is not an error', async () => {
    expect((await runAction(coder, github, { event: 'issues', payload: labeled(), inputs: { 'label-trigger': 'agent' } })).outputs['status']).toBe('completed');
    expect(github.issue(OWNER, REPO, 3)?.labels).toEqual(['agent']);
    const issue = github.issue(OWNER, REPO, 3);
    if (issue) issue.labels = [];
    const run = await runAction(coder, github, { event: 'issues', payload: labeled(), inputs: { 'label-trigger': 'agent', 'remove-label-when-done': 'true' } });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('Could not remove the label');
  });
});
