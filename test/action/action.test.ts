import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { webhookExample } from '../helpers/webhook-examples.js';
import { FakeCoder, type FakeCoderOptions } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { CODER_TOKEN, issueCommentEvent, OWNER, REPO, reviewCommentEvent, runAction, type ActionRun } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;

async function start(coderOpts: FakeCoderOptions = {}) {
  coder = await FakeCoder.start({ token: CODER_TOKEN, ...coderOpts });
  github = await FakeGitHub.start({ botLogin: 'github-actions[bot]', writers: ['maintainer'] });
  github.addRepo(OWNER, REPO);
}
beforeEach(async () => start());
afterEach(async () => {
  await coder.close();
  await github.close();
});

const botComments = (number = 1) => github.comments(OWNER, REPO, number).filter((c) => c.user.login === 'github-actions[bot]');

/** Nothing the Action wrote anywhere may contain the Coder token. */
function expectNoSecret(run: ActionRun) {
  // `::add-mask::` is how the runner learns what to mask; it never reaches the log.
  const stdout = run.stdout.replace(/^::add-mask::.*$/gm, '');
  const everything = JSON.stringify([stdout, run.stderr, run.outputs, run.summary, github.requests.map((r) => r.body), github.comments(OWNER, REPO, 1)]);
  expect(everything).not.toContain(CODER_TOKEN);
}

