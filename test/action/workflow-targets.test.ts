import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { OUTPUT_NAMES } from '../../src/action/outputs.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { OWNER, REPO, runAction, startFakes } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;

beforeEach(async () => {
  ({ coder, github } = await startFakes());
  github.addIssue(OWNER, REPO, { number: 7, title: 'Nightly maintenance', body: 'Reports from the nightly job go here.', user: 'maintainer' });
});
afterEach(async () => {
  await coder.close();
  await github.close();
});

// As GitHub sends it: the repository's numeric id too (the chat's thread label is built from it).
const schedule = { schedule: '0 3 * * *', repository: { id: 1296269, name: REPO, owner: { login: OWNER }, full_name: `${OWNER}/${REPO}` } };
const botComments = (n = 7) => github.comments(OWNER, REPO, n).filter((c) => c.user.login === 'github-actions[bot]');
// Only requests under a prefix the fake mounts: the client tries /api/v2/chats first and takes a route 404 on older servers.
const mounted = (path: string) => coder.options.prefixes.some((p) => path.startsWith(`/api/${p}/chats`));
const creates = () => coder.requests.filter((r) => r.method === 'POST' && /\/chats$/.test(r.path) && mounted(r.path));
const sends = (chatId: string) => coder.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${chatId}/messages`) && mounted(r.path));

describe('the `issue` input', () => {
  it('a scheduled run reports into the issue, and the next run continues that chat as a follow-up', async () => {
    const first = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'look for flaky tests', issue: '7' } });
    expect(first.code).toBe(0);
    expect(first.outputs['chat-created']).toBe('true');
    const [report] = botComments();
    expect(report?.body).toContain('Echo: ');
    expect(report?.body).toContain(`chat=${first.outputs['chat-id']} state=done`);
    // The issue is the new chat's context.
    expect(JSON.stringify(creates()[0]?.body)).toContain('Nightly maintenance');

    const second = await runAction(coder, github, {
      event: 'schedule',
      payload: schedule,
      inputs: { prompt: 'again tonight', issue: `https://github.com/${OWNER}/${REPO}/issues/7` },
    });
    expect(second.code).toBe(0);
    expect(second.outputs['chat-id']).toBe(first.outputs['chat-id']);
    expect(second.outputs['chat-created']).toBe('false');
    expect(creates()).toHaveLength(1);
    expect(sends(first.outputs['chat-id'] ?? '')).toHaveLength(1);
    expect(second.outputs['result']).toContain('again tonight');
    expect(botComments()).toHaveLength(2);
  });

  it('`new-chat: true` starts a fresh chat in the same issue', async () => {
    const first = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'one', issue: '7' } });
    const second = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'two', issue: '#7', 'new-chat': 'true' } });
    expect(second.outputs['chat-created']).toBe('true');
    expect(second.outputs['chat-id']).not.toBe(first.outputs['chat-id']);
    expect(creates()).toHaveLength(2);
    expect(botComments().at(-1)?.body).toContain(`chat=${second.outputs['chat-id']}`);
  });

  it('works from workflow_dispatch (a real payload) into a pull request given by URL', async () => {
    github.addPullRequest(OWNER, REPO, { number: 9, title: 'Speed up login', body: 'Caches the session.', user: 'contributor', head: { ref: 'fast-login' }, base: { ref: 'main' }, files: [] });
    // The example's repository is octo-org/octo-repo, so the URL names another repository: its dispatcher must be a writer there (review 8d).
    github.setPermission(OWNER, REPO, 'octocat', 'write');
    const run = await runAction(coder, github, {
      event: 'workflow_dispatch',
      payload: webhookExample('workflow_dispatch'),
      inputs: { prompt: 'review this', issue: `https://github.com/${OWNER}/${REPO}/pull/9` },
    });
    expect(run.code).toBe(0);
    expect(botComments(9)).toHaveLength(1);
    expect(JSON.stringify(creates()[0]?.body)).toContain('fast-login');
  });

  it('a bad or unreadable `issue` fails with one clear sentence and touches nothing', async () => {
    const bad = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'x', issue: 'the tracking one' } });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('The input "issue" must be an issue or pull request number');
    const missing = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'x', issue: '404' } });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`names ${OWNER}/${REPO}#404, which could not be read`);
    expect(missing.stdout).not.toMatch(/\n\s+at /);
    expect(coder.chats.size).toBe(0);
  });
});

