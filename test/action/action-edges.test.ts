/**
 * The Action's edges (issue 12, items 5–10 and 17), each run as the runner
 * runs it: dist/index.js spawned against the fake GitHub and fake Coder.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { scanFences } from '../../src/agent/markdown.js';
import { readMarker } from '../../src/agent/marker.js';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { waitFor } from '../helpers/wait.js';
import { issueCommentEvent, OWNER, REPO, reviewCommentEvent, runAction, type ActionRun, startFakes } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;

beforeEach(async () => ({ coder, github } = await startFakes()));
afterEach(async () => Promise.all([coder.close(), github.close()]));

const botComments = (number = 1) => github.comments(OWNER, REPO, number).filter((c) => c.user.login === 'github-actions[bot]');
const chatCreates = () => coder.requests.filter((r) => r.method === 'POST' && /\/chats$/.test(r.path));
const errorLines = (run: ActionRun) => run.stdout.split('\n').filter((l) => l.startsWith('::error::'));

describe('legacy schedule payloads (item 5)', () => {
  it('runs a schedule whose event file holds only the cron, with repository and actor from the runner', async () => {
    const run = await runAction(coder, github, {
      event: 'schedule',
      payload: { schedule: '0 3 * * *' },
      inputs: { prompt: 'nightly: look for flaky tests' },
      env: { GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_ACTOR: 'octocat', GITHUB_ACTOR_ID: '583231', GITHUB_REF: 'refs/heads/main' },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs['status']).toBe('completed');
    const sent = JSON.stringify(chatCreates()[0]?.body);
    expect(sent).toContain(`${OWNER}/${REPO}`);
    expect(sent).toContain('octocat');
  });

  it('a legacy schedule without GITHUB_REPOSITORY still says what is missing', async () => {
    const run = await runAction(coder, github, { event: 'schedule', payload: { schedule: '0 3 * * *' }, inputs: { prompt: 'p' }, env: { GITHUB_REPOSITORY: '' } });
    expect(run.code).toBe(1);
    expect(errorLines(run).join('\n')).toContain('repository is missing');
    expect(chatCreates()).toHaveLength(0);
  });
});

describe('schedule without a prompt (item 17)', () => {
  it('is a configuration error with a clear message, not a green skip', async () => {
    const payload = { schedule: '0 3 * * *', repository: { name: REPO, owner: { login: OWNER } } };
    const run = await runAction(coder, github, { event: 'schedule', payload });
    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('failed');
    expect(run.outputs['skipped']).toBe('false');
    expect(errorLines(run).join('\n')).toContain('A "schedule" run needs the "prompt" input');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(coder.requests).toHaveLength(0);
  });
});

describe('forks and Dependabot: no secrets, a read-only token (item 7)', () => {
  const noSecrets = { 'coder-url': '', 'coder-token': '' };

  it('a review comment without the phrase stays green without coder-url or coder-token', async () => {
    const run = await runAction(coder, github, { event: 'pull_request_review_comment', payload: reviewCommentEvent(github, 'nit: rename this'), inputs: noSecrets });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs['skipped']).toBe('true');
    // Skipped before any client exists: not even "who am I" is asked.
    expect(github.requests).toHaveLength(0);
  });

  it('an issues event that does not call the agent stays green without secrets too (full path, not the quick skip)', async () => {
    github.addIssue(OWNER, REPO, { number: 1, title: 'Bug', body: 'It breaks.', user: 'maintainer' });
    const payload = webhookExample('issues', 'opened', (x) => typeof (x['issue'] as { body: unknown }).body === 'string');
    Object.assign((payload as { issue: Record<string, unknown> }).issue, { number: 1, body: 'It breaks.' });
    const run = await runAction(coder, github, { event: 'issues', payload, inputs: noSecrets });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs['skipped']).toBe('true');
    expect(github.requests).toHaveLength(0);
    expect(coder.requests).toHaveLength(0);
  });

  it('a refused `/agent` from someone without write access stays green without secrets', async () => {
    github.setPermission(OWNER, REPO, 'contributor', 'read');
    const run = await runAction(coder, github, { event: 'pull_request_review_comment', payload: reviewCommentEvent(github, '/agent do it', { user: 'contributor' }), inputs: noSecrets });
    expect(run.code).toBe(0);
    expect(run.outputs['status']).toBe('refused');
  });

  it('a real `/agent` call without coder-token fails clearly, naming forks and Dependabot', async () => {
    const run = await runAction(coder, github, { event: 'pull_request_review_comment', payload: reviewCommentEvent(github, '/agent simplify this'), inputs: { 'coder-token': '' } });
    expect(run.code).toBe(1);
    const errors = errorLines(run).join('\n');
    expect(errors).toContain('The input "coder-token" is required');
    expect(errors).toContain('Forked pull requests and Dependabot');
    expect(run.outputs['status']).toBe('failed');
  });

  it('with a read-only token, says why before creating any chat', async () => {
    github.addToken('ghs_readonly', 'github-actions[bot]', { installation: true, type: 'Bot', readOnly: true });
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent fix it'), inputs: { 'github-token': 'ghs_readonly' } });
    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('failed');
    const errors = errorLines(run).join('\n');
    expect(errors).toContain(`cannot write to ${OWNER}/${REPO}`);
    expect(errors).toContain('Resource not accessible by integration');
    expect(errors).toContain('Forked pull requests and Dependabot');
    expect(errors).not.toContain('Unexpected error');
    expect(chatCreates()).toHaveLength(0);
  });

  it('when a write fails after the chat exists, still delivers chat-id, chat-url, result and the summary, and fails the step', async () => {
    // A review has no reaction to probe with: the first write is the progress comment, after the chat is created.
    github.addToken('ghs_readonly', 'github-actions[bot]', { installation: true, type: 'Bot', readOnly: true });
    github.addPullRequest(OWNER, REPO, { number: 2, title: 'Speed up login' });
    const payload = webhookExample('pull_request_review', 'submitted');
    const p = payload as { review: Record<string, unknown>; pull_request: Record<string, unknown> };
    Object.assign(p.review, { body: '/agent address the review', user: { login: 'maintainer', id: 7, type: 'User' } });
    Object.assign(p.pull_request, { number: 2 });
    const run = await runAction(coder, github, { event: 'pull_request_review', payload, inputs: { 'github-token': 'ghs_readonly' } });
    expect(run.code).toBe(1);
    expect(run.outputs['chat-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.outputs['chat-url']).toBe(`${coder.url}/agents/${run.outputs['chat-id']}`);
    expect(run.outputs['result']).toContain('address the review');
    expect(run.outputs['status']).toBe('completed');
    expect(run.summary).toContain('address the review');
    expect(run.summary).toContain(run.outputs['chat-url'] ?? '???');
    expect(errorLines(run).join('\n')).toContain('could not be written to the thread');
    expect(errorLines(run).join('\n')).not.toContain('Unexpected error');
  });
});

describe('an answer with an unclosed code fence (item 8)', () => {
  it('closes the fence before the footer, so the footer and marker stay outside the code', async () => {
    coder.options.agent = () => [{ status: 'running' }, { text: 'Try this:\n\n```ts\nconst session = cached();\n' }, { persist: true }, { status: 'waiting' }];
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent show me') });
    expect(run.code).toBe(0);
    const body = botComments()[0]?.body ?? '';
    const lines = body.split('\n');
    const footer = lines.findIndex((l) => l.includes('Open in Coder'));
    expect(footer).toBeGreaterThan(0);
    const scan = scanFences(lines);
    expect(scan.inFence[footer]).toBe(false);
    expect(scan.openFence).toBeNull();
    expect(readMarker(body)?.state).toBe('done');
    expect(body).toContain('const session = cached();');
    // The summary shows the answer too, followed by nothing that could be swallowed.
    expect(scanFences(run.summary.split('\n')).openFence).toBeNull();
  });
});

describe('a job summary over 1 MiB (item 9)', () => {
  it('is capped below 1 MiB in bytes, with a note and the chat link; result-file keeps it all', async () => {
    // 3 bytes per character in UTF-8: ~1.5 MB of bytes from ~500,000 characters.
    const long = `${'日本語の説明。'.repeat(70)}\n`.repeat(1000);
    coder.options.agent = () => [{ status: 'running' }, { text: long }, { persist: true }, { status: 'waiting' }];
    const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: webhookExample('workflow_dispatch'), inputs: { prompt: 'write a lot' } });
    expect(run.code).toBe(0);
    const bytes = Buffer.byteLength(run.summary);
    expect(bytes).toBeLessThan(1024 * 1024);
    expect(bytes).toBeGreaterThan(900 * 1024);
    expect(run.summary).toContain('The answer was cut here');
    expect(run.summary).toContain(run.outputs['chat-url'] ?? '???');
    // `result` itself is capped for env: (long-result.test.ts); the file holds the whole answer.
    expect(readFileSync(run.outputs['result-file'] ?? '', 'utf8')).toBe(long.trim());
    expect(run.summary).toContain('result-file');
  });
});

describe('a rate limit on the final write (item 10)', () => {
  it('fails the step, with the answer in the outputs and the summary', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    const limited = { status: 403, body: { message: 'API rate limit exceeded for installation.' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'x-ratelimit-limit': '5000' } };
    github.failNext({ method: 'PATCH', path: /\/issues\/comments\/\d+$/ }, limited, 20);
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent answer me') });
    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('completed');
    expect(run.outputs['result']).toContain('answer me');
    expect(run.summary).toContain('answer me');
    expect(errorLines(run).join('\n')).toContain('could not be written to the thread');
    // The thread still shows the progress comment: that is why the step must not be green.
    expect(readMarker(botComments()[0]?.body ?? '')?.state).toBe('running');
  });
});

describe('the quick skip', () => {
  it('still calls the agent when the phrase hides behind an invisible character', async () => {
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '\u200b/agent hidden start') });
    expect(run.outputs['status']).toBe('completed');
    await waitFor(() => botComments().length === 1);
  });
});
