/**
 * Cancelling the job (issue 12, item 6): the runner's sequence (SIGINT,
 * SIGTERM 7.5 s later, SIGKILL 2.5 s after that) at three moments. At each,
 * the step ends by itself before any SIGKILL, with a final comment that
 * says cancelled, `status: aborted`, and the chat interrupted if it is ours.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readMarker } from '../../src/agent/marker.js';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { cancelLikeRunner, issueCommentEvent, OWNER, REPO, runAction, type ActionRun, type CancelRecord, startFakes } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;

beforeEach(async () => ({ coder, github } = await startFakes()));
afterEach(async () => Promise.all([coder.close(), github.close()]));

const botComments = () => github.comments(OWNER, REPO, 1).filter((c) => c.user.login === 'github-actions[bot]');
const chatCreates = () => coder.requests.filter((r) => r.method === 'POST' && /\/chats$/.test(r.path));
const interrupts = () => coder.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/interrupt'));

/** Runs `/agent` and cancels like the runner once `moment` holds. */
async function cancelWhen(moment: () => boolean): Promise<{ run: ActionRun; cancel: CancelRecord }> {
  let cancel: CancelRecord = { sent: [] };
  const run = await runAction(coder, github, {
    event: 'issue_comment',
    payload: issueCommentEvent(github, '/agent take your time'),
    onSpawn: (child) => {
      void waitFor(moment, 20_000).then(() => (cancel = cancelLikeRunner(child)));
    },
  });
  return { run, cancel };
}

/** What every cancel must end with, whatever the moment. */
function expectCleanCancel(run: ActionRun, cancel: CancelRecord) {
  expect(cancel.sent[0]).toBe('SIGINT');
  expect(cancel.sent).not.toContain('SIGKILL');
  expect(run.signal).toBeNull();
  expect(run.code).toBe(1);
  expect(run.outputs['status']).toBe('aborted');
  expect(run.outputs['skipped']).toBe('false');
  const last = botComments().at(-1)?.body ?? '';
  expect(last).toContain('cancelled');
  expect(last).not.toContain('Coder refused');
  expect(run.stdout).not.toContain('Coder refused');
  for (const c of botComments()) expect(readMarker(c.body)?.state).not.toBe('running');
  return last;
}

describe('cancelling the job like the runner does', () => {
  it('before the chat exists: no chat, a comment that says cancelled, not "Coder refused"', async () => {
    // Hold the thread listing so the cancel lands between the 👀 and the chat.
    github.setDelay(1500, { method: 'GET', path: /\/issues\/1\/comments$/ });
    const reacted = () => github.requests.some((r) => r.method === 'POST' && r.path.endsWith('/reactions') && r.status > 0);
    const { run, cancel } = await cancelWhen(reacted);
    const last = expectCleanCancel(run, cancel);
    expect(chatCreates()).toHaveLength(0);
    expect(run.outputs['chat-id']).toBe('');
    expect(last).toContain('before the agent started');
    expect(botComments()).toHaveLength(1);
  });

  it('just after the chat is created: the chat is interrupted and the comment says cancelled', async () => {
    coder.options.turnStartDelayMs = 3000;
    coder.options.agent = () => [{ status: 'running' }, { text: 'working on it' }, { hang: true }];
    const { run, cancel } = await cancelWhen(() => chatCreates().length > 0);
    const last = expectCleanCancel(run, cancel);
    const chatId = run.outputs['chat-id'] ?? '';
    expect(chatId).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.outputs['chat-url']).toContain(chatId);
    expect(readMarker(last)).toEqual({ chatId, state: 'stopped' });
    expect(interrupts().map((r) => r.path)).toEqual([expect.stringContaining(chatId)]);
    expect(botComments()).toHaveLength(1);
  });

  it('mid-answer: what the agent wrote is kept, the chat is interrupted, outputs are written', async () => {
    coder.options.agent = () => [{ status: 'running' }, { text: 'half of the answer' }, { hang: true }];
    const { run, cancel } = await cancelWhen(() => coder.streamCount() > 0 && [...coder.chats.values()].some((c) => c.status === 'running'));
    const last = expectCleanCancel(run, cancel);
    const chatId = run.outputs['chat-id'] ?? '';
    expect(last).toContain('half of the answer');
    expect(run.outputs['result']).toContain('half of the answer');
    expect(interrupts().map((r) => r.path)).toEqual([expect.stringContaining(chatId)]);
    await coder.waitForIdle(chatId);
  });

  it('when winding down hangs (GitHub holds the final write), the outputs are written and the step exits before SIGKILL', async () => {
    coder.options.agent = () => [{ status: 'running' }, { text: 'half of the answer' }, { hang: true }];
    github.setDelay(60_000, { method: 'PATCH' });
    const { run, cancel } = await cancelWhen(() => coder.streamCount() > 0 && [...coder.chats.values()].some((c) => c.status === 'running'));
    expect(cancel.sent).not.toContain('SIGKILL');
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('aborted');
    expect(run.outputs['chat-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.stdout).toContain('::error::The run was cancelled');
    expect(interrupts()).toHaveLength(1);
  });
});