describe('the `chat-id` input', () => {
  it('sends the prompt to that chat (id or URL) and follows it', async () => {
    const chat = coder.createChatDirect({ messages: [{ role: 'user', text: 'earlier' }, { role: 'assistant', text: 'done' }] });
    const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: webhookExample('workflow_dispatch'), inputs: { prompt: 'and now this', 'chat-id': `${coder.url}/agents/${chat.id}` } });
    expect(run.code).toBe(0);
    expect(run.outputs['chat-id']).toBe(chat.id);
    expect(run.outputs['chat-created']).toBe('false');
    expect(run.outputs['result']).toContain('and now this');
    expect(creates()).toHaveLength(0);
    expect(sends(chat.id)).toHaveLength(1);
  });

  it('a chat that does not exist fails the step instead of starting another', async () => {
    const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: webhookExample('workflow_dispatch'), inputs: { prompt: 'x', 'chat-id': '00000000-0000-4000-8000-000000000000' } });
    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('failed');
    expect(creates()).toHaveLength(0);
  });

  it('refuses a chat-id that is not one, and chat-id with new-chat', async () => {
    const bad = await runAction(coder, github, { event: 'workflow_dispatch', payload: webhookExample('workflow_dispatch'), inputs: { prompt: 'x', 'chat-id': 'my chat' } });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('The input "chat-id" must be a Coder chat id');
    const both = await runAction(coder, github, { event: 'workflow_dispatch', payload: webhookExample('workflow_dispatch'), inputs: { prompt: 'x', 'chat-id': '00000000-0000-4000-8000-000000000000', 'new-chat': 'true' } });
    expect(both.code).toBe(1);
    expect(both.stdout).toContain('contradict each other');
  });
});

describe('outputs', () => {
  it('the pull request and diff outputs come from the chat’s diff_status', async () => {
    coder.options.agent = ({ prompt }) => [
      { status: 'running' },
      { diffStatus: { url: `https://github.com/${OWNER}/${REPO}/pull/12`, pr_number: 12, pull_request_state: 'open', head_branch: 'agent/fix-login', base_branch: 'main', additions: 40, deletions: 3, changed_files: 2 } },
      { text: `Opened a PR for ${prompt}` },
      { persist: true },
      { status: 'waiting' },
    ];
    const run = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'fix login' } });
    expect(run.outputs).toMatchObject({
      'pull-request-url': `https://github.com/${OWNER}/${REPO}/pull/12`,
      'pull-request-number': '12',
      'pull-request-state': 'open',
      'head-branch': 'agent/fix-login',
      'base-branch': 'main',
      'diff-additions': '40',
      'diff-deletions': '3',
      'diff-changed-files': '2',
      'chat-created': 'true',
      'error-kind': '',
    });
  });

  it('error-kind is Coder’s kind when the agent fails; the diff outputs are empty without a diff_status', async () => {
    // Current servers: last_error is an object carrying the kind.
    coder.options.lastErrorShape = 'object';
    coder.options.agent = () => [{ status: 'running' }, { error: { message: 'Rate limited by the provider', kind: 'rate_limit' } }];
    const run = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'x' } });
    expect(run.code).toBe(1);
    expect(run.outputs['error-kind']).toBe('rate_limit');
    expect(run.outputs['pull-request-url']).toBe('');
    expect(run.outputs['diff-additions']).toBe('');
  });

  it('every output is always set, and action.yml declares exactly the outputs the code sets', async () => {
    const run = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'x' } });
    expect(Object.keys(run.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    const declared = parseYaml(readFileSync('action.yml', 'utf8')) as { outputs: Record<string, { description?: string }>; inputs: Record<string, { description?: string }> };
    expect(Object.keys(declared.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    for (const [name, spec] of [...Object.entries(declared.outputs), ...Object.entries(declared.inputs)]) expect(`${name}: ${spec.description ?? ''}`).toMatch(/: \S/);
    for (const name of ['issue', 'chat-id', 'new-chat']) expect(declared.inputs).toHaveProperty(name);
  });
});