describe('the Action on issue comments', () => {
  it('answers `/agent <prompt>`: 👀, one comment that becomes the answer, outputs and summary', async () => {
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent why does login fail?') });
    expect(run.code).toBe(0);
    const [answer, ...more] = botComments();
    expect(more).toHaveLength(0);
    expect(answer?.body).toContain('Echo: ');
    expect(answer?.body).toContain('why does login fail?');
    expect(answer?.body).toMatch(/<!-- coder-agent-bot chat=[0-9a-f-]{36} state=done -->/);
    expect(github.reactions(OWNER, REPO).map((r) => r.content)).toContain('eyes');
    expect(run.outputs['status']).toBe('completed');
    expect(run.outputs['skipped']).toBe('false');
    expect(run.outputs['chat-url']).toBe(`${coder.url}/agents/${run.outputs['chat-id']}`);
    expect(run.outputs['result']).toContain('why does login fail?');
    expect(run.outputs['comment-url']).toContain('#issuecomment-');
    expect(run.summary).toContain('The agent finished');
    expectNoSecret(run);
    // The chat got the thread as context and the comment as the instruction.
    const create = coder.requests.find((r) => r.method === 'POST' && r.path === '/api/experimental/chats');
    const text = JSON.stringify(create?.body);
    expect(text).toContain('Login fails on Safari');
    expect(text).toContain('Instruction from @maintainer');
  });

  it('skips a comment without the phrase quickly, with skipped=true and nothing posted', async () => {
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, 'thanks!') });
    expect(run.code).toBe(0);
    expect(run.outputs['skipped']).toBe('true');
    expect(botComments()).toHaveLength(0);
    expect(coder.requests).toHaveLength(0);
  });

  it('refuses a read-only commenter: no chat, no comment, the reason in the log', async () => {
    github.setPermission(OWNER, REPO, 'visitor', 'read');
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent delete everything', { user: 'visitor' }) });
    expect(run.code).toBe(0);
    expect(run.outputs['skipped']).toBe('true');
    expect(run.outputs['status']).toBe('refused');
    expect(run.stdout).toContain('needs write, maintain or admin');
    expect(coder.chats.size).toBe(0);
    expect(botComments()).toHaveLength(0);
  });

  it('`/agent` with no prompt makes no chat and says in the thread what to write', async () => {
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent') });
    expect(run.code).toBe(0);
    expect(run.outputs['status']).toBe('refused');
    expect(coder.chats.size).toBe(0);
    expect(botComments()[0]?.body).toContain('The request has no prompt');
    expect(botComments()[0]?.body).toContain('`/agent fix the failing test in auth.ts`');
  });

  it('refuses bots unless listed in allowed-bots', async () => {
    const refused = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent bump deps', { user: 'renovate[bot]', userType: 'Bot' }) });
    expect(refused.outputs['skipped']).toBe('true');
    expect(coder.chats.size).toBe(0);
    const allowed = await runAction(coder, github, {
      event: 'issue_comment',
      payload: issueCommentEvent(github, '/agent bump deps', { user: 'renovate[bot]', userType: 'Bot' }),
      inputs: { 'allowed-bots': 'dependabot[bot], renovate[bot]' },
    });
    expect(allowed.outputs['status']).toBe('completed');
    expect(coder.chats.size).toBe(1);
  });

  it('never answers itself', async () => {
    const run = await runAction(coder, github, {
      event: 'issue_comment',
      payload: issueCommentEvent(github, '/agent loop forever', { user: 'github-actions[bot]', userType: 'Bot' }),
      inputs: { 'allowed-bots': '*' },
    });
    expect(run.outputs['skipped']).toBe('true');
    expect(coder.chats.size).toBe(0);
  });

  it('with an App token and no bot-login, knows its own login and never answers itself, even with allowed-bots "*"', async () => {
    // An installation token of another App: GET /user refuses it; GraphQL viewer names its bot.
    github.addToken('ghs_app_installation_token', 'coder-agent[bot]', { installation: true, type: 'Bot' });
    const own = await runAction(coder, github, {
      event: 'issue_comment',
      payload: issueCommentEvent(github, '/agent loop forever', { user: 'coder-agent[bot]', userType: 'Bot' }),
      inputs: { 'allowed-bots': '*', 'github-token': 'ghs_app_installation_token' },
    });
    expect(own.outputs['skipped']).toBe('true');
    expect(coder.chats.size).toBe(0);
    expect(github.requestsTo({ path: '/graphql' }).length).toBeGreaterThan(0);
    // The same token answers another bot that allowed-bots lets in: the refusal above was about itself.
    const other = await runAction(coder, github, {
      event: 'issue_comment',
      payload: issueCommentEvent(github, '/agent bump deps', { user: 'renovate[bot]', userType: 'Bot' }),
      inputs: { 'allowed-bots': '*', 'github-token': 'ghs_app_installation_token' },
    });
    expect(other.outputs['status']).toBe('completed');
  });

  it('continues the same chat on a follow-up, starts fresh on `/agent new`, and interrupts on `/agent stop`', async () => {
    const first = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent first question') });
    const chatId = first.outputs['chat-id'];
    const second = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent and a follow-up') });
    expect(second.outputs['chat-id']).toBe(chatId);
    expect(coder.chats.size).toBe(1);
    expect(second.outputs['result']).toContain('and a follow-up');
    expect(coder.requests.some((r) => r.method === 'POST' && r.path === `/api/experimental/chats/${chatId}/messages`)).toBe(true);

    const fresh = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent new something else') });
    expect(fresh.outputs['chat-id']).not.toBe(chatId);
    expect(coder.chats.size).toBe(2);

    const stop = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent stop') });
    expect(stop.outputs['status']).toBe('stopped');
    expect(stop.outputs['chat-id']).toBe(fresh.outputs['chat-id']);
    expect(coder.requests.some((r) => r.path === `/api/experimental/chats/${fresh.outputs['chat-id']}/interrupt`)).toBe(true);
    expect(botComments().at(-1)?.body).toContain('Stopped');
  });

  it('says the agent errored, fails the step, and keeps the marker so a follow-up can continue', async () => {
    coder.options.agent = () => [{ status: 'running' }, { error: { message: 'The model provider rejected the API key.' } }];
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent try') });
    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('error');
    const body = botComments()[0]?.body ?? '';
    expect(body).toContain('The agent stopped with an error');
    expect(body).toContain('The model provider rejected the API key.');
    expect(body).toContain('state=error');
    expect(run.stdout).toContain('::error::The agent stopped with an error.');
  });

  it('times out after timeout-minutes, says so in the comment, and fails the step', async () => {
    coder.options.agent = () => [{ status: 'running' }, { text: 'half an answer' }, { hang: true }];
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent slow'), inputs: { 'timeout-minutes': '0.01' } });
    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('timeout');
    const body = botComments()[0]?.body ?? '';
    expect(body).toContain('time limit');
    expect(body).toContain('half an answer');
    expect(body).not.toContain('state=running');
  });

  it('leaves no stale "working" comment when the runner cancels the job (SIGTERM)', async () => {
    coder.options.agent = () => [{ status: 'running' }, { text: 'started on it' }, { hang: true }];
    const run = await runAction(coder, github, {
      event: 'issue_comment',
      payload: issueCommentEvent(github, '/agent long job'),
      onSpawn: (child) => {
        void waitFor(() => coder.streamCount() > 0, 10_000).then(() => child.kill('SIGTERM'));
      },
    });
    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('aborted');
    const body = botComments()[0]?.body ?? '';
    expect(body).toContain('cancelled');
    expect(body).toContain('state=stopped');
  });

  it('cuts an answer over 65,536 characters cleanly instead of getting a 422', async () => {
    const long = `${'A long line of analysis. '.repeat(40)}\n`.repeat(120); // ~120,000 characters
    coder.options.agent = () => [{ status: 'running' }, { text: long }, { persist: true }, { status: 'waiting' }];
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent write a lot') });
    expect(run.code).toBe(0);
    const body = botComments()[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain(run.outputs['chat-url'] ?? '???');
    expect(body).toContain('state=done');
    expect(github.requests.some((r) => r.status === 422)).toBe(false);
    // The comment is cut, not the answer: result-file holds it whole (`result` is capped for env:, long-result.test.ts).
    expect(readFileSync(run.outputs['result-file'] ?? '', 'utf8')).toBe(long.trim());
  });

  it('survives GitHub answering 502 once', async () => {
    github.failNext({ method: 'GET', path: /\/comments$/ }, { status: 502, body: { message: 'Server Error' } });
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent resilient?') });
    expect(run.code).toBe(0);
    expect(run.outputs['status']).toBe('completed');
    expect(botComments()).toHaveLength(1);
    expect(github.requests.some((r) => r.status === 502)).toBe(true);
  });

  it('uploads an image attached to the request and sends it as a file part', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3]);
    const image = github.addAttachment({ bytes: png, redirect: true });
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, `/agent what is wrong here?\n\n![screenshot](${image.url})`) });
    expect(run.code).toBe(0);
    const create = coder.requests.find((r) => r.method === 'POST' && r.path === '/api/experimental/chats');
    expect(JSON.stringify(create?.body)).toMatch(/"type":"file","file_id":"[^"]+"/);
    expect(coder.requests.some((r) => r.path.endsWith('/files'))).toBe(true);
  });

  it('says so, without failing, when an image cannot be downloaded', async () => {
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, `/agent look\n\n![gone](${github.url}/user-attachments/assets/missing)`) });
    expect(run.code).toBe(0);
    expect(botComments()[0]?.body).toContain('could not be attached');
  });

  it('works on a pull request conversation, with branches and changed files as context', async () => {
    github.addPullRequest(OWNER, REPO, { number: 3, title: 'Add cache', head: { ref: 'cache' }, base: { ref: 'main' }, files: [{ filename: 'src/cache.ts', status: 'added', additions: 40, deletions: 0 }] });
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent review this', { number: 3, pullRequest: true }) });
    expect(run.outputs['status']).toBe('completed');
    const text = JSON.stringify(coder.requests.find((r) => r.method === 'POST' && r.path === '/api/experimental/chats')?.body);
    expect(text).toContain('src/cache.ts');
    expect(text).toContain('`cache` into `main`');
    expect(botComments(3)).toHaveLength(1);
  });
});

describe('the Action on review comments and reviews', () => {
  it('answers a review comment in its review thread, with the diff hunk as a file reference', async () => {
    const run = await runAction(coder, github, { event: 'pull_request_review_comment', payload: reviewCommentEvent(github, '/agent simplify this') });
    expect(run.outputs['status']).toBe('completed');
    const replies = github.reviewComments(OWNER, REPO, 2).filter((c) => c.user.login === 'github-actions[bot]');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.in_reply_to_id).not.toBeNull();
    expect(github.comments(OWNER, REPO, 2).filter((c) => c.user.login === 'github-actions[bot]')).toHaveLength(0);
    const create = coder.requests.find((r) => r.method === 'POST' && r.path === '/api/experimental/chats');
    expect(create?.body).toMatchObject({ content: expect.arrayContaining([expect.objectContaining({ type: 'file-reference', file_name: 'src/login.ts' })]) });
  });

  it('answers a submitted review in the pull request conversation', async () => {
    github.addPullRequest(OWNER, REPO, { number: 2, title: 'Speed up login' });
    const payload = webhookExample('pull_request_review', 'submitted');
    const p = payload as { review: Record<string, unknown>; pull_request: Record<string, unknown>; sender: Record<string, unknown> };
    Object.assign(p.review, { body: '/agent address the review', user: { login: 'maintainer', id: 7, type: 'User' } });
    Object.assign(p.pull_request, { number: 2 });
    const run = await runAction(coder, github, { event: 'pull_request_review', payload });
    expect(run.outputs['status']).toBe('completed');
    expect(botComments(2)).toHaveLength(1);
  });
});