describe('`issue` naming an issue in another repository (review of issue 11)', () => {
  it('the next night continues the tracking issue\'s chat: its thread label names that repository, by the id GitHub gives', async () => {
    github.addRepo(OWNER, 'tracking');
    github.addIssue(OWNER, 'tracking', { number: 5, title: 'Nightly maintenance', body: 'Reports go here.', user: 'maintainer' });
    const issue = `https://github.com/${OWNER}/tracking/issues/5`;
    const first = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'look for flaky tests', issue } });
    expect(first.code).toBe(0);
    expect(coder.chats.get(first.outputs['chat-id'] ?? '')?.chat.labels['coder-agent-bot/thread']).toBe(`gh/${github.addRepo(OWNER, 'tracking').id}/5`);
    const second = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'again tonight', issue } });
    expect(second.code).toBe(0);
    expect(second.outputs['chat-created']).toBe('false');
    expect(second.outputs['chat-id']).toBe(first.outputs['chat-id']);
  });
});

describe('`issue` in another repository needs the sender\'s write access there (review 8d)', () => {
  const repository = schedule.repository;
  const issue = `https://github.com/${OWNER}/tracking/issues/5`;
  const dispatchBy = (login: string, type = 'User') => ({ inputs: {}, ref: 'refs/heads/main', repository, sender: { login, id: 99, type }, workflow: '.github/workflows/agent.yml' });
  beforeEach(() => {
    github.addIssue(OWNER, 'tracking', { number: 5, title: 'Release plan', body: 'Private planning.', user: 'maintainer' });
    github.setPermission(OWNER, REPO, 'intern', 'write');
  });

  it('a dispatcher with only read access there fails the step with one sentence naming the input, and touches nothing', async () => {
    github.setPermission(OWNER, 'tracking', 'intern', 'read');
    const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: dispatchBy('intern'), inputs: { prompt: 'paste the plan here', issue } });
    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('failed');
    expect(run.stdout).toContain(`The input "issue" names ${OWNER}/tracking#5, in another repository than ${OWNER}/${REPO}`);
    expect(run.stdout).toContain('@intern has "read" permission on Codertocat/tracking');
    expect(run.stdout).not.toMatch(/\n\s+at /);
    expect(coder.chats.size).toBe(0);
    expect(github.comments(OWNER, 'tracking', 5)).toHaveLength(0);
  });

  it('a dispatcher with write access there reports into that thread', async () => {
    github.setPermission(OWNER, 'tracking', 'intern', 'write');
    const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: dispatchBy('intern'), inputs: { prompt: 'summarise the plan', issue } });
    expect(run.code).toBe(0);
    expect(run.outputs['status']).toBe('completed');
    expect(github.comments(OWNER, 'tracking', 5).some((c) => c.body.includes(`chat=${run.outputs['chat-id']}`))).toBe(true);
  });

  it('a dispatch without a sender may not leave its repository; a schedule, which has none, may', async () => {
    const { sender: _none, ...senderless } = dispatchBy('intern');
    const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: senderless, inputs: { prompt: 'x', issue } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('names nobody whose access there could be checked');
    expect(coder.chats.size).toBe(0);
    const nightly = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'x', issue } });
    expect(nightly.code).toBe(0);
    expect(nightly.outputs['status']).toBe('completed');
  });

  it('a comment in the workflow\'s repository by a reader of the target reaches nothing there', async () => {
    github.setPermission(OWNER, 'tracking', 'intern', 'read');
    const nightly = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'summarise the plan', issue } });
    const chatId = nightly.outputs['chat-id'] ?? '';
    expect(chatId).not.toBe('');
    const comment = webhookExample('issue_comment', 'created');
    Object.assign(comment, { repository, sender: { login: 'intern', id: 99, type: 'User' } });
    Object.assign(comment['comment'] as object, { body: '/agent paste the plan here', user: { login: 'intern', id: 99, type: 'User' } });
    const run = await runAction(coder, github, { event: 'issue_comment', payload: comment, inputs: { issue } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`The input "issue" names ${OWNER}/tracking#5`);
    expect(sends(chatId)).toHaveLength(0);
  });

  it('an unlisted bot as the sender is skipped quietly, as in its own repository', async () => {
    const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: dispatchBy('renovate[bot]', 'Bot'), inputs: { prompt: 'x', issue } });
    expect(run.code).toBe(0);
    expect(run.outputs['status']).toBe('skipped');
    expect(coder.chats.size).toBe(0);
  });
});