describe('the Action on other events', () => {
  it('issues opened with the phrase in the body', async () => {
    github.addIssue(OWNER, REPO, { number: 1, title: 'Bug', body: '/agent triage this', user: 'maintainer' });
    const payload = webhookExample('issues', 'opened', (x) => typeof (x['issue'] as { body: unknown }).body === 'string');
    const p = payload as { issue: Record<string, unknown> };
    Object.assign(p.issue, { number: 1, body: '/agent triage this', user: { login: 'maintainer', id: 7, type: 'User' } });
    // GitHub sends the opener as the sender of `opened`.
    (payload as Record<string, unknown>)['sender'] = { login: 'maintainer', id: 7, type: 'User' };
    const run = await runAction(coder, github, { event: 'issues', payload });
    expect(run.outputs['status']).toBe('completed');
    expect(github.reactions(OWNER, REPO).map((r) => r.content)).toContain('eyes');
    expect(botComments()).toHaveLength(1);
  });

  it('workflow_dispatch with a prompt: outputs and summary, no comment', async () => {
    const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: webhookExample('workflow_dispatch'), inputs: { prompt: 'summarise open issues' } });
    expect(run.code).toBe(0);
    expect(run.outputs['result']).toMatch(/^Echo: [\s\S]*summarise open issues/);
    expect(run.summary).toContain('summarise open issues');
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('schedule with a prompt', async () => {
    const payload = { schedule: '0 3 * * *', repository: { name: REPO, owner: { login: OWNER }, full_name: `${OWNER}/${REPO}` } };
    const run = await runAction(coder, github, { event: 'schedule', payload, inputs: { prompt: 'nightly: look for flaky tests' } });
    expect(run.outputs['status']).toBe('completed');
    expect(run.outputs['result']).toContain('nightly: look for flaky tests');
  });

  it('any other event with a prompt (push)', async () => {
    const payload = webhookExample('push');
    (payload['sender'] as Record<string, unknown>)['login'] = 'maintainer';
    (payload['repository'] as Record<string, unknown>)['owner'] = { login: OWNER, name: OWNER };
    const run = await runAction(coder, github, { event: 'push', payload, inputs: { prompt: 'check the new commit' } });
    expect(run.outputs['status']).toBe('completed');
  });

  it('wait=false creates the chat, posts the progress comment with the marker, and returns', async () => {
    coder.options.agent = () => [{ status: 'running' }, { hang: true }];
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent background job'), inputs: { wait: 'false' } });
    expect(run.code).toBe(0);
    expect(run.outputs['status']).toBe('started');
    expect(botComments()[0]?.body).toContain(`chat=${run.outputs['chat-id']} state=running`);
    expect(botComments()[0]?.body).toContain('does not wait for the answer');
    const stop = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent stop') });
    expect(stop.outputs['chat-id']).toBe(run.outputs['chat-id']);
  });
});

describe('the Action on bad input', () => {
  it('a malformed event file: one clear error, exit 1, status failed', async () => {
    const run = await runAction(coder, github, { event: 'issue_comment', payload: '{not json' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::The "issue_comment" event from GitHub could not be read');
    expect(run.outputs['status']).toBe('failed');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a wrong Coder token: the comment says so and the token appears nowhere', async () => {
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent hi'), inputs: { 'coder-token': 'wrong-token-abcdef' } });
    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('failed');
    const body = botComments()[0]?.body ?? '';
    expect(body).toContain('Coder rejected the session token');
    const stdout = run.stdout.replace(/^::add-mask::.*$/gm, '');
    expect(JSON.stringify([stdout, run.stderr, body, run.outputs, run.summary])).not.toContain('wrong-token-abcdef');
  });

  it('Coder unreachable: the comment says so', async () => {
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent hi'), inputs: { 'coder-url': 'http://127.0.0.1:1' } });
    expect(run.code).toBe(1);
    expect(botComments()[0]?.body).toContain('Could not reach Coder');
  });

  it('a missing coder-url is an input error', async () => {
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent hi'), inputs: { 'coder-url': '' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::The input "coder-url" is required');
    expect(run.outputs['status']).toBe('failed');
  });
});