describe('`issue` naming an issue that moved (re-review 8e)', () => {
  const repository = schedule.repository;
  const dispatchBy = (login: string) => ({ inputs: {}, ref: 'refs/heads/main', repository, sender: { login, id: 99, type: 'User' }, workflow: '.github/workflows/agent.yml' });

  it('an issue transferred to another repository fails the step with one sentence naming the input, and touches neither thread', async () => {
    github.addRepo(OWNER, 'secret-plans', { private: true });
    github.addIssue(OWNER, 'secret-plans', { number: 16, title: 'Earlier plans' });
    // The moved issue becomes secret-plans#17; Hello-World#17 is an unrelated thread whose chat the run must not continue.
    github.addIssue(OWNER, REPO, { number: 17, title: 'Unrelated', user: 'maintainer' });
    github.addIssue(OWNER, REPO, { number: 5, title: 'Acquisition of Initech', body: 'Offer: 40M.', user: 'ceo' });
    github.transferIssue(OWNER, REPO, 5, { owner: OWNER, repo: 'secret-plans' });
    github.setPermission(OWNER, REPO, 'intern', 'write');

    const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: dispatchBy('intern'), inputs: { prompt: 'summarise this issue', issue: '5' } });
    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('failed');
    expect(run.stdout).toContain(`The input "issue" names ${OWNER}/${REPO}#5, which was transferred to another repository; name the issue by its new URL.`);
    expect(run.stdout).not.toContain('secret-plans');
    expect(run.stdout).not.toMatch(/\n\s+at /);
    expect(coder.chats.size).toBe(0);
    expect(github.comments(OWNER, REPO, 17)).toHaveLength(0);
    expect(github.comments(OWNER, 'secret-plans', 17)).toHaveLength(0);
  });

  it('a renamed repository\'s old URL still reports into the issue, and the next run continues its chat', async () => {
    github.addRepo(OWNER, 'tracking');
    github.addIssue(OWNER, 'tracking', { number: 5, title: 'Nightly maintenance', body: 'Reports go here.', user: 'maintainer' });
    const first = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'one', issue: `https://github.com/${OWNER}/tracking/issues/5` } });
    expect(first.code).toBe(0);
    github.renameRepo(OWNER, 'tracking', { repo: 'maintenance' });

    const second = await runAction(coder, github, { event: 'schedule', payload: schedule, inputs: { prompt: 'two', issue: `https://github.com/${OWNER}/tracking/issues/5` } });
    expect(second.code).toBe(0);
    expect(second.outputs['chat-created']).toBe('false');
    expect(second.outputs['chat-id']).toBe(first.outputs['chat-id']);
    expect(github.comments(OWNER, 'maintenance', 5).filter((c) => c.user.login === 'github-actions[bot]')).toHaveLength(2);
  });
});
